//! One module per subcommand; each turns parsed arguments and settings into calls on the crates.

mod ask;
mod chat_bot;
mod discord;
#[cfg(feature = "eval")]
mod eval;
#[cfg(not(feature = "eval"))]
mod no_eval;
#[cfg(not(feature = "eval"))]
use no_eval as eval;
mod ingest;
mod migrate;
mod report;
mod serve;
mod serve_replica;
mod shutdown;
mod telegram;
mod tickets;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::config::Settings;

/// Runs the chosen subcommand. Errors carry their context chain for the user; the exit code tells
/// scripts whether the command succeeded (0), failed (1) or was given bad input (2).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut settings = Settings::load(cli.global.config.as_deref())?;
    if let Some(data_dir) = cli.global.data_dir {
        settings.data_dir = data_dir;
    }
    match cli.command {
        Command::Ingest(args) => ingest::run(&settings, args),
        Command::Ask(args) => ask::run(&settings, args),
        Command::Eval(args) => eval::run(&settings, args),
        Command::Tickets(args) => tickets::run(&settings, args),
        Command::Report(args) => report::run(&settings, args),
        Command::Telegram(args) => telegram::run(&settings, args),
        Command::Discord(args) => discord::run(&settings, args),
        Command::Serve(args) => serve::run(&settings, args),
        Command::Migrate(args) => migrate::run(&settings, args),
    }
}
