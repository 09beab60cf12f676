//! Small helpers the benchmarks share: percentiles of latencies, milliseconds, peak memory.

use std::time::Duration;

use anyhow::Context;

/// The `q` quantile (0..=1) of latencies sorted ascending, by nearest rank; zero when empty.
///
/// ```
/// use std::time::Duration;
/// let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
/// assert_eq!(consulta_evals::timing::percentile(&sorted, 0.5), Duration::from_millis(51));
/// assert_eq!(consulta_evals::timing::percentile(&sorted, 0.99), Duration::from_millis(99));
/// ```
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[index]
}

/// A duration in milliseconds, for tables.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The peak resident memory (VmHWM) recorded in a `/proc/<pid>/status` file, in KiB.
pub fn peak_rss_kib(status_file: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(status_file)?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no VmHWM in {status_file}"))
}
