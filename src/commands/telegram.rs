//! `consulta telegram`: the Telegram bot and its deliveries, until a signal. Either with the indexes
//! and the desk in this process, or, with `--service-url`, as a front-end of a running service.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use consulta_bot::assistant::{Assistant, LocalAssistant};
use consulta_bot::desk::OutboxWorker;
use consulta_bot::remote::{RelayClient, RemoteAssistant, ServiceClient};
use consulta_bot::telegram::{TelegramBot, TelegramError};

use super::shutdown::Shutdown;
use crate::cli::FrontEndArgs;
use crate::config::Settings;
use crate::engine;

/// Connects to Telegram, then answers and delivers until Ctrl-C or SIGTERM; in-flight updates finish
/// before it exits.
pub fn run(settings: &Settings, args: FrontEndArgs) -> anyhow::Result<ExitCode> {
    // Before loading the model, so a missing token is reported at once.
    if settings.telegram.token.trim().is_empty() {
        return Err(TelegramError::NoToken.into());
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let store = settings.data_dir.join("telegram");
    let shutdown = Shutdown::new();
    match args.service_url {
        Some(url) => runtime.block_on(async {
            let client = ServiceClient::new(&url, &settings.service.frontend_token)?;
            let assistant: Arc<dyn Assistant> = Arc::new(RemoteAssistant::new(client.clone()));
            let bot = TelegramBot::connect(&settings.telegram, assistant, &store).await?;
            let relay = RelayClient::new(client, bot.frontend());
            tracing::info!(service = %url, "running as a front-end of the service");
            tokio::join!(
                shutdown.on_signal(),
                bot.run(shutdown.signalled()),
                relay.run(shutdown.signalled())
            );
            Ok(ExitCode::SUCCESS)
        }),
        None => {
            let engine = engine::open(settings)?;
            let desk = engine::open_desk(settings, Some(engine.clone()))?;
            runtime.block_on(async {
                let assistant = Arc::new(LocalAssistant::new(engine, desk.clone()));
                let bot = TelegramBot::connect(&settings.telegram, assistant, &store).await?;
                let worker = OutboxWorker::new(desk).with_frontend(bot.frontend());
                tokio::join!(
                    shutdown.on_signal(),
                    bot.run(shutdown.signalled()),
                    worker.run(shutdown.signalled())
                );
                Ok(ExitCode::SUCCESS)
            })
        }
    }
}
