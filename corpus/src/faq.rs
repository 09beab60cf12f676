//! FAQ files: questions and answers in YAML, each with its source and the date it was checked.

use std::path::Path;

use serde::Deserialize;

use crate::{CorpusError, Lang, Passage, PassageKind, passage_id};

/// One question and its answer, as written in an FAQ YAML file (format in `corpus/kb/README.md`).
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    /// Topic id shared by the language versions of one question (`ca-what-is`).
    pub id: String,
    pub lang: Lang,
    pub question: String,
    pub answer: String,
    /// Decision symbol and paragraph the answer rests on.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Date the facts are known to hold. YAML dates are read as strings so `2024-11-24` stays as written.
    pub valid_as_of: String,
    #[serde(default, deserialize_with = "crate::yaml::string_list")]
    pub tags: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::yaml::string_list"
    )]
    pub countries: Vec<String>,
}

impl FaqEntry {
    /// The passage this entry becomes: the question is its title and section, the answer its text.
    pub fn to_passage(&self, kind: PassageKind, origin: &str) -> Passage {
        let doc_id = match kind {
            PassageKind::Curated => format!("curated:{}", self.id),
            _ => format!("faq:{}", self.id),
        };
        let text = self.answer.trim().to_string();
        let question = self.question.trim().to_string();
        Passage {
            id: passage_id(&doc_id, self.lang, &question, &text),
            doc_id,
            kind,
            lang: self.lang,
            title: question.clone(),
            section: question,
            source: self.source.trim().to_string(),
            source_url: self.source_url.clone(),
            valid_as_of: Some(self.valid_as_of.trim().to_string()),
            tags: self.tags.clone(),
            countries: self.countries.clone(),
            text,
            origin: origin.to_string(),
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(format!(
                "entry id {:?} must be lowercase letters, digits and '-'",
                self.id
            ));
        }
        for (field, value) in [
            ("question", &self.question),
            ("answer", &self.answer),
            ("source", &self.source),
        ] {
            if value.trim().is_empty() {
                return Err(format!("entry {:?}: `{field}` is empty", self.id));
            }
        }
        check_date(&self.valid_as_of).map_err(|e| format!("entry {:?}: {e}", self.id))
    }
}

/// `valid_as_of` must be a calendar date: citations show it and staleness warnings compare it.
pub(crate) fn check_date(value: &str) -> Result<(), String> {
    value
        .parse::<crate::Date>()
        .map(drop)
        .map_err(|error| format!("`valid_as_of` {error}"))
}

/// Parses an FAQ file. Entries are checked one by one, so a bad entry is reported with its line and the
/// good ones around it are kept.
pub(crate) fn parse_faq(path: &Path, origin: &str, text: &str) -> (Vec<Passage>, Vec<CorpusError>) {
    let invalid = |line: usize, message: String| CorpusError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    let documents: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line());
            return (vec![], vec![invalid(line, format!("invalid YAML: {e}"))]);
        }
    };
    let serde_yaml::Value::Sequence(items) = documents else {
        return (
            vec![],
            vec![invalid(
                1,
                "an FAQ file must be a YAML list of entries".into(),
            )],
        );
    };
    let starts = entry_start_lines(text);
    let mut passages = Vec::new();
    let mut errors = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let line = starts.get(index).copied().unwrap_or(1);
        match serde_yaml::from_value::<FaqEntry>(item) {
            Ok(entry) => match entry.check() {
                Ok(()) => passages.push(entry.to_passage(PassageKind::Faq, origin)),
                Err(message) => errors.push(invalid(line, message)),
            },
            Err(e) => errors.push(invalid(line, format!("entry {}: {e}", index + 1))),
        }
    }
    (passages, errors)
}

/// Lines (1-based) where top-level list items start: serde_yaml loses positions once a value is parsed.
fn entry_start_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.starts_with("- ") || *line == "-")
        .map(|(i, _)| i + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
- id: ca-what-is
  lang: en
  question: What is a corresponding adjustment?
  answer: An accounting entry.
  source: Decision 2/CMA.3, annex, chapter III
  valid_as_of: 2021-11-13
  tags: [6.2]
";

    #[test]
    fn reads_an_entry_into_a_passage() {
        let (passages, errors) = parse_faq(Path::new("x.yaml"), "x.yaml", GOOD);
        assert!(errors.is_empty(), "{errors:?}");
        let p = &passages[0];
        assert_eq!(p.doc_id, "faq:ca-what-is");
        assert_eq!(p.title, "What is a corresponding adjustment?");
        assert_eq!(p.valid_as_of.as_deref(), Some("2021-11-13"));
        assert_eq!(p.tags, vec!["6.2"]);
    }

    #[test]
    fn a_bad_entry_is_reported_with_its_line_and_the_rest_kept() {
        let text = format!(
            "{GOOD}- id: Bad Id\n  lang: en\n  question: q\n  answer: a\n  source: s\n  valid_as_of: 2021-11-13\n"
        );
        let (passages, errors) = parse_faq(Path::new("x.yaml"), "x.yaml", &text);
        assert_eq!(passages.len(), 1);
        assert_eq!(errors.len(), 1);
        let message = errors[0].to_string();
        assert!(message.starts_with("x.yaml:8:"), "{message}");
        assert!(message.contains("lowercase"), "{message}");
    }

    #[test]
    fn broken_yaml_names_the_line() {
        let (_, errors) = parse_faq(Path::new("x.yaml"), "x.yaml", "- id: a\n  lang: [en\n");
        assert!(
            errors[0].to_string().starts_with("x.yaml:"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn dates_are_checked() {
        assert!(check_date("2024-11-24").is_ok());
        assert!(check_date("24/11/2024").is_err());
        assert!(check_date("2024-13-01").is_err());
    }
}
