//! The document registry: which library documents are indexed, at which fingerprint, with which
//! passages. It is what makes ingest incremental per document (an unchanged file is not parsed
//! again) and what lets a run remove the passages of a file that disappeared.
//!
//! It is written after the passages it lists are committed to the manifest. A crash in between
//! leaves the registry behind the manifest: the next run reads those documents again, finds their
//! passages already indexed (same ids, same content) and only records them, embedding nothing.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use consulta_corpus::library::Format;
use serde::{Deserialize, Serialize};

use crate::RetrievalError;
use crate::atomic::write_json;

/// Version of the file layout.
const FORMAT: u32 = 1;

/// One indexed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DocumentRecord {
    /// The source it was found in ([`consulta_corpus::library::Source::scope`]): a run over that
    /// source removes it when it is gone.
    pub scope: String,
    /// How the summary names it.
    pub origin: String,
    /// [`consulta_corpus::library::fingerprint`] of what was indexed.
    pub fingerprint: String,
    pub format: Format,
    pub title: String,
    /// The ids of its passages.
    pub passages: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct RegistryFile {
    format: u32,
    documents: BTreeMap<String, DocumentRecord>,
}

/// The indexed documents by key (absolute path or URL).
#[derive(Debug, Clone, Default)]
pub(crate) struct Registry {
    pub documents: BTreeMap<String, DocumentRecord>,
}

impl Registry {
    /// Reads the registry; an absent file is an empty registry (nothing ingested from a library yet).
    pub(crate) fn load(path: &Path) -> Result<Registry, RetrievalError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Registry::default()),
            Err(source) => {
                return Err(RetrievalError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let invalid = |message: String| RetrievalError::Manifest {
            path: path.to_path_buf(),
            message,
        };
        let file: RegistryFile = serde_json::from_slice(&bytes).map_err(|e| {
            invalid(format!(
                "unreadable ({e}); delete it and ingest again: every document is then read once \
                 more, and nothing already indexed is embedded again"
            ))
        })?;
        if file.format != FORMAT {
            return Err(invalid(format!(
                "format {} is not supported by this version (expects {FORMAT})",
                file.format
            )));
        }
        Ok(Registry {
            documents: file.documents,
        })
    }

    pub(crate) fn save(&self, path: &Path) -> Result<(), RetrievalError> {
        write_json(
            path,
            &RegistryFile {
                format: FORMAT,
                documents: self.documents.clone(),
            },
        )
    }

    /// Passage ids some document other than `except` still lists: they must stay indexed.
    pub(crate) fn owned_elsewhere(&self, except: &HashSet<&str>) -> HashSet<String> {
        self.documents
            .iter()
            .filter(|(key, _)| !except.contains(key.as_str()))
            .flat_map(|(_, record)| record.passages.iter().cloned())
            .collect()
    }
}

/// Where the registry lives next to the passage manifest.
pub(crate) fn registry_path(manifest: &Path) -> PathBuf {
    manifest.with_file_name("documents.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(passages: &[&str]) -> DocumentRecord {
        DocumentRecord {
            scope: "folder:/lib".into(),
            origin: "a.pdf".into(),
            fingerprint: "f".into(),
            format: Format::Pdf,
            title: "A".into(),
            passages: passages.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn round_trips_and_knows_shared_passages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("documents.json");
        assert!(Registry::load(&path).unwrap().documents.is_empty());
        let mut registry = Registry::default();
        registry
            .documents
            .insert("/lib/a.pdf".into(), record(&["p1", "p2"]));
        registry
            .documents
            .insert("/lib/b.pdf".into(), record(&["p2", "p3"]));
        registry.save(&path).unwrap();
        let loaded = Registry::load(&path).unwrap();
        assert_eq!(loaded.documents, registry.documents);
        let owned = loaded.owned_elsewhere(&HashSet::from(["/lib/a.pdf"]));
        assert!(owned.contains("p2") && owned.contains("p3") && !owned.contains("p1"));
    }

    #[test]
    fn a_damaged_registry_says_how_to_recover() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("documents.json");
        std::fs::write(&path, "{").unwrap();
        let error = Registry::load(&path).unwrap_err().to_string();
        assert!(error.contains("delete it and ingest again"), "{error}");
    }
}
