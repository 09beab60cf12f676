//! Web pages: the main content only (no navigation, banners, footers, scripts or cookie notices),
//! with headings as sections and each section's anchor kept for the citation.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::Lang;

use super::blocks::{Locator, Section};
use super::read::Extracted;

/// Elements whose content is never main text.
const NOISE_TAGS: [&str; 15] = [
    "script", "style", "noscript", "template", "nav", "aside", "form", "svg", "iframe", "button",
    "select", "dialog", "menu", "object", "canvas",
];
/// ARIA roles of page furniture.
const NOISE_ROLES: [&str; 6] = [
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
];
/// Words in a `class` or `id` that mark page furniture in sites without semantic markup.
const NOISE_NAMES: [&str; 12] = [
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "cookies",
    "footer",
    "sidebar",
    "share",
    "social",
];
/// Elements that end a paragraph.
const BLOCK_TAGS: [&str; 24] = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "figure",
    "figcaption",
    "br",
    "hr",
    "header",
    "footer",
    "body",
];
/// Elements without an end tag.
const VOID_TAGS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param",
];

/// A token, owned, in document order.
#[derive(Debug)]
enum Event {
    Start {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
    },
    End(String),
    Text(String),
}

impl Event {
    fn attr(attrs: &[(String, String)], name: &str) -> Option<String> {
        attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_string())
    }
}

/// Collects tokens, and tells the tokenizer to read script and style bodies as raw text (the tree
/// builder would, and there is none here).
#[derive(Default)]
struct Collector {
    events: RefCell<Vec<Event>>,
}

impl TokenSink for Collector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut events = self.events.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                if tag.kind == TagKind::EndTag {
                    events.push(Event::End(name));
                    return TokenSinkResult::Continue;
                }
                let raw = match name.as_str() {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                        Some(RawKind::Rawtext)
                    }
                    "title" | "textarea" => Some(RawKind::Rcdata),
                    _ => None,
                };
                events.push(Event::Start {
                    name,
                    attrs: tag
                        .attrs
                        .iter()
                        .map(|a| (a.name.local.to_string(), a.value.to_string()))
                        .collect(),
                    self_closing: tag.self_closing,
                });
                match raw {
                    Some(kind) if !tag.self_closing => TokenSinkResult::RawData(kind),
                    _ => TokenSinkResult::Continue,
                }
            }
            Token::CharacterTokens(text) => {
                match events.last_mut() {
                    Some(Event::Text(last)) => last.push_str(&text),
                    _ => events.push(Event::Text(text.to_string())),
                }
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// One open element, with what it means for the text inside it.
struct Open {
    name: String,
    /// Inside page furniture: its text is dropped.
    noise: bool,
    /// Inside the content to keep.
    main: bool,
    /// Inside a `main` or `article` element, where a `header` is the content's own.
    landmark: bool,
}

pub(crate) fn extract(html: &str) -> Extracted {
    let collector = Collector::default();
    let tokenizer = Tokenizer::new(collector, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let events = tokenizer.sink.events.into_inner();

    let is_main = |name: &str, attrs: &[(String, String)]| {
        name == "main" || Event::attr(attrs, "role").as_deref() == Some("main")
    };
    let has_main = events
        .iter()
        .any(|e| matches!(e, Event::Start { name, attrs, .. } if is_main(name, attrs)));
    let has_article = events
        .iter()
        .any(|e| matches!(e, Event::Start { name, .. } if name == "article"));
    let container = |name: &str, attrs: &[(String, String)]| {
        if has_main {
            is_main(name, attrs)
        } else {
            name == "article" || (!has_article && name == "body")
        }
    };
    let whole_page = !has_main && !has_article;

    let mut page = Page::default();
    let mut stack: Vec<Open> = Vec::new();
    for event in events {
        match event {
            Event::Start {
                name,
                attrs,
                self_closing,
            } => {
                let parent_noise = stack.last().is_some_and(|o| o.noise);
                let parent_main = stack.last().is_some_and(|o| o.main);
                let parent_landmark = stack.last().is_some_and(|o| o.landmark);
                if name == "html" {
                    page.lang = Event::attr(&attrs, "lang").and_then(|l| l.parse().ok());
                }
                if BLOCK_TAGS.contains(&name.as_str()) {
                    page.end_paragraph();
                }
                let heading_level = heading_level(&name);
                if let Some(level) = heading_level
                    && !parent_noise
                {
                    page.start_heading(level, Event::attr(&attrs, "id"));
                }
                if name == "a"
                    && page.heading.is_some()
                    && let Some(id) = Event::attr(&attrs, "id").or(Event::attr(&attrs, "name"))
                {
                    page.heading_anchor(id);
                }
                if VOID_TAGS.contains(&name.as_str()) || self_closing {
                    continue;
                }
                let main = parent_main || container(&name, &attrs);
                // A page header or footer is furniture; an article's own header holds its title.
                let furniture = matches!(name.as_str(), "header" | "footer") && !parent_landmark;
                let noise = parent_noise || furniture || is_noise(&name, &attrs);
                let landmark = parent_landmark || name == "article" || is_main(&name, &attrs);
                stack.push(Open {
                    name,
                    noise,
                    main: main || whole_page,
                    landmark,
                });
            }
            Event::End(name) => {
                if let Some(at) = stack.iter().rposition(|o| o.name == name) {
                    stack.truncate(at);
                }
                if heading_level(&name).is_some() {
                    page.end_heading();
                }
                if BLOCK_TAGS.contains(&name.as_str()) {
                    page.end_paragraph();
                }
            }
            Event::Text(text) => {
                let in_title = stack.last().is_some_and(|o| o.name == "title");
                if in_title {
                    page.title.push_str(&text);
                    continue;
                }
                let open = stack.last();
                if open.is_some_and(|o| o.main && !o.noise) {
                    page.text(&text);
                }
            }
        }
    }
    page.finish()
}

fn heading_level(name: &str) -> Option<usize> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn is_noise(name: &str, attrs: &[(String, String)]) -> bool {
    if NOISE_TAGS.contains(&name) || Event::attr(attrs, "hidden").is_some() {
        return true;
    }
    if Event::attr(attrs, "aria-hidden").as_deref() == Some("true") {
        return true;
    }
    if Event::attr(attrs, "role").is_some_and(|r| NOISE_ROLES.contains(&r.as_str())) {
        return true;
    }
    ["class", "id"].iter().any(|key| {
        Event::attr(attrs, key).is_some_and(|value| {
            value
                .to_lowercase()
                .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
                .any(|word| NOISE_NAMES.contains(&word))
        })
    })
}

/// The page being assembled.
#[derive(Default)]
struct Page {
    title: String,
    lang: Option<Lang>,
    /// Open headings: (level, text).
    path: Vec<(usize, String)>,
    /// The heading being read: (level, id, text).
    heading: Option<(usize, Option<String>, String)>,
    paragraph: String,
    sections: Vec<Section>,
    first_h1: Option<String>,
}

impl Page {
    fn text(&mut self, text: &str) {
        match &mut self.heading {
            Some((_, _, heading)) => heading.push_str(text),
            None => self.paragraph.push_str(text),
        }
    }

    fn end_paragraph(&mut self) {
        if self.heading.is_some() {
            return;
        }
        let paragraph = std::mem::take(&mut self.paragraph);
        if self.sections.is_empty() {
            self.sections.push(Section::new("", Locator::None));
        }
        if let Some(section) = self.sections.last_mut() {
            section.push_paragraph(&paragraph);
        }
    }

    fn start_heading(&mut self, level: usize, id: Option<String>) {
        self.end_paragraph();
        self.heading = Some((level, id, String::new()));
    }

    fn heading_anchor(&mut self, anchor: String) {
        if let Some((_, id @ None, _)) = &mut self.heading {
            *id = Some(anchor);
        }
    }

    fn end_heading(&mut self) {
        let Some((level, id, text)) = self.heading.take() else {
            return;
        };
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return;
        }
        if level == 1 && self.first_h1.is_none() {
            self.first_h1 = Some(text.clone());
        }
        self.path.retain(|(l, _)| *l < level);
        self.path.push((level, text.clone()));
        let heading = self
            .path
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" > ");
        let anchor = id.unwrap_or_else(|| format!(":~:text={}", text_fragment(&text)));
        self.sections
            .push(Section::new(&heading, Locator::Anchor(anchor)));
    }

    fn finish(mut self) -> Extracted {
        self.end_heading();
        self.end_paragraph();
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        Extracted {
            title: Some(title).filter(|t| !t.is_empty()).or(self.first_h1),
            sections: self.sections,
            declared_lang: self.lang,
            pages: None,
            warnings: Vec::new(),
        }
    }
}

/// Percent-encodes a heading for a text fragment (`#:~:text=`), which browsers scroll to when the
/// heading has no id of its own.
fn text_fragment(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'_' || byte == b'~' {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html lang="es"><head><title>Guía de autorización | Observatorio</title>
<style>p { color: red }</style><script>var x = "<p>no</p>";</script></head>
<body><header class="site-header"><a href="/">Inicio</a></header>
<nav><ul><li>Menú uno</li><li>Menú dos</li></ul></nav>
<div class="cookie-banner">Usamos cookies.</div>
<main><h1 id="top">Autorización</h1><p>La carta de autorización &amp; sus condiciones.</p>
<h2>Contenido mínimo</h2><p>Debe indicar el uso autorizado.</p></main>
<footer>© Observatorio</footer></body></html>"#;

    #[test]
    fn keeps_the_main_content_with_headings_and_anchors() {
        let extracted = extract(PAGE);
        assert_eq!(
            extracted.title.as_deref(),
            Some("Guía de autorización | Observatorio")
        );
        assert_eq!(extracted.declared_lang, Some(Lang::Es));
        let all: String = extracted.sections.iter().map(|s| s.text.as_str()).collect();
        assert!(
            all.contains("La carta de autorización & sus condiciones."),
            "{all}"
        );
        for noise in ["Menú", "cookies", "Inicio", "©", "color", "var x"] {
            assert!(!all.contains(noise), "{noise} leaked: {all}");
        }
        let sections: Vec<(&str, &Locator)> = extracted
            .sections
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| (s.heading.as_str(), &s.locator))
            .collect();
        assert_eq!(
            sections[0],
            ("Autorización", &Locator::Anchor("top".into()))
        );
        assert_eq!(
            sections[1],
            (
                "Autorización > Contenido mínimo",
                &Locator::Anchor(":~:text=Contenido%20m%C3%ADnimo".into())
            )
        );
    }

    #[test]
    fn pages_without_landmarks_use_the_body() {
        let extracted = extract("<p>Primer párrafo.<p>Segundo<br>párrafo.");
        assert_eq!(
            extracted.sections[0].text,
            "Primer párrafo.\n\nSegundo\n\npárrafo."
        );
    }
}
