//! Replicas: engines over a vector store a primary writes, following the primary's manifest. The
//! shared Qdrant collection is played by one embedded shard both engines hold.

use std::sync::Arc;

use consulta_corpus::{Lang, PassageKind};
use consulta_retrieval::{
    EdgeStore, Engine, Leg, ManifestRead, RetrievalConfig, RetrievalError, SearchOptions,
    VectorStore,
};

use crate::common::{CountingEmbedder, expected_points, knowledge_base, model, passage};

/// A primary with the knowledge base, and the store it wrote, for replicas to share.
fn primary(dir: &std::path::Path) -> (Engine, Arc<EdgeStore>) {
    let store = Arc::new(EdgeStore::open(&dir.join("collection"), model().dimension()).unwrap());
    let engine = Engine::open_with_store(
        &dir.join("primary"),
        Box::new(store.clone()),
        model(),
        RetrievalConfig::default(),
    )
    .unwrap();
    engine.sync(&knowledge_base(), &|_, _| {}).unwrap();
    (engine, store)
}

fn replica(dir: &std::path::Path, store: &Arc<EdgeStore>) -> Engine {
    Engine::open_replica(
        &dir.join("replica"),
        Box::new(store.clone()),
        model(),
        RetrievalConfig::default(),
    )
    .unwrap()
}

fn finds(engine: &Engine, leg: Leg, query: &str, id: &str) -> bool {
    let options = SearchOptions {
        leg,
        k: 3,
        ..SearchOptions::default()
    };
    engine
        .search(query, &options)
        .unwrap()
        .iter()
        .any(|hit| hit.passage.id == id)
}

fn curated_answer() -> consulta_corpus::Passage {
    passage(
        "curated:registry-fees",
        PassageKind::Curated,
        Lang::En,
        "Fees of the mechanism registry",
        &["6.4"],
        "Opening an account in the mechanism registry costs nothing; the share of proceeds is \
         levied at issuance, not at account opening.",
    )
}

#[test]
fn a_replica_answers_from_the_primary_without_writing_its_store() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, store) = primary(dir.path());
    let kb = knowledge_base();

    // An engine that owned the store would delete every point its empty manifest lacks.
    let replica = replica(dir.path(), &store);
    assert!(replica.is_replica() && !primary.is_replica());
    assert_eq!(
        store.count().unwrap(),
        expected_points(&kb),
        "opening deleted nothing"
    );
    assert_eq!(replica.stats().passages, 0, "nothing to answer from yet");

    let report = replica.follow(&primary.manifest().unwrap().bytes).unwrap();
    assert_eq!(
        (report.passages, report.full_text_added),
        (kb.len(), kb.len())
    );
    let question = "¿Qué porcentaje de las A6.4ER va al Fondo de Adaptación?";
    let options = consulta_retrieval::AskOptions::default();
    let theirs = primary.ask(question, &options).unwrap();
    let ours = replica.ask(question, &options).unwrap();
    assert!(!ours.citations.is_empty());
    assert_eq!(
        ours.citations, theirs.citations,
        "same passages, same ranking"
    );

    for refused in [
        replica.sync(&kb[..2], &|_, _| {}).unwrap_err(),
        replica.upsert_curated(curated_answer()).unwrap_err(),
        replica.remove(&[kb[0].id.clone()]).unwrap_err(),
    ] {
        assert!(matches!(refused, RetrievalError::Replica), "{refused}");
    }
    assert_eq!(
        store.count().unwrap(),
        expected_points(&kb),
        "the refused writes wrote nothing"
    );
    assert_eq!(replica.stats().passages, kb.len());
}

#[test]
fn a_replica_sees_a_primary_write_once_it_follows_the_new_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, store) = primary(dir.path());
    let replica = replica(dir.path(), &store);
    let before = primary.manifest().unwrap();
    replica.follow(&before.bytes).unwrap();
    assert_eq!(
        primary.manifest().unwrap().revision,
        before.revision,
        "no write, same revision: a replica polling has nothing to fetch"
    );
    assert_eq!(
        primary
            .manifest_since(&["an-old-one", &before.revision])
            .unwrap(),
        ManifestRead::Unchanged {
            revision: before.revision.clone()
        }
    );

    let curated = curated_answer();
    primary.upsert_curated(curated.clone()).unwrap();
    let after = primary.manifest().unwrap();
    assert_ne!(after.revision, before.revision);
    assert_eq!(
        primary.manifest_since(&[&before.revision]).unwrap(),
        ManifestRead::Changed(after.clone())
    );
    let query = "fees for an account in the mechanism registry";
    assert!(
        !finds(&replica, Leg::Dense, query, &curated.id),
        "its vector is in the shared store, but the replica has not committed the passage"
    );

    let report = replica.follow(&after.bytes).unwrap();
    assert_eq!((report.full_text_added, report.full_text_removed), (1, 0));
    assert!(finds(&replica, Leg::Dense, query, &curated.id));
    assert!(finds(&replica, Leg::Bm25, query, &curated.id));

    primary.remove(std::slice::from_ref(&curated.id)).unwrap();
    let report = replica.follow(&primary.manifest().unwrap().bytes).unwrap();
    assert_eq!((report.full_text_added, report.full_text_removed), (0, 1));
    assert!(!finds(&replica, Leg::Bm25, query, &curated.id));
}

#[test]
fn a_restarted_replica_answers_from_its_copy_before_it_reaches_the_primary() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, store) = primary(dir.path());
    replica(dir.path(), &store)
        .follow(&primary.manifest().unwrap().bytes)
        .unwrap();

    let restarted = replica(dir.path(), &store);
    assert_eq!(restarted.stats().passages, knowledge_base().len());
    assert_eq!(store.count().unwrap(), expected_points(&knowledge_base()));
}

#[test]
fn a_replica_refuses_a_manifest_it_cannot_use_and_keeps_its_passages() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, store) = primary(dir.path());
    let replica = replica(dir.path(), &store);
    let manifest = primary.manifest().unwrap().bytes;
    replica.follow(&manifest).unwrap();

    let cut = replica.follow(&manifest[..manifest.len() / 2]).unwrap_err();
    assert!(cut.to_string().contains("cannot read"), "{cut}");

    let other_model = CountingEmbedder::named("another-model");
    let elsewhere = tempfile::tempdir().unwrap();
    let foreign = Engine::open(elsewhere.path(), other_model, RetrievalConfig::default()).unwrap();
    let wrong = replica
        .follow(&foreign.manifest().unwrap().bytes)
        .unwrap_err();
    assert!(wrong.to_string().contains("same model"), "{wrong}");

    assert_eq!(replica.stats().passages, knowledge_base().len());
    let owner = primary.follow(&manifest).unwrap_err();
    assert!(owner.to_string().contains("only a replica"), "{owner}");
}
