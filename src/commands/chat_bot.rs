//! What `consulta telegram` and `consulta discord` share: one chat bot and the deliveries of the
//! desk's messages through it, until Ctrl-C or SIGTERM. Either with the engine and the desk in this
//! process (and then the desk's reminders and retention too), or, with `--service-url`, as a
//! front-end of a running `consulta serve`. A bot that stops for good (a revoked token) stops the
//! process with its reason.

use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use consulta_bot::assistant::{Assistant, LocalAssistant};
use consulta_bot::discord::DiscordBot;
use consulta_bot::remote::{RelayClient, RemoteAssistant, ServiceClient};
use consulta_bot::telegram::TelegramBot;
use consulta_desk::{DeskDuties, FrontEnd};

use super::shutdown::Shutdown;
use crate::config::Settings;
use crate::engine;

/// A connected chat bot, as the runner needs it.
pub(crate) trait ChatBot {
    /// What the desk's messages are delivered through.
    fn frontend(&self) -> Arc<dyn FrontEnd>;
    /// Handles the platform's events until `shutdown` completes, then finishes those in hand; fails
    /// when the platform refuses the bot for good.
    fn run(
        &self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> impl Future<Output = anyhow::Result<()>>;
}

/// Runs `bot`, when there is one, until `shutdown`: `consulta serve` runs each bot it has a token
/// for beside the HTTP service, which keeps serving if a bot stops for good (its reason is logged).
pub(crate) async fn run_if_configured(
    bot: Option<&impl ChatBot>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    if let Some(bot) = bot
        && let Err(error) = bot.run(shutdown).await
    {
        tracing::error!("{error:#}");
    }
}

/// Runs `bot` until `shutdown`; if it stops for good, starts the shutdown of everything else.
async fn run_or_stop_all(bot: &impl ChatBot, shutdown: &Shutdown) -> anyhow::Result<()> {
    let ran = bot.run(shutdown.signalled()).await;
    if ran.is_err() {
        shutdown.start();
    }
    ran
}

impl ChatBot for TelegramBot {
    fn frontend(&self) -> Arc<dyn FrontEnd> {
        TelegramBot::frontend(self)
    }

    async fn run(&self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        TelegramBot::run(self, shutdown).await;
        Ok(())
    }
}

impl ChatBot for DiscordBot {
    fn frontend(&self) -> Arc<dyn FrontEnd> {
        DiscordBot::frontend(self)
    }

    async fn run(&self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        Ok(DiscordBot::run(self, shutdown).await?)
    }
}

/// Connects the bot with `connect` (given the assistant and the bot's store directory,
/// `DATA_DIR/store`), then answers and delivers until a signal; events in hand finish first.
/// Without `service_url` the engine and the desk are opened here and an outbox worker delivers; with
/// it, questions and actions go to the service and a relay client collects the deliveries.
pub(crate) fn run_until_signal<B: ChatBot>(
    settings: &Settings,
    store: &str,
    service_url: Option<String>,
    connect: impl AsyncFnOnce(Arc<dyn Assistant>, PathBuf) -> anyhow::Result<B>,
) -> anyhow::Result<ExitCode> {
    let store = settings.data_dir.join(store);
    let shutdown = Shutdown::new();
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match service_url {
        Some(url) => runtime.block_on(async {
            let client = ServiceClient::new(&url, &settings.service.frontend_token)?;
            let bot = connect(Arc::new(RemoteAssistant::new(client.clone())), store).await?;
            let relay = RelayClient::new(client, bot.frontend());
            tracing::info!(service = %url, "running as a front-end of the service");
            let ((), ran, ()) = tokio::join!(
                shutdown.on_signal(),
                run_or_stop_all(&bot, &shutdown),
                relay.run(shutdown.signalled())
            );
            ran?;
            Ok(ExitCode::SUCCESS)
        }),
        None => {
            let engine = engine::open(settings)?;
            let desk = engine::open_desk(settings, Some(engine.clone()))?;
            runtime.block_on(async {
                let bot =
                    connect(Arc::new(LocalAssistant::new(engine, desk.clone())), store).await?;
                // Alone with the desk, this process owns its reminders and retention too.
                let duties = DeskDuties::new(desk).with_frontend(bot.frontend());
                let ((), ran, ()) = tokio::join!(
                    shutdown.on_signal(),
                    run_or_stop_all(&bot, &shutdown),
                    duties.run(shutdown.signalled())
                );
                ran?;
                Ok(ExitCode::SUCCESS)
            })
        }
    }
}
