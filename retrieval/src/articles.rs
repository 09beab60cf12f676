//! Which paragraph of Article 6 a question names, and which a passage is about.
//!
//! "Does the 5 % go to the Adaptation Fund under 6.2 too?" names the paragraph the asker means,
//! and a passage tagged only `6.4` answers for the other route, however close its words: the
//! embedding model reads "6.2" and "6.4" as near neighbours. Only numbers the asker wrote count
//! ("6.2", "Artigo 6.4", "A6.4ERs"); words that lean towards one route ("ITMO", "PACM") also
//! appear in the other's rules, and treating them as a scope measured worse.

/// The paragraphs of Article 6 that have their own route, as the knowledge base tags them.
const PARAGRAPHS: [&str; 3] = ["6.2", "6.4", "6.8"];

/// The Article 6 paragraphs `text` names by number, in the order of [`PARAGRAPHS`].
///
/// A number counts when it stands alone: not part of a longer number ("16.2", "6.25") or of a
/// decision symbol ("1/6.4").
pub(crate) fn named_paragraphs(text: &str) -> Vec<&'static str> {
    PARAGRAPHS
        .into_iter()
        .filter(|paragraph| {
            text.match_indices(paragraph).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + paragraph.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_digit() || c == '/' || c == '.')
                    && !after.is_some_and(|c| c.is_ascii_digit())
            })
        })
        .collect()
}

/// Whether a passage with `tags` is about other Article 6 paragraphs than all of `named`: it is
/// tagged with at least one paragraph and with none of them. A passage without a paragraph tag is
/// about none in particular and never mismatches.
pub(crate) fn about_other_paragraphs(tags: &[String], named: &[&str]) -> bool {
    let mut tagged = tags
        .iter()
        .filter(|tag| PARAGRAPHS.contains(&tag.as_str()))
        .peekable();
    !named.is_empty() && tagged.peek().is_some() && tagged.all(|tag| !named.contains(&tag.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn a_paragraph_is_named_by_its_number_in_any_language() {
        assert_eq!(named_paragraphs("No 6.2 é obrigatório?"), ["6.2"]);
        assert_eq!(named_paragraphs("Article 6.8 platform"), ["6.8"]);
        assert_eq!(named_paragraphs("las A6.4ER autorizadas"), ["6.4"]);
        assert_eq!(
            named_paragraphs("¿Aplica en el 6.2 y en las A6.4ER?"),
            ["6.2", "6.4"]
        );
        assert!(named_paragraphs("decisión 3/CMA.3, párr. 26.2").is_empty());
        assert!(named_paragraphs("¿Qué es un RMTI?").is_empty());
    }

    #[test]
    fn only_a_passage_tagged_with_other_paragraphs_alone_mismatches() {
        let named = ["6.2"];
        assert!(about_other_paragraphs(&tags(&["6.4", "fees"]), &named));
        assert!(!about_other_paragraphs(&tags(&["6.2", "6.4"]), &named));
        assert!(!about_other_paragraphs(&tags(&["fees"]), &named));
        assert!(!about_other_paragraphs(&tags(&["6.4"]), &[]));
    }
}
