//! The hybrid ranking's last step: each fused passage is re-scored by a weighted sum of what the
//! two legs said about it, and the passages are ordered by that score.
//!
//! Reciprocal rank fusion sees only ranks. It cannot tell a BM25 first place that matched every
//! rare word of the question from one that matched a shared acronym, nor a dense first place far
//! ahead of the rest from one in a crowd; and it weighs BM25 the same whether the passage is in
//! the question's language (where the question's words can match) or in another (where only
//! names and codes can). The features below say those things, and the fused score stays one of
//! them, so the type-mismatch penalty, the translations of FAQ entries and the asker's-language
//! preferences still count.
//!
//! The weights are not set by hand. `consulta eval` writes every hybrid candidate's
//! [`RankFeatures`] with the gold labels it satisfies (`rankings.jsonl` in its reports
//! directory), and `evals/tools/fit-rank-weights.py` fits them as a listwise logistic model (a
//! passage that satisfies a gold label should win within its question) on the tuning gold sets;
//! the held-out sets judge the result. Refit when the features, the legs or the knowledge base
//! change.

use serde::Serialize;

use crate::Hit;

/// A search result with what the hybrid ranking scored it on, from [`crate::Engine::explain_search`].
#[derive(Debug, Clone)]
pub struct RankedHit {
    /// The result [`crate::Engine::search`] gives.
    pub hit: Hit,
    /// Its features, in the order of [`RANK_FEATURES`]; `None` for a single leg's results.
    pub features: Option<[f32; RANK_FEATURES.len()]>,
}

/// The names of the ranking features, in the order [`RankFeatures::values`] lists them.
pub const RANK_FEATURES: [&str; 15] = [
    "fused",
    "bm25_reciprocal_same_language",
    "bm25_reciprocal_other_language",
    "dense_reciprocal",
    "bm25_share_same_language",
    "bm25_share_other_language",
    "bm25_strength",
    "cosine",
    "cosine_gap",
    "same_language",
    "faq",
    "found_by_bm25",
    "found_by_dense",
    "dense_reciprocal_across_languages",
    "bm25_share_across_languages",
];

/// The cosine recorded for a passage the dense leg did not reach: below everything it ranked.
const UNREACHED_COSINE: f32 = 0.7;

/// The gap to the best cosine recorded for a passage the dense leg did not reach.
const UNREACHED_GAP: f32 = 0.3;

/// The BM25 score at which a match counts as fully strong: the best matches of a question's rare
/// words score about this on the bundled knowledge base, and higher scores only mean longer
/// questions.
const STRONG_BM25: f32 = 40.0;

/// What is known about one fused passage, each in a range the weights expect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct RankFeatures {
    /// The fused score (after the type penalty and the language preferences) as a share of the
    /// best candidate's, in [0, 1].
    pub(crate) fused: f32,
    /// `1 / (k + rank)` in the BM25 leg, for a passage in the question's language; else 0.
    pub(crate) bm25_reciprocal_same_language: f32,
    /// The same for a passage in another language, where BM25 matches only shared names and codes.
    pub(crate) bm25_reciprocal_other_language: f32,
    /// `1 / (k + rank)` in the dense leg; 0 when it did not reach the passage.
    pub(crate) dense_reciprocal: f32,
    /// The BM25 score as a share of the best candidate's, for a passage in the question's language.
    pub(crate) bm25_share_same_language: f32,
    /// The same for a passage in another language.
    pub(crate) bm25_share_other_language: f32,
    /// The BM25 score over [`STRONG_BM25`], at most 1: how much of the question matched at all.
    pub(crate) bm25_strength: f32,
    /// The cosine similarity to the question (of the passage or of its entry's question);
    /// [`UNREACHED_COSINE`] when the dense leg did not reach it.
    pub(crate) cosine: f32,
    /// The best candidate's cosine minus this one's (≥ 0); [`UNREACHED_GAP`] when unreached.
    pub(crate) cosine_gap: f32,
    /// 1 for a passage in the question's language (an FAQ entry's translation counts).
    pub(crate) same_language: f32,
    /// 1 for an FAQ entry, written to answer one question, against a guide section or a
    /// curated answer.
    pub(crate) faq: f32,
    /// 1 when the BM25 leg found the passage.
    pub(crate) found_by_bm25: f32,
    /// 1 when the dense leg found it.
    pub(crate) found_by_dense: f32,
    /// [`Self::dense_reciprocal`] when no candidate is in the question's language (a search limited
    /// to other languages), where only the vectors can match meaning; else 0.
    pub(crate) dense_reciprocal_across_languages: f32,
    /// The BM25 share under the same condition; else 0.
    pub(crate) bm25_share_across_languages: f32,
}

/// The fitted weights, in the order of [`RankFeatures`]'s fields.
///
/// Fitted on the tuning gold sets (386 questions; 2026-12-07), the first label weighing 1 and the
/// others 0.1. On the gold sets of that day (428 tuning questions) hybrid nDCG@10 went from 0.840
/// / 0.783 / 0.804 (es / pt / en, fused order alone) to 0.865 / 0.836 / 0.828, and the share of
/// questions whose first five passages say the facts from 0.942 to 0.965. The fused score keeps the largest weight; a
/// strong BM25 match in the question's language comes next, and in a search limited to other
/// languages the dense leg's place counts most. With the others at 0.2 nDCG rose further (pt
/// 0.830) but fewer Portuguese questions were answered (0.626 against 0.641).
const WEIGHTS: RankFeatures = RankFeatures {
    fused: 3.84,
    bm25_reciprocal_same_language: 0.19,
    bm25_reciprocal_other_language: 0.24,
    dense_reciprocal: 0.85,
    bm25_share_same_language: 1.93,
    bm25_share_other_language: 0.70,
    bm25_strength: 2.89,
    cosine: 0.74,
    cosine_gap: -0.80,
    same_language: 0.03,
    faq: 0.83,
    found_by_bm25: -0.20,
    found_by_dense: 0.46,
    dense_reciprocal_across_languages: 1.50,
    bm25_share_across_languages: 0.71,
};

/// What a candidate brings to its features: its fused score, language, kind and each leg's
/// place and score.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fusion {
    pub(crate) fused: f32,
    pub(crate) same_language: bool,
    pub(crate) faq: bool,
    /// Rank (from 1) and BM25 score, when the BM25 leg found it.
    pub(crate) bm25: Option<(usize, f32)>,
    /// Rank (from 1) and cosine, when the dense leg found it.
    pub(crate) dense: Option<(usize, f32)>,
}

/// The features of every candidate in `fusions`, each relative to the best among them; `k` is
/// the reciprocal rank fusion's.
pub(crate) fn rank_features(fusions: &[Fusion], k: f32) -> Vec<RankFeatures> {
    let best = |value: fn(&Fusion) -> Option<f32>| {
        fusions
            .iter()
            .filter_map(value)
            .fold(None, |best: Option<f32>, v| {
                Some(best.map_or(v, |b| b.max(v)))
            })
    };
    let best_fused = best(|f| Some(f.fused)).filter(|v| *v > 0.0);
    let best_bm25 = best(|f| f.bm25.map(|(_, score)| score)).filter(|v| *v > 0.0);
    let best_cosine = best(|f| f.dense.map(|(_, cosine)| cosine));
    let across_languages = !fusions.iter().any(|f| f.same_language);
    fusions
        .iter()
        .map(|f| {
            let flag = |on: bool| if on { 1.0 } else { 0.0 };
            let same = flag(f.same_language);
            let across = flag(across_languages);
            let bm25_reciprocal = f.bm25.map_or(0.0, |(rank, _)| 1.0 / (k + rank as f32));
            let bm25_share = match (f.bm25, best_bm25) {
                (Some((_, score)), Some(best)) => score / best,
                _ => 0.0,
            };
            let dense_reciprocal = f.dense.map_or(0.0, |(rank, _)| 1.0 / (k + rank as f32));
            let (cosine, cosine_gap) = match (f.dense, best_cosine) {
                (Some((_, cosine)), Some(best)) => (cosine, best - cosine),
                _ => (UNREACHED_COSINE, UNREACHED_GAP),
            };
            RankFeatures {
                fused: best_fused.map_or(0.0, |best| f.fused / best),
                bm25_reciprocal_same_language: bm25_reciprocal * same,
                bm25_reciprocal_other_language: bm25_reciprocal * (1.0 - same),
                dense_reciprocal,
                bm25_share_same_language: bm25_share * same,
                bm25_share_other_language: bm25_share * (1.0 - same),
                bm25_strength: f
                    .bm25
                    .map_or(0.0, |(_, score)| (score / STRONG_BM25).min(1.0)),
                cosine,
                cosine_gap,
                same_language: same,
                faq: flag(f.faq),
                found_by_bm25: flag(f.bm25.is_some()),
                found_by_dense: flag(f.dense.is_some()),
                dense_reciprocal_across_languages: dense_reciprocal * across,
                bm25_share_across_languages: bm25_share * across,
            }
        })
        .collect()
}

impl RankFeatures {
    /// The features as a list, in field order: what the fitting script reads.
    pub(crate) fn values(&self) -> [f32; RANK_FEATURES.len()] {
        [
            self.fused,
            self.bm25_reciprocal_same_language,
            self.bm25_reciprocal_other_language,
            self.dense_reciprocal,
            self.bm25_share_same_language,
            self.bm25_share_other_language,
            self.bm25_strength,
            self.cosine,
            self.cosine_gap,
            self.same_language,
            self.faq,
            self.found_by_bm25,
            self.found_by_dense,
            self.dense_reciprocal_across_languages,
            self.bm25_share_across_languages,
        ]
    }

    /// The passage's ranking score: higher ranks first.
    pub(crate) fn score(&self) -> f32 {
        self.values()
            .iter()
            .zip(WEIGHTS.values())
            .map(|(value, weight)| value * weight)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fusion(fused: f32, same_language: bool, bm25: Option<(usize, f32)>) -> Fusion {
        Fusion {
            fused,
            same_language,
            faq: true,
            bm25,
            dense: Some((1, 0.9)),
        }
    }

    #[test]
    fn features_are_relative_to_the_best_candidate_and_split_by_language() {
        let features = rank_features(
            &[
                fusion(0.4, true, Some((1, 20.0))),
                fusion(0.2, false, Some((2, 10.0))),
            ],
            2.0,
        );
        assert_eq!(features[0].fused, 1.0);
        assert_eq!(features[1].fused, 0.5);
        assert_eq!(features[0].bm25_share_same_language, 1.0);
        assert_eq!(features[0].bm25_share_other_language, 0.0);
        assert_eq!(features[1].bm25_share_other_language, 0.5);
        assert_eq!(features[1].bm25_reciprocal_other_language, 0.25);
        assert_eq!(features[0].bm25_strength, 0.5);
        assert_eq!(features[0].dense_reciprocal_across_languages, 0.0);
    }

    #[test]
    fn a_search_in_other_languages_only_marks_every_candidate_as_across() {
        let features = rank_features(&[fusion(0.3, false, None)], 2.0);
        assert_eq!(features[0].dense_reciprocal_across_languages, 1.0 / 3.0);
        assert_eq!(features[0].found_by_bm25, 0.0);
        assert_eq!(features[0].bm25_share_across_languages, 0.0);
    }
}
