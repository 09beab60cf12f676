//! `consulta migrate`: copies the vectors between the embedded store and a Qdrant server, verified.

use std::process::ExitCode;

use consulta_retrieval::{MigrateOptions, VectorStoreKind};

use crate::cli::MigrateArgs;
use crate::config::Settings;
use crate::engine;

/// Copies the vectors between the embedded store and the configured Qdrant collection, with a
/// progress line, then prints what was verified and how to switch the configuration.
pub fn run(settings: &Settings, args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let options = MigrateOptions {
        batch_size: args.batch_size,
        samples: args.samples,
        overwrite: args.overwrite,
    };
    let index_dir = engine::index_dir(settings);
    let report = consulta_retrieval::migrate(
        &index_dir,
        &settings.retrieval,
        args.to,
        args.snapshot.as_deref(),
        &options,
        &|progress| {
            eprint!("\rcopied {}/{} points", progress.copied, progress.total);
            if progress.copied >= progress.total {
                eprintln!();
            }
        },
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "copied {} points from {} to {}{}; both hold {} points; {} sample searches found \
             their passage, neighbour agreement {:.0} %",
            report.copied,
            report.source,
            report.target,
            if report.resumed { " (resumed)" } else { "" },
            report.target_points,
            report.samples,
            report.neighbour_agreement * 100.0,
        );
        if report.foreign > 0 {
            println!(
                "{} points without a Consulta payload were left out",
                report.foreign
            );
        }
    }
    if let Some(passages) = report.manifest_passages
        && passages != report.target_points
    {
        eprintln!(
            "consulta: the manifest lists {passages} passages but the store holds {} points; the \
             engine repairs the difference (re-embedding what is missing) when it next opens",
            report.target_points
        );
    }
    if settings.retrieval.vector_store != args.to {
        let store = args.to;
        eprintln!(
            "consulta: the configuration still uses vector_store = \"{}\"; set vector_store = \
             \"{store}\" under [retrieval] (or CONSULTA_RETRIEVAL__VECTOR_STORE={store}) to use \
             the copy{}",
            settings.retrieval.vector_store,
            if store == VectorStoreKind::Qdrant {
                ""
            } else {
                "; the server collection is left as it was"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
