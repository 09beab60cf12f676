//! The library readers on documents made here: PDFs (one and two columns, scanned, protected,
//! truncated), Word, HTML with page furniture, CSV and text, and every kind of bad file.

use std::path::Path;

use consulta_corpus::library::fixtures::{
    DocxParagraph, PdfPage, docx, inflate_bomb_pdf, password_protected_pdf, pdf,
    pdf_with_catalog_in_object_stream, pdf_with_xref_streams, with_cross_reference_damaged,
    with_older_cross_reference_lost, with_startxref_moved,
};
use consulta_corpus::library::{
    Candidate, Format, Limits, Parsed, SkipReason, Source, discover, read_document,
};
use consulta_corpus::{Lang, PassageKind};
use lopdf::dictionary;

/// Enough language detection for these documents: a Spanish or English function word decides.
/// (Retrieval's real detector is exercised by its own tests on the same fixtures.)
fn detect(text: &str) -> Option<Lang> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let count = |list: &[&str]| words.iter().filter(|w| list.contains(&w.as_str())).count();
    let (es, en) = (
        count(&["el", "la", "los", "de", "que"]),
        count(&["the", "of", "and", "is"]),
    );
    match es.cmp(&en) {
        std::cmp::Ordering::Greater => Some(Lang::Es),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    }
}

/// Writes `bytes` as `name` in a fresh library and reads it back as a candidate.
fn read(name: &str, bytes: &[u8]) -> Result<Parsed, SkipReason> {
    read_with(name, bytes, &Limits::default())
}

fn read_with(name: &str, bytes: &[u8], limits: &Limits) -> Result<Parsed, SkipReason> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let candidate = only_candidate(dir.path());
    read_document(&candidate, bytes, limits, &detect)
}

fn only_candidate(root: &Path) -> Candidate {
    let mut found = discover(&Source::folder(root)).unwrap().candidates;
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

const LEFT: &str = "La autorización de los ITMO corresponde a la autoridad nacional designada, \
                    que la comunica a la secretaría antes de la primera transferencia.";
const RIGHT: &str = "El ajuste correspondiente se aplica en el informe bienal de transparencia \
                     de la Parte que transfiere, y también de la que adquiere.";

#[test]
fn a_two_column_pdf_reads_column_by_column_and_cites_pages() {
    let bytes = pdf(
        Some("Informe de autorizaciones 2024"),
        &[
            PdfPage::single_column(
                Some("Resumen"),
                &["El informe resume las autorizaciones de la región."],
            ),
            PdfPage::two_columns(&[LEFT], &[RIGHT]),
        ],
    );
    let parsed = read("informe.pdf", &bytes).unwrap();
    assert_eq!(parsed.format, Format::Pdf);
    assert_eq!(parsed.pages, Some(2));
    assert_eq!(parsed.title, "Informe de autorizaciones 2024");
    let page_two: Vec<&str> = parsed
        .passages
        .iter()
        .filter(|p| p.section.ends_with("p. 2"))
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(page_two.len(), 1, "{:?}", parsed.passages);
    let expected = format!("{LEFT}\n\n{RIGHT}");
    assert_eq!(page_two[0], expected);
    let first = &parsed.passages[0];
    assert_eq!(first.section, "Resumen, p. 1");
    assert_eq!(first.origin, "informe.pdf#page=1");
    assert_eq!(first.kind, PassageKind::Document);
    assert_eq!(first.doc_id, "doc:informe.pdf");
}

#[test]
fn scanned_pdfs_are_reported_as_scans() {
    let bytes = pdf(None, &[PdfPage::scanned(), PdfPage::scanned()]);
    let reason = read("escaneo.pdf", &bytes).unwrap_err();
    assert_eq!(reason, SkipReason::NoTextLayer { pages: 2 });
    assert!(reason.is_scan());
    assert!(reason.to_string().contains("OCR"));
}

#[test]
fn a_partly_scanned_pdf_is_indexed_with_a_warning() {
    let bytes = pdf(
        None,
        &[PdfPage::single_column(None, &[LEFT]), PdfPage::scanned()],
    );
    let parsed = read("mixto.pdf", &bytes).unwrap();
    assert_eq!(parsed.passages.len(), 1);
    assert!(
        parsed.warnings[0].contains("page(s) 2"),
        "{:?}",
        parsed.warnings
    );
}

#[test]
fn broken_pdfs_are_skipped_with_their_reason() {
    assert_eq!(
        read("secreto.pdf", &password_protected_pdf()).unwrap_err(),
        SkipReason::Encrypted
    );
    let whole = pdf(None, &[PdfPage::single_column(None, &[LEFT])]);
    let cut = &whole[..whole.len() / 2];
    let reason = read("cortado.pdf", cut).unwrap_err();
    assert!(
        matches!(
            reason,
            SkipReason::Truncated { .. } | SkipReason::Malformed { .. }
        ),
        "{reason:?}"
    );
    let reason = read(
        "basura.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage",
    )
    .unwrap_err();
    assert!(
        matches!(
            reason,
            SkipReason::Truncated { .. } | SkipReason::Malformed { .. }
        ),
        "{reason:?}"
    );
}

#[test]
fn bad_files_of_every_kind_are_explained() {
    assert_eq!(read("vacio.pdf", b"").unwrap_err(), SkipReason::Empty);
    let limits = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    let big = vec![b'a'; 101];
    assert_eq!(
        read_with("grande.txt", &big, &limits).unwrap_err(),
        SkipReason::TooLarge {
            size: 101,
            limit: 100
        }
    );
    assert!(matches!(
        read("foto.pdf", b"\x89PNG\r\n\x1a\n....").unwrap_err(),
        SkipReason::WrongExtension { .. }
    ));
    assert_eq!(
        read("latin1.txt", b"Autorizaci\xf3n de los ITMO").unwrap_err(),
        SkipReason::NotUtf8 { valid_up_to: 10 }
    );
    assert!(matches!(
        read("tabla.xlsx", b"PK\x03\x04").unwrap_err(),
        SkipReason::UnknownFormat { .. }
    ));
}

#[test]
fn a_web_page_saved_with_the_wrong_extension_is_read_as_html() {
    let parsed = read(
        "pagina.pdf",
        b"<!DOCTYPE html><html><body><main><p>La autoridad nacional designada autoriza los ITMO.</p></main></body></html>",
    )
    .unwrap();
    assert_eq!(parsed.format, Format::Html);
    assert!(
        parsed.warnings[0].contains("named .pdf"),
        "{:?}",
        parsed.warnings
    );
}

#[test]
fn html_keeps_main_content_with_anchors() {
    let page = r#"<html lang="es"><head><title>Guía</title><script>track()</script></head><body>
        <nav><a href="/">Inicio</a> <a href="/faq">Preguntas</a></nav>
        <div id="cookie-notice">Este sitio usa cookies de la casa.</div>
        <main><h1>Guía de la autorización</h1><p>Texto introductorio de la guía.</p>
        <h2 id="carta">La carta</h2><p>La carta de autorización indica el uso de los ITMO.</p></main>
        <footer>Contacto y aviso legal de la casa</footer></body></html>"#;
    let parsed = read("guia.html", page.as_bytes()).unwrap();
    assert_eq!(parsed.title, "Guía");
    let all: Vec<&str> = parsed.passages.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        all,
        [
            "Texto introductorio de la guía.",
            "La carta de autorización indica el uso de los ITMO."
        ]
    );
    let carta = &parsed.passages[1];
    assert_eq!(carta.section, "Guía de la autorización > La carta");
    assert_eq!(carta.origin, "guia.html#carta");
    assert_eq!(carta.lang, Lang::Es);
}

#[test]
fn word_documents_keep_headings_and_title() {
    let bytes = docx(
        Some("Nota sobre el artículo 6.2"),
        &[
            DocxParagraph::heading(1, "Introducción"),
            DocxParagraph::body("El artículo 6.2 regula los enfoques cooperativos & sus ITMO."),
            DocxParagraph::heading(2, "Autorización"),
            DocxParagraph::body("La autorización es de la Parte que transfiere."),
        ],
    );
    let parsed = read("nota.docx", &bytes).unwrap();
    assert_eq!(parsed.format, Format::Docx);
    assert_eq!(parsed.title, "Nota sobre el artículo 6.2");
    assert_eq!(parsed.passages.len(), 2);
    assert_eq!(
        parsed.passages[0].text,
        "El artículo 6.2 regula los enfoques cooperativos & sus ITMO."
    );
    assert_eq!(parsed.passages[1].section, "Introducción > Autorización");
    let truncated = read("rota.docx", &bytes[..bytes.len() - 30]).unwrap_err();
    assert!(
        matches!(truncated, SkipReason::Truncated { .. }),
        "{truncated:?}"
    );
}

#[test]
fn sidecar_metadata_reaches_every_passage() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = pdf(None, &[PdfPage::single_column(None, &[LEFT])]);
    std::fs::write(dir.path().join("r.pdf"), &bytes).unwrap();
    std::fs::write(
        dir.path().join("r.pdf.meta.yaml"),
        "title: Registro de autorizaciones\nsource: Ministerio del Ambiente\nsource_url: https://example.org/r.pdf\nvalid_as_of: 2024-06-30\ntags: [6.2]\ncountries: [CL]\n",
    )
    .unwrap();
    let candidate = only_candidate(dir.path());
    let parsed = read_document(&candidate, &bytes, &Limits::default(), &detect).unwrap();
    let passage = &parsed.passages[0];
    assert_eq!(passage.title, "Registro de autorizaciones");
    assert_eq!(passage.source, "Ministerio del Ambiente");
    assert_eq!(
        passage.source_url.as_deref(),
        Some("https://example.org/r.pdf#page=1")
    );
    assert_eq!(passage.valid_as_of.as_deref(), Some("2024-06-30"));
    assert_eq!(passage.tags, ["6.2"]);
    assert_eq!(passage.countries, ["CL"]);
}

#[test]
fn csv_and_text_are_read() {
    let csv = "question,answer,lang\nWhat is the OMGE?,The overall mitigation in global emissions is the cancellation of the share.,en\n";
    let parsed = read("faq.csv", csv.as_bytes()).unwrap();
    assert_eq!(parsed.format, Format::FaqCsv);
    assert_eq!(parsed.passages[0].kind, PassageKind::Faq);
    assert_eq!(parsed.passages[0].title, "What is the OMGE?");
    let parsed = read("nota.txt", "Nota\n\nEl registro de la Parte.\n".as_bytes()).unwrap();
    assert_eq!(parsed.passages[0].lang, Lang::Es);
}

#[test]
fn the_bundled_knowledge_base_reads_the_same_through_the_library() {
    let kb = Path::new(env!("CARGO_MANIFEST_DIR")).join("kb");
    let loaded = consulta_corpus::load_dir(&kb);
    let mut expected: Vec<String> = loaded.passages.iter().map(|p| p.id.clone()).collect();
    let mut read_ids = Vec::new();
    for candidate in discover(&Source::folder(&kb)).unwrap().candidates {
        let consulta_corpus::library::Location::File(path) = &candidate.location else {
            panic!("a URL in the bundled knowledge base");
        };
        let bytes = std::fs::read(path).unwrap();
        let parsed = read_document(&candidate, &bytes, &Limits::default(), &detect)
            .unwrap_or_else(|reason| panic!("{}: {reason}", candidate.origin));
        read_ids.extend(parsed.passages.into_iter().map(|p| p.id));
    }
    expected.sort();
    read_ids.sort();
    assert_eq!(
        read_ids, expected,
        "passage ids must survive the switch to the library reader"
    );
}

/// All the compressed streams of one document share one budget: a file of many streams, each
/// under the per-stream limit, is skipped once their total passes it.
#[test]
fn a_documents_streams_together_stay_within_its_inflate_budget() {
    let pages: Vec<PdfPage> = (0..6)
        .map(|_| PdfPage::single_column(None, &[LEFT, RIGHT, LEFT, RIGHT, LEFT, RIGHT]))
        .collect();
    let bytes = pdf(Some("Seis páginas"), &pages);
    assert!(
        read("seis.pdf", &bytes).is_ok(),
        "within the default limits"
    );
    let per_page = 6 * (LEFT.len() + RIGHT.len()) / 2;
    let tight = Limits {
        max_inflated_total_bytes: per_page * 2,
        ..Limits::default()
    };
    let Err(SkipReason::Malformed { detail }) = read_with("seis.pdf", &bytes, &tight) else {
        panic!("six pages cannot fit in the budget of about two");
    };
    assert!(detail.contains("in all"), "{detail}");

    let paragraphs: Vec<DocxParagraph> = (0..200).map(|_| DocxParagraph::body(LEFT)).collect();
    let word = docx(Some("Largo"), &paragraphs);
    assert!(read("largo.docx", &word).is_ok());
    let tight = Limits {
        max_inflated_total_bytes: 200 * LEFT.len() / 2,
        ..Limits::default()
    };
    assert!(
        read_with("largo.docx", &word, &tight).is_err(),
        "its parts together inflate past the budget"
    );
}

/// What each crafted stream below inflates to: under the per-stream bound of [`bomb_limits`], so
/// only the document's total can stop them.
const BOMB_BYTES: usize = 900 * 1024;

/// Limits under which twelve crafted streams of [`BOMB_BYTES`] each stay within the per-stream
/// bound but together pass the document's budget four times over.
fn bomb_limits() -> Limits {
    Limits {
        max_inflated_bytes: 1024 * 1024,
        max_inflated_total_bytes: 3 * BOMB_BYTES,
        ..Limits::default()
    }
}

/// A chain whose newest section reads but whose `/Prev` leads nowhere is rebuilt from the file's
/// objects, and the rebuild meets the newest cross-reference stream again: it is charged to the
/// budget once, so the least budget that reads the file with one intact section reads it too.
#[test]
fn a_rebuild_after_a_broken_prev_charges_the_newest_stream_once() {
    let plain = pdf(
        Some("Autorizaciones"),
        &[PdfPage::single_column(None, &[LEFT])],
    );
    let document = lopdf::Document::load_mem(&plain).unwrap();
    let intact = pdf_with_xref_streams(&document, &[], 1, BOMB_BYTES);
    let two = pdf_with_xref_streams(&document, &[], 2, BOMB_BYTES);
    let broken = with_older_cross_reference_lost(&two);
    let reads = |bytes: &[u8], total: usize| {
        let limits = Limits {
            max_inflated_total_bytes: total,
            ..bomb_limits()
        };
        read_with("cadena.pdf", bytes, &limits).is_ok()
    };
    // The least budget that reads the intact file, found by bisection: `enough` reads, `short` not.
    let (mut short, mut enough) = (0, 2 * BOMB_BYTES);
    assert!(reads(&intact, enough));
    while enough - short > 1 {
        let middle = usize::midpoint(short, enough);
        if reads(&intact, middle) {
            enough = middle;
        } else {
            short = middle;
        }
    }
    assert!(
        !reads(&two, enough),
        "with both sections intact, the older one costs too"
    );
    assert!(
        reads(&broken, enough),
        "the newest stream, met by the chain and by the rebuild, is charged once"
    );
    assert!(!reads(&broken, enough - 1), "and it is charged");
}

/// A one-page PDF (readable text) to which `add` adds crafted objects, written back out.
fn crafted_pdf(add: impl FnOnce(&mut lopdf::Document)) -> Vec<u8> {
    let plain = pdf(
        Some("Autorizaciones"),
        &[PdfPage::single_column(None, &[LEFT, RIGHT])],
    );
    let mut document = lopdf::Document::load_mem(&plain).unwrap();
    add(&mut document);
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}

/// A compressed stream of `dict` whose content starts with `head` and is padded with spaces to
/// [`BOMB_BYTES`]: a kilobyte in the file.
fn padded_stream(dict: lopdf::Dictionary, head: &str) -> lopdf::Stream {
    let mut content = head.as_bytes().to_vec();
    content.resize(BOMB_BYTES, b' ');
    let mut stream = lopdf::Stream::new(dict, content);
    stream.compress().unwrap();
    assert!(stream.content.len() < 4096, "the stream compresses");
    stream
}

fn assert_refused_by_the_documents_budget(result: Result<Parsed, SkipReason>) {
    let Err(reason @ SkipReason::Malformed { .. }) = result else {
        panic!("the crafted streams together pass the budget: {result:?}");
    };
    let message = reason.to_string();
    assert!(
        message.contains("in all") && message.contains("ingest.max_inflated_total_bytes"),
        "the refusal names the setting: {message}"
    );
}

/// Object streams are inflated by lopdf while it loads the file, before any page is read: a PDF
/// of many of them, each under the per-stream bound, is refused once together they pass the
/// document's budget, and the refusal names the setting to raise.
#[test]
fn a_pdfs_object_streams_count_against_its_inflate_budget() {
    // lopdf's writer drops the object streams it finds (it writes its own), so they go in under
    // another name of the same length, put right in the written bytes.
    let crafted = crafted_pdf(|document| {
        for i in 0..12 {
            let head = format!("{} 0 ", 9000 + i);
            let dict = dictionary! {
                "Type" => "ObjSTM",
                "N" => 1,
                "First" => head.len() as i64,
            };
            document.add_object(padded_stream(dict, &format!("{head}<< /Crafted true >>")));
        }
    });
    let mut bytes = crafted;
    for start in 0..bytes.len() - 7 {
        if &bytes[start..start + 7] == b"/ObjSTM" {
            bytes[start..start + 7].copy_from_slice(b"/ObjStm");
        }
    }
    assert_eq!(
        bytes.windows(7).filter(|w| w == b"/ObjStm").count(),
        12,
        "the file holds the twelve object streams"
    );
    let read = read("objetos.pdf", &bytes).expect("within the default limits");
    assert!(read.passages.iter().any(|p| p.text.contains("ITMO")));
    assert_refused_by_the_documents_budget(read_with("objetos.pdf", &bytes, &bomb_limits()));
}

/// A font's character map is inflated when the page that uses the font is read: a page with many
/// fonts, each with a map under the per-stream bound, is refused once the maps together pass the
/// document's budget.
#[test]
fn a_pdfs_character_maps_count_against_its_inflate_budget() {
    let bytes = crafted_pdf(|document| {
        let page = *document.get_pages().values().next().unwrap();
        let mut fonts = lopdf::Dictionary::new();
        for i in 0..12 {
            let map = document.add_object(padded_stream(
                lopdf::Dictionary::new(),
                "/CIDInit /ProcSet findresource begin",
            ));
            let font = document.add_object(dictionary! {
                "Type" => "Font",
                "Subtype" => "Type1",
                "BaseFont" => "Helvetica",
                "ToUnicode" => map,
            });
            fonts.set(format!("C{i}"), font);
        }
        let resources = document
            .get_dictionary(page)
            .and_then(|page| page.get(b"Parent"))
            .and_then(lopdf::Object::as_reference)
            .and_then(|pages| document.get_dictionary(pages))
            .and_then(|pages| pages.get(b"Resources"))
            .and_then(lopdf::Object::as_reference)
            .unwrap();
        let resources = document.get_dictionary_mut(resources).unwrap();
        let used = resources.get_mut(b"Font").unwrap().as_dict_mut().unwrap();
        used.extend(&fonts);
    });
    let read = read("fuentes.pdf", &bytes).expect("within the default limits");
    assert!(read.passages.iter().any(|p| p.text.contains("ITMO")));
    assert_refused_by_the_documents_budget(read_with("fuentes.pdf", &bytes, &bomb_limits()));
}

/// A PDF written with object streams and a cross-reference stream, as modern producers write
/// them, keeps its catalog, page tree and fonts in object streams: they are read after lopdf's
/// load, and the text comes out as from the same PDF written plainly.
#[test]
fn a_pdf_whose_objects_are_in_object_streams_reads_as_the_plain_one() {
    let plain = pdf(
        Some("Autorizaciones"),
        &[
            PdfPage::single_column(None, &[LEFT]),
            PdfPage::single_column(None, &[RIGHT]),
        ],
    );
    let mut document = lopdf::Document::load_mem(&plain).unwrap();
    let mut modern = Vec::new();
    document.save_modern(&mut modern).unwrap();
    assert!(
        modern.windows(7).any(|w| w == b"/ObjStm"),
        "the catalog and pages went into object streams"
    );
    let texts = |bytes: &[u8]| -> Vec<String> {
        read("moderno.pdf", bytes)
            .unwrap()
            .passages
            .into_iter()
            .map(|p| p.text)
            .collect()
    };
    assert_eq!(texts(&modern), texts(&plain));
}

/// The one-page PDF of [`crafted_pdf`], loaded, for objects to be added to it.
fn base_document() -> lopdf::Document {
    lopdf::Document::load_mem(&pdf(
        Some("Autorizaciones"),
        &[PdfPage::single_column(None, &[LEFT, RIGHT])],
    ))
    .unwrap()
}

fn reads_itmo(parsed: Parsed) {
    assert!(
        parsed.passages.iter().any(|p| p.text.contains("ITMO")),
        "{:?}",
        parsed.passages
    );
}

/// The one-page PDF of [`base_document`], written with its catalog in an object stream and a
/// compressed cross-reference stream, as modern producers write it.
fn modern_pdf() -> Vec<u8> {
    pdf_with_catalog_in_object_stream(
        Some("Autorizaciones"),
        &[PdfPage::single_column(None, &[LEFT, RIGHT])],
    )
}

/// The passages' texts of a PDF that must read.
fn texts(name: &str, bytes: &[u8]) -> Vec<String> {
    read(name, bytes)
        .unwrap_or_else(|reason| panic!("{name} reads: {reason}"))
        .passages
        .into_iter()
        .map(|p| p.text)
        .collect()
}

/// A PDF with a compressed cross-reference stream and its catalog in an object stream, whose
/// `startxref` is a few bytes off (a writer that miscounted a line end), reads as the same PDF
/// written right: the section is found nearby, as lopdf finds it.
#[test]
fn a_startxref_a_few_bytes_off_still_finds_the_cross_reference_stream() {
    let modern = modern_pdf();
    let off = with_startxref_moved(&modern, 3);
    assert_eq!(texts("desplazado.pdf", &off), texts("moderno.pdf", &modern));
}

/// The same PDF whose `startxref` points far from any section (past the nearby search) is read by
/// rebuilding its cross-reference data from its objects, as lopdf rebuilds it: the cross-reference
/// stream found among them names the object stream that holds the catalog.
#[test]
fn a_cross_reference_chain_that_leads_nowhere_is_rebuilt_from_the_objects() {
    let modern = modern_pdf();
    let lost = with_startxref_moved(&modern, 300);
    assert_eq!(texts("perdido.pdf", &lost), texts("moderno.pdf", &modern));
}

/// When the cross-reference stream itself is damaged too, nothing tells where the catalog is: the
/// PDF is refused with what is wrong and what to do, not lopdf's "couldn't parse input".
#[test]
fn a_damaged_cross_reference_that_cannot_be_rebuilt_is_refused_with_what_to_do() {
    let damaged = with_cross_reference_damaged(&modern_pdf());
    let reason = read("roto.pdf", &damaged).unwrap_err();
    let message = reason.to_string();
    assert!(
        matches!(reason, SkipReason::Malformed { .. })
            && message.contains("cross-reference table is damaged")
            && message.contains("re-save it with a PDF tool"),
        "{message}"
    );
}

/// A rebuild inflates the cross-reference streams it finds against the document's budget: a chain
/// of many, whose `startxref` leads nowhere, is refused once together they pass it.
#[test]
fn a_rebuilt_cross_reference_counts_against_the_inflate_budget() {
    let lost = with_startxref_moved(&inflate_bomb_pdf(12, BOMB_BYTES), 300);
    reads_itmo(read("revisiones.pdf", &lost).expect("within the default limits"));
    assert_refused_by_the_documents_budget(read_with("revisiones.pdf", &lost, &bomb_limits()));
}

/// A file's cross-reference streams are inflated before any object is read: a chain of many of
/// them (one per revision of the file), each under the per-stream bound, is refused once together
/// they pass the document's budget.
#[test]
fn a_pdfs_cross_reference_streams_count_against_its_inflate_budget() {
    let bytes = inflate_bomb_pdf(12, BOMB_BYTES);
    assert!(bytes.len() < 64 * 1024, "the streams compress");
    reads_itmo(read("revisiones.pdf", &bytes).expect("within the default limits"));
    assert_refused_by_the_documents_budget(read_with("revisiones.pdf", &bytes, &bomb_limits()));
}

/// A stream whose `/Length` is an object kept in an object stream needs that object stream opened
/// to be read at all, typed `/ObjStm` or not: each such object stream counts against the budget,
/// and a stream whose length is found that way is read whole.
#[test]
fn object_streams_opened_to_find_a_length_count_against_the_inflate_budget() {
    let mut document = base_document();
    let mut compressed = Vec::new();
    // The page's content stream takes its length from object 9200, in a small object stream.
    let page = *document.get_pages().values().next().unwrap();
    let contents = document
        .get_dictionary(page)
        .and_then(|page| page.get(b"Contents"))
        .and_then(lopdf::Object::as_reference)
        .unwrap();
    let content = document
        .get_object_mut(contents)
        .unwrap()
        .as_stream_mut()
        .unwrap();
    let length = content.content.len();
    content
        .dict
        .set("Length", lopdf::Object::Reference((9200, 0)));
    let head = "9200 0 ";
    let mut lengths = lopdf::Stream::new(
        dictionary! { "Type" => "ObjStm", "N" => 1, "First" => head.len() as i64 },
        format!("{head}{length}").into_bytes(),
    );
    lengths.compress().unwrap();
    document.objects.insert((9201, 0), lengths.into());
    compressed.push((9200, 9201));
    // Twelve streams take theirs from twelve object streams, not typed as such, each inflating to
    // just under the per-stream bound.
    for i in 0..12 {
        let (length, container, stream) = (9100 + i, 9000 + i, 9300 + i);
        let mut crafted = lopdf::Stream::new(dictionary! {}, b"crafted".to_vec());
        crafted
            .dict
            .set("Length", lopdf::Object::Reference((length, 0)));
        document.objects.insert((stream, 0), crafted.into());
        let head = format!("{length} 0 ");
        let dict = dictionary! { "N" => 1, "First" => head.len() as i64 };
        let holder = padded_stream(dict, &format!("{head}{}", b"crafted".len()));
        document.objects.insert((container, 0), holder.into());
        compressed.push((length, container));
    }
    let bytes = pdf_with_xref_streams(&document, &compressed, 1, 0);
    reads_itmo(read("longitudes.pdf", &bytes).expect("within the default limits"));
    assert_refused_by_the_documents_budget(read_with("longitudes.pdf", &bytes, &bomb_limits()));
}

/// An encrypted document's object streams are inflated as the document is loaded, like a plain
/// one's: many of them, each under the per-stream bound, are refused once together they pass the
/// budget, and an encrypted document within it reads.
#[test]
fn an_encrypted_pdfs_object_streams_count_against_its_inflate_budget() {
    let mut document = base_document();
    let mut compressed = Vec::new();
    for i in 0..12 {
        let (object, container) = (9000 + i, 8000 + i);
        let head = format!("{object} 0 ");
        let dict = dictionary! { "Type" => "ObjStm", "N" => 1, "First" => head.len() as i64 };
        let holder = padded_stream(dict, &format!("{head}<< /Crafted true >>"));
        document.objects.insert((container, 0), holder.into());
        compressed.push((object, container));
    }
    document.trailer.set(
        "ID",
        vec![
            lopdf::Object::string_literal(vec![7u8; 16]),
            lopdf::Object::string_literal(vec![7u8; 16]),
        ],
    );
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &document,
        owner_password: "propietario",
        user_password: "",
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .unwrap();
    document.encrypt(&state).unwrap();
    let bytes = pdf_with_xref_streams(&document, &compressed, 1, 0);
    reads_itmo(read("cifrado.pdf", &bytes).expect("no password needed, within the limits"));
    assert_refused_by_the_documents_budget(read_with("cifrado.pdf", &bytes, &bomb_limits()));
}
