//! Measures library ingestion on a generated corpus of PDF reports: pages per second of PDF reading
//! (text extraction in reading order, passage cutting, language detection per passage), passages
//! per second end to end (read + embed + index in tantivy and qdrant-edge), and peak memory.
//!
//! ```text
//! consulta-library-bench [--pages 1000] [--pages-per-report 50] [--e2e-pages 100]
//! ```
//! Reading covers all `--pages`; the end-to-end run ingests the first `--e2e-pages` of them, because
//! embedding on a CPU (about 4 passages/s on two cores) would make the full corpus take an hour.
//! Numbers, not assertions: run it in release mode on an otherwise idle machine.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::{Context, bail};

use consulta_corpus::library::fixtures::{PdfPage, pdf};
use consulta_corpus::library::{Limits, Location, Source, discover, read_document};
use consulta_evals::measure::status_kib;
use consulta_models::{E5Embedder, default_model_dir};
use consulta_retrieval::{
    Engine, IngestConfig, IngestRequest, NoNetwork, NoProgress, RetrievalConfig, detect_language,
};

struct Args {
    pages: usize,
    pages_per_report: usize,
    e2e_pages: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        pages: 1000,
        pages_per_report: 50,
        e2e_pages: 100,
    };
    let mut raw = std::env::args().skip(1);
    while let Some(flag) = raw.next() {
        let value: usize = raw
            .next()
            .with_context(|| format!("{flag} needs a value"))?
            .parse()
            .with_context(|| format!("{flag} takes a number"))?;
        match flag.as_str() {
            "--pages" => args.pages = value,
            "--pages-per-report" => args.pages_per_report = value.max(1),
            "--e2e-pages" => args.e2e_pages = value,
            other => {
                bail!("unknown argument {other}; see the doc comment of consulta-library-bench")
            }
        }
    }
    Ok(args)
}

/// Words the generated paragraphs are made of: Article 6 prose, in Spanish and English, so that
/// per-passage language detection has real work to do.
const SPANISH: [&str; 6] = [
    "La autorización de los resultados de mitigación corresponde a la autoridad nacional designada",
    "el ajuste correspondiente se aplica en el informe bienal de transparencia de la Parte",
    "la primera transferencia internacional se registra en el registro nacional",
    "las actividades del mecanismo del artículo 6.4 siguen metodologías aprobadas por el Órgano de Supervisión",
    "una parte de los ingresos se destina al Fondo de Adaptación",
    "los informes iniciales describen los arreglos institucionales del país anfitrión",
];
const ENGLISH: [&str; 6] = [
    "The authorization of mitigation outcomes is given by the designated national authority",
    "a corresponding adjustment is applied in the biennial transparency report of the Party",
    "the first international transfer is recorded in the national registry",
    "activities under the Article 6.4 mechanism follow methodologies approved by the Supervisory Body",
    "a share of proceeds is transferred to the Adaptation Fund",
    "initial reports describe the institutional arrangements of the host country",
];

/// A paragraph of about 500 characters, different for every page and position.
fn paragraph(page: usize, index: usize) -> String {
    let words = if (page + index).is_multiple_of(3) {
        &ENGLISH
    } else {
        &SPANISH
    };
    (0..4)
        .map(|k| {
            let sentence = words[(page * 7 + index * 3 + k) % words.len()];
            format!("{sentence} ({page}.{index}.{k}).")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes `pages` pages as reports of `per_report` pages: mostly one column with a heading,
/// every fifth page in two columns.
fn write_corpus(dir: &Path, pages: usize, per_report: usize) -> anyhow::Result<usize> {
    let mut written = 0;
    let mut report = 0;
    while written < pages {
        let count = per_report.min(pages - written);
        let generated: Vec<PdfPage> = (written..written + count)
            .map(|page| {
                let texts: Vec<String> = (0..4).map(|i| paragraph(page, i)).collect();
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                if page % 5 == 4 {
                    PdfPage::two_columns(&refs[..2], &refs[2..])
                } else {
                    PdfPage::single_column(Some(&format!("Sección {page}")), &refs)
                }
            })
            .collect();
        let bytes = pdf(Some(&format!("Informe {report}")), &generated);
        std::fs::write(dir.join(format!("informe-{report:03}.pdf")), bytes)?;
        written += count;
        report += 1;
    }
    Ok(report)
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let corpus = tempfile::tempdir()?;
    let reports = write_corpus(corpus.path(), args.pages, args.pages_per_report)?;
    let bytes: u64 = std::fs::read_dir(corpus.path())?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();

    // Reading alone: every page of every report.
    let candidates = discover(&Source::folder(corpus.path()))?.candidates;
    let limits = Limits::default();
    let started = Instant::now();
    let (mut pages, mut passages) = (0u64, 0usize);
    for candidate in &candidates {
        let Location::File(path) = &candidate.location else {
            continue;
        };
        let data = std::fs::read(path)?;
        let parsed = read_document(candidate, &data, &limits, &detect_language)
            .map_err(|reason| anyhow::anyhow!("{}: {reason}", candidate.origin))?;
        pages += u64::from(parsed.pages.unwrap_or(0));
        passages += parsed.passages.len();
    }
    let reading = started.elapsed().as_secs_f64();
    let reading_rss = status_kib("VmHWM")?;

    // End to end on a slice of the corpus: read + embed + index, through the real engine.
    let slice = tempfile::tempdir()?;
    write_corpus(slice.path(), args.e2e_pages, args.pages_per_report)?;
    let data = tempfile::tempdir()?;
    let embedder = Arc::new(E5Embedder::load(&default_model_dir())?);
    let engine = Engine::open(data.path(), embedder, RetrievalConfig::default())?;
    let started = Instant::now();
    let report = engine.ingest_library(&IngestRequest {
        sources: &[Source::folder(slice.path())],
        config: &IngestConfig::default(),
        observer: &NoProgress,
        fetcher: &NoNetwork,
        cancel: &AtomicBool::new(false),
    })?;
    let end_to_end = started.elapsed().as_secs_f64();
    let total_rss = status_kib("VmHWM")?;
    if !report.skipped.is_empty() {
        bail!("generated documents were skipped: {:?}", report.skipped);
    }

    println!("| measure | value |\n|---|---|");
    println!(
        "| corpus | {pages} pages in {reports} PDFs ({:.1} MiB), {passages} passages |",
        bytes as f64 / 1_048_576.0
    );
    println!(
        "| PDF reading (extract in reading order, cut, detect language) | {pages} pages in {reading:.2} s = {:.0} pages/s ({:.0} passages/s) |",
        pages as f64 / reading,
        passages as f64 / reading
    );
    println!(
        "| peak RSS after reading | {:.0} MiB |",
        reading_rss as f64 / 1024.0
    );
    println!(
        "| end to end (read + embed + index), first {} pages | {} passages in {end_to_end:.1} s = {:.2} passages/s (reading {:.1} s, embedding {:.1} s) |",
        report.pages_read,
        report.passages_embedded,
        report.passages_embedded as f64 / end_to_end,
        report.parse_seconds,
        report.embed_seconds
    );
    println!(
        "| peak RSS, whole bench (model + indexes) | {:.0} MiB |",
        total_rss as f64 / 1024.0
    );
    Ok(())
}
