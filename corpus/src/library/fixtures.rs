//! Small synthetic documents, made in code, for tests, fuzzing seeds and benchmarks: PDFs laid out
//! in one or two columns, scans without text, password-protected PDFs, Word documents. Built with
//! the same crates the readers use, so the fixtures need no tool outside this repository.

use std::io::{Cursor, Write};

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, Writer, dictionary};

/// Page size (A4, points) and margins of generated pages.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
/// Body text size and line height.
const BODY_SIZE: f32 = 10.0;
const LEADING: f32 = 13.0;

/// Something drawn on a generated page.
#[derive(Debug, Clone, PartialEq)]
pub enum PdfItem {
    /// A line of Helvetica at `(x, y)` (points from the bottom left) in `size` points.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    /// A grey image covering the page, as a scanner makes.
    Image,
}

/// A page: what it shows, in content-stream order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PdfPage {
    pub items: Vec<PdfItem>,
}

impl PdfPage {
    /// A page of one column: an optional heading, then the paragraphs wrapped at the margins.
    pub fn single_column(heading: Option<&str>, paragraphs: &[&str]) -> PdfPage {
        let mut page = PdfPage::default();
        let mut y = PAGE_HEIGHT - MARGIN;
        if let Some(heading) = heading {
            page.text(MARGIN, y, 16.0, heading);
            y -= 2.0 * LEADING;
        }
        for paragraph in paragraphs {
            for line in wrap(paragraph, 95) {
                page.text(MARGIN, y, BODY_SIZE, &line);
                y -= LEADING;
            }
            y -= LEADING;
        }
        page
    }

    /// A page of two columns whose lines are written across the page, left line then right line,
    /// as many layout programs emit them: read in stream order, the columns would interleave.
    pub fn two_columns(left: &[&str], right: &[&str]) -> PdfPage {
        let column = |paragraphs: &[&str]| -> Vec<Option<String>> {
            let mut lines = Vec::new();
            for paragraph in paragraphs {
                lines.extend(wrap(paragraph, 45).into_iter().map(Some));
                lines.push(None);
            }
            lines
        };
        let (left, right) = (column(left), column(right));
        let mut page = PdfPage::default();
        let right_x = PAGE_WIDTH / 2.0 + 14.0;
        for row in 0..left.len().max(right.len()) {
            let y = PAGE_HEIGHT - MARGIN - row as f32 * LEADING;
            if let Some(Some(line)) = left.get(row) {
                page.text(MARGIN, y, BODY_SIZE, line);
            }
            if let Some(Some(line)) = right.get(row) {
                page.text(right_x, y, BODY_SIZE, line);
            }
        }
        page
    }

    /// A scanned page: an image and no text layer.
    pub fn scanned() -> PdfPage {
        PdfPage {
            items: vec![PdfItem::Image],
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        self.items.push(PdfItem::Text {
            x,
            y,
            size,
            text: text.to_string(),
        });
    }
}

/// Breaks a paragraph into lines of at most `width` characters, at spaces.
fn wrap(paragraph: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in paragraph.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// WinAnsi bytes for Helvetica: the letters of Spanish and Portuguese are all in Latin-1.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            c if (c as u32) < 256 => c as u8,
            _ => b'?',
        })
        .collect()
}

/// A PDF of `pages`, with `title` in its information dictionary.
pub fn pdf(title: Option<&str>, pages: &[PdfPage]) -> Vec<u8> {
    build(title, pages, None)
}

/// A PDF whose text needs a password: it declares standard encryption with a user password, so no
/// reader can open it without one.
pub fn password_protected_pdf() -> Vec<u8> {
    let encrypt = dictionary! {
        "Filter" => "Standard",
        "V" => 1,
        "R" => 2,
        "O" => Object::string_literal(vec![0x4fu8; 32]),
        "U" => Object::string_literal(vec![0x21u8; 32]),
        "P" => -44,
    };
    build(
        Some("Confidential"),
        &[PdfPage::single_column(None, &["Secret text."])],
        Some(encrypt),
    )
}

fn build(title: Option<&str>, pages: &[PdfPage], encrypt: Option<Dictionary>) -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let font_id = document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let image_id = document.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => 8,
            "Height" => 8,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        vec![0x80; 64],
    ));
    let resources_id = document.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
        "XObject" => dictionary! { "Im1" => image_id },
    });
    let mut kids = Vec::new();
    for page in pages {
        let mut operations = Vec::new();
        for item in &page.items {
            match item {
                PdfItem::Text { x, y, size, text } => operations.extend([
                    Operation::new("BT", vec![]),
                    Operation::new("Tf", vec!["F1".into(), (*size).into()]),
                    Operation::new("Td", vec![(*x).into(), (*y).into()]),
                    Operation::new("Tj", vec![Object::string_literal(win_ansi(text))]),
                    Operation::new("ET", vec![]),
                ]),
                PdfItem::Image => operations.extend([
                    Operation::new("q", vec![]),
                    Operation::new(
                        "cm",
                        vec![
                            PAGE_WIDTH.into(),
                            0.into(),
                            0.into(),
                            PAGE_HEIGHT.into(),
                            0.into(),
                            0.into(),
                        ],
                    ),
                    Operation::new("Do", vec!["Im1".into()]),
                    Operation::new("Q", vec![]),
                ]),
            }
        }
        let content = Content { operations }
            .encode()
            .expect("generated content encodes");
        let content_id = document.add_object(Stream::new(dictionary! {}, content));
        let page_id = document.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_WIDTH.into(), PAGE_HEIGHT.into()],
        }),
    );
    let catalog_id = document.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    document.trailer.set("Root", catalog_id);
    if let Some(title) = title {
        let info_id = document.add_object(dictionary! {
            "Title" => Object::string_literal(win_ansi(title)),
        });
        document.trailer.set("Info", info_id);
    }
    if let Some(encrypt) = encrypt {
        let encrypt_id = document.add_object(encrypt);
        document.trailer.set("Encrypt", encrypt_id);
        document.trailer.set(
            "ID",
            vec![
                Object::string_literal(vec![1u8; 16]),
                Object::string_literal(vec![1u8; 16]),
            ],
        );
    }
    document.compress();
    let mut bytes = Vec::new();
    document
        .save_to(&mut bytes)
        .expect("writing to memory succeeds");
    bytes
}

/// A readable PDF of one page whose cross-reference data is a chain of `revisions` cross-reference
/// streams, each inflating to `inflated` bytes: a few kilobytes on disk, `revisions × inflated`
/// bytes to inflate before its first object can be read.
pub fn inflate_bomb_pdf(revisions: usize, inflated: usize) -> Vec<u8> {
    let plain = pdf(
        Some("Autorizaciones"),
        &[PdfPage::single_column(
            None,
            &["La autorización de los ITMO corresponde a la autoridad nacional designada."],
        )],
    );
    let document = Document::load_mem(&plain).expect("the generated PDF loads");
    pdf_with_xref_streams(&document, &[], revisions, inflated)
}

/// `document` written object by object, with `revisions` cross-reference streams after its objects,
/// each listing them all and the `compressed` ones (`(object, object stream)`: the first object of
/// that object stream), each linked to the one before by `/Prev`, as a file saved `revisions` times
/// has, and each padded with zeros to inflate to at least `inflated` bytes. lopdf's writer cannot
/// write this: it writes cross-reference data of its own, and leaves object streams out.
pub fn pdf_with_xref_streams(
    document: &Document,
    compressed: &[(u32, u32)],
    revisions: usize,
    inflated: usize,
) -> Vec<u8> {
    let mut bytes = b"%PDF-1.5\n".to_vec();
    // Each entry: type 1 (at an offset) or 2 (in an object stream), then its two fields.
    let mut entries: Vec<(u32, u8, u32)> = Vec::new();
    for (id, object) in &document.objects {
        entries.push((id.0, 1, bytes.len() as u32));
        bytes.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
        Writer::write_object(&mut bytes, object).expect("writing to memory succeeds");
        bytes.extend_from_slice(b"\nendobj\n");
    }
    entries.extend(
        compressed
            .iter()
            .map(|(id, container)| (*id, 2, *container)),
    );
    entries.sort_unstable();
    let mut data = Vec::new();
    let mut index = Vec::new();
    for (id, kind, field) in &entries {
        data.push(*kind);
        data.extend_from_slice(&field.to_be_bytes());
        data.extend_from_slice(&[0, 0]);
        index.extend([Object::from(i64::from(*id)), 1.into()]);
    }
    data.resize(data.len().max(inflated), 0);
    // Compressed once: every revision carries the same data.
    let mut compressed_data = Stream::new(Dictionary::new(), data);
    compressed_data
        .compress()
        .expect("compressing in memory succeeds");
    let first_number = entries.last().map_or(1, |(id, _, _)| id + 1);
    let mut prev = None;
    for revision in 0..revisions as u32 {
        let number = first_number + revision;
        let mut dict = dictionary! {
            "Type" => "XRef",
            "Size" => i64::from(number) + 1,
            "W" => vec![1.into(), 4.into(), 2.into()],
            "Index" => index.clone(),
        };
        for key in [&b"Root"[..], b"Info", b"Encrypt", b"ID"] {
            if let Ok(value) = document.trailer.get(key) {
                dict.set(key, value.clone());
            }
        }
        if let Some(prev) = prev {
            dict.set("Prev", prev as i64);
        }
        for (key, value) in compressed_data.dict.iter() {
            dict.set(key.clone(), value.clone());
        }
        let stream = Stream::new(dict, compressed_data.content.clone());
        prev = Some(bytes.len());
        bytes.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        Writer::write_object(&mut bytes, &Object::Stream(stream))
            .expect("writing to memory succeeds");
        bytes.extend_from_slice(b"\nendobj\n");
    }
    let newest = prev.unwrap_or(bytes.len());
    bytes.extend_from_slice(format!("startxref\n{newest}\n%%EOF\n").as_bytes());
    bytes
}

/// A PDF of `pages` as modern producers write it: its catalog kept in a compressed object stream,
/// its cross-reference data in a compressed cross-reference stream (see [`pdf_with_xref_streams`]).
/// Nothing of it can be reached without inflating that stream.
pub fn pdf_with_catalog_in_object_stream(title: Option<&str>, pages: &[PdfPage]) -> Vec<u8> {
    let mut document = Document::load_mem(&pdf(title, pages)).expect("the fixture loads");
    let catalog = document
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .expect("the fixture has a catalog");
    let mut held = format!("{} 0 ", catalog.0).into_bytes();
    let first = held.len() as i64;
    let object = document
        .objects
        .remove(&catalog)
        .expect("the catalog is an object");
    Writer::write_object(&mut held, &object).expect("writing to memory succeeds");
    let container = document.max_id + 1;
    let mut holder = Stream::new(
        dictionary! { "Type" => "ObjStm", "N" => 1, "First" => first },
        held,
    );
    holder.compress().expect("compressing in memory succeeds");
    document.objects.insert((container, 0), holder.into());
    pdf_with_xref_streams(&document, &[(catalog.0, container)], 1, 4096)
}

/// `pdf` with the offset its last `startxref` gives moved forward by `by` bytes, as a writer that
/// miscounts, or a transfer that adds bytes, leaves it.
pub fn with_startxref_moved(pdf: &[u8], by: usize) -> Vec<u8> {
    let at = pdf
        .windows(9)
        .rposition(|w| w == b"startxref")
        .expect("the PDF has a startxref");
    let tail = std::str::from_utf8(&pdf[at..]).expect("the tail is text");
    let offset: usize = tail
        .split_whitespace()
        .nth(1)
        .and_then(|offset| offset.parse().ok())
        .expect("startxref gives an offset");
    let mut moved = pdf[..at].to_vec();
    moved.extend_from_slice(
        tail.replacen(&offset.to_string(), &(offset + by).to_string(), 1)
            .as_bytes(),
    );
    moved
}

/// `pdf` (one whose last cross-reference section is a stream) with that stream's data overwritten,
/// so that it no longer inflates, and its `startxref` off by 300 bytes: nothing in it tells where
/// its objects are.
pub fn with_cross_reference_damaged(pdf: &[u8]) -> Vec<u8> {
    let mut damaged = with_startxref_moved(pdf, 300);
    let xref = damaged
        .windows(5)
        .rposition(|w| w == b"/XRef")
        .expect("the PDF has a cross-reference stream");
    let data = xref
        + damaged[xref..]
            .windows(7)
            .position(|w| w == b"stream\n")
            .expect("the stream has data")
        + 7;
    damaged[data..data + 16].fill(0xAA);
    damaged
}

/// `pdf` (from [`pdf_with_xref_streams`], two revisions or more) with the header of the object its
/// newest `/Prev` names overwritten: the newest section reads, its link to the one before leads to
/// no section, and that older section is no longer an object a rebuild can find.
pub fn with_older_cross_reference_lost(pdf: &[u8]) -> Vec<u8> {
    let prev = pdf
        .windows(5)
        .rposition(|w| w == b"/Prev")
        .expect("the newest section links to an older one")
        + 5;
    let digits: String = pdf[prev..]
        .iter()
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(|c| c.is_ascii_digit())
        .map(|&c| char::from(c))
        .collect();
    let older: usize = digits.parse().expect("/Prev gives an offset");
    let keyword = older
        + pdf[older..]
            .windows(3)
            .position(|w| w == b"obj")
            .expect("an object starts there");
    let mut lost = pdf.to_vec();
    lost[keyword..keyword + 3].copy_from_slice(b"xxx");
    lost
}

/// A paragraph of a generated Word document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocxParagraph {
    /// `Some(level)` for a heading (styled `Heading1`...), `None` for body text.
    pub heading: Option<usize>,
    pub text: String,
}

impl DocxParagraph {
    pub fn heading(level: usize, text: &str) -> DocxParagraph {
        DocxParagraph {
            heading: Some(level),
            text: text.to_string(),
        }
    }

    pub fn body(text: &str) -> DocxParagraph {
        DocxParagraph {
            heading: None,
            text: text.to_string(),
        }
    }
}

/// A `.docx` with these paragraphs. Heading styles get Spanish ids (`Ttulo1`), as Word in Spanish
/// writes them, with the language-neutral names (`heading 1`) the reader relies on.
pub fn docx(title: Option<&str>, paragraphs: &[DocxParagraph]) -> Vec<u8> {
    let escape = |text: &str| quick_xml::escape::escape(text).into_owned();
    let mut body = String::new();
    for paragraph in paragraphs {
        body.push_str("<w:p>");
        if let Some(level) = paragraph.heading {
            body.push_str(&format!(
                "<w:pPr><w:pStyle w:val=\"Ttulo{level}\"/></w:pPr>"
            ));
        }
        // Split the text over two runs, as Word does at every formatting change.
        let middle = paragraph
            .text
            .char_indices()
            .nth(paragraph.text.chars().count() / 2)
            .map_or(0, |(i, _)| i);
        let (first, second) = paragraph.text.split_at(middle);
        body.push_str(&format!(
            "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:t>{}</w:t></w:r></w:p>",
            escape(first),
            escape(second)
        ));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let mut styles = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    );
    for level in 1..=3 {
        styles.push_str(&format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"Ttulo{level}\"><w:name w:val=\"heading {level}\"/></w:style>"
        ));
    }
    styles.push_str("</w:styles>");
    let core = title.map(|title| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title></cp:coreProperties>",
            escape(title)
        )
    });
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut parts = vec![
        (
            "[Content_Types].xml",
            String::from("<?xml version=\"1.0\"?><Types/>"),
        ),
        ("word/document.xml", document),
        ("word/styles.xml", styles),
    ];
    if let Some(core) = core {
        parts.push(("docProps/core.xml", core));
    }
    for (name, text) in parts {
        zip.start_file(name, options).expect("zip entry starts");
        zip.write_all(text.as_bytes()).expect("zip entry writes");
    }
    zip.finish().expect("zip finishes").into_inner()
}
