//! Why a file of the knowledge base could not be read; loading goes on with the others.

use std::path::PathBuf;

/// A file of the knowledge base that could not be read. Loading goes on with the other files; the caller
/// reports these to the operator.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{path}: cannot read the file: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the file is not valid UTF-8 (byte {valid_up_to}); save it as UTF-8")]
    NotUtf8 { path: PathBuf, valid_up_to: usize },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        /// 1-based line of the problem, so an author can jump straight to it.
        line: usize,
        message: String,
    },
}

impl CorpusError {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            CorpusError::Unreadable { path, .. }
            | CorpusError::NotUtf8 { path, .. }
            | CorpusError::Invalid { path, .. } => path,
        }
    }
}
