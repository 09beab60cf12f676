//! Guides: Markdown with YAML front matter, one passage per section.

use std::path::Path;

use serde::Deserialize;

use crate::chunk::{ChunkLimits, split_sections};
use crate::faq::check_date;
use crate::{CorpusError, Lang, Passage, PassageKind, passage_id};

/// The YAML front matter every guide starts with.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    lang: Lang,
    source: String,
    #[serde(default)]
    source_url: Option<String>,
    valid_as_of: String,
    #[serde(default, deserialize_with = "crate::yaml::string_list")]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "crate::yaml::string_list")]
    countries: Vec<String>,
}

/// Parses a Markdown guide into one passage per section (long sections are split at paragraphs).
pub(crate) fn parse_guide(
    path: &Path,
    origin: &str,
    slug: &str,
    text: &str,
    limits: &ChunkLimits,
) -> Result<Vec<Passage>, CorpusError> {
    let invalid = |line: usize, message: String| CorpusError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Err(invalid(
            1,
            "a guide must start with YAML front matter between `---` lines".into(),
        ));
    };
    let Some(end) = rest.find("\n---") else {
        return Err(invalid(
            1,
            "the front matter has no closing `---` line".into(),
        ));
    };
    let front = &rest[..end];
    let body_start = rest[end + 4..]
        .find('\n')
        .map_or(rest.len(), |i| end + 4 + i + 1);
    let body = &rest[body_start..];
    // Lines before the body: the opening `---`, the front matter and the closing `---`.
    let body_line_offset = 2 + front.lines().count();

    let meta: FrontMatter = serde_yaml::from_str(front).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line() + 1);
        invalid(line, format!("invalid front matter: {e}"))
    })?;
    check_date(&meta.valid_as_of).map_err(|message| invalid(1, message))?;
    if meta.title.trim().is_empty() || meta.source.trim().is_empty() {
        return Err(invalid(
            1,
            "front matter needs a `title` and a `source`".into(),
        ));
    }

    let doc_id = format!("guide:{slug}");
    let title = meta.title.trim().to_string();
    let passages = split_sections(body, &title, limits)
        .into_iter()
        .map(|chunk| Passage {
            id: passage_id(&doc_id, meta.lang, &chunk.section, &chunk.text),
            doc_id: doc_id.clone(),
            kind: PassageKind::Guide,
            lang: meta.lang,
            title: title.clone(),
            section: chunk.section,
            source: meta.source.trim().to_string(),
            source_url: meta.source_url.clone(),
            valid_as_of: Some(meta.valid_as_of.trim().to_string()),
            tags: meta.tags.clone(),
            countries: meta.countries.clone(),
            text: chunk.text,
            origin: format!("{origin}:{}", chunk.line + body_line_offset),
        })
        .collect();
    Ok(passages)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUIDE: &str = "---
title: Corresponding adjustments
lang: en
source: Decision 2/CMA.3, annex, chapter III
valid_as_of: 2021-11-13
tags: [6.2]
---
# Corresponding adjustments

Intro paragraph.

## Who applies them

The transferring Party adds, the using Party subtracts.
";

    #[test]
    fn sections_keep_their_heading_path_and_line() {
        let passages = parse_guide(
            Path::new("ca.md"),
            "guides/en/ca.md",
            "ca",
            GUIDE,
            &ChunkLimits::default(),
        )
        .unwrap();
        assert_eq!(passages.len(), 2);
        assert_eq!(
            passages[1].section,
            "Corresponding adjustments > Who applies them"
        );
        assert_eq!(passages[1].doc_id, "guide:ca");
        assert_eq!(passages[1].origin, "guides/en/ca.md:12");
    }

    #[test]
    fn bad_front_matter_names_the_line() {
        let broken = GUIDE.replace("lang: en", "lang: fr");
        let err = parse_guide(
            Path::new("ca.md"),
            "ca.md",
            "ca",
            &broken,
            &ChunkLimits::default(),
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("ca.md:3:"), "{message}");
        assert!(message.contains("fr"), "{message}");
    }

    #[test]
    fn missing_front_matter_is_explained() {
        let err = parse_guide(
            Path::new("ca.md"),
            "ca.md",
            "ca",
            "# Title\n",
            &ChunkLimits::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("front matter"));
    }
}
