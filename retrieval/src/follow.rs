//! Replicas: engines that answer from a vector collection a primary writes, following the
//! primary's passage manifest instead of keeping passages of their own.
//!
//! Several `consulta serve` processes can then answer questions from one Qdrant collection. The
//! primary alone writes the collection and its manifest; a replica fetches that manifest
//! (`GET /v1/catalog`) and [`Engine::follow`]s it. The primary writes vectors before it commits
//! its manifest, so every passage a replica follows already has its vector; a vector the replica's
//! manifest does not list yet is dropped from its answers, as the engine drops any hit that is not
//! committed.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use consulta_models::Embedder;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::engine::{MANIFEST_FILE, StoreRole, create_dir, embedder_info};
use crate::{Engine, RetrievalConfig, RetrievalError, VectorStore, VectorStoreKind};

/// What one [`Engine::follow`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FollowReport {
    /// Passages the replica answers from now.
    pub passages: usize,
    /// Passages added to (or replaced in) the replica's BM25 index.
    pub full_text_added: usize,
    /// Passages removed from it.
    pub full_text_removed: usize,
}

/// The committed manifest as a primary hands it to its replicas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestSnapshot {
    /// Changes whenever the manifest is replaced (an HTTP entity tag): a replica that has this
    /// revision has nothing to fetch.
    pub revision: String,
    /// The manifest file, as [`Engine::follow`] reads it.
    pub bytes: Vec<u8>,
}

/// What [`Engine::manifest_since`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestRead {
    /// The caller holds this revision already; nothing was read.
    Unchanged {
        /// The revision, for the caller's entity tag.
        revision: String,
    },
    /// The manifest changed since the revisions the caller holds.
    Changed(ManifestSnapshot),
}

impl Engine {
    /// Opens a replica's engine on the Qdrant collection the configuration names
    /// (`[retrieval.qdrant]`), the one its primary writes; see [`Engine::open_replica`].
    ///
    /// Fails unless `vector_store = "qdrant"`: an embedded shard lives in one process's data dir
    /// and cannot be shared.
    pub fn open_replica_of_config(
        data_dir: &Path,
        embedder: Arc<dyn Embedder>,
        config: RetrievalConfig,
    ) -> Result<Engine, RetrievalError> {
        if config.vector_store != VectorStoreKind::Qdrant {
            return Err(RetrievalError::InvalidConfig(
                "a replica searches the primary's Qdrant collection: set vector_store = \"qdrant\" \
                 and [retrieval.qdrant] as on the primary (an embedded store cannot be shared)"
                    .into(),
            ));
        }
        let store = crate::stores::connect_qdrant(&config.qdrant, embedder.dimension())?;
        Engine::open_replica(data_dir, store, embedder, config)
    }

    /// Opens a replica's engine on `store`, a collection that a primary writes.
    ///
    /// `data_dir` holds only this replica's copy of the primary's manifest and its own BM25 index;
    /// both are rebuilt from the primary when missing, so it may be a scratch directory. Until
    /// the first [`Engine::follow`] the replica answers from the copy it kept, if any. It never
    /// writes `store`: every write fails with [`RetrievalError::Replica`].
    pub fn open_replica(
        data_dir: &Path,
        store: Box<dyn VectorStore>,
        embedder: Arc<dyn Embedder>,
        config: RetrievalConfig,
    ) -> Result<Engine, RetrievalError> {
        config.validate()?;
        create_dir(data_dir)?;
        let info = embedder_info(embedder.as_ref());
        let copy = match Catalog::load(&data_dir.join(MANIFEST_FILE)) {
            Ok(copy) => copy.filter(|catalog| catalog.embedder == info),
            Err(error) => {
                tracing::warn!(%error, "ignoring the replica's copy of the manifest; the primary's is fetched again");
                None
            }
        };
        Engine::assemble(data_dir, store, embedder, config, copy, StoreRole::Replica)
    }

    /// Whether this engine is a replica ([`Engine::open_replica`]).
    pub fn is_replica(&self) -> bool {
        self.inner.role == StoreRole::Replica
    }

    /// Makes a replica answer from `manifest`, the primary's ([`Engine::manifest`]): brings the
    /// BM25 index to it, keeps a copy in the data dir, and publishes it. The vectors are left as
    /// the primary wrote them.
    ///
    /// A manifest that cannot be read, or that comes from another embedding model, is refused and
    /// the replica goes on answering from the passages it had.
    pub fn follow(&self, manifest: &[u8]) -> Result<FollowReport, RetrievalError> {
        let inner = &self.inner;
        if inner.role != StoreRole::Replica {
            return Err(RetrievalError::InvalidConfig(
                "only a replica follows a primary's manifest; this engine writes its own".into(),
            ));
        }
        let _writing = inner.lock_writers();
        let catalog = Catalog::parse(manifest, &inner.manifest_path)?;
        let own = embedder_info(inner.embedder.as_ref());
        if catalog.embedder != own {
            return Err(RetrievalError::Manifest {
                path: inner.manifest_path.clone(),
                message: format!(
                    "the primary's vectors come from {} ({} dimensions) but this replica embeds \
                     questions with {} ({} dimensions): run both with the same model",
                    catalog.embedder.name, catalog.embedder.dimension, own.name, own.dimension
                ),
            });
        }
        let changed = inner.reconcile_to(&catalog);
        let kept = changed.and_then(|report| catalog.save(&inner.manifest_path).map(|()| report));
        let report = kept.inspect_err(|_| inner.restore_committed())?;
        let passages = catalog.entries.len();
        inner.publish(catalog);
        Ok(FollowReport {
            passages,
            full_text_added: report.full_text_restored,
            full_text_removed: report.full_text_removed,
        })
    }

    /// The committed manifest and its revision, for replicas to follow. Read from one open file,
    /// so the revision always describes these bytes even while a write replaces the file.
    pub fn manifest(&self) -> Result<ManifestSnapshot, RetrievalError> {
        let (file, revision) = self.open_manifest()?;
        self.read_manifest(file, revision)
    }

    /// [`Engine::manifest`], unless its revision is one of `known` (those a replica holds): then
    /// only the file's metadata is read, so a replica polling an unchanged manifest costs no I/O
    /// proportional to the library.
    pub fn manifest_since(&self, known: &[&str]) -> Result<ManifestRead, RetrievalError> {
        let (file, revision) = self.open_manifest()?;
        if known.contains(&revision.as_str()) {
            return Ok(ManifestRead::Unchanged { revision });
        }
        self.read_manifest(file, revision)
            .map(ManifestRead::Changed)
    }

    /// The committed manifest, open, and its revision.
    fn open_manifest(&self) -> Result<(std::fs::File, String), RetrievalError> {
        use std::os::unix::fs::MetadataExt;
        let file =
            std::fs::File::open(&self.inner.manifest_path).map_err(|e| self.manifest_io(e))?;
        let metadata = file.metadata().map_err(|e| self.manifest_io(e))?;
        // Every write renames a new file over the old one: a new inode, length or time.
        let revision = format!(
            "{:x}-{:x}-{:x}.{:x}",
            metadata.ino(),
            metadata.len(),
            metadata.mtime(),
            metadata.mtime_nsec()
        );
        Ok((file, revision))
    }

    fn read_manifest(
        &self,
        mut file: std::fs::File,
        revision: String,
    ) -> Result<ManifestSnapshot, RetrievalError> {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| self.manifest_io(e))?;
        Ok(ManifestSnapshot { revision, bytes })
    }

    fn manifest_io(&self, source: std::io::Error) -> RetrievalError {
        RetrievalError::Io {
            path: self.inner.manifest_path.clone(),
            source,
        }
    }
}
