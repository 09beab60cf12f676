//! `consulta serve` started by a bench on a free port, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

/// A running `consulta serve` child and the URL it listens on.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`, as the server printed it.
    pub url: String,
}

impl Served {
    /// Starts `consulta --data-dir DATA_DIR serve --listen 127.0.0.1:0` and waits until it says
    /// where it listens.
    ///
    /// The per-client request budgets are turned off: a bench is one client asking as fast as it
    /// can, and it measures the service's cost, not its abuse limits.
    pub fn start(consulta: &Path, data_dir: &Path) -> anyhow::Result<Self> {
        let mut child = Command::new(consulta)
            .env("CONSULTA_SERVICE__REQUESTS_PER_MINUTE_PER_ADDRESS", "0")
            .env("CONSULTA_SERVICE__REQUESTS_PER_MINUTE_PER_SESSION", "0")
            .arg("--data-dir")
            .arg(data_dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", consulta.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut served = Self {
            child,
            url: String::new(),
        };
        for line in BufReader::new(stdout).lines() {
            if let Some(url) = line?.strip_prefix("consulta: listening on ") {
                served.url = url.to_string();
                return Ok(served);
            }
        }
        bail!("consulta serve exited before listening")
    }

    /// The server's process id, to read its memory figures from `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
