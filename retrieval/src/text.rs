//! Small text helpers shared by language detection, analysis and answer composition.

/// Lowercases and removes the diacritics Spanish and Portuguese use, so that a question typed on a
/// phone without accents ("mitigacion", "nao") compares equal to the written form.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(consulta_corpus::fold_accent)
        .collect()
}

/// The words of `text` (runs of letters and digits), in order, as written.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    word_spans(text).map(|(_, word)| word)
}

/// The words of `text` (runs of letters and digits), in order, each with the byte offset it
/// starts at: for rewriting or cutting the text at a word.
pub(crate) fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(at, c)) = rest.peek() {
            if !c.is_alphanumeric() {
                end = at;
                break;
            }
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

/// Whether `text` holds at least one letter or digit: anything else is not a question.
pub(crate) fn has_content(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// Cuts `text` to at most `max_chars` characters, at a character boundary. Returns the kept prefix
/// and whether anything was cut.
pub(crate) fn truncate_chars(text: &str, max_chars: usize) -> (&str, bool) {
    match text.char_indices().nth(max_chars) {
        Some((byte, _)) => (&text[..byte], true),
        None => (text, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold("Mitigación ÑANDÚ ação"), "mitigacion nandu acao");
    }

    #[test]
    fn word_spans_start_where_the_words_do() {
        let text = "¿Qué es, ajuste?";
        let spans: Vec<(usize, &str)> = word_spans(text).collect();
        assert_eq!(spans, [(2, "Qué"), (7, "es"), (11, "ajuste")]);
        assert_eq!(&text[11..17], "ajuste");
    }

    #[test]
    fn words_skip_punctuation() {
        let found: Vec<&str> = words("¿Qué es un ITMO? (art. 6.2)").collect();
        assert_eq!(found, ["Qué", "es", "un", "ITMO", "art", "6", "2"]);
    }

    #[test]
    fn truncation_respects_multibyte_characters() {
        let (kept, cut) = truncate_chars("ñañaña", 3);
        assert_eq!((kept, cut), ("ñañ", true));
        assert_eq!(truncate_chars("abc", 3), ("abc", false));
    }

    #[test]
    fn punctuation_only_has_no_content() {
        assert!(!has_content(" ¿?! -- "));
        assert!(has_content("¿6.2?"));
    }
}
