//! Runs the gold questions through a live engine and collects per-question outcomes.

use serde::Serialize;

use consulta_retrieval::{AskOptions, Engine, Leg, RankedHit, SearchFilter, SearchOptions};

use crate::gold::{GoldQuestion, matches, missing_facts};
use crate::metrics::{ndcg_at, recall_at, reciprocal_rank_at};

/// How deep rankings are scored.
pub const DEPTH: usize = 10;

/// How deep the hybrid ranking is written out for fitting its weights: as deep as it re-scores.
pub const RANKING_DEPTH: usize = 50;

/// The three ways of ranking that are compared.
pub const LEGS: [Leg; 3] = [Leg::Bm25, Leg::Dense, Leg::Hybrid];

/// One answerable question's scores on one leg.
#[derive(Debug, Clone, Serialize)]
pub struct RankingOutcome {
    pub recall_1: f64,
    pub recall_5: f64,
    pub recall_10: f64,
    pub mrr_10: f64,
    pub ndcg_10: f64,
}

/// What happened to one gold question.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionOutcome {
    pub question: String,
    pub group: &'static str,
    pub must_escalate: bool,
    /// Written in new wording and kept out of threshold tuning.
    pub heldout: bool,
    /// The answer's confidence, which the threshold curve is computed from.
    pub confidence: f32,
    /// What the confidence is computed from, named by `consulta_retrieval::CONFIDENCE_FEATURES`:
    /// what `evals/tools/fit-confidence.py` fits the confidence on.
    pub confidence_features: Vec<f32>,
    /// Whether the text the composer wrote says every required fact, also when the question went
    /// to an expert instead (`None` without required facts or when nothing was composed; a
    /// must-escalate question is labelled `false`): the confidence's label.
    pub would_answer: Option<bool>,
    /// Whether the composer wrote an answer at all: a request only a person can answer, or a
    /// question no passage is quotable for, goes to an expert whatever its confidence.
    pub composed: bool,
    pub escalated: bool,
    /// What a person reads: the answer's sentences without citation markers (empty when the
    /// question escalated).
    pub shown: String,
    /// Whether the shown text says every fact the gold question requires; `None` when the
    /// question names none (must-escalate questions, unlabelled ones). An escalated answer
    /// answers nothing.
    pub answered: Option<bool>,
    /// The required facts the shown text lacks, to read failures.
    pub missing: Vec<String>,
    /// The shown text quotes passages in more than one language.
    pub mixed_language: bool,
    /// The shown text is in another language than the asker's, although the question is not
    /// cross-lingual: the language was misread or a translation was not used.
    pub other_language: bool,
    /// Scores per leg (`bm25`, `dense`, `hybrid`), for answerable questions only.
    pub rankings: Vec<(String, RankingOutcome)>,
    /// The document ids the hybrid leg returned, to read misses.
    pub hybrid_top: Vec<String>,
    /// The rank (from 1) of the first passage the hybrid leg returned whose text says every
    /// required fact; `None` when none of the first [`DEPTH`] does or the question names no facts.
    /// It tells a sentence-choice failure (the facts were retrieved, the shown text lacks them)
    /// from a retrieval or knowledge-base one.
    pub facts_rank: Option<usize>,
    /// Every sentence the composer weighed, labelled with the facts it says: what the sentence
    /// weights are fitted on (`evals/tools/fit-sentence-weights.py`). Written to
    /// `sentences.jsonl`, not to the outcomes file.
    #[serde(skip)]
    pub sentences: Vec<LabelledSentence>,
    /// The hybrid ranking's first [`RANKING_DEPTH`] passages, with their features and the gold
    /// labels each satisfies: what the ranking weights are fitted on
    /// (`evals/tools/fit-rank-weights.py`). Written to `rankings.jsonl`; empty for must-escalate
    /// questions.
    #[serde(skip)]
    pub ranked: Vec<LabelledPassage>,
    /// How many `relevant` labels the question has: what an ideal ranking satisfies.
    #[serde(skip)]
    pub relevant_labels: usize,
}

/// A passage the hybrid ranking scored for an answerable question, and which labels it satisfies.
#[derive(Debug, Clone, Serialize)]
pub struct LabelledPassage {
    /// Its document id, to read the file.
    pub doc: String,
    /// Its features, named by `consulta_retrieval::RANK_FEATURES`.
    pub features: Vec<f32>,
    /// The indexes of the question's `relevant` labels the passage satisfies.
    pub labels: Vec<usize>,
    /// Its text says every fact the question requires (`false` when it requires none): the
    /// passage an answer can be quoted from.
    pub says_facts: bool,
}

/// A sentence the composer weighed for a question with required facts, and whether it says them.
#[derive(Debug, Clone, Serialize)]
pub struct LabelledSentence {
    /// The sentence.
    pub text: String,
    /// Its features, named by `consulta_retrieval::SENTENCE_FEATURES`.
    pub features: Vec<f32>,
    /// It says every required fact.
    pub says_all: bool,
    /// It says at least one.
    pub says_any: bool,
}

/// Asks every question once (for confidence and escalation) and searches it on each leg.
pub fn evaluate(
    engine: &Engine,
    questions: &[GoldQuestion],
) -> anyhow::Result<Vec<QuestionOutcome>> {
    let mut outcomes = Vec::with_capacity(questions.len());
    for question in questions {
        let filter = answer_filter(question);
        let ask = AskOptions {
            filter: filter.clone(),
            ..AskOptions::default()
        };
        let explained = engine.explain(&question.q, &ask)?;
        // Only a question with required facts can label the sentences weighed.
        let sentences = if question.says.is_empty() {
            Vec::new()
        } else {
            explained
                .considered
                .into_iter()
                .map(|sentence| {
                    let missing = missing_facts(question, &sentence.text).len();
                    LabelledSentence {
                        says_all: missing == 0,
                        says_any: missing < question.says.len(),
                        features: sentence.features.to_vec(),
                        text: sentence.text,
                    }
                })
                .collect()
        };
        let composed = explained.would_show.is_some();
        let would_answer = if question.escalate {
            Some(false)
        } else {
            explained
                .would_show
                .filter(|_| !question.says.is_empty())
                .map(|text| missing_facts(question, &without_markers(&text)).is_empty())
        };
        let confidence_features = explained.confidence.values().to_vec();
        let answer = explained.answer;
        let shown = if answer.escalate {
            String::new()
        } else {
            without_markers(&answer.answer)
        };
        let missing: Vec<String> = missing_facts(question, &shown)
            .into_iter()
            .map(str::to_string)
            .collect();
        let answered =
            (!question.says.is_empty()).then_some(!answer.escalate && missing.is_empty());
        let mut languages: Vec<_> = answer.citations.iter().map(|c| c.lang).collect();
        languages.sort_unstable_by_key(|lang| lang.code());
        languages.dedup();
        let mixed_language = !answer.escalate && languages.len() > 1;
        let other_language = !answer.escalate
            && question.cross.is_none()
            && (answer.language != question.lang || !languages.contains(&question.lang));
        let mut rankings = Vec::new();
        let mut hybrid_top = Vec::new();
        let mut facts_rank = None;
        let mut labelled_ranking = Vec::new();
        if !question.escalate {
            for leg in LEGS {
                let options = SearchOptions {
                    leg,
                    k: if leg == Leg::Hybrid {
                        RANKING_DEPTH
                    } else {
                        DEPTH
                    },
                    filter: filter.clone(),
                    ..SearchOptions::default()
                };
                let mut explained = engine.explain_search(&question.q, &options)?;
                if leg == Leg::Hybrid {
                    labelled_ranking = explained.iter().map(|r| labelled(question, r)).collect();
                }
                explained.truncate(DEPTH);
                let hits: Vec<_> = explained.into_iter().map(|r| r.hit).collect();
                let ranked: Vec<(&str, &str)> = hits
                    .iter()
                    .map(|h| (h.passage.doc_id.as_str(), h.passage.section.as_str()))
                    .collect();
                if leg == Leg::Hybrid {
                    if !question.says.is_empty() {
                        facts_rank = hits
                            .iter()
                            .position(|h| missing_facts(question, &h.passage.text).is_empty())
                            .map(|rank| rank + 1);
                    }
                    hybrid_top = ranked
                        .iter()
                        .take(5)
                        .map(|(doc, _)| doc.to_string())
                        .collect();
                }
                rankings.push((leg.name().to_string(), score(question, &ranked)));
            }
        }
        outcomes.push(QuestionOutcome {
            question: question.q.clone(),
            group: question.group(),
            must_escalate: question.escalate,
            heldout: question.heldout,
            confidence: answer.confidence,
            confidence_features,
            would_answer,
            composed,
            escalated: answer.escalate,
            shown,
            answered,
            missing: if answered == Some(true) {
                Vec::new()
            } else {
                missing
            },
            mixed_language,
            other_language,
            rankings,
            hybrid_top,
            facts_rank,
            sentences,
            ranked: labelled_ranking,
            relevant_labels: question.relevant.len(),
        });
    }
    Ok(outcomes)
}

/// `ranked` with the indexes of `question`'s labels it satisfies.
fn labelled(question: &GoldQuestion, ranked: &RankedHit) -> LabelledPassage {
    let passage = &ranked.hit.passage;
    LabelledPassage {
        doc: passage.doc_id.clone(),
        features: ranked.features.map(|f| f.to_vec()).unwrap_or_default(),
        labels: question
            .relevant
            .iter()
            .enumerate()
            .filter(|(_, label)| matches(label, &passage.doc_id, &passage.section))
            .map(|(index, _)| index)
            .collect(),
        says_facts: !question.says.is_empty() && missing_facts(question, &passage.text).is_empty(),
    }
}

/// Which passages may rank for and answer `question`: all of them, or for a cross-lingual question
/// only those in the language its answer is read in. Its other language versions cannot be left out
/// after the search, which lets an FAQ entry in the asker's language stand for all its translations.
fn answer_filter(question: &GoldQuestion) -> SearchFilter {
    SearchFilter {
        langs: question.cross.into_iter().collect(),
        ..SearchFilter::default()
    }
}

/// `text` without the citation markers (`[1]`, `[12]`) the answer puts after each quoted passage.
pub fn without_markers(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(']') {
            shown.push_str(rest[..open].trim_end());
            rest = &after[digits + 1..];
        } else {
            shown.push_str(&rest[..=open]);
            rest = after;
        }
    }
    shown.push_str(rest);
    shown.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Marks each rank that satisfies a label not already satisfied higher up, then scores the ranking.
fn score(question: &GoldQuestion, ranked: &[(&str, &str)]) -> RankingOutcome {
    let mut satisfied = vec![false; question.relevant.len()];
    let hits: Vec<bool> = ranked
        .iter()
        .map(|(doc, section)| {
            let newly = question
                .relevant
                .iter()
                .enumerate()
                .find(|(i, label)| !satisfied[*i] && matches(label, doc, section));
            newly.map(|(i, _)| satisfied[i] = true).is_some()
        })
        .collect();
    RankingOutcome {
        recall_1: recall_at(&hits, 1),
        recall_5: recall_at(&hits, 5),
        recall_10: recall_at(&hits, 10),
        mrr_10: reciprocal_rank_at(&hits, DEPTH),
        ndcg_10: ndcg_at(&hits, question.relevant.len(), DEPTH),
    }
}

#[cfg(test)]
mod tests {
    use consulta_corpus::Lang;

    use super::*;

    #[test]
    fn only_cross_lingual_questions_are_limited_to_their_answer_language() {
        let mut question = GoldQuestion {
            q: "¿Desde cuándo rige el acuerdo con Dominica?".into(),
            lang: Lang::Es,
            relevant: vec!["faq:a62-dominica-switzerland".into()],
            escalate: false,
            cross: None,
            note: None,
            says: Vec::new(),
            heldout: false,
            file: std::path::PathBuf::new(),
        };
        assert!(answer_filter(&question).is_empty());
        question.cross = Some(Lang::En);
        assert_eq!(answer_filter(&question).langs, [Lang::En]);
    }

    #[test]
    fn a_ranked_passage_is_labelled_with_every_label_it_satisfies_and_the_facts() {
        let question = GoldQuestion {
            q: "¿Qué debe decir una autorización?".into(),
            lang: Lang::Es,
            relevant: vec![
                "faq:a62-authorization-content".into(),
                "guide:authorization#contenido".into(),
                "guide:authorization".into(),
            ],
            escalate: false,
            cross: None,
            note: None,
            says: vec!["uso autorizado".into()],
            heldout: false,
            file: std::path::PathBuf::new(),
        };
        let ranked = |doc_id: &str, section: &str, text: &str| RankedHit {
            hit: consulta_retrieval::Hit {
                passage: consulta_corpus::Passage {
                    id: "p".into(),
                    doc_id: doc_id.into(),
                    kind: consulta_corpus::PassageKind::Guide,
                    lang: Lang::Es,
                    title: "Autorización".into(),
                    section: section.into(),
                    source: String::new(),
                    source_url: None,
                    valid_as_of: None,
                    tags: Vec::new(),
                    countries: Vec::new(),
                    text: text.into(),
                    origin: String::new(),
                },
                score: 1.0,
                bm25: None,
                dense: None,
            },
            features: Some([0.5; consulta_retrieval::RANK_FEATURES.len()]),
        };
        let section = labelled(
            &question,
            &ranked(
                "guide:authorization",
                "Autorización > Contenido",
                "Dice el uso autorizado.",
            ),
        );
        assert_eq!(section.labels, [1, 2]);
        assert!(section.says_facts);
        assert_eq!(
            section.features.len(),
            consulta_retrieval::RANK_FEATURES.len()
        );
        let other = labelled(
            &question,
            &ranked("faq:a62-itmo-definition", "", "Otra cosa."),
        );
        assert!(other.labels.is_empty());
        assert!(!other.says_facts);
    }

    #[test]
    fn markers_are_removed_and_other_brackets_kept() {
        assert_eq!(
            without_markers("Lo aplica la Parte. [1] Antes del 15 de abril [a]. [12]"),
            "Lo aplica la Parte. Antes del 15 de abril [a]."
        );
    }
}
