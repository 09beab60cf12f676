//! Library ingestion end to end: generated PDFs, Word, HTML and CSV files, read by corpus, embedded
//! by the real model, indexed in tantivy and qdrant-edge; incremental runs, removals, bad files,
//! interruption and resumption.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use consulta_corpus::Lang;
use consulta_corpus::library::fixtures::{
    DocxParagraph, PdfPage, docx, password_protected_pdf, pdf,
};
use consulta_corpus::library::{SkipReason, Source};
use consulta_retrieval::{
    AskOptions, Citation, Engine, Fetcher, IngestConfig, IngestObserver, IngestRequest,
    LibraryReport, NoNetwork, NoProgress, Outcome, RetrievalConfig,
};

use crate::common::CountingEmbedder;

const ES_AUTH: &str = "La autorización de los resultados de mitigación corresponde a la autoridad \
                       nacional designada, que la comunica a la secretaría antes de la primera \
                       transferencia internacional.";
const EN_ADAPT: &str = "The share of proceeds for adaptation is five percent of the issued \
                        emission reductions, transferred to the Adaptation Fund at issuance.";
const ES_LEFT: &str = "El ajuste correspondiente se registra en el informe bienal de transparencia \
                       de la Parte que transfiere los resultados.";
const ES_RIGHT: &str = "La Parte que adquiere los resultados resta la misma cantidad en su propio \
                        balance de emisiones.";

/// A library with one file of every kind, good and bad.
fn write_library(root: &Path) {
    let write = |name: &str, bytes: &[u8]| {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write(
        "informes/bilingue.pdf",
        &pdf(
            Some("Informe regional bilingüe"),
            &[
                PdfPage::single_column(Some("Autorización"), &[ES_AUTH]),
                PdfPage::single_column(Some("Adaptation"), &[EN_ADAPT]),
            ],
        ),
    );
    write(
        "informes/columnas.pdf",
        &pdf(None, &[PdfPage::two_columns(&[ES_LEFT], &[ES_RIGHT])]),
    );
    write("informes/escaneo.pdf", &pdf(None, &[PdfPage::scanned()]));
    write("informes/protegido.pdf", &password_protected_pdf());
    write("informes/vacio.pdf", b"");
    write("notas/latin1.txt", b"Autorizaci\xf3n");
    write(
        "notas/nota.docx",
        &docx(
            Some("Nota sobre el registro"),
            &[
                DocxParagraph::heading(1, "Registro"),
                DocxParagraph::body(
                    "El registro internacional lleva la cuenta de cada resultado de mitigación \
                     transferido y de su primera transferencia.",
                ),
            ],
        ),
    );
    write(
        "web/guia.html",
        r#"<html lang="es"><head><title>Guia</title></head><body><nav>Inicio Noticias Contacto</nav>
        <main><h2 id="omge">Mitigación global</h2><p>La cancelación obligatoria para la mitigación global de las emisiones es del dos por ciento de las reducciones expedidas.</p></main>
        <footer>Aviso legal</footer></body></html>"#
            .as_bytes(),
    );
    write(
        "faq/preguntas.csv",
        "question;answer;lang\nWhat is a first transfer?;The first transfer is the first international transfer of a mitigation outcome, when the corresponding adjustment is applied.;en\n"
            .as_bytes(),
    );
}

fn ingest(
    engine: &Engine,
    source: &Source,
    observer: &dyn IngestObserver,
    cancel: &AtomicBool,
) -> LibraryReport {
    engine
        .ingest_library(&IngestRequest {
            sources: std::slice::from_ref(source),
            config: &IngestConfig::default(),
            observer,
            fetcher: &NoNetwork,
            cancel,
        })
        .expect("the library ingests")
}

fn run(engine: &Engine, source: &Source) -> LibraryReport {
    ingest(engine, source, &NoProgress, &AtomicBool::new(false))
}

/// A run to completion with other settings or another network.
fn run_with(
    engine: &Engine,
    source: &Source,
    config: &IngestConfig,
    fetcher: &dyn Fetcher,
) -> LibraryReport {
    engine
        .ingest_library(&IngestRequest {
            sources: std::slice::from_ref(source),
            config,
            observer: &NoProgress,
            fetcher,
            cancel: &AtomicBool::new(false),
        })
        .expect("the library ingests")
}

fn reason_of<'a>(report: &'a LibraryReport, origin: &str) -> &'a SkipReason {
    &report
        .skipped
        .iter()
        .find(|s| s.origin == origin)
        .unwrap_or_else(|| panic!("{origin} not skipped: {:?}", report.skipped))
        .reason
}

/// An empty engine in `data`.
fn fresh_engine(data: &Path) -> Engine {
    Engine::open(data, CountingEmbedder::new(), RetrievalConfig::default()).unwrap()
}

/// The best citation of the answer to `question`.
fn first_citation(engine: &Engine, question: &str) -> Citation {
    let answer = engine.ask(question, &AskOptions::default()).unwrap();
    answer.citations.into_iter().next().expect("a citation")
}

fn consistent(engine: &Engine) -> usize {
    let stats = engine.stats();
    assert_eq!(stats.full_text_docs, stats.passages as u64, "{stats:?}");
    assert_eq!(stats.vectors, Some(stats.expected_vectors), "{stats:?}");
    stats.passages
}

/// A library of [`write_library`] and a fresh data dir, with an embedder that counts.
struct Fixture {
    library: tempfile::TempDir,
    data: tempfile::TempDir,
    counter: std::sync::Arc<CountingEmbedder>,
}

impl Fixture {
    fn new() -> Fixture {
        let library = tempfile::tempdir().unwrap();
        write_library(library.path());
        Fixture {
            library,
            data: tempfile::tempdir().unwrap(),
            counter: CountingEmbedder::new(),
        }
    }

    /// Opens the engine on the data dir, as a new process would.
    fn engine(&self) -> Engine {
        Engine::open(
            self.data.path(),
            self.counter.clone(),
            RetrievalConfig::default(),
        )
        .unwrap()
    }

    fn source(&self) -> Source {
        Source::folder(self.library.path())
    }
}

#[test]
fn a_library_is_indexed_cited_by_page_and_kept_in_step_with_its_folder() {
    let fixture = Fixture::new();
    let (counter, engine, source) = (&fixture.counter, fixture.engine(), fixture.source());

    let report = run(&engine, &source);
    assert_eq!(report.documents, 9);
    assert_eq!(report.indexed, 5, "{report:#?}");
    assert_eq!(report.skipped.len(), 4, "{report:#?}");
    assert_eq!(
        reason_of(&report, "informes/escaneo.pdf"),
        &SkipReason::NoTextLayer { pages: 1 }
    );
    assert_eq!(report.scans, ["informes/escaneo.pdf"]);
    assert_eq!(
        reason_of(&report, "informes/protegido.pdf"),
        &SkipReason::Encrypted
    );
    assert_eq!(reason_of(&report, "informes/vacio.pdf"), &SkipReason::Empty);
    assert!(matches!(
        reason_of(&report, "notas/latin1.txt"),
        SkipReason::NotUtf8 { .. }
    ));
    assert_eq!(report.pages_read, 3);
    let passages = consistent(&engine);
    assert_eq!(report.passages_added, passages);
    assert_eq!(counter.take(), passages);

    // Each page of the bilingual report is a passage in its own language, cited by page.
    let cited = first_citation(
        &engine,
        "What share of proceeds goes to the Adaptation Fund?",
    );
    assert_eq!(cited.doc_id, "doc:informes/bilingue.pdf");
    assert_eq!(cited.lang, Lang::En);
    assert_eq!(cited.section, "Adaptation, p. 2");
    assert_eq!(cited.title, "Informe regional bilingüe");
    let cited = first_citation(&engine, "¿Quién comunica la autorización a la secretaría?");
    assert_eq!(cited.lang, Lang::Es);
    assert_eq!(cited.section, "Autorización, p. 1");
    // The two-column page reads as two paragraphs, not interleaved lines.
    let answer = engine
        .ask("¿Qué resta la Parte que adquiere?", &AskOptions::default())
        .unwrap();
    let columns = answer
        .citations
        .iter()
        .find(|c| c.doc_id == "doc:informes/columnas.pdf")
        .expect("the two-column report is found");
    assert_eq!(
        columns.text,
        format!("{ES_LEFT}\n\n{ES_RIGHT}").replace("  ", " ")
    );

    // Nothing changed: nothing parsed again, nothing embedded. (The answers above embedded the
    // sentences they could quote; that is not the ingest's doing.)
    counter.take();
    let report = run(&engine, &source);
    assert_eq!((report.indexed, report.unchanged), (0, 5), "{report:#?}");
    assert_eq!(counter.take(), 0);
    assert_eq!(report.skipped.len(), 4);

    // One file edited, one deleted: only the edit is embedded, the deletion leaves both indexes.
    std::fs::write(
        fixture.library.path().join("web/guia.html"),
        "<main><h2>Mitigación global</h2><p>La cancelación para la mitigación global de las \
         emisiones es del dos por ciento, y se aplica al expedir.</p></main>",
    )
    .unwrap();
    std::fs::remove_file(fixture.library.path().join("notas/nota.docx")).unwrap();
    let report = run(&engine, &source);
    assert_eq!(
        (report.indexed, report.unchanged, report.removed),
        (1, 3, 1),
        "{report:#?}"
    );
    assert_eq!(counter.take(), 1);
    assert_eq!(report.passages_removed, 2);
    assert_eq!(consistent(&engine), passages - 1);
    let answer = engine
        .ask(
            "¿Qué lleva el registro internacional?",
            &AskOptions::default(),
        )
        .unwrap();
    assert!(
        answer
            .citations
            .iter()
            .all(|c| c.doc_id != "doc:notas/nota.docx"),
        "{answer:?}"
    );
}

/// Stops the run after `after` documents, as Ctrl-C would.
struct StopAfter<'a> {
    after: usize,
    done: AtomicUsize,
    cancel: &'a AtomicBool,
}

impl IngestObserver for StopAfter<'_> {
    fn document_done(&self, _origin: &str, _outcome: Outcome, _passages: usize) {
        if self.done.fetch_add(1, Ordering::SeqCst) + 1 >= self.after {
            self.cancel.store(true, Ordering::SeqCst);
        }
    }
}

#[test]
fn an_interrupted_run_keeps_what_it_committed_and_the_next_one_resumes() {
    let fixture = Fixture::new();
    let (counter, engine, source) = (&fixture.counter, fixture.engine(), fixture.source());

    let cancel = AtomicBool::new(false);
    let stop = StopAfter {
        after: 3,
        done: AtomicUsize::new(0),
        cancel: &cancel,
    };
    let first = ingest(&engine, &source, &stop, &cancel);
    assert!(first.interrupted);
    assert_eq!(first.indexed + first.skipped.len() + first.unchanged, 3);
    let committed = consistent(&engine);
    assert!(committed > 0);
    let embedded_first = counter.take();
    drop(engine);

    // A new process: the committed documents are unchanged, the rest are read now.
    let engine = fixture.engine();
    let second = run(&engine, &source);
    assert!(!second.interrupted);
    assert_eq!(second.unchanged, first.indexed, "{second:#?}");
    assert_eq!(second.indexed + second.unchanged, 5);
    let total = consistent(&engine);
    assert_eq!(embedded_first + counter.take(), total);
}

/// Serves one generated PDF for every URL: the network, without a network.
struct FixtureServer;

impl Fetcher for FixtureServer {
    fn fetch(&self, url: &str, _max_bytes: u64) -> Result<Vec<u8>, String> {
        match url {
            "https://example.org/informe.pdf" => Ok(pdf(
                Some("Informe publicado"),
                &[PdfPage::single_column(None, &[ES_AUTH])],
            )),
            other => Err(format!("404 Not Found for {other}")),
        }
    }
}

#[test]
fn manifest_urls_are_fetched_when_there_is_a_network_and_reported_when_not() {
    let library = tempfile::tempdir().unwrap();
    std::fs::write(
        library.path().join("fuentes.manifest.yaml"),
        "defaults:\n  source: Observatorio\ndocuments:\n  - url: https://example.org/informe.pdf\n    valid_as_of: 2024-03-01\n    tags: [6.2]\n",
    )
    .unwrap();
    let source = Source::from_path(&library.path().join("fuentes.manifest.yaml"), &[], &[]);
    let data = tempfile::tempdir().unwrap();
    let engine = fresh_engine(data.path());

    let offline = run(&engine, &source);
    assert!(matches!(
        reason_of(&offline, "https://example.org/informe.pdf"),
        SkipReason::NotFetched { .. }
    ));

    let online = run_with(&engine, &source, &IngestConfig::default(), &FixtureServer);
    assert_eq!(online.indexed, 1, "{online:#?}");
    let cited = first_citation(&engine, "¿Quién comunica la autorización?");
    assert_eq!(cited.title, "Informe publicado");
    assert_eq!(cited.source, "Observatorio");
    assert_eq!(cited.date.as_deref(), Some("2024-03-01"));
    assert_eq!(cited.section, "p. 1");
}

#[test]
fn files_over_the_size_limit_are_refused_before_they_are_read() {
    let library = tempfile::tempdir().unwrap();
    std::fs::write(library.path().join("enorme.txt"), "x".repeat(2048)).unwrap();
    let data = tempfile::tempdir().unwrap();
    let engine = fresh_engine(data.path());
    let config = IngestConfig {
        max_file_bytes: 1024,
        ..IngestConfig::default()
    };
    let report = run_with(
        &engine,
        &Source::folder(library.path()),
        &config,
        &NoNetwork,
    );
    assert_eq!(
        reason_of(&report, "enorme.txt"),
        &SkipReason::TooLarge {
            size: 2048,
            limit: 1024
        }
    );
    assert!(
        reason_of(&report, "enorme.txt")
            .to_string()
            .contains("2 KiB")
    );
}
