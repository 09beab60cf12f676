//! Fuzzing the library readers with proptest: random bytes under every extension, and valid
//! generated documents cut, flipped and spliced. A reader may refuse anything, but must never
//! panic (a caught panic is reported as "the … reader failed on it", which these tests reject),
//! hang, or return passages without text.
//!
//! Inputs that once broke a reader are kept in `tests/fuzz-regressions/` and read on every run.

use std::path::Path;

use consulta_corpus::Lang;
use consulta_corpus::library::fixtures::{DocxParagraph, PdfPage, docx, pdf};
use consulta_corpus::library::{Candidate, Limits, Location, Metadata, SkipReason, read_document};
use proptest::prelude::*;

fn candidate(name: &str) -> Candidate {
    Candidate {
        key: format!("/fuzz/{name}"),
        origin: name.to_string(),
        location: Location::File(format!("/fuzz/{name}").into()),
        metadata: Ok(Metadata::default()),
    }
}

/// Reads `bytes` as `name` and checks the reader's contract.
fn check(name: &str, bytes: &[u8]) {
    let limits = Limits {
        max_inflated_bytes: 4 * 1024 * 1024,
        ..Limits::default()
    };
    match read_document(&candidate(name), bytes, &limits, &|_| Some(Lang::Es)) {
        Ok(parsed) => {
            for passage in &parsed.passages {
                assert!(
                    passage.text.chars().any(char::is_alphanumeric),
                    "{passage:?}"
                );
                assert!(!passage.id.is_empty());
            }
        }
        Err(SkipReason::Malformed { detail }) => {
            assert!(!detail.contains("reader failed on it"), "{name}: {detail}");
        }
        Err(_) => {}
    }
}

fn valid_pdf() -> Vec<u8> {
    pdf(
        Some("Informe"),
        &[
            PdfPage::single_column(
                Some("Título"),
                &["La autorización de los ITMO corresponde a la autoridad."],
            ),
            PdfPage::two_columns(
                &["Columna izquierda con texto."],
                &["Columna derecha con texto."],
            ),
        ],
    )
}

fn valid_docx() -> Vec<u8> {
    docx(
        Some("Nota"),
        &[
            DocxParagraph::heading(1, "Uno"),
            DocxParagraph::body("El registro de la Parte."),
        ],
    )
}

/// A valid document damaged: cut, bytes overwritten, or a slice repeated.
fn damaged(original: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = original.len();
    (0..len, 0..len, any::<u8>(), 0..3u8).prop_map(move |(at, other, byte, kind)| {
        let mut bytes = original.clone();
        match kind {
            0 => bytes.truncate(at),
            1 => {
                for i in (at..len).step_by(97).take(8) {
                    bytes[i] = byte;
                }
            }
            _ => {
                let (from, to) = (at.min(other), at.max(other));
                let slice = bytes[from..to.min(from + 512)].to_vec();
                bytes.splice(at..at, slice);
            }
        }
        bytes
    })
}

const EXTENSIONS: [&str; 9] = ["pdf", "html", "docx", "txt", "md", "yaml", "csv", "bin", ""];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_break_a_reader(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        extension in proptest::sample::select(&EXTENSIONS[..]),
    ) {
        check(&format!("random.{extension}"), &bytes);
    }

    #[test]
    fn damaged_pdfs_never_break_the_reader(bytes in damaged(valid_pdf())) {
        check("damaged.pdf", &bytes);
    }

    #[test]
    fn damaged_word_documents_never_break_the_reader(bytes in damaged(valid_docx())) {
        check("damaged.docx", &bytes);
    }

    #[test]
    fn random_markup_never_breaks_the_html_reader(
        parts in proptest::collection::vec(
            proptest::sample::select(&[
                "<main>", "</main>", "<nav>", "</nav>", "<h2 id=x>", "</h2>", "<p>", "</p>",
                "<script>", "</script>", "<a name=b>", "texto de la Parte", "&amp;", "&#xD800;",
                "<", ">", "<!--", "-->", "<br/>", "<h1>", "<article>", "<header>", "</header>",
            ][..]),
            0..64,
        )
    ) {
        check("page.html", parts.concat().as_bytes());
    }

    #[test]
    fn random_csv_never_breaks_the_csv_reader(
        rows in proptest::collection::vec("[a-zA-Z ;,\"\\n]{0,40}", 0..20)
    ) {
        check("faq.csv", format!("question;answer;lang\n{}", rows.join("\n")).as_bytes());
    }
}

/// Every input that ever broke a reader stays a test.
#[test]
fn former_crashers_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        check(&name, &std::fs::read(&path).unwrap());
        count += 1;
    }
    assert!(count > 0, "no regression inputs in {}", dir.display());
}
