//! Word documents (Office Open XML): paragraphs in order, heading styles as sections (whatever the
//! language of the Word that wrote them), the title from the document properties.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::blocks::{Locator, Section};
use super::limits::InflateBudget;
use super::read::Extracted;
use super::{Limits, SkipReason};

/// Reads the parts of a `.docx` that hold text.
pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, SkipReason> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        let detail = e.to_string();
        if detail.contains("EOCD") || detail.contains("end of central directory") {
            SkipReason::Truncated {
                detail: "the ZIP directory at the end of the file is missing".into(),
            }
        } else {
            SkipReason::Malformed {
                detail: format!("not a readable Word document: {detail}"),
            }
        }
    })?;
    let mut budget = limits.inflate_budget();
    let document = part(&mut archive, "word/document.xml", &mut budget)?.ok_or_else(|| {
        SkipReason::Malformed {
            detail: "the archive has no word/document.xml: it is not a Word document (an Excel, \
                     PowerPoint or OpenDocument file?)"
                .into(),
        }
    })?;
    let headings = match part(&mut archive, "word/styles.xml", &mut budget)? {
        Some(styles) => heading_styles(&styles),
        None => HashMap::new(),
    };
    let title = part(&mut archive, "docProps/core.xml", &mut budget)?
        .and_then(|core| element_text(&core, "title"));
    let (sections, first_heading) = body(&document, &headings)?;
    Ok(Extracted {
        title: title.or(first_heading),
        sections,
        declared_lang: None,
        pages: None,
        warnings: Vec::new(),
    })
}

/// One part of the archive as text, refusing parts that inflate past the limit or the document's
/// remaining budget (a few kilobytes can be crafted to inflate to gigabytes).
fn part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut InflateBudget,
) -> Result<Option<String>, SkipReason> {
    let mut file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(SkipReason::Malformed {
                detail: format!("{name} cannot be read: {e}"),
            });
        }
    };
    let limit = budget.next_limit()? as u64;
    if file.size() > limit {
        return Err(SkipReason::Malformed {
            detail: format!(
                "{name} inflates to {} bytes, over the limit of {limit}",
                file.size()
            ),
        });
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SkipReason::Truncated {
            detail: format!("{name} is cut short: {e}"),
        })?;
    if bytes.len() as u64 > limit {
        return Err(SkipReason::Malformed {
            detail: format!("{name} inflates past the limit of {limit} bytes"),
        });
    }
    budget.spend(bytes.len());
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| SkipReason::Malformed {
            detail: format!("{name} is not UTF-8 XML"),
        })
}

fn attribute(element: &BytesStart<'_>, local: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value.to_string())
}

/// Style ids that are headings, with their level: Word names them `heading 1` in every language,
/// while the ids are translated (`Heading1`, `Ttulo1`, `berschrift1`).
fn heading_styles(styles: &str) -> HashMap<String, usize> {
    let mut reader = quick_xml::Reader::from_str(styles);
    let mut headings = HashMap::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "style" => current = attribute(&e, "styleId"),
                "name" => {
                    if let (Some(id), Some(name)) = (&current, attribute(&e, "val")) {
                        let name = name.to_lowercase();
                        let level = match name.strip_prefix("heading ") {
                            Some(n) => n.trim().parse().ok(),
                            None => (name == "title").then_some(1),
                        };
                        if let Some(level) = level {
                            headings.insert(id.clone(), level);
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    headings
}

/// The text of the first element named `local` (any namespace).
fn element_text(xml: &str, local: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut inside = false;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == local => inside = true,
            Ok(Event::End(e)) if e.local_name().as_ref() == local => break,
            Ok(Event::Text(t)) if inside => text.push_str(&t),
            Ok(Event::GeneralRef(r)) if inside => text.push_str(&resolve(&r)),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn resolve(reference: &quick_xml::events::BytesRef<'_>) -> String {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return c.to_string();
    }
    let name: &str = reference.as_ref();
    quick_xml::escape::unescape(&format!("&{name};"))
        .map(|s| s.into_owned())
        .unwrap_or_default()
}

/// The body's paragraphs as sections under their headings, and the first heading (a title when the
/// properties have none).
fn body(
    document: &str,
    headings: &HashMap<String, usize>,
) -> Result<(Vec<Section>, Option<String>), SkipReason> {
    let mut reader = quick_xml::Reader::from_str(document);
    let mut sections = vec![Section::new("", Locator::None)];
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut first_heading = None;
    let mut paragraph = String::new();
    let mut level: Option<usize> = None;
    let mut in_text = false;
    loop {
        let event = reader.read_event().map_err(|e| SkipReason::Malformed {
            detail: format!(
                "word/document.xml is not well-formed XML (at byte {}): {e}",
                reader.error_position()
            ),
        })?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == "t" => in_text = true,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "p" => {
                    paragraph.clear();
                    level = None;
                }
                "pStyle" => {
                    level = attribute(&e, "val").and_then(|id| headings.get(&id).copied());
                }
                "outlineLvl" if level.is_none() => {
                    level = attribute(&e, "val")
                        .and_then(|v| v.parse::<usize>().ok())
                        .map(|l| l + 1);
                }
                "tab" | "br" | "cr" => paragraph.push(' '),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let text = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
                    match level {
                        Some(level) if !text.is_empty() => {
                            first_heading.get_or_insert_with(|| text.clone());
                            path.retain(|(l, _)| *l < level);
                            path.push((level, text));
                            let heading: Vec<&str> = path.iter().map(|(_, t)| t.as_str()).collect();
                            sections.push(Section::new(&heading.join(" > "), Locator::None));
                        }
                        _ => {
                            if let Some(section) = sections.last_mut() {
                                section.push_paragraph(&text);
                            }
                        }
                    }
                    paragraph.clear();
                }
                _ => {}
            },
            Event::Text(t) if in_text => paragraph.push_str(&t),
            Event::GeneralRef(r) if in_text => paragraph.push_str(&resolve(&r)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((sections, first_heading))
}
