//! Loading a knowledge-base directory: every readable file contributes its passages, and the errors
//! name the files and lines to fix.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::chunk::ChunkLimits;
use crate::faq::parse_faq;
use crate::guide::parse_guide;
use crate::{CorpusError, GLOSSARY_FILE, Glossary, Passage};

/// What loading a knowledge-base directory produced. Errors do not stop loading: every readable file
/// contributes its passages, and the errors say which files (and lines) need fixing.
#[derive(Debug, Default)]
pub struct Loaded {
    pub passages: Vec<Passage>,
    pub errors: Vec<CorpusError>,
    /// The glossary, when the directory has a `glossary.yaml` that parses.
    pub glossary: Option<Glossary>,
    /// The rule changes, when the directory has a `timeline.yaml` that parses.
    pub timeline: Option<crate::Timeline>,
    /// How many files were read (including those with errors).
    pub files: usize,
}

/// Loads every guide (`*.md`) and FAQ file (`*.yaml`, `*.yml`) under `root`, recursively, in a stable
/// order. `README.md` files without front matter are documentation and are skipped.
pub fn load_dir(root: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let mut files = Vec::new();
    if let Err(source) = collect_files(root, &mut files) {
        loaded.errors.push(CorpusError::Unreadable {
            path: root.to_path_buf(),
            source,
        });
        return loaded;
    }
    files.sort();
    let limits = ChunkLimits::default();
    for path in files {
        let origin = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if origin == crate::TIMELINE_FILE {
            match crate::Timeline::load(&path) {
                Ok(timeline) => loaded.timeline = Some(timeline),
                Err(e) => loaded.errors.push(e),
            }
            loaded.files += 1;
            continue;
        }
        if origin == GLOSSARY_FILE {
            match Glossary::load(&path) {
                Ok(glossary) => loaded.glossary = Some(glossary),
                Err(e) => loaded.errors.push(e),
            }
            loaded.files += 1;
            continue;
        }
        let text = match read_text(&path) {
            Ok(text) => text,
            Err(e) => {
                loaded.files += 1;
                loaded.errors.push(e);
                continue;
            }
        };
        let is_markdown = path.extension().is_some_and(|e| e == "md");
        if is_markdown && is_readme(&path) && !text.starts_with("---") {
            continue;
        }
        loaded.files += 1;
        if is_markdown {
            let slug = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match parse_guide(&path, &origin, &slug, &text, &limits) {
                Ok(passages) => loaded.passages.extend(passages),
                Err(e) => loaded.errors.push(e),
            }
        } else {
            let (passages, errors) = parse_faq(&path, &origin, &text);
            loaded.passages.extend(passages);
            loaded.errors.extend(errors);
        }
    }
    reject_duplicate_faq_ids(root, &mut loaded);
    loaded
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else if path
            .extension()
            .is_some_and(|e| e == "md" || e == "yaml" || e == "yml")
        {
            files.push(path);
        }
    }
    Ok(())
}

fn is_readme(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
}

fn read_text(path: &Path) -> Result<String, CorpusError> {
    let bytes = std::fs::read(path).map_err(|source| CorpusError::Unreadable {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| CorpusError::NotUtf8 {
        path: path.to_path_buf(),
        valid_up_to: e.utf8_error().valid_up_to(),
    })
}

/// Two FAQ entries with one topic id in one language would make citations and gold labels ambiguous:
/// the first is kept and the second reported.
fn reject_duplicate_faq_ids(root: &Path, loaded: &mut Loaded) {
    let mut first_seen: HashMap<(String, crate::Lang), String> = HashMap::new();
    let mut kept = Vec::with_capacity(loaded.passages.len());
    for passage in loaded.passages.drain(..) {
        if passage.kind != crate::PassageKind::Faq {
            kept.push(passage);
            continue;
        }
        let key = (passage.doc_id.clone(), passage.lang);
        match first_seen.get(&key) {
            Some(first) => loaded.errors.push(CorpusError::Invalid {
                path: root.join(&passage.origin),
                line: 1,
                message: format!(
                    "{} ({}) is already defined in {first}; topic ids must be unique per language",
                    passage.doc_id, passage.lang
                ),
            }),
            None => {
                first_seen.insert(key, passage.origin.clone());
                kept.push(passage);
            }
        }
    }
    loaded.passages = kept;
}
