//! The model's vector of every sentence an answer may quote, so that the composer can tell which
//! sentence *means* what was asked, not only which shares its words.
//!
//! A practitioner rarely uses the knowledge base's words ("who signs", "the deadline", "can we"),
//! and the sentence that answers often shares few of them; its vector, compared with the question's
//! (already computed for the dense leg), still finds it. Embedding a passage's sentences costs about
//! as much as embedding the passage, far more than an answer may take, so the vectors are computed
//! ahead: `consulta ingest` embeds every sentence of the committed passages
//! ([`crate::Engine::embed_sentences`]) and saves them in the data directory ([`SENTENCES_FILE`]).
//! A sentence not there yet (a passage added since through the service) is embedded the first time
//! it may be quoted and kept in memory.
//!
//! Vectors are keyed by a hash of the sentence's text, so the file needs no bookkeeping when
//! passages change: an edited passage's unchanged sentences keep their vectors, and the next
//! `embed_sentences` drops the vectors no passage uses. The file is a cache: when it is missing,
//! damaged or from another model, answers still work and the vectors are recomputed.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use consulta_models::{Embedder, Role, dot};
use sha2::{Digest, Sha256};

use consulta_corpus::Passage;

use crate::RetrievalError;
use crate::atomic::write_with;
use crate::catalog::EmbedderInfo;
use crate::engine::Inner;
use crate::sentences::sentences;

/// The file in the data directory that holds the sentence vectors.
pub(crate) const SENTENCES_FILE: &str = "sentence-vectors.bin";
/// The file's first bytes, naming its layout: a file of another layout is ignored, not misread.
const MAGIC: &[u8; 8] = b"CSVEC001";
/// Vectors kept in memory at most (1.5 KB each with the bundled model, so about 100 MB): a large
/// library's sentences beyond it are scored by their words only.
const CAPACITY: usize = 65_536;

/// A sentence's key: the first 16 bytes of the SHA-256 of its text.
type Key = [u8; 16];

fn key(sentence: &str) -> Key {
    let digest = Sha256::digest(sentence.as_bytes());
    let mut key = [0; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// Sentence text (by key) → its vector, shared by every answer.
pub(crate) struct SentenceVectors {
    /// Where `consulta ingest` saves the vectors.
    path: PathBuf,
    /// The model the vectors come from: a file written by another is ignored.
    embedder: EmbedderInfo,
    vectors: RwLock<HashMap<Key, Arc<[f32]>>>,
}

/// What [`crate::Engine::embed_sentences`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SentenceReport {
    /// Sentences of the committed passages.
    pub sentences: usize,
    /// Of which were embedded now (the others had vectors already).
    pub embedded: usize,
    /// Vectors dropped because no passage has their sentence any more.
    pub dropped: usize,
}

impl SentenceVectors {
    /// The vectors saved in `data_dir`, or none when the file is missing, damaged or from another
    /// model (a warning says which; answers work without them).
    pub(crate) fn open(data_dir: &Path, embedder: EmbedderInfo) -> SentenceVectors {
        let path = data_dir.join(SENTENCES_FILE);
        let vectors = match std::fs::read(&path) {
            Ok(bytes) => match decode(&bytes, &embedder) {
                Ok(vectors) => vectors,
                Err(reason) => {
                    tracing::warn!(
                        path = %path.display(),
                        reason,
                        "ignoring the saved sentence vectors; `consulta ingest` recomputes them"
                    );
                    HashMap::new()
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashMap::new(),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot read the saved sentence vectors");
                HashMap::new()
            }
        };
        SentenceVectors {
            path,
            embedder,
            vectors: RwLock::new(vectors),
        }
    }

    /// How many sentences have a vector.
    pub(crate) fn len(&self) -> usize {
        self.read().len()
    }

    /// The cosine of each of `sentences` with `question` (both unit vectors), embedding the
    /// sentences that have no vector yet, in one batch.
    pub(crate) fn similarities(
        &self,
        embedder: &dyn Embedder,
        question: &[f32],
        sentences: &[&str],
    ) -> Result<Vec<f32>, RetrievalError> {
        self.fill(embedder, sentences, sentences.len().max(1))?;
        let vectors = self.read();
        Ok(sentences
            .iter()
            .map(|sentence| {
                vectors
                    .get(&key(sentence))
                    .map_or(0.0, |vector| dot(vector, question))
            })
            .collect())
    }

    /// Whether `a` and `b` both have vectors whose cosine reaches `at`.
    pub(crate) fn alike(&self, a: &str, b: &str, at: f32) -> bool {
        let vectors = self.read();
        match (vectors.get(&key(a)), vectors.get(&key(b))) {
            (Some(a), Some(b)) => dot(a, b) >= at,
            _ => false,
        }
    }

    /// Embeds those of `sentences` that have no vector, `batch` at a time, while there is room;
    /// returns how many were embedded.
    pub(crate) fn fill(
        &self,
        embedder: &dyn Embedder,
        sentences: &[&str],
        batch: usize,
    ) -> Result<usize, RetrievalError> {
        let missing: Vec<&str> = {
            let vectors = self.read();
            let mut seen = HashSet::new();
            sentences
                .iter()
                .copied()
                .filter(|s| {
                    let k = key(s);
                    !vectors.contains_key(&k) && seen.insert(k)
                })
                .take(CAPACITY.saturating_sub(vectors.len()))
                .collect()
        };
        for chunk in missing.chunks(batch.max(1)) {
            let embedded = embedder.embed(chunk, Role::Passage)?;
            if embedded.len() != chunk.len()
                || embedded.iter().any(|v| v.len() != self.embedder.dimension)
            {
                return Err(RetrievalError::BadEmbedding {
                    name: embedder.name().to_string(),
                    got: format!("{} vectors", embedded.len()),
                    expected: format!(
                        "{} sentence vectors of length {}",
                        chunk.len(),
                        self.embedder.dimension
                    ),
                });
            }
            let mut vectors = self.write();
            for (sentence, vector) in chunk.iter().zip(embedded) {
                vectors.insert(key(sentence), vector.into());
            }
        }
        Ok(missing.len())
    }

    /// Forgets the vectors of sentences not in `keep` and saves the rest; returns how many were
    /// forgotten.
    pub(crate) fn keep_and_save(&self, keep: &[&str]) -> Result<usize, RetrievalError> {
        let keep: HashSet<Key> = keep.iter().map(|s| key(s)).collect();
        let mut vectors = self.write();
        let before = vectors.len();
        vectors.retain(|k, _| keep.contains(k));
        let dropped = before - vectors.len();
        write_with(&self.path, |out| encode(out, &self.embedder, &vectors))?;
        Ok(dropped)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<Key, Arc<[f32]>>> {
        // Each insert or retain leaves the map whole, so a panic elsewhere cannot have left it
        // half-updated.
        self.vectors.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<Key, Arc<[f32]>>> {
        self.vectors.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    /// The cosine of each sentence of `passages` with the question `text`, by sentence.
    pub(crate) fn sentence_similarities<'p>(
        &self,
        text: &str,
        passages: impl Iterator<Item = &'p Passage>,
    ) -> Result<HashMap<String, f32>, RetrievalError> {
        let question = self.question_vector(text)?;
        let texts: Vec<String> = passages.flat_map(|p| sentences(&p.text)).collect();
        let all: Vec<&str> = texts.iter().map(String::as_str).collect();
        let cosines = self
            .sentences
            .similarities(self.embedder.as_ref(), &question, &all)?;
        Ok(texts.into_iter().zip(cosines).collect())
    }
}

/// Layout: [`MAGIC`], the dimension (u32), the model's name (u32 length, UTF-8), the count (u64),
/// then each key and its vector (little-endian f32).
fn encode(
    out: &mut impl Write,
    embedder: &EmbedderInfo,
    vectors: &HashMap<Key, Arc<[f32]>>,
) -> std::io::Result<()> {
    out.write_all(MAGIC)?;
    out.write_all(
        &u32::try_from(embedder.dimension)
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    )?;
    out.write_all(
        &u32::try_from(embedder.name.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    )?;
    out.write_all(embedder.name.as_bytes())?;
    out.write_all(&(vectors.len() as u64).to_le_bytes())?;
    for (key, vector) in vectors {
        out.write_all(key)?;
        for value in vector.iter() {
            out.write_all(&value.to_le_bytes())?;
        }
    }
    Ok(())
}

/// Reads what [`encode`] wrote, or says why the bytes cannot be used.
fn decode(bytes: &[u8], embedder: &EmbedderInfo) -> Result<HashMap<Key, Arc<[f32]>>, &'static str> {
    let mut reader = Reader(bytes);
    if reader.take(MAGIC.len())? != MAGIC {
        return Err("not a sentence-vector file of this version");
    }
    let dimension = reader.u32()? as usize;
    let name_len = reader.u32()? as usize;
    let name = reader.take(name_len)?;
    if dimension != embedder.dimension || name != embedder.name.as_bytes() {
        return Err("the vectors come from another embedding model");
    }
    let count = usize::try_from(reader.u64()?).map_err(|_| "damaged (count)")?;
    let record = 16 + dimension * 4;
    if reader.0.len() != count.checked_mul(record).ok_or("damaged (count)")? {
        return Err("damaged (length does not match the count)");
    }
    let mut vectors = HashMap::with_capacity(count.min(CAPACITY));
    for chunk in reader.0.chunks_exact(record).take(CAPACITY) {
        let (key, values) = chunk.split_at(16);
        let mut k = [0; 16];
        k.copy_from_slice(key);
        let vector: Arc<[f32]> = values
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        vectors.insert(k, vector);
    }
    Ok(vectors)
}

/// A cursor over the file's bytes.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.0.len() < n {
            return Err("damaged (cut short)");
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, &'static str> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, &'static str> {
        let b = self.take(8)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str) -> EmbedderInfo {
        EmbedderInfo {
            name: name.to_string(),
            dimension: 2,
        }
    }

    fn sample() -> HashMap<Key, Arc<[f32]>> {
        HashMap::from([
            (key("One sentence."), Arc::from(vec![1.0, 0.0])),
            (key("Another."), Arc::from(vec![0.6, 0.8])),
        ])
    }

    #[test]
    fn the_file_round_trips() {
        let mut bytes = Vec::new();
        encode(&mut bytes, &info("m"), &sample()).unwrap();
        assert_eq!(decode(&bytes, &info("m")).unwrap(), sample());
    }

    #[test]
    fn a_file_from_another_model_or_cut_short_is_refused() {
        let mut bytes = Vec::new();
        encode(&mut bytes, &info("m"), &sample()).unwrap();
        assert_eq!(
            decode(&bytes, &info("other")).unwrap_err(),
            "the vectors come from another embedding model"
        );
        assert!(decode(&bytes[..bytes.len() - 1], &info("m")).is_err());
        assert!(decode(b"garbage", &info("m")).is_err());
    }
}
