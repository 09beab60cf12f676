//! Gold questions: what practitioners ask, labelled with what answers it.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use consulta_corpus::Lang;

/// One gold question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldQuestion {
    /// The question as a practitioner would type it.
    pub q: String,
    pub lang: Lang,
    /// Labels of what answers it: `faq:<id>`, `guide:<slug>` or `guide:<slug>#<section-slug>`.
    #[serde(default)]
    pub relevant: Vec<String>,
    /// The question must go to an expert (out of scope, or not answerable from the knowledge base).
    #[serde(default)]
    pub escalate: bool,
    /// The answer exists only in another language than the question's.
    #[serde(default)]
    pub cross: bool,
    /// Free text for the author: why this question is in the set.
    #[serde(default)]
    pub note: Option<String>,
    /// Which file it came from, for error messages.
    #[serde(skip)]
    pub file: PathBuf,
}

impl GoldQuestion {
    /// The group the question is reported under: `cross` for cross-lingual ones, else its language.
    pub fn group(&self) -> &'static str {
        if self.cross {
            "cross"
        } else {
            self.lang.code()
        }
    }
}

/// Loads every `*.yaml` file in `dir`. A question must either name what answers it or be marked
/// `escalate`; anything else is a mistake in the set and fails loudly.
pub fn load(dir: &Path) -> anyhow::Result<Vec<GoldQuestion>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the gold sets in {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    let mut questions = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let mut set: Vec<GoldQuestion> = serde_yaml::from_str(&text)
            .with_context(|| format!("{} is not a valid gold set", file.display()))?;
        for question in &mut set {
            question.file = file.clone();
            if question.q.trim().is_empty() {
                bail!("{}: a gold question is empty", file.display());
            }
            if question.relevant.is_empty() != question.escalate {
                bail!(
                    "{}: {:?} must have `relevant` labels or `escalate: true` (exactly one of them)",
                    file.display(),
                    question.q
                );
            }
        }
        questions.extend(set);
    }
    if questions.is_empty() {
        bail!("no gold questions in {}", dir.display());
    }
    Ok(questions)
}

/// Whether a retrieved passage satisfies a label: the label names its document, or its document and
/// the slug of its innermost heading.
pub fn matches(label: &str, doc_id: &str, section: &str) -> bool {
    match label.split_once('#') {
        None => label == doc_id,
        Some((doc, slug)) => {
            doc == doc_id
                && section
                    .rsplit(" > ")
                    .next()
                    .is_some_and(|heading| consulta_corpus::section_slug(heading) == slug)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_documents_and_sections() {
        assert!(matches("faq:ca-what-is", "faq:ca-what-is", "What is it?"));
        assert!(!matches("faq:ca-what-is", "faq:ca-when", "What is it?"));
        assert!(matches(
            "guide:authorization#what-it-must-state",
            "guide:authorization",
            "Authorization > What it must state"
        ));
        assert!(!matches(
            "guide:authorization#changes",
            "guide:authorization",
            "Authorization > What it must state"
        ));
    }
}
