//! What the integration tests share: the installed model, the reference fixture, comparisons.
//!
//! The model is not optional here: without it the tests fail with the error that says how to
//! install it (CI runs `deploy/fetch-models.sh` first).

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::path::PathBuf;
use std::sync::OnceLock;

use consulta_models::{E5Embedder, Role, default_model_dir};
use serde::Deserialize;

/// The reference embeddings computed by PyTorch sentence-transformers from the same weights.
#[derive(Debug, Deserialize)]
pub struct Fixture {
    /// Texts with their e5 prefixes already applied.
    pub texts: Vec<String>,
    /// Token ids the reference tokenizer produced for each text.
    pub input_ids: Vec<Vec<u32>>,
    /// The reference vectors.
    pub embeddings: Vec<Vec<f32>>,
}

impl Fixture {
    /// Each text split into its role and the text without prefix, as callers pass it.
    pub fn cases(&self) -> Vec<(Role, &str)> {
        self.texts.iter().map(|text| split_role(text)).collect()
    }
}

/// The largest difference allowed between our vectors and PyTorch's.
pub const TOLERANCE: f32 = 1e-5;

fn split_role(text: &str) -> (Role, &str) {
    if let Some(body) = text.strip_prefix(Role::Query.prefix()) {
        (Role::Query, body)
    } else if let Some(body) = text.strip_prefix(Role::Passage.prefix()) {
        (Role::Passage, body)
    } else {
        panic!("fixture text without an e5 prefix: {text:?}")
    }
}

/// `$CONSULTA_MODEL_DIR` or the default install location.
pub fn model_dir() -> PathBuf {
    default_model_dir()
}

/// The installed model, loaded once per test binary.
pub fn embedder() -> &'static E5Embedder {
    static EMBEDDER: OnceLock<E5Embedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| match E5Embedder::load(&model_dir()) {
        Ok(embedder) => embedder,
        Err(err) => panic!("the embedding model must be installed for these tests: {err}"),
    })
}

/// The reference fixture, from `shared/fixtures/` beside the workspace.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/fixtures/e5-small-reference.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!(
                "reference fixture missing at {}: {err}; it ships in shared/fixtures/ next to \
                 the workspace checkout",
                path.display()
            )
        });
        serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("reference fixture {} unreadable: {err}", path.display()))
    })
}

/// Largest absolute difference between two vectors of the same length.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "vectors of different lengths");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Embeds every fixture text with `embedder`, grouped by role, returned in fixture order.
pub fn embed_fixture(embedder: &E5Embedder) -> Vec<Vec<f32>> {
    use consulta_models::Embedder;
    let cases = fixture().cases();
    let mut out = vec![Vec::new(); cases.len()];
    for role in [Role::Query, Role::Passage] {
        let (indices, texts): (Vec<usize>, Vec<&str>) = cases
            .iter()
            .enumerate()
            .filter(|(_, (r, _))| *r == role)
            .map(|(i, (_, text))| (i, *text))
            .unzip();
        let vectors = embedder
            .embed(&texts, role)
            .expect("embedding fixture texts");
        for (i, vector) in indices.into_iter().zip(vectors) {
            out[i] = vector;
        }
    }
    out
}

/// Asserts every vector matches the fixture within [`TOLERANCE`]; returns the worst difference.
pub fn assert_matches_fixture(vectors: &[Vec<f32>]) -> f32 {
    let fixture = fixture();
    assert_eq!(vectors.len(), fixture.embeddings.len());
    let mut worst = 0.0f32;
    for (i, (ours, reference)) in vectors.iter().zip(&fixture.embeddings).enumerate() {
        let diff = max_abs_diff(ours, reference);
        assert!(
            diff <= TOLERANCE,
            "text {i} ({:?}...): max abs diff {diff:e} > {TOLERANCE:e}",
            fixture.texts[i].chars().take(40).collect::<String>()
        );
        worst = worst.max(diff);
    }
    worst
}
