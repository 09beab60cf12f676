//! What the vector store holds for a passage: its own vector and, for an FAQ entry or a curated
//! answer, a second one of its question alone.
//!
//! A passage's vector embeds its title, section and body together, so a short paraphrase of an FAQ
//! question ("¿quién hace el AC?") competes with every long passage that mentions the same topic,
//! and across languages the body's details dilute the match further. The entry's question alone,
//! embedded as a query, is the text most like what askers type: searching both and keeping the
//! better similarity finds the entry from paraphrases and other languages, and the question's own
//! similarity tells the composer when the entry answers exactly what was asked.
//!
//! The question point is keyed `<passage id>:question`, carries its passage's payload and content
//! hash, and lives and dies with its passage: written, replaced, deleted and reconciled with it.

use consulta_corpus::{Passage, PassageKind};

/// What marks a question point's key.
const QUESTION_SUFFIX: &str = ":question";

/// Whether `passage` gets a question point: FAQ entries and curated answers with a question.
pub(crate) fn has_question_point(passage: &Passage) -> bool {
    matches!(passage.kind, PassageKind::Faq | PassageKind::Curated)
        && passage.title.chars().any(char::is_alphanumeric)
}

/// The key of `passage_id`'s question point.
pub(crate) fn question_point_id(passage_id: &str) -> String {
    format!("{passage_id}{QUESTION_SUFFIX}")
}

/// The passage a question point belongs to, or `None` for a passage's own point.
pub(crate) fn question_owner(point_id: &str) -> Option<&str> {
    point_id.strip_suffix(QUESTION_SUFFIX)
}

#[cfg(test)]
mod tests {
    use consulta_corpus::Lang;

    use super::*;
    use crate::test_support::bare_passage;

    #[test]
    fn faq_entries_with_a_question_get_a_question_point() {
        let mut entry = bare_passage("00000000000000a1", Lang::Es, "Respuesta.");
        assert!(!has_question_point(&entry), "no question, no point");
        entry.title = "¿Quién aplica el ajuste?".into();
        assert!(has_question_point(&entry));
        entry.kind = PassageKind::Guide;
        assert!(!has_question_point(&entry));
    }

    #[test]
    fn question_points_name_their_owner() {
        let key = question_point_id("00000000000000a1");
        assert_eq!(question_owner(&key), Some("00000000000000a1"));
        assert_eq!(question_owner("00000000000000a1"), None);
    }
}
