//! Plain text, Markdown (a knowledge-base guide when it has front matter) and FAQ YAML.

use std::path::Path;

use crate::chunk::split_sections;
use crate::faq::parse_faq;
use crate::guide::parse_guide;
use crate::{Passage, section_slug};

use super::blocks::{Locator, Section};
use super::read::Extracted;
use super::{Candidate, Limits, SkipReason};

/// Plain text: paragraphs are separated by blank lines; a short first line is the title.
pub(crate) fn extract_plain(text: &str) -> Extracted {
    let text = text.replace("\r\n", "\n");
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    let title = first
        .filter(|line| line.chars().count() <= 120)
        .map(str::to_string);
    let mut section = Section::new("", Locator::None);
    for paragraph in text.split("\n\n") {
        section.push_paragraph(paragraph);
    }
    extracted(title, vec![section])
}

/// Markdown without front matter: headings become sections (and anchors), the first `# ` heading
/// the title.
pub(crate) fn extract_markdown(text: &str, limits: &Limits) -> Extracted {
    let title = text
        .lines()
        .find_map(|line| line.strip_prefix("# "))
        .map(|t| t.trim().to_string());
    let sections = split_sections(text, "", &limits.chunk())
        .into_iter()
        .map(|chunk| {
            let heading = chunk.section.trim_start_matches(" > ").to_string();
            let last = heading.rsplit(" > ").next().unwrap_or_default();
            let locator = if last.is_empty() {
                Locator::None
            } else {
                Locator::Anchor(section_slug(last))
            };
            let mut section = Section::new(&heading, locator);
            section.text = chunk.text;
            section
        })
        .collect();
    extracted(title, sections)
}

fn extracted(title: Option<String>, sections: Vec<Section>) -> Extracted {
    Extracted {
        title,
        sections,
        declared_lang: None,
        pages: None,
        warnings: Vec::new(),
    }
}

/// A knowledge-base guide (Markdown with YAML front matter), read exactly as the bundled ones are,
/// so moving a guide into the library keeps its passage ids. `None` when there is no front matter.
pub(crate) fn read_guide(
    candidate: &Candidate,
    text: &str,
    limits: &Limits,
) -> Result<Option<Vec<Passage>>, SkipReason> {
    if !text.starts_with("---\n") && !text.starts_with("---\r\n") {
        return Ok(None);
    }
    let slug = Path::new(&candidate.origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path = Path::new(&candidate.origin);
    parse_guide(path, &candidate.origin, &slug, text, &limits.chunk())
        .map(Some)
        .map_err(|e| SkipReason::Malformed {
            detail: e.to_string(),
        })
}

/// An FAQ YAML file in the knowledge-base format. Bad entries are reported with their line and the
/// good ones kept; a file with no good entry is skipped with its first problem.
pub(crate) fn read_faq(
    candidate: &Candidate,
    text: &str,
) -> Result<(Vec<Passage>, Vec<String>), SkipReason> {
    let (passages, errors) = parse_faq(Path::new(&candidate.origin), &candidate.origin, text);
    let warnings: Vec<String> = errors.iter().map(ToString::to_string).collect();
    if passages.is_empty() {
        return Err(SkipReason::Malformed {
            detail: warnings
                .into_iter()
                .next()
                .unwrap_or_else(|| "the FAQ file has no entries".into()),
        });
    }
    Ok((passages, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_headings_become_sections_with_anchors() {
        let text = "# Guía\n\nIntro.\n\n## Autorización previa\n\nTexto de la sección.\n";
        let extracted = extract_markdown(text, &Limits::default());
        assert_eq!(extracted.title.as_deref(), Some("Guía"));
        let last = extracted.sections.last().unwrap();
        assert_eq!(last.heading, "Guía > Autorización previa");
        assert_eq!(last.locator, Locator::Anchor("autorizacion-previa".into()));
    }

    #[test]
    fn plain_text_takes_its_first_line_as_title() {
        let extracted = extract_plain("Nota\n\nPrimer párrafo.\nSigue.\n\nSegundo.");
        assert_eq!(extracted.title.as_deref(), Some("Nota"));
        assert_eq!(
            extracted.sections[0].text,
            "Nota\n\nPrimer párrafo. Sigue.\n\nSegundo."
        );
    }
}
