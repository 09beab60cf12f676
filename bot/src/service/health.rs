//! Probes, metrics and the JSON 404.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::IntoResponse;
use serde::Serialize;

use super::Service;
use super::error::ApiError;
use super::metrics::{DeskGauges, Snapshot};
use consulta_desk::{Desk, Status};

/// The process is up and serving HTTP.
pub(super) async fn healthz() -> &'static str {
    "ok\n"
}

/// What `/readyz` reports.
#[derive(Debug, Serialize)]
pub struct Readiness {
    /// `ready`, or why not.
    status: &'static str,
    /// Passages searchable now.
    passages: usize,
    /// Vectors in the vector store (absent when it cannot be counted).
    vectors: Option<usize>,
    /// Sentences with a vector for choosing what an answer quotes; 0 after a sync that
    /// `consulta ingest` did not follow (answers then embed sentences as they first quote them).
    sentence_vectors: usize,
}

/// Ready to answer: the indexes hold passages and the vector store answers. A service without a
/// knowledge base is up but not ready, so a load balancer keeps traffic away until `ingest` ran.
pub(super) async fn readyz(State(service): State<Service>) -> impl IntoResponse {
    let engine = service.state.engine.clone();
    let stats = tokio::task::spawn_blocking(move || engine.stats()).await;
    let Ok(stats) = stats else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Readiness {
                status: "the index could not be read",
                passages: 0,
                vectors: None,
                sentence_vectors: 0,
            }),
        );
    };
    let (code, status) = match stats.vectors {
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the vector store does not answer",
        ),
        Some(_) if stats.passages == 0 && service.primary().is_err() => (
            StatusCode::SERVICE_UNAVAILABLE,
            "no passages yet: waiting for the primary's (service.replica_of)",
        ),
        Some(_) if stats.passages == 0 => (
            StatusCode::SERVICE_UNAVAILABLE,
            "no passages indexed: run `consulta ingest`",
        ),
        Some(_) => (StatusCode::OK, "ready"),
    };
    (
        code,
        Json(Readiness {
            status,
            passages: stats.passages,
            vectors: stats.vectors,
            sentence_vectors: stats.sentence_vectors,
        }),
    )
}

/// Prometheus metrics.
pub(super) async fn metrics(State(service): State<Service>) -> Result<impl IntoResponse, ApiError> {
    let state = service.state.clone();
    let snapshot = tokio::task::spawn_blocking(move || -> Result<Snapshot, ApiError> {
        let desk = match &state.primary {
            Some(primary) => Some(desk_gauges(&primary.desk)?),
            None => None,
        };
        Ok(Snapshot {
            desk,
            passages: state.engine.stats().passages,
        })
    })
    .await
    .map_err(ApiError::internal)??;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        service.state.metrics.render(&snapshot),
    ))
}

fn desk_gauges(desk: &Desk) -> Result<DeskGauges, ApiError> {
    // Counted from the desk's status index, and only the tickets still in play are read: closed
    // ones, most of a desk, are never loaded for a scrape.
    let mut asker_unreachable = 0;
    for status in Status::ALL.into_iter().filter(|s| *s != Status::Closed) {
        asker_unreachable += desk
            .tickets_in(status)?
            .iter()
            .filter(|t| t.asker_unreachable().is_some())
            .count();
    }
    let (outbox_backlog, dead_letters) = desk.message_counts()?;
    Ok(DeskGauges {
        tickets: desk
            .ticket_counts()?
            .into_iter()
            .map(|(status, count)| (status.as_str(), count))
            .collect(),
        outbox_backlog,
        dead_letters,
        asker_unreachable,
    })
}

/// Unknown paths get the same JSON error shape as everything else; a replica says where the
/// primary's routes are.
pub(super) async fn not_found(State(service): State<Service>, uri: Uri) -> ApiError {
    match service.primary() {
        Ok(_) => ApiError::not_found(format!(
            "no route {}; the API is described at /openapi.json",
            uri.path()
        )),
        Err(replica) => replica,
    }
}
