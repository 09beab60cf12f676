//! Memory use of the running process, as the benchmarks report it.

use anyhow::Context;

/// The high-water mark of this process's resident memory (`VmHWM`), in KiB.
pub fn peak_rss_kib() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM in /proc/self/status")
}
