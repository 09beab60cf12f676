//! `consulta eval` in a build without the `eval` feature: the gold sets, metrics and test documents
//! are not linked into the binaries we ship, so the command only says how to get a build that has
//! them, and fails.

use std::process::ExitCode;

use crate::cli::EvalArgs;
use crate::config::Settings;

/// What a build without the evaluation code answers to `consulta eval`.
const NOT_IN_THIS_BUILD: &str = "this build of consulta has no `eval`: build it with \
    `cargo build --release --features eval` (or run `make eval`, which does)";

/// Fails with [`NOT_IN_THIS_BUILD`].
pub fn run(_settings: &Settings, _args: EvalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!(NOT_IN_THIS_BUILD)
}
