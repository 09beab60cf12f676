//! Discord's markdown and limits: escaping, answer embeds, and cutting text to message size.
//!
//! Everything that comes from outside (questions, passages, expert answers) is escaped, so a question
//! containing `**`, a masked link or a mention is shown as typed and never pings anyone or breaks the
//! layout.

use consulta_corpus::Lang;
use consulta_retrieval::{Answer, Citation, phrases};
use serenity::builder::{CreateEmbed, CreateEmbedFooter};

use crate::chat::{Piece, Reply, texts};

/// Discord refuses longer message contents.
pub const MESSAGE_LIMIT: usize = 2000;
/// Longest embed title.
const TITLE_LIMIT: usize = 256;
/// Longest embed description.
const DESCRIPTION_LIMIT: usize = 4096;
/// Longest field name.
const FIELD_NAME_LIMIT: usize = 256;
/// Longest field value.
const FIELD_VALUE_LIMIT: usize = 1024;
/// Most fields in one embed.
const FIELDS_LIMIT: usize = 25;
/// All the text of the embeds of one message together.
const EMBED_TOTAL_LIMIT: usize = 6000;

/// Escapes Discord markdown, so `text` shows as typed: a backslash before every character that could
/// start formatting, a masked link or a mention, and before the marks that make a line a list, a
/// heading or a quote. Bare URLs are left whole: Discord does not format inside them, and a
/// backslash there would become part of the link (`a\_b` is another address than `a_b`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut line_start = true;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let rest = &text[at..];
        let after_word = text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        if !after_word && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
                .unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            while chars.peek().is_some_and(|(next, _)| *next < at + end) {
                chars.next();
            }
            line_start = false;
            continue;
        }
        let inline = matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '<' | '[' | ']' | '@'
        );
        if inline || (line_start && matches!(c, '#' | '-' | '>' | '+')) {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n' || (line_start && c.is_whitespace());
    }
    out
}

/// A conversation reply as Discord markdown.
pub fn render_reply(reply: &Reply) -> String {
    reply
        .pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => escape(text),
            Piece::Bold(text) => format!("**{}**", escape(text)),
            // Inside backticks nothing is formatted, so only backticks themselves must go.
            Piece::Code(text) => format!("`{}`", text.replace('`', "'")),
        })
        .collect()
}

/// `text` cut to at most `limit` characters, with an ellipsis when cut. Never ends in a lone backslash,
/// which would escape the ellipsis instead of the character it was for.
pub fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    let trailing = cut.chars().rev().take_while(|c| *c == '\\').count();
    if trailing % 2 == 1 {
        cut.pop();
    }
    cut.push('…');
    cut
}

/// Cuts `text` into messages of at most `limit` characters: at paragraph breaks when possible, else
/// at line breaks, else between words, else anywhere (never inside an escape).
pub fn split(text: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if rest.chars().count() <= limit {
            parts.push(rest.to_string());
            break;
        }
        let end = rest
            .char_indices()
            .nth(limit)
            .map_or(rest.len(), |(i, _)| i);
        let window = &rest[..end];
        let at = [window.rfind("\n\n"), window.rfind('\n'), window.rfind(' ')]
            .into_iter()
            .flatten()
            .find(|at| *at >= end / 2)
            .unwrap_or_else(|| {
                let trailing = window.chars().rev().take_while(|c| *c == '\\').count();
                end - trailing % 2
            });
        parts.push(rest[..at].trim_end().to_string());
        rest = rest[at..].trim_start();
    }
    parts
}

/// What one answer looks like: one embed, the quoted sentences as its description and the citations
/// as numbered fields, within Discord's limits.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerEmbed {
    /// The question, escaped and cut to the title limit.
    pub title: String,
    /// The sentences with their `[n]` markers, the low-confidence line and the notes.
    pub description: String,
    /// `[n] title` and `section · source · as of date · link`, per citation.
    pub fields: Vec<(String, String)>,
    /// The heading of the sources.
    pub footer: String,
}

impl AnswerEmbed {
    /// The embed for `answer` to `question`, in `lang` for the words Consulta adds.
    pub fn new(question: &str, answer: &Answer, lang: Lang) -> AnswerEmbed {
        let words = phrases(lang);
        let mut description = escape(answer.answer.trim());
        if answer.escalate {
            description.push_str("\n\n");
            description.push_str(&escape(texts(lang).low_confidence));
        }
        for note in &answer.notes {
            description.push_str(&format!("\n\n*{}*", escape(note)));
        }
        let fields = answer
            .citations
            .iter()
            .take(FIELDS_LIMIT)
            .enumerate()
            .map(|(n, citation)| {
                let name = truncate(
                    &format!("[{}] {}", n + 1, escape(&citation.title)),
                    FIELD_NAME_LIMIT,
                );
                (name, citation_value(citation, lang))
            })
            .collect();
        let mut embed = AnswerEmbed {
            title: truncate(&escape(question.trim()), TITLE_LIMIT),
            description: truncate(&description, DESCRIPTION_LIMIT),
            fields,
            footer: if answer.citations.is_empty() {
                String::new()
            } else {
                words.sources.to_string()
            },
        };
        embed.fit(EMBED_TOTAL_LIMIT);
        embed
    }

    /// Characters Discord counts against the total limit.
    pub fn len(&self) -> usize {
        let fields: usize = self
            .fields
            .iter()
            .map(|(n, v)| n.chars().count() + v.chars().count())
            .sum();
        self.title.chars().count()
            + self.description.chars().count()
            + self.footer.chars().count()
            + fields
    }

    /// Shrinks the description, then drops the last citations, until the embed fits `limit`.
    fn fit(&mut self, limit: usize) {
        let over = self.len().saturating_sub(limit);
        if over > 0 {
            let keep = self
                .description
                .chars()
                .count()
                .saturating_sub(over)
                .max(200);
            self.description = truncate(&self.description, keep);
        }
        while self.len() > limit && !self.fields.is_empty() {
            self.fields.pop();
        }
    }

    /// The serenity builder.
    pub fn build(&self) -> CreateEmbed {
        let mut embed = CreateEmbed::new()
            .title(self.title.clone())
            .description(self.description.clone());
        for (name, value) in &self.fields {
            embed = embed.field(name.clone(), value.clone(), false);
        }
        if !self.footer.is_empty() {
            embed = embed.footer(CreateEmbedFooter::new(self.footer.clone()));
        }
        embed
    }
}

/// A citation's field: section, source and date on one line, the link after them.
fn citation_value(citation: &Citation, lang: Lang) -> String {
    let mut parts = Vec::new();
    if !citation.section.is_empty() && citation.section != citation.title {
        parts.push(escape(&citation.section));
    }
    if !citation.source.is_empty() {
        parts.push(escape(&citation.source));
    }
    if let Some(date) = &citation.date {
        parts.push(format!("{} {}", phrases(lang).as_of, escape(date)));
    }
    let mut value = truncate(&parts.join(" · "), FIELD_VALUE_LIMIT - 200);
    if let Some(url) = citation.source_url.as_deref().filter(|u| u.len() < 180) {
        // Angle brackets would be escaped text; a masked link keeps the URL as is.
        value.push_str(&format!(
            "\n[{}]({})",
            texts(lang).link,
            url.replace(')', "%29")
        ));
    }
    if value.is_empty() {
        value.push('—');
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_mentions_are_escaped() {
        assert_eq!(escape("**bold** @everyone"), "\\*\\*bold\\*\\* \\@everyone");
        assert_eq!(escape("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(escape("<@123>"), "\\<\\@123>");
        assert_eq!(
            escape("# title\n - item 6.4-A"),
            "\\# title\n \\- item 6.4-A"
        );
    }

    #[test]
    fn urls_are_left_whole() {
        assert_eq!(
            escape("see https://unfccc.int/a_b*c?x=1 and _this_"),
            "see https://unfccc.int/a_b*c?x=1 and \\_this\\_"
        );
        assert_eq!(escape("<https://e.org/x_y>"), "\\<https://e.org/x_y>");
        assert_eq!(escape("nothttps://a_b"), "nothttps://a\\_b");
    }

    #[test]
    fn truncation_never_leaves_a_dangling_escape() {
        let text = escape(&"*".repeat(50));
        let cut = truncate(&text, 10);
        assert!(cut.chars().count() <= 10);
        assert!(!cut.trim_end_matches('…').ends_with("*\\"), "{cut}");
        let body = cut.trim_end_matches('…');
        assert_eq!(body.len() % 2, 0, "whole escapes only: {cut}");
    }

    #[test]
    fn long_text_splits_within_the_limit_and_keeps_everything() {
        let text = "word ".repeat(1000);
        let parts = split(&text, MESSAGE_LIMIT);
        assert!(parts.len() >= 3);
        assert!(parts.iter().all(|p| p.chars().count() <= MESSAGE_LIMIT));
        assert_eq!(parts.concat().matches("word").count(), 1000);
        let unbroken = "x".repeat(4500);
        let parts = split(&unbroken, MESSAGE_LIMIT);
        assert_eq!(parts.concat(), unbroken);
    }
}
