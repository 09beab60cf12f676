//! The installed multilingual-e5-small against PyTorch's reference embeddings of the same weights.

mod common;

use std::sync::Arc;

use common::{assert_matches_fixture, embed_fixture, embedder, fixture, max_abs_diff, model_dir};
use consulta_models::{E5_DIMENSION, E5Embedder, Embedder, LoadOptions, Role};

#[test]
fn token_ids_equal_the_reference_tokenizer() {
    let fixture = fixture();
    for ((role, text), expected) in fixture.cases().into_iter().zip(&fixture.input_ids) {
        let ids = embedder().token_ids(&[text], role).expect("tokenizing");
        assert_eq!(&ids[0], expected, "token ids of {role:?} {text:?}");
    }
}

#[test]
fn embeddings_match_the_reference_within_1e_5() {
    let worst = assert_matches_fixture(&embed_fixture(embedder()));
    eprintln!("worst max-abs difference from the PyTorch reference: {worst:e}");
}

#[test]
fn vectors_are_unit_length_with_the_e5_dimension() {
    let embedder = embedder();
    assert_eq!(embedder.dimension(), E5_DIMENSION);
    let vectors = embedder
        .embed(&["Artículo 6.4", "Acordo de Paris"], Role::Passage)
        .expect("embedding");
    for vector in vectors {
        assert_eq!(vector.len(), E5_DIMENSION);
        let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "norm {norm}");
    }
    assert!(
        embedder.name().contains("multilingual-e5-small"),
        "{}",
        embedder.name()
    );
}

#[test]
fn long_text_is_truncated_to_512_tokens() {
    let fixture = fixture();
    let (role, long_text) = fixture.cases()[10];
    assert_eq!(
        fixture.input_ids[10].len(),
        512,
        "the fixture's 11th text is the long one"
    );
    let embedder = embedder();
    assert_eq!(embedder.max_tokens(), 512);
    let ids = embedder.token_ids(&[long_text], role).expect("tokenizing");
    assert_eq!(ids[0].len(), 512);
    assert_eq!(ids[0].last(), Some(&2), "truncation keeps the closing </s>");

    // Whatever follows the first 512 tokens cannot change the vector.
    let longer = format!("{long_text} Bread recipes, football scores and weather reports.");
    let vectors = embedder
        .embed(&[long_text, &longer], role)
        .expect("embedding");
    assert!(max_abs_diff(&vectors[0], &fixture.embeddings[10]) <= common::TOLERANCE);
    assert!(max_abs_diff(&vectors[0], &vectors[1]) <= 1e-6);
}

#[test]
fn batched_and_one_by_one_give_the_same_vectors() {
    let embedder = embedder();
    let fixture = fixture();
    let passages: Vec<&str> = fixture
        .cases()
        .into_iter()
        .filter(|(role, _)| *role == Role::Passage)
        .map(|(_, text)| text)
        .collect();
    assert!(passages.len() >= 4, "need texts of several lengths");
    let batched = embedder.embed(&passages, Role::Passage).expect("batch");
    for (text, together) in passages.iter().zip(&batched) {
        let alone = embedder.embed(&[text], Role::Passage).expect("single");
        let diff = max_abs_diff(&alone[0], together);
        assert!(diff <= 1e-5, "{text:?}: batched differs by {diff:e}");
    }
}

#[test]
fn small_batches_keep_input_order() {
    // A 40-token budget splits the 12 fixture texts (sorted by length) into several forward
    // passes run on two threads; every vector must still land at its text's position.
    let options = LoadOptions {
        batch_tokens: 40,
        threads: 2,
    };
    let embedder = E5Embedder::load_with(&model_dir(), options).expect("model installed");
    assert_matches_fixture(&embed_fixture(&embedder));
}

#[test]
fn empty_inputs() {
    let embedder = embedder();
    assert!(
        embedder
            .embed(&[], Role::Query)
            .expect("empty slice")
            .is_empty()
    );
    // "" as a query is exactly the fixture's last text, "query: ".
    let vectors = embedder.embed(&[""], Role::Query).expect("empty string");
    assert_eq!(vectors.len(), 1);
    assert!(max_abs_diff(&vectors[0], &fixture().embeddings[11]) <= common::TOLERANCE);
}

#[test]
fn role_prefix_changes_the_vector() {
    let embedder = embedder();
    let text = "corresponding adjustment";
    let query = embedder.embed(&[text], Role::Query).expect("query");
    let passage = embedder.embed(&[text], Role::Passage).expect("passage");
    assert!(max_abs_diff(&query[0], &passage[0]) > 1e-3);
}

#[test]
fn shared_across_threads_as_arc_dyn_embedder() {
    let shared: Arc<dyn Embedder> = Arc::new(
        E5Embedder::load(&model_dir()).unwrap_or_else(|err| panic!("model installed: {err}")),
    );
    let texts = ["¿Cuándo se debe presentar el informe inicial?", "ITMO"];
    let expected = shared.embed(&texts, Role::Query).expect("embedding");
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || shared.embed(&texts, Role::Query).expect("embedding"))
        })
        .collect();
    for handle in handles {
        let vectors = handle.join().expect("thread");
        for (got, want) in vectors.iter().zip(&expected) {
            assert!(max_abs_diff(got, want) <= 1e-6);
        }
    }
}
