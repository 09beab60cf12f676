//! `consulta serve`: the whole service in one process — the HTTP API and pages, the desk's deliveries
//! and reminders, and the bots (Telegram, Discord) whose tokens are configured — until Ctrl-C or SIGTERM.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use consulta_bot::discord::DiscordBot;
use consulta_bot::service::{
    KnowledgeSources, Metrics, Service, ServiceConfig, ServiceParts, StartProgress, WebInbox,
    starting_router,
};
use consulta_bot::telegram::TelegramBot;
use consulta_desk::{DeskDuties, Platform, SystemClock};
use consulta_retrieval::Engine;
use tokio::sync::watch;

use super::chat_bot::run_if_configured;
use super::shutdown::Shutdown;
use crate::cli::ServeArgs;
use crate::config::Settings;
use crate::engine;

/// How long `serve` waits between two attempts to open a vector store it could not reach.
const STORE_RETRY_EVERY: Duration = Duration::from_secs(5);

/// Serves until a signal, then stops taking requests, lets those in flight finish (for at most
/// `service.shutdown_grace_secs`), and stops the bots, the deliveries and the reminders.
pub fn run(settings: &Settings, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = settings.service.clone();
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(primary) = args.replica_of {
        config.replica_of = primary;
    }
    if !config.replica_of.trim().is_empty() {
        return super::serve_replica::run(settings, config);
    }
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let result = runtime.block_on(serve_primary(settings, config));
    // A question still being answered on the blocking pool must not hold the exit past the grace.
    runtime.shutdown_timeout(grace);
    result
}

/// The primary: listens at once (up, not ready), waits for the vector store, then serves the API.
async fn serve_primary(settings: &Settings, config: ServiceConfig) -> anyhow::Result<ExitCode> {
    let (listener, address) = bind(config.listen).await?;
    let shutdown = Arc::new(Shutdown::new());
    tokio::spawn({
        let shutdown = shutdown.clone();
        async move { shutdown.on_signal().await }
    });
    let (progress, progress_seen) = watch::channel(StartProgress::default());
    let (routers, router) = watch::channel(starting_router(progress_seen));
    // One set of counters from the start, so the answers refused while starting are counted too.
    let metrics = Metrics::default();
    let http = tokio::spawn(consulta_bot::service::serve(
        listener,
        router,
        config.connection_limits(),
        metrics.clone(),
        shutdown.signalled(),
    ));
    // Scripts and tests read these lines to find the port when listening on port 0.
    println!("consulta: starting on http://{address}");
    std::io::stdout().flush()?;
    let engine = match wait_for_engine(settings, &progress, &shutdown).await {
        Ok(Some(engine)) => engine,
        Ok(None) => {
            http.await.context("the HTTP server panicked")??;
            tracing::info!("stopped before the vector store could be reached");
            return Ok(ExitCode::SUCCESS);
        }
        Err(error) => {
            shutdown.start();
            let _ = http.await;
            return Err(error);
        }
    };
    let desk = engine::open_desk(settings, Some(engine.clone()))?;
    let inbox_dir = settings.data_dir.join("web");
    let inbox = WebInbox::open(&inbox_dir)
        .with_context(|| format!("cannot open the web inbox in {}", inbox_dir.display()))?;
    let telegram_here = !settings.telegram.token.trim().is_empty();
    let discord_here = !settings.discord.token.trim().is_empty();
    // A platform without its bot here is relayed to a bot process, if one can authenticate.
    let relayed: Vec<Platform> = if config.frontend_token.is_empty() && config.frontends.is_empty()
    {
        Vec::new()
    } else {
        [
            (Platform::Telegram, telegram_here),
            (Platform::Discord, discord_here),
        ]
        .into_iter()
        .filter(|(_, here)| !here)
        .map(|(platform, _)| platform)
        .collect()
    };
    let service = Service::new(ServiceParts {
        config,
        engine,
        desk: desk.clone(),
        metrics,
        inbox,
        relayed,
        sources: KnowledgeSources {
            kb_dir: settings.kb_dir.clone(),
            documents_dir: settings.data_dir.join("documents"),
            ingest: settings.ingest.clone(),
        },
    })
    .map_err(anyhow::Error::msg)?;
    let telegram = if telegram_here {
        let store = settings.data_dir.join("telegram");
        let clock = Arc::new(SystemClock);
        Some(TelegramBot::connect(&settings.telegram, service.assistant(), &store, clock).await?)
    } else {
        None
    };
    let discord = if discord_here {
        let store = settings.data_dir.join("discord");
        let clock = Arc::new(SystemClock);
        Some(DiscordBot::connect(&settings.discord, service.assistant(), &store, clock).await?)
    } else {
        None
    };
    let mut duties = DeskDuties::new(desk.clone());
    for frontend in service.frontends() {
        duties = duties.with_frontend(frontend);
    }
    if let Some(bot) = &telegram {
        duties = duties.with_frontend(bot.frontend());
    }
    if let Some(bot) = &discord {
        duties = duties.with_frontend(bot.frontend());
    }
    // The starting routes are done with: from here on every request gets the full API.
    let _starting = routers.send_replace(service.router());
    println!("consulta: listening on http://{address}");
    std::io::stdout().flush()?;
    tokio::join!(
        run_if_configured(telegram.as_ref(), shutdown.signalled()),
        run_if_configured(discord.as_ref(), shutdown.signalled()),
        duties.run(shutdown.signalled())
    );
    http.await
        .context("the HTTP server panicked")?
        .context("the HTTP server failed")?;
    // Nothing of the desk is left to write: every change was flushed when it was committed.
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Opens the engine, waiting out a vector store that cannot be reached yet (a Qdrant server still
/// starting): `/readyz` says so meanwhile. `None` when a shutdown came first; other failures (a
/// wrong key, a collection made for another model) are returned at once.
async fn wait_for_engine(
    settings: &Settings,
    progress: &watch::Sender<StartProgress>,
    shutdown: &Shutdown,
) -> anyhow::Result<Option<Engine>> {
    let mut attempts = 0;
    loop {
        let own = settings.clone();
        let opened = tokio::task::spawn_blocking(move || engine::open(&own))
            .await
            .context("opening the engine panicked")?;
        attempts += 1;
        match opened {
            Ok(engine) => return Ok(Some(engine)),
            Err(error) if store_unreachable(&error) => {
                let last_error = format!("{error:#}");
                tracing::warn!(error = %last_error, attempts, "the vector store cannot be reached yet; /readyz answers 503 until it can");
                progress.send_replace(StartProgress {
                    attempts,
                    last_error,
                });
            }
            Err(error) => return Err(error),
        }
        tokio::select! {
            () = shutdown.signalled() => return Ok(None),
            () = tokio::time::sleep(STORE_RETRY_EVERY) => {}
        }
    }
}

/// Whether opening the engine failed only because the Qdrant server could not be reached.
fn store_unreachable(error: &anyhow::Error) -> bool {
    #[cfg(feature = "qdrant")]
    {
        error.chain().any(|cause| {
            cause
                .downcast_ref::<consulta_retrieval::RetrievalError>()
                .is_some_and(consulta_retrieval::store_unreachable)
        })
    }
    #[cfg(not(feature = "qdrant"))]
    {
        let _ = error;
        false
    }
}

/// The listening socket and its address (the port, when `listen` asked for port 0).
pub(super) async fn bind(
    listen: std::net::SocketAddr,
) -> anyhow::Result<(tokio::net::TcpListener, std::net::SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}: is another process using it?"))?;
    let address = listener.local_addr()?;
    Ok((listener, address))
}
