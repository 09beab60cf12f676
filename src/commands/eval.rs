//! `consulta eval`: the gold sets against the ingested indexes, failing when a quality floor breaks.

use std::process::ExitCode;

use anyhow::Context;

use consulta_evals::report::Report;
use consulta_evals::thresholds::Thresholds;

use crate::cli::EvalArgs;
use crate::config::Settings;
use crate::engine;

/// Writes one line per answerable tuning or held-out question with required facts: the question,
/// whether it is held out, and the sentences the composer weighed, labelled; the input of
/// `evals/tools/fit-sentence-weights.py`.
fn write_sentences(
    path: &std::path::Path,
    outcomes: &[consulta_evals::run::QuestionOutcome],
) -> anyhow::Result<()> {
    let mut lines = String::new();
    for outcome in outcomes.iter().filter(|o| !o.sentences.is_empty()) {
        let line = serde_json::json!({
            "question": outcome.question,
            "heldout": outcome.heldout,
            "features": consulta_retrieval::SENTENCE_FEATURES,
            "sentences": outcome.sentences,
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    std::fs::write(path, lines).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes one line per answerable question: its group, whether it is held out, how many labels it
/// has, and the hybrid ranking's passages with their features and the labels they satisfy; the
/// input of `evals/tools/fit-rank-weights.py`.
fn write_rankings(
    path: &std::path::Path,
    outcomes: &[consulta_evals::run::QuestionOutcome],
) -> anyhow::Result<()> {
    let mut lines = String::new();
    for outcome in outcomes.iter().filter(|o| !o.ranked.is_empty()) {
        let line = serde_json::json!({
            "question": outcome.question,
            "group": outcome.group,
            "heldout": outcome.heldout,
            "labels": outcome.relevant_labels,
            "features": consulta_retrieval::RANK_FEATURES,
            "passages": outcome.ranked,
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    std::fs::write(path, lines).with_context(|| format!("cannot write {}", path.display()))
}

/// Runs the gold sets against the ingested indexes, writes `latest.md` / `latest.json` (and every
/// question's outcome to `questions.json`, to read failures, and the sentences weighed to
/// `sentences.jsonl` and the hybrid rankings to `rankings.jsonl`, to fit the sentence and
/// ranking weights), and fails when a committed quality floor
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
    write_sentences(&args.reports.join("sentences.jsonl"), &outcomes)?;
    write_rankings(&args.reports.join("rankings.jsonl"), &outcomes)?;
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
