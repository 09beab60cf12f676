//! The observatory's library: PDF reports, web pages, Word documents, text, Markdown and FAQ
//! exports, read into the same [`Passage`](crate::Passage)s as the bundled knowledge base.
//!
//! Two steps, so that a caller can decide what to re-read:
//! 1. [`discover`] walks a [`Source`] (a folder with include/exclude globs, a list of files, or a
//!    manifest) into [`Candidate`]s, each with the [`Metadata`] its sidecar, folder defaults or
//!    manifest entry give it. Nothing is parsed yet.
//! 2. [`read_document`] turns one candidate's bytes into passages, or into the [`SkipReason`] that
//!    tells a librarian what is wrong with the file. It never panics and never stops on bad input:
//!    an encrypted, truncated or malformed file is one skipped document, not a failed run.
//!
//! [`fingerprint`] hashes a document's bytes with everything that shapes its passages (metadata,
//! limits, reader version), so an indexer can skip an unchanged file without parsing it.
//!
//! ```
//! use consulta_corpus::Lang;
//! use consulta_corpus::library::{Limits, Source, discover, read_document};
//!
//! let library = tempfile::tempdir().unwrap();
//! std::fs::write(
//!     library.path().join("nota.txt"),
//!     "Nota técnica\n\nLa autorización de los ITMO corresponde a la autoridad nacional designada.",
//! )
//! .unwrap();
//! let discovery = discover(&Source::folder(library.path())).unwrap();
//! let candidate = &discovery.candidates[0];
//! let bytes = std::fs::read(library.path().join("nota.txt")).unwrap();
//! // Retrieval passes its language detector; this library is all Spanish.
//! let parsed = read_document(candidate, &bytes, &Limits::default(), &|_| Some(Lang::Es)).unwrap();
//! assert_eq!(parsed.title, "Nota técnica");
//! assert_eq!(parsed.passages[0].doc_id, "doc:nota.txt");
//! ```

mod blocks;
mod csv_faq;
mod docx;
#[cfg(feature = "fixtures")]
pub mod fixtures;
mod format;
mod html;
mod limits;
mod metadata;
mod pdf;
mod read;
mod skip;
mod source;
mod text;

pub use format::Format;
pub use limits::Limits;
pub use metadata::{FOLDER_METADATA, Metadata, SIDECAR_SUFFIX};
pub use read::{LanguageDetector, Parsed, fingerprint, read_document};
pub use skip::{SkipReason, Skipped};
pub use source::{Candidate, Discovery, Location, Source, SourceError, discover, not_a_document};
