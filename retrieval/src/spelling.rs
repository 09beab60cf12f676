//! Typing slips in questions, read as the knowledge base's word one edit away.
//!
//! Questions come from phones: "ajsute correspondiente", "informe incial". The dense leg shrugs a
//! slip off, but BM25 finds nothing for the word, and the confidence reads a word the knowledge
//! base never uses as a sign that the question is about something else: a well-covered question
//! went to an expert for one swapped letter. So before searching, a word that neither the
//! knowledge base's text nor its index knows in any form is replaced by the most frequent word of
//! the question's language that it becomes with a letter added or two neighbouring letters
//! swapped, and the answer says how it was read. Those are the slips of fast typing; a changed
//! or extra letter turns too many real words into other ones ("decade" into "decide", "cuantas"
//! into "cuentas", "perro" into "pero"). English spelt the British way ("authorise") is read with
//! the knowledge base's "z".
//!
//! Only long words (at least [`MIN_CHARS`] letters) are read again: short ones are one edit away
//! from too many others. Words with digits, acronyms, words the index knows through their stem
//! ("vendemos" for "vender") and words of everyday language the knowledge base happens not to use
//! ("tight", "nossa", "escreve": the embedding model's vocabulary has them whole) are left as
//! written: reading "nossa" as "possa" would change the question, not mend it. Nor is a word
//! with an accent read again: an accent is typed on purpose.

use std::collections::HashMap;

use consulta_corpus::{Lang, Passage};

use crate::text::{fold, word_spans};

/// The shortest word read again: shorter words have many neighbours one edit away ("cotas" and
/// "contas").
const MIN_CHARS: usize = 6;

/// The letters an edit may add, after folding (accents removed).
const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzñç";

/// The words of the knowledge base per language, folded (accents removed, as questions typed on
/// a phone often are), with how often each occurs and how the passages write it: the spellings a
/// question's words are compared with, and the form a slip is read as.
#[derive(Debug, Default)]
pub(crate) struct Spelling {
    words: HashMap<Lang, HashMap<String, Written>>,
}

/// A word of the passages: how often it occurs, and as the first passage read wrote it (lower
/// case, with its accents).
#[derive(Debug)]
struct Written {
    count: u32,
    form: String,
}

/// A question with its slips read as knowledge-base words.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Corrected {
    /// The question with each slip replaced.
    pub(crate) text: String,
    /// Each slip as written and the word it was read as, in order.
    pub(crate) changes: Vec<(String, String)>,
}

impl Spelling {
    /// Counts the words of `passages` (title, section and text).
    pub(crate) fn of<'a>(passages: impl IntoIterator<Item = &'a Passage>) -> Spelling {
        let mut words: HashMap<Lang, HashMap<String, Written>> = HashMap::new();
        for passage in passages {
            let counts = words.entry(passage.lang).or_default();
            for (_, word) in word_spans(&passage.indexable_text()) {
                if word.chars().all(char::is_alphabetic) {
                    counts
                        .entry(fold(word))
                        .or_insert_with(|| Written {
                            count: 0,
                            form: word.to_lowercase(),
                        })
                        .count += 1;
                }
            }
        }
        Spelling { words }
    }

    /// Whether any language's text has `folded`.
    fn knows(&self, folded: &str) -> bool {
        self.words
            .values()
            .any(|counts| counts.contains_key(folded))
    }

    /// `question` (in `lang`) with each unknown long word replaced by the most frequent word of
    /// `lang` it becomes with a letter added or two neighbours swapped, when there is one. `known` says whether a word (as written) is known
    /// otherwise: the index has its stem, or the language has it as a word. Such a word is not a
    /// slip even when the passages never have it as written.
    pub(crate) fn correct(
        &self,
        question: &str,
        lang: Lang,
        known: &dyn Fn(&str) -> bool,
    ) -> Corrected {
        let mut text = String::with_capacity(question.len());
        let mut changes = Vec::new();
        let mut copied = 0;
        for (start, word) in word_spans(question) {
            let Some(replacement) = self.replacement(word, lang, known) else {
                continue;
            };
            text.push_str(&question[copied..start]);
            text.push_str(&replacement);
            copied = start + word.len();
            changes.push((word.to_string(), replacement));
        }
        text.push_str(&question[copied..]);
        Corrected { text, changes }
    }

    /// The word `word` is read as, when it is a slip with a likely intended word.
    fn replacement(&self, word: &str, lang: Lang, known: &dyn Fn(&str) -> bool) -> Option<String> {
        let acronym = word.chars().filter(|c| c.is_uppercase()).count() > 1;
        if acronym || word.chars().count() < MIN_CHARS || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        let folded = fold(word);
        // An accent is typed on purpose ("salió", "cuántas"): the word is spelt as meant.
        if folded != word.to_lowercase() {
            return None;
        }
        if self.knows(&folded) || known(word) {
            return None;
        }
        let counts = self.words.get(&lang)?;
        let most_frequent = |candidates: Vec<String>| {
            candidates
                .into_iter()
                .filter_map(|candidate| counts.get(&candidate).map(|w| (w, candidate)))
                .max_by(|(a, a_word), (b, b_word)| {
                    a.count.cmp(&b.count).then_with(|| b_word.cmp(a_word))
                })
                .map(|(written, _)| written.form.clone())
        };
        let american = if lang == Lang::En {
            most_frequent(american_spellings(&folded))
        } else {
            None
        };
        let best = american.or_else(|| most_frequent(slip_repairs(&folded)))?;
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        Some(if capitalised {
            let mut chars = best.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        } else {
            best
        })
    }
}

/// The words `word` may have been meant as: with one letter added, or with two neighbouring
/// letters swapped back.
fn slip_repairs(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut repairs = Vec::new();
    for i in 0..=chars.len() {
        let (head, tail) = chars.split_at(i);
        if tail.len() >= 2 && tail[0] != tail[1] {
            repairs.push(joined(&[head, &[tail[1], tail[0]], &tail[2..]]));
        }
        for letter in LETTERS.chars() {
            repairs.push(joined(&[head, &[letter], tail]));
        }
    }
    repairs
}

/// `word` with one "s" read as "z": British spelling ("authorise") for the American one the
/// knowledge base uses.
fn american_spellings(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .filter(|&i| chars[i] == 's')
        .map(|i| joined(&[&chars[..i], &['z'], &chars[i + 1..]]))
        .collect()
}

fn joined(parts: &[&[char]]) -> String {
    parts.iter().flat_map(|part| part.iter()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::bare_passage;

    fn passage(lang: Lang, text: &str) -> Passage {
        bare_passage("00000000000000a1", lang, text)
    }

    fn spelling() -> Spelling {
        Spelling::of(&[
            passage(
                Lang::Es,
                "El ajuste correspondiente figura en el informe inicial. El ajuste se aplica cada año, salvo excepciones.",
            ),
            passage(
                Lang::En,
                "The initial report describes the adjustment and the authorization. Parties decide.",
            ),
        ])
    }

    fn nothing_known(_: &str) -> bool {
        false
    }

    #[test]
    fn a_swapped_or_missing_letter_is_read_as_the_known_word() {
        let corrected = spelling().correct(
            "¿El ajsute va en el informe incial?",
            Lang::Es,
            &nothing_known,
        );
        assert_eq!(corrected.text, "¿El ajuste va en el informe inicial?");
        assert_eq!(
            corrected.changes,
            [
                ("ajsute".to_string(), "ajuste".to_string()),
                ("incial".to_string(), "inicial".to_string())
            ]
        );
    }

    #[test]
    fn known_short_indexed_and_far_words_are_left_as_written() {
        let spelling = spelling();
        for question in [
            "¿Qué es el ajuste?",
            "¿Lo ves?",
            "¿Y el bitcoin?",
            "CORSIA y tCO2e",
            "¿Ajuste correspondiente?",
            "¿ya salió?",
        ] {
            let corrected = spelling.correct(question, Lang::Es, &nothing_known);
            assert_eq!(corrected.text, question);
            assert!(corrected.changes.is_empty(), "{question}");
        }
        let known_otherwise = |word: &str| word == "Ajsute";
        let kept = spelling.correct("el Ajsute", Lang::Es, &known_otherwise);
        assert_eq!(kept.text, "el Ajsute");
    }

    #[test]
    fn only_the_question_languages_words_replace_a_slip() {
        let corrected = spelling().correct("the inicial report", Lang::En, &nothing_known);
        assert_eq!(corrected.text, "the inicial report");
        let corrected = spelling().correct("the initail report", Lang::En, &nothing_known);
        assert_eq!(corrected.text, "the initial report");
    }

    #[test]
    fn a_changed_or_extra_letter_is_not_a_slip_but_a_british_s_is() {
        let spelling = spelling();
        for question in ["the decade", "el ajustes", "el ajusre"] {
            let lang = if question.starts_with("the") {
                Lang::En
            } else {
                Lang::Es
            };
            assert_eq!(
                spelling.correct(question, lang, &nothing_known).text,
                question
            );
        }
        let corrected = spelling.correct("the authorisation", Lang::En, &nothing_known);
        assert_eq!(corrected.text, "the authorization");
        let spelling = Spelling::of(&[passage(Lang::En, "Summaries summaries; summarize")]);
        let corrected = spelling.correct("summarise", Lang::En, &nothing_known);
        assert_eq!(
            corrected.text, "summarize",
            "the British spelling before a swap"
        );
    }

    #[test]
    fn a_slip_is_read_as_the_passages_write_the_word() {
        let spelling = Spelling::of(&[passage(Lang::Es, "La autorización del país.")]);
        let corrected = spelling.correct("la autorizacoin", Lang::Es, &nothing_known);
        assert_eq!(corrected.text, "la autorización");
    }

    #[test]
    fn a_capital_is_kept() {
        let corrected = spelling().correct("Ajsute?", Lang::Es, &nothing_known);
        assert_eq!(corrected.text, "Ajuste?");
    }
}
