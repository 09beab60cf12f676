//! From one document's bytes to its passages: format detection, the parser for the format, and the
//! guard that turns any parser failure (even a panic) into a reported skip.

use std::panic::{AssertUnwindSafe, catch_unwind};

use sha2::{Digest, Sha256};

use crate::{Lang, Passage};

use super::blocks::{self, DocumentInfo, Section, title_from_name, usable_title};
use super::format::{self, Format};
use super::{Candidate, Limits, SkipReason, csv_faq, docx, html, pdf, text};

/// Bumped whenever a reader changes what passages it makes from the same bytes, so that
/// [`fingerprint`]s change and every document is read again.
const READER_VERSION: &str = "library-reader-1";

/// Tells the language of a piece of text, or `None` when the text does not say. Corpus does not
/// know how: retrieval owns the function-word lists and passes its detector in.
pub type LanguageDetector = dyn Fn(&str) -> Option<Lang> + Sync;

/// A document read into passages.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub format: Format,
    /// The title its passages carry.
    pub title: String,
    pub passages: Vec<Passage>,
    /// Pages of a PDF, for the summary and the pages-per-second measure.
    pub pages: Option<u32>,
    /// Problems that did not stop the document (a bad FAQ entry, pages without text, a file whose
    /// name and content disagree), for the summary.
    pub warnings: Vec<String>,
}

/// What a parser hands back before passages are cut: the document's own title, its sections, and
/// anything the summary should mention.
pub(crate) struct Extracted {
    pub title: Option<String>,
    pub sections: Vec<Section>,
    pub declared_lang: Option<Lang>,
    pub pages: Option<u32>,
    pub warnings: Vec<String>,
}

/// A hash of everything that decides a document's passages: its bytes, its metadata, the limits
/// and this reader's version. Equal fingerprints mean the document need not be parsed again.
pub fn fingerprint(candidate: &Candidate, bytes: &[u8], limits: &Limits) -> String {
    let mut hasher = Sha256::new();
    hasher.update(READER_VERSION.as_bytes());
    let metadata = match &candidate.metadata {
        Ok(metadata) => serde_json::to_vec(metadata).unwrap_or_default(),
        Err(reason) => reason.to_string().into_bytes(),
    };
    let chunk = limits.chunk();
    for part in [
        candidate.origin.as_bytes(),
        &metadata,
        format!("{}:{}", chunk.max_chars, chunk.min_chars).as_bytes(),
        bytes,
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hex::encode(&hasher.finalize()[..16])
}

/// Reads one document. Every failure is a [`SkipReason`] for the summary; a parser that panics on a
/// malformed file is caught and reported the same way, so one bad file never stops a run.
pub fn read_document(
    candidate: &Candidate,
    bytes: &[u8],
    limits: &Limits,
    detect: &LanguageDetector,
) -> Result<Parsed, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(SkipReason::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    let (format, note) = format::detect(&candidate.extension(), bytes)?;
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        read_format(format, candidate, bytes, limits, detect)
    }))
    .unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(SkipReason::Malformed {
            detail: format!("the {format} reader failed on it ({detail})"),
        })
    });
    let mut parsed = parsed?;
    if let Some(note) = note {
        parsed.warnings.insert(0, note);
    }
    Ok(parsed)
}

fn read_format(
    format: Format,
    candidate: &Candidate,
    bytes: &[u8],
    limits: &Limits,
    detect: &LanguageDetector,
) -> Result<Parsed, SkipReason> {
    let metadata = candidate.metadata.as_ref().map_err(Clone::clone)?;
    let extracted = match format {
        Format::Pdf => pdf::extract(bytes, limits)?,
        Format::Docx => docx::extract(bytes, limits)?,
        Format::Html => html::extract(utf8(bytes)?),
        Format::Text => text::extract_plain(utf8(bytes)?),
        Format::Markdown => {
            let text = utf8(bytes)?;
            if let Some(passages) = text::read_guide(candidate, text, limits)? {
                return Ok(finished(format, passages, None, Vec::new()));
            }
            text::extract_markdown(text, limits)
        }
        Format::FaqYaml => {
            let (passages, warnings) = text::read_faq(candidate, utf8(bytes)?)?;
            return Ok(finished(format, passages, None, warnings));
        }
        Format::FaqCsv => {
            let (passages, warnings) = csv_faq::read(candidate, metadata, utf8(bytes)?, detect)?;
            return Ok(finished(format, passages, None, warnings));
        }
    };
    let title = metadata
        .title
        .clone()
        .or_else(|| extracted.title.as_deref().and_then(usable_title))
        .unwrap_or_else(|| title_from_name(&candidate.origin));
    let info = DocumentInfo {
        candidate,
        metadata,
        title: title.clone(),
        declared_lang: metadata.lang.or(extracted.declared_lang),
    };
    let passages = blocks::passages(&info, &extracted.sections, limits, detect)?;
    Ok(Parsed {
        format,
        title,
        passages,
        pages: extracted.pages,
        warnings: extracted.warnings,
    })
}

fn finished(
    format: Format,
    passages: Vec<Passage>,
    pages: Option<u32>,
    warnings: Vec<String>,
) -> Parsed {
    Parsed {
        format,
        title: passages
            .first()
            .map(|p| p.title.clone())
            .unwrap_or_default(),
        passages,
        pages,
        warnings,
    }
}

/// The text of a text format, or the reason it is not UTF-8. A UTF-8 byte-order mark is dropped.
fn utf8(bytes: &[u8]) -> Result<&str, SkipReason> {
    let text = std::str::from_utf8(bytes).map_err(|e| SkipReason::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}
