use std::process::ExitCode;
use std::time::Instant;

use crate::cli::IngestArgs;
use crate::config::Settings;
use crate::engine;

/// Loads the knowledge base and syncs both indexes with it. Broken files are listed and skipped; the
/// command still ingests everything else and exits non-zero so that CI notices.
pub fn run(settings: &Settings, args: IngestArgs) -> anyhow::Result<ExitCode> {
    let kb_dir = args.path.unwrap_or_else(|| settings.kb_dir.clone());
    let started = Instant::now();
    let loaded = consulta_corpus::load_dir(&kb_dir);
    for error in &loaded.errors {
        eprintln!("consulta: skipped: {error}");
    }
    let engine = engine::open(settings)?;
    let report = engine.sync(&loaded.passages, &|done, total| {
        if total > 0 && (done == total || done % 64 == 0) {
            eprint!("\rembedding {done}/{total} passages");
            if done == total {
                eprintln!();
            }
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "ingested {} passages from {} files in {seconds:.1} s: {} added, {} removed, {} unchanged",
        loaded.passages.len(),
        loaded.files,
        report.added,
        report.removed,
        report.unchanged,
    );
    if loaded.errors.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "consulta: {} file(s) had errors (listed above); fix them and run `consulta ingest` again",
            loaded.errors.len()
        );
        Ok(ExitCode::FAILURE)
    }
}
