//! How the embedded vector store grows: loads synthetic 384-d passages (10k, 100k and 1M by
//! default) and reports, at each size, build time (upserts + HNSW), disk, memory, reopening time
//! and search latency (p50/p99, with and without a payload filter) with recall against an exact
//! scan (with and without the filter). The numbers behind the sizing table of `deploy/README.md`.
//!
//! ```text
//! consulta-scale-bench [--sizes 10000,100000,1000000] [--queries 1000] [--dir DIR]
//! ```
//! Each size is built in one child process and searched in another, so that memory figures are
//! those of a process that only builds, or only opens and serves, a store of that size.
//!
//! The vectors are clustered (topics of about 50 passages, each its topic's centre plus noise): uniformly
//! random vectors have no neighbourhood structure and would measure a worst case no real corpus has.

use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use consulta_corpus::{Lang, PassageKind};
use consulta_evals::measure::{ms, percentile, status_kib};
use consulta_models::dot;
use consulta_retrieval::{EdgeStore, PointPayload, SearchFilter, VectorPoint, VectorStore};

/// The dimension of multilingual-e5-small.
const DIMENSION: usize = 384;
/// Passages per topic, at every size: a library grows by adding topics. (A fixed number of topics
/// would make each one 10× more crowded at every step, until the exact top 10 of a query is a
/// coin toss among hundreds of near-equidistant points, measuring the data rather than the index.)
const PASSAGES_PER_TOPIC: u64 = 50;
/// How far a passage lies from its topic's centre, per dimension (before normalising).
const SPREAD: f32 = 0.6;
/// Points per upsert while building.
const BATCH: usize = 10_000;
/// Neighbours per search, as the dense leg asks for.
const LIMIT: usize = 50;
/// Queries whose top 10 is compared with an exact scan.
const RECALL_QUERIES: usize = 20;

fn main() -> anyhow::Result<()> {
    let mut raw = std::env::args().skip(1);
    let mut sizes = vec![10_000, 100_000, 1_000_000];
    let mut queries = 1_000;
    let mut dir = std::env::temp_dir();
    let mut role = None;
    while let Some(flag) = raw.next() {
        let mut value = || raw.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--sizes" => {
                sizes = value()?
                    .split(',')
                    .map(|s| s.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .context("--sizes takes numbers separated by commas")?
            }
            "--queries" => queries = value()?.parse().context("--queries takes a number")?,
            "--dir" => dir = PathBuf::from(value()?),
            "--build" | "--search" => role = Some((flag.clone(), value()?.parse::<usize>()?)),
            other => bail!("unknown argument {other}; see the doc comment of consulta-scale-bench"),
        }
    }
    match role {
        Some((role, size)) if role == "--build" => build(&dir, size),
        Some((_, size)) => search(&dir, size, queries),
        None => run_all(&dir, &sizes, queries),
    }
}

/// Runs every size in child processes and prints one table.
fn run_all(parent: &Path, sizes: &[usize], queries: usize) -> anyhow::Result<()> {
    let me = std::env::current_exe()?;
    println!(
        "| passages | build (upsert + HNSW) | disk | peak RSS building | reopen | RSS serving | \
         search p50 / p99 | filtered p50 / p99 | recall@10 | filtered recall@10 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &size in sizes {
        let work = tempfile::tempdir_in(parent)?;
        let built = child(&me, &["--build", &size.to_string()], work.path(), queries)?;
        let searched = child(&me, &["--search", &size.to_string()], work.path(), queries)?;
        println!("| {size} | {built} | {searched} |");
    }
    Ok(())
}

fn child(me: &Path, role: &[&str], dir: &Path, queries: usize) -> anyhow::Result<String> {
    let output = Command::new(me)
        .args(role)
        .arg("--dir")
        .arg(dir)
        .args(["--queries", &queries.to_string()])
        .output()
        .context("cannot run the bench's child process")?;
    if !output.status.success() {
        bail!(
            "{role:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?.trim().to_string())
}

/// Builds a store of `size` points in `dir/vectors` and prints its build columns.
fn build(dir: &Path, size: usize) -> anyhow::Result<()> {
    let path = dir.join("vectors");
    let store = EdgeStore::open(&path, DIMENSION)?;
    let started = Instant::now();
    for start in (0..size).step_by(BATCH) {
        let end = (start + BATCH).min(size);
        store.upsert((start..end).map(|i| point(i, size)).collect())?;
        eprintln!(
            "upserted {end}/{size} in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    let upserted = started.elapsed();
    store.optimize()?;
    store.flush()?;
    let built = started.elapsed();
    if store.count()? != size {
        bail!("the store holds {} points, not {size}", store.count()?);
    }
    drop(store);
    print!(
        "{:.1} s ({:.1} + {:.1}) | {} | {}",
        built.as_secs_f64(),
        upserted.as_secs_f64(),
        (built - upserted).as_secs_f64(),
        mib(disk_bytes(&path)?),
        mib(status_kib("VmHWM")? * 1024),
    );
    Ok(())
}

/// Opens the store built in `dir/vectors`, searches it and prints the serving columns.
fn search(dir: &Path, size: usize, queries: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = EdgeStore::open(&dir.join("vectors"), DIMENSION)?;
    let reopen = started.elapsed();
    let only_es = SearchFilter {
        langs: vec![Lang::Es],
        ..SearchFilter::default()
    };
    let query_vectors: Vec<Vec<f32>> = (0..queries + 50).map(|i| query(i, size)).collect();
    let mut plain = Vec::with_capacity(queries);
    let mut filtered = Vec::with_capacity(queries);
    for (i, vector) in query_vectors.iter().enumerate() {
        let timed = |filter: &SearchFilter| -> anyhow::Result<Duration> {
            let started = Instant::now();
            store.search(vector, LIMIT, filter)?;
            Ok(started.elapsed())
        };
        let (p, f) = (timed(&SearchFilter::default())?, timed(&only_es)?);
        if i >= 50 {
            plain.push(p);
            filtered.push(f);
        }
    }
    let serving_rss = status_kib("VmRSS")? * 1024;
    plain.sort();
    filtered.sort();
    let sample = &query_vectors[..RECALL_QUERIES];
    let recall = recall_at_10(&store, size, sample, &SearchFilter::default(), |_| true)?;
    let filtered_recall = recall_at_10(&store, size, sample, &only_es, |i| lang(i) == Lang::Es)?;
    print!(
        "{:.2} s | {} | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {recall:.3} | {filtered_recall:.3}",
        reopen.as_secs_f64(),
        mib(serving_rss),
        ms(percentile(&plain, 0.50)),
        ms(percentile(&plain, 0.99)),
        ms(percentile(&filtered, 0.50)),
        ms(percentile(&filtered, 0.99)),
    );
    Ok(())
}

/// Share of the exact top 10 among the passages `filter` admits (`admitted` says which, by number;
/// found by a scan of every regenerated vector) that the store returns.
fn recall_at_10(
    store: &EdgeStore,
    size: usize,
    queries: &[Vec<f32>],
    filter: &SearchFilter,
    admitted: impl Fn(usize) -> bool,
) -> anyhow::Result<f64> {
    // Min-heaps (by score) of the best ten so far, per query.
    let mut best: Vec<BinaryHeap<std::cmp::Reverse<(Score, usize)>>> =
        vec![BinaryHeap::new(); queries.len()];
    for i in (0..size).filter(|&i| admitted(i)) {
        let vector = vector(i, size);
        for (q, heap) in queries.iter().zip(best.iter_mut()) {
            let score = Score(dot(q, &vector));
            if heap.len() < 10 {
                heap.push(std::cmp::Reverse((score, i)));
            } else if heap.peek().is_some_and(|worst| worst.0.0 < score) {
                heap.pop();
                heap.push(std::cmp::Reverse((score, i)));
            }
        }
    }
    let mut found = 0;
    for (q, heap) in queries.iter().zip(best) {
        let hits = store.search(q, 10, filter)?;
        found += heap
            .into_iter()
            .filter(|exact| hits.iter().any(|h| h.passage_id == passage_id(exact.0.1)))
            .count();
    }
    Ok(found as f64 / (10 * queries.len()) as f64)
}

/// An f32 similarity that can be ordered (the scan never produces NaN).
#[derive(Debug, Clone, Copy)]
struct Score(f32);
impl PartialEq for Score {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

fn passage_id(i: usize) -> String {
    format!("{:016x}", i as u64 + 1)
}

/// Passage `i`'s language: a third each.
fn lang(i: usize) -> Lang {
    [Lang::Es, Lang::Pt, Lang::En][i % 3]
}

fn point(i: usize, size: usize) -> VectorPoint {
    VectorPoint {
        vector: vector(i, size),
        payload: PointPayload {
            passage_id: passage_id(i),
            doc_id: format!("guide:doc-{}", i / 8),
            lang: lang(i),
            kind: if i.is_multiple_of(5) {
                PassageKind::Faq
            } else {
                PassageKind::Guide
            },
            tags: vec![if i.is_multiple_of(2) { "6.2" } else { "6.4" }.to_string()],
            content_hash: format!("{:016x}", splitmix(i as u64)),
        },
    }
}

/// Passage `i`: its topic's centre plus noise, normalised. A pure function of `i`, so the exact
/// scan can regenerate every vector instead of holding them (which would distort the RSS).
fn vector(i: usize, size: usize) -> Vec<f32> {
    let topics = (size as u64 / PASSAGES_PER_TOPIC).max(1);
    let topic = splitmix(i as u64 ^ 0x7091c) % topics;
    let centre = noise(topic, 1.0);
    let own = noise(0x1_0000_0000 + i as u64, SPREAD);
    normalised(centre.iter().zip(own).map(|(c, n)| c + n).collect())
}

/// Query `n`: a random stored passage, moved a little (a paraphrase of it).
fn query(n: usize, size: usize) -> Vec<f32> {
    let target = (splitmix(n as u64 ^ 0xface) % size as u64) as usize;
    let moved = noise(0x2_0000_0000 + n as u64, SPREAD / 2.0);
    normalised(
        vector(target, size)
            .iter()
            .zip(moved)
            .map(|(v, m)| v + m)
            .collect(),
    )
}

/// `DIMENSION` values uniform in [-scale, scale], a pure function of `seed`.
fn noise(seed: u64, scale: f32) -> Vec<f32> {
    let mut state = splitmix(seed);
    (0..DIMENSION)
        .map(|_| {
            state = splitmix(state);
            ((state >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
        })
        .collect()
}

fn normalised(mut values: Vec<f32>) -> Vec<f32> {
    let norm = dot(&values, &values).sqrt();
    values.iter_mut().for_each(|v| *v /= norm);
    values
}

/// SplitMix64: a fast, well-mixed hash of a counter, good enough for synthetic data.
fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Bytes allocated on disk under `dir` (blocks, not apparent sizes: the WAL is preallocated).
fn disk_bytes(dir: &Path) -> anyhow::Result<u64> {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let metadata = entry.metadata()?;
        total += if metadata.is_dir() {
            disk_bytes(&entry.path())?
        } else {
            metadata.blocks() * 512
        };
    }
    Ok(total)
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}
