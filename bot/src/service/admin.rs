//! The operator's routes: add a document, rebuild the indexes.

use std::path::Path as FsPath;
use std::sync::atomic::AtomicBool;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use consulta_corpus::library::{Source, discover, not_a_document, read_document};
use consulta_retrieval::{IngestRequest, LibraryReport, NoNetwork, NoProgress, detect_language};
use serde::{Deserialize, Serialize};

use super::access::Operator;
use super::error::ApiError;
use super::{KnowledgeSources, Service};

/// Extensions the library readers take (PDF, web pages, Word, text, Markdown, FAQ YAML and CSV).
const DOCUMENT_EXTENSIONS: [&str; 10] = [
    "pdf", "html", "htm", "docx", "txt", "md", "markdown", "yaml", "yml", "csv",
];

/// The longest file name most file systems store (ext4, APFS, NTFS: 255 bytes).
const MAX_NAME_BYTES: usize = 255;

/// What a reindex did: the same summary as `consulta ingest --json`.
#[derive(Debug, Serialize)]
pub struct ReindexResponse {
    /// Documents read, skipped (with the reason), removed; passages embedded.
    pub report: LibraryReport,
}

pub(super) async fn reindex(
    State(service): State<Service>,
    _: Operator,
) -> Result<Json<ReindexResponse>, ApiError> {
    Ok(Json(rebuild(&service).await?))
}

/// Brings both indexes up to date with the knowledge base and the added documents, one rebuild at a
/// time. Documents are fingerprinted: only new or changed ones are read and embedded.
async fn rebuild(service: &Service) -> Result<ReindexResponse, ApiError> {
    let primary = service.primary()?;
    let _one_at_a_time = primary.reindexing.lock().await;
    let engine = service.state.engine.clone();
    let sources = primary.sources.clone();
    tokio::task::spawn_blocking(move || {
        let folders: Vec<Source> = [&sources.kb_dir, &sources.documents_dir]
            .into_iter()
            .filter(|dir| dir.exists())
            .map(|dir| Source::from_path(dir, &[], &[]))
            .collect();
        let report = engine
            .ingest_library(&IngestRequest {
                sources: &folders,
                config: &sources.ingest,
                observer: &NoProgress,
                fetcher: &NoNetwork,
                cancel: &AtomicBool::new(false),
            })
            .map_err(ApiError::internal)?;
        engine
            .keep_kb_files(&sources.kb_dir)
            .map_err(ApiError::internal)?;
        Ok(ReindexResponse { report })
    })
    .await
    .map_err(ApiError::internal)?
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
    _: Operator,
    Query(query): Query<DocumentQuery>,
    body: Bytes,
) -> Result<Json<DocumentResponse>, ApiError> {
    let name = document_name(&query.name)?;
    if body.is_empty() {
        return Err(ApiError::bad_request("the document is empty"));
    }
    if let Some(reason) = not_a_document(&name, &body) {
        return Err(ApiError::bad_request(format!(
            "the reindex would not read this file: {reason}"
        )));
    }
    let sources = service.primary()?.sources.clone();
    let stored = name.clone();
    let passages = tokio::task::spawn_blocking(move || store_document(&sources, &stored, &body))
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
    if name.len() > MAX_NAME_BYTES {
        return Err(ApiError::bad_request(format!(
            "`name` is {} bytes long; file names may have at most {MAX_NAME_BYTES} bytes",
            name.len()
        )));
    }
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

/// Reads the document in a scratch folder first, with the readers and limits of the ingest, so a
/// broken or empty file never reaches the documents folder.
fn store_document(sources: &KnowledgeSources, name: &str, body: &[u8]) -> Result<usize, ApiError> {
    let documents_dir = &sources.documents_dir;
    std::fs::create_dir_all(documents_dir).map_err(ApiError::internal)?;
    // Beside the documents folder, not in it: a reindex running meanwhile must not read the upload.
    let scratch = tempfile::Builder::new()
        .prefix(".upload-")
        .tempdir_in(documents_dir.parent().unwrap_or(documents_dir))
        .map_err(ApiError::internal)?;
    let candidate_path = scratch.path().join(name);
    std::fs::write(&candidate_path, body).map_err(ApiError::internal)?;
    let found = discover(&Source::Files(vec![candidate_path.clone()]))
        .map_err(|e| ApiError::bad_request(format!("the document cannot be read: {e}")))?;
    let candidate = found
        .candidates
        .first()
        .ok_or_else(|| ApiError::bad_request("the document cannot be read"))?;
    let parsed = read_document(candidate, body, &sources.ingest.limits(), &detect_language)
        .map_err(|reason| {
            ApiError::bad_request(format!("the document cannot be read: {reason}"))
        })?;
    if parsed.passages.is_empty() {
        return Err(ApiError::bad_request(
            "the document has no passages to index",
        ));
    }
    std::fs::rename(&candidate_path, documents_dir.join(name)).map_err(ApiError::internal)?;
    Ok(parsed.passages.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_names_cannot_be_paths() {
        assert!(document_name("faq.es.yaml").is_ok());
        assert!(document_name("guía_2026.md").is_ok());
        assert!(document_name("informe-2025.PDF").is_ok());
        assert!(document_name(&format!("{}.md", "a".repeat(252))).is_ok());
        for bad in [
            "../etc/passwd.md",
            "a/b.md",
            ".hidden.md",
            "",
            "notes.exe",
            "x.pdf.sh",
            &format!("{}.md", "a".repeat(253)),
        ] {
            assert!(document_name(bad).is_err(), "{bad}");
        }
    }
}
