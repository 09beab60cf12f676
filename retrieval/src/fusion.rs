//! Reciprocal rank fusion of the two legs.
//!
//! BM25 scores and cosine similarities live on unrelated scales, so the legs are combined by rank
//! only: a passage scores `Σ weight / (k + rank)` over the legs that found it. A passage both legs
//! rank well beats one that a single leg ranks first, which is what makes hybrid search robust to
//! each leg's blind spots (synonyms for BM25, exact codes like "A6.4ER" for vectors). The weights
//! let the stronger leg lead: on this knowledge base the multilingual vectors are the better leg
//! alone, above all across languages, where BM25 finds little.

use std::collections::HashMap;

use crate::LegRank;

/// A passage's fused score and where each leg ranked it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fused {
    pub(crate) passage_id: String,
    pub(crate) score: f32,
    pub(crate) bm25: Option<LegRank>,
    pub(crate) dense: Option<LegRank>,
}

/// A passage id with its leg's score, in a leg's ranking (best first).
pub(crate) type Ranked = (String, f32);

/// How the two rankings are weighed against each other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FusionWeights {
    /// The `k` of `1 / (k + rank)`.
    pub(crate) k: f32,
    /// Weight of the BM25 leg.
    pub(crate) bm25: f32,
    /// Weight of the dense leg.
    pub(crate) dense: f32,
}

/// Fuses two rankings (best first, with their leg scores), best fused score first. Ties go to the
/// passage with the better single rank, then to the smaller id, so results are reproducible.
pub(crate) fn fuse(bm25: &[Ranked], dense: &[Ranked], weights: FusionWeights) -> Vec<Fused> {
    let mut by_id: HashMap<&str, Fused> = HashMap::new();
    let legs: [(&[Ranked], bool, f32); 2] =
        [(bm25, true, weights.bm25), (dense, false, weights.dense)];
    for (ranking, is_bm25, weight) in legs {
        for (index, (id, score)) in ranking.iter().enumerate() {
            let rank = LegRank {
                rank: index + 1,
                score: *score,
            };
            let fused = by_id.entry(id).or_insert_with(|| Fused {
                passage_id: id.clone(),
                score: 0.0,
                bm25: None,
                dense: None,
            });
            // A leg lists each passage once; should one repeat, its best rank counts.
            let slot = if is_bm25 {
                &mut fused.bm25
            } else {
                &mut fused.dense
            };
            if slot.is_none() {
                *slot = Some(rank);
                fused.score += weight / (weights.k + rank.rank as f32);
            }
        }
    }
    let mut fused: Vec<Fused> = by_id.into_values().collect();
    fused.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| best_rank(a).cmp(&best_rank(b)))
            .then_with(|| a.passage_id.cmp(&b.passage_id))
    });
    fused
}

fn best_rank(fused: &Fused) -> usize {
    [fused.bm25, fused.dense]
        .into_iter()
        .flatten()
        .map(|r| r.rank)
        .min()
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(ids: &[&str]) -> Vec<(String, f32)> {
        ids.iter()
            .enumerate()
            .map(|(i, id)| (id.to_string(), 10.0 - i as f32))
            .collect()
    }

    const EVEN: FusionWeights = FusionWeights {
        k: 60.0,
        bm25: 1.0,
        dense: 1.0,
    };

    #[test]
    fn agreement_beats_a_single_first_place() {
        let fused = fuse(&ranking(&["a", "b", "c"]), &ranking(&["d", "b", "a"]), EVEN);
        let order: Vec<&str> = fused.iter().map(|f| f.passage_id.as_str()).collect();
        assert_eq!(order, ["a", "b", "d", "c"]);
        assert!((fused[0].score - (1.0 / 61.0 + 1.0 / 63.0)).abs() < 1e-6);
        assert_eq!(fused[2].bm25, None);
        assert_eq!(fused[2].dense.map(|r| r.rank), Some(1));
    }

    #[test]
    fn the_heavier_leg_wins_a_split_decision() {
        let weights = FusionWeights { bm25: 0.5, ..EVEN };
        let fused = fuse(&ranking(&["a"]), &ranking(&["d"]), weights);
        assert_eq!(fused[0].passage_id, "d");
        assert!((fused[1].score - 0.5 / 61.0).abs() < 1e-6);
    }

    #[test]
    fn one_empty_leg_keeps_the_other_order() {
        let fused = fuse(&[], &ranking(&["x", "y"]), EVEN);
        let order: Vec<&str> = fused.iter().map(|f| f.passage_id.as_str()).collect();
        assert_eq!(order, ["x", "y"]);
    }
}
