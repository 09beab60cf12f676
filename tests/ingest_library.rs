//! `consulta ingest` on a library, through the real binary: the JSON summary, `--quiet`, bad files
//! and scans listed, and Ctrl-C (SIGINT) stopping a run that the next one resumes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use consulta_corpus::library::fixtures::{PdfPage, pdf};
use serde_json::Value;

/// A library and a data dir of the test's own.
struct Library {
    _dir: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
}

impl Library {
    fn new() -> Library {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("biblioteca");
        std::fs::create_dir_all(&root).unwrap();
        let data = dir.path().join("data");
        Library {
            _dir: dir,
            root,
            data,
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.root.join(name), bytes).unwrap();
    }

    fn consulta(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_consulta"));
        command
            .env_remove("CONSULTA_CONFIG")
            .arg("--data-dir")
            .arg(&self.data)
            .arg("ingest")
            .arg(&self.root)
            .args(args);
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.consulta(args).output().unwrap()
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A report of `pages` pages, each different.
fn report(name: &str, pages: usize) -> Vec<u8> {
    let texts: Vec<String> = (0..pages)
        .map(|page| {
            format!(
                "La página {page} del informe {name} describe la autorización de los resultados de \
                 mitigación y el ajuste correspondiente que aplica la Parte anfitriona en su informe."
            )
        })
        .collect();
    let pages: Vec<PdfPage> = texts
        .iter()
        .map(|text| PdfPage::single_column(None, &[text.as_str()]))
        .collect();
    pdf(Some(name), &pages)
}

#[test]
fn the_json_summary_lists_what_was_indexed_skipped_and_scanned() {
    let library = Library::new();
    library.write("informe.pdf", &report("Informe", 2));
    library.write("escaneo.pdf", &pdf(None, &[PdfPage::scanned()]));
    library.write("vacio.docx", b"");
    let out = library.run(&["--json", "--quiet"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = json(&out);
    assert_eq!(summary["documents"], 3);
    assert_eq!(summary["indexed"], 1);
    assert_eq!(summary["pages_read"], 2);
    assert_eq!(summary["scans"], serde_json::json!(["escaneo.pdf"]));
    let reasons: Vec<&str> = summary["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"]["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["no_text_layer", "empty"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("escaneo.pdf") && stderr.contains("OCR"),
        "{stderr}"
    );

    // Quiet and unchanged: nothing on stdout, nothing embedded.
    let out = library.run(&["--quiet"]);
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = library.run(&["--json", "--quiet"]);
    let summary = json(&out);
    assert_eq!(summary["unchanged"], 1);
    assert_eq!(summary["passages_embedded"], 0);
}

#[test]
fn ctrl_c_stops_cleanly_and_the_next_run_resumes() {
    let library = Library::new();
    for n in 0..6 {
        library.write(
            &format!("informe-{n}.pdf"),
            &report(&format!("Informe {n}"), 8),
        );
    }
    let child = library
        .consulta(&["--json", "--quiet"])
        .env("CONSULTA_INGEST__COMMIT_EVERY", "4")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once the first batch is committed the run is well under way: interrupt it.
    let registry = library.data.join("index/documents.json");
    let started = Instant::now();
    while !registry.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no batch committed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = json(&out);
    assert_eq!(first["interrupted"], true);
    let committed = first["indexed"].as_u64().unwrap();
    assert!(committed < 6, "{first}");

    let out = library.run(&["--json", "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = json(&out);
    assert_eq!(second["interrupted"], false);
    assert_eq!(
        second["unchanged"].as_u64().unwrap() + second["indexed"].as_u64().unwrap(),
        6
    );
    assert!(second["unchanged"].as_u64().unwrap() >= 1, "{second}");
    assert!(registry_lists(&registry, 6));
}

fn registry_lists(registry: &Path, documents: usize) -> bool {
    let text = std::fs::read_to_string(registry).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    value["documents"].as_object().unwrap().len() == documents
}
