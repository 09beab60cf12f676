//! `consulta serve --replica-of URL`: a replica that answers questions beside a primary. It
//! searches the primary's Qdrant collection, follows the primary's passages, records every
//! question in the primary's desk, and keeps nothing that cannot be rebuilt: its data dir holds
//! a copy of the primary's manifest and a BM25 index made from it.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use consulta_bot::remote::{CatalogFollower, RemoteAssistant, ServiceClient};
use consulta_bot::service::{Metrics, ReplicaParts, Service, ServiceConfig};

use super::shutdown::Shutdown;
use crate::config::Settings;
use crate::engine;

/// Serves the read path until a signal, polling the primary for new passages meanwhile.
pub fn run(settings: &Settings, config: ServiceConfig) -> anyhow::Result<ExitCode> {
    let primary = config.replica_of.trim().to_string();
    if config.frontend_token.trim().is_empty() {
        anyhow::bail!(
            "a replica reaches its primary with the primary's front-end token: set \
             CONSULTA_SERVICE__FRONTEND_TOKEN (service.frontend_token) to the primary's"
        );
    }
    let client = ServiceClient::new(&primary, &config.frontend_token)?;
    let engine = engine::open_replica(settings)?;
    let metrics = Metrics::default();
    let every = Duration::from_secs(config.replica_poll_secs.max(1));
    let listen = config.listen;
    let service = Service::replica(ReplicaParts {
        config,
        engine: engine.clone(),
        assistant: Arc::new(RemoteAssistant::answering_with(
            client.clone(),
            engine.clone(),
        )),
        metrics: metrics.clone(),
    });
    let follower = CatalogFollower::new(client, engine, metrics);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let (listener, address) = super::serve::bind(listen).await?;
        let shutdown = Shutdown::new();
        let http = service.serve(listener, shutdown.signalled());
        println!("consulta: replica of {primary} listening on http://{address}");
        std::io::stdout().flush()?;
        let (_, served, ()) = tokio::join!(
            shutdown.on_signal(),
            http,
            follower.run(every, shutdown.signalled())
        );
        served.context("the HTTP server failed")?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}
