//! The dense leg's storage, behind a trait so a Qdrant server can replace the embedded store.

use consulta_corpus::{Lang, PassageKind};
use sha2::{Digest, Sha256};

use crate::{RetrievalError, SearchFilter};

/// Name of the dense vector in a shard or collection. Named (not the default unnamed vector) so
/// that a second model can later live beside it; both stores use it, so data moves between them.
pub(crate) const VECTOR_NAME: &str = "e5";

/// Payload fields with a keyword index: every field a search can filter on, and the passage id.
pub(crate) const INDEXED_FIELDS: [&str; 5] = ["lang", "doc_id", "kind", "tags", "passage_id"];

/// Search width of the HNSW graph. The default (the limit) is too narrow for 50 candidates;
/// at the size of a knowledge base (thousands of points) a wider beam costs well under a millisecond.
pub(crate) const HNSW_EF: usize = 256;

/// Points read per page when listing a store.
pub(crate) const SCROLL_PAGE: usize = 1_000;

/// What a point carries besides its vector: enough to filter searches and to reconcile the store
/// with the passage manifest, never the text (the manifest holds that once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointPayload {
    /// The passage the vector embeds; the key the engine works with.
    pub passage_id: String,
    /// The passage's document, for `doc_id` filters.
    pub doc_id: String,
    /// The passage's language, for `lang` filters.
    pub lang: Lang,
    /// The passage's kind, for `kind` filters.
    pub kind: PassageKind,
    /// The passage's tags, for `tags` filters.
    pub tags: Vec<String>,
    /// Content hash of the passage the vector was computed from, so reconciliation can tell a stale
    /// vector from a current one.
    pub content_hash: String,
}

/// A vector to store, with its payload.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorPoint {
    /// The embedding, of the store's dimension, L2-normalised.
    pub vector: Vec<f32>,
    /// Its payload; `payload.passage_id` is the point's identity.
    pub payload: PointPayload,
}

/// One search result: a passage and its cosine similarity to the query.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorHit {
    /// The matching passage.
    pub passage_id: String,
    /// Cosine similarity in [-1, 1]; higher is closer.
    pub score: f32,
}

impl PointPayload {
    /// Reads a payload back from its stored fields, as both stores write them. `None` when a field
    /// is missing or holds a value Consulta never writes: the point is not one of ours.
    pub(crate) fn from_fields(
        string: impl Fn(&str) -> Option<String>,
        tags: Vec<String>,
    ) -> Option<PointPayload> {
        let kind = serde_json::from_value(serde_json::Value::String(string("kind")?)).ok()?;
        Some(PointPayload {
            passage_id: string("passage_id")?,
            doc_id: string("doc_id")?,
            lang: string("lang")?.parse().ok()?,
            kind,
            tags,
            content_hash: string("hash")?,
        })
    }
}

/// One page of a store's points with their vectors, for copying a store (`consulta migrate`).
#[derive(Debug, Clone, PartialEq)]
pub struct PointPage {
    /// The points of this page, in ascending point-id order.
    pub points: Vec<VectorPoint>,
    /// Points on this page without a Consulta payload, left out (the engine deletes such points
    /// when it reconciles; copying them would only move the clutter).
    pub foreign: usize,
    /// The point id the next page starts at; `None` after the last page. Stable across processes,
    /// so a copy can resume from it.
    pub next: Option<u64>,
}

/// A stored point's identity and content hash, as listed for reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoredPoint {
    /// The passage the point embeds.
    pub passage_id: String,
    /// The content hash recorded in its payload.
    pub content_hash: String,
}

/// Storage and nearest-neighbour search of passage vectors.
///
/// Synchronous: implementations do blocking I/O or CPU work, and async callers reach the engine
/// through `spawn_blocking`. The engine alone decides *what* is stored (see the consistency notes in
/// the crate documentation); a store only has to apply operations faithfully and report failures.
pub trait VectorStore: Send + Sync {
    /// Inserts or replaces points, keyed by `payload.passage_id`.
    fn upsert(&self, points: Vec<VectorPoint>) -> Result<(), RetrievalError>;

    /// Deletes the points of these passages; ids that are not stored are ignored.
    fn delete(&self, passage_ids: &[String]) -> Result<(), RetrievalError>;

    /// The `limit` points closest to `vector` among those `filter` admits, best first.
    fn search(
        &self,
        vector: &[f32],
        limit: usize,
        filter: &SearchFilter,
    ) -> Result<Vec<VectorHit>, RetrievalError>;

    /// How many points are stored.
    fn count(&self) -> Result<usize, RetrievalError>;

    /// Every stored point, in no particular order.
    fn list(&self) -> Result<Vec<StoredPoint>, RetrievalError>;

    /// Up to `limit` points with their vectors, from point id `from` (inclusive; `None` for the
    /// first page) in ascending id order.
    fn scroll(&self, from: Option<u64>, limit: usize) -> Result<PointPage, RetrievalError>;

    /// Makes every applied operation durable.
    fn flush(&self) -> Result<(), RetrievalError>;

    /// Builds search structures after a bulk upsert. A store that optimises on its own (a server)
    /// has nothing to do.
    fn optimize(&self) -> Result<(), RetrievalError>;
}

/// One store shared by several engines of a process, as a primary and its replicas share a Qdrant
/// collection (tests run them in one process on one embedded shard).
impl<S: VectorStore + ?Sized> VectorStore for std::sync::Arc<S> {
    fn upsert(&self, points: Vec<VectorPoint>) -> Result<(), RetrievalError> {
        (**self).upsert(points)
    }

    fn delete(&self, passage_ids: &[String]) -> Result<(), RetrievalError> {
        (**self).delete(passage_ids)
    }

    fn search(
        &self,
        vector: &[f32],
        limit: usize,
        filter: &SearchFilter,
    ) -> Result<Vec<VectorHit>, RetrievalError> {
        (**self).search(vector, limit, filter)
    }

    fn count(&self) -> Result<usize, RetrievalError> {
        (**self).count()
    }

    fn list(&self) -> Result<Vec<StoredPoint>, RetrievalError> {
        (**self).list()
    }

    fn scroll(&self, from: Option<u64>, limit: usize) -> Result<PointPage, RetrievalError> {
        (**self).scroll(from, limit)
    }

    fn flush(&self) -> Result<(), RetrievalError> {
        (**self).flush()
    }

    fn optimize(&self) -> Result<(), RetrievalError> {
        (**self).optimize()
    }
}

/// The numeric point id of a passage: its id read as 64-bit hex when it is 16 lowercase hex digits
/// (as [`consulta_corpus::passage_id`] makes them), else the first 8 bytes of its SHA-256. Stable
/// across runs and processes, so a server backend can use the same ids.
pub fn point_id(passage_id: &str) -> u64 {
    let canonical_hex = passage_id.len() == 16
        && passage_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if canonical_hex && let Ok(id) = u64::from_str_radix(passage_id, 16) {
        return id;
    }
    let digest = Sha256::digest(passage_id.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_map_to_their_value() {
        assert_eq!(point_id("00000000000000ff"), 255);
        assert_eq!(point_id("ffffffffffffffff"), u64::MAX);
    }

    #[test]
    fn other_ids_hash_stably() {
        let id = point_id("curated:42");
        assert_eq!(id, point_id("curated:42"));
        assert_ne!(id, point_id("curated:43"));
        assert_ne!(point_id("+00000000000000f"), 15, "a sign is not hex");
        assert_ne!(
            point_id("00000000000000FF"),
            255,
            "upper case would collide with the lower-case id"
        );
    }
}
