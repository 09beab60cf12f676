//! The rules of a ticket's life cycle, kept pure: which expert actions fit which state, and what each
//! changes. Separate from storage and notifications so the rules can be read (and tested) in one place,
//! and so every way of acting — chat buttons, commands, the console, the CLI — obeys the same ones.

use serde::{Deserialize, Serialize};

use super::ticket::{Actor, Event, EventKind, Status, Ticket};
use super::time::Timestamp;

/// Something an expert does to a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Take a queued ticket, so that others leave it alone.
    Claim,
    /// Put a claimed ticket back in its group's queue.
    Unclaim,
    /// Send the asker an answer. A queued ticket is claimed on the way.
    Answer {
        /// The answer, sent to the asker as written.
        text: String,
    },
    /// Finish the ticket (answered, duplicate, off-topic).
    Close {
        /// Why, for the history; optional.
        reason: Option<String>,
    },
    /// Put an answered or closed ticket back in the queue.
    Reopen {
        /// Why, for the history; optional.
        reason: Option<String>,
    },
    /// Ask the asker a clarifying question; the ticket waits for their reply. A queued ticket is
    /// claimed on the way.
    Clarify {
        /// The question, sent to the asker as written.
        text: String,
    },
    /// Hand the ticket to another expert or group.
    Transfer(TransferTarget),
    /// Add an internal note (never shown to the asker).
    Note {
        /// The note.
        text: String,
    },
}

/// Where a transfer sends a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferTarget {
    /// An expert, by configured name or identity; they hold the ticket afterwards.
    Expert(String),
    /// A group, by name; the ticket goes back to queued in that group.
    Group(String),
}

/// Why an action was refused. The ticket is unchanged.
///
/// Serializable so that a refusal the service gave travels to a front-end process, which says it in
/// its reader's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionError {
    /// Another expert holds the ticket.
    #[error("it is claimed by {expert}: ask them, or have them unclaim or transfer it")]
    ClaimedBy {
        /// The expert holding the ticket.
        expert: String,
    },
    /// The acting expert already holds the ticket.
    #[error("you have already claimed it")]
    AlreadyYours,
    /// Unclaim or answer-by-holder needs a claimed ticket.
    #[error("it is not claimed (it is {status})")]
    NotClaimed {
        /// The ticket's status.
        status: Status,
    },
    /// An answered ticket takes no second answer until reopened.
    #[error("it is already answered: reopen it first to answer again")]
    AlreadyAnswered,
    /// A closed ticket takes no claim, answer or transfer until it is reopened (notes are allowed).
    #[error("it is closed: reopen it first")]
    Closed,
    /// Only answered or closed tickets can be reopened.
    #[error("it is {status}, not answered or closed: there is nothing to reopen")]
    NotReopenable {
        /// The ticket's status.
        status: Status,
    },
    /// The ticket is in a state that cannot change hands.
    #[error("it is {status}: reopen it first to transfer it")]
    NotTransferable {
        /// The ticket's status.
        status: Status,
    },
    /// A transfer to the expert who already holds the ticket.
    #[error("{expert} already holds it")]
    SameAssignee {
        /// The expert named as the target.
        expert: String,
    },
    /// A transfer to the group whose queue already holds the ticket.
    #[error("it is already queued in group {group}")]
    SameGroup {
        /// The ticket's group.
        group: String,
    },
    /// An answer or note with no text.
    #[error("the {what} is empty: write some text")]
    EmptyText {
        /// What was empty (answer, note). Only the operator's English message names it, so it
        /// does not come back from the wire.
        #[serde(skip_deserializing)]
        what: &'static str,
    },
    /// The asker wrote [`MAX_REPLIES_IN_A_ROW`](crate::MAX_REPLIES_IN_A_ROW) replies no expert has
    /// spoken after.
    #[error("the experts have not answered your last {max} messages yet: wait for them")]
    TooManyReplies {
        /// The most replies in a row.
        max: usize,
    },
    /// Approval needs an expert answer to curate.
    #[error("it has no expert answer yet: answer it before approving it as a curated FAQ")]
    NoAnswer,
}

/// Applies `action` by `expert` (the configured name) at `now`, or explains why it cannot be done.
///
/// Pure: storage and notifications are the caller's. Targets of transfers must already be resolved to a
/// configured expert name or group.
pub(crate) fn apply(
    ticket: &mut Ticket,
    actor: &Actor,
    expert: &str,
    action: &Action,
    now: Timestamp,
) -> Result<(), TransitionError> {
    let kind = match action {
        Action::Claim => {
            check_free(ticket, expert)?;
            if ticket.status == Status::Claimed {
                return Err(TransitionError::AlreadyYours);
            }
            ticket.status = Status::Claimed;
            ticket.assignee = Some(expert.to_string());
            EventKind::Claimed
        }
        Action::Unclaim => {
            if !matches!(ticket.status, Status::Claimed | Status::Waiting) {
                return Err(TransitionError::NotClaimed {
                    status: ticket.status,
                });
            }
            check_free(ticket, expert)?;
            requeue(ticket, now);
            EventKind::Unclaimed
        }
        Action::Answer { text } => {
            let text = non_empty(text, "answer")?;
            check_free(ticket, expert)?;
            ticket.status = Status::Answered;
            ticket.assignee = Some(expert.to_string());
            ticket.answer = Some(super::ticket::ExpertAnswer {
                text: text.clone(),
                expert: expert.to_string(),
                at: now,
            });
            EventKind::Answered { text }
        }
        Action::Clarify { text } => {
            let text = non_empty(text, "question")?;
            check_free(ticket, expert)?;
            ticket.status = Status::Waiting;
            ticket.assignee = Some(expert.to_string());
            EventKind::Clarification { text }
        }
        Action::Close { reason } => {
            if ticket.status == Status::Closed {
                return Err(TransitionError::Closed);
            }
            if matches!(ticket.status, Status::Claimed | Status::Waiting) {
                check_free(ticket, expert)?;
            }
            ticket.status = Status::Closed;
            ticket.closed_at = Some(now);
            EventKind::Closed {
                reason: reason.clone(),
            }
        }
        Action::Reopen { reason } => {
            if !matches!(ticket.status, Status::Answered | Status::Closed) {
                return Err(TransitionError::NotReopenable {
                    status: ticket.status,
                });
            }
            requeue(ticket, now);
            ticket.status = Status::Reopened;
            ticket.closed_at = None;
            // The rating was of the answer being reopened; the history keeps it.
            ticket.rating = None;
            EventKind::Reopened {
                reason: reason.clone(),
            }
        }
        Action::Transfer(target) => {
            if matches!(ticket.status, Status::Answered | Status::Closed) {
                return Err(TransitionError::NotTransferable {
                    status: ticket.status,
                });
            }
            check_free(ticket, expert)?;
            match target {
                TransferTarget::Expert(to) => {
                    if ticket.assignee.as_deref() == Some(to) {
                        return Err(TransitionError::SameAssignee { expert: to.clone() });
                    }
                    ticket.status = Status::Claimed;
                    ticket.assignee = Some(to.clone());
                    EventKind::TransferredToExpert { expert: to.clone() }
                }
                TransferTarget::Group(to) => {
                    if ticket.status.is_queued() && &ticket.group == to {
                        return Err(TransitionError::SameGroup { group: to.clone() });
                    }
                    requeue(ticket, now);
                    ticket.group = to.clone();
                    EventKind::TransferredToGroup { group: to.clone() }
                }
            }
        }
        Action::Note { text } => EventKind::Note {
            text: non_empty(text, "note")?,
        },
    };
    ticket.events.push(Event {
        at: now,
        actor: actor.clone(),
        kind,
    });
    Ok(())
}

/// Refuses when the ticket is finished or held by someone other than `expert`.
fn check_free(ticket: &Ticket, expert: &str) -> Result<(), TransitionError> {
    match ticket.status {
        Status::Answered => Err(TransitionError::AlreadyAnswered),
        Status::Closed => Err(TransitionError::Closed),
        Status::Claimed | Status::Waiting => match ticket.assignee.as_deref() {
            Some(holder) if holder != expert => Err(TransitionError::ClaimedBy {
                expert: holder.to_string(),
            }),
            _ => Ok(()),
        },
        Status::Open | Status::Reopened => Ok(()),
    }
}

fn requeue(ticket: &mut Ticket, now: Timestamp) {
    ticket.status = Status::Open;
    ticket.assignee = None;
    ticket.queued_since = now;
    ticket.reminded_at = None;
}

fn non_empty(text: &str, what: &'static str) -> Result<String, TransitionError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(TransitionError::EmptyText { what });
    }
    Ok(text.to_string())
}
