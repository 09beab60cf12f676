//! `consulta discord`: the Discord bot and the desk's outbox worker, in one process, until a signal.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use consulta_bot::assistant::LocalAssistant;
use consulta_bot::desk::OutboxWorker;
use consulta_bot::discord::{DiscordBot, DiscordError};

use super::telegram::shutdown_signal;
use crate::config::Settings;
use crate::engine;

/// Connects to Discord, then answers and delivers until Ctrl-C or SIGTERM; events in hand finish
/// before it exits.
pub fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    // Before loading the model, so a missing token is reported at once.
    if settings.discord.token.trim().is_empty() {
        return Err(DiscordError::NoToken.into());
    }
    let engine = engine::open(settings)?;
    let desk = engine::open_desk(settings, Some(engine.clone()))?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let assistant = Arc::new(LocalAssistant::new(engine, desk.clone()));
        let store = settings.data_dir.join("discord");
        let bot = DiscordBot::connect(&settings.discord, assistant, &store).await?;
        let worker = OutboxWorker::new(desk).with_frontend(bot.frontend());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let until = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let signal = async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing the events in hand");
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
