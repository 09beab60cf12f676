//! `consulta telegram`: the Telegram bot and its deliveries, until a signal.

use std::process::ExitCode;
use std::sync::Arc;

use consulta_bot::telegram::{TelegramBot, TelegramError};
use consulta_desk::SystemClock;

use super::chat_bot::run_until_signal;
use crate::cli::FrontEndArgs;
use crate::config::Settings;

/// Connects to Telegram, then answers and delivers until Ctrl-C or SIGTERM; in-flight updates finish
/// before it exits.
pub fn run(settings: &Settings, args: FrontEndArgs) -> anyhow::Result<ExitCode> {
    // Before loading the model, so a missing token is reported at once.
    if settings.telegram.token.trim().is_empty() {
        return Err(TelegramError::NoToken.into());
    }
    run_until_signal(
        settings,
        "telegram",
        args.service_url,
        async |assistant, store| {
            Ok(
                TelegramBot::connect(&settings.telegram, assistant, &store, Arc::new(SystemClock))
                    .await?,
            )
        },
    )
}
