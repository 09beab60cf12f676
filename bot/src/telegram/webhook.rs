//! Webhook mode: Telegram posts each update to our HTTPS endpoint instead of us long-polling.
//!
//! The listener binds `telegram.webhook_listen` (behind the reverse proxy that terminates TLS for
//! `telegram.webhook_url`). An update is acknowledged only after it was handled, so Telegram delivers
//! it again if the process dies first; a repeated delivery of an update already handled is dropped.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use teloxide::types::Update;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::ChatQueues;
use super::handler::{self, Context};
use crate::service::same_secret;

/// The header Telegram sends the secret in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";
/// Update ids remembered to drop repeated deliveries.
const REMEMBERED: usize = 4096;

/// Recently handled update ids, oldest first.
#[derive(Default)]
struct Recent {
    order: VecDeque<u32>,
    ids: HashSet<u32>,
}

impl Recent {
    /// Remembers `id`; `false` when it was already there.
    fn first_time(&mut self, id: u32) -> bool {
        if !self.ids.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > REMEMBERED
            && let Some(oldest) = self.order.pop_front()
        {
            self.ids.remove(&oldest);
        }
        true
    }
}

#[derive(Clone)]
struct Receiver {
    ctx: Arc<Context>,
    secret: Arc<str>,
    queues: Arc<Mutex<ChatQueues>>,
    recent: Arc<Mutex<Recent>>,
}

/// Serves the webhook on `listener` at `path` until `shutdown`, then finishes the updates in hand.
pub(super) async fn serve(
    ctx: Arc<Context>,
    listener: TcpListener,
    path: &str,
    secret: &str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let receiver = Receiver {
        ctx,
        secret: Arc::from(secret),
        queues: Arc::new(Mutex::new(ChatQueues::default())),
        recent: Arc::new(Mutex::new(Recent::default())),
    };
    let app = Router::new()
        .route(path, post(receive))
        .with_state(receiver.clone());
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::error!(%error, "the Telegram webhook listener failed");
    }
    let mut queues =
        std::mem::take(&mut *receiver.queues.lock().unwrap_or_else(|p| p.into_inner()));
    queues.drain().await;
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
    let first_time = receiver
        .recent
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .first_time(update.id.0);
    if !first_time {
        return StatusCode::OK;
    }
    let (handled, done) = oneshot::channel();
    let work = {
        let (ctx, update) = (receiver.ctx.clone(), update.clone());
        async move {
            handler::handle(ctx, update).await;
            let _ = handled.send(());
        }
    };
    {
        let mut queues = receiver.queues.lock().unwrap_or_else(|p| p.into_inner());
        queues.forget_finished();
        queues.push(work, &update);
    }
    match done.await {
        Ok(()) => StatusCode::OK,
        // The handler panicked: let Telegram deliver it again.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_update_is_recognised_and_old_ids_are_let_go() {
        let mut recent = Recent::default();
        assert!(recent.first_time(1));
        assert!(!recent.first_time(1));
        for id in 2..=(REMEMBERED as u32 + 1) {
            assert!(recent.first_time(id));
        }
        assert!(recent.first_time(1), "the oldest id was forgotten");
    }
}
