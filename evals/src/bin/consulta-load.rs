//! Load on `consulta serve`: concurrent clients asking the gold questions through `POST /v1/ask`.
//!
//! ```text
//! consulta-load [--url http://127.0.0.1:8080 | --consulta PATH --data-dir DIR]
//!               [--clients 50] [--seconds 60] [--gold evals/gold]
//!               [--scenario cached|unique|both]
//! ```
//! Two scenarios: `cached` asks the gold questions in turn, so after the first round every
//! question's vector comes from the service's cache (a popular FAQ); `unique` makes each question
//! new (a numbered variant of a gold question), so every request embeds its question (the worst
//! case, and what a flood of distinct questions costs). `both` (the default) runs one after the
//! other. The service's per-client budgets would refuse one machine's fifty clients: run it with
//! `CONSULTA_SERVICE__REQUESTS_PER_MINUTE_PER_ADDRESS=0` and
//! `CONSULTA_SERVICE__REQUESTS_PER_MINUTE_PER_SESSION=0` (`make bench-load` does).
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
    scenario: Scenario,
}

/// Which questions the clients ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    /// The gold questions in turn: answered from the question cache after the first round.
    Cached,
    /// Every question new: each one is embedded.
    Unique,
    /// `Cached`, then `Unique`.
    Both,
}

/// Numbered variants made of each gold question for the unique scenario: far more than 50 clients
/// answer in a minute, so no variant is asked twice.
const UNIQUE_VARIANTS: usize = 2_000;

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        url: None,
        consulta: None,
        data_dir: None,
        clients: 50,
        seconds: 60,
        gold: PathBuf::from("evals/gold"),
        scenario: Scenario::Both,
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
            "--scenario" => {
                args.scenario = match value()?.as_str() {
                    "cached" => Scenario::Cached,
                    "unique" => Scenario::Unique,
                    "both" => Scenario::Both,
                    other => bail!("--scenario {other}: use cached, unique or both"),
                }
            }
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
    let runtime = tokio::runtime::Runtime::new()?;
    let scenarios: &[(&str, bool)] = match args.scenario {
        Scenario::Cached => &[("cached", false)],
        Scenario::Unique => &[("unique", true)],
        Scenario::Both => &[("cached", false), ("unique", true)],
    };
    println!("| scenario | measure | value |\n|---|---|---|");
    let mut errors = 0;
    let mut first_errors = Vec::new();
    for &(name, unique) in scenarios {
        let plan = LoadPlan {
            base_url: url.clone(),
            clients: args.clients,
            duration: Duration::from_secs(args.seconds),
            questions: if unique {
                unique_questions(&questions)
            } else {
                questions.clone()
            },
        };
        let report = runtime.block_on(drive(&plan));
        println!(
            "| {name} | clients × duration | {} × {} s |",
            plan.clients, args.seconds
        );
        println!(
            "| {name} | answers | {} ({:.1}/s) |",
            report.answered,
            report.throughput()
        );
        println!(
            "| {name} | latency p50 / p90 / p99 | {:.1} / {:.1} / {:.1} ms |",
            ms(report.latency(0.50)),
            ms(report.latency(0.90)),
            ms(report.latency(0.99))
        );
        println!("| {name} | errors | {} |", report.errors);
        errors += report.errors;
        first_errors.extend(report.first_errors);
    }
    if let Some(served) = &served {
        let peak = process_status_kib(served.pid(), "VmHWM")?;
        println!("| all | server peak RSS | {} MiB |", peak / 1024);
    }
    for error in &first_errors {
        eprintln!("consulta-load: {error}");
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Numbered variants of the gold questions, interleaved so consecutive requests differ in topic as
/// well as in text.
fn unique_questions(gold: &[String]) -> Vec<String> {
    (0..UNIQUE_VARIANTS)
        .flat_map(|n| gold.iter().map(move |q| format!("{q} (variant {n})")))
        .collect()
}
