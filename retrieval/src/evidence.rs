//! How strongly a retrieved passage supports answering the question, in [0, 1].
//!
//! Three signals, each weak alone:
//! - **dense**: the question–passage cosine, mapped linearly from
//!   [`RetrievalConfig::dense_floor`] (unrelated) to [`RetrievalConfig::dense_ceiling`] (same
//!   meaning). multilingual-e5-small puts almost every pair of texts above 0.7, so the raw cosine
//!   is useless as a probability; the calibrated range is what separates "football" from "ITMO".
//! - **lexical**: the share of the question's content words (stemmed in the passage's language)
//!   that the passage contains. High for same-language matches, near zero across languages.
//! - **agreement**: both legs rank the passage near the top. Independent methods agreeing is the
//!   strongest sign that the match is not an artefact of one of them.
//!
//! The weights favour the dense signal, the only one that works across languages.

use std::collections::HashSet;

use crate::RetrievalConfig;
use crate::retrieve::Candidate;

const DENSE_WEIGHT: f32 = 0.6;
const LEXICAL_WEIGHT: f32 = 0.25;
const AGREEMENT_WEIGHT: f32 = 0.15;
/// Both legs must rank a passage within this depth for it to count as agreement.
const AGREEMENT_DEPTH: usize = 10;

/// The evidence score of `candidate`, whose text covers `coverage` of the question's content words.
pub(crate) fn evidence(config: &RetrievalConfig, candidate: &Candidate, coverage: f32) -> f32 {
    let dense = candidate
        .cosine()
        .map_or(0.0, |cosine| config.dense_scale(cosine));
    let agreement = [candidate.bm25, candidate.dense]
        .iter()
        .all(|leg| leg.is_some_and(|r| r.rank <= AGREEMENT_DEPTH));
    let score = DENSE_WEIGHT * dense
        + LEXICAL_WEIGHT * coverage.clamp(0.0, 1.0)
        + if agreement { AGREEMENT_WEIGHT } else { 0.0 };
    score.clamp(0.0, 1.0)
}

/// The share of `question_terms` found in `passage_terms`; 0 when the question has none.
pub(crate) fn coverage(question_terms: &HashSet<String>, passage_terms: &HashSet<String>) -> f32 {
    if question_terms.is_empty() {
        return 0.0;
    }
    question_terms.intersection(passage_terms).count() as f32 / question_terms.len() as f32
}

#[cfg(test)]
mod tests {
    use consulta_corpus::Lang;

    use super::*;
    use crate::LegRank;
    use crate::test_support::bare_passage;

    fn candidate(cosine: Option<f32>, bm25_rank: Option<usize>) -> Candidate {
        Candidate {
            passage: bare_passage("00000000000000a1", Lang::Es, "x"),
            score: 0.0,
            bm25: bm25_rank.map(|rank| LegRank { rank, score: 5.0 }),
            dense: cosine.map(|score| LegRank { rank: 1, score }),
            question_cosine: None,
            rank_features: None,
        }
    }

    #[test]
    fn strong_agreeing_evidence_is_full() {
        let config = RetrievalConfig::default();
        let score = evidence(
            &config,
            &candidate(Some(config.dense_ceiling + 0.01), Some(1)),
            1.0,
        );
        assert!((score - 1.0).abs() < 1e-6, "{score}");
    }

    #[test]
    fn a_cosine_at_the_floor_counts_nothing() {
        let config = RetrievalConfig::default();
        assert_eq!(
            evidence(&config, &candidate(Some(config.dense_floor), None), 0.0),
            0.0
        );
        let midway = (config.dense_floor + config.dense_ceiling) / 2.0;
        let score = evidence(&config, &candidate(Some(midway), None), 0.0);
        assert!((score - DENSE_WEIGHT / 2.0).abs() < 1e-4, "{score}");
    }

    #[test]
    fn coverage_is_a_share_of_question_terms() {
        let question: HashSet<String> = ["itmo", "autoriz"].map(String::from).into();
        let passage: HashSet<String> = ["itmo", "pais", "transfer"].map(String::from).into();
        assert_eq!(coverage(&question, &passage), 0.5);
        assert_eq!(coverage(&HashSet::new(), &passage), 0.0);
    }
}
