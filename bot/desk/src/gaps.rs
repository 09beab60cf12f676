//! Clustering of similar questions for the coverage-gap report: what people keep asking that the
//! knowledge base cannot answer well is the list of guide sections worth writing next.

/// Groups vectors by cosine similarity, greedily: each vector joins the cluster whose centroid it is
/// most similar to when that similarity reaches `threshold`, and otherwise starts a cluster. Returns
/// clusters as indices into `vectors`, largest first (ties: the cluster started earlier first).
///
/// Greedy single-pass clustering is order-dependent, but it is linear in clusters per vector and needs
/// no cluster count; for a report over a few hundred unanswered questions that is the right trade.
///
/// ```
/// use consulta_desk::cluster;
///
/// let vectors = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.99, 0.1]];
/// assert_eq!(cluster(&vectors, 0.9), vec![vec![0, 2], vec![1]]);
/// ```
pub fn cluster(vectors: &[Vec<f32>], threshold: f32) -> Vec<Vec<usize>> {
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut sums: Vec<Vec<f32>> = Vec::new();
    for (index, vector) in vectors.iter().enumerate() {
        let unit = normalised(vector);
        let best = sums
            .iter()
            .map(|sum| dot(&normalised(sum), &unit))
            .enumerate()
            .filter(|&(_, similarity)| similarity >= threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((c, _)) => {
                members[c].push(index);
                for (s, u) in sums[c].iter_mut().zip(&unit) {
                    *s += u;
                }
            }
            None => {
                members.push(vec![index]);
                sums.push(unit);
            }
        }
    }
    // Stable sort keeps earlier clusters first among equals.
    members.sort_by_key(|m| std::cmp::Reverse(m.len()));
    members
}

/// The vector scaled to length 1 (the zero vector stays zero and matches nothing).
pub(crate) fn normalised(vector: &[f32]) -> Vec<f32> {
    let norm = dot(vector, vector).sqrt();
    if norm == 0.0 {
        return vector.to_vec();
    }
    vector.iter().map(|x| x / norm).collect()
}

pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_the_most_similar_cluster_and_orders_by_size() {
        let v = |x: f32, y: f32, z: f32| vec![x, y, z];
        let vectors = vec![
            v(1.0, 0.0, 0.0),
            v(0.0, 1.0, 0.0),
            v(0.0, 0.95, 0.1),
            v(0.0, 0.9, 0.2),
            v(0.0, 0.0, 1.0),
        ];
        let clusters = cluster(&vectors, 0.9);
        assert_eq!(clusters, vec![vec![1, 2, 3], vec![0], vec![4]]);
        assert_eq!(cluster(&vectors, 1.01).len(), 5);
        assert_eq!(cluster(&[], 0.5), Vec::<Vec<usize>>::new());
    }
}
