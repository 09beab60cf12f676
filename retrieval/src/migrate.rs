//! Moving the vectors between the embedded store and a Qdrant server (`consulta migrate`).
//!
//! Points are copied page by page (scroll, then upsert), in ascending point-id order. After each
//! page a checkpoint file records where the next one starts, so an interrupted copy resumes there
//! (upserts are idempotent: a page copied twice is harmless). The copy is then verified: the
//! point counts must match, and a sample of points, searched by their own vectors, must find
//! themselves in the copy with the same neighbours as in the original.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::engine::{MANIFEST_FILE, VECTORS_DIR};
use crate::{RetrievalConfig, RetrievalError, SearchFilter, VectorStore, VectorStoreKind, stores};

/// Where a snapshot is unpacked (inside the data dir) before its points are copied.
const SNAPSHOT_DIR: &str = "snapshot-unpacked";

/// Neighbours compared per sample search.
const SAMPLE_NEIGHBOURS: usize = 10;

/// How a copy runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateOptions {
    /// Points per page (one scroll and one upsert).
    pub batch_size: usize,
    /// Points searched in both stores to verify the copy.
    pub samples: usize,
    /// Empty a target that already holds points instead of refusing to copy into it.
    pub overwrite: bool,
}

impl Default for MigrateOptions {
    fn default() -> Self {
        MigrateOptions {
            batch_size: 512,
            samples: 20,
            overwrite: false,
        }
    }
}

/// What a copy did and how its verification went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MigrationReport {
    /// The store copied from, e.g. `edge:/var/lib/consulta/index/vectors`.
    pub source: String,
    /// The store copied into, e.g. `qdrant:http://qdrant:6334/consulta`.
    pub target: String,
    /// Whether this run continued an interrupted one.
    pub resumed: bool,
    /// Points written by this run.
    pub copied: usize,
    /// Points of the source without a Consulta payload, not copied.
    pub foreign: usize,
    /// Points in the source at the end.
    pub source_points: usize,
    /// Points in the target at the end; equal to `source_points` when the copy succeeded.
    pub target_points: usize,
    /// Passages in the manifest, when the copy was made for a data dir; the engine re-embeds
    /// (or deletes) any difference with the store when it opens.
    pub manifest_passages: Option<usize>,
    /// Sample searches made.
    pub samples: usize,
    /// Mean share of a sample's neighbours in the source that it also has in the target.
    pub neighbour_agreement: f32,
}

/// Progress of a copy, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationProgress {
    /// Points copied so far, including those of an interrupted run.
    pub copied: usize,
    /// Points in the source.
    pub total: usize,
}

/// Where an interrupted copy stands; kept next to the indexes until the copy is verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Checkpoint {
    source: String,
    target: String,
    /// The point id the next page starts at; `None` once every page is copied.
    next: Option<u64>,
    copied: usize,
    foreign: usize,
}

impl Checkpoint {
    fn load(path: &Path) -> Result<Option<Checkpoint>, RetrievalError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(RetrievalError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| RetrievalError::Migration {
                message: format!(
                    "the checkpoint {} is damaged ({e}): delete it to copy from the start",
                    path.display()
                ),
            })
    }

    /// Written to a temporary file and renamed over the old one, so a crash never leaves half a
    /// checkpoint; losing the latest one only means copying one page again.
    fn save(&self, path: &Path) -> Result<(), RetrievalError> {
        let temporary = path.with_extension("json.tmp");
        let json = serde_json::to_vec(self).expect("a checkpoint serialises");
        std::fs::write(&temporary, json)
            .and_then(|()| std::fs::rename(&temporary, path))
            .map_err(|source| RetrievalError::Io {
                path: path.to_path_buf(),
                source,
            })
    }
}

/// Copies every Consulta point of `source` into `target` and verifies the copy.
///
/// `source_name` and `target_name` identify the stores in the checkpoint at `checkpoint`: a
/// checkpoint left by a copy between other stores is refused rather than half-applied. A target
/// that already holds points is refused unless `options.overwrite` (then it is emptied first),
/// except when resuming, since then the points are this copy's own.
pub fn copy_store(
    source: (&str, &dyn VectorStore),
    target: (&str, &dyn VectorStore),
    checkpoint: &Path,
    options: &MigrateOptions,
    progress: &dyn Fn(MigrationProgress),
) -> Result<MigrationReport, RetrievalError> {
    let ((source_name, source), (target_name, target)) = (source, target);
    if options.batch_size == 0 {
        return Err(RetrievalError::Migration {
            message: "the batch size must be at least 1".into(),
        });
    }
    let total = source.count()?;
    let resumed = Checkpoint::load(checkpoint)?;
    if let Some(previous) = &resumed
        && (previous.source != source_name || previous.target != target_name)
    {
        return Err(RetrievalError::Migration {
            message: format!(
                "{} belongs to an interrupted copy from {} to {}, not from {source_name} to \
                 {target_name}: finish that copy, or delete the file to start this one",
                checkpoint.display(),
                previous.source,
                previous.target
            ),
        });
    }
    let mut state = match resumed.clone() {
        Some(state) => {
            tracing::info!(copied = state.copied, "resuming an interrupted copy");
            state
        }
        None => {
            prepare_target(target_name, target, options.overwrite)?;
            Checkpoint {
                source: source_name.to_string(),
                target: target_name.to_string(),
                next: Some(0),
                copied: 0,
                foreign: 0,
            }
        }
    };
    let copied_before = state.copied;
    while let Some(from) = state.next {
        let page = source.scroll(Some(from), options.batch_size)?;
        let points = page.points.len();
        target.upsert(page.points)?;
        state.copied += points;
        state.foreign += page.foreign;
        state.next = page.next;
        state.save(checkpoint)?;
        progress(MigrationProgress {
            copied: state.copied,
            total,
        });
    }
    target.flush()?;
    target.optimize()?;
    let (samples, neighbour_agreement) = verify(source, target, options.samples)?;
    let target_points = target.count()?;
    let source_points = source.count()?;
    if target_points != source_points - state.foreign {
        return Err(RetrievalError::Migration {
            message: format!(
                "{target_name} holds {target_points} points after the copy but {source_name} holds \
                 {source_points} ({} of them not Consulta's): run the migration again with \
                 --overwrite to copy everything afresh",
                state.foreign
            ),
        });
    }
    std::fs::remove_file(checkpoint).map_err(|source| RetrievalError::Io {
        path: checkpoint.to_path_buf(),
        source,
    })?;
    Ok(MigrationReport {
        source: source_name.to_string(),
        target: target_name.to_string(),
        resumed: resumed.is_some(),
        copied: state.copied - copied_before,
        foreign: state.foreign,
        source_points,
        target_points,
        manifest_passages: None,
        samples,
        neighbour_agreement,
    })
}

fn prepare_target(
    name: &str,
    target: &dyn VectorStore,
    overwrite: bool,
) -> Result<(), RetrievalError> {
    let present = target.count()?;
    if present == 0 {
        return Ok(());
    }
    if !overwrite {
        return Err(RetrievalError::Migration {
            message: format!(
                "{name} already holds {present} points: pass --overwrite to empty it and copy \
                 afresh, or point the configuration at an empty store"
            ),
        });
    }
    tracing::warn!(store = %name, points = present, "emptying the target before the copy");
    let ids: Vec<String> = target.list()?.into_iter().map(|p| p.passage_id).collect();
    for chunk in ids.chunks(1_000) {
        target.delete(chunk)?;
    }
    Ok(())
}

/// Searches up to `samples` points, spread over the source's id range, by their own vectors in
/// both stores. Every one must find itself in the target; returns how many were searched and the
/// mean agreement of their neighbour lists (approximate search may order near-ties differently).
fn verify(
    source: &dyn VectorStore,
    target: &dyn VectorStore,
    samples: usize,
) -> Result<(usize, f32), RetrievalError> {
    let mut ids: Vec<u64> = source
        .list()?
        .iter()
        .map(|p| crate::point_id(&p.passage_id))
        .collect();
    ids.sort_unstable();
    let step = (ids.len() / samples.max(1)).max(1);
    let mut searched = 0;
    let mut agreement = 0.0;
    let mut lost = Vec::new();
    for id in ids.iter().step_by(step).take(samples) {
        let Some(point) = source.scroll(Some(*id), 1)?.points.into_iter().next() else {
            continue;
        };
        let filter = SearchFilter::default();
        let expected = source.search(&point.vector, SAMPLE_NEIGHBOURS, &filter)?;
        let found = target.search(&point.vector, SAMPLE_NEIGHBOURS, &filter)?;
        if !found
            .iter()
            .any(|hit| hit.passage_id == point.payload.passage_id)
        {
            lost.push(point.payload.passage_id.clone());
        }
        let shared = expected
            .iter()
            .filter(|e| found.iter().any(|f| f.passage_id == e.passage_id))
            .count();
        agreement += shared as f32 / expected.len().max(1) as f32;
        searched += 1;
    }
    if !lost.is_empty() {
        return Err(RetrievalError::Migration {
            message: format!(
                "{} of {searched} sample searches did not find their own passage in the copy \
                 ({}): the copy is not usable; run the migration again with --overwrite",
                lost.len(),
                lost.join(", ")
            ),
        });
    }
    Ok((searched, agreement / searched.max(1) as f32))
}

/// Moves the vectors of the engine in `data_dir` to the store `to`, from the other one: from
/// the embedded shard into the configured Qdrant collection, or back (from the collection, or
/// from a server shard snapshot when `snapshot` is given). The configuration keeps naming the old
/// store until the operator switches `vector_store`; nothing is deleted from the source.
pub fn migrate(
    data_dir: &Path,
    config: &RetrievalConfig,
    to: VectorStoreKind,
    snapshot: Option<&Path>,
    options: &MigrateOptions,
    progress: &dyn Fn(MigrationProgress),
) -> Result<MigrationReport, RetrievalError> {
    let manifest_path = data_dir.join(MANIFEST_FILE);
    let catalog = Catalog::load(&manifest_path)?.ok_or_else(|| RetrievalError::Migration {
        message: format!(
            "{} has no passage manifest: run `consulta ingest` first (nothing to migrate)",
            data_dir.display()
        ),
    })?;
    let dimension = catalog.embedder.dimension;
    let edge_dir = data_dir.join(VECTORS_DIR);
    let edge_name = format!("edge:{}", edge_dir.display());
    let qdrant_name = format!("qdrant:{}/{}", config.qdrant.url, config.qdrant.collection);
    let checkpoint = data_dir.join(format!("migrate-to-{to}.json"));
    let mut unpacked = None;
    let (source_name, source) = match (to, snapshot) {
        (VectorStoreKind::Qdrant, Some(_)) => {
            return Err(RetrievalError::Migration {
                message: "a snapshot can only be restored into the embedded store (--to edge); \
                          restore it on the server with the server's own snapshot API"
                    .into(),
            });
        }
        (VectorStoreKind::Qdrant, None) => {
            if !edge_dir.exists() {
                return Err(RetrievalError::Migration {
                    message: format!(
                        "{} does not exist: there is no embedded store to copy",
                        edge_dir.display()
                    ),
                });
            }
            (edge_name.clone(), stores::open_edge(&edge_dir, dimension)?)
        }
        (VectorStoreKind::Edge, None) => (
            qdrant_name.clone(),
            stores::connect_qdrant(&config.qdrant, dimension)?,
        ),
        (VectorStoreKind::Edge, Some(snapshot)) => {
            let dir = data_dir.join(SNAPSHOT_DIR);
            remove_dir(&dir)?;
            stores::unpack_snapshot(snapshot, &dir)?;
            let store = stores::open_edge(&dir, dimension)?;
            unpacked = Some(dir);
            (format!("snapshot:{}", snapshot.display()), store)
        }
    };
    let (target_name, target) = match to {
        VectorStoreKind::Qdrant => (
            qdrant_name,
            stores::connect_qdrant(&config.qdrant, dimension)?,
        ),
        VectorStoreKind::Edge => (edge_name, stores::open_edge(&edge_dir, dimension)?),
    };
    let mut report = copy_store(
        (&source_name, source.as_ref()),
        (&target_name, target.as_ref()),
        &checkpoint,
        options,
        progress,
    )?;
    drop(source);
    if let Some(dir) = unpacked {
        remove_dir(&dir)?;
    }
    report.manifest_passages = Some(catalog.entries.len());
    Ok(report)
}

fn remove_dir(dir: &Path) -> Result<(), RetrievalError> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(RetrievalError::Io {
            path: dir.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}
