//! The primary's side of replication: the manifest replicas follow, and the questions they answered.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use consulta_retrieval::ManifestRead;

use super::Service;
use super::access::FrontEndCaller;
use super::error::ApiError;
use consulta_desk::{NewQuestion, QuestionId};

/// The reply of `POST /v1/questions`.
#[derive(Debug, Serialize, Deserialize)]
pub struct RecordedQuestion {
    /// What the asker's rating or escalation will refer to, on any replica or the primary.
    pub question_id: QuestionId,
}

/// `POST /v1/questions`: a replica answered a question and records it here, where the desk is.
pub(super) async fn record_question(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Json(question): Json<NewQuestion>,
) -> Result<Json<RecordedQuestion>, ApiError> {
    frontend.act_for(question.asker.platform)?;
    if !(0.0..=1.0).contains(&question.confidence) {
        return Err(ApiError::bad_request(
            "`confidence` must lie between 0 and 1",
        ));
    }
    let desk = service.primary()?.desk.clone();
    let question_id = tokio::task::spawn_blocking(move || desk.record_question(question))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(RecordedQuestion { question_id }))
}

/// `GET /v1/catalog`: the committed manifest, with its revision as the entity tag. A replica that
/// sends the tag it has in `If-None-Match` gets `304 Not Modified` until the passages change.
pub(super) async fn catalog(
    State(service): State<Service>,
    _: FrontEndCaller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    service.primary()?;
    let known: Vec<String> = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .map(|t| t.trim().trim_matches('"').to_string())
                .collect()
        })
        .unwrap_or_default();
    let engine = service.state.engine.clone();
    let read = tokio::task::spawn_blocking(move || {
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        engine.manifest_since(&known)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let tag = |revision: &str| format!("\"{revision}\"");
    Ok(match read {
        ManifestRead::Unchanged { revision } => {
            (StatusCode::NOT_MODIFIED, [(header::ETAG, tag(&revision))]).into_response()
        }
        ManifestRead::Changed(manifest) => (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (header::ETAG, tag(&manifest.revision)),
            ],
            Body::from(manifest.bytes),
        )
            .into_response(),
    })
}
