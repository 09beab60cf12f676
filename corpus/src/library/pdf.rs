//! PDF reports: the text layer, page by page, in reading order (two-column pages read column by
//! column), with headings told apart by their size. Scans without a text layer are reported, not
//! indexed empty.
//!
//! Every stream inflated for one document, while it is loaded (its cross-reference streams, its
//! object streams) and while its pages are read (their contents, their fonts' character maps), is
//! charged to the document's [`InflateBudget`], so a file of many streams each under the per-stream
//! bound is refused once their total passes `ingest.max_inflated_total_bytes`. lopdf itself inflates
//! nothing: it loads with a per-stream bound of zero, from cross-reference data read by
//! [`cross_reference`], and the object streams are opened here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::xref::{XrefEntry, XrefRecovery};
use lopdf::{DecompressError, Document, Encoding, LoadOptions, Object, ObjectId, ObjectStream};

mod cross_reference;

use super::blocks::{Locator, Section};
use super::limits::InflateBudget;
use super::read::Extracted;
use super::{Limits, SkipReason};

/// Page width when the page does not say (US Letter, in points).
const DEFAULT_PAGE_WIDTH: f32 = 612.0;
/// Average glyph advance as a share of the font size: without the font's widths, the end of a run
/// of text is estimated from its length.
const GLYPH_WIDTH: f32 = 0.5;
/// A `TJ` adjustment moving right by more than this (in thousandths of the font size) is a space.
const WORD_GAP: f32 = 200.0;
/// A line this much larger than the body text is a heading.
const HEADING_SCALE: f32 = 1.2;

/// One shown string, where it sits on the page.
#[derive(Debug, Clone)]
struct Run {
    x: f32,
    y: f32,
    /// Estimated end of the run along the baseline.
    x_end: f32,
    size: f32,
    text: String,
}

/// A line of text: runs on one baseline.
#[derive(Debug, Clone)]
struct Line {
    y: f32,
    size: f32,
    text: String,
}

/// What one page holds.
struct Page {
    number: u32,
    /// Lines in reading order, each group (column or band) ended by a `None`.
    lines: Vec<Option<Line>>,
    has_images: bool,
}

/// The name an object stream's `/Type` takes while lopdf loads the document, so that lopdf leaves
/// it compressed for [`inflate_object_streams`] (lopdf inflates only streams typed `/ObjStm`).
const DEFERRED_OBJECT_STREAM: &[u8] = b"ConsultaDeferredObjStm";

pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, SkipReason> {
    let mut budget = limits.inflate_budget();
    let mut document = load(bytes, &mut budget)?;
    if document.trailer.has(b"Encrypt") && document.encryption_state.is_none() {
        return Err(SkipReason::Encrypted);
    }
    let page_ids = document.get_pages();
    if page_ids.is_empty() {
        return Err(if has_eof_marker(bytes) {
            SkipReason::Malformed {
                detail: "the PDF has no pages".into(),
            }
        } else {
            truncated()
        });
    }
    let total = page_ids.len() as u32;
    let unusable_maps = inflate_character_maps(&mut document, &page_ids, &mut budget)?;
    let mut pages = Vec::with_capacity(page_ids.len());
    let mut failed = Vec::new();
    let mut fonts = FontCache::new();
    for (number, id) in page_ids {
        let Some(content) = page_content(&document, id, &mut budget)? else {
            failed.push(format!(
                "p. {number}: its content inflates past the limit for one compressed stream \
                 (ingest.max_inflated_bytes)"
            ));
            continue;
        };
        match read_page(&document, number, id, &content, &unusable_maps, &mut fonts) {
            Ok(page) => pages.push(page),
            Err(error) => failed.push(format!("p. {number}: {error}")),
        }
    }
    let with_text: Vec<&Page> = pages.iter().filter(|p| page_has_text(p)).collect();
    if with_text.is_empty() {
        if !failed.is_empty() {
            return Err(SkipReason::Malformed {
                detail: format!("no page could be read ({})", failed.join("; ")),
            });
        }
        return Err(if pages.iter().any(|p| p.has_images) {
            SkipReason::NoTextLayer { pages: total }
        } else {
            SkipReason::NoText
        });
    }
    if unreadable(&pages) {
        return Err(SkipReason::UnreadableText);
    }
    let mut warnings = Vec::new();
    let blank: Vec<String> = pages
        .iter()
        .filter(|p| !page_has_text(p) && p.has_images)
        .map(|p| p.number.to_string())
        .collect();
    if !blank.is_empty() {
        warnings.push(format!(
            "page(s) {} are images without text (scanned?); run OCR to index them",
            blank.join(", ")
        ));
    }
    if !failed.is_empty() {
        warnings.push(format!("page(s) not read: {}", failed.join("; ")));
    }
    let body_size = body_size(&pages);
    let (sections, first_heading) = sections(&pages, body_size);
    Ok(Extracted {
        title: info_title(&document).or(first_heading),
        sections,
        declared_lang: None,
        pages: Some(total),
        warnings,
    })
}

/// Loads the document, charging `budget` for its cross-reference streams and object streams.
///
/// lopdf inflates while it loads a file (its cross-reference streams, its object streams, which
/// hold most objects of a modern PDF), each stream under the per-stream bound but with no bound on
/// their sum, and with no hook to charge them: a file of hundreds of them would cost minutes of CPU
/// before a page is read. So lopdf is let inflate nothing: [`cross_reference::read`] inflates the
/// cross-reference streams against the budget and hands lopdf their merged entries as a plain
/// section, the load's filter defers the object streams ([`defer_object_stream`]) and
/// [`inflate_object_streams`] inflates them against the budget.
///
/// lopdf rebuilds the cross-reference table of a damaged file whose page tree did not load, but
/// only on a load without a filter; the same rebuild is done here, charged to the same budget.
fn load(bytes: &[u8], budget: &mut InflateBudget) -> Result<Document, SkipReason> {
    let cross_reference = cross_reference::read(bytes, budget)?;
    let appended = cross_reference
        .as_ref()
        .and_then(|cross_reference| cross_reference.append_to(bytes));
    let input = appended.as_deref().unwrap_or(bytes);
    let cross_reference = cross_reference.filter(|_| appended.is_some());
    let document = load_deferred(input, false, cross_reference.as_ref(), budget)?;
    let needs_password = document.trailer.has(b"Encrypt") && document.encryption_state.is_none();
    if page_tree_loaded(&document)
        || needs_password
        || document.xref_recovery == Some(XrefRecovery::Reconstructed)
    {
        return Ok(document);
    }
    match load_deferred(input, true, cross_reference.as_ref(), budget) {
        Ok(rebuilt)
            if rebuilt.xref_recovery == Some(XrefRecovery::Reconstructed)
                && page_tree_loaded(&rebuilt) =>
        {
            Ok(rebuilt)
        }
        // A spent budget refuses the document; any other failure of the rebuild leaves the
        // document as first loaded, as lopdf does.
        Err(reason) if budget.next_limit().is_err() => Err(reason),
        _ => Ok(document),
    }
}

/// One lopdf load of `input` (the file, with `cross_reference` appended when there is one) with
/// object streams deferred, then inflated against `budget`; `reconstruct` rebuilds the
/// cross-reference table by scanning the file.
fn load_deferred(
    input: &[u8],
    reconstruct: bool,
    cross_reference: Option<&cross_reference::CrossReference>,
    budget: &mut InflateBudget,
) -> Result<Document, SkipReason> {
    let options = LoadOptions {
        filter: Some(defer_object_stream),
        // Whatever lopdf would still inflate itself (a cross-reference stream of a chain that
        // `cross_reference` could not follow, an object stream opened to find a `/Length`, an
        // encrypted document's object streams) could not be charged to the budget: a zero bound
        // stops each attempt at its first byte.
        max_decompressed_size: Some(0),
        force_reconstruct: reconstruct,
        ..LoadOptions::default()
    };
    let mut document = Document::load_mem_with_options(input, options)
        .map_err(|error| load_error(&error, input))?;
    if let Some(cross_reference) = cross_reference {
        for (id, entry) in cross_reference.compressed() {
            document.reference_table.entries.entry(id).or_insert(entry);
        }
    }
    inflate_object_streams(&mut document, budget)?;
    read_deferred_streams(&mut document, input);
    Ok(document)
}

/// lopdf's load filter: renames an object stream's type so lopdf keeps it compressed. lopdf goes
/// on with the object it passed, renamed; it reads the returned copy only for objects taken out
/// of object streams, which it no longer opens.
fn defer_object_stream(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(stream) = object
        && stream.dict.has_type(b"ObjStm")
    {
        stream
            .dict
            .set("Type", Object::Name(DEFERRED_OBJECT_STREAM.to_vec()));
    }
    Some((id, object.clone()))
}

/// Inflates the object streams, each charged to `budget`, and adds their objects as lopdf would
/// have: an object the cross-reference table places in another object stream, or lists as free, is
/// not taken, and none replaces an object already loaded. The object streams are those
/// [`defer_object_stream`] set aside, those an encrypted document keeps (its load ignores the
/// filter), and whatever stream the cross-reference data names as holding objects, typed or not,
/// as lopdf opens those too. An object stream that cannot be decoded loses its objects and the
/// rest of the document is read, as lopdf does on a lenient load; one past the per-stream bound
/// refuses the document, as lopdf does.
fn inflate_object_streams(
    document: &mut Document,
    budget: &mut InflateBudget,
) -> Result<(), SkipReason> {
    let typed = document.objects.iter().filter(|(_, object)| {
        object.as_stream().is_ok_and(|stream| {
            stream.dict.has_type(DEFERRED_OBJECT_STREAM) || stream.dict.has_type(b"ObjStm")
        })
    });
    let named = document
        .reference_table
        .entries
        .values()
        .filter_map(|entry| match entry {
            XrefEntry::Compressed { container, .. } => Some((*container, 0)),
            _ => None,
        })
        .filter(|id| {
            document
                .objects
                .get(id)
                .is_some_and(|object| object.as_stream().is_ok())
        });
    let containers: BTreeSet<ObjectId> = typed.map(|(id, _)| *id).chain(named).collect();
    for container in containers {
        let limit = budget.next_limit()?;
        let Some(Object::Stream(stream)) = document.objects.get_mut(&container) else {
            continue;
        };
        if stream.dict.has_type(DEFERRED_OBJECT_STREAM) {
            stream.dict.set("Type", Object::Name(b"ObjStm".to_vec()));
        }
        let content = match stream.get_plain_content_with_limit(limit) {
            Ok(content) => content,
            Err(error) => {
                // What a failed decoding inflated is not known, and could be the whole limit.
                budget.spend_past(limit)?;
                if is_past_limit(&error) {
                    return Err(budget.stream_too_large(&format!(
                        "object stream {} {} R",
                        container.0, container.1
                    )));
                }
                continue;
            }
        };
        budget.spend(content.len());
        let mut plain = lopdf::Stream::new(stream.dict.clone(), Vec::new());
        plain.set_plain_content(content);
        let Ok(ObjectStream { objects, .. }) = ObjectStream::new(&plain) else {
            continue;
        };
        for (id, object) in objects {
            let belongs = match document.reference_table.get(id.0) {
                Some(XrefEntry::Compressed {
                    container: listed, ..
                }) => *listed == container.0,
                Some(XrefEntry::Free | XrefEntry::UnusableFree) => false,
                Some(XrefEntry::Normal { .. }) | None => true,
            };
            if belongs {
                document.objects.entry(id).or_insert(object);
            }
        }
    }
    Ok(())
}

/// Reads the streams whose `/Length` lopdf could not find while loading, because the length is kept
/// in an object stream, which lopdf was not let open: lopdf leaves such a stream empty, with the
/// position of its data. Now that the object streams are open, the length is known, and the data
/// is taken from `input` (and decrypted, in an encrypted document, where lopdf counts the position
/// from the start of the object).
fn read_deferred_streams(document: &mut Document, input: &[u8]) {
    let pending: Vec<(ObjectId, usize, usize)> = document
        .objects
        .iter()
        .filter_map(|(id, object)| {
            let stream = object.as_stream().ok()?;
            let position = stream
                .start_position
                .filter(|_| stream.content.is_empty())?;
            let length = stream.dict.get(b"Length").ok()?.as_reference().ok()?;
            let length = document.get_object(length).ok()?.as_i64().ok()?;
            let start = match (
                &document.encryption_state,
                document.reference_table.get(id.0),
            ) {
                (None, _) => position,
                (Some(_), Some(XrefEntry::Normal { offset, .. })) => {
                    usize::try_from(*offset).ok()?.checked_add(position)?
                }
                (Some(_), _) => return None,
            };
            Some((*id, start, usize::try_from(length).ok()?))
        })
        .collect();
    for (id, start, length) in pending {
        let Some(data) = start
            .checked_add(length)
            .and_then(|end| input.get(start..end))
        else {
            continue;
        };
        let mut data = Object::Stream(lopdf::Stream::new(lopdf::Dictionary::new(), data.to_vec()));
        if let Some(state) = &document.encryption_state
            && lopdf::encryption::decrypt_object(state, id, &mut data).is_err()
        {
            continue;
        }
        if let (Object::Stream(data), Some(Object::Stream(stream))) =
            (data, document.objects.get_mut(&id))
        {
            stream.set_content(data.content);
        }
    }
}

/// Whether the catalog leads to the root of a page tree (lopdf's test before a rebuild).
fn page_tree_loaded(document: &Document) -> bool {
    document
        .catalog()
        .and_then(|catalog| catalog.get(b"Pages"))
        .and_then(Object::as_reference)
        .and_then(|root| document.get_dictionary(root))
        .and_then(|root| root.get_deref(b"Kids", document))
        .and_then(Object::as_array)
        .is_ok()
}

/// Inflates, in place and charged to `budget`, the character map (`/ToUnicode`) of every font the
/// pages use, so that lopdf decodes the fonts without inflating anything itself. A map is inflated
/// whether or not its font's encoding needs it: maps are small, and which one lopdf reads stays
/// its own affair. Returns the maps that could not be inflated (past the per-stream bound, or
/// broken): their fonts' text is left out rather than decoded by lopdf, which would inflate them
/// again outside the budget.
fn inflate_character_maps(
    document: &mut Document,
    pages: &BTreeMap<u32, ObjectId>,
    budget: &mut InflateBudget,
) -> Result<BTreeSet<ObjectId>, SkipReason> {
    let maps: BTreeSet<ObjectId> = pages
        .values()
        .flat_map(|page| document.get_page_fonts(*page).unwrap_or_default())
        .filter_map(|(_, font)| font.get(b"ToUnicode").and_then(Object::as_reference).ok())
        .collect();
    let mut unusable = BTreeSet::new();
    for id in maps {
        let Ok(Object::Stream(stream)) = document.get_object_mut(id) else {
            continue;
        };
        if stream.filters().map_or(true, |filters| filters.is_empty()) {
            continue;
        }
        let limit = budget.next_limit()?;
        match stream.get_plain_content_with_limit(limit) {
            Ok(content) => {
                budget.spend(content.len());
                stream.set_plain_content(content);
            }
            Err(_) => {
                budget.spend_past(limit)?;
                unusable.insert(id);
            }
        }
    }
    Ok(unusable)
}

/// A page's content streams, joined by newlines as lopdf joins them, all inflated under one
/// per-stream bound and charged to `budget`; `None` when they inflate past that bound (the page is
/// left out, the budget charged the bound). A stream that fails to decode is read raw, as lopdf
/// does, and charged what is left of the bound: what its decoding inflated before failing is not
/// known, and could be that much.
fn page_content(
    document: &Document,
    page: ObjectId,
    budget: &mut InflateBudget,
) -> Result<Option<Vec<u8>>, SkipReason> {
    let limit = budget.next_limit()?;
    let mut content = Vec::new();
    let mut cost = 0;
    for id in document.get_page_contents(page) {
        let Ok(stream) = document.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        let remaining = limit - cost;
        match stream.decompressed_content_with_limit(remaining) {
            Ok(data) => {
                cost += data.len();
                content.extend_from_slice(&data);
            }
            Err(error) if is_past_limit(&error) => {
                budget.spend_past(limit)?;
                return Ok(None);
            }
            Err(_) => {
                cost = limit;
                content.extend_from_slice(&stream.content);
            }
        }
        content.push(b'\n');
    }
    budget.spend(cost);
    Ok(Some(content))
}

fn is_past_limit(error: &lopdf::Error) -> bool {
    matches!(
        error,
        lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })
    )
}

fn truncated() -> SkipReason {
    SkipReason::Truncated {
        detail: "the PDF has no end-of-file marker".into(),
    }
}

fn has_eof_marker(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

/// A file whose cross-reference data leads nowhere and cannot be rebuilt from its objects.
fn damaged_cross_reference() -> SkipReason {
    SkipReason::Malformed {
        detail:
            "the PDF's cross-reference table is damaged and cannot be rebuilt; re-save it with \
                 a PDF tool (open it in a PDF reader and save or print it as a new PDF)"
                .into(),
    }
}

/// Names what kept the document from loading.
fn load_error(error: &lopdf::Error, bytes: &[u8]) -> SkipReason {
    match error {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => SkipReason::Encrypted,
        lopdf::Error::Unimplemented(what) if what.contains("encrypt") => SkipReason::Encrypted,
        _ if !has_eof_marker(bytes) => truncated(),
        // Neither the chain of cross-reference sections nor a rebuild from the file's objects
        // (`cross_reference` inflating, or lopdf, when nothing needs inflating) leads to a
        // catalog; lopdf's own words ("couldn't parse input") would not say what to do.
        lopdf::Error::Parse(_)
        | lopdf::Error::Xref(_)
        | lopdf::Error::MissingXrefEntry
        | lopdf::Error::InvalidOffset(_) => damaged_cross_reference(),
        // lopdf needed to inflate a cross-reference stream that `cross_reference` could not
        // reach, which the zero bound it loads with forbids.
        error if is_past_limit(error) => damaged_cross_reference(),
        other => SkipReason::Malformed {
            detail: format!("the PDF cannot be parsed ({other})"),
        },
    }
}

fn page_has_text(page: &Page) -> bool {
    page.lines
        .iter()
        .flatten()
        .any(|l| l.text.chars().any(char::is_alphanumeric))
}

/// Fonts without a Unicode map decode to private-use and control characters: text like that would
/// be indexed as noise.
fn unreadable(pages: &[Page]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for line in pages.iter().flat_map(|p| p.lines.iter().flatten()) {
        for c in line.text.chars() {
            if c.is_alphanumeric() || c.is_whitespace() || c.is_ascii_punctuation() {
                good += 1;
            } else if c.is_control() || c == '\u{fffd}' || ('\u{e000}'..='\u{f8ff}').contains(&c) {
                bad += 1;
            }
        }
    }
    bad * 3 > good
}

/// The document information dictionary's title.
fn info_title(document: &Document) -> Option<String> {
    let info = document.trailer.get(b"Info").ok()?;
    let info = match info {
        Object::Reference(id) => document.get_dictionary(*id).ok()?,
        Object::Dictionary(dictionary) => dictionary,
        _ => return None,
    };
    let title = lopdf::decode_text_string(info.get(b"Title").ok()?).ok()?;
    Some(title.trim().to_string()).filter(|t| !t.is_empty())
}

/// An affine matrix `[a b c d e f]`, as PDF writes them.
#[derive(Debug, Clone, Copy)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self × other`: apply `self`, then `other`.
    fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn from_operands(operands: &[Object]) -> Option<Matrix> {
        let values: Vec<f32> = operands.iter().filter_map(number).collect();
        let array: [f32; 6] = values.try_into().ok()?;
        array.iter().all(|v| v.is_finite()).then_some(Matrix(array))
    }
}

fn number(object: &Object) -> Option<f32> {
    object.as_float().ok().filter(|v| v.is_finite())
}

/// The text state while a content stream is interpreted.
struct TextState<'a> {
    ctm: Matrix,
    saved: Vec<Matrix>,
    text_matrix: Matrix,
    line_matrix: Matrix,
    leading: f32,
    font_size: f32,
    encoding: Option<&'a Encoding<'a>>,
    runs: Vec<Run>,
}

impl TextState<'_> {
    fn next_line(&mut self, tx: f32, ty: f32) {
        self.line_matrix = Matrix::translate(tx, ty).then(self.line_matrix);
        self.text_matrix = self.line_matrix;
    }

    /// Shows `pieces` (strings and `TJ` adjustments) at the current position and moves past them.
    fn show(&mut self, pieces: &[Object]) {
        let Some(encoding) = self.encoding else {
            return;
        };
        let start = self.text_matrix.then(self.ctm);
        let mut text = String::new();
        let mut advance = 0.0;
        for piece in pieces {
            match piece {
                Object::String(bytes, _) => {
                    if let Ok(decoded) = encoding.bytes_to_string(bytes) {
                        advance += decoded.chars().count() as f32 * GLYPH_WIDTH * self.font_size;
                        text.push_str(&decoded);
                    }
                }
                Object::Array(inner) => {
                    self.show(inner);
                    return;
                }
                other => {
                    if let Some(adjustment) = number(other) {
                        advance -= adjustment / 1000.0 * self.font_size;
                        if adjustment < -WORD_GAP && !text.ends_with(' ') {
                            text.push(' ');
                        }
                    }
                }
            }
        }
        self.text_matrix = Matrix::translate(advance, 0.0).then(self.text_matrix);
        let [a, b, _, d, x, y] = start.0;
        let size = (self.font_size * (b * b + d * d).sqrt()).abs();
        let width = advance * (a * a + b * b).sqrt();
        if text.trim().is_empty() || !size.is_finite() || size <= 0.0 {
            return;
        }
        self.runs.push(Run {
            x,
            y,
            x_end: x + width,
            size,
            text,
        });
    }
}

/// Each font's encoding, decoded once per document (pages share fonts), by its dictionary.
type FontCache<'a> = HashMap<*const lopdf::Dictionary, Option<Rc<Encoding<'a>>>>;

/// Reads one page from its inflated `content`. Fonts whose character map is in `unusable_maps` are
/// left without an encoding (their text is not read); the other maps were inflated by
/// [`inflate_character_maps`], so decoding a font inflates nothing.
fn read_page<'a>(
    document: &'a Document,
    page_number: u32,
    id: lopdf::ObjectId,
    content: &[u8],
    unusable_maps: &BTreeSet<ObjectId>,
    fonts: &mut FontCache<'a>,
) -> Result<Page, lopdf::Error> {
    let page_fonts = document.get_page_fonts(id).unwrap_or_default();
    let encodings: BTreeMap<Vec<u8>, Rc<Encoding<'a>>> = page_fonts
        .into_iter()
        .filter_map(|(name, font)| {
            let key: *const lopdf::Dictionary = font;
            let map = font.get(b"ToUnicode").and_then(Object::as_reference);
            if map.is_ok_and(|map| unusable_maps.contains(&map)) {
                return None;
            }
            fonts
                .entry(key)
                .or_insert_with(|| font.get_font_encoding(document).ok().map(Rc::new))
                .clone()
                .map(|encoding| (name, encoding))
        })
        .collect();
    let content = Content::decode(content)?;
    let mut state = TextState {
        ctm: Matrix::IDENTITY,
        saved: Vec::new(),
        text_matrix: Matrix::IDENTITY,
        line_matrix: Matrix::IDENTITY,
        leading: 0.0,
        font_size: 12.0,
        encoding: None,
        runs: Vec::new(),
    };
    let mut has_images = false;
    for operation in &content.operations {
        let operands = &operation.operands;
        let at = |i: usize| operands.get(i).and_then(number).unwrap_or(0.0);
        match operation.operator.as_str() {
            "q" if state.saved.len() < 64 => state.saved.push(state.ctm),
            "Q" => state.ctm = state.saved.pop().unwrap_or(Matrix::IDENTITY),
            "cm" => {
                if let Some(m) = Matrix::from_operands(operands) {
                    state.ctm = m.then(state.ctm);
                }
            }
            "BT" => {
                state.text_matrix = Matrix::IDENTITY;
                state.line_matrix = Matrix::IDENTITY;
            }
            "Tf" => {
                state.encoding = operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| encodings.get(name))
                    .map(Rc::as_ref);
                state.font_size = at(1);
            }
            "TL" => state.leading = at(0),
            "Td" => state.next_line(at(0), at(1)),
            "TD" => {
                state.leading = -at(1);
                state.next_line(at(0), at(1));
            }
            "Tm" => {
                if let Some(m) = Matrix::from_operands(operands) {
                    state.text_matrix = m;
                    state.line_matrix = m;
                }
            }
            "T*" => state.next_line(0.0, -state.leading),
            "Tj" | "TJ" => state.show(operands),
            "'" => {
                state.next_line(0.0, -state.leading);
                state.show(operands);
            }
            "\"" => {
                state.next_line(0.0, -state.leading);
                state.show(operands.get(2..).unwrap_or_default());
            }
            "Do" | "BI" => has_images = true,
            _ => {}
        }
    }
    let width = page_width(document, id);
    Ok(Page {
        number: page_number,
        lines: reading_order(state.runs, width),
        has_images,
    })
}

fn page_width(document: &Document, id: lopdf::ObjectId) -> f32 {
    let mut current = document.get_dictionary(id).ok();
    for _ in 0..16 {
        let Some(page) = current else { break };
        if let Ok(Object::Array(media)) = page.get(b"MediaBox") {
            let values: Vec<f32> = media.iter().filter_map(number).collect();
            if let [x0, _, x1, _] = values[..] {
                return (x1 - x0).abs().max(1.0);
            }
        }
        current = page
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|parent| document.get_dictionary(parent))
            .ok();
    }
    DEFAULT_PAGE_WIDTH
}

/// Puts a page's runs in reading order. A two-column page has a gutter near the middle that no
/// run crosses; runs that do cross it (a title over both columns) cut the page into bands, and
/// each band is read left column, then right column.
fn reading_order(runs: Vec<Run>, width: f32) -> Vec<Option<Line>> {
    let gutter = find_gutter(&runs, width);
    let crosses = |run: &Run, g: f32| run.x < g - 2.0 && run.x_end > g + 0.05 * width;
    let mut keyed: Vec<((usize, u8), Run)> = Vec::with_capacity(runs.len());
    let spanning: Vec<f32> = match gutter {
        Some(g) => runs.iter().filter(|r| crosses(r, g)).map(|r| r.y).collect(),
        None => Vec::new(),
    };
    for run in runs {
        let band = spanning.iter().filter(|y| **y > run.y + 0.5).count();
        let column = match gutter {
            None => 1,
            Some(g) if crosses(&run, g) => 0,
            Some(g) if run.x < g => 1,
            Some(_) => 2,
        };
        keyed.push(((band, column), run));
    }
    keyed.sort_by(|(ka, a), (kb, b)| {
        ka.cmp(kb)
            .then(b.y.total_cmp(&a.y))
            .then(a.x.total_cmp(&b.x))
    });
    let mut lines: Vec<Option<Line>> = Vec::new();
    let mut group = None;
    let mut current: Vec<Run> = Vec::new();
    for (key, run) in keyed {
        let same_line = current
            .first()
            .is_some_and(|first| (first.y - run.y).abs() < 0.5 * first.size.max(run.size));
        if group != Some(key) || !same_line {
            if let Some(line) = join_line(std::mem::take(&mut current)) {
                lines.push(Some(line));
            }
            if group.is_some() && group != Some(key) {
                lines.push(None);
            }
            group = Some(key);
        }
        current.push(run);
    }
    if let Some(line) = join_line(current) {
        lines.push(Some(line));
    }
    lines
}

/// A gutter: an x near the middle that (almost) no run crosses, with text on both sides.
fn find_gutter(runs: &[Run], width: f32) -> Option<f32> {
    if runs.len() < 6 {
        return None;
    }
    let mut best: Option<(usize, f32)> = None;
    let (from, to) = ((width * 0.35) as i32, (width * 0.65) as i32);
    for g in from..=to {
        let g = g as f32;
        let left = runs.iter().filter(|r| r.x_end <= g).count();
        let right = runs.iter().filter(|r| r.x >= g).count();
        if left < 3 || right < 3 {
            continue;
        }
        let crossing = runs.iter().filter(|r| r.x < g && r.x_end > g).count();
        if best.is_none_or(|(count, _)| crossing < count) {
            best = Some((crossing, g));
        }
    }
    let (crossing, g) = best?;
    (crossing * 10 <= runs.len()).then_some(g)
}

fn join_line(mut runs: Vec<Run>) -> Option<Line> {
    if runs.is_empty() {
        return None;
    }
    runs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut text = String::new();
    let mut end = f32::MIN;
    let mut size: f32 = 0.0;
    for run in &runs {
        let gap = run.x - end;
        if !text.is_empty()
            && !text.ends_with(' ')
            && !run.text.starts_with(' ')
            && gap > 0.1 * run.size
        {
            text.push(' ');
        }
        text.push_str(&run.text);
        end = run.x_end;
        size = size.max(run.size);
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then(|| Line {
        y: runs[0].y,
        size,
        text,
    })
}

/// The size most of the text is set in.
fn body_size(pages: &[Page]) -> f32 {
    let mut weights: BTreeMap<u32, usize> = BTreeMap::new();
    for line in pages.iter().flat_map(|p| p.lines.iter().flatten()) {
        *weights
            .entry((line.size * 10.0).round() as u32)
            .or_default() += line.text.len();
    }
    weights
        .into_iter()
        .max_by_key(|(_, weight)| *weight)
        .map_or(12.0, |(size, _)| size as f32 / 10.0)
}

/// Pages into sections: a new section at each heading and each page, so every passage names its
/// page. The heading carries over a page break.
fn sections(pages: &[Page], body_size: f32) -> (Vec<Section>, Option<String>) {
    let mut sections = Vec::new();
    let mut heading = String::new();
    let mut first_heading = None;
    for page in pages {
        let mut section = Section::new(&heading, Locator::Page(page.number));
        let mut paragraph = String::new();
        let mut previous: Option<&Line> = None;
        let mut pending_heading = String::new();
        for entry in &page.lines {
            let Some(line) = entry else {
                section.push_paragraph(&std::mem::take(&mut paragraph));
                previous = None;
                continue;
            };
            let is_heading =
                line.size >= body_size * HEADING_SCALE && line.text.chars().count() <= 150;
            if is_heading {
                section.push_paragraph(&std::mem::take(&mut paragraph));
                if !pending_heading.is_empty() {
                    pending_heading.push(' ');
                }
                pending_heading.push_str(&line.text);
                previous = Some(line);
                continue;
            }
            if !pending_heading.is_empty() {
                heading = std::mem::take(&mut pending_heading);
                first_heading.get_or_insert_with(|| heading.clone());
                sections.push(std::mem::replace(
                    &mut section,
                    Section::new(&heading, Locator::Page(page.number)),
                ));
            }
            let new_paragraph = previous.is_none_or(|p| {
                p.y - line.y > 1.6 * line.size.max(p.size) || p.y < line.y || p.size != line.size
            });
            if new_paragraph {
                section.push_paragraph(&std::mem::take(&mut paragraph));
            }
            append_line(&mut paragraph, &line.text);
            previous = Some(line);
        }
        section.push_paragraph(&paragraph);
        if !pending_heading.is_empty() {
            heading = pending_heading;
            first_heading.get_or_insert_with(|| heading.clone());
        }
        sections.push(section);
    }
    (sections, first_heading)
}

/// Joins a line to its paragraph, mending words hyphenated at the line end.
fn append_line(paragraph: &mut String, line: &str) {
    if paragraph.is_empty() {
        paragraph.push_str(line);
        return;
    }
    let continues_word = paragraph.ends_with('-')
        && !paragraph.ends_with(" -")
        && line.chars().next().is_some_and(char::is_lowercase);
    if continues_word {
        paragraph.pop();
    } else {
        paragraph.push(' ');
    }
    paragraph.push_str(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x: f32, y: f32, text: &str) -> Run {
        Run {
            x,
            y,
            x_end: x + text.len() as f32 * 5.0,
            size: 10.0,
            text: text.into(),
        }
    }

    #[test]
    fn two_columns_are_read_one_after_the_other() {
        let mut runs = vec![run(
            72.0,
            750.0,
            "A title across both of the columns of the page here",
        )];
        for i in 0..5 {
            let y = 700.0 - i as f32 * 12.0;
            runs.push(run(72.0, y, &format!("left{i}")));
            runs.push(run(320.0, y, &format!("right{i}")));
        }
        let lines: Vec<String> = reading_order(runs, 612.0)
            .into_iter()
            .flatten()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            lines[0],
            "A title across both of the columns of the page here"
        );
        assert_eq!(&lines[1..6], ["left0", "left1", "left2", "left3", "left4"]);
        assert_eq!(lines[6], "right0");
    }

    #[test]
    fn hyphenated_words_are_mended() {
        let mut paragraph = "la transfe-".to_string();
        append_line(&mut paragraph, "rencia de ITMO");
        assert_eq!(paragraph, "la transferencia de ITMO");
        append_line(&mut paragraph, "Art. 6");
        assert_eq!(paragraph, "la transferencia de ITMO Art. 6");
    }
}
