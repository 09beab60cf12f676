//! What a library document is about and where it comes from: sidecar files and folder defaults.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::faq::check_date;

/// Suffix of a sidecar file: `informe-2024.pdf.meta.yaml` (or `informe-2024.meta.yaml`) describes
/// `informe-2024.pdf`.
pub const SIDECAR_SUFFIX: &str = ".meta.yaml";

/// Name of the file that gives defaults to every document in its folder and below.
pub const FOLDER_METADATA: &str = "_folder.meta.yaml";

/// What a librarian knows about a document that the file itself may not say: where it comes from, when
/// its facts held, what it is about. Citations show it; every field is optional and a nearer file
/// (sidecar over folder defaults over manifest defaults) overrides a farther one field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// Overrides the title found in the document (many PDFs carry "Microsoft Word - draft3.docx").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The document's language, used where a passage's own language cannot be detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    /// The publisher and reference shown with every citation (`UNEP CCC, Article 6 pipeline, 2024`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where the original can be read; citations link to the page or anchor inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Date the facts are known to hold (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_as_of: Option<String>,
    /// Topic tags (`6.2`, `autorizacion`): search filters and the desk's routing use them.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::yaml::string_list"
    )]
    pub tags: Vec<String>,
    /// Countries the document is about (ISO codes or names, as the librarian writes them).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::yaml::string_list"
    )]
    pub countries: Vec<String>,
}

impl Metadata {
    /// `self` with every field it leaves unset taken from `base`.
    pub fn over(mut self, base: &Metadata) -> Metadata {
        self.title = self.title.or_else(|| base.title.clone());
        self.lang = self.lang.or(base.lang);
        self.source = self.source.or_else(|| base.source.clone());
        self.source_url = self.source_url.or_else(|| base.source_url.clone());
        self.valid_as_of = self.valid_as_of.or_else(|| base.valid_as_of.clone());
        if self.tags.is_empty() {
            self.tags = base.tags.clone();
        }
        if self.countries.is_empty() {
            self.countries = base.countries.clone();
        }
        self
    }

    /// Checks what YAML cannot: a date that is a date. Returns the problem in words.
    pub(crate) fn check(&self) -> Result<(), String> {
        if let Some(date) = &self.valid_as_of {
            check_date(date)?;
        }
        Ok(())
    }

    /// Reads one metadata file (sidecar or folder defaults).
    pub(crate) fn load(path: &Path) -> Result<Metadata, MetadataError> {
        let error = |detail: String| MetadataError {
            file: path.to_path_buf(),
            detail,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        Metadata::parse(&text).map_err(error)
    }

    pub(crate) fn parse(text: &str) -> Result<Metadata, String> {
        if text.trim().is_empty() {
            return Ok(Metadata::default());
        }
        let metadata: Metadata = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        metadata.check()?;
        Ok(metadata)
    }
}

/// A metadata file that cannot be used: the documents it describes are skipped until it is fixed.
#[derive(Debug, Clone)]
pub(crate) struct MetadataError {
    pub file: PathBuf,
    pub detail: String,
}

/// The sidecars that may describe `document`, nearest first: `name.pdf.meta.yaml`, then `name.meta.yaml`.
pub(crate) fn sidecar_paths(document: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(name) = document.file_name() {
        let mut full = name.to_os_string();
        full.push(SIDECAR_SUFFIX);
        paths.push(document.with_file_name(full));
        if document.extension().is_some()
            && let Some(stem) = document.file_stem()
        {
            let mut short = stem.to_os_string();
            short.push(SIDECAR_SUFFIX);
            paths.push(document.with_file_name(short));
        }
    }
    paths
}

/// True for files that describe documents rather than being documents.
pub(crate) fn is_metadata_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(SIDECAR_SUFFIX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearer_fields_win_and_gaps_are_filled() {
        let folder = Metadata {
            source: Some("Ministerio".into()),
            valid_as_of: Some("2024-01-01".into()),
            tags: vec!["6.2".into()],
            ..Metadata::default()
        };
        let sidecar = Metadata::parse("source: CMNUCC\nlang: es\n").unwrap();
        let merged = sidecar.over(&folder);
        assert_eq!(merged.source.as_deref(), Some("CMNUCC"));
        assert_eq!(merged.valid_as_of.as_deref(), Some("2024-01-01"));
        assert_eq!(merged.lang, Some(Lang::Es));
        assert_eq!(merged.tags, ["6.2"]);
    }

    #[test]
    fn bad_fields_are_explained() {
        assert!(
            Metadata::parse("valid_as_of: 13/01/2024\n")
                .unwrap_err()
                .contains("2024-11-24")
        );
        assert!(Metadata::parse("autor: x\n").unwrap_err().contains("autor"));
        assert!(Metadata::parse("lang: fr\n").is_err());
    }

    #[test]
    fn sidecars_are_found_by_full_name_then_stem() {
        let paths = sidecar_paths(Path::new("lib/informe.pdf"));
        assert_eq!(
            paths,
            [
                PathBuf::from("lib/informe.pdf.meta.yaml"),
                PathBuf::from("lib/informe.meta.yaml")
            ]
        );
        assert!(is_metadata_file(Path::new("lib/informe.meta.yaml")));
        assert!(!is_metadata_file(Path::new("lib/faq.yaml")));
    }
}
