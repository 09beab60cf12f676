//! Cutting Markdown bodies into passages: by heading, then by paragraph when a section is too long for
//! the model or for a citation.

/// Bounds on passage size. Passages are what the embedding model reads (512 tokens at most, ~1,500
/// characters of Spanish) and what a practitioner reads in a citation, so both ends matter.
#[derive(Debug, Clone, Copy)]
pub struct ChunkLimits {
    /// A section longer than this is split at paragraph boundaries.
    pub max_chars: usize,
    /// A trailing piece shorter than this is merged into the previous piece of the same section.
    pub min_chars: usize,
}

impl Default for ChunkLimits {
    fn default() -> Self {
        ChunkLimits {
            max_chars: 1200,
            min_chars: 200,
        }
    }
}

/// A piece of a Markdown body with the heading path it sits under.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chunk {
    pub section: String,
    pub text: String,
    /// 1-based line in the body where the chunk's section starts.
    pub line: usize,
}

/// Cuts a Markdown body at its headings. Each section keeps its full heading path (`Guide > Part > Topic`)
/// because a citation must say where in the guide the passage is. Text before the first heading belongs
/// to the document title.
pub(crate) fn split_sections(body: &str, title: &str, limits: &ChunkLimits) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut current = String::new();
    let mut current_line = 1;
    let mut in_code = false;

    let section_name = |path: &[(usize, String)]| -> String {
        let mut names: Vec<&str> = path.iter().map(|(_, name)| name.as_str()).collect();
        if names.first() != Some(&title) {
            names.insert(0, title);
        }
        names.join(" > ")
    };

    for (index, line) in body.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        let heading = (!in_code).then(|| parse_heading(line)).flatten();
        match heading {
            Some((level, name)) => {
                push_section(
                    &mut chunks,
                    &section_name(&path),
                    &current,
                    current_line,
                    limits,
                );
                current.clear();
                current_line = index + 1;
                path.retain(|(l, _)| *l < level);
                path.push((level, name));
            }
            None => {
                current.push_str(line);
                current.push('\n');
            }
        }
    }
    push_section(
        &mut chunks,
        &section_name(&path),
        &current,
        current_line,
        limits,
    );
    chunks
}

fn parse_heading(line: &str) -> Option<(usize, String)> {
    let level = line.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    if !rest.starts_with(' ') {
        return None;
    }
    let name = rest.trim().trim_end_matches('#').trim();
    (!name.is_empty()).then(|| (level, name.to_string()))
}

fn push_section(
    chunks: &mut Vec<Chunk>,
    section: &str,
    text: &str,
    line: usize,
    limits: &ChunkLimits,
) {
    chunks.extend(split_text(text, limits).into_iter().map(|text| Chunk {
        section: section.to_string(),
        text,
        line,
    }));
}

/// Cuts the text of one section into passage bodies within `limits`: paragraphs (separated by a blank
/// line) are packed together up to `max_chars`, over-long ones are cut at sentence ends, and a short tail
/// joins the piece before it. Library documents reuse it so every format yields passages of one size.
pub(crate) fn split_text(text: &str, limits: &ChunkLimits) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        match pieces.last_mut() {
            Some(last) if last.len() + paragraph.len() + 2 <= limits.max_chars => {
                last.push_str("\n\n");
                last.push_str(paragraph);
            }
            _ => pieces.extend(split_long(paragraph, limits.max_chars)),
        }
    }
    if pieces.len() > 1 && pieces.last().is_some_and(|p| p.len() < limits.min_chars) {
        let tail = pieces.pop().unwrap_or_default();
        if let Some(last) = pieces.last_mut() {
            last.push_str("\n\n");
            last.push_str(&tail);
        }
    }
    pieces
}

/// Splits one over-long paragraph at sentence ends (or, failing that, at a char boundary).
fn split_long(paragraph: &str, max_chars: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = paragraph;
    while rest.len() > max_chars {
        let window = floor_char_boundary(rest, max_chars);
        let cut = rest[..window]
            .rfind(". ")
            .map(|i| i + 1)
            .filter(|&i| i > max_chars / 3)
            .unwrap_or(window);
        pieces.push(rest[..cut].trim().to_string());
        rest = rest[cut..].trim_start();
    }
    if !rest.is_empty() {
        pieces.push(rest.to_string());
    }
    pieces
}

fn floor_char_boundary(s: &str, index: usize) -> usize {
    (0..=index.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// The anchor form of a heading: lowercase, accents removed, runs of other characters turned into `-`.
/// Gold labels and web anchors use it (`guide:authorization#what-it-must-state`).
pub fn section_slug(heading: &str) -> String {
    let mut slug = String::new();
    for c in heading.chars().flat_map(char::to_lowercase) {
        let folded = fold_accent(c);
        if folded.is_ascii_alphanumeric() {
            slug.push(folded);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// `c` without its accent, for the letters of Spanish and Portuguese: section slugs and search
/// both treat "mitigación" and "mitigacion" as one word.
pub fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_paths_nest_and_reset() {
        let body = "# T\nintro\n## A\na text\n### A1\na1 text\n## B\nb text\n";
        let chunks = split_sections(body, "T", &ChunkLimits::default());
        let sections: Vec<&str> = chunks.iter().map(|c| c.section.as_str()).collect();
        assert_eq!(sections, ["T", "T > A", "T > A > A1", "T > B"]);
        assert_eq!(chunks[3].line, 7);
    }

    #[test]
    fn long_sections_are_split_within_bounds() {
        let sentence = "Cada transferencia se registra con un identificador único. ";
        let body = format!("## Registro\n{}\n", sentence.repeat(80));
        let limits = ChunkLimits::default();
        let chunks = split_sections(&body, "Guía", &limits);
        assert!(chunks.len() > 2);
        assert!(chunks.iter().all(|c| c.text.len() <= limits.max_chars));
        assert!(chunks.iter().all(|c| c.text.ends_with('.')));
    }

    #[test]
    fn headings_inside_code_blocks_are_text() {
        let chunks = split_sections(
            "## A\n```\n# not a heading\n```\n",
            "T",
            &ChunkLimits::default(),
        );
        assert_eq!(chunks.len(), 1);
        assert!(chunks[0].text.contains("# not a heading"));
    }

    #[test]
    fn slugs_fold_accents() {
        assert_eq!(
            section_slug("¿Qué debe indicar la autorización?"),
            "que-debe-indicar-la-autorizacion"
        );
        assert_eq!(
            section_slug("Share of proceeds (5 %)"),
            "share-of-proceeds-5"
        );
    }
}
