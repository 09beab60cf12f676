//! Opening the retrieval engine from settings: the one place that knows where the model and the
//! indexes live.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use consulta_bot::bridge::EngineSink;
use consulta_desk::Desk;
use consulta_models::{E5Embedder, Embedder};
use consulta_retrieval::{Engine, RetrievalConfig, RetrievalError};

use crate::config::Settings;

/// Loads the embedding model and opens the indexes under `data_dir/index`.
pub fn open(settings: &Settings) -> anyhow::Result<Engine> {
    open_as(settings, Engine::open, "indexes")
}

/// [`open`] for a replica (`serve --replica-of`): the vectors are the primary's collection, and
/// `data_dir/index` only holds the replica's copy of the manifest and its BM25 index.
pub fn open_replica(settings: &Settings) -> anyhow::Result<Engine> {
    open_as(
        settings,
        Engine::open_replica_of_config,
        "replica's indexes",
    )
}

/// How an engine is opened from its directory, model and settings: as the owner of its indexes
/// ([`Engine::open`]) or as a replica ([`Engine::open_replica_of_config`]).
type Opener = fn(&Path, Arc<dyn Embedder>, RetrievalConfig) -> Result<Engine, RetrievalError>;

/// Loads the model, opens the engine with `opener`, and gives it the knowledge base's glossary.
fn open_as(settings: &Settings, opener: Opener, what: &str) -> anyhow::Result<Engine> {
    let embedder = E5Embedder::load(&settings.model_dir)?;
    let dir = index_dir(settings);
    let engine = opener(&dir, Arc::new(embedder), settings.retrieval.clone())
        .with_context(|| format!("cannot open the {what} in {}", dir.display()))?;
    match kb_file(settings, &dir, consulta_corpus::GLOSSARY_FILE) {
        Some(path) => engine.set_glossary(Some(consulta_corpus::Glossary::load(&path)?)),
        None => tracing::warn!(
            "no {} in {} nor beside the indexes in {}: questions are searched without \
             acronym and term variants (RMTI for ITMO); set `kb_dir` (CONSULTA_KB_DIR) to the \
             knowledge base, or run `consulta ingest` once with it",
            consulta_corpus::GLOSSARY_FILE,
            settings.kb_dir.display(),
            dir.display()
        ),
    }
    if let Some(path) = kb_file(settings, &dir, consulta_corpus::TIMELINE_FILE) {
        engine.set_timeline(Some(consulta_corpus::Timeline::load(&path)?));
    }
    Ok(engine)
}

/// Where the engine reads the knowledge base's file `name` (the glossary, the timeline of rule
/// changes): `kb_dir` when it has it, else the copy each ingest keeps beside the indexes in
/// `index_dir` ([`Engine::keep_kb_files`]), so that answers do not depend on the directory a
/// command runs from.
fn kb_file(settings: &Settings, index_dir: &Path, name: &str) -> Option<PathBuf> {
    [settings.kb_dir.join(name), index_dir.join(name)]
        .into_iter()
        .find(|path| path.exists())
}

/// Opens the desk's database under `data_dir/desk`; `sink` makes approved answers searchable.
pub fn open_desk(settings: &Settings, sink: Option<Engine>) -> anyhow::Result<Desk> {
    let path = settings.data_dir.join("desk");
    let mut builder = Desk::builder(settings.desk.clone())
        .max_open_tickets_per_asker(settings.service.max_open_tickets_per_asker);
    if let Some(engine) = sink {
        builder = builder.sink(Arc::new(EngineSink(engine)));
    }
    builder
        .open(&path)
        .with_context(|| format!("cannot open the desk in {}", path.display()))
}

/// Where both indexes (BM25 and vectors) are kept.
pub fn index_dir(settings: &Settings) -> PathBuf {
    settings.data_dir.join("index")
}
