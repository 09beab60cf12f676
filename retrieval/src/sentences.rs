//! Cutting passage text into sentences, the unit an answer quotes.
//!
//! Passages are Markdown or plain FAQ prose citing decisions ("Decision 2/CMA.3, annex, para. 18"),
//! so a full stop ends a sentence only when whitespace and then a capital letter (or an opening
//! `¿ ¡ " (`) follow: "para. 18" and "CMA.3" stay whole. Prose is hard-wrapped in the knowledge
//! base, so a line break inside a paragraph is a space; a blank line, a heading or a list item
//! starts a new block (and so a new sentence). List markers and heading marks are removed.

/// The sentences of `text`, in order, trimmed, without Markdown line markers.
pub(crate) fn sentences(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for block in blocks(text) {
        let line = block.as_str();
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut start = 0;
        for (i, &(byte, c)) in chars.iter().enumerate() {
            if !matches!(c, '.' | '!' | '?' | '…') {
                continue;
            }
            let next_is_space = chars.get(i + 1).is_some_and(|(_, n)| n.is_whitespace());
            let opens_sentence = chars[i + 1..]
                .iter()
                .map(|(_, n)| *n)
                .find(|n| !n.is_whitespace())
                .is_some_and(|n| {
                    n.is_uppercase() || matches!(n, '¿' | '¡' | '"' | '“' | '(' | '«')
                });
            if next_is_space && opens_sentence {
                push(&mut found, &line[start..byte + c.len_utf8()]);
                start = byte + c.len_utf8();
            }
        }
        push(&mut found, &line[start..]);
    }
    found
}

/// Joins wrapped lines into blocks: a paragraph, a heading or a list item, without its marker.
fn blocks(text: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut continues = false;
    for raw in text.lines() {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continues = false;
            continue;
        }
        let line = strip_line_marker(trimmed);
        let starts_block = line.len() != trimmed.len() || trimmed.starts_with('|');
        match blocks.last_mut() {
            Some(last) if continues && !starts_block => {
                last.push(' ');
                last.push_str(line);
            }
            _ => blocks.push(line.to_string()),
        }
        continues = !trimmed.starts_with('#');
    }
    blocks
}

fn push(found: &mut Vec<String>, sentence: &str) {
    let sentence = sentence.trim();
    if sentence.chars().any(char::is_alphanumeric) {
        found.push(sentence.to_string());
    }
}

/// Removes `#`, `-`, `*`, `>` and `1.` markers at the start of a Markdown line.
fn strip_line_marker(line: &str) -> &str {
    let line = line.trim_start_matches(['#', '>']).trim_start();
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return rest.trim_start();
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0
        && let Some(rest) = line[digits..].strip_prefix(". ")
    {
        return rest.trim_start();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_are_one_paragraph_but_list_items_are_not() {
        assert_eq!(
            sentences(
                "El informe se presenta cuando se autorizan los RMTI del enfoque\ncooperativo. Luego se actualiza.\n- Un punto\n- Otro punto\n# Título\nTexto."
            ),
            [
                "El informe se presenta cuando se autorizan los RMTI del enfoque cooperativo.",
                "Luego se actualiza.",
                "Un punto",
                "Otro punto",
                "Título",
                "Texto."
            ]
        );
    }

    #[test]
    fn splits_on_full_stops_before_capitals() {
        assert_eq!(
            sentences(
                "Un ITMO es una reducción. Se transfiere entre países! ¿Quién lo autoriza? El país."
            ),
            [
                "Un ITMO es una reducción.",
                "Se transfiere entre países!",
                "¿Quién lo autoriza?",
                "El país."
            ]
        );
    }

    #[test]
    fn keeps_citations_and_abbreviations_whole() {
        assert_eq!(
            sentences("See Decision 2/CMA.3, annex, para. 18 for details. It applies from 2021."),
            [
                "See Decision 2/CMA.3, annex, para. 18 for details.",
                "It applies from 2021."
            ]
        );
    }

    #[test]
    fn lines_and_list_markers() {
        assert_eq!(
            sentences(
                "## Who applies it\n- The host country\n* The buyer\n12. The registry\n\n---"
            ),
            [
                "Who applies it",
                "The host country",
                "The buyer",
                "The registry"
            ]
        );
    }
}
