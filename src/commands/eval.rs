//! `consulta eval`: the gold sets against the ingested indexes, failing when a quality floor breaks.

use std::process::ExitCode;

use anyhow::Context;

use consulta_evals::report::Report;
use consulta_evals::thresholds::Thresholds;

use crate::cli::EvalArgs;
use crate::config::Settings;
use crate::engine;

/// Runs the gold sets against the ingested indexes, writes `latest.md` / `latest.json` (and every
/// question's outcome to `questions.json`, to read failures), and fails when a committed quality floor
/// is broken.
pub fn run(settings: &Settings, args: EvalArgs) -> anyhow::Result<ExitCode> {
    let questions = consulta_evals::gold::load(&args.gold)?;
    let thresholds = Thresholds::load(&args.thresholds)?;
    let engine = engine::open(settings)?;
    if engine.stats().passages == 0 {
        anyhow::bail!("the indexes are empty: run `consulta ingest` first");
    }
    let outcomes = consulta_evals::run::evaluate(&engine, &questions)?;
    let report = Report::from_outcomes(&outcomes);
    let markdown = report.to_markdown();

    std::fs::create_dir_all(&args.reports)
        .with_context(|| format!("cannot create {}", args.reports.display()))?;
    std::fs::write(args.reports.join("latest.md"), &markdown)?;
    std::fs::write(
        args.reports.join("latest.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    std::fs::write(
        args.reports.join("questions.json"),
        serde_json::to_string_pretty(&outcomes)?,
    )?;
    println!("{markdown}");

    let violations = thresholds.violations(&report.metrics);
    if violations.is_empty() {
        println!("all quality thresholds met ({})", args.thresholds.display());
        return Ok(ExitCode::SUCCESS);
    }
    for violation in &violations {
        eprintln!("consulta: quality regression: {violation}");
    }
    Ok(ExitCode::FAILURE)
}
