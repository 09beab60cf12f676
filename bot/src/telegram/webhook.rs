//! Webhook mode: Telegram posts each update to our HTTPS endpoint instead of us long-polling.
//!
//! The listener binds `telegram.webhook_listen` (behind the reverse proxy that terminates TLS for
//! `telegram.webhook_url`). An update is acknowledged as soon as it is kept in the inbox (see
//! [`super::inbox`]), not after it was handled: Telegram does not wait on a slow answer, and a crash
//! after the acknowledgement loses nothing, because the kept update is handled at the next start. A
//! repeated delivery of an update already kept is acknowledged and dropped.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use teloxide::types::Update;
use tokio::net::TcpListener;

use super::intake::Intake;
use crate::service::same_secret;

/// The header Telegram sends the secret in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// What the webhook handler needs.
#[derive(Clone)]
struct Receiver {
    /// Where updates are kept and handled.
    intake: Arc<Intake>,
    /// The secret Telegram must present.
    secret: Arc<str>,
}

/// Serves the webhook on `listener` at `path` until `shutdown`.
pub(super) async fn serve(
    intake: Arc<Intake>,
    listener: TcpListener,
    path: &str,
    secret: &str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let receiver = Receiver {
        intake,
        secret: Arc::from(secret),
    };
    let app = Router::new()
        .route(path, post(receive))
        .with_state(receiver);
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::error!(%error, "the Telegram webhook listener failed");
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let presented = headers
        .get(SECRET_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !same_secret(presented, &receiver.secret) {
        tracing::warn!("a webhook call without the right secret was refused");
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(error) => {
            tracing::warn!(%error, "a webhook call was not a Telegram update");
            return StatusCode::BAD_REQUEST;
        }
    };
    match receiver.intake.receive(update, &body) {
        Ok(_) => StatusCode::OK,
        Err(error) => {
            // Not kept: Telegram delivers it again.
            tracing::error!(%error, "a Telegram update could not be kept; asking Telegram to resend it");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}
