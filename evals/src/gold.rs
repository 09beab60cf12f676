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
    /// For a cross-lingual question, the language its answer is read in (another than `lang`).
    /// It is searched and answered only among passages in that language, so it keeps testing
    /// cross-lingual search after the topic is translated into the asker's language.
    #[serde(default)]
    pub cross: Option<Lang>,
    /// Free text for the author: why this question is in the set.
    #[serde(default)]
    pub note: Option<String>,
    /// What the shown answer must say to answer the question: every item must occur in the
    /// answer text (case, accents and spacing aside); `|` separates alternative wordings of one
    /// item. Retrieval can find the right passage while the quoted sentences miss the point; these
    /// phrases are how the eval sees the difference.
    #[serde(default)]
    pub says: Vec<String>,
    /// Written in new wording after the answer path was tuned, and never used to tune it: the
    /// escalation threshold is chosen on the other questions and reported on these.
    #[serde(default)]
    pub heldout: bool,
    /// Which file it came from, for error messages.
    #[serde(skip)]
    pub file: PathBuf,
}

impl GoldQuestion {
    /// The group the question is reported under: `cross` for cross-lingual ones, else its language.
    pub fn group(&self) -> &'static str {
        if self.cross.is_some() {
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
            if question.escalate && !question.says.is_empty() {
                bail!(
                    "{}: {:?} must escalate, so it has no answer text to check: drop `says`",
                    file.display(),
                    question.q
                );
            }
            if question.says.iter().any(|item| normalize(item).is_empty()) {
                bail!(
                    "{}: {:?} has an empty `says` item",
                    file.display(),
                    question.q
                );
            }
            if question.cross == Some(question.lang) {
                bail!(
                    "{}: {:?} is marked cross-lingual but its answer language is its own: set `cross` \
                     to the language the answer is read in, or drop it",
                    file.display(),
                    question.q
                );
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

/// Text as `says` items are compared: lowercase, without accents, runs of spaces as one.
pub fn normalize(text: &str) -> String {
    let folded: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(consulta_corpus::fold_accent)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `says` items of `question` that `shown` (the answer text a person reads) lacks; an item is
/// there when any of its `|` alternatives is.
pub fn missing_facts<'a>(question: &'a GoldQuestion, shown: &str) -> Vec<&'a str> {
    let shown = normalize(shown);
    question
        .says
        .iter()
        .filter(|item| {
            !item
                .split('|')
                .map(normalize)
                .any(|alternative| !alternative.is_empty() && shown.contains(&alternative))
        })
        .map(String::as_str)
        .collect()
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

    fn question_saying(says: &[&str]) -> GoldQuestion {
        GoldQuestion {
            q: "¿Quién aplica el ajuste?".into(),
            lang: Lang::Es,
            relevant: vec!["faq:a62-ca-who-when".into()],
            escalate: false,
            cross: None,
            note: None,
            says: says.iter().map(|s| s.to_string()).collect(),
            heldout: false,
            file: PathBuf::new(),
        }
    }

    #[test]
    fn facts_match_without_case_accents_or_spacing() {
        let question = question_saying(&["país anfitrión|Parte de acogida", "15 de abril"]);
        assert!(
            missing_facts(
                &question,
                "Lo aplica el PAIS   anfitrion antes del 15 de Abril."
            )
            .is_empty()
        );
        assert_eq!(
            missing_facts(&question, "La Parte de acogida lo aplica."),
            ["15 de abril"]
        );
        assert_eq!(missing_facts(&question, "").len(), 2);
    }

    #[test]
    fn a_cross_lingual_question_must_name_another_language() {
        let dir = std::env::temp_dir().join(format!("consulta-gold-cross-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let set = |cross: &str| {
            format!(
                "- q: \"¿Quién autoriza?\"\n  lang: es\n  relevant: [faq:x]\n  cross: {cross}\n"
            )
        };
        std::fs::write(dir.join("set.yaml"), set("es")).unwrap();
        let error = load(&dir).unwrap_err().to_string();
        assert!(error.contains("its own"), "{error}");
        std::fs::write(dir.join("set.yaml"), set("en")).unwrap();
        let loaded = load(&dir).unwrap();
        assert_eq!(loaded[0].cross, Some(Lang::En));
        assert_eq!(loaded[0].group(), "cross");
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
