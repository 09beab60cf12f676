use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Cited answers on Article 6 of the Paris Agreement (cooperative approaches, ITMOs, the crediting
/// mechanism), in Spanish, Portuguese and English, with human experts behind them.
#[derive(Debug, Parser)]
#[command(name = "consulta", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// More log output on stderr (-v info, -vv debug). `CONSULTA_LOG` takes a full filter.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

/// Where state and settings live; every subcommand takes these.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Directory for the indexes and the desk (setting `data_dir`, default `./data`).
    #[arg(long, env = "CONSULTA_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// TOML configuration file; every setting can also be set as `CONSULTA_*` in the environment.
    #[arg(long, env = "CONSULTA_CONFIG", global = true)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the knowledge base and bring both indexes up to date (only new or changed passages are embedded).
    Ingest(IngestArgs),
    /// Answer a question with cited passages.
    Ask(AskArgs),
    /// Measure retrieval quality on the gold sets.
    Eval(EvalArgs),
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Knowledge-base directory (setting `kb_dir`, default `corpus/kb`).
    pub path: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question. Without one, questions are read from stdin, one per line.
    pub question: Option<String>,

    /// Print JSON: one object for a question, one line per question when reading stdin.
    #[arg(long)]
    pub json: bool,

    /// Answer in this language (es, pt, en) instead of the question's own.
    #[arg(long)]
    pub lang: Option<String>,

    /// Only use passages with this tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Directory with the gold sets.
    #[arg(long, default_value = "evals/gold")]
    pub gold: PathBuf,

    /// Where to write `latest.md` and `latest.json`.
    #[arg(long, default_value = "evals/reports")]
    pub reports: PathBuf,

    /// Quality floors; the command fails when a metric falls below its floor.
    #[arg(long, default_value = "evals/thresholds.toml")]
    pub thresholds: PathBuf,
}
