//! How likely the shown text is to answer the question: a logistic model over what is known once
//! an answer is composed.
//!
//! The confidence is a probability, not a score: `escalate_below` is the chance of answering under
//! which a person should answer instead. The weights are not set by hand. `consulta eval` writes
//! every gold question's [`ConfidenceFeatures`] to `questions.json` with whether the composed text
//! says the gold facts (must-escalate questions count as not answered), and
//! `evals/tools/fit-confidence.py` fits them on the tuning gold sets and picks `escalate_below` on
//! the held-out ones. Refit when the features, the composer or the knowledge base change.

use serde::Serialize;

/// The names of the confidence features, in the order [`ConfidenceFeatures::values`] lists them.
pub const CONFIDENCE_FEATURES: [&str; 15] = [
    "evidence",
    "runner_up",
    "shown_coverage",
    "type_answered",
    "lead_likelihood",
    "lead_closeness",
    "entry_question",
    "unknown_name",
    "other_language",
    "present",
    "own",
    "future",
    "names_party",
    "already",
    "figures",
];

/// What is known about an answer when it is composed, each in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ConfidenceFeatures {
    /// How strongly the best passage supports an answer ([`crate::evidence`]).
    pub evidence: f32,
    /// The second-best passage's evidence as a share of the best's: a question that several
    /// passages fit about equally is often one none of them answers.
    pub runner_up: f32,
    /// The weighted share of the question's terms the shown sentences contain; 0 when quoted from
    /// another language, where the asker's words cannot be found.
    pub shown_coverage: f32,
    /// 1 when a shown sentence has the kind of fact the question's type asks for.
    pub type_answered: f32,
    /// The leading sentence's share of the candidates' softmax weight: how sure the composer is
    /// of its choice.
    pub lead_likelihood: f32,
    /// The leading sentence's closeness in meaning to the question, mapped from the dense floor
    /// (unrelated) to the ceiling (same meaning).
    pub lead_closeness: f32,
    /// The closest quotable FAQ entry's own question to the asker's, mapped the same way; 0
    /// without one.
    pub entry_question: f32,
    /// 1 when the question names a Party or body no passage found mentions.
    pub unknown_name: f32,
    /// 1 when the answer is quoted from passages in another language than the asker's.
    pub other_language: f32,
    /// 1 when the question has words of the present or the recent past: the state of things,
    /// which guidance holds only as of its date.
    pub present: f32,
    /// 1 when it speaks of the asker's own things or group: one asker's case.
    pub own: f32,
    /// 1 when it speaks of the future: what is not decided yet.
    pub future: f32,
    /// 1 when it names a Party, body or company.
    pub names_party: f32,
    /// 1 when it asks whether something has happened already.
    pub already: f32,
    /// 1 when it asks for prices, values or counts.
    pub figures: f32,
}

/// The fitted weights, in the order of [`CONFIDENCE_FEATURES`], and the intercept.
const WEIGHTS: [f32; CONFIDENCE_FEATURES.len()] = [0.0; CONFIDENCE_FEATURES.len()];
const INTERCEPT: f32 = 0.0;

impl ConfidenceFeatures {
    /// The features as a list, in the order of [`CONFIDENCE_FEATURES`]: what the fitting script
    /// reads.
    pub fn values(&self) -> [f32; CONFIDENCE_FEATURES.len()] {
        [
            self.evidence,
            self.runner_up,
            self.shown_coverage,
            self.type_answered,
            self.lead_likelihood,
            self.lead_closeness,
            self.entry_question,
            self.unknown_name,
            self.other_language,
            self.present,
            self.own,
            self.future,
            self.names_party,
            self.already,
            self.figures,
        ]
    }

    /// The chance that the shown text answers the question, in (0, 1).
    pub(crate) fn probability(&self) -> f32 {
        let logit: f32 = INTERCEPT
            + self
                .values()
                .iter()
                .zip(WEIGHTS)
                .map(|(value, weight)| value * weight)
                .sum::<f32>();
        1.0 / (1.0 + (-logit).exp())
    }
}
