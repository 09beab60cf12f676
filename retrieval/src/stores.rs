//! Opening the vector store a configuration names, in builds that may lack one of them.

use std::path::Path;

use crate::{QdrantConfig, RetrievalError, VectorStore};

/// The error for a store this build was compiled without, naming the cargo feature that adds it.
#[cfg(not(all(feature = "edge", feature = "qdrant")))]
pub(crate) fn not_built(kind: crate::VectorStoreKind) -> RetrievalError {
    RetrievalError::InvalidConfig(format!(
        "vector_store = \"{kind}\", but this build of Consulta has no {kind} store: set \
         vector_store to the other store, or rebuild with `cargo build --release --features {kind}`"
    ))
}

/// The collection of a Qdrant server, checked for `dimension`-dimension vectors.
#[cfg(feature = "qdrant")]
pub(crate) fn connect_qdrant(
    config: &QdrantConfig,
    dimension: usize,
) -> Result<Box<dyn VectorStore>, RetrievalError> {
    Ok(Box::new(crate::QdrantStore::connect(config, dimension)?))
}

#[cfg(not(feature = "qdrant"))]
pub(crate) fn connect_qdrant(
    _: &QdrantConfig,
    _: usize,
) -> Result<Box<dyn VectorStore>, RetrievalError> {
    Err(not_built(crate::VectorStoreKind::Qdrant))
}

/// The embedded shard in `dir`, created when absent.
#[cfg(feature = "edge")]
pub(crate) fn open_edge(
    dir: &Path,
    dimension: usize,
) -> Result<Box<dyn VectorStore>, RetrievalError> {
    Ok(Box::new(crate::EdgeStore::open(dir, dimension)?))
}

#[cfg(not(feature = "edge"))]
pub(crate) fn open_edge(_: &Path, _: usize) -> Result<Box<dyn VectorStore>, RetrievalError> {
    Err(not_built(crate::VectorStoreKind::Edge))
}

/// Unpacks a Qdrant server's shard snapshot into `dir`, where [`open_edge`] can open it (the
/// embedded shard and a server shard share one on-disk format).
#[cfg(feature = "edge")]
pub(crate) fn unpack_snapshot(snapshot: &Path, dir: &Path) -> Result<(), RetrievalError> {
    qdrant_edge::EdgeShard::unpack_snapshot(snapshot, dir).map_err(|e| {
        RetrievalError::VectorStore {
            operation: "unpack snapshot",
            message: format!(
                "{} is not a readable Qdrant shard snapshot: {e}. Take one with `POST \
                 /collections/NAME/shards/0/snapshots` on the server (one per shard)",
                snapshot.display()
            ),
        }
    })
}

#[cfg(not(feature = "edge"))]
pub(crate) fn unpack_snapshot(_: &Path, _: &Path) -> Result<(), RetrievalError> {
    Err(not_built(crate::VectorStoreKind::Edge))
}
