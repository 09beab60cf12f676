//! A replica following the primary's library: it polls the catalog and applies each new revision, so
//! its answers cite what the primary's do.

use std::time::Duration;

use consulta_retrieval::{Engine, FollowReport, RetrievalError};

use super::client::{RemoteError, ServiceClient};
use crate::service::Metrics;

/// Why one poll of the primary's manifest changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    /// The primary could not be asked, or refused.
    #[error(transparent)]
    Remote(#[from] RemoteError),
    /// The manifest could not be followed (unreadable, another model, a disk error).
    #[error(transparent)]
    Engine(#[from] RetrievalError),
    /// The blocking task that follows the manifest panicked.
    #[error("following the manifest failed: {0}")]
    Worker(String),
}

/// Keeps a replica's engine on the primary's passages: polls `GET /v1/catalog` and follows each
/// new revision. Polling is safe to repeat, so a failed poll is only logged; the replica keeps
/// answering from the passages it has, and the next poll is the retry.
pub struct CatalogFollower {
    client: ServiceClient,
    engine: Engine,
    metrics: Metrics,
    /// The revision the engine follows; `None` until the first manifest arrived.
    known: Option<String>,
}

impl CatalogFollower {
    /// Follows the primary `client` talks to into `engine` (a replica's), counting in `metrics`.
    pub fn new(client: ServiceClient, engine: Engine, metrics: Metrics) -> Self {
        CatalogFollower {
            client,
            engine,
            metrics,
            known: None,
        }
    }

    /// One poll: `Some` with what changed when the primary had a new manifest, `None` when the
    /// replica already had it.
    pub async fn poll(&mut self) -> Result<Option<FollowReport>, FollowError> {
        let outcome = self.fetch_and_follow().await;
        match &outcome {
            Ok(_) => self.metrics.replica_synced(),
            Err(_) => self.metrics.replica_sync_failed(),
        }
        outcome
    }

    async fn fetch_and_follow(&mut self) -> Result<Option<FollowReport>, FollowError> {
        let Some((revision, manifest)) = self.client.manifest_since(self.known.as_deref()).await?
        else {
            return Ok(None);
        };
        let engine = self.engine.clone();
        let report = tokio::task::spawn_blocking(move || engine.follow(&manifest))
            .await
            .map_err(|e| FollowError::Worker(e.to_string()))??;
        self.known = Some(revision);
        Ok(Some(report))
    }

    /// Polls every `every` until `shutdown`, starting at once.
    pub async fn run(mut self, every: Duration, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            match self.poll().await {
                Ok(Some(report)) => tracing::info!(?report, "following the primary's passages"),
                Ok(None) => tracing::debug!("the primary's passages are unchanged"),
                Err(error) => tracing::warn!(
                    %error,
                    "cannot follow the primary's passages now; answering from those held, trying again"
                ),
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(every) => {}
            }
        }
    }
}
