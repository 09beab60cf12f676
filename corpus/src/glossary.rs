//! The es/pt/en glossary: the many names of one concept, used to expand questions across languages
//! and acronyms.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::CorpusError;
use crate::Lang;
use crate::chunk::section_slug;

/// The name of the glossary file at the root of a knowledge base.
pub const GLOSSARY_FILE: &str = "glossary.yaml";

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

    /// The term's first full name in `lang` (a variant of several words), if it has one.
    fn full_name(&self, lang: Lang) -> Option<&str> {
        let variants = match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
            Lang::Pt => &self.pt,
        };
        variants
            .iter()
            .map(String::as_str)
            .find(|variant| variant.contains(' ') && variant.chars().any(char::is_lowercase))
    }
}

/// Whether `word` is a two-letter acronym ("CA", "CAs"): too short for the embedding model to
/// tell what it stands for (a Californian, a Canadian or a corresponding adjustment). Longer ones
/// ("ITMO", "PACM", "CDM") are specific enough, and spelling them out was measured to move more
/// answers away from the point than towards it (−27 / +14 on the gold sets).
fn is_short_acronym(word: &str) -> bool {
    let singular = word.strip_suffix('s').unwrap_or(word);
    singular.chars().count() == 2 && singular.chars().all(char::is_uppercase)
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

    /// `text` with each two-letter acronym it writes in capitals ("CA", "CAs") followed by the
    /// term's full name in `lang` in parentheses, when the glossary knows the acronym and `text`
    /// does not spell it out already: what the embedding model reads. Without it "What is a CA?"
    /// lands near any short question rather than on corresponding adjustments.
    pub fn spelled_out(&self, text: &str, lang: Lang) -> String {
        let haystack = format!(" {} ", normalise(text));
        let mut out = String::with_capacity(text.len() + 32);
        let mut rest = text;
        while let Some(start) = rest.find(|c: char| c.is_alphanumeric()) {
            let end = rest[start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '.'))
                .map_or(rest.len(), |offset| start + offset);
            let word = rest[start..end].trim_end_matches('.');
            let end = start + word.len();
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            if !is_short_acronym(word) {
                continue;
            }
            let key = normalise(word);
            let full_name = self
                .variants
                .iter()
                .find(|(variant, _)| *variant == key)
                .and_then(|(_, index)| self.terms[*index].full_name(lang))
                .filter(|name| !haystack.contains(&format!(" {} ", normalise(name))));
            if let Some(name) = full_name {
                out.push_str(" (");
                out.push_str(name);
                out.push(')');
            }
        }
        out.push_str(rest);
        out
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
                en: vec!["corresponding adjustment".into(), "CA".into(), "CAs".into()],
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
    fn acronyms_are_spelled_out_in_the_questions_language() {
        let glossary = glossary();
        for (question, lang, read) in [
            (
                "What is a CA?",
                Lang::En,
                "What is a CA (corresponding adjustment)?",
            ),
            (
                "¿Quién aplica los CAs a los ITMO?",
                Lang::Es,
                "¿Quién aplica los CAs (ajuste correspondiente) a los ITMO?",
            ),
            // Lowercase words are not acronyms; a name already spelled out is not repeated.
            ("ca fica aqui", Lang::Pt, "ca fica aqui"),
            (
                "Is a CA a corresponding adjustment?",
                Lang::En,
                "Is a CA a corresponding adjustment?",
            ),
        ] {
            assert_eq!(glossary.spelled_out(question, lang), read, "{question}");
        }
    }

    #[test]
    fn words_inside_other_words_do_not_match() {
        assert!(glossary().expansions("submitted").is_empty());
    }
}
