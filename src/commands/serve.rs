//! `consulta serve`: the whole service in one process — the HTTP API and pages, the desk's deliveries
//! and reminders, and the bots (Telegram, Discord) whose tokens are configured — until Ctrl-C or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use consulta_bot::desk::{OutboxWorker, Platform};
use consulta_bot::discord::DiscordBot;
use consulta_bot::service::{KnowledgeSources, Metrics, Service, ServiceParts, WebInbox};
use consulta_bot::telegram::TelegramBot;

use super::chat_bot::run_if_configured;
use super::shutdown::Shutdown;
use super::ticker::tick;
use crate::cli::ServeArgs;
use crate::config::Settings;
use crate::engine;

/// Serves until a signal, then stops taking requests, lets those in flight finish, and stops the bots,
/// the deliveries and the reminders.
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
    let engine = engine::open(settings)?;
    let desk = engine::open_desk(settings, Some(engine.clone()))?;
    let inbox_dir = settings.data_dir.join("web");
    let inbox = WebInbox::open(&inbox_dir)
        .with_context(|| format!("cannot open the web inbox in {}", inbox_dir.display()))?;
    let telegram_here = !settings.telegram.token.trim().is_empty();
    let discord_here = !settings.discord.token.trim().is_empty();
    // A platform without its bot here is relayed to a bot process, if one can authenticate.
    let relayed: Vec<Platform> = if config.frontend_token.is_empty() {
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
    let listen = config.listen;
    let service = Service::new(ServiceParts {
        config,
        engine,
        desk: desk.clone(),
        metrics: Metrics::default(),
        inbox,
        relayed,
        sources: KnowledgeSources {
            kb_dir: settings.kb_dir.clone(),
            documents_dir: settings.data_dir.join("documents"),
            ingest: settings.ingest.clone(),
        },
    });
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let (listener, address) = bind(listen).await?;
        let telegram = if telegram_here {
            let store = settings.data_dir.join("telegram");
            Some(TelegramBot::connect(&settings.telegram, service.assistant(), &store).await?)
        } else {
            None
        };
        let discord = if discord_here {
            let store = settings.data_dir.join("discord");
            Some(DiscordBot::connect(&settings.discord, service.assistant(), &store).await?)
        } else {
            None
        };
        let mut worker = OutboxWorker::new(desk.clone());
        for frontend in service.frontends() {
            worker = worker.with_frontend(frontend);
        }
        if let Some(bot) = &telegram {
            worker = worker.with_frontend(bot.frontend());
        }
        if let Some(bot) = &discord {
            worker = worker.with_frontend(bot.frontend());
        }
        let shutdown = Shutdown::new();
        let http = service.serve(listener, shutdown.signalled());
        // Scripts and tests read this line to find the port when listening on port 0.
        println!("consulta: listening on http://{address}");
        std::io::stdout().flush()?;
        let (_, served, (), (), (), ()) = tokio::join!(
            shutdown.on_signal(),
            http,
            run_if_configured(telegram.as_ref(), shutdown.signalled()),
            run_if_configured(discord.as_ref(), shutdown.signalled()),
            worker.run(shutdown.signalled()),
            tick(desk.clone(), shutdown.signalled())
        );
        served.context("the HTTP server failed")?;
        // Nothing of the desk is left to write: every change was flushed when it was committed.
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
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
