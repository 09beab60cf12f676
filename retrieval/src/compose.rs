//! The answer text: the sentences of the best passages that best answer the question.
//!
//! There is no generative model on these machines, and practitioners want the source's own words
//! anyway. Each sentence of each passage scores the share of the question's terms it contains plus
//! its passage's cosine similarity to the question, so that of two equally matching sentences the
//! one from the closer passage wins. The best sentences are kept (at most
//! [`MAX_PER_PASSAGE`] per passage, [`MAX_SENTENCES`] in all), grouped by passage in rank order and
//! in their order within the passage, each group followed by its citation marker.

use std::collections::HashSet;

use consulta_corpus::Passage;

use crate::analysis::Analyzers;
use crate::evidence::coverage;
use crate::sentences::sentences;

/// Sentences quoted from one passage at most: enough for a definition and its condition.
const MAX_PER_PASSAGE: usize = 2;
/// Sentences in an answer at most: a chat reply, not a report. The knowledge base writes full
/// sentences of 25-40 words, so four make a reply that fits a phone screen; the citations carry the
/// rest.
const MAX_SENTENCES: usize = 4;

/// A passage that may be quoted, with what the composer needs to know about it.
pub(crate) struct Quotable<'a> {
    pub(crate) passage: &'a Passage,
    /// Cosine similarity of the passage to the question (0 when the dense leg missed it).
    pub(crate) cosine: f32,
}

/// The composed answer: text with markers `[1]`, `[2]`... and, for each marker in order, the index
/// of the quoted passage in the input.
#[derive(Debug, PartialEq)]
pub(crate) struct Composed {
    pub(crate) text: String,
    pub(crate) cited: Vec<usize>,
}

struct Scored {
    passage: usize,
    sentence: usize,
    score: f32,
}

/// Composes an answer from `passages` (best first). `search_text` holds the question's content
/// words and glossary variants; each passage matches it in its own language. The first passage is
/// always quoted (its first sentence if no sentence matches a term); the others only with a
/// matching sentence.
pub(crate) fn compose(
    analyzers: &Analyzers,
    search_text: &str,
    passages: &[Quotable<'_>],
) -> Composed {
    let split: Vec<Vec<String>> = passages
        .iter()
        .map(|q| sentences(&q.passage.text))
        .collect();
    let mut scored = Vec::new();
    for (p, quotable) in passages.iter().enumerate() {
        let lang = quotable.passage.lang;
        let terms: HashSet<String> = analyzers.terms(lang, search_text).into_iter().collect();
        for (s, sentence) in split[p].iter().enumerate() {
            let sentence_terms: HashSet<String> =
                analyzers.terms(lang, sentence).into_iter().collect();
            let overlap = coverage(&terms, &sentence_terms);
            if overlap > 0.0 {
                scored.push(Scored {
                    passage: p,
                    sentence: s,
                    score: overlap + quotable.cosine,
                });
            }
        }
    }
    scored.sort_by(|a, b| b.score.total_cmp(&a.score));

    let mut chosen: Vec<(usize, usize)> = Vec::new();
    for candidate in scored {
        let from_passage = chosen
            .iter()
            .filter(|(p, _)| *p == candidate.passage)
            .count();
        if chosen.len() < MAX_SENTENCES && from_passage < MAX_PER_PASSAGE {
            chosen.push((candidate.passage, candidate.sentence));
        }
    }
    if !chosen.iter().any(|(p, _)| *p == 0) && split.first().is_some_and(|s| !s.is_empty()) {
        if chosen.len() == MAX_SENTENCES {
            chosen.pop();
        }
        chosen.push((0, 0));
    }
    chosen.sort_unstable();

    let mut text = String::new();
    let mut cited = Vec::new();
    for (p, s) in &chosen {
        if cited.last() != Some(p) {
            if !cited.is_empty() {
                text.push_str(&format!(" [{}] ", cited.len()));
            }
            cited.push(*p);
        } else {
            text.push(' ');
        }
        text.push_str(&split[*p][*s]);
    }
    if !cited.is_empty() {
        text.push_str(&format!(" [{}]", cited.len()));
    }
    Composed { text, cited }
}

#[cfg(test)]
mod tests {
    use consulta_corpus::Lang;

    use super::*;
    use crate::test_support::bare_passage;

    fn passage(lang: Lang, text: &str) -> Passage {
        bare_passage("00000000000000a1", lang, text)
    }

    #[test]
    fn quotes_matching_sentences_in_passage_order_with_markers() {
        let analyzers = Analyzers::new();
        let first = passage(
            Lang::Es,
            "El Artículo 6 tiene varios enfoques. Un ITMO es un resultado de mitigación transferido. \
             Los ITMO se autorizan por el país anfitrión.",
        );
        let second = passage(
            Lang::En,
            "Weather is nice. An ITMO needs a corresponding adjustment.",
        );
        let composed = compose(
            &analyzers,
            "ITMO autorizan",
            &[
                Quotable {
                    passage: &first,
                    cosine: 0.9,
                },
                Quotable {
                    passage: &second,
                    cosine: 0.8,
                },
            ],
        );
        assert_eq!(
            composed.text,
            "Un ITMO es un resultado de mitigación transferido. Los ITMO se autorizan por el país \
             anfitrión. [1] An ITMO needs a corresponding adjustment. [2]"
        );
        assert_eq!(composed.cited, [0, 1]);
    }

    #[test]
    fn the_best_passage_is_quoted_even_without_matching_words() {
        let analyzers = Analyzers::new();
        let only = passage(Lang::Pt, "Primeira frase. Segunda frase.");
        let composed = compose(
            &analyzers,
            "ajuste",
            &[Quotable {
                passage: &only,
                cosine: 0.85,
            }],
        );
        assert_eq!(composed.text, "Primeira frase. [1]");
        assert_eq!(composed.cited, [0]);
    }

    #[test]
    fn other_passages_need_a_matching_sentence() {
        let analyzers = Analyzers::new();
        let first = passage(Lang::En, "Corresponding adjustments avoid double counting.");
        let unrelated = passage(Lang::En, "Football is played by two teams.");
        let composed = compose(
            &analyzers,
            "corresponding adjustment",
            &[
                Quotable {
                    passage: &first,
                    cosine: 0.9,
                },
                Quotable {
                    passage: &unrelated,
                    cosine: 0.7,
                },
            ],
        );
        assert_eq!(composed.cited, [0]);
    }

    #[test]
    fn an_answer_quotes_a_few_sentences_however_many_match() {
        let analyzers = Analyzers::new();
        let texts: Vec<String> = (0..4)
            .map(|i| {
                format!(
                    "The initial report {i} comes first. The initial report lists metrics. \
                     The initial report names the method."
                )
            })
            .collect();
        let passages: Vec<Passage> = texts.iter().map(|t| passage(Lang::En, t)).collect();
        let quotable: Vec<Quotable<'_>> = passages
            .iter()
            .map(|passage| Quotable {
                passage,
                cosine: 0.9,
            })
            .collect();
        let composed = compose(&analyzers, "initial report", &quotable);
        assert_eq!(
            composed.text.matches("initial report").count(),
            MAX_SENTENCES
        );
        assert!(composed.cited.len() <= MAX_SENTENCES.div_ceil(MAX_PER_PASSAGE) + 1);
    }
}
