//! The passage manifest: every committed passage with its content hash, in one file written
//! atomically. It is the engine's source of truth: the passage store answers cite from, and the
//! reference both indexes are reconciled against (see the crate documentation).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use consulta_corpus::Passage;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::RetrievalError;
use crate::atomic::write_json;
use crate::spelling::Spelling;

/// Version of the file layout; a file with another version is refused with a clear message.
const FORMAT: u32 = 1;

/// Which embedder computed the stored vectors. Vectors of different models are not comparable, so
/// a change means every vector must be recomputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EmbedderInfo {
    pub(crate) name: String,
    pub(crate) dimension: usize,
}

/// One committed passage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// [`content_hash`] of `passage`, also stored in both indexes.
    pub(crate) hash: String,
    pub(crate) passage: Passage,
}

#[derive(Serialize, Deserialize)]
struct ManifestFile {
    format: u32,
    embedder: EmbedderInfo,
    passages: Vec<Entry>,
}

/// The committed passages, by id.
#[derive(Debug)]
pub(crate) struct Catalog {
    pub(crate) embedder: EmbedderInfo,
    pub(crate) entries: HashMap<String, Entry>,
    /// The passages' words, counted on the first question that needs them: built with the
    /// snapshot it describes, so a question never reads the words of another one.
    spelling: OnceLock<Arc<Spelling>>,
}

/// A copy is made to be changed and published as the next snapshot: it counts its own words.
impl Clone for Catalog {
    fn clone(&self) -> Catalog {
        Catalog {
            embedder: self.embedder.clone(),
            entries: self.entries.clone(),
            spelling: OnceLock::new(),
        }
    }
}

impl Catalog {
    /// The words of the passages, for reading typing slips in questions.
    pub(crate) fn spelling(&self) -> Arc<Spelling> {
        self.spelling
            .get_or_init(|| Arc::new(Spelling::of(self.entries.values().map(|e| &e.passage))))
            .clone()
    }

    pub(crate) fn empty(embedder: EmbedderInfo) -> Catalog {
        Catalog {
            embedder,
            entries: HashMap::new(),
            spelling: OnceLock::new(),
        }
    }

    /// Reads the manifest at `path`; `None` when there is none yet (a new data dir).
    pub(crate) fn load(path: &Path) -> Result<Option<Catalog>, RetrievalError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(RetrievalError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Catalog::decode(
            &bytes,
            path,
            "it is only ever replaced atomically, so this is disk damage or a manual edit: \
             restore it from a backup, or move the data directory away and ingest again \
             (curated answers live only in this file)",
        )
        .map(Some)
    }

    /// Reads a manifest received from a primary (`GET /v1/catalog`); `path` is where it will be
    /// kept, for messages.
    pub(crate) fn parse(bytes: &[u8], path: &Path) -> Result<Catalog, RetrievalError> {
        Catalog::decode(
            bytes,
            path,
            "the primary sent a manifest this replica cannot read; it keeps answering from the \
             one it has",
        )
    }

    /// Reads manifest bytes; `advice` says what to do when they are unreadable.
    fn decode(bytes: &[u8], path: &Path, advice: &str) -> Result<Catalog, RetrievalError> {
        let file: ManifestFile =
            serde_json::from_slice(bytes).map_err(|e| RetrievalError::Manifest {
                path: path.to_path_buf(),
                message: format!("unreadable ({e}); {advice}"),
            })?;
        if file.format != FORMAT {
            return Err(RetrievalError::Manifest {
                path: path.to_path_buf(),
                message: format!(
                    "format {} is not supported by this version (expects {FORMAT}); use the \
                     Consulta version that wrote it",
                    file.format
                ),
            });
        }
        let entries = file
            .passages
            .into_iter()
            .map(|entry| (entry.passage.id.clone(), entry))
            .collect();
        Ok(Catalog {
            embedder: file.embedder,
            entries,
            spelling: OnceLock::new(),
        })
    }

    /// Writes the manifest to `path` atomically: a crash leaves either the old file or the new
    /// one, never a mix.
    pub(crate) fn save(&self, path: &Path) -> Result<(), RetrievalError> {
        let mut passages: Vec<&Entry> = self.entries.values().collect();
        passages.sort_by(|a, b| a.passage.id.cmp(&b.passage.id));
        write_json(
            path,
            &serde_json::json!({
                "format": FORMAT,
                "embedder": self.embedder,
                "passages": passages,
            }),
        )
    }
}

/// A hash of everything in the passage (text and metadata), so that a changed title or tag is
/// re-indexed even though the passage id, which covers the text, stays the same.
pub(crate) fn content_hash(passage: &Passage) -> String {
    let bytes = serde_json::to_vec(passage).unwrap_or_default();
    hex::encode(&Sha256::digest(&bytes)[..16])
}

#[cfg(test)]
mod tests {
    use consulta_corpus::{Lang, PassageKind};

    use super::*;
    use crate::atomic::temporary_path;

    fn passage(id: &str) -> Passage {
        Passage {
            id: id.into(),
            doc_id: "faq:x".into(),
            kind: PassageKind::Faq,
            lang: Lang::Es,
            title: "T".into(),
            section: "S".into(),
            source: "Decision 2/CMA.3".into(),
            source_url: None,
            valid_as_of: Some("2024-11-01".into()),
            tags: vec!["6.2".into()],
            countries: vec![],
            text: "Texto.".into(),
            origin: "faq/x.yaml".into(),
        }
    }

    fn info() -> EmbedderInfo {
        EmbedderInfo {
            name: "test".into(),
            dimension: 3,
        }
    }

    #[test]
    fn round_trips_and_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("passages.json");
        assert!(Catalog::load(&path).unwrap().is_none());

        let mut catalog = Catalog::empty(info());
        let p = passage("00000000000000a1");
        catalog.entries.insert(
            p.id.clone(),
            Entry {
                hash: content_hash(&p),
                passage: p.clone(),
            },
        );
        catalog.save(&path).unwrap();
        let loaded = Catalog::load(&path).unwrap().unwrap();
        assert_eq!(loaded.entries[&p.id].passage, p);
        assert_eq!(loaded.entries[&p.id].hash, content_hash(&p));

        catalog.entries.clear();
        catalog.save(&path).unwrap();
        assert!(!temporary_path(&path).exists());

        let empty = Catalog::load(&path).unwrap().unwrap();
        assert!(empty.entries.is_empty());
        assert_eq!(empty.embedder, info());
    }

    #[test]
    fn metadata_changes_change_the_hash() {
        let a = passage("00000000000000a1");
        let mut b = a.clone();
        b.tags.push("6.4".into());
        assert_ne!(content_hash(&a), content_hash(&b));
        assert_eq!(content_hash(&a), content_hash(&a.clone()));
    }

    #[test]
    fn a_damaged_manifest_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("passages.json");
        std::fs::write(&path, "{\"format\": 1, \"embedder\":").unwrap();
        let error = Catalog::load(&path).unwrap_err().to_string();
        assert!(error.contains("restore it from a backup"), "{error}");
    }
}
