//! Export of curated entries as knowledge-base FAQ YAML, so answers approved on the desk can be
//! reviewed and committed to the bundled knowledge base like any other source.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use consulta_corpus::{FaqEntry, Lang};

use super::curated::CuratedEntry;
use super::desk::Desk;
use super::error::DeskError;

/// The FAQ id an exported curated entry gets: lowercase, as the knowledge base requires
/// (`curated-k7p2q`), and stable, so re-exports diff cleanly.
pub fn export_id(entry: &CuratedEntry) -> String {
    format!("curated-{}", entry.ticket.as_str().to_ascii_lowercase())
}

/// Curated entries of one language as an FAQ YAML file (the format of `corpus/kb/README.md`).
pub fn faq_yaml(entries: &[&CuratedEntry]) -> Result<String, DeskError> {
    let faq: Vec<FaqEntry> = entries.iter().map(|e| e.faq_entry(export_id(e))).collect();
    let body = serde_yaml::to_string(&faq).map_err(|e| DeskError::Yaml(e.to_string()))?;
    Ok(format!(
        "# Expert answers approved in Consulta's desk; exported for review. Each entry cites its expert.\n{body}"
    ))
}

impl Desk {
    /// Writes every curated entry to `dir` as `curated.<lang>.yaml`, one file per language, ready to
    /// review and commit under `corpus/kb/faq/`. Returns the files written with their entry counts.
    pub fn export_curated(&self, dir: &Path) -> Result<Vec<(PathBuf, usize)>, DeskError> {
        let entries = self.curated()?;
        let mut by_lang: BTreeMap<Lang, Vec<&CuratedEntry>> = BTreeMap::new();
        for entry in &entries {
            by_lang.entry(entry.language).or_default().push(entry);
        }
        let io_error = |path: &Path| {
            let path = path.display().to_string();
            move |source| DeskError::Export { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        let mut written = Vec::new();
        for (lang, entries) in by_lang {
            let path = dir.join(format!("curated.{lang}.yaml"));
            std::fs::write(&path, faq_yaml(&entries)?).map_err(io_error(&path))?;
            written.push((path, entries.len()));
        }
        Ok(written)
    }
}
