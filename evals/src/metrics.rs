//! Ranking metrics over one question's results, given which ranks are relevant.
//!
//! `hits[i]` says whether the result at rank `i + 1` satisfies a label that no higher-ranked result
//! already satisfied (a second passage of the same document earns nothing), so each metric rewards
//! finding *different* answers, not the same one twice.

/// 1 when a relevant result is within the first `k`, else 0 (averaged over questions it is the share of
/// questions answered within `k`, which is what a practitioner reading the first `k` citations sees).
pub fn recall_at(hits: &[bool], k: usize) -> f64 {
    f64::from(u8::from(hits.iter().take(k).any(|&h| h)))
}

/// 1 / rank of the first relevant result within `k`, 0 when there is none.
pub fn reciprocal_rank_at(hits: &[bool], k: usize) -> f64 {
    hits.iter()
        .take(k)
        .position(|&h| h)
        .map_or(0.0, |rank| 1.0 / (rank as f64 + 1.0))
}

/// Normalised discounted cumulative gain with binary gains; the ideal ranking puts all `relevant`
/// labels (at most `k`) first.
pub fn ndcg_at(hits: &[bool], relevant: usize, k: usize) -> f64 {
    let gain = |rank: usize| 1.0 / (rank as f64 + 2.0).log2();
    let dcg: f64 = hits
        .iter()
        .take(k)
        .enumerate()
        .filter(|(_, h)| **h)
        .map(|(rank, _)| gain(rank))
        .sum();
    let ideal: f64 = (0..relevant.min(k)).map(gain).sum();
    if ideal == 0.0 { 0.0 } else { dcg / ideal }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_empty_rankings() {
        let perfect = [true, true, false];
        assert_eq!(ndcg_at(&perfect, 2, 10), 1.0);
        assert_eq!(recall_at(&perfect, 1), 1.0);
        assert_eq!(reciprocal_rank_at(&[false; 10], 10), 0.0);
        assert_eq!(ndcg_at(&[false; 10], 1, 10), 0.0);
    }

    #[test]
    fn results_past_k_do_not_count() {
        let late = [false, false, true];
        assert_eq!(recall_at(&late, 2), 0.0);
        assert_eq!(reciprocal_rank_at(&late, 2), 0.0);
        assert_eq!(reciprocal_rank_at(&late, 3), 1.0 / 3.0);
    }
}
