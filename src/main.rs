//! `consulta`: cited answers on Article 6 of the Paris Agreement, with human experts behind them.
//!
//! The binary is thin: it parses the command line and the configuration, then hands over to the crates
//! (`consulta-corpus`, `consulta-models`, `consulta-retrieval`, `consulta-bot`, `consulta-evals`).

mod cli;
mod commands;
mod config;
mod engine;
mod fetch;
mod output;
mod progress;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    init_logging(cli.verbose);
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("consulta: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr so that stdout stays clean for `--json` output. `CONSULTA_LOG` takes a
/// tracing filter (`info`, `consulta_retrieval=debug`); `-v` raises the default from `warn`.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CONSULTA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
