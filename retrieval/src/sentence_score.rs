//! How well one candidate sentence answers the question: a weighted sum of what is known about the
//! sentence and the passage it comes from.
//!
//! The weights are not set by hand. `consulta eval` writes every candidate sentence's
//! [`SentenceFeatures`] with whether it says the gold facts (`sentences.jsonl` in its reports
//! directory), and
//! `evals/tools/fit-sentence-weights.py` fits them as a listwise logistic model (the sentence that
//! says the facts should win within its question) on the tuning gold sets; the held-out sets judge
//! the result. Refit when the features, the model or the knowledge base's style change.

use serde::Serialize;

use crate::Answer;
use crate::confidence::ConfidenceFeatures;

/// An answer with what the composer weighed to write it, from [`crate::Engine::explain`].
#[derive(Debug, Clone)]
pub struct Explained {
    /// The answer [`crate::Engine::ask`] gives.
    pub answer: Answer,
    /// Every sentence the composer could quote, best first; empty when it quoted nothing (the
    /// question went to an expert before any sentence was weighed).
    pub considered: Vec<ConsideredSentence>,
    /// What the answer's confidence is computed from.
    pub confidence: ConfidenceFeatures,
    /// The text the composer wrote, with its citation markers, also when the question went to an
    /// expert instead: what the eval labels the confidence with.
    pub would_show: Option<String>,
}

/// One sentence the composer could have quoted, and what its score was made of.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsideredSentence {
    /// The sentence as it would be shown.
    pub text: String,
    /// Its features, in the order of [`SENTENCE_FEATURES`].
    pub features: [f32; SENTENCE_FEATURES.len()],
}

/// The names of the sentence features, in the order [`ConsideredSentence::features`] lists them.
pub const SENTENCE_FEATURES: [&str; 15] = [
    "coverage",
    "type_fit",
    "closeness",
    "closeness_gap",
    "first_passage",
    "second_passage",
    "third_passage",
    "entry_opening",
    "entry_second",
    "section_opening",
    "matched_opening",
    "question_closeness",
    "question_gap",
    "evidence_share",
    "leans",
];

/// What is known about one candidate sentence, each in a range the weights expect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct SentenceFeatures {
    /// The weighted share of the question's terms the sentence contains, in [0, 1].
    pub(crate) coverage: f32,
    /// 1 when the sentence has the kind of fact the question's type asks for (a date for "when").
    pub(crate) type_fit: f32,
    /// The sentence's closeness in meaning to the question, scaled to [0, 1] among the candidates.
    pub(crate) closeness: f32,
    /// Its cosine minus the closest candidate's (≤ 0); [`UNKNOWN_GAP`] when it has no vector.
    pub(crate) closeness_gap: f32,
    /// 1 for sentences of retrieval's first quotable passage.
    pub(crate) first_passage: f32,
    /// 1 for sentences of the second.
    pub(crate) second_passage: f32,
    /// 1 for sentences of the third.
    pub(crate) third_passage: f32,
    /// 1 for the first sentence of an FAQ or curated entry, which is written to carry the answer.
    pub(crate) entry_opening: f32,
    /// 1 for the second sentence of an entry, which usually completes the first.
    pub(crate) entry_second: f32,
    /// 1 for the first sentence of a guide section.
    pub(crate) section_opening: f32,
    /// 1 for an entry's opening when the entry's own question matches the asker's.
    pub(crate) matched_opening: f32,
    /// The closeness of the passage's own question (FAQ entries) to the asker's, scaled to [0, 1]
    /// among the candidate passages; 0 for passages without one.
    pub(crate) question_closeness: f32,
    /// That cosine minus the closest entry question's (≤ 0); [`UNKNOWN_GAP`] without one.
    pub(crate) question_gap: f32,
    /// The passage's evidence as a share of the best passage's, in [0, 1].
    pub(crate) evidence_share: f32,
    /// 1 when the sentence leans on the one before it (it is shown with it).
    pub(crate) leans: f32,
}

/// The gap recorded for a sentence or passage that has no vector to compare: a little below the
/// closest, so that it neither wins nor is ruled out by it.
pub(crate) const UNKNOWN_GAP: f32 = -0.1;

/// The fitted weights, in the order of [`SentenceFeatures`]'s fields.
///
/// Fitted on the tuning gold sets (340 questions with facts, 176 held out; 2026-12-06): the
/// first-ranked sentence says the facts for 0.60 of tuning and 0.53 of held-out questions (about
/// 0.51 and 0.44 with the hand-set weights before), one of the first three for 0.84 and 0.82. A
/// guide section's opening sentence was fitted at -0.00: it neither helps nor hurts, and ties
/// keep the passage's own order.
const WEIGHTS: SentenceFeatures = SentenceFeatures {
    coverage: 2.08,
    type_fit: 0.79,
    closeness: 2.30,
    closeness_gap: 0.53,
    first_passage: 1.31,
    second_passage: 0.52,
    third_passage: 0.07,
    entry_opening: 0.30,
    entry_second: 0.51,
    section_opening: 0.02,
    matched_opening: 0.32,
    question_closeness: 0.41,
    question_gap: -0.12,
    evidence_share: 0.67,
    leans: 0.75,
};

impl SentenceFeatures {
    /// The features as a list, in field order: what the fitting script reads.
    pub(crate) fn values(&self) -> [f32; SENTENCE_FEATURES.len()] {
        [
            self.coverage,
            self.type_fit,
            self.closeness,
            self.closeness_gap,
            self.first_passage,
            self.second_passage,
            self.third_passage,
            self.entry_opening,
            self.entry_second,
            self.section_opening,
            self.matched_opening,
            self.question_closeness,
            self.question_gap,
            self.evidence_share,
            self.leans,
        ]
    }

    /// The sentence's score: higher answers better.
    pub(crate) fn score(&self) -> f32 {
        self.values()
            .iter()
            .zip(WEIGHTS.values())
            .map(|(value, weight)| value * weight)
            .sum()
    }
}
