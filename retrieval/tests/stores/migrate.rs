//! `copy_store` between two real qdrant-edge shards: batching, progress, resume after a failure,
//! refusals, and the verification.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use consulta_retrieval::{
    EdgeStore, MigrateOptions, MigrationProgress, MigrationReport, PointPage, RetrievalError,
    SearchFilter, StoredPoint, VectorHit, VectorPoint, VectorStore, copy_store,
};

use crate::common::{DIMENSION, point, points};

fn filled(dir: &Path, n: usize) -> EdgeStore {
    let store = EdgeStore::open(dir, DIMENSION).unwrap();
    store.upsert(points(n)).unwrap();
    store.optimize().unwrap();
    store
}

fn options(batch_size: usize) -> MigrateOptions {
    MigrateOptions {
        batch_size,
        samples: 10,
        overwrite: false,
    }
}

/// Copies `source` ("edge:a") into `target` ("edge:b") with the checkpoint at `checkpoint`.
fn copy(
    source: &dyn VectorStore,
    target: &dyn VectorStore,
    checkpoint: &Path,
    options: &MigrateOptions,
) -> Result<MigrationReport, RetrievalError> {
    copy_store(
        ("edge:a", source),
        ("edge:b", target),
        checkpoint,
        options,
        &|_| {},
    )
}

/// A real store whose upserts start failing after `healthy` calls, as a server that goes away
/// in the middle of a copy.
struct Failing<'a> {
    inner: &'a EdgeStore,
    healthy: usize,
    upserts: AtomicUsize,
}

impl VectorStore for Failing<'_> {
    fn upsert(&self, points: Vec<VectorPoint>) -> Result<(), RetrievalError> {
        if self.upserts.fetch_add(1, Ordering::SeqCst) >= self.healthy {
            return Err(RetrievalError::VectorStore {
                operation: "upsert",
                message: "the server went away".into(),
            });
        }
        self.inner.upsert(points)
    }
    fn delete(&self, ids: &[String]) -> Result<(), RetrievalError> {
        self.inner.delete(ids)
    }
    fn search(
        &self,
        vector: &[f32],
        limit: usize,
        filter: &SearchFilter,
    ) -> Result<Vec<VectorHit>, RetrievalError> {
        self.inner.search(vector, limit, filter)
    }
    fn count(&self) -> Result<usize, RetrievalError> {
        self.inner.count()
    }
    fn list(&self) -> Result<Vec<StoredPoint>, RetrievalError> {
        self.inner.list()
    }
    fn scroll(&self, from: Option<u64>, limit: usize) -> Result<PointPage, RetrievalError> {
        self.inner.scroll(from, limit)
    }
    fn flush(&self) -> Result<(), RetrievalError> {
        self.inner.flush()
    }
    fn optimize(&self) -> Result<(), RetrievalError> {
        self.inner.optimize()
    }
}

#[test]
fn copies_every_point_in_batches_with_progress_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let source = filled(&dir.path().join("a"), 1_234);
    let target = EdgeStore::open(&dir.path().join("b"), DIMENSION).unwrap();
    let checkpoint = dir.path().join("checkpoint.json");
    let seen = Mutex::new(Vec::new());
    let report = copy_store(
        ("edge:a", &source),
        ("edge:b", &target),
        &checkpoint,
        &options(500),
        &|progress: MigrationProgress| seen.lock().unwrap().push(progress.copied),
    )
    .unwrap();
    assert_eq!(*seen.lock().unwrap(), [500, 1_000, 1_234]);
    assert_eq!(
        (report.copied, report.source_points, report.target_points),
        (1_234, 1_234, 1_234)
    );
    assert!(!report.resumed);
    assert_eq!(report.samples, 10);
    assert!(report.neighbour_agreement > 0.9, "{report:?}");
    assert!(!checkpoint.exists(), "a verified copy leaves no checkpoint");

    let mut listed_source = source.list().unwrap();
    let mut listed_target = target.list().unwrap();
    listed_source.sort();
    listed_target.sort();
    assert_eq!(
        listed_source, listed_target,
        "ids and content hashes survive the copy"
    );
    let only_pt = SearchFilter {
        langs: vec![consulta_corpus::Lang::Pt],
        ..SearchFilter::default()
    };
    let hits = target.search(&point(7).vector, 3, &only_pt).unwrap();
    assert_eq!(
        hits[0].passage_id,
        point(7).payload.passage_id,
        "payload filters work on the copy"
    );
}

#[test]
fn an_interrupted_copy_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let source = filled(&dir.path().join("a"), 1_000);
    let target = EdgeStore::open(&dir.path().join("b"), DIMENSION).unwrap();
    let checkpoint = dir.path().join("checkpoint.json");
    let failing = Failing {
        inner: &target,
        healthy: 3,
        upserts: AtomicUsize::new(0),
    };
    let error = copy(&source, &failing, &checkpoint, &options(200)).unwrap_err();
    assert!(error.to_string().contains("went away"), "{error}");
    assert!(checkpoint.exists());
    assert_eq!(target.count().unwrap(), 600);

    let report = copy(&source, &target, &checkpoint, &options(200)).unwrap();
    assert!(report.resumed);
    assert_eq!(
        report.copied, 400,
        "only the pages not yet copied are copied again"
    );
    assert_eq!(report.target_points, 1_000);
}

#[test]
fn a_checkpoint_of_another_copy_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let source = filled(&dir.path().join("a"), 300);
    let target = EdgeStore::open(&dir.path().join("b"), DIMENSION).unwrap();
    let checkpoint = dir.path().join("checkpoint.json");
    let failing = Failing {
        inner: &target,
        healthy: 1,
        upserts: AtomicUsize::new(0),
    };
    copy(&source, &failing, &checkpoint, &options(100)).unwrap_err();
    let error = copy_store(
        ("edge:a", &source),
        ("qdrant:http://elsewhere:6334/kb", &target),
        &checkpoint,
        &options(100),
        &|_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("interrupted copy from edge:a to edge:b"),
        "{error}"
    );
}

#[test]
fn a_non_empty_target_needs_overwrite_which_empties_it() {
    let dir = tempfile::tempdir().unwrap();
    let source = filled(&dir.path().join("a"), 200);
    let target = EdgeStore::open(&dir.path().join("b"), DIMENSION).unwrap();
    let stale: Vec<VectorPoint> = (5_000..5_050).map(point).collect();
    target.upsert(stale).unwrap();
    let checkpoint = dir.path().join("checkpoint.json");
    let error = copy(&source, &target, &checkpoint, &options(64))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("already holds 50 points") && error.contains("--overwrite"),
        "{error}"
    );
    assert_eq!(
        target.count().unwrap(),
        50,
        "a refused copy changes nothing"
    );

    let overwrite = MigrateOptions {
        overwrite: true,
        ..options(64)
    };
    let report = copy(&source, &target, &checkpoint, &overwrite).unwrap();
    assert_eq!(report.target_points, 200, "the stale points are gone");
}

#[test]
fn migrating_a_data_dir_without_a_manifest_says_to_ingest_first() {
    let dir = tempfile::tempdir().unwrap();
    let error = consulta_retrieval::migrate(
        dir.path(),
        &consulta_retrieval::RetrievalConfig::default(),
        consulta_retrieval::VectorStoreKind::Qdrant,
        None,
        &MigrateOptions::default(),
        &|_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("consulta ingest"), "{error}");
}
