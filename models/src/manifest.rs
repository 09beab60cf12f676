//! `consulta-model.toml`: what `deploy/fetch-models.sh` installed, and the checksums to hold it to.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::ModelError;
use crate::location::MANIFEST_FILE;

/// The only weights format the manifest may name; anything else was written by a newer script.
const E5S1_FORMAT: &str = "e5s1";

/// The manifest as written by `deploy/fetch-models.sh`.
#[derive(Debug, Deserialize)]
struct ManifestFile {
    format: String,
    weights: String,
    tokenizer: String,
    weights_sha256: String,
    tokenizer_sha256: String,
}

/// The installed files, with the checksums they must have.
#[derive(Debug)]
pub(crate) struct Manifest {
    /// The E5S1 weights file.
    pub(crate) weights: PathBuf,
    /// Expected SHA-256 of `weights`, lowercase hex.
    pub(crate) weights_sha256: String,
    /// The Hugging Face `tokenizer.json`.
    pub(crate) tokenizer: PathBuf,
    /// Expected SHA-256 of `tokenizer`, lowercase hex.
    pub(crate) tokenizer_sha256: String,
}

impl Manifest {
    /// Reads the manifest in `dir`; file names in it are relative to `dir`.
    pub(crate) fn read(dir: &Path) -> Result<Self, ModelError> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| io_error(&path, source))?;
        let file: ManifestFile = toml::from_str(&text).map_err(|err| ModelError::Corrupt {
            path: path.clone(),
            reason: format!("not a valid model manifest ({})", err.message()),
        })?;
        if file.format != E5S1_FORMAT {
            return Err(ModelError::Corrupt {
                path,
                reason: format!(
                    "it names weights format {:?}, this build reads only {E5S1_FORMAT:?}",
                    file.format
                ),
            });
        }
        Ok(Self {
            weights: dir.join(file.weights),
            weights_sha256: file.weights_sha256.to_ascii_lowercase(),
            tokenizer: dir.join(file.tokenizer),
            tokenizer_sha256: file.tokenizer_sha256.to_ascii_lowercase(),
        })
    }
}

/// Reads a whole file and refuses it unless its SHA-256 is `expected`: the bytes returned are
/// exactly the bytes checked, so nothing can change between checking and parsing.
pub(crate) fn read_verified(path: &Path, expected: &str) -> Result<Vec<u8>, ModelError> {
    let bytes = std::fs::read(path).map_err(|source| io_error(path, source))?;
    let actual = hex::encode(Sha256::digest(&bytes));
    if actual != expected {
        return Err(ModelError::ChecksumMismatch {
            path: path.to_path_buf(),
            expected: expected.to_owned(),
            actual,
        });
    }
    Ok(bytes)
}

/// A file that is not there is a missing model; any other I/O failure is reported as such.
pub(crate) fn io_error(path: &Path, source: std::io::Error) -> ModelError {
    if source.kind() == std::io::ErrorKind::NotFound {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "a model file".to_owned());
        ModelError::Missing {
            what: name,
            path: path.to_path_buf(),
        }
    } else {
        ModelError::Unreadable {
            path: path.to_path_buf(),
            source,
        }
    }
}
