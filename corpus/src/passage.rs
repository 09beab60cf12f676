//! The passage: the unit Consulta indexes, retrieves and cites, with its source and date.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Lang;

/// Where a passage came from; retrieval treats expert-curated answers with precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PassageKind {
    /// A section of a Markdown guide.
    Guide,
    /// One entry of a bundled FAQ file.
    Faq,
    /// An answer an expert approved from the desk.
    Curated,
    /// A passage of a library document (PDF report, web page, Word file, text), read by
    /// [`crate::library`]. Its citation names the page or anchor it came from.
    Document,
}

impl PassageKind {
    /// The name stored in index payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            PassageKind::Guide => "guide",
            PassageKind::Faq => "faq",
            PassageKind::Curated => "curated",
            PassageKind::Document => "document",
        }
    }
}

/// The unit Consulta indexes, retrieves and cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id derived from the content and its place ([`passage_id`]): unchanged passages keep their id
    /// across ingests, which is what makes re-ingest incremental.
    pub id: String,
    /// The document it belongs to: `faq:<topic>`, `guide:<slug>`, `curated:<id>` or, for a library
    /// document, `doc:<path relative to the library root>` (`doc:<url>` when fetched from the web).
    /// Language versions of one document share it, so gold labels and citations can name a topic
    /// regardless of language.
    pub doc_id: String,
    pub kind: PassageKind,
    pub lang: Lang,
    /// The guide title, or the FAQ question.
    pub title: String,
    /// Heading path inside the document (`Corresponding adjustments > Who applies them`); for an FAQ entry,
    /// the question.
    pub section: String,
    /// The primary source, e.g. `Decision 2/CMA.3, annex, para. 18`.
    pub source: String,
    pub source_url: Option<String>,
    /// Date the facts are known to hold (`YYYY-MM-DD`), shown with every citation.
    pub valid_as_of: Option<String>,
    pub tags: Vec<String>,
    pub countries: Vec<String>,
    /// The passage body. For an FAQ entry, the answer.
    pub text: String,
    /// Path of the file the passage was read from, relative to the knowledge-base root.
    pub origin: String,
}

impl Passage {
    /// The text that is embedded and indexed: title and section give the body its context.
    pub fn indexable_text(&self) -> String {
        if self.section.is_empty() || self.section == self.title {
            format!("{}\n{}", self.title, self.text)
        } else {
            format!("{}\n{}\n{}", self.title, self.section, self.text)
        }
    }
}

/// A content-derived id: the same document, section and text always give the same id, any change gives
/// another. 16 hex digits (64 bits) keep collisions out of reach for any realistic library.
pub fn passage_id(doc_id: &str, lang: Lang, section: &str, text: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [doc_id, lang.code(), section, text] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hex::encode(&hasher.finalize()[..8])
}
