//! Which passages a search may return.

use consulta_corpus::{Lang, Passage, PassageKind};
use serde::{Deserialize, Serialize};

/// Restricts a search. Each non-empty list admits passages matching *any* of its values; the lists
/// combine with *and*. The default admits everything.
///
/// Both legs (BM25 and vectors) apply the same filter inside their index, so a filter never
/// starves the fusion of candidates the way filtering after the search would.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchFilter {
    /// Passage languages, e.g. only Spanish when the asker wants sources they can read.
    pub langs: Vec<Lang>,
    /// Passage tags (e.g. `6.2`, `6.4`), to keep an answer within one mechanism.
    pub tags: Vec<String>,
    /// Passage kinds, e.g. only expert-curated answers.
    pub kinds: Vec<PassageKind>,
    /// Whole documents (`faq:ca-what-is`, `guide:authorisation`), e.g. to search within one guide.
    pub doc_ids: Vec<String>,
}

impl SearchFilter {
    /// Whether the filter admits `passage`: the same test the indexes apply when they search.
    pub fn admits(&self, passage: &Passage) -> bool {
        (self.langs.is_empty() || self.langs.contains(&passage.lang))
            && (self.tags.is_empty() || passage.tags.iter().any(|t| self.tags.contains(t)))
            && (self.kinds.is_empty() || self.kinds.contains(&passage.kind))
            && (self.doc_ids.is_empty() || self.doc_ids.contains(&passage.doc_id))
    }

    /// Whether the filter admits everything.
    pub fn is_empty(&self) -> bool {
        self.langs.is_empty()
            && self.tags.is_empty()
            && self.kinds.is_empty()
            && self.doc_ids.is_empty()
    }
}
