//! What the engine returns: answers with citations, and raw search hits.

use std::fmt::Write as _;

use consulta_corpus::{Lang, Passage, PassageKind};
use serde::{Deserialize, Serialize};

use crate::phrases;

/// A cited answer. Serialises to the JSON contract shared with the bot and the evaluation
/// harness: `{question, language, escalate, confidence, answer, citations: [...]}`, plus `notes`
/// only when there are any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The question as answered (after trimming and truncation).
    pub question: String,
    /// The language of the question, which is also the language of the answer's own words.
    pub language: Lang,
    /// True when the evidence is too weak: the question should go to a human expert.
    pub escalate: bool,
    /// How strongly the retrieved passages support an answer, in [0, 1]; `escalate` is
    /// `confidence < RetrievalConfig::escalate_below`.
    pub confidence: f32,
    /// Sentences quoted from the best passages, each group followed by its citation marker `[n]`
    /// (1-based index into `citations`); when escalating, the "an expert can help" message.
    pub answer: String,
    /// The passages the answer draws on, best first; listed even when escalating, so the expert
    /// (and the asker) see what was found.
    pub citations: Vec<Citation>,
    /// Remarks about how the question was handled (e.g. it was truncated), in its language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One cited passage, with what a practitioner needs to check it at the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The guide title, or the FAQ question.
    pub title: String,
    /// Where in the document the passage is.
    pub section: String,
    /// The primary source, e.g. `Decision 2/CMA.3, annex, para. 18`.
    pub source: String,
    /// A link to the source, when known.
    pub source_url: Option<String>,
    /// The date the cited facts are known to hold (`YYYY-MM-DD`), when known.
    pub date: Option<String>,
    /// The full passage text.
    pub text: String,
    /// How strongly this passage supports the answer, in [0, 1] (same scale as the confidence).
    pub score: f32,
    /// The passage id, to look the passage up again.
    pub passage_id: String,
    /// The passage's document, for grouping citations by topic across languages.
    pub doc_id: String,
    /// Guide, FAQ or curated answer.
    pub kind: PassageKind,
    /// The passage's language, which may differ from the question's.
    pub lang: Lang,
    /// The passage's topic tags: what the question is about, for routing an escalation.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The countries the passage concerns, likewise.
    #[serde(default)]
    pub countries: Vec<String>,
}

impl Citation {
    pub(crate) fn new(passage: &Passage, score: f32) -> Citation {
        Citation {
            title: passage.title.clone(),
            section: passage.section.clone(),
            source: passage.source.clone(),
            source_url: passage.source_url.clone(),
            date: passage.valid_as_of.clone(),
            text: passage.text.clone(),
            score,
            passage_id: passage.id.clone(),
            doc_id: passage.doc_id.clone(),
            kind: passage.kind,
            lang: passage.lang,
            tags: passage.tags.clone(),
            countries: passage.countries.clone(),
        }
    }
}

impl Answer {
    /// The answer as plain text for a chat or a terminal: the answer, the notes, then the numbered
    /// sources with their dates, all fixed words in the question's language.
    ///
    /// ```
    /// use consulta_corpus::{Lang, PassageKind};
    /// use consulta_retrieval::{Answer, Citation};
    ///
    /// let answer = Answer {
    ///     question: "What is an ITMO?".into(),
    ///     language: Lang::En,
    ///     escalate: false,
    ///     confidence: 0.8,
    ///     answer: "An ITMO is a transferred mitigation outcome. [1]".into(),
    ///     citations: vec![Citation {
    ///         title: "ITMOs".into(),
    ///         section: "What they are".into(),
    ///         source: "Decision 2/CMA.3".into(),
    ///         source_url: None,
    ///         date: Some("2021-11-13".into()),
    ///         text: "An ITMO is a transferred mitigation outcome.".into(),
    ///         score: 0.8,
    ///         passage_id: "00000000000000a1".into(),
    ///         doc_id: "faq:itmo".into(),
    ///         kind: PassageKind::Faq,
    ///         lang: Lang::En,
    ///         tags: vec!["6.2".into()],
    ///         countries: vec![],
    ///     }],
    ///     notes: vec![],
    /// };
    /// assert!(answer.to_text().ends_with(
    ///     "Sources:\n[1] ITMOs — What they are. Decision 2/CMA.3 (as of 2021-11-13)"
    /// ));
    /// ```
    pub fn to_text(&self) -> String {
        let words = phrases(self.language);
        let mut text = self.answer.clone();
        for note in &self.notes {
            let _ = write!(text, "\n({note})");
        }
        if self.citations.is_empty() {
            return text;
        }
        let _ = write!(text, "\n\n{}:", words.sources);
        for (n, citation) in self.citations.iter().enumerate() {
            let _ = write!(text, "\n[{}] {}", n + 1, citation.title);
            if !citation.section.is_empty() && citation.section != citation.title {
                let _ = write!(text, " — {}", citation.section);
            }
            let _ = write!(text, ". {}", citation.source);
            if let Some(date) = &citation.date {
                let _ = write!(text, " ({} {date})", words.as_of);
            }
            if let Some(url) = &citation.source_url {
                let _ = write!(text, " {url}");
            }
        }
        text
    }
}

/// Which retrieval legs a search uses; the evaluation harness measures each alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Leg {
    /// Full text only (tantivy BM25).
    Bm25,
    /// Vectors only (embedding similarity).
    Dense,
    /// Both, fused by reciprocal rank fusion.
    #[default]
    Hybrid,
}

impl Leg {
    /// The leg's name in reports and on the command line (`bm25`, `dense`, `hybrid`).
    pub fn name(self) -> &'static str {
        match self {
            Leg::Bm25 => "bm25",
            Leg::Dense => "dense",
            Leg::Hybrid => "hybrid",
        }
    }
}

/// A passage's place in one leg's ranking.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LegRank {
    /// 1-based rank in that leg.
    pub rank: usize,
    /// The leg's own score: BM25 score, or cosine similarity.
    pub score: f32,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The passage found.
    pub passage: Passage,
    /// The score the results are ordered by: the leg's score for a single leg; for a hybrid
    /// search, the learned ranking score over both legs' evidence (see the crate documentation).
    pub score: f32,
    /// Where the BM25 leg ranked the passage, if it found it.
    pub bm25: Option<LegRank>,
    /// Where the dense leg ranked the passage, if it found it.
    pub dense: Option<LegRank>,
}
