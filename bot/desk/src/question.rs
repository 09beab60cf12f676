//! Every question asked of Consulta, escalated or not, with its outcome (rated, followed up, answered
//! by an expert): the records behind the resolution rate and the coverage gaps.

use std::fmt;
use std::str::FromStr;

use consulta_corpus::Lang;
use serde::{Deserialize, Serialize};

use super::identity::{Asker, Identity};
use super::ticket::{RetrievedPassage, Tags};
use super::ticket_id::TicketId;
use super::time::{Span, Timestamp};

/// The id of a recorded question, handed back to the front-end so a later 👍/👎 can be attached to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub u64);

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for QuestionId {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(QuestionId)
    }
}

/// An asker's verdict on an answer (the 👍/👎 buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// 👍: the answer resolved the question.
    Up,
    /// 👎: it did not.
    Down,
}

impl Rating {
    /// The rating a 👍 (`true`) or 👎 (`false`) button stands for.
    pub fn from_thumb(up: bool) -> Rating {
        if up { Rating::Up } else { Rating::Down }
    }
}

/// A question as a front-end reports it, right after Consulta answered (or declined to). A replica
/// sends it to the primary as the body of `POST /v1/questions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewQuestion {
    /// Who asked; used to spot follow-ups and to forget the person on request.
    pub asker: Asker,
    /// The answer's language.
    pub language: Lang,
    /// The question text (kept for gap analysis until forgotten or past retention).
    #[serde(rename = "question")]
    pub text: String,
    /// The answer's confidence, 0..1; low values feed the coverage-gap report.
    pub confidence: f32,
    /// Whether Consulta advised asking an expert.
    pub escalate: bool,
    /// Tags, when the front-end knows them (from the citations or the asker's profile).
    #[serde(default)]
    pub tags: Tags,
    /// What Consulta cited in its answer, best first: kept with the question so that escalating it
    /// hands the experts the same passages, from whichever front-end and whenever it is escalated,
    /// without a front-end keeping a copy or the engine being asked again.
    #[serde(default)]
    pub passages: Vec<RetrievedPassage>,
}

/// What the desk keeps about one question, for outcome metrics.
///
/// Outcome fields are updated as the ticket moves, so metrics survive the ticket itself: `forget` and
/// retention strip the person and the text (`user`, `text`) and keep the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionRecord {
    /// The record's id.
    pub id: QuestionId,
    /// When it was asked.
    pub at: Timestamp,
    /// The asker; `None` once anonymised.
    pub user: Option<Identity>,
    /// The question's language.
    pub language: Lang,
    /// The question text; `None` once anonymised.
    pub text: Option<String>,
    /// The answer's confidence, 0..1.
    pub confidence: f32,
    /// Consulta advised an expert, or a ticket was opened.
    pub escalated: bool,
    /// Subjects, for the busiest-tags table.
    pub tags: Tags,
    /// What Consulta's answer cited, best first; the ticket opened for the question starts from them.
    /// Empty once anonymised (nothing can be escalated then), and for questions recorded before the
    /// desk kept citations.
    #[serde(default)]
    pub passages: Vec<RetrievedPassage>,
    /// The ticket opened for it, if any: also how a second escalation of the question finds its
    /// ticket with one read.
    pub ticket: Option<TicketId>,
    /// When the ticket was opened: the start of time-to-first-response.
    pub ticket_opened_at: Option<Timestamp>,
    /// First expert action the asker saw (claim or answer).
    pub first_response_at: Option<Timestamp>,
    /// When an expert answered.
    pub answered_at: Option<Timestamp>,
    /// The asker's rating (of Consulta's answer, or of the expert's when there is a ticket).
    pub rating: Option<Rating>,
    /// When the same person asked again soon after, a sign the answer did not settle it.
    pub followed_up_at: Option<Timestamp>,
}

/// How a question ended, as far as the desk can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Rated 👍.
    Confirmed,
    /// No rating and no follow-up within `resolution_after` of the (final) answer.
    Assumed,
    /// Rated 👎, or followed up within `resolution_after`.
    Unresolved,
    /// Too early to tell, or still waiting for an expert.
    Pending,
}

impl QuestionRecord {
    /// The instant the asker got their final answer: the expert's if there is a ticket, else Consulta's.
    pub fn answered_by_then(&self) -> Option<Timestamp> {
        match self.ticket {
            Some(_) => self.answered_at,
            None => Some(self.at),
        }
    }

    /// Whether a question asked at `at` by the same person counts as a follow-up to this one.
    pub fn is_followed_up_by(&self, at: Timestamp, window: Span) -> bool {
        self.answered_by_then()
            .is_some_and(|answered| at >= answered && at.since(answered) < window)
    }

    /// The outcome at `now`, given the configured resolution window.
    pub fn resolution(&self, now: Timestamp, window: Span) -> Resolution {
        match self.rating {
            Some(Rating::Up) => return Resolution::Confirmed,
            Some(Rating::Down) => return Resolution::Unresolved,
            None => {}
        }
        if self.followed_up_at.is_some() {
            return Resolution::Unresolved;
        }
        match self.answered_by_then() {
            Some(answered) if now.since(answered) >= window => Resolution::Assumed,
            _ => Resolution::Pending,
        }
    }

    /// Whether an expert took part (claimed or answered its ticket).
    pub fn involved_expert(&self) -> bool {
        self.first_response_at.is_some()
    }

    /// Removes everything that identifies the person or repeats their words, keeping the numbers; the
    /// citations go too, as a question without its words is never escalated.
    pub fn anonymise(&mut self) {
        self.user = None;
        self.text = None;
        self.passages = Vec::new();
    }
}
