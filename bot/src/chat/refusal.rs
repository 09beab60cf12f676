//! The desk's refusals of what an expert asked, kept as what was refused rather than as words, so
//! that each place says them in the language of whoever reads them: a chat front-end in the acting
//! expert's ([`crate::chat::Conversation::ui_lang`]), `consulta tickets` in that of `--as`. The words
//! are [`RefusalTexts`](super::RefusalTexts), once per language.

use consulta_corpus::Lang;
use consulta_desk::{DeskError, Identity, TicketId, TransitionError};

use super::texts::texts;

/// A refusal by the desk that the expert can act on: a ticket, an expert or a group that is not
/// there, or an action the ticket's state does not allow. Everything else the desk refuses is for
/// askers or for the operator, and keeps the desk's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskRefusal {
    /// No such ticket (mistyped, or purged by retention).
    NoSuchTicket(TicketId),
    /// The identity is not a configured expert.
    NotAnExpert(Identity),
    /// A transfer to an expert the configuration does not have.
    UnknownExpert(String),
    /// A transfer to a group the configuration does not have.
    UnknownGroup(String),
    /// The ticket's state does not allow the action.
    Refused {
        /// The ticket acted on.
        ticket: TicketId,
        /// Why not.
        reason: TransitionError,
    },
}

impl DeskRefusal {
    /// The refusal in `error`, when it is one an expert meets. A reply refused to an asker writing
    /// back (too many replies) is not: the asker is told in the desk's words.
    pub fn of(error: &DeskError) -> Option<DeskRefusal> {
        Some(match error {
            DeskError::NoSuchTicket(id) => DeskRefusal::NoSuchTicket(id.clone()),
            DeskError::NotAnExpert(who) => DeskRefusal::NotAnExpert(who.clone()),
            DeskError::UnknownExpert(name) => DeskRefusal::UnknownExpert(name.clone()),
            DeskError::UnknownGroup(name) => DeskRefusal::UnknownGroup(name.clone()),
            DeskError::Refused {
                reason: TransitionError::TooManyReplies { .. },
                ..
            } => return None,
            DeskError::Refused { ticket, reason } => DeskRefusal::Refused {
                ticket: ticket.clone(),
                reason: reason.clone(),
            },
            _ => return None,
        })
    }

    /// The refusal in `lang`.
    pub fn said(&self, lang: Lang) -> String {
        let words = &texts(lang).desk.refusals;
        match self {
            DeskRefusal::NoSuchTicket(id) => words.no_such_ticket.replace("{id}", id.as_str()),
            DeskRefusal::NotAnExpert(who) => words.not_an_expert.replace("{who}", &who.to_string()),
            DeskRefusal::UnknownExpert(name) => words.unknown_expert.replace("{name}", name),
            DeskRefusal::UnknownGroup(name) => words.unknown_group.replace("{name}", name),
            DeskRefusal::Refused { ticket, reason } => words
                .refused
                .replace("{id}", ticket.as_str())
                .replace("{reason}", &reason_said(reason, lang)),
        }
    }
}

/// Why the desk refused an action on a ticket, in `lang`.
fn reason_said(reason: &TransitionError, lang: Lang) -> String {
    let words = &texts(lang).desk.refusals;
    match reason {
        TransitionError::ClaimedBy { expert } => words.claimed_by.replace("{expert}", expert),
        TransitionError::AlreadyYours => words.already_yours.to_string(),
        TransitionError::NotClaimed { status } => {
            words.not_claimed.replace("{status}", status.as_str())
        }
        TransitionError::AlreadyAnswered => words.already_answered.to_string(),
        TransitionError::Closed => words.closed.to_string(),
        TransitionError::NotReopenable { status } => {
            words.not_reopenable.replace("{status}", status.as_str())
        }
        TransitionError::NotTransferable { status } => {
            words.not_transferable.replace("{status}", status.as_str())
        }
        TransitionError::SameAssignee { expert } => words.same_assignee.replace("{expert}", expert),
        TransitionError::SameGroup { group } => words.same_group.replace("{group}", group),
        TransitionError::EmptyText { .. } => words.empty_text.to_string(),
        TransitionError::NoAnswer => words.no_answer.to_string(),
        // `DeskRefusal::of` keeps none: the asker writing back is told in the desk's words.
        TransitionError::TooManyReplies { .. } => reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In English the refusal reads as the desk's own error, which logs and the HTTP API keep: one
    /// wording for the same refusal wherever an English reader meets it.
    #[test]
    fn in_english_a_refusal_reads_as_the_desks_error() {
        let ticket: TicketId = "K7P2Q".parse().unwrap();
        for error in [
            DeskError::Refused {
                ticket: ticket.clone(),
                reason: TransitionError::ClaimedBy {
                    expert: "Ana".into(),
                },
            },
            DeskError::Refused {
                ticket,
                reason: TransitionError::Closed,
            },
        ] {
            let refusal = DeskRefusal::of(&error).unwrap();
            assert_eq!(refusal.said(Lang::En), error.to_string());
        }
    }
}
