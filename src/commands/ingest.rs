//! `consulta ingest`: reads the knowledge base (or a library) and brings both indexes up to date.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use consulta_corpus::library::Source;
use consulta_retrieval::{IngestRequest, LibraryReport};

use crate::cli::IngestArgs;
use crate::config::Settings;
use crate::engine;
use crate::fetch::HttpFetcher;
use crate::progress::IngestBars;

/// Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect.
const INTERRUPTED: u8 = 130;

/// Reads the sources (the knowledge base by default) and brings both indexes up to date. Files that
/// cannot be read are listed with their reason and skipped; the command still ingests everything
/// else and exits non-zero so that CI notices. Ctrl-C stops after the batch being embedded; a
/// second Ctrl-C quits at once. Either way the next run resumes where this one stopped.
pub fn run(settings: &Settings, args: IngestArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![settings.kb_dir.clone()]
    } else {
        args.paths.clone()
    };
    if let Some(missing) = paths.iter().find(|path| !path.exists()) {
        anyhow::bail!(
            "{} does not exist; give a folder, a file, a file list (*.list) or a manifest (*.manifest.yaml)",
            missing.display()
        );
    }
    let sources: Vec<Source> = paths
        .iter()
        .map(|path| Source::from_path(path, &args.include, &args.exclude))
        .collect();
    let engine = engine::open(settings)?;
    let cancel = Arc::new(AtomicBool::new(false));
    stop_on_ctrl_c(cancel.clone());
    let bars = IngestBars::new(args.quiet);
    let fetcher = HttpFetcher::new()?;
    let report = engine.ingest_library(&IngestRequest {
        sources: &sources,
        config: &settings.ingest,
        observer: &bars,
        fetcher: &fetcher,
        cancel: &cancel,
    });
    bars.finish();
    let report = report?;
    for skipped in &report.skipped {
        eprintln!("consulta: skipped: {skipped}");
    }
    for warning in &report.warnings {
        eprintln!("consulta: warning: {}: {}", warning.origin, warning.message);
    }
    if !report.scans.is_empty() {
        eprintln!(
            "consulta: {} scanned PDF(s) without a text layer, not indexed (run OCR on them and ingest again):",
            report.scans.len()
        );
        for scan in &report.scans {
            eprintln!("  {scan}");
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if !args.quiet {
        println!("{}", summary(&report));
    }
    if !report.interrupted {
        engine.keep_kb_files(&settings.kb_dir)?;
        let started = Instant::now();
        let sentences = engine.embed_sentences()?;
        if !args.json && !args.quiet {
            println!(
                "sentences: {} in the passages, {} newly embedded, {} unused vectors dropped, in \
                 {:.1} s",
                sentences.sentences,
                sentences.embedded,
                sentences.dropped,
                started.elapsed().as_secs_f32()
            );
        }
    }
    if report.interrupted {
        eprintln!("consulta: interrupted; run the same command again to resume where it stopped");
        return Ok(ExitCode::from(INTERRUPTED));
    }
    if report.skipped.is_empty() && report.warnings.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "consulta: {} document(s) skipped and {} warning(s) (listed above); fix them and run `consulta ingest` again",
            report.skipped.len(),
            report.warnings.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// The human summary: documents, then passages.
fn summary(report: &LibraryReport) -> String {
    let passages = report.passages_added + report.passages_updated + report.passages_unchanged;
    let mut text = format!(
        "ingested {passages} passages from {} documents in {:.1} s: {} added, {} removed, {} unchanged",
        report.indexed + report.unchanged,
        report.seconds,
        report.passages_added + report.passages_updated,
        report.passages_removed,
        report.passages_unchanged,
    );
    text.push_str(&format!(
        "\ndocuments: {} read, {} unchanged, {} removed, {} skipped",
        report.indexed,
        report.unchanged,
        report.removed,
        report.skipped.len()
    ));
    if report.pages_read > 0 {
        text.push_str(&format!(", {} PDF pages", report.pages_read));
    }
    text
}

/// The first Ctrl-C asks the run to stop after its current batch; the second exits at once (what
/// was committed stays committed, and the next run repairs and resumes).
fn stop_on_ctrl_c(cancel: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            cancel.store(true, Ordering::SeqCst);
            eprintln!(
                "\nconsulta: stopping after the batch being embedded; Ctrl-C again to quit now"
            );
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(i32::from(INTERRUPTED));
            }
        });
    });
}
