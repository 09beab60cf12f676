//! The relay's client side: a front-end process collects the desk's messages for its platform from the
//! service, delivers them, and reports each outcome back so the service's outbox can retry or settle it;
//! retention sweeps arrive the same way, since this process keeps the ticket ↔ message rows.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use super::client::{ServiceClient, segment};
use crate::service::{DoneBody, RelayFailure, RelayJob, RelayOutcome, RelayWork};
use consulta_desk::{Delivery, FrontEnd};

/// How long one poll for deliveries waits at the service.
const POLL_SECS: u64 = 25;
/// Longest pause between polls while the service cannot be reached.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Collects the desk's messages for one platform from the service and delivers them through the
/// local front-end, reporting each outcome so the service's outbox can retry or settle it.
pub struct RelayClient {
    client: ServiceClient,
    frontend: Arc<dyn FrontEnd>,
}

impl RelayClient {
    /// Delivers for `frontend.platform()`.
    pub fn new(client: ServiceClient, frontend: Arc<dyn FrontEnd>) -> Self {
        RelayClient { client, frontend }
    }

    /// Polls and delivers until `shutdown` completes. A delivery in hand is finished and reported
    /// first, so a stop never leaves a message sent but unrecorded on purpose.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let platform = self.frontend.platform();
        let path = format!(
            "/v1/relay/{}/next?wait_secs={POLL_SECS}",
            segment(platform.as_str())
        );
        let mut backoff = Duration::from_secs(1);
        loop {
            let poll = self
                .client
                .call::<Value, RelayJob>(Method::GET, &path, None, None);
            let job = tokio::select! {
                () = &mut shutdown => return,
                job = poll => job,
            };
            match job {
                Ok(Some(job)) => {
                    backoff = Duration::from_secs(1);
                    self.deliver(job).await;
                }
                Ok(None) => backoff = Duration::from_secs(1),
                Err(error) => {
                    tracing::warn!(%error, %platform, retry_in = ?backoff, "cannot collect deliveries from the service");
                    tokio::select! {
                        () = &mut shutdown => return,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    async fn deliver(&self, job: RelayJob) {
        let result = match &job.work {
            RelayWork::Deliver {
                key,
                chat_id,
                message,
                edit_of,
            } => {
                let delivery = Delivery {
                    key,
                    chat_id,
                    message,
                };
                match edit_of {
                    Some(message_id) => self.frontend.edit(delivery, message_id).await,
                    None => self.frontend.send(delivery).await,
                }
                .map(RelayOutcome::Sent)
            }
            RelayWork::Forget { swept } => {
                let forgot = self.frontend.forget(swept).await;
                if forgot.is_ok() {
                    // The operator of the bot process sees retention reach it (ids are no one's data).
                    tracing::info!(tickets = ?swept.ticket_ids, questions = swept.question_ids.len(), "dropped the rows about what the desk's retention swept");
                }
                forgot.map(|()| RelayOutcome::Forgot)
            }
        };
        let outcome =
            result.unwrap_or_else(|error| RelayOutcome::Failed(RelayFailure::from(error)));
        let platform = self.frontend.platform();
        let path = format!("/v1/relay/{}/done", segment(platform.as_str()));
        let body = DoneBody {
            job: job.job,
            outcome,
        };
        if let Err(error) = self
            .client
            .call::<DoneBody, Value>(Method::POST, &path, None, Some(&body))
            .await
        {
            // The service times the job out: the outbox delivers it again, the duties sweep again.
            tracing::warn!(%error, job = job.job, "cannot report a relayed job to the service");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::Json;
    use axum::extract::State;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::routing::{get, post};
    use consulta_desk::{DeliveryError, FailureKind, Forgotten, Platform, RecordingFrontEnd};
    use tokio::sync::watch;

    use super::*;
    use crate::service::Relay;

    /// The service's two relay routes over a real [`Relay`], without the rest of the service.
    async fn serve_relay(relay: Relay) -> String {
        async fn next(State(relay): State<Relay>) -> Response {
            match relay.next(Duration::from_secs(1)).await {
                Some(job) => Json(job).into_response(),
                None => StatusCode::NO_CONTENT.into_response(),
            }
        }
        async fn done(State(relay): State<Relay>, Json(body): Json<DoneBody>) -> StatusCode {
            relay.done(body.job, body.outcome);
            StatusCode::NO_CONTENT
        }
        let router = axum::Router::new()
            .route("/v1/relay/telegram/next", get(next))
            .route("/v1/relay/telegram/done", post(done))
            .with_state(relay);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        url
    }

    /// The relay's answer to `swept` once the bot process is connected (before its first poll,
    /// the relay says none is).
    async fn forget_through(relay: &Relay, swept: &Forgotten) -> Result<(), DeliveryError> {
        loop {
            match relay.forget(swept).await {
                Err(error) if error.reason.contains("is connected") => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                outcome => return outcome,
            }
        }
    }

    #[tokio::test]
    async fn a_bot_process_drops_its_rows_about_a_relayed_sweep_and_says_when_it_could_not() {
        let relay = Relay::new(Platform::Telegram);
        let url = serve_relay(relay.clone()).await;
        let store = Arc::new(RecordingFrontEnd::new(Platform::Telegram));
        let client = RelayClient::new(ServiceClient::new(&url, "token").unwrap(), store.clone());
        let (stop, mut stopped) = watch::channel(false);
        let running = tokio::spawn(async move {
            client
                .run(async move {
                    let _ = stopped.wait_for(|stopped| *stopped).await;
                })
                .await;
        });
        let swept = Forgotten {
            ticket_ids: vec!["K7P2Q".parse().unwrap()],
            ..Forgotten::default()
        };

        store.fail_next_forget(1, DeliveryError::transient("the store is busy"));
        let failed = forget_through(&relay, &swept).await.unwrap_err();
        assert_eq!(failed.kind, FailureKind::Transient);
        assert!(failed.reason.contains("busy"), "{}", failed.reason);
        assert!(store.forgotten().is_empty());

        forget_through(&relay, &swept)
            .await
            .expect("the rows are dropped");
        assert_eq!(store.forgotten(), [swept]);

        stop.send(true).unwrap();
        running.await.unwrap();
    }
}
