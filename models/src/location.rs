//! Where models live on disk, and which kind of model a directory holds.

use std::path::{Path, PathBuf};

use crate::ModelError;

/// The subdirectory `deploy/fetch-models.sh` installs the default model into.
const E5_SUBDIR: &str = "multilingual-e5-small";

/// The file `deploy/fetch-models.sh` writes last, naming the files and their checksums.
pub(crate) const MANIFEST_FILE: &str = "consulta-model.toml";

/// Where `deploy/fetch-models.sh` installs models, resolved the same way the script does:
/// `$CONSULTA_MODEL_DIR`, else `${XDG_CACHE_HOME:-$HOME/.cache}/consulta/models`.
///
/// Pass it to [`crate::E5Embedder::load`] as is: the loader looks into its
/// `multilingual-e5-small/` subdirectory.
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = non_empty_env("CONSULTA_MODEL_DIR") {
        return PathBuf::from(dir);
    }
    let cache = non_empty_env("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::home_dir().unwrap_or_default().join(".cache"));
    cache.join("consulta").join("models")
}

/// Like the shell's `${VAR:-...}`: an empty variable counts as unset.
fn non_empty_env(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|value| !value.is_empty())
}

/// The kinds of model directory the loader understands.
#[derive(Debug)]
pub(crate) enum ModelLayout {
    /// Installed by `deploy/fetch-models.sh`: an E5S1 weights file, `tokenizer.json` and the
    /// manifest with their checksums.
    E5s1 {
        /// The directory holding the manifest.
        dir: PathBuf,
    },
    /// A Hugging Face checkpoint: `config.json`, `tokenizer.json`, `model.safetensors`.
    HuggingFace {
        /// The directory holding `config.json`.
        dir: PathBuf,
    },
}

/// Decides what `dir` holds, accepting both the model directory itself and the parent
/// `.../models` directory that [`default_model_dir`] returns.
pub(crate) fn locate(dir: &Path) -> Result<ModelLayout, ModelError> {
    if !dir.is_dir() {
        return Err(ModelError::Missing {
            what: "the model directory".to_owned(),
            path: dir.to_path_buf(),
        });
    }
    if let Some(layout) = layout_of(dir) {
        return Ok(layout);
    }
    let nested = dir.join(E5_SUBDIR);
    if nested.is_dir() {
        if let Some(layout) = layout_of(&nested) {
            return Ok(layout);
        }
        return Err(missing_manifest(&nested));
    }
    Err(missing_manifest(dir))
}

fn layout_of(dir: &Path) -> Option<ModelLayout> {
    let dir = dir.to_path_buf();
    if dir.join(MANIFEST_FILE).is_file() {
        Some(ModelLayout::E5s1 { dir })
    } else if dir.join("config.json").is_file() {
        Some(ModelLayout::HuggingFace { dir })
    } else {
        None
    }
}

fn missing_manifest(dir: &Path) -> ModelError {
    ModelError::Missing {
        what: format!(
            "{MANIFEST_FILE} (written by deploy/fetch-models.sh), a Hugging Face config.json, \
             or a {E5_SUBDIR}/ subdirectory holding either"
        ),
        path: dir.to_path_buf(),
    }
}
