//! The engine: both indexes, the passage manifest and the model, behind one cheap handle.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use consulta_corpus::{Glossary, Lang, Timeline};
use consulta_models::Embedder;
use serde::Serialize;

use crate::analysis::Analyzers;
use crate::atomic::write_with;
use crate::bm25::Bm25Index;
use crate::catalog::{Catalog, EmbedderInfo};
use crate::question_cache::QuestionCache;
use crate::sentence_vectors::SentenceVectors;
use crate::{RetrievalConfig, RetrievalError, VectorStore, VectorStoreKind};

/// File name of the passage manifest inside the data dir.
pub(crate) const MANIFEST_FILE: &str = "passages.json";
/// Directory of the BM25 index inside the data dir.
const BM25_DIR: &str = "bm25";
/// Directory of the embedded vector shard inside the data dir.
pub(crate) const VECTORS_DIR: &str = "vectors";

/// Hybrid retrieval and cited answers over the knowledge base.
///
/// A cheap handle: clones share one engine. All methods are synchronous and may block (model
/// inference, disk); async callers use `spawn_blocking`. Reads run concurrently; writes
/// ([`Engine::sync`], [`Engine::upsert_curated`], [`Engine::remove`]) are serialised and never
/// block reads.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: RetrievalConfig,
    pub(crate) embedder: Arc<dyn Embedder>,
    pub(crate) analyzers: Analyzers,
    pub(crate) bm25: Bm25Index,
    pub(crate) vectors: Box<dyn VectorStore>,
    /// Whether this engine writes `vectors` or only searches a store a primary writes.
    pub(crate) role: StoreRole,
    pub(crate) manifest_path: PathBuf,
    /// The committed passages. Replaced as a whole after each write, so a reader holding one
    /// snapshot never sees half of a sync.
    catalog: RwLock<Arc<Catalog>>,
    glossary: RwLock<Option<Arc<Glossary>>>,
    /// The knowledge base's rule changes, which decide when a cited fact is out of date.
    timeline: RwLock<Option<Arc<Timeline>>>,
    /// Serialises writers; readers do not take it.
    writing: Mutex<()>,
    /// Vectors of recent questions (1.5 KB each), so a repeated question skips the model.
    pub(crate) questions: QuestionCache,
    /// Vectors of the sentences answers quote ([`crate::sentence_vectors`]).
    pub(crate) sentences: SentenceVectors,
}

/// Who writes an engine's vector store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoreRole {
    /// The engine owns the store: it writes it and reconciles it with its own manifest.
    Owner,
    /// A replica's engine ([`Engine::open_replica`]): the store is a collection shared with a
    /// primary, which alone writes it. Reconciling it with this engine's manifest would delete
    /// what the primary wrote since, so this engine never writes it.
    Replica,
}

/// How many question vectors [`Inner::questions`] keeps: about 1.5 MB.
const QUESTION_CACHE_ENTRIES: usize = 1024;

/// What the index holds, for `consulta stats` and health checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexStats {
    /// Committed passages (the manifest).
    pub passages: usize,
    /// Committed passages per language.
    pub by_lang: BTreeMap<Lang, usize>,
    /// Committed passages per kind (`guide`, `faq`, `curated`).
    pub by_kind: BTreeMap<String, usize>,
    /// Documents in the BM25 index; equals `passages` when the indexes are consistent.
    pub full_text_docs: u64,
    /// Points in the vector store; equals `expected_vectors` when consistent. `None` when the
    /// store could not be asked (the error is logged).
    pub vectors: Option<usize>,
    /// The points the committed passages need: one per passage, and one more for each FAQ entry's
    /// or curated answer's question (see `points.rs`).
    pub expected_vectors: usize,
    /// The embedding model the vectors come from.
    pub embedder: String,
    /// The vectors' dimension.
    pub dimension: usize,
    /// Sentences with a vector for scoring answers by meaning (see
    /// [`Engine::embed_sentences`]); a count far below the passages' sentences means that
    /// `consulta ingest` has not run since the passages changed.
    pub sentence_vectors: usize,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("manifest", &self.inner.manifest_path)
            .field("embedder", &self.inner.embedder.name())
            .finish_non_exhaustive()
    }
}

pub(crate) fn embedder_info(embedder: &dyn Embedder) -> EmbedderInfo {
    EmbedderInfo {
        name: embedder.name().to_string(),
        dimension: embedder.dimension(),
    }
}

impl Engine {
    /// Opens (or creates) the engine stored in `data_dir`, with the vector store the
    /// configuration names (`vector_store`): the embedded shard in `data_dir`, or a Qdrant
    /// server's collection (see [`Engine::open_with_store`] for how that differs).
    ///
    /// Reconciles both indexes with the passage manifest before returning (see the crate
    /// documentation), which re-embeds passages whose vectors are missing. When the manifest was
    /// written with another embedder, the embedded store is rebuilt from scratch: vectors of two
    /// models cannot be compared.
    pub fn open(
        data_dir: &Path,
        embedder: Arc<dyn Embedder>,
        config: RetrievalConfig,
    ) -> Result<Engine, RetrievalError> {
        config.validate()?;
        match config.vector_store {
            VectorStoreKind::Edge => Engine::open_edge(data_dir, embedder, config),
            VectorStoreKind::Qdrant => {
                let store = crate::stores::connect_qdrant(&config.qdrant, embedder.dimension())?;
                Engine::open_with_store(data_dir, store, embedder, config)
            }
        }
    }

    /// [`Engine::open`] on the embedded shard in `data_dir`.
    fn open_edge(
        data_dir: &Path,
        embedder: Arc<dyn Embedder>,
        config: RetrievalConfig,
    ) -> Result<Engine, RetrievalError> {
        create_dir(data_dir)?;
        let info = embedder_info(embedder.as_ref());
        let catalog = Catalog::load(&data_dir.join(MANIFEST_FILE))?;
        let vectors_dir = data_dir.join(VECTORS_DIR);
        if let Some(catalog) = &catalog
            && catalog.embedder != info
            && vectors_dir.exists()
        {
            tracing::warn!(
                was = %catalog.embedder.name,
                now = %info.name,
                passages = catalog.entries.len(),
                "the embedding model changed: rebuilding the vector store"
            );
            std::fs::remove_dir_all(&vectors_dir).map_err(|source| RetrievalError::Io {
                path: vectors_dir.clone(),
                source,
            })?;
        }
        let store = crate::stores::open_edge(&vectors_dir, info.dimension)?;
        Engine::assemble(data_dir, store, embedder, config, catalog, StoreRole::Owner)
    }

    /// Opens the engine with another vector store (e.g. a Qdrant server), keeping the BM25 index
    /// and the manifest in `data_dir`. Fails when the manifest was written with another embedder:
    /// the store's collection must then be recreated by its operator.
    pub fn open_with_store(
        data_dir: &Path,
        store: Box<dyn VectorStore>,
        embedder: Arc<dyn Embedder>,
        config: RetrievalConfig,
    ) -> Result<Engine, RetrievalError> {
        config.validate()?;
        create_dir(data_dir)?;
        let manifest_path = data_dir.join(MANIFEST_FILE);
        let catalog = Catalog::load(&manifest_path)?;
        let info = embedder_info(embedder.as_ref());
        if let Some(catalog) = &catalog
            && catalog.embedder != info
        {
            return Err(RetrievalError::Manifest {
                path: manifest_path,
                message: format!(
                    "the stored vectors come from {} ({} dimensions) but this engine embeds with \
                     {} ({} dimensions): recreate the vector collection empty and start again, \
                     the passages are re-embedded from this manifest",
                    catalog.embedder.name, catalog.embedder.dimension, info.name, info.dimension
                ),
            });
        }
        Engine::assemble(data_dir, store, embedder, config, catalog, StoreRole::Owner)
    }

    pub(crate) fn assemble(
        data_dir: &Path,
        store: Box<dyn VectorStore>,
        embedder: Arc<dyn Embedder>,
        config: RetrievalConfig,
        catalog: Option<Catalog>,
        role: StoreRole,
    ) -> Result<Engine, RetrievalError> {
        let info = embedder_info(embedder.as_ref());
        let manifest_path = data_dir.join(MANIFEST_FILE);
        let needs_save = catalog.as_ref().is_none_or(|c| c.embedder != info);
        let mut catalog = catalog.unwrap_or_else(|| Catalog::empty(info.clone()));
        catalog.embedder = info;
        if needs_save {
            catalog.save(&manifest_path)?;
        }
        let sentences = SentenceVectors::open(data_dir, catalog.embedder.clone());
        let analyzers = Analyzers::new();
        let bm25 = Bm25Index::open(&data_dir.join(BM25_DIR), &analyzers)?;
        let engine = Engine {
            inner: Arc::new(Inner {
                config,
                embedder,
                analyzers,
                bm25,
                vectors: store,
                role,
                manifest_path,
                catalog: RwLock::new(Arc::new(catalog)),
                glossary: RwLock::new(None),
                timeline: RwLock::new(None),
                writing: Mutex::new(()),
                questions: QuestionCache::new(QUESTION_CACHE_ENTRIES),
                sentences,
            }),
        };
        let report = engine.inner.reconcile()?;
        if report.is_empty() {
            tracing::debug!("indexes agree with the manifest");
        } else {
            tracing::warn!(
                ?report,
                "indexes repaired to match the manifest (an earlier write was interrupted)"
            );
        }
        Ok(engine)
    }

    /// Keeps the knowledge base's glossary and timeline from `kb_dir` beside the indexes, each
    /// replaced whole ([`write_with`]): whoever opens them next, from whatever directory, can read
    /// them with what they were built with. A file `kb_dir` does not have stays as it was. Called
    /// after each ingest.
    pub fn keep_kb_files(&self, kb_dir: &Path) -> Result<(), RetrievalError> {
        let dir = self
            .inner
            .manifest_path
            .parent()
            .unwrap_or_else(|| Path::new("."));
        for name in [
            consulta_corpus::GLOSSARY_FILE,
            consulta_corpus::TIMELINE_FILE,
        ] {
            let source = kb_dir.join(name);
            if !source.exists() {
                continue;
            }
            let mut kept = std::fs::File::open(&source).map_err(|error| RetrievalError::Io {
                path: source.clone(),
                source: error,
            })?;
            write_with(&dir.join(name), |writer| {
                std::io::copy(&mut kept, writer).map(drop)
            })?;
        }
        Ok(())
    }

    /// Sets (or clears) the glossary whose variants expand BM25 queries, so that "RMTI" also
    /// finds passages that say "ITMO". Takes effect for the next question.
    pub fn set_glossary(&self, glossary: Option<Glossary>) {
        let mut slot = self
            .inner
            .glossary
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = glossary.map(Arc::new);
    }

    /// Sets (or clears) the rule changes an answer checks its citations against: a cited fact
    /// checked before a later decision on its topic carries a note saying which decision to check.
    /// Takes effect for the next question.
    pub fn set_timeline(&self, timeline: Option<Timeline>) {
        *self
            .inner
            .timeline
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = timeline.map(Arc::new);
    }

    /// The embedding model, for callers that embed texts of their own (the desk's coverage report).
    pub fn embedder(&self) -> Arc<dyn Embedder> {
        self.inner.embedder.clone()
    }

    /// The engine's settings.
    pub fn config(&self) -> &RetrievalConfig {
        &self.inner.config
    }

    /// Counts of what the indexes hold.
    pub fn stats(&self) -> IndexStats {
        let catalog = self.inner.catalog();
        let mut by_lang = BTreeMap::new();
        let mut by_kind = BTreeMap::new();
        let mut expected_vectors = 0;
        for entry in catalog.entries.values() {
            expected_vectors += 1 + usize::from(crate::points::has_question_point(&entry.passage));
            *by_lang.entry(entry.passage.lang).or_insert(0) += 1;
            *by_kind
                .entry(entry.passage.kind.as_str().to_string())
                .or_insert(0) += 1;
        }
        let vectors = match self.inner.vectors.count() {
            Ok(count) => Some(count),
            Err(error) => {
                tracing::error!(%error, "cannot count the stored vectors");
                None
            }
        };
        IndexStats {
            passages: catalog.entries.len(),
            by_lang,
            by_kind,
            full_text_docs: self.inner.bm25.num_docs(),
            vectors,
            expected_vectors,
            embedder: catalog.embedder.name.clone(),
            dimension: catalog.embedder.dimension,
            sentence_vectors: self.inner.sentences.len(),
        }
    }
}

impl Inner {
    /// The current committed passages.
    pub(crate) fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Installs a new committed state, after its manifest is on disk.
    pub(crate) fn publish(&self, catalog: Catalog) {
        *self
            .catalog
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(catalog);
    }

    pub(crate) fn timeline(&self) -> Option<Arc<Timeline>> {
        self.timeline
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub(crate) fn glossary(&self) -> Option<Arc<Glossary>> {
        self.glossary
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Taken by every writer for its whole duration. A replica's engine is refused: its passages
    /// come from the primary ([`Engine::follow`]).
    pub(crate) fn write_guard(&self) -> Result<MutexGuard<'_, ()>, RetrievalError> {
        if self.role == StoreRole::Replica {
            return Err(RetrievalError::Replica);
        }
        Ok(self.lock_writers())
    }

    /// Serialises this writer with the others, whatever the role.
    pub(crate) fn lock_writers(&self) -> MutexGuard<'_, ()> {
        self.writing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub(crate) fn create_dir(dir: &Path) -> Result<(), RetrievalError> {
    std::fs::create_dir_all(dir).map_err(|source| RetrievalError::Io {
        path: dir.to_path_buf(),
        source,
    })
}
