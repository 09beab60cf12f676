//! What the service answers while it waits for its vector store at start: it is up (`/healthz`)
//! but not ready (`/readyz` 503, saying what it waits for), and every other route is 503 with
//! `Retry-After`. A load balancer keeps traffic away, and a service manager sees a live process
//! instead of one that exits and restarts in a loop while Qdrant boots.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tokio::sync::watch;

use super::error::ApiError;

/// What `/readyz` says while starting.
#[derive(Debug, Serialize)]
struct Starting {
    /// Why the service is not ready yet.
    status: String,
    /// Attempts made to open the vector store so far.
    attempts: u32,
}

/// Where the service is in its start: how many attempts to open the store, and the last error.
#[derive(Debug, Clone, Default)]
pub struct StartProgress {
    /// Attempts made so far.
    pub attempts: u32,
    /// What the last attempt reported.
    pub last_error: String,
}

/// The routes served until the full service is ready; `progress` feeds `/readyz`.
pub fn starting_router(progress: watch::Receiver<StartProgress>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .fallback(|| async {
            ApiError::busy(
                "the service is starting: it waits for its vector store; try again shortly",
                5,
            )
        })
        .with_state(progress)
}

async fn readyz(State(progress): State<watch::Receiver<StartProgress>>) -> impl IntoResponse {
    let progress = progress.borrow().clone();
    let status = if progress.attempts == 0 {
        "starting: loading the model and opening the indexes".to_string()
    } else {
        format!(
            "waiting for the vector store ({} attempt(s) so far): {}",
            progress.attempts, progress.last_error
        )
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(Starting {
            status,
            attempts: progress.attempts,
        }),
    )
}
