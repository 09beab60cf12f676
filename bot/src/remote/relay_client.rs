//! The relay's client side: a front-end process collects the desk's messages for its platform from the
//! service, delivers them, and reports each outcome back so the service's outbox can retry or settle it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use super::client::{ServiceClient, segment};
use crate::service::{DoneBody, RelayFailure, RelayJob, RelayOutcome};
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
        let delivery = Delivery {
            key: &job.key,
            chat_id: &job.chat_id,
            message: &job.message,
        };
        let result = match &job.edit_of {
            Some(message_id) => self.frontend.edit(delivery, message_id).await,
            None => self.frontend.send(delivery).await,
        };
        let outcome = match result {
            Ok(message_id) => RelayOutcome::Sent(message_id),
            Err(error) => RelayOutcome::Failed(RelayFailure::from(error)),
        };
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
            // The service's outbox times the delivery out and sends it again.
            tracing::warn!(%error, key = %job.key, "cannot report a delivery to the service");
        }
    }
}
