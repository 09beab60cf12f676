//! Measures what the README's Performance section reports, on the embedded default:
//! ingest throughput, ask latency (p50/p99), cold start of the real binary, and peak memory.
//!
//! ```text
//! consulta-bench [--consulta PATH] [--kb corpus/kb] [--gold evals/gold] [--questions 200]
//! ```
//! Numbers, not assertions: run it in release mode on an otherwise idle machine (`make bench`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use consulta_models::{E5Embedder, default_model_dir};
use consulta_retrieval::{AskOptions, Engine, RetrievalConfig};

struct Args {
    consulta: Option<PathBuf>,
    kb: PathBuf,
    gold: PathBuf,
    questions: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        consulta: None,
        kb: PathBuf::from("corpus/kb"),
        gold: PathBuf::from("evals/gold"),
        questions: 200,
    };
    let mut raw = std::env::args().skip(1);
    while let Some(flag) = raw.next() {
        let mut value = || raw.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--consulta" => args.consulta = Some(PathBuf::from(value()?)),
            "--kb" => args.kb = PathBuf::from(value()?),
            "--gold" => args.gold = PathBuf::from(value()?),
            "--questions" => {
                args.questions = value()?.parse().context("--questions takes a number")?
            }
            other => bail!("unknown argument {other}; see the doc comment of consulta-bench"),
        }
    }
    Ok(args)
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let data = tempfile::tempdir()?;

    let started = Instant::now();
    let embedder = Arc::new(E5Embedder::load(&default_model_dir())?);
    let model_load = started.elapsed();

    let loaded = consulta_corpus::load_dir(&args.kb);
    if !loaded.errors.is_empty() {
        bail!(
            "{} has errors; run `consulta ingest` to see them",
            args.kb.display()
        );
    }
    let engine = Engine::open(data.path(), embedder, RetrievalConfig::default())?;
    if let Some(glossary) = loaded.glossary.clone() {
        engine.set_glossary(Some(glossary));
    }
    let started = Instant::now();
    let report = engine.sync(&loaded.passages, &|_, _| {})?;
    let ingest = started.elapsed();
    let ingest_rate = report.added as f64 / ingest.as_secs_f64();

    let gold = consulta_evals::gold::load(&args.gold)?;
    let questions: Vec<&str> = gold
        .iter()
        .map(|q| q.q.as_str())
        .cycle()
        .take(args.questions)
        .collect();
    for question in questions.iter().take(5) {
        engine.ask(question, &AskOptions::default())?;
    }
    let mut latencies = Vec::with_capacity(questions.len());
    for question in &questions {
        let started = Instant::now();
        engine.ask(question, &AskOptions::default())?;
        latencies.push(started.elapsed());
    }
    latencies.sort();
    let in_process_rss = consulta_evals::memory::peak_rss_kib()?;

    println!("| measure | value |\n|---|---|");
    println!(
        "| model load (in process) | {:.2} s |",
        model_load.as_secs_f64()
    );
    println!(
        "| ingest | {} passages in {:.1} s = {ingest_rate:.1} passages/s |",
        report.added,
        ingest.as_secs_f64()
    );
    println!(
        "| ask latency over {} questions | p50 {:.1} ms · p90 {:.1} ms · p99 {:.1} ms · max {:.1} ms |",
        latencies.len(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap_or(&Duration::ZERO)),
    );
    println!(
        "| peak RSS, bench process (model + indexes + asks) | {:.0} MiB |",
        in_process_rss as f64 / 1024.0
    );

    if let Some(binary) = &args.consulta {
        drop(engine);
        let (cold, rss) = cold_start(binary, data.path())?;
        println!(
            "| cold start `consulta ask` (process start → answer), median of 3 | {:.2} s |",
            cold.as_secs_f64()
        );
        println!(
            "| peak RSS, `consulta ask` process | {:.0} MiB |",
            rss as f64 / 1024.0
        );
    }
    Ok(())
}

/// Runs the real binary three times on the ingested data and keeps the median wall time and the
/// largest peak RSS (read from the kernel's accounting of the finished child).
fn cold_start(binary: &Path, data: &Path) -> anyhow::Result<(Duration, u64)> {
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let child = Command::new(binary)
            .args(["--data-dir"])
            .arg(data)
            .args(["ask", "--json", "¿Qué es un ajuste correspondiente?"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .with_context(|| format!("cannot run {}", binary.display()))?;
        let (status, rss) = wait_with_rss(child)?;
        times.push(started.elapsed());
        if !status {
            bail!("{} ask failed", binary.display());
        }
        peak = peak.max(rss);
    }
    times.sort();
    Ok((times[1], peak))
}

/// Waits for the child and returns (success, peak RSS in KiB) from `wait4`'s resource usage.
fn wait_with_rss(child: std::process::Child) -> anyhow::Result<(bool, u64)> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; the pid is our own child, not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        bail!("wait4 failed: {}", std::io::Error::last_os_error());
    }
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Ok((success, usage.ru_maxrss as u64))
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[index]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
