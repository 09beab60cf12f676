//! Load on `consulta serve`: concurrent clients asking the gold questions through `POST /v1/ask`.
//!
//! ```text
//! consulta-load [--url http://127.0.0.1:8080 | --consulta PATH --data-dir DIR]
//!               [--clients 50] [--seconds 60] [--gold evals/gold]
//! ```
//! With `--consulta`, the bench starts `consulta serve` itself on a free port over DIR (ingested
//! beforehand with `consulta --data-dir DIR ingest`), and reports its peak memory too. Prints numbers;
//! exits non-zero when any request failed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use consulta_evals::load::{LoadPlan, drive};
use consulta_evals::measure::{ms, process_status_kib};
use consulta_evals::served::Served;

struct Args {
    url: Option<String>,
    consulta: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    clients: usize,
    seconds: u64,
    gold: PathBuf,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        url: None,
        consulta: None,
        data_dir: None,
        clients: 50,
        seconds: 60,
        gold: PathBuf::from("evals/gold"),
    };
    let mut raw = std::env::args().skip(1);
    while let Some(flag) = raw.next() {
        let mut value = || raw.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = Some(value()?),
            "--consulta" => args.consulta = Some(PathBuf::from(value()?)),
            "--data-dir" => args.data_dir = Some(PathBuf::from(value()?)),
            "--clients" => args.clients = value()?.parse().context("--clients takes a number")?,
            "--seconds" => args.seconds = value()?.parse().context("--seconds takes a number")?,
            "--gold" => args.gold = PathBuf::from(value()?),
            other => bail!("unknown argument {other}; see the doc comment of consulta-load"),
        }
    }
    Ok(args)
}

fn main() -> anyhow::Result<ExitCode> {
    let args = parse_args()?;
    let (served, url) = match (&args.url, &args.consulta) {
        (Some(url), _) => (None, url.clone()),
        (None, Some(consulta)) => {
            let data_dir = args
                .data_dir
                .as_ref()
                .context("--consulta needs --data-dir")?;
            let served = Served::start(consulta, data_dir)?;
            let url = served.url.clone();
            (Some(served), url)
        }
        (None, None) => bail!("give --url of a running service, or --consulta and --data-dir"),
    };
    let questions: Vec<String> = consulta_evals::gold::load(&args.gold)?
        .into_iter()
        .map(|q| q.q)
        .collect();
    let plan = LoadPlan {
        base_url: url,
        clients: args.clients,
        duration: Duration::from_secs(args.seconds),
        questions,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(drive(&plan));
    println!("| measure | value |\n|---|---|");
    println!(
        "| clients × duration | {} × {} s |",
        plan.clients, args.seconds
    );
    println!(
        "| answers | {} ({:.1}/s) |",
        report.answered,
        report.throughput()
    );
    println!(
        "| latency p50 / p90 / p99 | {:.1} / {:.1} / {:.1} ms |",
        ms(report.latency(0.50)),
        ms(report.latency(0.90)),
        ms(report.latency(0.99))
    );
    println!("| errors | {} |", report.errors);
    if let Some(served) = &served {
        let peak = process_status_kib(served.pid(), "VmHWM")?;
        println!("| server peak RSS | {} MiB |", peak / 1024);
    }
    for error in &report.first_errors {
        eprintln!("consulta-load: {error}");
    }
    Ok(if report.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
