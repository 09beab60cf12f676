//! The ticket: what was asked, what Consulta found, who holds it, the answer, its cards in expert chats
//! and its full history. Everything an expert, the asker's notifications and the reports read is here.

use std::fmt;

use consulta_corpus::Lang;
use serde::{Deserialize, Serialize};

use super::identity::{Asker, Identity};
use super::question::{QuestionId, Rating};
use super::ticket_id::TicketId;
use super::time::Timestamp;

/// Where a ticket stands. The allowed moves between them are in [`Action`](super::Action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting in its group's queue for an expert.
    Open,
    /// An expert has taken it; others leave it alone.
    Claimed,
    /// The asker has an expert's answer.
    Answered,
    /// Done: answered, or dismissed (duplicate, off-topic).
    Closed,
    /// Back in the queue after an answer or closure, e.g. because the answer was not enough.
    Reopened,
    /// The expert asked the asker a clarifying question and waits for the reply; the asker's reply
    /// hands it back to them.
    Waiting,
}

impl Status {
    /// Every status, in the order a ticket usually meets them: for counts that list each one.
    pub const ALL: [Status; 6] = [
        Status::Open,
        Status::Claimed,
        Status::Answered,
        Status::Closed,
        Status::Reopened,
        Status::Waiting,
    ];

    /// The lowercase name, as shown and as accepted by the CLI's filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Claimed => "claimed",
            Status::Answered => "answered",
            Status::Closed => "closed",
            Status::Reopened => "reopened",
            Status::Waiting => "waiting",
        }
    }

    /// Whether the ticket waits for an expert to take it (the states reminders watch).
    pub fn is_queued(self) -> bool {
        matches!(self, Status::Open | Status::Reopened)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a question is about, used to route it to the right experts and to count the busiest subjects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tags {
    /// Subjects in the knowledge base's tag vocabulary (`6.2`, `corresponding-adjustment`, ...).
    #[serde(default)]
    pub topics: Vec<String>,
    /// Countries the question concerns (ISO 3166 alpha-2 codes or names, as the knowledge base tags them).
    #[serde(default)]
    pub countries: Vec<String>,
}

/// A passage Consulta retrieved for the question, copied into the ticket so the expert sees what the
/// assistant found (and why it was not enough) without searching again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrievedPassage {
    /// Guide title or FAQ question.
    pub title: String,
    /// Heading path inside the document.
    pub section: String,
    /// The primary source cited.
    pub source: String,
    /// Link to the source, when known.
    #[serde(default)]
    pub source_url: Option<String>,
    /// The date the passage's facts are known to hold (`YYYY-MM-DD`).
    #[serde(default)]
    pub date: Option<String>,
    /// The passage text.
    pub text: String,
    /// Retrieval score, so the expert can judge how close the match was.
    pub score: f32,
}

/// An expert's answer, kept with who wrote it for the curated FAQ's attribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertAnswer {
    /// The answer as sent to the asker.
    pub text: String,
    /// The answering expert's configured name.
    pub expert: String,
    /// When it was given.
    pub at: Timestamp,
}

/// Who did something to a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "lowercase")]
pub enum Actor {
    /// A configured expert, with the identity they acted from (an expert may have several).
    Expert {
        /// The expert's configured name.
        name: String,
        /// The platform identity they acted from.
        identity: Identity,
    },
    /// The person who asked.
    Asker,
    /// The desk itself (reminders, retention).
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Expert { name, identity } => write!(f, "{name} ({identity})"),
            Actor::Asker => f.write_str("asker"),
            Actor::System => f.write_str("desk"),
        }
    }
}

/// What happened, for the ticket's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// The ticket was created and queued for `group`.
    Opened {
        /// The group the routing rules chose.
        group: String,
    },
    /// An expert took the ticket.
    Claimed,
    /// The expert put the ticket back in the queue.
    Unclaimed,
    /// The expert answered; the text was relayed to the asker.
    Answered {
        /// The answer as relayed.
        text: String,
    },
    /// The ticket was closed, with an optional reason.
    Closed {
        /// Why, when the expert said.
        reason: Option<String>,
    },
    /// The ticket was reopened for another answer, with an optional reason.
    Reopened {
        /// Why, when the expert said.
        reason: Option<String>,
    },
    /// Handed to another expert, who now holds it.
    TransferredToExpert {
        /// The expert who now holds it.
        expert: String,
    },
    /// Put back in another group's queue.
    TransferredToGroup {
        /// The group whose queue now holds it.
        group: String,
    },
    /// An internal note: never shown to the asker.
    Note {
        /// The note.
        text: String,
    },
    /// The group was reminded that the ticket still waits.
    Reminded {
        /// The group reminded.
        group: String,
    },
    /// The asker rated the expert's answer.
    Rated {
        /// The rating given.
        rating: Rating,
    },
    /// The answer became a curated FAQ entry.
    Approved,
    /// The expert asked the asker a clarifying question; the text was relayed to the asker.
    Clarification {
        /// The question as relayed.
        text: String,
    },
    /// The asker replied to one of the desk's messages; the text was relayed to the experts.
    AskerReplied {
        /// The reply as relayed.
        text: String,
    },
    /// A message about the ticket could not be delivered, for good (the asker blocked the bot, closed
    /// their DMs, left the chat): the experts must know the asker did not hear from them.
    Undelivered {
        /// The chat it was meant for.
        chat: super::identity::ChatRef,
        /// Whether that chat is the asker's: then the asker is unreachable on their platform.
        to_asker: bool,
        /// What the platform said, for the expert and the operator.
        reason: String,
    },
}

impl Ticket {
    /// Why the asker can no longer be reached, when the last message meant for them was given up:
    /// shown on the ticket's card and page so the expert answers another way (or closes it).
    pub fn asker_unreachable(&self) -> Option<&str> {
        self.events
            .iter()
            .rev()
            .find_map(|event| match &event.kind {
                EventKind::Undelivered {
                    to_asker: true,
                    reason,
                    ..
                } => Some(reason.as_str()),
                _ => None,
            })
    }

    /// How many messages about the ticket were given up on (to the asker or to experts).
    pub fn undelivered_count(&self) -> usize {
        self.events
            .iter()
            .filter(|event| matches!(event.kind, EventKind::Undelivered { .. }))
            .count()
    }
}

/// One line of a ticket's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened (UTC).
    pub at: Timestamp,
    /// Who did it.
    pub actor: Actor,
    /// What was done.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// A ticket's announcement in one expert chat. Its outbox key finds the platform's message id, which
/// later edits need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// The chat it was posted in.
    pub chat: super::identity::ChatRef,
    /// The idempotency key it was sent under.
    pub key: String,
}

/// A question handed to human experts, with everything needed to answer it and to account for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// Short id the asker and experts quote.
    pub id: TicketId,
    /// When the asker was told an expert will answer.
    pub created_at: Timestamp,
    /// Who asked and where to answer.
    pub asker: Asker,
    /// The language of the question; replies to the asker use it.
    pub language: Lang,
    /// The question as the asker wrote it.
    pub question: String,
    /// What Consulta retrieved before escalating.
    pub passages: Vec<RetrievedPassage>,
    /// Topics and countries, from the retrieved passages; routing reads them.
    pub tags: Tags,
    /// The expert group whose queue holds the ticket (from the routing rules, or a transfer).
    pub group: String,
    /// Where the ticket is in its life cycle.
    pub status: Status,
    /// The expert holding the ticket (claimed), or who answered it.
    pub assignee: Option<String>,
    /// The expert's answer, once there is one.
    pub answer: Option<ExpertAnswer>,
    /// The asker's rating of the expert's answer.
    pub rating: Option<Rating>,
    /// The question record this ticket escalated, linking outcomes to the question metrics.
    pub question_id: Option<QuestionId>,
    /// Since when the ticket waits unclaimed in its queue: reminders count from here.
    pub queued_since: Timestamp,
    /// Last reminder sent for the current wait, so each wait is reminded once per `reminder_after`.
    pub reminded_at: Option<Timestamp>,
    /// When it was last closed: retention counts from here.
    pub closed_at: Option<Timestamp>,
    /// The cards announcing the ticket in expert chats, edited as it moves.
    pub cards: Vec<Card>,
    /// Everything that happened, oldest first.
    pub events: Vec<Event>,
}
