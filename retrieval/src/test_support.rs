//! Fixtures shared by the unit tests of this crate.

use consulta_corpus::{Lang, Passage, PassageKind};

/// An FAQ passage with nothing but an id, a language and a text: what unit tests of ranking,
/// evidence and composition need, without the metadata a real passage carries.
pub(crate) fn bare_passage(id: &str, lang: Lang, text: &str) -> Passage {
    Passage {
        id: id.into(),
        doc_id: "faq:x".into(),
        kind: PassageKind::Faq,
        lang,
        title: String::new(),
        section: String::new(),
        source: String::new(),
        source_url: None,
        valid_as_of: None,
        tags: vec![],
        countries: vec![],
        text: text.into(),
        origin: String::new(),
    }
}
