//! The parts of a question that asks several things at once.
//!
//! Practitioners often ask two things in one message ("Is the tool mandatory and what does it
//! assess?", "¿cuántos miembros tiene y cómo se reparten?"). An answer that serves only the first
//! part reads as an answer and misses half the question, so the composer gives each part its own
//! sentence and the answer says which part no passage covers. A part starts after a `?` or `;`,
//! or at a conjunction ("and", "y", "e") followed by a new interrogative ("what", "cómo", "o
//! que"), possibly behind a preposition ("y en cuál"). What follows the first part counts only when
//! it asks something (it ends in `?` or opens with an interrogative): "es para armar el flujo de
//! caja" or "explain it simply" after a question is context or a wish, and no source answers it.

use crate::text::{fold, word_spans};

/// Interrogatives that open a new part after a conjunction, folded (accents removed).
const INTERROGATIVES: &[&str] = &[
    "que", "como", "quien", "quienes", "cual", "cuales", "cuando", "cuanto", "cuanta", "cuantos",
    "cuantas", "donde", "quem", "qual", "quais", "quando", "quanto", "quanta", "quantos",
    "quantas", "onde", "what", "how", "who", "whom", "which", "when", "where", "why",
];

/// Conjunctions that join two questions in one sentence.
const CONJUNCTIONS: &[&str] = &["y", "e", "and"];

/// Prepositions that may stand between the conjunction and the interrogative ("y en cuál", "and
/// for how long", "e para quem").
const PREPOSITIONS: &[&str] = &[
    "en", "a", "de", "por", "para", "con", "em", "com", "in", "on", "to", "for", "of", "by", "o",
    "hasta", "ate", "desde", "until", "since",
];

/// English auxiliaries that open a yes/no part after "and" ("..., and is there a standard?").
const AUXILIARIES: &[&str] = &[
    "is", "are", "does", "do", "did", "has", "have", "can", "could", "would", "will", "must",
    "should",
];

/// What an auxiliary must be followed by for "and <auxiliary>" to open a question rather than
/// continue a clause ("and is there", "and does it", "and can we", "and can you"); a name
/// ("and has Brazil") does too.
const AUXILIARY_SUBJECTS: &[&str] = &[
    "there", "it", "this", "that", "we", "they", "the", "you", "i",
];

/// The parts of `question`, as written, in order; a question of one part is returned whole.
pub(crate) fn question_parts(question: &str) -> Vec<&str> {
    question
        .split_inclusive(['?', ';'])
        .flat_map(split_at_joined_questions)
        .map(|part| part.trim().trim_start_matches(['¿', '¡']).trim())
        .filter(|part| part.chars().any(char::is_alphanumeric))
        .enumerate()
        .filter(|(i, part)| *i == 0 || asks_something(part))
        .map(|(_, part)| part)
        .collect()
}

/// Whether `part` asks something: it ends in a question mark, or it opens (behind a conjunction or
/// a preposition, "and for how long") with an interrogative or, in English, an auxiliary.
fn asks_something(part: &str) -> bool {
    if part.ends_with('?') {
        return true;
    }
    let words: Vec<String> = word_spans(part).map(|(_, word)| fold(word)).collect();
    let mut opening = words.iter().map(String::as_str).peekable();
    opening.next_if(|word| CONJUNCTIONS.contains(word));
    opening.next_if(|word| PREPOSITIONS.contains(word));
    opening
        .next()
        .is_some_and(|word| INTERROGATIVES.contains(&word) || AUXILIARIES.contains(&word))
}

/// Splits one sentence before each conjunction that opens a new question.
fn split_at_joined_questions(sentence: &str) -> Vec<&str> {
    let words: Vec<(usize, String)> = word_spans(sentence)
        .map(|(start, word)| (start, fold(word)))
        .collect();
    let is_name = |k: usize| {
        words
            .get(k)
            .and_then(|(start, _)| sentence[*start..].chars().next())
            .is_some_and(char::is_uppercase)
    };
    let mut cuts = Vec::new();
    for (i, (start, word)) in words.iter().enumerate() {
        // "and" at the very start joins nothing inside the sentence.
        if i == 0 || !CONJUNCTIONS.contains(&word.as_str()) {
            continue;
        }
        let next = |k: usize| words.get(i + k).map(|(_, w)| w.as_str());
        let opens_question = match (next(1), next(2)) {
            (Some(first), _) if INTERROGATIVES.contains(&first) => true,
            (Some(first), Some(second)) if PREPOSITIONS.contains(&first) => {
                INTERROGATIVES.contains(&second)
            }
            (Some(first), Some(second)) if word == "and" && AUXILIARIES.contains(&first) => {
                AUXILIARY_SUBJECTS.contains(&second) || is_name(i + 2)
            }
            _ => false,
        };
        if opens_question {
            cuts.push(*start);
        }
    }
    let mut parts = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0;
    for cut in cuts {
        parts.push(&sentence[from..cut]);
        from = cut;
    }
    parts.push(&sentence[from..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_ending_in_question_marks_are_parts() {
        assert_eq!(
            question_parts("la herramienta es obligatoria? que evalua?"),
            ["la herramienta es obligatoria?", "que evalua?"]
        );
    }

    #[test]
    fn a_conjunction_before_an_interrogative_opens_a_part() {
        assert_eq!(
            question_parts("Is the SD tool mandatory and what does it actually assess?"),
            [
                "Is the SD tool mandatory",
                "and what does it actually assess?"
            ]
        );
        assert_eq!(
            question_parts("cuántos miembros tiene el órgano y cómo se reparten por región"),
            [
                "cuántos miembros tiene el órgano",
                "y cómo se reparten por región"
            ]
        );
        assert_eq!(
            question_parts("qué decisiones regulan el MCAP y en cuál está la transición del MDL"),
            [
                "qué decisiones regulan el MCAP",
                "y en cuál está la transición del MDL"
            ]
        );
        assert_eq!(
            question_parts("What is the share of proceeds and has Brazil authorized ITMOs?"),
            [
                "What is the share of proceeds",
                "and has Brazil authorized ITMOs?"
            ]
        );
        assert_eq!(
            question_parts("Who authorizes ITMOs, and can you submit our request?"),
            ["Who authorizes ITMOs,", "and can you submit our request?"]
        );
        assert_eq!(
            question_parts("Which standard do DOEs follow, and is there a leakage standard?"),
            [
                "Which standard do DOEs follow,",
                "and is there a leakage standard?"
            ]
        );
    }

    #[test]
    fn what_follows_a_question_without_asking_is_not_a_part() {
        assert_eq!(
            question_parts("¿Cuánto vale un RMTI hoy? es para armar el flujo de caja"),
            ["Cuánto vale un RMTI hoy?"]
        );
        assert_eq!(
            question_parts("what is the difference between 6.2 and 6.4? explain it simply"),
            ["what is the difference between 6.2 and 6.4?"]
        );
        assert_eq!(
            question_parts("o projeto pode migrar pro PACM? ate quando dava pra pedir"),
            [
                "o projeto pode migrar pro PACM?",
                "ate quando dava pra pedir"
            ]
        );
        assert_eq!(
            question_parts("quem assina a autorização? precisa de aprovação da ONU?"),
            ["quem assina a autorização?", "precisa de aprovação da ONU?"]
        );
    }

    #[test]
    fn a_conjunction_inside_one_question_is_not_a_part() {
        for question in [
            "¿Quién valida y verifica las actividades del 6.4?",
            "Can the host authorize and transfer ITMOs in the same year?",
            "A AND e o ponto focal são a mesma coisa?",
            "And what about removals?",
        ] {
            assert_eq!(question_parts(question), [question.trim_start_matches('¿')]);
        }
    }
}
