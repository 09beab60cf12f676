//! `consulta telegram`: the Telegram bot and the desk's outbox worker, in one process, until a signal.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use consulta_bot::assistant::LocalAssistant;
use consulta_bot::desk::OutboxWorker;
use consulta_bot::telegram::{TelegramBot, TelegramError};

use crate::config::Settings;
use crate::engine;

/// Connects to Telegram, then answers and delivers until Ctrl-C or SIGTERM; in-flight updates finish
/// before it exits.
pub fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    // Before loading the model, so a missing token is reported at once.
    if settings.telegram.token.trim().is_empty() {
        return Err(TelegramError::NoToken.into());
    }
    let engine = engine::open(settings)?;
    let desk = engine::open_desk(settings, Some(engine.clone()))?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let assistant = Arc::new(LocalAssistant::new(engine, desk.clone()));
        let store = settings.data_dir.join("telegram");
        let bot = TelegramBot::connect(&settings.telegram, assistant, &store).await?;
        let worker = OutboxWorker::new(desk).with_frontend(bot.frontend());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let until = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let signal = async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing the updates in hand");
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

/// Ctrl-C, or SIGTERM from a service manager.
pub(crate) async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
