//! A PDF's cross-reference data, read here so that lopdf never inflates anything of the file itself.
//!
//! lopdf inflates streams while it loads a file: its cross-reference streams, an object stream it
//! opens to find another stream's `/Length`, and every object stream of an encrypted document. Each
//! is bounded per stream, but none can be charged to the document's [`InflateBudget`], as lopdf has
//! no hook for it, so a file of many such streams could cost minutes of CPU. So the PDF reader loads
//! with a per-stream bound of zero, which stops each of lopdf's own attempts at its first byte, and
//! hands lopdf cross-reference data it can read without inflating: [`read`] follows the chain of
//! sections from `startxref` as lopdf does, inflating the cross-reference streams against the
//! budget, and merges them; [`CrossReference::append_to`] writes the merged entries after a copy of
//! the file as one plain cross-reference stream, the section lopdf then reads. The object streams
//! are left for the reader, which opens them against the same budget.
//!
//! When the chain cannot be followed (a damaged file: its offsets point nowhere near a section),
//! lopdf would rebuild the cross-reference data by scanning the file for objects, but it needs to
//! inflate the cross-reference streams to learn which objects sit in object streams (the catalog,
//! in most modern files), and it may inflate nothing. So the same rebuild is done here
//! ([`rebuilt`]), inflating against the budget.

use std::collections::{HashMap, HashSet};

use lopdf::content::Content;
use lopdf::xref::{Xref, XrefEntry, XrefType};
use lopdf::{Dictionary, Object, Stream, Writer};

use super::super::SkipReason;
use super::super::limits::InflateBudget;
use super::is_past_limit;

/// Keys of a section's dictionary that describe that section alone, not the document: the merged
/// section written by [`CrossReference::append_to`] sets its own or has none.
const SECTION_KEYS: [&[u8]; 13] = [
    b"Prev",
    b"XRefStm",
    b"Type",
    b"Size",
    b"Index",
    b"W",
    b"Length",
    b"Filter",
    b"DecodeParms",
    b"F",
    b"FFilter",
    b"FDecodeParms",
    b"DL",
];

/// How far from where a section is said to start it is looked for, as far as lopdf looks.
const OFFSET_SLACK: usize = 64;

/// Widths of the fields of each entry in the merged section: the type, a 4-byte offset (lopdf keeps
/// offsets as `u32`) and a 2-byte generation.
const WIDTHS: [usize; 3] = [1, 4, 2];

/// The cross-reference data of a file whose chain of sections holds streams, merged as lopdf merges
/// it: a newer section's entry wins over an older one's.
#[derive(Debug)]
pub(crate) struct CrossReference {
    /// Every object's entry from the newest section that lists it.
    entries: Xref,
    /// The newest section's dictionary: the document's trailer (`/Root`, `/Info`, `/Encrypt`, `/ID`).
    trailer: Dictionary,
}

/// The cross-reference streams read so far, by where their object starts, and the budget they were
/// inflated against: each is inflated, and charged, once however often it is reached. A rebuild after
/// a broken `/Prev` reaches again every stream of the chain before the break.
struct Streams<'b> {
    budget: &'b mut InflateBudget,
    /// Each stream read, or `None` for one that did not decode.
    read: HashMap<usize, Option<Section>>,
}

/// One section of the chain.
#[derive(Clone)]
struct Section {
    entries: Xref,
    /// A table's trailer, or a cross-reference stream's dictionary.
    trailer: Dictionary,
    /// Whether lopdf would have to inflate the section: the chain is handed over only then.
    is_stream: bool,
}

/// Reads the chain of cross-reference sections that `startxref` begins, as lopdf does, inflating its
/// streams against `budget`; a chain that cannot be followed is rebuilt from the file's objects
/// ([`rebuilt`]).
///
/// `None` when the chain holds no stream, as lopdf reads tables without inflating, when there is no
/// `startxref`, or when a chain that cannot be followed cannot be rebuilt either: lopdf then reads the
/// file its own way, its attempts to inflate stopped at the first byte, so a damaged file that only
/// a cross-reference stream could explain is refused rather than read outside the budget.
pub(crate) fn read(
    bytes: &[u8],
    budget: &mut InflateBudget,
) -> Result<Option<CrossReference>, SkipReason> {
    let Some(start) = xref_start(bytes) else {
        return Ok(None);
    };
    let streams = &mut Streams {
        budget,
        read: HashMap::new(),
    };
    let Some(newest) = section(bytes, start, streams)? else {
        return rebuilt(bytes, streams);
    };
    let mut has_streams = newest.is_stream;
    let mut entries = newest.entries;
    let mut trailer = newest.trailer;
    has_streams |= merge_hybrid(bytes, &mut entries, &mut trailer, streams)?;
    let mut seen = HashSet::from([start]);
    let mut prev = trailer.remove(b"Prev");
    while let Some(offset) = prev.as_ref().and_then(|offset| offset.as_i64().ok()) {
        let Ok(offset) = usize::try_from(offset) else {
            return rebuilt(bytes, streams);
        };
        // A `/Prev` that leads back into the chain ends it, as in lopdf.
        if !seen.insert(offset) {
            break;
        }
        let Some(older) = section(bytes, offset, streams)? else {
            return rebuilt(bytes, streams);
        };
        has_streams |= older.is_stream;
        let mut older_entries = older.entries;
        let mut older_trailer = older.trailer;
        has_streams |= merge_hybrid(bytes, &mut older_entries, &mut older_trailer, streams)?;
        entries.merge(older_entries);
        prev = older_trailer.remove(b"Prev");
    }
    if !has_streams {
        return Ok(None);
    }
    entries.size = entries.max_id().saturating_add(1);
    Ok(Some(CrossReference { entries, trailer }))
}

impl CrossReference {
    /// The entries of objects kept in object streams. The section [`Self::append_to`] writes leaves
    /// them out, so that lopdf does not try to open an object stream (in vain, with nothing to inflate
    /// with, and fatally for an encrypted document); the reader adds them once lopdf has loaded the
    /// file, and opens the object streams itself.
    pub(crate) fn compressed(&self) -> impl Iterator<Item = (u32, XrefEntry)> + '_ {
        self.entries
            .entries
            .iter()
            .filter(|(_, entry)| entry.is_compressed())
            .map(|(id, entry)| (*id, entry.clone()))
    }

    /// `bytes` followed by the merged entries (but the compressed ones) as one plain
    /// cross-reference stream, with the newest trailer and a `startxref` that points at it: lopdf
    /// reads that section alone, and inflates nothing to do so. `None` if the trailer cannot be
    /// written back.
    pub(crate) fn append_to(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let listed: Vec<(u32, [u64; 3])> = self
            .entries
            .entries
            .iter()
            .filter_map(|(id, entry)| match *entry {
                XrefEntry::Normal { offset, generation } => {
                    Some((*id, [1, u64::from(offset), u64::from(generation)]))
                }
                XrefEntry::Free | XrefEntry::UnusableFree => Some((*id, [0, 0, 0])),
                XrefEntry::Compressed { .. } => None,
            })
            .collect();
        let mut data = Vec::with_capacity(listed.len() * WIDTHS.iter().sum::<usize>());
        let mut index: Vec<Object> = Vec::new();
        let mut run: Option<(u32, u32)> = None;
        for (id, fields) in &listed {
            for (value, width) in fields.iter().zip(WIDTHS) {
                data.extend_from_slice(&value.to_be_bytes()[8 - width..]);
            }
            run = match run {
                Some((first, count)) if first.checked_add(count) == Some(*id) => {
                    Some((first, count + 1))
                }
                Some((first, count)) => {
                    index.extend([i64::from(first).into(), i64::from(count).into()]);
                    Some((*id, 1))
                }
                None => Some((*id, 1)),
            };
        }
        if let Some((first, count)) = run {
            index.extend([i64::from(first).into(), i64::from(count).into()]);
        }
        let mut dictionary = self.trailer.clone();
        for key in SECTION_KEYS {
            dictionary.remove(key);
        }
        let widths: Vec<Object> = WIDTHS.iter().map(|w| (*w as i64).into()).collect();
        dictionary.set("Type", Object::Name(b"XRef".to_vec()));
        dictionary.set("Size", i64::from(self.entries.size));
        dictionary.set("Index", index);
        dictionary.set("W", widths);
        dictionary.set("Length", data.len() as i64);

        let mut appended = Vec::with_capacity(bytes.len() + data.len() + 512);
        appended.extend_from_slice(bytes);
        appended.push(b'\n');
        let offset = appended.len();
        // A number no object has, so the section shadows none.
        appended.extend_from_slice(format!("{} 0 obj\n", self.entries.size).as_bytes());
        Writer::write_object(&mut appended, &Object::Dictionary(dictionary)).ok()?;
        appended.extend_from_slice(b"\nstream\n");
        appended.extend_from_slice(&data);
        appended.extend_from_slice(b"\nendstream\nendobj\n");
        appended.extend_from_slice(format!("startxref\n{offset}\n%%EOF\n").as_bytes());
        Some(appended)
    }
}

/// The cross-reference data of a file whose chain of sections cannot be followed, rebuilt as lopdf
/// rebuilds it, but with the cross-reference streams inflated against `budget`: each object header
/// (`12 0 obj` starting a line, outside stream data) gives that object's offset, a later copy winning
/// as in an incremental update; the cross-reference streams among the objects, newest first, add
/// the objects kept in object streams (which have no header of their own) and the newest that names
/// a catalog the rebuilt entries hold gives the trailer.
///
/// `None` when no cross-reference stream gives a trailer: lopdf rebuilds a file of tables itself,
/// inflating nothing, and refuses what neither can rebuild.
fn rebuilt(bytes: &[u8], streams: &mut Streams<'_>) -> Result<Option<CrossReference>, SkipReason> {
    let headers = object_headers(bytes);
    let mut entries = Xref::new(0, XrefType::CrossReferenceStream);
    for &(offset, id, generation) in &headers {
        if let Ok(offset) = u32::try_from(offset) {
            entries.insert(id, XrefEntry::Normal { offset, generation });
        }
    }
    let mut trailer: Option<Dictionary> = None;
    let ends = headers
        .iter()
        .skip(1)
        .map(|&(offset, ..)| offset)
        .chain([bytes.len()]);
    let spans: Vec<(usize, usize)> = headers.iter().map(|&(at, ..)| at).zip(ends).collect();
    for &(at, end) in spans.iter().rev() {
        if !names_xref_type(&bytes[at..end]) {
            continue;
        }
        let Some(stream) = stream_section(bytes, at, streams)? else {
            continue;
        };
        if !stream.trailer.has_type(b"XRef") {
            continue;
        }
        // An object with a header stays where the scan found it, and a newer stream's entry wins.
        for (id, entry) in stream.entries.entries {
            if entry.is_compressed() {
                entries.entries.entry(id).or_insert(entry);
            }
        }
        if trailer.is_none() {
            trailer = Some(stream.trailer);
        }
    }
    let Some(mut trailer) = trailer.filter(|trailer| {
        trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .is_ok_and(|root| entries.get(root.0).is_some())
    }) else {
        return Ok(None);
    };
    trailer.remove(b"Prev");
    trailer.remove(b"XRefStm");
    entries.size = entries.max_id().saturating_add(1);
    Ok(Some(CrossReference { entries, trailer }))
}

/// Whether an object's bytes name the type `/XRef` (not the key `/XRefStm`).
fn names_xref_type(object: &[u8]) -> bool {
    object
        .windows(b"/XRef".len() + 1)
        .any(|w| w.starts_with(b"/XRef") && !w[b"/XRef".len()].is_ascii_alphanumeric())
}

/// Every object header of the file (`12 0 obj` at the start of a line) as `(offset, number,
/// generation)`, in the order of the file. Stream data is skipped, as lopdf skips it: an image or a
/// font may hold bytes that look like a header.
fn object_headers(bytes: &[u8]) -> Vec<(usize, u32, u16)> {
    let mut headers = Vec::new();
    let mut at_line_start = true;
    // Once a stream has no `endstream`, no later one has: searching again would rescan the rest.
    let mut unterminated = false;
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        if !unterminated
            && rest.starts_with(b"stream")
            && matches!(rest.get(b"stream".len()), Some(b'\r' | b'\n'))
            && !bytes[..at].ends_with(b"end")
        {
            match rest
                .windows(b"endstream".len())
                .position(|w| w == b"endstream")
            {
                Some(end) => {
                    at += end + b"endstream".len();
                    at_line_start = false;
                    continue;
                }
                None => unterminated = true,
            }
        }
        if at_line_start && let Some((id, generation)) = object_header(bytes, at) {
            headers.push((at, id, generation));
        }
        at_line_start = match bytes[at] {
            b'\r' | b'\n' => true,
            b' ' | b'\t' => at_line_start,
            _ => false,
        };
        at += 1;
    }
    headers
}

/// The number and generation of the object header (`12 0 obj`) that starts at `at`, if one does.
fn object_header(bytes: &[u8], at: usize) -> Option<(u32, u16)> {
    let mut cursor = Cursor::new(bytes, at);
    let id = u32::try_from(cursor.number()?).ok()?;
    cursor.skip_whitespace();
    let generation = u16::try_from(cursor.number()?).ok()?;
    cursor.skip_whitespace();
    let rest = cursor.rest().strip_prefix(b"obj")?;
    if rest.first().is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some((id, generation))
}

/// Merges into a section the cross-reference stream its `/XRefStm` names (a hybrid file: a table for
/// old readers, a stream for the objects in object streams), as lopdf does; one that cannot be read
/// is ignored, as lopdf ignores it. Returns whether the section named one.
fn merge_hybrid(
    bytes: &[u8],
    entries: &mut Xref,
    trailer: &mut Dictionary,
    streams: &mut Streams<'_>,
) -> Result<bool, SkipReason> {
    let Some(offset) = trailer
        .remove(b"XRefStm")
        .and_then(|offset| offset.as_i64().ok())
    else {
        return Ok(false);
    };
    if let Ok(offset) = usize::try_from(offset)
        && let Some(stream) = section(bytes, offset, streams)?
    {
        entries.merge_hybrid(stream.entries);
    }
    Ok(true)
}

/// Where `startxref` says the newest section starts, found as lopdf finds it: the last `startxref`
/// before the `%%EOF` in the last kilobyte of the file (white space after it aside).
fn xref_start(bytes: &[u8]) -> Option<usize> {
    let end = bytes
        .iter()
        .rposition(|c| !b" \t\n\r\0\x0C".contains(c))
        .map_or(0, |last| last + 1);
    let eof = rfind(&bytes[..end], b"%%EOF", end.saturating_sub(1024)).filter(|&at| at > 25)?;
    let keyword = rfind(&bytes[..eof], b"startxref", eof - 25)?;
    let mut cursor = Cursor::new(bytes, keyword + b"startxref".len());
    cursor.skip_whitespace();
    usize::try_from(cursor.number()?).ok()
}

/// The last occurrence of `pattern` in `bytes` that starts at or after `from`.
fn rfind(bytes: &[u8], pattern: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(pattern.len())
        .rposition(|window| window == pattern)
        .map(|at| from + at)
}

/// The section at `offset`, or, when none starts there, the nearest one within [`OFFSET_SLACK`]
/// bytes of it, as lopdf finds it: writers that miscount a line end or two are common. `None`
/// when there is none.
fn section(
    bytes: &[u8],
    offset: usize,
    streams: &mut Streams<'_>,
) -> Result<Option<Section>, SkipReason> {
    if let Some(found) = section_at(bytes, offset, streams)? {
        return Ok(Some(found));
    }
    let window = offset.saturating_sub(OFFSET_SLACK)..bytes.len().min(offset + OFFSET_SLACK);
    let mut nearby: Vec<usize> = window
        .filter(|&at| at != offset && starts_section(bytes, at))
        .collect();
    nearby.sort_by_key(|at| at.abs_diff(offset));
    for at in nearby {
        if let Some(found) = section_at(bytes, at, streams)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Whether a section could start at `at`: an `xref` keyword (not the end of `startxref`), or an
/// object header (`12 0 obj`, not the tail of a longer number).
fn starts_section(bytes: &[u8], at: usize) -> bool {
    let rest = &bytes[at..];
    if rest.starts_with(b"xref") {
        return !bytes[..at].ends_with(b"start");
    }
    if at > 0 && bytes[at - 1].is_ascii_digit() {
        return false;
    }
    object_header(bytes, at).is_some()
}

/// The section that starts at `offset`: a table (`xref`) or a cross-reference stream.
fn section_at(
    bytes: &[u8],
    offset: usize,
    streams: &mut Streams<'_>,
) -> Result<Option<Section>, SkipReason> {
    match bytes.get(offset..) {
        Some(rest) if rest.starts_with(b"xref") => Ok(table(bytes, offset)),
        Some(_) => stream_section(bytes, offset, streams),
        None => Ok(None),
    }
}

/// A cross-reference table and its trailer, read as leniently as lopdf reads them: the count of each
/// subsection is not trusted, its entries run while they parse.
fn table(bytes: &[u8], offset: usize) -> Option<Section> {
    let mut cursor = Cursor::new(bytes, offset + b"xref".len());
    let mut entries = Xref::new(0, XrefType::CrossReferenceTable);
    loop {
        cursor.skip_whitespace();
        if cursor.rest().starts_with(b"trailer") {
            break;
        }
        let first = cursor.number()?;
        cursor.skip_whitespace();
        cursor.number()?;
        let mut index = 0u64;
        while let Some((position, generation, in_use)) = cursor.table_entry() {
            let id = first
                .checked_add(index)
                .and_then(|id| u32::try_from(id).ok());
            index += 1;
            let entry = match (in_use, u32::try_from(position), u16::try_from(generation)) {
                (false, _, _) => XrefEntry::Free,
                (true, Ok(offset), Ok(generation)) => XrefEntry::Normal { offset, generation },
                // lopdf skips an entry it cannot hold.
                _ => continue,
            };
            if let Some(id) = id {
                entries.insert(id, entry);
            }
        }
    }
    let trailer = leading_dictionary(cursor.rest().get(b"trailer".len()..)?)?;
    Some(Section {
        entries,
        trailer,
        is_stream: false,
    })
}

/// A cross-reference stream at `offset`, inflated against the budget (once: a stream read before is
/// not read again) and decoded as lopdf decodes it.
fn stream_section(
    bytes: &[u8],
    offset: usize,
    streams: &mut Streams<'_>,
) -> Result<Option<Section>, SkipReason> {
    let mut cursor = Cursor::new(bytes, offset);
    cursor.skip_whitespace();
    if let Some(read) = streams.read.get(&cursor.at) {
        return Ok(read.clone());
    }
    let read = inflated_section(bytes, cursor.at, streams.budget)?;
    streams.read.insert(cursor.at, read.clone());
    Ok(read)
}

/// The cross-reference stream whose object starts at `offset`, inflated against `budget`.
fn inflated_section(
    bytes: &[u8],
    offset: usize,
    budget: &mut InflateBudget,
) -> Result<Option<Section>, SkipReason> {
    let Some((dictionary, data)) = stream_object(bytes, offset) else {
        return Ok(None);
    };
    let stream = Stream::new(dictionary.clone(), data.to_vec());
    let content = if stream.is_compressed() {
        let limit = budget.next_limit()?;
        match stream.get_plain_content_with_limit(limit) {
            Ok(content) => {
                budget.spend(content.len());
                content
            }
            Err(error) => {
                // What a failed decoding inflated is not known, and could be the whole limit.
                budget.spend_past(limit)?;
                if is_past_limit(&error) {
                    return Err(budget.stream_too_large(&format!(
                        "the cross-reference stream at byte {offset}"
                    )));
                }
                return Ok(None);
            }
        }
    } else {
        stream.content
    };
    Ok(
        stream_entries(&dictionary, &content).map(|entries| Section {
            entries,
            trailer: dictionary,
            is_stream: true,
        }),
    )
}

/// The dictionary and the raw data of the stream object (`N G obj << … >> stream`) at `offset`. A
/// cross-reference stream's `/Length` must be direct, so no other object is read to find it.
fn stream_object(bytes: &[u8], offset: usize) -> Option<(Dictionary, &[u8])> {
    let mut cursor = Cursor::new(bytes, offset);
    cursor.skip_whitespace();
    let header = cursor.at;
    let mut operations = Content::decode_iter(cursor.rest());
    let object = operations.next()?.ok()?;
    if object.operator != "obj" || object.operands.len() != 2 {
        return None;
    }
    let stream = operations.next()?.ok()?;
    let [Object::Dictionary(dictionary)] = stream.operands.as_slice() else {
        return None;
    };
    if stream.operator != "stream" {
        return None;
    }
    // The data starts after the first `stream` keyword past the header that ends its line.
    let mut from = header;
    let data_start = loop {
        let keyword = from + bytes.get(from..)?.windows(6).position(|w| w == b"stream")?;
        from = keyword + 1;
        if bytes[..keyword].ends_with(b"end") {
            continue;
        }
        let mut after = Cursor::new(bytes, keyword + b"stream".len());
        after.skip_blanks();
        if let Some(start) = after.end_of_line() {
            break start;
        }
    };
    let length = usize::try_from(dictionary.get(b"Length").ok()?.as_i64().ok()?).ok()?;
    let data = bytes.get(data_start..data_start.checked_add(length)?)?;
    Some((dictionary.clone(), data))
}

/// The dictionary that starts `input`, read with lopdf's own grammar for objects. Its content-stream
/// parser is the one public way to that grammar: it takes the dictionary as the operand of the
/// keyword that follows (`startxref`, `stream`).
fn leading_dictionary(input: &[u8]) -> Option<Dictionary> {
    let operation = Content::decode_iter(input).next()?.ok()?;
    match operation.operands.as_slice() {
        [Object::Dictionary(dictionary)] => Some(dictionary.clone()),
        _ => None,
    }
}

/// The entries of a cross-reference stream's inflated `content`, checked and decoded as lopdf decodes
/// them (`/W` field widths, `/Index` ranges of object numbers). `None` if lopdf would refuse them.
fn stream_entries(dictionary: &Dictionary, content: &[u8]) -> Option<Xref> {
    /// A wider field cannot hold a number lopdf keeps.
    const MAX_FIELD_WIDTH: i64 = 8;
    /// lopdf refuses a stream claiming more entries than its content holds at this width or more.
    const MIN_ENTRY_WIDTH: usize = 3;
    let integers = |key: &[u8]| -> Option<Vec<i64>> {
        dictionary
            .get(key)
            .ok()?
            .as_array()
            .ok()?
            .iter()
            .map(|value| value.as_i64().ok())
            .collect()
    };
    let size = dictionary.get(b"Size").ok()?.as_i64().ok()?;
    let index = integers(b"Index").unwrap_or_else(|| vec![0, size]);
    let widths = integers(b"W")?;
    let [type_width, first_width, second_width] = widths.get(..3)?.try_into().ok()?;
    if [type_width, first_width, second_width]
        .iter()
        .any(|width| !(0..=MAX_FIELD_WIDTH).contains(width))
    {
        return None;
    }
    let [type_width, first_width, second_width] =
        [type_width, first_width, second_width].map(|width| width as usize);
    let entry_width = type_width + first_width + second_width;
    if entry_width == 0 {
        return None;
    }
    let ranges = index.as_chunks::<2>().0;
    let count = ranges.iter().try_fold(0usize, |total, [_, count]| {
        total.checked_add(usize::try_from(*count).ok()?)
    })?;
    if count > content.len() / entry_width.max(MIN_ENTRY_WIDTH) {
        return None;
    }
    let mut fields = content.chunks_exact(entry_width);
    let mut entries = Xref::new(
        u32::try_from(size).unwrap_or(0),
        XrefType::CrossReferenceStream,
    );
    for [first, count] in ranges {
        for j in 0..*count {
            let entry = fields.next()?;
            let (kind, rest) = entry.split_at(type_width);
            let (one, two) = rest.split_at(first_width);
            let kind = if type_width == 0 { 1 } else { big_endian(kind) };
            let entry = match kind {
                0 => XrefEntry::Free,
                1 => XrefEntry::Normal {
                    offset: big_endian(one) as u32,
                    generation: big_endian(two) as u16,
                },
                2 => XrefEntry::Compressed {
                    container: big_endian(one) as u32,
                    index: big_endian(two) as u16,
                },
                // Unknown types are null references.
                _ => continue,
            };
            if let Some(id) = first.checked_add(j).and_then(|id| u32::try_from(id).ok()) {
                entries.insert(id, entry);
            }
        }
    }
    Some(entries)
}

/// A big-endian unsigned field of at most 8 bytes.
fn big_endian(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0u64, |value, byte| value << 8 | u64::from(*byte))
}

/// A position in the file, for the few tokens read here by hand.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at byte `at` of `bytes`.
    fn new(bytes: &'a [u8], at: usize) -> Self {
        Cursor { bytes, at }
    }

    /// What is left from the cursor on; nothing past the end.
    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }

    /// Past PDF white space, as between the tokens of a table or before a section.
    fn skip_whitespace(&mut self) {
        while self
            .rest()
            .first()
            .is_some_and(|c| b" \t\r\n\0\x0C".contains(c))
        {
            self.at += 1;
        }
    }

    /// Spaces and tabs only, as between `stream` and its end of line.
    fn skip_blanks(&mut self) {
        while self.rest().first().is_some_and(|c| b" \t".contains(c)) {
            self.at += 1;
        }
    }

    /// Past an end of line (CR LF, LF or CR), if one is here.
    fn end_of_line(&mut self) -> Option<usize> {
        let length = match self.rest() {
            [b'\r', b'\n', ..] => 2,
            [b'\n' | b'\r', ..] => 1,
            _ => return None,
        };
        self.at += length;
        Some(self.at)
    }

    /// An unsigned decimal number of at most 19 digits, so that it fits.
    fn number(&mut self) -> Option<u64> {
        let digits = self
            .rest()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 || digits > 19 {
            return None;
        }
        let value = std::str::from_utf8(&self.rest()[..digits])
            .ok()?
            .parse()
            .ok()?;
        self.at += digits;
        Some(value)
    }

    /// One entry of a table (`0000012345 00000 n`): its offset, generation and whether it is in use.
    /// The cursor stays put when there is none.
    fn table_entry(&mut self) -> Option<(u64, u64, bool)> {
        let start = self.at;
        let entry = (|| {
            self.skip_whitespace();
            let offset = self.number()?;
            self.skip_blanks();
            let generation = self.number()?;
            self.skip_blanks();
            let in_use = match self.rest().first()? {
                b'n' => true,
                b'f' => false,
                _ => return None,
            };
            self.at += 1;
            Some((offset, generation, in_use))
        })();
        if entry.is_none() {
            self.at = start;
        }
        entry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Headers are found at line starts only, and not in stream data, where an image or a font may
    /// hold bytes that read like one; a later copy of an object is listed after the earlier.
    #[test]
    fn object_headers_are_found_outside_stream_data_at_line_starts() {
        let file =
            b"%PDF-1.5\n1 0 obj\n<< /Length 16 >>\nstream\n\n9 0 obj fake\n\nendstream\nendobj\n\
                     2 0 obj (not 8 0 obj) endobj\n  1 0 obj\n<< >>\nendobj\n12 3 objx\n";
        let found: Vec<(u32, u16)> = object_headers(file)
            .into_iter()
            .map(|(_, id, generation)| (id, generation))
            .collect();
        assert_eq!(found, [(1, 0), (2, 0), (1, 0)]);
    }

    #[test]
    fn a_file_without_a_cross_reference_stream_is_left_to_lopdf() {
        let file = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n";
        let mut budget = crate::library::Limits::default().inflate_budget();
        let mut streams = Streams {
            budget: &mut budget,
            read: HashMap::new(),
        };
        assert!(rebuilt(file, &mut streams).unwrap().is_none());
    }
}
