//! Telegram HTML: escaping, answer rendering, and splitting at the message length limit.
//!
//! Everything that comes from outside (questions, passages, expert answers) is escaped before it is put
//! between our own tags, so a question containing `<b>` or `&` is shown as typed and never breaks the
//! message.

use consulta_corpus::Lang;
use consulta_retrieval::{Answer, phrases};

use crate::chat::{Piece, Reply, texts};

/// Telegram refuses longer messages.
pub const MESSAGE_LIMIT: usize = 4096;

/// Escapes text for Telegram HTML (also safe inside a double-quoted attribute).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A conversation reply as Telegram HTML.
pub fn render_reply(reply: &Reply) -> String {
    reply
        .pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => escape(text),
            Piece::Bold(text) => format!("<b>{}</b>", escape(text)),
            Piece::Code(text) => format!("<code>{}</code>", escape(text)),
        })
        .collect()
}

/// An answer as Telegram HTML: the quoted sentences with their `[n]` markers, the notes, and the
/// numbered citations (title, section, source, date, link). `lang` is the asker's language, for the
/// words Consulta adds.
pub fn render_answer(answer: &Answer, lang: Lang) -> String {
    let words = phrases(lang);
    let mut html = escape(answer.answer.trim());
    if answer.escalate {
        html.push_str("\n\n");
        html.push_str(&escape(texts(lang).low_confidence));
    }
    for note in &answer.notes {
        html.push_str(&format!("\n\n<i>{}</i>", escape(note)));
    }
    if !answer.citations.is_empty() {
        html.push_str(&format!("\n\n<b>{}</b>", escape(words.sources)));
    }
    for (n, citation) in answer.citations.iter().enumerate() {
        let mut line = format!("\n[{}] <b>{}</b>", n + 1, escape(&citation.title));
        if !citation.section.is_empty() && citation.section != citation.title {
            line.push_str(&format!(" — {}", escape(&citation.section)));
        }
        if !citation.source.is_empty() {
            line.push_str(&format!(" · {}", escape(&citation.source)));
        }
        if let Some(date) = &citation.date {
            line.push_str(&format!(" · {} {}", escape(words.as_of), escape(date)));
        }
        if let Some(url) = &citation.source_url {
            line.push_str(&format!(
                " · <a href=\"{}\">{}</a>",
                escape(url),
                escape(texts(lang).link)
            ));
        }
        html.push_str(&line);
    }
    html
}

/// Cuts `html` into messages of at most `limit` characters: at paragraph breaks when possible, else
/// at line breaks, else between words. A cut never falls inside a tag or an entity, and tags open at a
/// cut are closed before it and reopened after it, so every part is valid HTML on its own.
pub fn split(html: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = html.trim().to_string();
    while !current.is_empty() {
        if current.chars().count() <= limit {
            parts.push(current);
            break;
        }
        let (cut, open) = cut_point(&current, limit);
        let closing: String = open.iter().rev().map(|tag| format!("</{tag}>")).collect();
        let reopen = open_tags_html(&current[..cut], &open);
        parts.push(format!("{}{closing}", current[..cut].trim_end()));
        current = format!("{reopen}{}", current[cut..].trim_start());
    }
    parts
}

/// Where to cut `html` so that the part plus the closing tags of what is open there fits `budget`
/// characters, and which tags are open at that point.
fn cut_point(html: &str, budget: usize) -> (usize, Vec<String>) {
    let mut open: Vec<String> = Vec::new();
    let mut best: [Option<(usize, usize, Vec<String>)>; 3] = [None, None, None];
    let mut in_markup = false;
    let mut markup_start = 0;
    for (chars, (i, c)) in html.char_indices().enumerate() {
        let closing_len: usize = open.iter().map(|t| t.len() + 3).sum();
        if !in_markup && chars + closing_len > budget {
            break;
        }
        if !in_markup {
            let rank = if html[i..].starts_with("\n\n") {
                Some(0)
            } else if c == '\n' {
                Some(1)
            } else if c == ' ' {
                Some(2)
            } else {
                None
            };
            if let Some(rank) = rank {
                best[rank] = Some((i, chars, open.clone()));
            }
        }
        match c {
            '<' | '&' if !in_markup => {
                in_markup = true;
                markup_start = i;
            }
            '>' if in_markup && html[markup_start..].starts_with('<') => {
                in_markup = false;
                track_tag(&html[markup_start + 1..i], &mut open);
            }
            ';' if in_markup && html[markup_start..].starts_with('&') => in_markup = false,
            _ => {}
        }
    }
    // A paragraph break is worth a shorter part, but not a part of a few words.
    let candidates: Vec<(usize, usize, Vec<String>)> = best
        .into_iter()
        .flatten()
        .filter(|(at, _, _)| *at > 0)
        .collect();
    let chosen = candidates
        .iter()
        .find(|(_, chars, _)| *chars >= budget / 2)
        .or_else(|| candidates.iter().max_by_key(|(_, chars, _)| *chars));
    match chosen {
        Some((at, _, open)) => (*at, open.clone()),
        None => {
            // One unbroken word longer than a message: cut it at a character outside markup.
            let at = safe_cut(html, budget);
            (at, open_at(html, at))
        }
    }
}

fn track_tag(inner: &str, open: &mut Vec<String>) {
    if let Some(name) = inner.strip_prefix('/') {
        let name = name.trim().to_ascii_lowercase();
        if let Some(pos) = open.iter().rposition(|t| *t == name) {
            open.truncate(pos);
        }
    } else {
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !name.is_empty() {
            open.push(name);
        }
    }
}

fn open_at(html: &str, at: usize) -> Vec<String> {
    let mut open = Vec::new();
    let mut rest = &html[..at];
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        track_tag(&rest[start + 1..start + end], &mut open);
        rest = &rest[start + end + 1..];
    }
    open
}

fn safe_cut(html: &str, budget: usize) -> usize {
    let mut last_safe = 0;
    let mut in_markup = false;
    for (chars, (i, c)) in html.char_indices().enumerate() {
        if chars >= budget / 2 && !in_markup {
            return i.max(c.len_utf8());
        }
        match c {
            '<' | '&' => in_markup = true,
            '>' | ';' => {
                in_markup = false;
                last_safe = i + 1;
            }
            _ if !in_markup => last_safe = i,
            _ => {}
        }
    }
    last_safe.max(1)
}

/// The opening tags (with their attributes) of the elements in `open`, as they appear in `part`, so
/// the next part starts with the same formatting.
fn open_tags_html(part: &str, open: &[String]) -> String {
    let mut tags: Vec<String> = Vec::new();
    let mut rest = part;
    let mut stack: Vec<(String, String)> = Vec::new();
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + end + 1];
        let inner = &tag[1..tag.len() - 1];
        if let Some(name) = inner.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(pos) = stack.iter().rposition(|(n, _)| *n == name) {
                stack.truncate(pos);
            }
        } else {
            let mut probe = Vec::new();
            track_tag(inner, &mut probe);
            if let Some(name) = probe.pop() {
                stack.push((name, tag.to_string()));
            }
        }
        rest = &rest[start + end + 1..];
    }
    for (name, tag) in stack {
        if open.contains(&name) {
            tags.push(tag);
        }
    }
    tags.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_ampersands() {
        assert_eq!(escape("<b>A & B</b>"), "&lt;b&gt;A &amp; B&lt;/b&gt;");
    }

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(split("hello", MESSAGE_LIMIT), vec!["hello"]);
    }

    #[test]
    fn splits_at_paragraphs_first() {
        let text = format!("{}\n\n{}", "a".repeat(30), "b".repeat(30));
        assert_eq!(split(&text, 40), vec!["a".repeat(30), "b".repeat(30)]);
    }

    #[test]
    fn every_part_fits_and_keeps_tags_balanced() {
        let line = "<b>bold words &amp; more</b> plain text here\n";
        let html = format!("<i>{}</i>", line.repeat(300));
        let parts = split(&html, 500);
        assert!(parts.len() > 1);
        for part in &parts {
            assert!(
                part.chars().count() <= 500,
                "{} chars",
                part.chars().count()
            );
            assert_eq!(
                part.matches("<b>").count(),
                part.matches("</b>").count(),
                "{part}"
            );
            assert_eq!(
                part.matches("<i>").count(),
                part.matches("</i>").count(),
                "{part}"
            );
            assert!(!part.ends_with('&'));
        }
        let joined: String = parts.concat();
        assert_eq!(
            joined.matches("more").count(),
            300,
            "no text is lost in the cuts"
        );
    }

    #[test]
    fn a_word_longer_than_a_message_is_cut_outside_entities() {
        let html = "&amp;".repeat(100);
        for part in split(&html, 64) {
            assert!(part.chars().count() <= 64);
            assert!(part.starts_with('&') && part.ends_with(';'), "{part}");
        }
    }
}
