//! Synthetic points: deterministic, clustered 16-d vectors with Consulta payloads.

use consulta_corpus::{Lang, PassageKind};
use consulta_retrieval::{PointPayload, VectorPoint};

/// Small vectors keep the tests fast; the stores do not care about the dimension.
pub const DIMENSION: usize = 16;

/// Point `i`: one of 8 directions plus a little of its own, normalised, in es/pt/en in turn.
pub fn point(i: usize) -> VectorPoint {
    let mut vector: Vec<f32> = (0..DIMENSION)
        .map(|d| {
            let base = if d == i % 8 { 1.0 } else { 0.0 };
            let own = ((i * 31 + d * 17) % 97) as f32 / 970.0;
            base + own
        })
        .collect();
    let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
    vector.iter_mut().for_each(|v| *v /= norm);
    VectorPoint {
        vector,
        payload: PointPayload {
            passage_id: format!("{:016x}", i + 1),
            doc_id: format!("faq:topic-{}", i / 3),
            lang: [Lang::Es, Lang::Pt, Lang::En][i % 3],
            kind: if i.is_multiple_of(10) {
                PassageKind::Curated
            } else {
                PassageKind::Faq
            },
            tags: vec![format!("tag-{}", i % 4)],
            content_hash: format!("hash-{i}"),
        },
    }
}

/// Points `0..n`.
pub fn points(n: usize) -> Vec<VectorPoint> {
    (0..n).map(point).collect()
}
