//! The es/pt/en glossary: the many names of one concept, used to expand questions across languages
//! and acronyms.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::CorpusError;
use crate::chunk::section_slug;

/// One concept and the ways practitioners write it in each language (`ITMO`, `RMTI`, `resultados de
/// mitigación de transferencia internacional`, ...).
#[derive(Debug, Clone, Deserialize)]
pub struct GlossaryTerm {
    pub id: String,
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub es: Vec<String>,
    #[serde(default)]
    pub pt: Vec<String>,
}

impl GlossaryTerm {
    fn variants(&self) -> impl Iterator<Item = &String> {
        self.en.iter().chain(&self.es).chain(&self.pt)
    }
}

/// The es/pt/en glossary, used to expand questions so that "RMTI" finds passages that say "ITMO".
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    terms: Vec<GlossaryTerm>,
    /// Each variant in matching form (see [`normalise`]) with the index of its term, longest first so that
    /// "ajuste correspondiente" is preferred over a shorter overlapping variant.
    variants: Vec<(String, usize)>,
}

impl Glossary {
    /// Reads `glossary.yaml` (a YAML list of terms).
    pub fn load(path: &Path) -> Result<Glossary, CorpusError> {
        let text = std::fs::read_to_string(path).map_err(|source| CorpusError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let terms: Vec<GlossaryTerm> =
            serde_yaml::from_str(&text).map_err(|e| CorpusError::Invalid {
                path: path.to_path_buf(),
                line: e.location().map_or(1, |l| l.line()),
                message: format!("invalid glossary: {e}"),
            })?;
        Ok(Glossary::new(terms))
    }

    pub fn new(terms: Vec<GlossaryTerm>) -> Glossary {
        let mut variants: Vec<(String, usize)> = terms
            .iter()
            .enumerate()
            .flat_map(|(index, term)| term.variants().map(move |v| (normalise(v), index)))
            .filter(|(v, _)| !v.is_empty())
            .collect();
        variants.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        variants.dedup();
        Glossary { terms, variants }
    }

    pub fn terms(&self) -> &[GlossaryTerm] {
        &self.terms
    }

    /// The variants of every glossary term found in `text` that `text` does not already contain: what a
    /// search should also look for. Matching ignores case and accents and respects word boundaries.
    pub fn expansions(&self, text: &str) -> Vec<String> {
        let haystack = format!(" {} ", normalise(text));
        let mut matched = BTreeSet::new();
        for (variant, index) in &self.variants {
            if haystack.contains(&format!(" {variant} ")) {
                matched.insert(*index);
            }
        }
        let mut seen = BTreeSet::new();
        let mut expansions = Vec::new();
        for index in matched {
            for variant in self.terms[index].variants() {
                let key = normalise(variant);
                if !haystack.contains(&format!(" {key} ")) && seen.insert(key) {
                    expansions.push(variant.clone());
                }
            }
        }
        expansions
    }
}

/// Lowercase, accents folded, punctuation turned into single spaces: "¿Qué es un RMTI?" → "que es un rmti".
fn normalise(text: &str) -> String {
    section_slug(text).replace('-', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary() -> Glossary {
        Glossary::new(vec![
            GlossaryTerm {
                id: "itmo".into(),
                en: vec!["ITMO".into(), "ITMOs".into()],
                es: vec!["RMTI".into()],
                pt: vec![],
            },
            GlossaryTerm {
                id: "ca".into(),
                en: vec!["corresponding adjustment".into()],
                es: vec!["ajuste correspondiente".into()],
                pt: vec!["ajuste correspondente".into()],
            },
        ])
    }

    #[test]
    fn expands_acronyms_across_languages() {
        let expansions = glossary().expansions("¿Quién emite los RMTI?");
        assert_eq!(expansions, vec!["ITMO", "ITMOs"]);
    }

    #[test]
    fn matches_phrases_without_accents_or_case() {
        let expansions = glossary().expansions("como se aplica un AJUSTE CORRESPONDIENTE");
        assert!(expansions.contains(&"corresponding adjustment".to_string()));
        assert!(expansions.contains(&"ajuste correspondente".to_string()));
    }

    #[test]
    fn words_inside_other_words_do_not_match() {
        assert!(glossary().expansions("submitted").is_empty());
    }
}
