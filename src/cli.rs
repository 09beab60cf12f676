//! The command line: subcommands, their arguments and the settings every subcommand takes.

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
    /// Read the knowledge base or a library (PDF, HTML, DOCX, text, Markdown, FAQ YAML and CSV) and
    /// bring both indexes up to date: unchanged documents are skipped, removed ones leave the index.
    Ingest(IngestArgs),
    /// Answer a question with cited passages.
    Ask(AskArgs),
    /// Measure retrieval quality on the gold sets (in builds with `--features eval`).
    Eval(EvalArgs),
    /// Work the expert desk from a terminal: list, show and act on tickets.
    Tickets(TicketsArgs),
    /// Outcomes over a period, the busiest tags, and the coverage gaps to write about next.
    Report(ReportArgs),
    /// Run the Telegram bot (long polling) and deliver the desk's notifications on Telegram, until
    /// Ctrl-C or SIGTERM. The token comes from `CONSULTA_TELEGRAM__TOKEN` or `[telegram] token`.
    Telegram(FrontEndArgs),
    /// Run the Discord bot (gateway, slash commands) and deliver the desk's notifications on Discord,
    /// until Ctrl-C or SIGTERM; with `--service-url`, as a front-end of a running `consulta serve`.
    /// The token comes from `CONSULTA_DISCORD__TOKEN` or `[discord] token`.
    Discord(FrontEndArgs),
    /// Copy the vectors between the embedded store and a Qdrant server (resumable, verified),
    /// from the store the configuration does not name into the one `--to` names.
    Migrate(MigrateArgs),
    /// Run the service: the HTTP API, the chat page and the expert console, the desk's deliveries,
    /// and the bots whose tokens are configured, in one process until Ctrl-C or SIGTERM.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (setting `service.listen`, default 127.0.0.1:8080).
    #[arg(long, env = "CONSULTA_LISTEN")]
    pub listen: Option<std::net::SocketAddr>,
    /// Serve as a replica of the primary `consulta serve` at this URL (setting
    /// `service.replica_of`): answer questions from the primary's Qdrant collection, record them
    /// in its desk. Needs `vector_store = "qdrant"` and `service.frontend_token`.
    #[arg(long, env = "CONSULTA_REPLICA_OF")]
    pub replica_of: Option<String>,
}

#[derive(Debug, Args)]
pub struct FrontEndArgs {
    /// Talk to a running `consulta serve` at this URL instead of opening the indexes and the desk
    /// here; the token is `service.frontend_token` (`CONSULTA_SERVICE__FRONTEND_TOKEN`).
    #[arg(long, env = "CONSULTA_SERVICE_URL")]
    pub service_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The store to copy into: `qdrant` (from the embedded store into `[retrieval.qdrant]`) or
    /// `edge` (from that collection, or from `--snapshot`, into the embedded store).
    #[arg(long)]
    pub to: consulta_retrieval::VectorStoreKind,

    /// With `--to edge`: restore from this Qdrant shard snapshot file instead of the server.
    #[arg(long)]
    pub snapshot: Option<PathBuf>,

    /// Points per page (one read and one write).
    #[arg(long, default_value_t = 512)]
    pub batch_size: usize,

    /// Points searched in both stores to verify the copy.
    #[arg(long, default_value_t = 20)]
    pub samples: usize,

    /// Empty a target store that already holds points, instead of refusing.
    #[arg(long)]
    pub overwrite: bool,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TicketsArgs {
    /// The expert acting: their identity is `cli:NAME`, which must be listed in their
    /// `[[desk.experts]]` entry. Needed for every action, not for `list` and `show`.
    #[arg(long = "as", env = "CONSULTA_EXPERT", global = true)]
    pub expert: Option<String>,

    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: TicketCommand,
}

#[derive(Debug, Subcommand)]
pub enum TicketCommand {
    /// Tickets, newest first.
    List {
        /// Only tickets with this status (open, claimed, answered, closed, reopened).
        #[arg(long)]
        status: Option<String>,
    },
    /// One ticket with what Consulta found and its full history.
    Show { id: String },
    /// Take a ticket, so that other experts leave it alone.
    Claim { id: String },
    /// Put a claimed ticket back in its group's queue.
    Unclaim { id: String },
    /// Answer the asker (on the platform they asked from). Without TEXT, the answer is read from stdin.
    Answer { id: String, text: Option<String> },
    /// Close a ticket.
    Close {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Reopen an answered or closed ticket.
    Reopen {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Add an internal note, never shown to the asker.
    Note { id: String, text: String },
    /// Ask the asker a clarifying question (on the platform they asked from); the ticket waits for
    /// their reply, which comes back onto the ticket.
    Clarify {
        id: String,
        /// The question for the asker.
        #[arg(long)]
        text: String,
    },
    /// Hand a ticket to another expert (by name) or group.
    Transfer {
        id: String,
        // An id of its own: the global `--as` is `expert` too, and two arguments with one id made
        // `--as` unknown here and the target the acting expert.
        #[arg(
            id = "to_expert",
            long = "expert",
            conflicts_with = "group",
            required_unless_present = "group"
        )]
        expert: Option<String>,
        #[arg(long)]
        group: Option<String>,
    },
    /// Make the expert answer a curated FAQ entry, searchable at once. Without options it only
    /// shows the draft (what would be published, with flagged particulars); publish the text you
    /// edited with --question and --answer, or the draft unchanged with --as-shown.
    Approve {
        id: String,
        /// The question to publish, rewritten for a general reader.
        #[arg(long)]
        question: Option<String>,
        /// The answer to publish, without the asker's particulars.
        #[arg(long)]
        answer: Option<String>,
        /// Publish the draft's question or answer (whichever is not given) unchanged.
        #[arg(long)]
        as_shown: bool,
        /// Publish although e-mail addresses, phone or document numbers are flagged in the text:
        /// name each flagged item as the draft lists it (repeat the option), so that nothing is
        /// published that the expert has not seen. A flag not named keeps the text unpublished.
        #[arg(long, value_name = "FLAGGED")]
        confirm_particulars: Vec<String>,
    },
    /// Write the curated entries as FAQ YAML files (corpus format) into DIR, for review and commit.
    Export { dir: PathBuf },
    /// Queue reminders for tickets waiting too long and apply the retention rule. `consulta serve`
    /// does this every minute; run it from cron where only the command line is used.
    Tick,
    /// Delete everything the desk holds about one asker (PLATFORM:ID, e.g. telegram:12345), as a
    /// deletion request asks; their question counts stay, anonymised, in the metrics.
    Forget { user: String },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period (YYYY-MM-DD); default 30 days ago.
    #[arg(long)]
    pub since: Option<String>,
    /// Last day of the period (YYYY-MM-DD, inclusive); default today.
    #[arg(long)]
    pub until: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// What to ingest: folders (recursively), files, file lists (`*.list`, one path per line) or
    /// manifests (`*.manifest.yaml`). Default: the knowledge base (setting `kb_dir`, `corpus/kb`).
    pub paths: Vec<PathBuf>,

    /// In folders, only files whose relative path matches this glob (repeatable; `*.pdf` matches
    /// at any depth).
    #[arg(long = "include", value_name = "GLOB")]
    pub include: Vec<String>,

    /// In folders, leave out files whose relative path matches this glob (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// No progress bars and no summary text; problems are still listed on stderr.
    #[arg(long, short)]
    pub quiet: bool,

    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
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

/// Kept in every build, so that a build without the `eval` feature still knows the command and can
/// say how to get it instead of calling it unknown.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Directory with the gold sets.
    #[arg(long, default_value = "evals/gold")]
    pub gold: PathBuf,

    /// Where to write `latest.md`, `latest.json` and every question's outcome, `questions.json`.
    #[arg(long, default_value = "evals/reports")]
    pub reports: PathBuf,

    /// Quality floors; the command fails when a metric falls below its floor.
    #[arg(long, default_value = "evals/thresholds.toml")]
    pub thresholds: PathBuf,
}
