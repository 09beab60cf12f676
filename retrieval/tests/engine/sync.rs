//! Incremental sync and persistence.

use std::sync::Mutex;

use consulta_corpus::{Lang, PassageKind, passage_id};
use consulta_retrieval::{
    AskOptions, Engine, IndexStats, Leg, RetrievalConfig, RetrievalError, SearchOptions,
};

use crate::common::{CountingEmbedder, knowledge_base, passage};

fn consistent(stats: &IndexStats, passages: usize) {
    assert_eq!(stats.passages, passages, "{stats:?}");
    assert_eq!(stats.full_text_docs, passages as u64, "{stats:?}");
    assert_eq!(stats.vectors, Some(stats.expected_vectors), "{stats:?}");
}

#[test]
fn resync_embeds_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let counter = CountingEmbedder::new();
    let engine = Engine::open(dir.path(), counter.clone(), RetrievalConfig::default()).unwrap();

    let mut kb = knowledge_base();
    let seen = Mutex::new(Vec::new());
    let report = engine
        .sync(&kb, &|done, total| seen.lock().unwrap().push((done, total)))
        .unwrap();
    assert_eq!(
        (report.added, report.removed, report.unchanged),
        (kb.len(), 0, 0)
    );
    assert_eq!(counter.take(), kb.len());
    assert_eq!(seen.lock().unwrap().last(), Some(&(kb.len(), kb.len())));
    consistent(&engine.stats(), kb.len());

    // Same input: nothing to do, nothing embedded.
    let report = engine.sync(&kb, &|_, _| {}).unwrap();
    assert_eq!(
        (report.added, report.removed, report.unchanged),
        (0, 0, kb.len())
    );
    assert_eq!(counter.take(), 0);

    // One passage edited (new text, so a new id), one deleted, one retagged.
    let edited = &mut kb[0];
    edited
        .text
        .push_str(" Su registro sigue las reglas del Artículo 6.2.");
    edited.id = passage_id(&edited.doc_id, edited.lang, &edited.section, &edited.text);
    let deleted = kb.remove(3);
    kb[1].tags.push("glossary".into());
    let report = engine.sync(&kb, &|_, _| {}).unwrap();
    assert_eq!(report.added, 1, "{report:?}");
    assert_eq!(report.updated, 1, "{report:?}");
    assert_eq!(
        report.removed, 2,
        "the old version and the deleted passage: {report:?}"
    );
    assert_eq!(report.unchanged, kb.len() - 2);
    assert_eq!(counter.take(), 2, "the edited and the retagged passage");
    consistent(&engine.stats(), kb.len());

    let bm25 = SearchOptions {
        leg: Leg::Bm25,
        ..SearchOptions::default()
    };
    assert!(deleted.text.contains("CORSIA"));
    let hits = engine.search("CORSIA", &bm25).unwrap();
    assert!(
        hits.is_empty(),
        "only the deleted passage mentions CORSIA: {hits:#?}"
    );
    let retagged = SearchOptions {
        leg: Leg::Dense,
        filter: consulta_retrieval::SearchFilter {
            tags: vec!["glossary".into()],
            ..Default::default()
        },
        ..SearchOptions::default()
    };
    let hits = engine.search("ITMO", &retagged).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].passage.id, kb[1].id);
}

#[test]
fn reopening_gives_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let counter = CountingEmbedder::new();
    let questions = [
        "¿Qué es un ITMO?",
        "O que é ajuste correspondente?",
        "Who receives the share of proceeds?",
    ];
    let (before, answers) = {
        let engine = Engine::open(dir.path(), counter.clone(), RetrievalConfig::default()).unwrap();
        engine.sync(&knowledge_base(), &|_, _| {}).unwrap();
        let hits: Vec<_> = questions
            .iter()
            .map(|q| engine.search(q, &SearchOptions::default()).unwrap())
            .collect();
        let answers: Vec<_> = questions
            .iter()
            .map(|q| engine.ask(q, &AskOptions::default()).unwrap())
            .collect();
        (hits, answers)
    };
    counter.take();

    let engine = Engine::open(dir.path(), counter.clone(), RetrievalConfig::default()).unwrap();
    assert_eq!(counter.take(), 0, "reopening embeds nothing");
    consistent(&engine.stats(), knowledge_base().len());
    for (i, question) in questions.iter().enumerate() {
        let after = engine.search(question, &SearchOptions::default()).unwrap();
        assert_eq!(after.len(), before[i].len());
        for (a, b) in after.iter().zip(&before[i]) {
            assert_eq!(a.passage, b.passage, "{question}");
            assert!((a.score - b.score).abs() < 1e-4, "{question}");
        }
        let answer = engine.ask(question, &AskOptions::default()).unwrap();
        assert_eq!(answer.answer, answers[i].answer);
        assert!((answer.confidence - answers[i].confidence).abs() < 1e-4);
    }
}

#[test]
fn bad_writes_are_refused_without_changes() {
    let dir = tempfile::tempdir().unwrap();
    let engine = crate::common::engine_with_kb(dir.path(), CountingEmbedder::new());
    let before = engine.stats();

    let error = engine
        .remove(&["0123456789abcdef".to_string()])
        .unwrap_err();
    assert!(
        matches!(error, RetrievalError::UnknownPassages { .. }),
        "{error}"
    );

    let not_curated = passage("faq:x", PassageKind::Faq, Lang::En, "X", &[], "Some text.");
    let error = engine.upsert_curated(not_curated).unwrap_err().to_string();
    assert!(error.contains("indexed by sync"), "{error}");

    let mut empty = knowledge_base();
    empty[2].text = "  ".into();
    let error = engine.sync(&empty, &|_, _| {}).unwrap_err().to_string();
    assert!(error.contains("the text is empty"), "{error}");

    assert_eq!(engine.stats(), before);
}

#[test]
fn the_engine_is_shared_across_threads() {
    let dir = tempfile::tempdir().unwrap();
    let engine = crate::common::engine_with_kb(dir.path(), CountingEmbedder::new());
    let handles: Vec<_> = ["¿Qué es un ITMO?", "What is an ITMO?"]
        .into_iter()
        .map(|question| {
            let engine = engine.clone();
            std::thread::spawn(move || engine.ask(question, &AskOptions::default()).unwrap())
        })
        .collect();
    let curated = passage(
        "curated:1",
        PassageKind::Curated,
        Lang::En,
        "Can a country sell ITMOs before its initial report?",
        &["6.2"],
        "No. The initial report must come first, or as soon as possible after the first transfer.",
    );
    engine.upsert_curated(curated).unwrap();
    for handle in handles {
        assert!(!handle.join().unwrap().citations.is_empty());
    }
    consistent(&engine.stats(), knowledge_base().len() + 1);
}

#[test]
fn sentence_vectors_are_computed_at_ingest_kept_across_restarts_and_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let embedder = CountingEmbedder::new();
    let question = "¿Quién tiene que autorizar un ITMO?";
    {
        let engine =
            Engine::open(dir.path(), embedder.clone(), RetrievalConfig::default()).unwrap();
        engine.sync(&knowledge_base(), &|_, _| {}).unwrap();
        embedder.take();
        let report = engine.embed_sentences().unwrap();
        assert!(report.sentences > knowledge_base().len(), "{report:?}");
        assert_eq!(report.embedded, embedder.take(), "{report:?}");
        assert_eq!(report.dropped, 0);
        // Every sentence an answer may quote has its vector: answering embeds the question only.
        let answer = engine.ask(question, &AskOptions::default()).unwrap();
        assert!(!answer.escalate, "{answer:?}");
        assert_eq!(embedder.take(), 0);
        assert_eq!(engine.embed_sentences().unwrap().embedded, 0);
    }

    // A restarted engine reads them back instead of embedding them again.
    let engine = Engine::open(dir.path(), embedder.clone(), RetrievalConfig::default()).unwrap();
    assert!(engine.stats().sentence_vectors > 0);
    embedder.take();
    engine.ask(question, &AskOptions::default()).unwrap();
    assert_eq!(embedder.take(), 0);

    // A passage that leaves the base takes its sentences' vectors with it.
    let mut fewer = knowledge_base();
    fewer.pop();
    engine.sync(&fewer, &|_, _| {}).unwrap();
    let report = engine.embed_sentences().unwrap();
    assert_eq!(report.embedded, 0);
    assert!(report.dropped > 0, "{report:?}");

    // A file from another model is not used: its vectors are not comparable.
    drop(engine);
    let other = CountingEmbedder::named("another-model");
    let engine = Engine::open(dir.path(), other, RetrievalConfig::default()).unwrap();
    assert_eq!(engine.stats().sentence_vectors, 0);
}
