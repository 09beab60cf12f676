//! Where library documents come from: a folder, a list of files, or a manifest; and the metadata
//! each one gets from its sidecar, its folders' defaults or its manifest entry.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use super::SkipReason;
use super::metadata::{FOLDER_METADATA, Metadata, is_metadata_file, sidecar_paths};
use crate::GLOSSARY_FILE;

/// What to ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Every file under `root` (recursively, hidden files and folders left out) whose path relative
    /// to `root` matches one of `include` (all files when empty) and none of `exclude`.
    Folder {
        root: PathBuf,
        include: Vec<String>,
        exclude: Vec<String>,
    },
    /// These files, each described by its sidecar. Relative paths are taken from the current
    /// directory.
    Files(Vec<PathBuf>),
    /// A text file listing one path per line (relative to the list's folder; `#` starts a comment).
    FileList(PathBuf),
    /// A YAML manifest: `defaults` (metadata for every entry) and `documents`, each a `path`
    /// (relative to the manifest's folder) or a `url`, with its own metadata fields.
    Manifest(PathBuf),
}

impl Source {
    /// A whole folder, no globs.
    pub fn folder(root: &Path) -> Source {
        Source::Folder {
            root: root.to_path_buf(),
            include: Vec::new(),
            exclude: Vec::new(),
        }
    }

    /// The source a path names: a folder, a manifest (`*.manifest.yaml`), a file list (`*.list`,
    /// `*.files`), or else a single file.
    pub fn from_path(path: &Path, include: &[String], exclude: &[String]) -> Source {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if path.is_dir() {
            Source::Folder {
                root: path.to_path_buf(),
                include: include.to_vec(),
                exclude: exclude.to_vec(),
            }
        } else if name.ends_with(".manifest.yaml") || name.ends_with(".manifest.yml") {
            Source::Manifest(path.to_path_buf())
        } else if name.ends_with(".list") || name.ends_with(".files") {
            Source::FileList(path.to_path_buf())
        } else {
            Source::Files(vec![path.to_path_buf()])
        }
    }

    /// What the source's documents are remembered under: a later run of the same source removes
    /// the documents it no longer finds, and leaves other sources' documents alone.
    pub fn scope(&self) -> String {
        match self {
            Source::Folder { root, .. } => format!("folder:{}", absolute(root).display()),
            Source::Files(files) => {
                let mut names: Vec<String> = files
                    .iter()
                    .map(|f| absolute(f).display().to_string())
                    .collect();
                names.sort();
                format!("files:{}", names.join("|"))
            }
            Source::FileList(list) => format!("list:{}", absolute(list).display()),
            Source::Manifest(manifest) => format!("manifest:{}", absolute(manifest).display()),
        }
    }
}

/// Where a candidate's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// Fetched over the network, when there is one.
    Url(String),
}

/// A document found in a source, not yet read.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// What the document is known by, unique across sources: its absolute path, or its URL.
    pub key: String,
    /// What a librarian knows it by: the path relative to the source's folder, or the URL. Passages
    /// cite it and their document id is `doc:<origin>`.
    pub origin: String,
    pub location: Location,
    /// Its metadata, or why its metadata file cannot be used (the document is then skipped: indexing
    /// it without its source and date would give citations nobody can check).
    pub metadata: Result<Metadata, SkipReason>,
}

impl Candidate {
    /// The lowercase file extension (`pdf`), or `""`.
    pub fn extension(&self) -> String {
        let name = self.origin.split(['?', '#']).next().unwrap_or_default();
        let name = name.rsplit('/').next().unwrap_or_default();
        name.rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default()
    }

    fn file(root: &Path, path: PathBuf, metadata: Result<Metadata, SkipReason>) -> Candidate {
        let origin = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        Candidate {
            key: absolute(&path).display().to_string(),
            origin,
            location: Location::File(path),
            metadata,
        }
    }
}

/// What walking a source found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// The documents, in a stable order (by origin).
    pub candidates: Vec<Candidate>,
}

/// A source that cannot be walked at all: the run stops before touching the index, because
/// removing "missing" documents of an unreadable folder would empty it.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {detail}", path.display())]
    Invalid { path: PathBuf, detail: String },
    #[error("invalid glob {pattern:?}: {detail}")]
    Glob { pattern: String, detail: String },
}

/// Walks `source` into candidates. Fails only when the source itself cannot be read; a broken
/// sidecar makes its document a candidate that will be skipped with the reason.
pub fn discover(source: &Source) -> Result<Discovery, SourceError> {
    let mut candidates = match source {
        Source::Folder {
            root,
            include,
            exclude,
        } => walk_folder(root, &globs(include)?, &globs(exclude)?)?,
        Source::Files(files) => files
            .iter()
            .map(|file| {
                let root = file.parent().unwrap_or(Path::new(""));
                let metadata = file_metadata(root, file, &Metadata::default());
                Candidate::file(root, file.clone(), metadata)
            })
            .collect(),
        Source::FileList(list) => read_file_list(list)?,
        Source::Manifest(manifest) => read_manifest(manifest)?,
    };
    candidates.sort_by(|a, b| a.origin.cmp(&b.origin));
    candidates.dedup_by(|a, b| a.key == b.key);
    Ok(Discovery { candidates })
}

fn globs(patterns: &[String]) -> Result<Option<GlobSet>, SourceError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // A bare `*.pdf` means "PDFs anywhere", as librarians expect, not only at the top.
        let anchored = if pattern.contains('/') {
            pattern.clone()
        } else {
            format!("**/{pattern}")
        };
        let glob = Glob::new(&anchored).map_err(|e| SourceError::Glob {
            pattern: pattern.clone(),
            detail: e.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| SourceError::Glob {
        pattern: patterns.join(", "),
        detail: e.to_string(),
    })
}

fn walk_folder(
    root: &Path,
    include: &Option<GlobSet>,
    exclude: &Option<GlobSet>,
) -> Result<Vec<Candidate>, SourceError> {
    let mut files = Vec::new();
    collect(root, &mut files).map_err(|source| SourceError::Unreadable {
        path: root.to_path_buf(),
        source,
    })?;
    let mut candidates = Vec::new();
    let mut folder_defaults: BTreeMap<PathBuf, Result<Metadata, SkipReason>> = BTreeMap::new();
    for path in files {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let relative_text = relative.to_string_lossy().replace('\\', "/");
        if is_metadata_file(&path)
            || relative_text == GLOSSARY_FILE
            || relative_text == crate::TIMELINE_FILE
        {
            continue;
        }
        if include
            .as_ref()
            .is_some_and(|set| !set.is_match(&relative_text))
            || exclude
                .as_ref()
                .is_some_and(|set| set.is_match(&relative_text))
        {
            continue;
        }
        if is_folder_documentation(&path) {
            continue;
        }
        let folder = path.parent().unwrap_or(root).to_path_buf();
        let defaults = folder_chain(root, &folder, &mut folder_defaults);
        let metadata = defaults.and_then(|defaults| file_metadata(root, &path, &defaults));
        candidates.push(Candidate::file(root, path, metadata));
    }
    Ok(candidates)
}

/// Hidden entries (`.git`, `.DS_Store`) are never documents; symbolic links to folders are not
/// followed, so a link loop cannot make the walk endless.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(&path, files)?;
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            files.push(path);
        }
    }
    Ok(())
}

/// A `README.md` without front matter documents its folder; it is not part of the library (the
/// bundled knowledge base has one).
fn is_folder_documentation(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    is_readme(name) && std::fs::read(path).is_ok_and(|bytes| documents_its_folder(&bytes))
}

fn is_readme(name: &str) -> bool {
    name.eq_ignore_ascii_case("README.md")
}

fn documents_its_folder(content: &[u8]) -> bool {
    !content.starts_with(b"---")
}

/// Why a file named `name` with `content`, placed at the root of a library folder, would be left out
/// of every walk of it (it is taken for something else than a document); `None` when a walk reads
/// it. Uploads check this, so that a file is refused at once rather than silently never indexed.
pub fn not_a_document(name: &str, content: &[u8]) -> Option<String> {
    if name == GLOSSARY_FILE {
        Some(format!(
            "{GLOSSARY_FILE} is the glossary that expands queries, not a document; name the file otherwise"
        ))
    } else if name == crate::TIMELINE_FILE {
        Some(format!(
            "{} is the timeline of rule changes, not a document; name the file otherwise",
            crate::TIMELINE_FILE
        ))
    } else if is_metadata_file(Path::new(name)) {
        Some(format!(
            "names ending in {} are metadata files (sidecars), not documents",
            super::metadata::SIDECAR_SUFFIX
        ))
    } else if is_readme(name) && documents_its_folder(content) {
        Some(
            "a README.md without front matter documents its folder and is not indexed; add front matter (--- title, lang, ... ---) or name the file otherwise"
                .to_string(),
        )
    } else {
        None
    }
}

/// The defaults of `folder` merged over its parents', up to `root`, memoised per folder.
fn folder_chain(
    root: &Path,
    folder: &Path,
    memo: &mut BTreeMap<PathBuf, Result<Metadata, SkipReason>>,
) -> Result<Metadata, SkipReason> {
    if let Some(known) = memo.get(folder) {
        return known.clone();
    }
    let parent = if folder == root || !folder.starts_with(root) {
        Ok(Metadata::default())
    } else {
        let up = folder.parent().unwrap_or(root);
        folder_chain(root, up, memo)
    };
    let file = folder.join(FOLDER_METADATA);
    let merged = parent.and_then(|parent| {
        if file.is_file() {
            Metadata::load(&file)
                .map(|own| own.over(&parent))
                .map_err(|e| bad_metadata(root, &e.file, e.detail))
        } else {
            Ok(parent)
        }
    });
    memo.insert(folder.to_path_buf(), merged.clone());
    merged
}

/// A file's sidecar over `defaults`.
fn file_metadata(root: &Path, path: &Path, defaults: &Metadata) -> Result<Metadata, SkipReason> {
    match sidecar_paths(path).into_iter().find(|p| p.is_file()) {
        Some(sidecar) => Metadata::load(&sidecar)
            .map(|own| own.over(defaults))
            .map_err(|e| bad_metadata(root, &e.file, e.detail)),
        None => Ok(defaults.clone()),
    }
}

fn bad_metadata(root: &Path, file: &Path, detail: String) -> SkipReason {
    SkipReason::BadMetadata {
        file: file
            .strip_prefix(root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/"),
        detail,
    }
}

fn read_file_list(list: &Path) -> Result<Vec<Candidate>, SourceError> {
    let text = std::fs::read_to_string(list).map_err(|source| SourceError::Unreadable {
        path: list.to_path_buf(),
        source,
    })?;
    let base = list.parent().unwrap_or(Path::new(""));
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let path = base.join(line);
            let metadata = file_metadata(base, &path, &Metadata::default());
            Candidate::file(base, path, metadata)
        })
        .collect())
}

/// The manifest file: metadata defaults and the documents.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    defaults: Metadata,
    documents: Vec<serde_yaml::Mapping>,
}

fn read_manifest(manifest: &Path) -> Result<Vec<Candidate>, SourceError> {
    let invalid = |detail: String| SourceError::Invalid {
        path: manifest.to_path_buf(),
        detail,
    };
    let text = std::fs::read_to_string(manifest).map_err(|source| SourceError::Unreadable {
        path: manifest.to_path_buf(),
        source,
    })?;
    let file: ManifestFile = serde_yaml::from_str(&text).map_err(|e| {
        invalid(format!(
            "{e}; a manifest has `defaults:` (optional) and `documents:`, a list of entries \
             with `path:` or `url:` and metadata fields"
        ))
    })?;
    file.defaults.check().map_err(invalid)?;
    let base = manifest.parent().unwrap_or(Path::new(""));
    let mut candidates = Vec::new();
    for (index, mut entry) in file.documents.into_iter().enumerate() {
        let take = |entry: &mut serde_yaml::Mapping, key: &str| {
            entry
                .remove(key)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        let path = take(&mut entry, "path");
        let url = take(&mut entry, "url");
        let metadata = serde_yaml::from_value::<Metadata>(serde_yaml::Value::Mapping(entry))
            .map_err(|e| e.to_string())
            .and_then(|m| m.check().map(|()| m))
            .map(|m| m.over(&file.defaults))
            .map_err(|detail| SkipReason::BadMetadata {
                file: format!(
                    "{} (entry {})",
                    manifest.file_name().unwrap_or_default().to_string_lossy(),
                    index + 1
                ),
                detail,
            });
        match (path, url) {
            (Some(path), None) => {
                let path = base.join(path);
                let metadata = metadata.and_then(|m| file_metadata(base, &path, &m));
                candidates.push(Candidate::file(base, path, metadata));
            }
            (None, Some(url)) => candidates.push(Candidate {
                key: url.clone(),
                origin: url.clone(),
                location: Location::Url(url),
                metadata,
            }),
            _ => {
                return Err(invalid(format!(
                    "entry {} needs exactly one of `path:` or `url:`",
                    index + 1
                )));
            }
        }
    }
    Ok(candidates)
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|dir| dir.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn folders_apply_globs_sidecars_and_folder_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "informes/a.pdf", "%PDF-1.4");
        write(root, "informes/a.pdf.meta.yaml", "source: CMNUCC\n");
        write(
            root,
            "informes/_folder.meta.yaml",
            "tags: [6.2]\nsource: Ministerio\n",
        );
        write(root, "informes/borrador/b.pdf", "%PDF-1.4");
        write(root, "web/c.html", "<html>");
        write(root, ".git/config", "x");
        write(root, "glossary.yaml", "[]");
        write(root, "timeline.yaml", "[]");
        let source = Source::Folder {
            root: root.to_path_buf(),
            include: vec!["*.pdf".into(), "*.html".into()],
            exclude: vec!["informes/borrador/**".into()],
        };
        let found = discover(&source).unwrap().candidates;
        let origins: Vec<&str> = found.iter().map(|c| c.origin.as_str()).collect();
        assert_eq!(origins, ["informes/a.pdf", "web/c.html"]);
        let metadata = found[0].metadata.as_ref().unwrap();
        assert_eq!(metadata.source.as_deref(), Some("CMNUCC"));
        assert_eq!(metadata.tags, ["6.2"]);
        assert_eq!(found[0].extension(), "pdf");
    }

    #[test]
    fn a_broken_sidecar_skips_only_its_document() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", "x");
        write(dir.path(), "a.meta.yaml", "valid_as_of: ayer\n");
        write(dir.path(), "b.txt", "y");
        let found = discover(&Source::folder(dir.path())).unwrap().candidates;
        assert!(matches!(
            found[0].metadata,
            Err(SkipReason::BadMetadata { .. })
        ));
        assert!(found[1].metadata.is_ok());
    }

    #[test]
    fn manifests_list_paths_and_urls_with_metadata() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "docs/a.txt", "x");
        write(
            dir.path(),
            "lib.manifest.yaml",
            "defaults:\n  source: Observatorio\ndocuments:\n  - path: docs/a.txt\n    tags: [6.4]\n  - url: https://example.org/r.pdf\n    valid_as_of: 2024-05-01\n",
        );
        let source = Source::from_path(&dir.path().join("lib.manifest.yaml"), &[], &[]);
        let found = discover(&source).unwrap().candidates;
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].origin, "docs/a.txt");
        assert_eq!(found[0].metadata.as_ref().unwrap().tags, ["6.4"]);
        assert_eq!(
            found[1].location,
            Location::Url("https://example.org/r.pdf".into())
        );
        let url_metadata = found[1].metadata.as_ref().unwrap();
        assert_eq!(url_metadata.source.as_deref(), Some("Observatorio"));
        assert_eq!(found[1].extension(), "pdf");
    }

    #[test]
    fn bad_globs_and_manifests_are_explained() {
        let err = discover(&Source::Folder {
            root: ".".into(),
            include: vec!["[".into()],
            exclude: vec![],
        })
        .unwrap_err();
        assert!(err.to_string().contains("invalid glob"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "x.manifest.yaml",
            "documents:\n  - title: no path\n",
        );
        let err = discover(&Source::Manifest(dir.path().join("x.manifest.yaml"))).unwrap_err();
        assert!(err.to_string().contains("`path:` or `url:`"), "{err}");
    }
}
