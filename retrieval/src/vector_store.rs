//! The dense leg's storage, behind a trait so a Qdrant server can replace the embedded store.

use consulta_corpus::{Lang, PassageKind};
use sha2::{Digest, Sha256};

use crate::{RetrievalError, SearchFilter};

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

    /// Makes every applied operation durable.
    fn flush(&self) -> Result<(), RetrievalError>;

    /// Builds search structures after a bulk upsert. A store that optimises on its own (a server)
    /// has nothing to do.
    fn optimize(&self) -> Result<(), RetrievalError>;
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
