//! Small measuring helpers shared by the bench binaries.

use std::time::Duration;

use anyhow::Context;
use nix::time::{ClockId, clock_gettime};

/// The `q` quantile (0..=1) of durations sorted ascending; zero for none.
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

/// A duration in milliseconds, for printing.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A memory figure of this process from `/proc/self/status` (`VmRSS`, `VmHWM`...), in KiB.
pub fn status_kib(field: &str) -> anyhow::Result<u64> {
    status_file_kib("/proc/self/status", field)
}

/// The same figure of another process (`/proc/PID/status`), e.g. a server the bench started.
pub fn process_status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    status_file_kib(&format!("/proc/{pid}/status"), field)
}

fn status_file_kib(path: &str, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(path)?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no {field} in {path}"))
}

/// CPU time this process has used so far, all threads, user and system.
pub fn cpu_time() -> Duration {
    // The process CPU clock always exists on Linux; a failure would read as no time spent.
    clock_gettime(ClockId::CLOCK_PROCESS_CPUTIME_ID)
        .map(Duration::from)
        .unwrap_or_default()
}
