//! `consulta report`: the desk's outcomes over a period and the coverage gaps, largest first.

use std::process::ExitCode;

use anyhow::{Context, bail};

use consulta_bot::bridge::QueryVectors;
use consulta_corpus::Date;
use consulta_desk::{Period, Timestamp};
use consulta_models::E5Embedder;

use crate::cli::ReportArgs;
use crate::config::Settings;
use crate::engine;

/// Days a report covers when `--since` is not given.
const DEFAULT_DAYS: i64 = 30;

/// Prints the desk's outcomes over a period and the coverage gaps, largest first.
pub fn run(settings: &Settings, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let until = match &args.until {
        Some(day) => parse_day(day)?,
        None => Date::today(),
    };
    let since = match &args.since {
        Some(day) => parse_day(day)?,
        None => Date::from_days_since_epoch(until.days_since_epoch() - DEFAULT_DAYS),
    };
    if since > until {
        bail!("--since {since} is after --until {until}");
    }
    let period = Period {
        since: Timestamp::at_midnight(since),
        until: Timestamp::at_midnight(Date::from_days_since_epoch(until.days_since_epoch() + 1)),
    };
    let desk = engine::open_desk(settings, None)?;
    // The gap clusters group questions by meaning, with the same model that answers them.
    let embedder = E5Embedder::load(&settings.model_dir)?;
    let report = desk.report(period, &QueryVectors(&embedder))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_day(text: &str) -> anyhow::Result<Date> {
    text.parse()
        .with_context(|| format!("cannot read the day {text:?}"))
}
