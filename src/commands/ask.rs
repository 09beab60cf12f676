//! `consulta ask`: one question from the command line, or one per line of stdin, answered with
//! citations from the local indexes.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Context;

use consulta_retrieval::{AskOptions, Engine, RetrievalError, SearchFilter};

use crate::cli::AskArgs;
use crate::config::Settings;
use crate::{engine, output};

/// Answers one question, or every line of stdin with the model loaded once.
pub fn run(settings: &Settings, args: AskArgs) -> anyhow::Result<ExitCode> {
    let options = AskOptions {
        language: args
            .lang
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(anyhow::Error::msg)?,
        filter: SearchFilter {
            tags: args.tags.clone(),
            ..SearchFilter::default()
        },
        ..AskOptions::default()
    };
    match &args.question {
        Some(question) => {
            if question.trim().is_empty() {
                eprintln!("{}", output::EMPTY_QUESTION_HELP);
                return Ok(ExitCode::from(2));
            }
            let engine = engine::open(settings)?;
            if let Some(code) = refuse_empty(settings, &engine) {
                return Ok(code);
            }
            let answer = engine.ask(question, &options)?;
            let mut stdout = std::io::stdout().lock();
            if args.json {
                serde_json::to_writer(&mut stdout, &answer)?;
                writeln!(stdout)?;
            } else {
                output::write_answer(&mut stdout, &answer)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let engine = engine::open(settings)?;
            if let Some(code) = refuse_empty(settings, &engine) {
                return Ok(code);
            }
            answer_stdin(&engine, &options, args.json)
        }
    }
}

/// An empty index answers nothing: say how to fill it and fail, rather than print empty answers.
fn refuse_empty(settings: &Settings, engine: &Engine) -> Option<ExitCode> {
    if engine.stats().passages > 0 {
        return None;
    }
    eprintln!(
        "the index in {} is empty: run `consulta ingest` first (it reads the knowledge base in {})",
        engine::index_dir(settings).display(),
        settings.kb_dir.display()
    );
    Some(ExitCode::FAILURE)
}

/// One question per line; blank lines are skipped, invalid UTF-8 is replaced rather than fatal, so one
/// bad line never costs the answers to the others.
fn answer_stdin(engine: &Engine, options: &AskOptions, json: bool) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.split(b'\n') {
        let line = line.context("cannot read stdin")?;
        let question = String::from_utf8_lossy(&line);
        let question = question.trim();
        if question.is_empty() {
            continue;
        }
        match engine.ask(question, options) {
            Ok(answer) if json => {
                serde_json::to_writer(&mut stdout, &answer)?;
                writeln!(stdout)?;
            }
            Ok(answer) => {
                output::write_answer(&mut stdout, &answer)?;
                writeln!(stdout)?;
            }
            Err(RetrievalError::EmptyQuestion { .. }) => continue,
            Err(error) => return Err(error.into()),
        }
        stdout.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
