//! Interrupted writes: whatever state a crash leaves, reopening makes both indexes agree with the
//! manifest again.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use consulta_corpus::{Lang, Passage, PassageKind};
use consulta_retrieval::{
    EdgeStore, Engine, IndexStats, Leg, PointPage, RetrievalConfig, RetrievalError, SearchFilter,
    SearchOptions, StoredPoint, VectorHit, VectorPoint, VectorStore,
};

use crate::common::{
    CountingEmbedder, expected_point_ids, expected_points, id_of, knowledge_base, model, passage,
};

/// The engine's layout of a data dir (documented in the crate docs).
const VECTORS: &str = "vectors";
const BM25: &str = "bm25";
const MANIFEST: &str = "passages.json";

/// An [`EdgeStore`] whose disk "dies" right after the next upsert once armed: that upsert lands,
/// every later call fails. The process then "crashes" (the engine is dropped).
struct DyingStore {
    inner: EdgeStore,
    armed: Arc<AtomicBool>,
    dead: AtomicBool,
}

impl DyingStore {
    fn alive(&self) -> Result<(), RetrievalError> {
        if self.dead.load(Ordering::SeqCst) {
            return Err(RetrievalError::VectorStore {
                operation: "test",
                message: "the disk died".into(),
            });
        }
        Ok(())
    }
}

impl VectorStore for DyingStore {
    fn upsert(&self, points: Vec<VectorPoint>) -> Result<(), RetrievalError> {
        self.alive()?;
        self.inner.upsert(points)?;
        if self.armed.load(Ordering::SeqCst) {
            self.dead.store(true, Ordering::SeqCst);
        }
        Ok(())
    }

    fn delete(&self, passage_ids: &[String]) -> Result<(), RetrievalError> {
        self.alive()?;
        self.inner.delete(passage_ids)
    }

    fn search(
        &self,
        vector: &[f32],
        limit: usize,
        filter: &SearchFilter,
    ) -> Result<Vec<VectorHit>, RetrievalError> {
        self.alive()?;
        self.inner.search(vector, limit, filter)
    }

    fn count(&self) -> Result<usize, RetrievalError> {
        self.alive()?;
        self.inner.count()
    }

    fn list(&self) -> Result<Vec<StoredPoint>, RetrievalError> {
        self.alive()?;
        self.inner.list()
    }

    fn scroll(&self, from: Option<u64>, limit: usize) -> Result<PointPage, RetrievalError> {
        self.alive()?;
        self.inner.scroll(from, limit)
    }

    fn flush(&self) -> Result<(), RetrievalError> {
        self.alive()?;
        self.inner.flush()
    }

    fn optimize(&self) -> Result<(), RetrievalError> {
        self.alive()?;
        self.inner.optimize()
    }
}

fn consistent(stats: &IndexStats, passages: usize) {
    assert_eq!(stats.passages, passages, "{stats:?}");
    assert_eq!(stats.full_text_docs, passages as u64, "{stats:?}");
    assert_eq!(stats.vectors, Some(stats.expected_vectors), "{stats:?}");
}

/// A passage the next sync adds, with a word no other passage has.
fn newcomer() -> Passage {
    passage(
        "guide:corsia-eligible",
        PassageKind::Guide,
        Lang::En,
        "CORSIA eligible emissions units",
        &["6.2"],
        "Airlines can use ITMOs authorised for international mitigation purposes as CORSIA \
         eligible emissions units, once the host country has applied the corresponding adjustment.",
    )
}

/// The knowledge base with [`newcomer`] added and the SBM guide removed.
fn next_knowledge_base() -> (Vec<Passage>, Passage) {
    let mut kb = knowledge_base();
    let position = kb.iter().position(|p| p.doc_id == "guide:sbm").unwrap();
    let removed = kb.remove(position);
    kb.push(newcomer());
    (kb, removed)
}

fn stored_ids(dir: &Path) -> Vec<String> {
    let store = EdgeStore::open(&dir.join(VECTORS), model().dimension()).unwrap();
    store
        .list()
        .unwrap()
        .into_iter()
        .map(|p| p.passage_id)
        .collect()
}

fn bm25_finds(engine: &Engine, query: &str, id: &str) -> bool {
    let options = SearchOptions {
        leg: Leg::Bm25,
        ..SearchOptions::default()
    };
    engine
        .search(query, &options)
        .unwrap()
        .iter()
        .any(|h| h.passage.id == id)
}

fn dense_finds(engine: &Engine, query: &str, id: &str) -> bool {
    let options = SearchOptions {
        leg: Leg::Dense,
        k: 3,
        ..SearchOptions::default()
    };
    engine
        .search(query, &options)
        .unwrap()
        .iter()
        .any(|h| h.passage.id == id)
}

#[test]
fn crash_between_vector_upsert_and_full_text_commit() {
    let dir = tempfile::tempdir().unwrap();
    let kb = knowledge_base();
    let armed = Arc::new(AtomicBool::new(false));
    {
        let store = DyingStore {
            inner: EdgeStore::open(&dir.path().join(VECTORS), model().dimension()).unwrap(),
            armed: armed.clone(),
            dead: AtomicBool::new(false),
        };
        let engine = Engine::open_with_store(
            dir.path(),
            Box::new(store),
            model(),
            RetrievalConfig::default(),
        )
        .unwrap();
        engine.sync(&kb, &|_, _| {}).unwrap();

        armed.store(true, Ordering::SeqCst);
        let (next, _) = next_knowledge_base();
        let error = engine.sync(&next, &|_, _| {}).unwrap_err();
        assert!(error.to_string().contains("the disk died"), "{error}");
    }

    // The crash left the vector store ahead of the manifest...
    let (_, removed) = next_knowledge_base();
    let ids = stored_ids(dir.path());
    assert!(
        ids.contains(&newcomer().id),
        "the upsert landed before the crash"
    );
    assert!(
        !ids.contains(&removed.id),
        "the deletion landed before the crash"
    );

    // ...and reopening brings it back to the manifest: the sync never happened.
    {
        let engine = Engine::open(dir.path(), model(), RetrievalConfig::default()).unwrap();
        consistent(&engine.stats(), kb.len());
        assert!(dense_finds(
            &engine,
            "¿Quién expide las A6.4ER?",
            &removed.id
        ));
        assert!(!bm25_finds(&engine, "CORSIA eligible", &newcomer().id));
    }
    let mut ids = stored_ids(dir.path());
    ids.sort();
    assert_eq!(ids, expected_point_ids(&kb));

    // The same sync now succeeds.
    let engine = Engine::open(dir.path(), model(), RetrievalConfig::default()).unwrap();
    let (next, _) = next_knowledge_base();
    let report = engine.sync(&next, &|_, _| {}).unwrap();
    assert_eq!((report.added, report.removed), (1, 1));
    consistent(&engine.stats(), next.len());
}

#[test]
fn crash_after_both_commits_before_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let kb = knowledge_base();
    let counter = CountingEmbedder::new();
    let manifest = dir.path().join(MANIFEST);
    let committed = {
        let engine = Engine::open(dir.path(), counter.clone(), RetrievalConfig::default()).unwrap();
        engine.sync(&kb, &|_, _| {}).unwrap();
        let committed = std::fs::read(&manifest).unwrap();
        let (next, _) = next_knowledge_base();
        engine.sync(&next, &|_, _| {}).unwrap();
        consistent(&engine.stats(), next.len());
        committed
    };
    // As if the process died before renaming the new manifest into place.
    std::fs::write(&manifest, committed).unwrap();
    counter.take();

    let engine = Engine::open(dir.path(), counter.clone(), RetrievalConfig::default()).unwrap();
    consistent(&engine.stats(), kb.len());
    assert_eq!(
        counter.take(),
        1,
        "only the removed passage's vector is recomputed"
    );
    let (_, removed) = next_knowledge_base();
    assert!(!bm25_finds(&engine, "CORSIA eligible", &newcomer().id));
    assert!(bm25_finds(&engine, "Órgano de Supervisión", &removed.id));
    assert!(dense_finds(
        &engine,
        "¿Quién expide las A6.4ER?",
        &removed.id
    ));
}

#[test]
fn indexes_damaged_behind_the_engines_back_are_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let kb = knowledge_base();
    let es_itmo = id_of("faq:itmo-what", Lang::Es);
    let registry = id_of("guide:registry", Lang::En);
    drop(crate::common::engine_with_kb(dir.path(), model()));

    // Remove one passage from the full-text index with tantivy itself.
    {
        let index = tantivy::Index::open_in_dir(dir.path().join(BM25)).unwrap();
        let id_field = index.schema().get_field("id").unwrap();
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        writer.delete_term(tantivy::Term::from_field_text(id_field, &es_itmo));
        writer.commit().unwrap();
    }
    // Remove another passage's vector and add a point no passage has.
    {
        let store = EdgeStore::open(&dir.path().join(VECTORS), model().dimension()).unwrap();
        store.delete(std::slice::from_ref(&registry)).unwrap();
        let stray = VectorPoint {
            vector: vec![1.0 / (model().dimension() as f32).sqrt(); model().dimension()],
            payload: consulta_retrieval::PointPayload {
                passage_id: "ffffffffffffffff".into(),
                doc_id: "faq:stray".into(),
                lang: Lang::En,
                kind: PassageKind::Faq,
                tags: vec![],
                content_hash: "none".into(),
            },
        };
        store.upsert(vec![stray]).unwrap();
        store.flush().unwrap();
        assert_eq!(store.count().unwrap(), expected_points(&kb));
    }

    {
        let engine = Engine::open(dir.path(), model(), RetrievalConfig::default()).unwrap();
        // The vector count was already right (one point missing, one stray): the searches and
        // the listing below are what show the repair.
        consistent(&engine.stats(), kb.len());
        assert!(bm25_finds(&engine, "¿Qué es un ITMO?", &es_itmo));
        assert!(dense_finds(
            &engine,
            "Who receives the share of proceeds of A6.4ERs?",
            &registry
        ));
    }
    assert!(!stored_ids(dir.path()).contains(&"ffffffffffffffff".to_string()));
}

#[test]
fn deleted_index_directories_are_rebuilt_and_a_new_model_re_embeds() {
    let dir = tempfile::tempdir().unwrap();
    let kb = knowledge_base();
    drop(crate::common::engine_with_kb(dir.path(), model()));
    std::fs::remove_dir_all(dir.path().join(BM25)).unwrap();

    let counter = CountingEmbedder::new();
    let engine = Engine::open(dir.path(), counter.clone(), RetrievalConfig::default()).unwrap();
    consistent(&engine.stats(), kb.len());
    assert_eq!(
        counter.take(),
        0,
        "the full-text index is rebuilt without the model"
    );
    drop(engine);

    let upgraded = CountingEmbedder::named("multilingual-e5-small (retrained)");
    let engine = Engine::open(dir.path(), upgraded.clone(), RetrievalConfig::default()).unwrap();
    consistent(&engine.stats(), kb.len());
    assert_eq!(
        upgraded.take(),
        kb.len(),
        "vectors of another model are recomputed"
    );
    assert_eq!(engine.stats().embedder, "multilingual-e5-small (retrained)");
}

#[test]
fn a_repeated_question_is_embedded_once() {
    let dir = tempfile::tempdir().unwrap();
    let counter = CountingEmbedder::new();
    let engine = Engine::open(dir.path(), counter.clone(), RetrievalConfig::default()).unwrap();
    engine.sync(&knowledge_base(), &|_, _| {}).unwrap();
    counter.take_questions();
    let options = consulta_retrieval::AskOptions::default();
    let first = engine.ask("¿Qué es un ITMO?", &options).unwrap();
    let again = engine.ask("¿Qué es un ITMO?", &options).unwrap();
    assert_eq!(
        counter.take_questions(),
        1,
        "the second ask reuses the vector"
    );
    assert_eq!(first.citations, again.citations);
    engine
        .ask("¿Qué es un ajuste correspondiente?", &options)
        .unwrap();
    assert_eq!(counter.take_questions(), 1, "a new question is embedded");
}
