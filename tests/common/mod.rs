//! What the binary's integration tests share: a sandbox with a small knowledge base and a data
//! directory of its own, and a `consulta serve` process on a free port.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const FAQ_ES: &str = "\
- id: initial-report-when
  lang: es
  question: ¿Cuándo debe presentarse el informe inicial del artículo 6.2?
  answer: |
    El informe inicial se presenta a más tardar cuando la Parte autoriza los RMTI del enfoque
    cooperativo. Cuando sea posible, se presenta junto con el siguiente informe bienal de transparencia.
  source: Decisión 2/CMA.3, anexo, párr. 18
  valid_as_of: 2021-11-13
  tags: [6.2, informe-inicial]
- id: sop-adaptation
  lang: es
  question: ¿Qué parte de las RE6.4 va al Fondo de Adaptación?
  answer: |
    Al expedirse las RE6.4, el 5 % se transfiere a la cuenta del Fondo de Adaptación, además de una
    contribución monetaria que fija el Órgano de Supervisión.
  source: Decisión 3/CMA.3, anexo, párr. 67
  valid_as_of: 2021-11-13
  tags: [6.4, share-of-proceeds]
";

pub const FAQ_EN: &str = "\
- id: ca-what-is
  lang: en
  question: What is a corresponding adjustment?
  answer: |
    A corresponding adjustment is an accounting entry in the emissions balance. The Party that
    first transfers ITMOs adds them, and the Party that uses them subtracts them, so that one tonne is
    never counted twice.
  source: Decision 2/CMA.3, annex, chapter III
  valid_as_of: 2021-11-13
  tags: [6.2, corresponding-adjustment]
";

/// A data dir and knowledge base of the test's own, so tests run in parallel without sharing state.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub kb: PathBuf,
    pub data: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let kb = dir.path().join("kb");
        std::fs::create_dir_all(&kb).unwrap();
        std::fs::write(kb.join("a.es.yaml"), FAQ_ES).unwrap();
        std::fs::write(kb.join("a.en.yaml"), FAQ_EN).unwrap();
        let data = dir.path().join("data");
        Sandbox { dir, kb, data }
    }

    pub fn consulta(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_consulta"));
        command
            .env_remove("CONSULTA_CONFIG")
            .env("CONSULTA_KB_DIR", &self.kb)
            .arg("--data-dir")
            .arg(&self.data);
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.consulta().args(args).output().unwrap()
    }

    pub fn ingested(self) -> Sandbox {
        let out = self.run(&["ingest"]);
        assert!(out.status.success(), "ingest failed: {}", stderr(&out));
        self
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// How long a server may take to load the model and start listening.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A running `consulta serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Sandbox {
    /// Starts `consulta serve` on a free port with the settings in `config` (TOML), and waits until it
    /// serves the API (its engine open).
    pub fn serve(&self, config: &str) -> Server {
        self.serve_until(config, "consulta: listening on ")
    }

    /// Starts `consulta serve` and returns as soon as it accepts connections, before its engine is
    /// open (`/readyz` 503 while it waits for the vector store).
    pub fn serve_starting(&self, config: &str) -> Server {
        self.serve_until(config, "consulta: starting on ")
    }

    fn serve_until(&self, config: &str, announced: &'static str) -> Server {
        let path = self.dir.path().join("serve.toml");
        std::fs::write(&path, config).unwrap();
        let mut child = self
            .consulta()
            .arg("--config")
            .arg(&path)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("CONSULTA_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(base) = line.strip_prefix(announced) {
                    let _ = sender.send(base.to_string());
                }
            }
        });
        let base = receiver
            .recv_timeout(START_TIMEOUT)
            .expect("consulta serve printed its address");
        Server { child, base }
    }
}

impl Server {
    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The `/metrics` page as it reads now.
    pub async fn metrics(&self) -> String {
        reqwest::get(self.url("/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Sends SIGTERM and waits at most `bound` for the process to exit: its status, or `None` if it
    /// was still running then (and is killed when dropped).
    pub fn terminate_within(&mut self, bound: Duration) -> Option<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        let deadline = std::time::Instant::now() + bound;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Sends SIGTERM and waits for the process to exit, returning its status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        self.child.wait().unwrap()
    }
}

/// What the files under `path` take on disk (their allocated blocks, not their lengths): what an
/// operator's disk fills with.
pub fn size_on_disk(path: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::symlink_metadata(path).unwrap();
    let own = metadata.blocks() * 512;
    if !metadata.is_dir() {
        return own;
    }
    let entries = std::fs::read_dir(path).unwrap();
    own + entries
        .map(|entry| size_on_disk(&entry.unwrap().path()))
        .sum::<u64>()
}

/// The value of `series` (its name and labels as `/metrics` writes them) in the page `metrics`.
pub fn metric_in(metrics: &str, series: &str) -> u64 {
    let prefix = format!("{series} ");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no {series} in /metrics:\n{metrics}"))
        .parse()
        .unwrap()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
