//! Why a library document was left out of a run, in words a librarian can act on.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a library document was not indexed. Every variant's message tells a librarian what is wrong and
/// what to do about it: the run goes on with the other documents, and the summary lists these at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// The file has no bytes at all (often an interrupted download or copy).
    #[error("the file is empty (0 bytes); copy or download it again")]
    Empty,
    /// The file is over [`super::Limits::max_file_bytes`]; parsing it would hold the run for minutes.
    #[error(
        "the file is {} and the limit is {}; split it, or raise the limit if it is a real document",
        human_size(*size),
        human_size(*limit)
    )]
    TooLarge { size: u64, limit: u64 },
    /// No parser reads this kind of file.
    #[error(
        "{} files are not read; save it as PDF, DOCX, HTML, TXT, Markdown, FAQ YAML or CSV, or exclude it",
        describe_extension(extension)
    )]
    UnknownFormat { extension: String },
    /// The name promises one format and the bytes are another that cannot be read.
    #[error("the name says .{extension} but the file is {found}; rename or re-export it")]
    WrongExtension { extension: String, found: String },
    /// A text format (TXT, Markdown, YAML, CSV) in another encoding than UTF-8.
    #[error(
        "the text is not UTF-8 (first bad byte at offset {valid_up_to}); save it as UTF-8 (in Excel: \
         \"CSV UTF-8\")"
    )]
    NotUtf8 { valid_up_to: usize },
    /// A PDF protected by a password: its text cannot be read without it.
    #[error("the PDF is password-protected; ask the publisher for an unprotected copy")]
    Encrypted,
    /// A PDF whose pages are only images (a scan): there is no text to index.
    #[error(
        "the PDF has no text layer ({pages} pages of images, a scan?); run OCR on it and add it again"
    )]
    NoTextLayer { pages: u32 },
    /// A PDF whose fonts carry no map back to characters, so what comes out is gibberish.
    #[error(
        "the PDF's text cannot be decoded (its fonts have no Unicode map); export it again from the \
         original or run OCR on it"
    )]
    UnreadableText,
    /// The file ends before its structure does (interrupted download or copy).
    #[error("the file is truncated ({detail}); download or copy it again")]
    Truncated { detail: String },
    /// The file is damaged or not what its format requires.
    #[error("the file cannot be read: {detail}")]
    Malformed { detail: String },
    /// The document was read, but nothing in it is text worth indexing.
    #[error("the document has no text to index")]
    NoText,
    /// The document's language could not be told, and no `lang` was declared for it.
    #[error(
        "the language of the document could not be detected; add `lang: es` (or pt, en) to its \
         .meta.yaml sidecar"
    )]
    UnknownLanguage,
    /// Its sidecar or manifest entry is broken; indexing it without its source and date would give
    /// citations nobody can check.
    #[error("its metadata file {file} is invalid: {detail}")]
    BadMetadata { file: String, detail: String },
    /// The file could not be read from disk (permissions, vanished during the run).
    #[error("the file cannot be opened: {detail}")]
    Unreadable { detail: String },
    /// A URL listed in a manifest could not be downloaded (or this run has no network).
    #[error("the URL could not be fetched: {detail}")]
    NotFetched { detail: String },
}

impl SkipReason {
    /// True for scans: the summary lists them apart, because they need OCR rather than a fix.
    pub fn is_scan(&self) -> bool {
        matches!(self, SkipReason::NoTextLayer { .. })
    }
}

/// A document left out of this run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Path relative to the library root, or the URL: what the librarian knows the document by.
    pub origin: String,
    pub reason: SkipReason,
    /// True when an earlier version of the document stays in the index: a broken update never removes
    /// what was already searchable.
    pub kept_previous: bool,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.reason)?;
        if self.kept_previous {
            f.write_str(" (the version indexed before stays searchable)")?;
        }
        Ok(())
    }
}

fn describe_extension(extension: &str) -> String {
    if extension.is_empty() {
        "files without an extension".to_string()
    } else {
        format!(".{extension}")
    }
}

/// Sizes as a librarian reads them: `512 MiB`, not `536870912`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do() {
        let too_large = SkipReason::TooLarge {
            size: 500 * 1024 * 1024,
            limit: 100 * 1024 * 1024,
        };
        assert_eq!(
            too_large.to_string(),
            "the file is 500 MiB and the limit is 100 MiB; split it, or raise the limit if it is a real document"
        );
        let unknown = SkipReason::UnknownFormat {
            extension: "xlsx".into(),
        };
        assert!(unknown.to_string().starts_with(".xlsx files are not read"));
        assert!(
            SkipReason::NoTextLayer { pages: 3 }
                .to_string()
                .contains("OCR")
        );
    }

    #[test]
    fn reasons_round_trip_through_json() {
        let reason = SkipReason::Malformed {
            detail: "bad xref".into(),
        };
        let json = serde_json::to_string(&reason).unwrap();
        assert_eq!(serde_json::from_str::<SkipReason>(&json).unwrap(), reason);
    }
}
