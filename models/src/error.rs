//! The one error type of this crate.

use std::path::PathBuf;

/// The command that installs (or repairs) the default model. Every error about an unusable model
/// directory carries it, so whoever reads a log line knows the fix without reading code.
pub const FIX_COMMAND: &str = "deploy/fetch-models.sh";

/// The sentence every load error ends with.
const FIX: &str = "Fix: run `deploy/fetch-models.sh` (it installs or repairs the model in \
    $CONSULTA_MODEL_DIR, default ${XDG_CACHE_HOME:-$HOME/.cache}/consulta/models), or set \
    CONSULTA_MODEL_DIR to the directory that holds the model";

/// Why an embedding model could not be loaded or run.
///
/// Load errors (`Missing`, `ChecksumMismatch`, `Corrupt`, `Unreadable`) all end with the fix:
/// run [`FIX_COMMAND`], which installs into `$CONSULTA_MODEL_DIR`, else
/// `${XDG_CACHE_HOME:-$HOME/.cache}/consulta/models`.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file or directory the model needs is not there: the model was never installed, or
    /// `CONSULTA_MODEL_DIR` points somewhere else.
    #[error("embedding model not found: {what} is missing at {}. {}", .path.display(), FIX)]
    Missing {
        /// What was looked for, in words ("the weights file", "tokenizer.json", ...).
        what: String,
        /// Where it was looked for.
        path: PathBuf,
    },

    /// A file's SHA-256 differs from the one recorded at install time: a partial download, a
    /// disk error, or a file replaced by hand. Loading it could give silently wrong vectors.
    #[error(
        "embedding model file {} is corrupt: its SHA-256 is {actual}, expected {expected}. {}",
        .path.display(),
        FIX
    )]
    ChecksumMismatch {
        /// The damaged file.
        path: PathBuf,
        /// The checksum recorded in `consulta-model.toml`.
        expected: String,
        /// The checksum of the bytes on disk.
        actual: String,
    },

    /// A file exists but cannot be understood: truncated, wrong format, inconsistent shapes.
    #[error("embedding model file {} is unusable: {reason}. {}", .path.display(), FIX)]
    Corrupt {
        /// The file that failed to parse.
        path: PathBuf,
        /// What exactly is wrong with it.
        reason: String,
    },

    /// A file exists but the operating system refused to read it (permissions, I/O error).
    #[error("cannot read embedding model file {}: {source}. {}", .path.display(), FIX)]
    Unreadable {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// The tokenizer rejected an input text at embedding time.
    #[error("cannot tokenize the input text: {0}")]
    Tokenize(String),

    /// The tensor computation failed at embedding time (out of memory, a shape bug).
    #[error("embedding computation failed: {0}")]
    Inference(#[from] candle_core::Error),
}
