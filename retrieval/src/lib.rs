//! Consulta's retrieval: hybrid search over the knowledge base and cited, extractive answers.
//!
//! # How a question is answered
//!
//! 1. **Preparation.** The question is trimmed, cut to `max_question_chars`, and its language
//!    detected ([`detect_language_with`]: the question's own words, then the words only one
//!    language's passages use; the asker's profile language is the fallback).
//! 2. **BM25 leg** (tantivy). One index, one text field per language, each with its own analyzer
//!    (accent folding, function words, stemming). The question's content words are searched in
//!    every field, each field stemming them its own way, with the question's language weighted up:
//!    a Spanish question still matches `ITMO` or `CDM` in an English passage. Glossary variants
//!    ("RMTI" → "ITMO") are added at a lower weight. Queries are built from analysed terms, never
//!    parsed, so no input can make a search fail.
//! 3. **Dense leg** (multilingual-e5-small vectors in a [`VectorStore`], by default the embedded
//!    Qdrant shard [`EdgeStore`]): finds paraphrases and other-language passages.
//! 4. **Fusion.** Reciprocal rank fusion of both legs; an FAQ entry found in another language is
//!    replaced by its version in the asker's, and entries whose own question asks for another kind
//!    of fact lose part of their score. The first `candidates_per_leg` are then re-scored by a
//!    model fitted on the gold sets over what each leg said (ranks, score shares, cosine, language,
//!    kind; see `rank_score.rs`), and curated (expert-approved) passages very close to the question
//!    go first.
//! 5. **Answer.** A confidence from the evidence (calibrated cosine, share of the question's words
//!    present, both legs agreeing); below the threshold the answer escalates to an expert, still
//!    listing what was found. Otherwise the best sentences of the reliable passages are quoted, with
//!    `[n]` markers matching the citations. A question only a person can answer (a case's
//!    status, a contact, a price, a decision not yet taken) escalates whatever the evidence.
//!
//! # Storage and crash consistency
//!
//! A data directory holds three things:
//! - `passages.json`, the **manifest**: every committed passage with a hash of its content, and the
//!   embedder the vectors come from. It is the source of truth and the store answers cite from.
//! - `bm25/`, the tantivy index; each document stores its passage id and content hash.
//! - `vectors/`, the qdrant-edge shard; each point's payload holds its passage id and content hash.
//!
//! Two indexes cannot be committed in one transaction, so the engine never relies on them being
//! committed together. Every write (sync, curated upsert, removal) goes:
//!
//! 1. embed the new passages (nothing is written if the model fails);
//! 2. apply deletions and upserts to the vector store and flush it;
//! 3. apply them to the BM25 index and commit it;
//! 4. write the new manifest to a temporary file, fsync it, rename it over the old one, fsync the
//!    directory: the atomic commit point of the whole write;
//! 5. publish the new state to readers.
//!
//! A crash (or error) anywhere before step 4 leaves the old manifest, with one or both indexes
//! ahead of it; a crash after it leaves everything committed. Either way the manifest is a state
//! that was fully intended, and both indexes can be brought back to it without loss, because the
//! manifest holds every passage in full. That is what **reconciliation** does, at every
//! [`Engine::open`] and right after a failed write: it lists each index's (passage id, content
//! hash) pairs, deletes every entry the manifest does not hold at that hash (unknown, outdated or
//! duplicated), and re-adds every manifest passage an index lacks, re-embedding missing vectors.
//! The listing is cheap (fast fields and a payload scroll: milliseconds for thousands of passages),
//! so it runs unconditionally and also repairs an index damaged or deleted by hand: delete `bm25/`
//! or `vectors/` and the next start rebuilds it from the manifest.
//!
//! Readers never see a half-applied write: they join index hits with the published manifest
//! snapshot, so a hit for a passage whose write has not committed is dropped, and a removed
//! passage stays citable until its removal commits.
//!
//! Changing the embedding model (a different [`consulta_models::Embedder::name`] or dimension)
//! makes [`Engine::open`] rebuild the vector store from the manifest; curated answers, which exist
//! only in the manifest, survive.
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use consulta_models::{E5Embedder, default_model_dir};
//! use consulta_retrieval::{AskOptions, Engine, RetrievalConfig};
//!
//! let embedder = Arc::new(E5Embedder::load(&default_model_dir())?);
//! let engine = Engine::open("data".as_ref(), embedder, RetrievalConfig::default())?;
//! let loaded = consulta_corpus::load_dir("corpus/kb".as_ref());
//! engine.sync(&loaded.passages, &|done, total| eprintln!("{done}/{total}"))?;
//! let answer = engine.ask("¿Qué es un ajuste correspondiente?", &AskOptions::default())?;
//! println!("{}", answer.to_text());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod analysis;
mod answer;
mod articles;
mod ask;
mod atomic;
mod bm25;
mod catalog;
mod compose;
mod confidence;
mod config;
mod detect;
mod documents;
#[cfg(feature = "edge")]
mod edge_store;
mod engine;
mod error;
mod evidence;
mod filter;
mod follow;
mod fusion;
mod ingest;
mod intent;
mod library;
mod migrate;
mod phrases;
mod points;
#[cfg(feature = "qdrant")]
mod qdrant_retry;
#[cfg(feature = "qdrant")]
mod qdrant_store;
mod question_cache;
mod question_parts;
mod rank_score;
mod retrieve;
mod sentence_score;
mod sentence_vectors;
mod sentences;
mod spelling;
mod stopwords;
mod store_config;
mod stores;
#[cfg(test)]
mod test_support;
mod text;
mod vector_store;

pub use answer::{Answer, Citation, Hit, Leg, LegRank};
pub use confidence::{CONFIDENCE_FEATURES, ConfidenceFeatures};
pub use config::{AskOptions, RetrievalConfig, SearchOptions};
pub use detect::{LanguageScores, detect_language, detect_language_with, language_scores};
#[cfg(feature = "edge")]
pub use edge_store::EdgeStore;
pub use engine::{Engine, IndexStats};
pub use error::RetrievalError;
pub use filter::SearchFilter;
pub use follow::{FollowReport, ManifestRead, ManifestSnapshot};
pub use ingest::SyncReport;
pub use library::{
    DocumentWarning, Fetcher, IngestConfig, IngestObserver, IngestRequest, LibraryReport,
    NoNetwork, NoProgress, Outcome,
};
pub use migrate::{MigrateOptions, MigrationProgress, MigrationReport, copy_store, migrate};
pub use phrases::{Phrases, phrases};
#[cfg(feature = "qdrant")]
pub use qdrant_retry::store_unreachable;
#[cfg(feature = "qdrant")]
pub use qdrant_store::QdrantStore;
pub use rank_score::{RANK_FEATURES, RankedHit};
pub use sentence_score::{ConsideredSentence, Explained, SENTENCE_FEATURES};
pub use sentence_vectors::SentenceReport;
pub use store_config::{ApiKey, QdrantConfig, Quantization, VectorStoreKind};
pub use vector_store::{
    PointPage, PointPayload, StoredPoint, VectorHit, VectorPoint, VectorStore, point_id,
};
