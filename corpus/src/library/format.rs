//! Which kind of document a library file is, from its content first and its name second.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::SkipReason;

/// The kinds of library document Consulta reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// PDF with a text layer; citations name the page.
    Pdf,
    /// A web page saved as HTML; citations name the heading's anchor.
    Html,
    /// A Word document (Office Open XML).
    Docx,
    /// Plain UTF-8 text.
    Text,
    /// Markdown; headings become sections.
    Markdown,
    /// A YAML list of FAQ entries, in the format of `corpus/kb/faq`.
    FaqYaml,
    /// A spreadsheet export of questions and answers (`question`, `answer`, `lang` columns).
    FaqCsv,
}

impl Format {
    /// The name a librarian knows the format by.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "PDF",
            Format::Html => "HTML",
            Format::Docx => "DOCX",
            Format::Text => "text",
            Format::Markdown => "Markdown",
            Format::FaqYaml => "FAQ YAML",
            Format::FaqCsv => "FAQ CSV",
        }
    }

    fn from_extension(extension: &str) -> Option<Format> {
        Some(match extension {
            "pdf" => Format::Pdf,
            "html" | "htm" | "xhtml" => Format::Html,
            "docx" => Format::Docx,
            "txt" | "text" => Format::Text,
            "md" | "markdown" => Format::Markdown,
            "yaml" | "yml" => Format::FaqYaml,
            "csv" | "tsv" => Format::FaqCsv,
            _ => return None,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the first bytes of a file say it is, whatever its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Readable(Format),
    /// A ZIP archive: a DOCX is one, and so are XLSX, PPTX and ODT.
    Zip,
    /// A known format Consulta does not read, in words (`a PNG image`).
    Other(&'static str),
}

/// Decides how to read a file from its extension and its first bytes. Content wins over the name when
/// the content is unmistakable: a web page saved as `report.pdf` is read as HTML, with a note saying so.
/// Returns the format and, when name and content disagree, the note for the summary.
pub(crate) fn detect(extension: &str, head: &[u8]) -> Result<(Format, Option<String>), SkipReason> {
    let extension = extension.to_ascii_lowercase();
    let claimed = Format::from_extension(&extension);
    let sniffed = sniff(head);
    let mismatch = |found: Format| {
        Some(format!(
            "named .{extension} but it is {}; read as {}",
            found.name(),
            found.name()
        ))
    };
    match (claimed, sniffed) {
        (Some(Format::Docx), Some(Sniffed::Zip)) => Ok((Format::Docx, None)),
        (Some(claimed), Some(Sniffed::Readable(found))) if claimed == found => Ok((claimed, None)),
        // A Markdown or text file may well start with an HTML tag; only binary claims are overruled.
        (Some(Format::Text | Format::Markdown), Some(Sniffed::Readable(Format::Html))) => {
            Ok((claimed.unwrap_or(Format::Text), None))
        }
        (_, Some(Sniffed::Readable(found))) => Ok((found, claimed.and_then(|_| mismatch(found)))),
        (Some(Format::Pdf | Format::Docx), None) => Err(SkipReason::WrongExtension {
            extension,
            found: "not a recognisable document (wrong extension, or damaged)".into(),
        }),
        (Some(_), Some(Sniffed::Zip)) => Err(SkipReason::WrongExtension {
            extension,
            found: "a ZIP archive (an Excel, PowerPoint or OpenDocument file?)".into(),
        }),
        (Some(_), Some(Sniffed::Other(found))) => Err(SkipReason::WrongExtension {
            extension,
            found: found.into(),
        }),
        (Some(claimed), _) => Ok((claimed, None)),
        (None, _) => Err(SkipReason::UnknownFormat { extension }),
    }
}

fn sniff(head: &[u8]) -> Option<Sniffed> {
    const SIGNATURES: [(&[u8], Sniffed); 9] = [
        (b"PK\x03\x04", Sniffed::Zip),
        (b"\x89PNG", Sniffed::Other("a PNG image")),
        (b"\xff\xd8\xff", Sniffed::Other("a JPEG image")),
        (b"GIF8", Sniffed::Other("a GIF image")),
        (b"II*\0", Sniffed::Other("a TIFF image")),
        (b"MM\0*", Sniffed::Other("a TIFF image")),
        (
            b"\xd0\xcf\x11\xe0",
            Sniffed::Other("an old Office file (.doc/.xls); save it as .docx"),
        ),
        (b"{\\rtf", Sniffed::Other("an RTF file; save it as .docx")),
        (b"\x1f\x8b", Sniffed::Other("a gzip archive")),
    ];
    // The PDF header may follow a little junk (ISO 32000-1, annex H).
    let window = &head[..head.len().min(1024)];
    if window.windows(5).any(|w| w == b"%PDF-") {
        return Some(Sniffed::Readable(Format::Pdf));
    }
    if let Some((_, sniffed)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(*sniffed);
    }
    looks_like_html(window).then_some(Sniffed::Readable(Format::Html))
}

fn looks_like_html(window: &[u8]) -> bool {
    let text = String::from_utf8_lossy(window).to_ascii_lowercase();
    let start = text.trim_start_matches('\u{feff}').trim_start();
    start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || (start.starts_with("<?xml") && text.contains("<html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_contents_agree() {
        assert_eq!(detect("pdf", b"%PDF-1.7\n").unwrap(), (Format::Pdf, None));
        assert_eq!(
            detect("DOCX", b"PK\x03\x04rest").unwrap(),
            (Format::Docx, None)
        );
        assert_eq!(
            detect("md", b"# Title\n").unwrap(),
            (Format::Markdown, None)
        );
        assert_eq!(
            detect("csv", b"question,answer\n").unwrap(),
            (Format::FaqCsv, None)
        );
    }

    #[test]
    fn unmistakable_content_overrules_the_name() {
        let (format, note) = detect("pdf", b"<!DOCTYPE html><html>").unwrap();
        assert_eq!(format, Format::Html);
        assert!(note.unwrap().contains("named .pdf but it is HTML"));
        assert_eq!(detect("", b"%PDF-1.4").unwrap().0, Format::Pdf);
        assert_eq!(detect("md", b"<html><p>x</p>").unwrap().0, Format::Markdown);
    }

    #[test]
    fn unreadable_contents_are_named() {
        let err = detect("pdf", b"\x89PNG\r\n").unwrap_err();
        assert!(err.to_string().contains("a PNG image"), "{err}");
        let err = detect("docx", b"\xd0\xcf\x11\xe0").unwrap_err();
        assert!(err.to_string().contains(".docx"), "{err}");
        let err = detect("pdf", b"garbage").unwrap_err();
        assert!(matches!(err, SkipReason::WrongExtension { .. }), "{err}");
        assert!(matches!(
            detect("txt", b"PK\x03\x04").unwrap_err(),
            SkipReason::WrongExtension { .. }
        ));
        assert!(matches!(
            detect("xlsx", b"PK\x03\x04").unwrap_err(),
            SkipReason::UnknownFormat { .. }
        ));
        assert!(matches!(
            detect("png", b"\x89PNG").unwrap_err(),
            SkipReason::UnknownFormat { .. }
        ));
    }
}
