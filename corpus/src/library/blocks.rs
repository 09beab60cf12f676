//! The one way every library format becomes passages: sections of text, cut to size, each passage
//! tagged with its own language and a locator (page or anchor) a citation can point to.

use std::collections::HashSet;

use crate::chunk::split_text;
use crate::{Lang, Passage, PassageKind, passage_id};

use super::read::LanguageDetector;
use super::{Candidate, Limits, Metadata, SkipReason};

/// Where in the original a passage can be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Locator {
    /// Nothing finer than the document (text files, Word documents without headings).
    None,
    /// A 1-based PDF page: the citation says "p. 14" and links to `#page=14`.
    Page(u32),
    /// An HTML fragment (`#methodology` or a `#:~:text=` text fragment).
    Anchor(String),
}

/// A stretch of a document under one heading and at one locator. `text` holds paragraphs separated
/// by blank lines.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Section {
    /// The heading path (`Methodology > Baselines`), empty before the first heading.
    pub heading: String,
    pub locator: Locator,
    pub text: String,
}

impl Section {
    pub(crate) fn new(heading: &str, locator: Locator) -> Section {
        Section {
            heading: heading.to_string(),
            locator,
            text: String::new(),
        }
    }

    /// Appends a paragraph (whitespace-collapsed; empty ones are dropped).
    pub(crate) fn push_paragraph(&mut self, paragraph: &str) {
        let paragraph = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        if paragraph.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        self.text.push_str(&paragraph);
    }

    pub(crate) fn is_empty(&self) -> bool {
        !self.text.chars().any(char::is_alphanumeric)
    }
}

/// Everything about a document that every one of its passages carries.
pub(crate) struct DocumentInfo<'a> {
    pub candidate: &'a Candidate,
    pub metadata: &'a Metadata,
    /// The document's title (metadata first, then the file's own, then its name).
    pub title: String,
    /// The language the document declares (metadata, `<html lang>`), used for passages whose own
    /// language cannot be told.
    pub declared_lang: Option<Lang>,
}

/// Cuts `sections` into passages. Each passage's language is detected on its own text, so a
/// bilingual report yields Spanish and English passages; a passage too short or too neutral to tell
/// takes the declared language, else the document's overall language, else its neighbour's.
pub(crate) fn passages(
    info: &DocumentInfo<'_>,
    sections: &[Section],
    limits: &Limits,
    detect: &LanguageDetector,
) -> Result<Vec<Passage>, SkipReason> {
    let chunk = limits.chunk();
    let pieces: Vec<(&Section, String)> = sections
        .iter()
        .filter(|s| !s.is_empty())
        .flat_map(|s| split_text(&s.text, &chunk).into_iter().map(move |t| (s, t)))
        .filter(|(_, t)| t.chars().any(char::is_alphanumeric))
        .collect();
    if pieces.is_empty() {
        return Err(SkipReason::NoText);
    }
    let detected: Vec<Option<Lang>> = pieces.iter().map(|(_, text)| detect(text)).collect();
    let overall = info.declared_lang.or_else(|| {
        let sample: String = pieces
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
            .chars()
            .take(20_000)
            .collect();
        detect(&sample)
    });
    let fallback = overall.or_else(|| detected.iter().flatten().next().copied());
    let Some(mut previous) = fallback else {
        return Err(SkipReason::UnknownLanguage);
    };

    let doc_id = format!("doc:{}", info.candidate.origin);
    let source = info
        .metadata
        .source
        .clone()
        .unwrap_or_else(|| info.candidate.origin.clone());
    let mut seen = HashSet::new();
    let mut passages = Vec::with_capacity(pieces.len());
    for ((section, text), lang) in pieces.into_iter().zip(detected) {
        let lang = lang.or(overall).unwrap_or(previous);
        previous = lang;
        let place = match (&section.heading, &section.locator) {
            (heading, Locator::Page(page)) if heading.is_empty() => format!("p. {page}"),
            (heading, Locator::Page(page)) => format!("{heading}, p. {page}"),
            (heading, _) if heading.is_empty() => info.title.clone(),
            (heading, _) => heading.clone(),
        };
        let id = passage_id(&doc_id, lang, &place, &text);
        if !seen.insert(id.clone()) {
            continue;
        }
        let fragment = match &section.locator {
            Locator::None => None,
            Locator::Page(page) => Some(format!("page={page}")),
            Locator::Anchor(anchor) => Some(anchor.clone()),
        };
        let with_fragment = |base: &str| match &fragment {
            Some(fragment) if !base.contains('#') => format!("{base}#{fragment}"),
            _ => base.to_string(),
        };
        passages.push(Passage {
            id,
            doc_id: doc_id.clone(),
            kind: PassageKind::Document,
            lang,
            title: info.title.clone(),
            section: place,
            source: source.clone(),
            source_url: info.metadata.source_url.as_deref().map(with_fragment),
            valid_as_of: info.metadata.valid_as_of.clone(),
            tags: info.metadata.tags.clone(),
            countries: info.metadata.countries.clone(),
            text,
            origin: with_fragment(&info.candidate.origin),
        });
    }
    Ok(passages)
}

/// A title a person would recognise, from a file name: `informe_bienal-2024.pdf` → `informe bienal 2024`.
pub(crate) fn title_from_name(origin: &str) -> String {
    let name = origin.rsplit(['/', '\\']).next().unwrap_or(origin);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let words: Vec<&str> = stem
        .split(['_', '-', ' ', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        name.to_string()
    } else {
        words.join(" ")
    }
}

/// A document's own title, when it is one: producers often leave `Untitled` or the name of the file
/// the PDF was made from.
pub(crate) fn usable_title(title: &str) -> Option<String> {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = title.to_lowercase();
    let junk = title.chars().filter(|c| c.is_alphabetic()).count() < 3
        || title.chars().count() > 200
        || lower.starts_with("microsoft word")
        || lower.starts_with("untitled")
        || lower.starts_with("sin título")
        || lower.starts_with("documento1")
        || [".doc", ".docx", ".pdf", ".indd", ".rtf", ".odt"]
            .iter()
            .any(|ext| lower.ends_with(ext));
    (!junk).then_some(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_names_read_like_titles() {
        assert_eq!(
            title_from_name("a/informe_bienal-2024.pdf"),
            "informe bienal 2024"
        );
        assert_eq!(usable_title("Microsoft Word - draft3.docx"), None);
        assert_eq!(
            usable_title("  Guía   de  autorización "),
            Some("Guía de autorización".into())
        );
        assert_eq!(usable_title("x"), None);
    }
}
