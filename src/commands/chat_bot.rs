//! What `consulta telegram` and `consulta discord` share: the engine and the desk, one chat bot, and
//! the desk's outbox worker delivering through it, in one process until Ctrl-C or SIGTERM.

use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use consulta_bot::assistant::LocalAssistant;
use consulta_bot::desk::{FrontEnd, OutboxWorker};
use consulta_bot::discord::DiscordBot;
use consulta_bot::telegram::TelegramBot;

use super::telegram::shutdown_signal;
use crate::config::Settings;
use crate::engine;

/// A connected chat bot, as the runner needs it.
pub(crate) trait ChatBot {
    /// What the outbox worker delivers through.
    fn frontend(&self) -> Arc<dyn FrontEnd>;
    /// Handles the platform's events until `shutdown` completes, then finishes those in hand.
    fn run(&self, shutdown: impl Future<Output = ()>) -> impl Future<Output = ()>;
}

impl ChatBot for TelegramBot {
    fn frontend(&self) -> Arc<dyn FrontEnd> {
        TelegramBot::frontend(self)
    }

    fn run(&self, shutdown: impl Future<Output = ()>) -> impl Future<Output = ()> {
        TelegramBot::run(self, shutdown)
    }
}

impl ChatBot for DiscordBot {
    fn frontend(&self) -> Arc<dyn FrontEnd> {
        DiscordBot::frontend(self)
    }

    fn run(&self, shutdown: impl Future<Output = ()>) -> impl Future<Output = ()> {
        DiscordBot::run(self, shutdown)
    }
}

/// Opens the engine and the desk, connects the bot with `connect` (given the assistant and the bot's
/// store directory, `DATA_DIR/store`), then answers and delivers until a signal; events in hand
/// finish before it returns.
pub(crate) fn run_until_signal<B: ChatBot>(
    settings: &Settings,
    store: &str,
    connect: impl AsyncFnOnce(Arc<LocalAssistant>, PathBuf) -> anyhow::Result<B>,
) -> anyhow::Result<ExitCode> {
    let engine = engine::open(settings)?;
    let desk = engine::open_desk(settings, Some(engine.clone()))?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let assistant = Arc::new(LocalAssistant::new(engine, desk.clone()));
        let bot = connect(assistant, settings.data_dir.join(store)).await?;
        let worker = OutboxWorker::new(desk).with_frontend(bot.frontend());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let until = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let signal = async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing the work in hand");
            let _ = stop.send(true);
        };
        tokio::join!(
            signal,
            bot.run(until(stopped.clone())),
            worker.run(until(stopped))
        );
        Ok(ExitCode::SUCCESS)
    })
}
