//! `consulta discord`: the Discord bot and its deliveries, until a signal.

use std::process::ExitCode;
use std::sync::Arc;

use consulta_bot::discord::{DiscordBot, DiscordError};
use consulta_desk::SystemClock;

use super::chat_bot::run_until_signal;
use crate::cli::FrontEndArgs;
use crate::config::Settings;

/// Connects to Discord, then answers and delivers until Ctrl-C or SIGTERM.
pub fn run(settings: &Settings, args: FrontEndArgs) -> anyhow::Result<ExitCode> {
    // Before loading the model, so a missing token is reported at once.
    if settings.discord.token.trim().is_empty() {
        return Err(DiscordError::NoToken.into());
    }
    run_until_signal(
        settings,
        "discord",
        args.service_url,
        async |assistant, store| {
            Ok(
                DiscordBot::connect(&settings.discord, assistant, &store, Arc::new(SystemClock))
                    .await?,
            )
        },
    )
}
