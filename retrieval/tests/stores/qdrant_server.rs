//! The server backend against a real Qdrant server, when `QDRANT_URL` names one (its gRPC port,
//! e.g. `QDRANT_URL=http://localhost:6334`, plus `QDRANT_API_KEY` if it needs one):
//!
//! ```text
//! docker run -d -p 6333:6333 -p 6334:6334 qdrant/qdrant:v1.18.0
//! QDRANT_URL=http://localhost:6334 deploy/cargo.sh test --release -p consulta-retrieval --features qdrant --test stores
//! ```
//! Without it every test here prints why it is skipped and passes: no Qdrant server can be
//! installed where Consulta is developed. Each test uses its own collection and deletes it.

use std::io::Write;
use std::sync::Arc;

use consulta_corpus::Lang;
use consulta_retrieval::{
    ApiKey, EdgeStore, Engine, MigrateOptions, QdrantConfig, QdrantStore, RetrievalConfig,
    SearchFilter, VectorStore, VectorStoreKind, copy_store,
};

use crate::common::{DIMENSION, point, points};

/// A collection of the test's own on the server, deleted when dropped.
struct Collection {
    config: QdrantConfig,
}

impl Collection {
    /// `None` (with the reason on stderr) when no server is configured.
    fn new(test: &str) -> Option<Collection> {
        let Ok(url) = std::env::var("QDRANT_URL") else {
            // Straight to stderr, not through eprintln!, which the test harness captures: the
            // skip must show in a normal `cargo test` run.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: set QDRANT_URL=http://HOST:6334 (and QDRANT_API_KEY if needed) to \
                 run the Qdrant server tests"
            );
            return None;
        };
        let collection = format!("consulta-test-{test}-{}", std::process::id());
        let config = QdrantConfig {
            url,
            api_key: std::env::var("QDRANT_API_KEY").ok().map(ApiKey::from),
            collection,
            ..QdrantConfig::default()
        };
        let collection = Collection { config };
        collection.drop_collection();
        Some(collection)
    }

    fn drop_collection(&self) {
        let mut builder =
            qdrant_client::Qdrant::from_url(&self.config.url).skip_compatibility_check();
        if let Some(key) = &self.config.api_key {
            builder = builder.api_key(key.expose());
        }
        let client = builder.build().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let name = self.config.collection.clone();
        runtime.block_on(async move {
            if client.collection_exists(&name).await.unwrap() {
                client.delete_collection(&name).await.unwrap();
            }
        });
    }
}

impl Collection {
    /// Engine settings on this collection.
    fn engine_config(&self) -> RetrievalConfig {
        RetrievalConfig {
            vector_store: VectorStoreKind::Qdrant,
            qdrant: self.config.clone(),
            ..RetrievalConfig::default()
        }
    }
}

/// The real model the engine tests embed with.
fn e5() -> Arc<dyn consulta_models::Embedder> {
    Arc::new(
        consulta_models::E5Embedder::load(&consulta_models::default_model_dir())
            .expect("the e5 model is installed (deploy/fetch-models.sh)"),
    )
}

/// The knowledge base Consulta ships.
fn bundled_knowledge_base() -> consulta_corpus::Loaded {
    consulta_corpus::load_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../corpus/kb")
            .as_path(),
    )
}

impl Drop for Collection {
    fn drop(&mut self) {
        self.drop_collection();
    }
}

#[test]
fn the_server_store_keeps_the_store_contract() {
    let Some(collection) = Collection::new("contract") else {
        return;
    };
    let store = QdrantStore::connect(&collection.config, DIMENSION).unwrap();
    store.upsert(points(300)).unwrap();
    assert_eq!(store.count().unwrap(), 300);

    let hits = store
        .search(&point(42).vector, 5, &SearchFilter::default())
        .unwrap();
    assert_eq!(hits[0].passage_id, point(42).payload.passage_id);
    assert!(hits[0].score > 0.999, "{hits:?}");
    let only_en = SearchFilter {
        langs: vec![Lang::En],
        tags: vec!["tag-1".into()],
        ..SearchFilter::default()
    };
    for hit in store.search(&point(42).vector, 20, &only_en).unwrap() {
        let i = usize::from_str_radix(&hit.passage_id, 16).unwrap() - 1;
        assert_eq!((point(i).payload.lang, i % 4), (Lang::En, 1), "{hit:?}");
    }

    let gone: Vec<String> = (0..10).map(|i| point(i).payload.passage_id).collect();
    store.delete(&gone).unwrap();
    assert_eq!(store.count().unwrap(), 290);
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 290);
    assert!(listed.iter().all(|p| p.content_hash.starts_with("hash-")));

    let mut scrolled = Vec::new();
    let mut from = None;
    loop {
        let page = store.scroll(from, 100).unwrap();
        scrolled.extend(page.points);
        match page.next {
            Some(next) => from = Some(next),
            None => break,
        }
    }
    assert_eq!(scrolled.len(), 290);
    let back = scrolled
        .iter()
        .find(|p| p.payload.passage_id == point(11).payload.passage_id)
        .unwrap();
    assert_eq!(back.payload, point(11).payload);
    let drift: f32 = back
        .vector
        .iter()
        .zip(&point(11).vector)
        .map(|(a, b)| (a - b).abs())
        .sum();
    assert!(drift < 1e-4, "vectors come back as stored ({drift})");
}

#[test]
fn a_collection_of_another_dimension_is_refused_with_both_shapes() {
    let Some(collection) = Collection::new("schema") else {
        return;
    };
    drop(QdrantStore::connect(&collection.config, DIMENSION).unwrap());
    let error = QdrantStore::connect(&collection.config, DIMENSION + 1)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&format!("{DIMENSION}-dimension"))
            && error.contains(&format!("{}-dimension", DIMENSION + 1)),
        "{error}"
    );
}

#[test]
fn points_move_from_edge_to_the_server_and_back() {
    let Some(collection) = Collection::new("roundtrip") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let edge = EdgeStore::open(&dir.path().join("a"), DIMENSION).unwrap();
    edge.upsert(points(1_500)).unwrap();
    edge.optimize().unwrap();
    let server = QdrantStore::connect(&collection.config, DIMENSION).unwrap();
    let options = MigrateOptions {
        batch_size: 400,
        ..MigrateOptions::default()
    };
    let there = copy_store(
        ("edge", &edge),
        ("qdrant", &server),
        &dir.path().join("c1.json"),
        &options,
        &|_| {},
    )
    .unwrap();
    assert_eq!(there.target_points, 1_500);
    let back_dir = dir.path().join("b");
    let back = EdgeStore::open(&back_dir, DIMENSION).unwrap();
    let report = copy_store(
        ("qdrant", &server),
        ("edge-b", &back),
        &dir.path().join("c2.json"),
        &options,
        &|_| {},
    )
    .unwrap();
    assert_eq!(report.target_points, 1_500);
    let (mut a, mut b) = (edge.list().unwrap(), back.list().unwrap());
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn the_engine_answers_from_a_server_collection() {
    let Some(collection) = Collection::new("engine") else {
        return;
    };
    let (embedder, config) = (e5(), collection.engine_config());
    let dir = tempfile::tempdir().unwrap();
    let loaded = bundled_knowledge_base();
    let engine = Engine::open(dir.path(), embedder, config).unwrap();
    let report = engine
        .sync(
            &loaded.passages[..40.min(loaded.passages.len())],
            &|_, _| {},
        )
        .unwrap();
    assert!(report.added > 0);
    assert_eq!(engine.stats().vectors, Some(report.added));
    let answer = engine
        .ask(
            &loaded.passages[0].text,
            &consulta_retrieval::AskOptions::default(),
        )
        .unwrap();
    assert!(
        answer
            .citations
            .iter()
            .any(|c| c.doc_id == loaded.passages[0].doc_id),
        "{answer:?}"
    );
}

#[test]
fn a_replica_answers_from_the_primary_s_collection_without_writing_it() {
    let Some(collection) = Collection::new("replica") else {
        return;
    };
    let (embedder, config) = (e5(), collection.engine_config());
    let loaded = bundled_knowledge_base();
    let passages = &loaded.passages[..20.min(loaded.passages.len())];
    let primary_dir = tempfile::tempdir().unwrap();
    let primary = Engine::open(primary_dir.path(), embedder.clone(), config.clone()).unwrap();
    primary.sync(passages, &|_, _| {}).unwrap();

    // Each replica has its own connection to the server, as separate processes would.
    let replica_dir = tempfile::tempdir().unwrap();
    let replica =
        Engine::open_replica_of_config(replica_dir.path(), embedder, config.clone()).unwrap();
    let store = QdrantStore::connect(&collection.config, 384).unwrap();
    assert_eq!(
        store.count().unwrap(),
        passages.len(),
        "opening deleted nothing"
    );
    let report = replica.follow(&primary.manifest().unwrap().bytes).unwrap();
    assert_eq!(report.passages, passages.len());
    let question = &passages[0].text;
    let options = consulta_retrieval::AskOptions::default();
    assert_eq!(
        replica.ask(question, &options).unwrap().citations,
        primary.ask(question, &options).unwrap().citations
    );
    let refused = replica.sync(&passages[..1], &|_, _| {}).unwrap_err();
    assert!(refused.to_string().contains("replica"), "{refused}");
    assert_eq!(store.count().unwrap(), passages.len());
}
