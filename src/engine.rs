//! Opening the retrieval engine from settings: the one place that knows where the model and the
//! indexes live.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use consulta_bot::desk::Desk;
use consulta_models::E5Embedder;
use consulta_retrieval::Engine;

use crate::config::Settings;

/// Loads the embedding model and opens the indexes under `data_dir/index`.
pub fn open(settings: &Settings) -> anyhow::Result<Engine> {
    let embedder = E5Embedder::load(&settings.model_dir)?;
    let engine = Engine::open(
        &index_dir(settings),
        Arc::new(embedder),
        settings.retrieval.clone(),
    )
    .with_context(|| {
        format!(
            "cannot open the indexes in {}",
            index_dir(settings).display()
        )
    })?;
    load_glossary(&engine, settings)?;
    Ok(engine)
}

/// Gives `engine` the knowledge base's glossary (`kb_dir/glossary.yaml`), when there is one.
pub fn load_glossary(engine: &Engine, settings: &Settings) -> anyhow::Result<()> {
    let glossary_path = settings.kb_dir.join("glossary.yaml");
    if glossary_path.exists() {
        engine.set_glossary(Some(consulta_corpus::Glossary::load(&glossary_path)?));
    }
    Ok(())
}

/// Opens the desk's database under `data_dir/desk`; `sink` makes approved answers searchable.
pub fn open_desk(settings: &Settings, sink: Option<Engine>) -> anyhow::Result<Desk> {
    let path = settings.data_dir.join("desk");
    let mut builder = Desk::builder(settings.desk.clone());
    if let Some(engine) = sink {
        builder = builder.sink(Arc::new(engine));
    }
    builder
        .open(&path)
        .with_context(|| format!("cannot open the desk in {}", path.display()))
}

/// Where both indexes (BM25 and vectors) are kept.
pub fn index_dir(settings: &Settings) -> PathBuf {
    settings.data_dir.join("index")
}
