//! The one error type of this crate.

use std::path::PathBuf;

/// Why a retrieval operation failed. Every message says what to do about it, because the operator
/// reading a log line (or a user reading a chat reply) has no access to the code.
#[derive(Debug, thiserror::Error)]
pub enum RetrievalError {
    /// The question has no letters or digits. The message is in the asker's language, so the bot
    /// can show it as is.
    #[error("{message}")]
    EmptyQuestion {
        /// What to tell the asker, in their language.
        message: String,
    },

    /// A setting of [`crate::RetrievalConfig`] is out of range.
    #[error("invalid retrieval configuration: {0}")]
    InvalidConfig(String),

    /// A passage handed to the engine cannot be indexed as it is.
    #[error("passage {id:?} cannot be indexed: {reason}")]
    InvalidPassage {
        /// The passage id as given.
        id: String,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// [`crate::Engine::remove`] was asked to remove passages the index does not hold; nothing was
    /// removed, so a typo cannot half-apply.
    #[error(
        "no indexed passage has the id(s) {}: nothing was removed; check the ids with `stats` or a search",
        .ids.join(", ")
    )]
    UnknownPassages {
        /// The ids that are not in the index.
        ids: Vec<String>,
    },

    /// The embedding model failed.
    #[error(transparent)]
    Model(#[from] consulta_models::ModelError),

    /// The embedder returned something other than one vector of its dimension per text.
    #[error(
        "the embedder {name} returned {got}; expected {expected}: the model files are likely damaged, reinstall them with `deploy/fetch-models.sh`"
    )]
    BadEmbedding {
        /// The embedder's name.
        name: String,
        /// What came back.
        got: String,
        /// What was expected.
        expected: String,
    },

    /// The BM25 index (tantivy) failed.
    #[error("full-text index at {}: {source}. If it is damaged, delete that directory: it is rebuilt from the passage manifest on the next start", .path.display())]
    FullText {
        /// The index directory.
        path: PathBuf,
        /// What tantivy reported.
        source: tantivy::TantivyError,
    },

    /// The vector store failed.
    #[error("vector store ({operation}): {message}")]
    VectorStore {
        /// What the engine was doing (`upsert`, `search`, ...).
        operation: &'static str,
        /// What the store reported, and for on-disk stores where it lives.
        message: String,
    },

    /// The passage manifest could not be read or written.
    #[error("passage manifest {}: {message}", .path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What went wrong and what to do.
        message: String,
    },

    /// Copying vectors between stores (`consulta migrate`) cannot go on, or its verification
    /// failed; nothing in the source was changed.
    #[error("migration: {message}")]
    Migration {
        /// What went wrong and what to do.
        message: String,
    },

    /// A replica was asked to change the passages; only its primary writes them.
    #[error(
        "this engine is a replica: it answers from the primary's passages and cannot change \
         them; ingest, reindex and approve answers on the primary, which the replica follows"
    )]
    Replica,

    /// A plain file-system operation failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// A library source (folder, file list, manifest) cannot be walked; nothing was changed.
    #[error(transparent)]
    Source(#[from] consulta_corpus::library::SourceError),
}
