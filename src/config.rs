//! Typed configuration: built-in defaults, then a TOML file, then `CONSULTA_*` environment variables.
//!
//! Every setting has one name. In the file it is a key (`[retrieval] escalate_below = 0.5`); in the
//! environment it is the same path in capitals with `__` between levels
//! (`CONSULTA_RETRIEVAL__ESCALATE_BELOW=0.5`). Top-level keys need no separator (`CONSULTA_DATA_DIR`).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use consulta_bot::chat::Languages;
use consulta_bot::discord::DiscordConfig;
use consulta_bot::service::ServiceConfig;
use consulta_bot::telegram::TelegramConfig;
use consulta_desk::DeskConfig;
use consulta_retrieval::{IngestConfig, RetrievalConfig};

/// Prefix of the environment variables that configure Consulta.
const ENV_PREFIX: &str = "CONSULTA_";

/// Environment variables that are command-line flags rather than settings.
const NOT_SETTINGS: [&str; 6] = [
    "CONSULTA_CONFIG",
    "CONSULTA_LOG",
    "CONSULTA_EXPERT",
    "CONSULTA_LISTEN",
    "CONSULTA_SERVICE_URL",
    "CONSULTA_REPLICA_OF",
];

/// Everything an operator can set. Field docs are the configuration reference (README).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Where the indexes and the desk keep their state.
    pub data_dir: PathBuf,
    /// Where the embedding model lives (see `deploy/fetch-models.sh`).
    pub model_dir: PathBuf,
    /// The knowledge base `consulta ingest` reads by default.
    pub kb_dir: PathBuf,
    /// Search and answer settings.
    pub retrieval: RetrievalConfig,
    /// Library ingestion: file size and inflation limits, commit batch size.
    pub ingest: IngestConfig,
    /// The expert desk: experts, groups, routing, reminders, retention.
    pub desk: DeskConfig,
    /// The Telegram bot: token, Bot API server, forum topics, flood control.
    pub telegram: TelegramConfig,
    /// The HTTP service: address, tokens, CORS, request limits.
    pub service: ServiceConfig,
    /// The Discord bot: token, guilds, allowed channels, experts channel and role, flood control.
    pub discord: DiscordConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data_dir: PathBuf::from("data"),
            model_dir: consulta_models::default_model_dir(),
            kb_dir: PathBuf::from("corpus/kb"),
            retrieval: RetrievalConfig::default(),
            ingest: IngestConfig::default(),
            desk: DeskConfig::default(),
            telegram: TelegramConfig::default(),
            service: ServiceConfig::default(),
            discord: DiscordConfig::default(),
        }
    }
}

impl Settings {
    /// Loads the settings from an optional file and the process environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        Settings::from_sources(file, std::env::vars())
    }

    /// Loads the settings from an optional file and the given environment (tests pass their own).
    pub fn from_sources(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Settings> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("cannot read the configuration file {}", path.display())
                })?;
                text.parse::<toml::Table>()
                    .with_context(|| format!("{} is not valid TOML", path.display()))?
            }
            None => toml::Table::new(),
        };
        for (name, value) in env {
            let Some(key) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if NOT_SETTINGS.contains(&name.as_str()) || key.is_empty() {
                continue;
            }
            let path: Vec<String> = key.split("__").map(str::to_ascii_lowercase).collect();
            set_path(&mut table, &path, env_value(&value))
                .with_context(|| format!("cannot apply the environment variable {name}"))?;
        }
        let origin = file.map_or("the environment".to_string(), |p| {
            format!("{} and the environment", p.display())
        });
        let mut settings: Settings = toml::Value::Table(table)
            .try_into()
            .with_context(|| format!("invalid settings in {origin}"))?;
        // The desk speaks the service's language unless told otherwise.
        settings
            .desk
            .language
            .get_or_insert(settings.retrieval.default_language);
        // The chat front-ends speak the service's language to askers, and the desk's to experts in
        // a desk chat, when they know nothing of the person's.
        let languages = Languages {
            askers: settings.retrieval.default_language,
            desk: settings.desk.clone(),
        };
        settings.telegram.languages = languages.clone();
        settings.discord.languages = languages;
        Ok(settings)
    }
}

/// Environment values are strings; numbers and booleans are read as such so that
/// `CONSULTA_RETRIEVAL__TOP_K=5` means the number 5.
fn env_value(raw: &str) -> toml::Value {
    if let Ok(integer) = raw.parse::<i64>() {
        return toml::Value::Integer(integer);
    }
    if let Ok(float) = raw.parse::<f64>() {
        return toml::Value::Float(float);
    }
    match raw {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(raw.to_string()),
    }
}

fn set_path(table: &mut toml::Table, path: &[String], value: toml::Value) -> anyhow::Result<()> {
    let (last, parents) = path.split_last().context("empty setting name")?;
    let mut current = table;
    for part in parents {
        let entry = current
            .entry(part.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(next) = entry else {
            bail!("`{part}` is a value, not a section");
        };
        current = next;
    }
    current.insert(last.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("consulta.toml");
        std::fs::write(
            &file,
            "data_dir = \"/srv/consulta\"\n[retrieval]\ntop_k = 4\n",
        )
        .unwrap();
        let settings = Settings::from_sources(
            Some(&file),
            env(&[("CONSULTA_RETRIEVAL__TOP_K", "7"), ("HOME", "/root")]),
        )
        .unwrap();
        assert_eq!(settings.data_dir, PathBuf::from("/srv/consulta"));
        assert_eq!(settings.retrieval.top_k, 7);
    }

    #[test]
    fn unknown_settings_are_refused_with_their_name() {
        let err =
            Settings::from_sources(None, env(&[("CONSULTA_RETREIVAL__TOP_K", "7")])).unwrap_err();
        assert!(format!("{err:#}").contains("retreival"), "{err:#}");
    }

    #[test]
    fn flags_in_the_environment_are_not_settings() {
        let settings = Settings::from_sources(
            None,
            env(&[
                ("CONSULTA_CONFIG", "x.toml"),
                ("CONSULTA_LOG", "debug"),
                ("CONSULTA_EXPERT", "ana"),
                ("CONSULTA_LISTEN", "0.0.0.0:9000"),
                ("CONSULTA_SERVICE_URL", "http://127.0.0.1:8080"),
                ("CONSULTA_REPLICA_OF", "http://primary:8080"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.data_dir, PathBuf::from("data"));
    }
}
