//! `consulta telegram`: the Telegram bot and the desk's outbox worker, in one process, until a signal.

use std::process::ExitCode;

use consulta_bot::telegram::{TelegramBot, TelegramError};

use super::chat_bot::run_until_signal;
use crate::config::Settings;

/// Connects to Telegram, then answers and delivers until Ctrl-C or SIGTERM; in-flight updates finish
/// before it exits.
pub fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    // Before loading the model, so a missing token is reported at once.
    if settings.telegram.token.trim().is_empty() {
        return Err(TelegramError::NoToken.into());
    }
    run_until_signal(settings, "telegram", async |assistant, store| {
        Ok(TelegramBot::connect(&settings.telegram, assistant, &store).await?)
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
