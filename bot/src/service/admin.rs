//! The operator's routes: add a document, rebuild the indexes.

use std::path::Path as FsPath;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use consulta_retrieval::SyncReport;
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::error::ApiError;
use super::{KnowledgeSources, Service};

/// Extensions the knowledge-base loader reads.
const DOCUMENT_EXTENSIONS: [&str; 3] = ["yaml", "yml", "md"];

/// What a reindex did.
#[derive(Debug, Serialize)]
pub struct ReindexResponse {
    /// Passages read from the knowledge base and the added documents.
    pub passages: usize,
    /// Files that could not be read, with the reason; the rest was indexed.
    pub errors: Vec<String>,
    /// What changed in the indexes.
    pub sync: SyncReport,
}

pub(super) async fn reindex(
    State(service): State<Service>,
    headers: HeaderMap,
) -> Result<Json<ReindexResponse>, ApiError> {
    Caller::from_headers(&headers, &service.state.config)?.require_admin()?;
    Ok(Json(rebuild(&service).await?))
}

/// Syncs both indexes with the knowledge base and the added documents, one rebuild at a time.
async fn rebuild(service: &Service) -> Result<ReindexResponse, ApiError> {
    let _one_at_a_time = service.state.reindexing.lock().await;
    let engine = service.state.engine.clone();
    let sources = service.state.sources.clone();
    tokio::task::spawn_blocking(move || {
        let (passages, errors) = load_sources(&sources);
        let sync = engine
            .sync(&passages, &|_, _| {})
            .map_err(ApiError::internal)?;
        Ok(ReindexResponse {
            passages: passages.len(),
            errors,
            sync,
        })
    })
    .await
    .map_err(ApiError::internal)?
}

fn load_sources(sources: &KnowledgeSources) -> (Vec<consulta_corpus::Passage>, Vec<String>) {
    let mut passages = Vec::new();
    let mut errors = Vec::new();
    for dir in [&sources.kb_dir, &sources.documents_dir] {
        if !dir.exists() {
            continue;
        }
        let loaded = consulta_corpus::load_dir(dir);
        passages.extend(loaded.passages);
        errors.extend(loaded.errors.iter().map(ToString::to_string));
    }
    (passages, errors)
}

/// `POST /v1/documents?name=...`: the body is the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentQuery {
    name: String,
}

/// What adding a document did.
#[derive(Debug, Serialize)]
pub struct DocumentResponse {
    /// The file name it is stored under.
    pub document: String,
    /// Passages read from it.
    pub passages: usize,
    /// The reindex that made it searchable.
    pub reindex: ReindexResponse,
}

pub(super) async fn add_document(
    State(service): State<Service>,
    headers: HeaderMap,
    Query(query): Query<DocumentQuery>,
    body: Bytes,
) -> Result<Json<DocumentResponse>, ApiError> {
    Caller::from_headers(&headers, &service.state.config)?.require_admin()?;
    let name = document_name(&query.name)?;
    if body.is_empty() {
        return Err(ApiError::bad_request("the document is empty"));
    }
    let documents_dir = service.state.sources.documents_dir.clone();
    let stored = name.clone();
    let passages =
        tokio::task::spawn_blocking(move || store_document(&documents_dir, &stored, &body))
            .await
            .map_err(ApiError::internal)??;
    let reindex = rebuild(&service).await?;
    Ok(Json(DocumentResponse {
        document: name,
        passages,
        reindex,
    }))
}

/// A plain file name with an extension the loader reads: never a path, so an upload cannot land
/// outside the documents folder.
fn document_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    let extension = FsPath::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !plain {
        return Err(ApiError::bad_request(
            "`name` must be a plain file name (letters, digits, `.`, `-`, `_`), e.g. faq-2026.es.yaml",
        ));
    }
    match extension {
        Some(ext) if DOCUMENT_EXTENSIONS.contains(&ext.as_str()) => Ok(name.to_string()),
        _ => Err(ApiError::bad_request(format!(
            "unsupported document type: use one of {}",
            DOCUMENT_EXTENSIONS.join(", ")
        ))),
    }
}

/// Parses the document in a scratch folder first, so a broken file never reaches the knowledge base.
fn store_document(documents_dir: &FsPath, name: &str, body: &[u8]) -> Result<usize, ApiError> {
    std::fs::create_dir_all(documents_dir).map_err(ApiError::internal)?;
    // Beside the documents folder, not in it: a reindex running meanwhile must not read the upload.
    let scratch = tempfile::Builder::new()
        .prefix(".upload-")
        .tempdir_in(documents_dir.parent().unwrap_or(documents_dir))
        .map_err(ApiError::internal)?;
    let candidate = scratch.path().join(name);
    std::fs::write(&candidate, body).map_err(ApiError::internal)?;
    let loaded = consulta_corpus::load_dir(scratch.path());
    if let Some(error) = loaded.errors.first() {
        return Err(ApiError::bad_request(format!(
            "the document cannot be read: {error}"
        )));
    }
    if loaded.passages.is_empty() {
        return Err(ApiError::bad_request(
            "the document has no passages to index",
        ));
    }
    std::fs::rename(&candidate, documents_dir.join(name)).map_err(ApiError::internal)?;
    Ok(loaded.passages.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_names_cannot_be_paths() {
        assert!(document_name("faq.es.yaml").is_ok());
        assert!(document_name("guía_2026.md").is_ok());
        for bad in [
            "../etc/passwd.md",
            "a/b.md",
            ".hidden.md",
            "",
            "notes.exe",
            "x.pdf.sh",
        ] {
            assert!(document_name(bad).is_err(), "{bad}");
        }
    }
}
