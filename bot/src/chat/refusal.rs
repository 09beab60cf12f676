//! The desk's refusals of what an expert asked, kept as what was refused rather than as words, so
//! that each place says them in the language of whoever reads them: a chat front-end in the acting
//! expert's ([`crate::chat::Conversation::ui_lang`]), `consulta tickets` in that of `--as`. The words
//! are [`RefusalTexts`](super::RefusalTexts), once per language.

use consulta_corpus::Lang;
use consulta_desk::{DeskError, Identity, QuestionId, TicketId, TransitionError};
use serde::{Deserialize, Serialize};

use super::texts::texts;

/// A refusal by the desk that its reader can act on: for an expert, a ticket, an expert or a group
/// that is not there, or an action the ticket's state does not allow; for an asker, a question that
/// is not theirs or not there any more, an empty question, a reply too long, or too many waiting.
/// What the desk refuses for the operator (storage, configuration) keeps the desk's own words.
///
/// The service sends it in its error body (`error.refusal`), so that a front-end in another process
/// says it in its reader's language too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
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
    /// The identity did not ask the question it acts on.
    NotTheAsker(Identity),
    /// No such question.
    NoSuchQuestion(QuestionId),
    /// The question was forgotten (on request or by retention).
    ForgottenQuestion(QuestionId),
    /// A ticket for an empty question.
    EmptyQuestion,
    /// An asker's reply over the limit.
    ReplyTooLong {
        /// The reply's length, in characters.
        chars: usize,
        /// The most a reply may have.
        max: usize,
    },
    /// An asker with the most open tickets allowed.
    TooManyOpen {
        /// The asker's open tickets.
        open: usize,
        /// The most allowed.
        cap: usize,
    },
}

impl DeskRefusal {
    /// The refusal in `error`, when it is one an expert or an asker meets.
    pub fn of(error: &DeskError) -> Option<DeskRefusal> {
        Some(match error {
            DeskError::NoSuchTicket(id) => DeskRefusal::NoSuchTicket(id.clone()),
            DeskError::NotAnExpert(who) => DeskRefusal::NotAnExpert(who.clone()),
            DeskError::UnknownExpert(name) => DeskRefusal::UnknownExpert(name.clone()),
            DeskError::UnknownGroup(name) => DeskRefusal::UnknownGroup(name.clone()),
            DeskError::Refused { ticket, reason } => DeskRefusal::Refused {
                ticket: ticket.clone(),
                reason: reason.clone(),
            },
            DeskError::NotTheAsker(who) => DeskRefusal::NotTheAsker(who.clone()),
            &DeskError::NoSuchQuestion(id) => DeskRefusal::NoSuchQuestion(id),
            &DeskError::ForgottenQuestion(id) => DeskRefusal::ForgottenQuestion(id),
            DeskError::EmptyQuestion => DeskRefusal::EmptyQuestion,
            &DeskError::ReplyTooLong { chars, max } => DeskRefusal::ReplyTooLong { chars, max },
            &DeskError::TooManyOpen { open, cap } => DeskRefusal::TooManyOpen { open, cap },
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
            DeskRefusal::NotTheAsker(who) => words.not_the_asker.replace("{who}", &who.to_string()),
            DeskRefusal::NoSuchQuestion(id) => {
                words.no_such_question.replace("{id}", &id.to_string())
            }
            DeskRefusal::ForgottenQuestion(id) => {
                words.forgotten_question.replace("{id}", &id.to_string())
            }
            DeskRefusal::EmptyQuestion => words.empty_question.to_string(),
            DeskRefusal::ReplyTooLong { chars, max } => words
                .reply_too_long
                .replace("{chars}", &chars.to_string())
                .replace("{max}", &max.to_string()),
            DeskRefusal::TooManyOpen { open, cap } => words
                .too_many_open
                .replace("{open}", &open.to_string())
                .replace("{cap}", &cap.to_string()),
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
        TransitionError::TooManyReplies { max } => {
            words.too_many_replies.replace("{max}", &max.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The desk's errors an expert or an asker meets, one of each kind of figure.
    fn refused_errors() -> Vec<DeskError> {
        let ticket: TicketId = "K7P2Q".parse().unwrap();
        vec![
            DeskError::Refused {
                ticket: ticket.clone(),
                reason: TransitionError::ClaimedBy {
                    expert: "Ana".into(),
                },
            },
            DeskError::Refused {
                ticket: ticket.clone(),
                reason: TransitionError::Closed,
            },
            DeskError::Refused {
                ticket,
                reason: TransitionError::TooManyReplies { max: 3 },
            },
            DeskError::NotTheAsker(Identity::new(consulta_desk::Platform::Telegram, "42")),
            DeskError::NoSuchQuestion(QuestionId(7)),
            DeskError::ForgottenQuestion(QuestionId(7)),
            DeskError::EmptyQuestion,
            DeskError::ReplyTooLong {
                chars: 5000,
                max: 4000,
            },
            DeskError::TooManyOpen { open: 3, cap: 3 },
        ]
    }

    /// In English the refusal reads as the desk's own error, which logs and the HTTP API keep: one
    /// wording for the same refusal wherever an English reader meets it.
    #[test]
    fn in_english_a_refusal_reads_as_the_desks_error() {
        for error in refused_errors() {
            let refusal = DeskRefusal::of(&error).unwrap();
            assert_eq!(refusal.said(Lang::En), error.to_string());
        }
    }

    /// A refusal that crossed the service's API reads the same as where the desk made it, in every
    /// language: those of [`refused_errors`] and the expert's others.
    #[test]
    fn a_refusal_says_the_same_after_the_wire() {
        let ticket: TicketId = "K7P2Q".parse().unwrap();
        let expert = Identity::new(consulta_desk::Platform::Discord, "9876");
        let others = [
            DeskRefusal::NoSuchTicket(ticket.clone()),
            DeskRefusal::NotAnExpert(expert),
            DeskRefusal::UnknownExpert("Ana".into()),
            DeskRefusal::UnknownGroup("caribe".into()),
            DeskRefusal::Refused {
                ticket: ticket.clone(),
                reason: TransitionError::NotClaimed {
                    status: consulta_desk::Status::Open,
                },
            },
            DeskRefusal::Refused {
                ticket,
                reason: TransitionError::EmptyText { what: "answer" },
            },
        ];
        let refusals = refused_errors()
            .into_iter()
            .map(|error| DeskRefusal::of(&error).unwrap())
            .chain(others);
        for refusal in refusals {
            let wire = serde_json::to_value(&refusal).unwrap();
            let back: DeskRefusal = serde_json::from_value(wire.clone()).unwrap();
            for lang in Lang::ALL {
                assert_eq!(back.said(lang), refusal.said(lang), "{wire}");
            }
        }
    }

    /// What the desk refuses an asker is said in the asker's language, with its figures.
    #[test]
    fn an_askers_refusal_is_said_in_their_language() {
        let too_long = DeskRefusal::of(&DeskError::ReplyTooLong {
            chars: 5000,
            max: 4000,
        })
        .unwrap();
        assert_eq!(
            too_long.said(Lang::Es),
            "la respuesta tiene 5000 caracteres; escriba como máximo 4000, o envíela en varias \
             respuestas"
        );
        let waiting = DeskRefusal::of(&DeskError::Refused {
            ticket: "K7P2Q".parse().unwrap(),
            reason: TransitionError::TooManyReplies { max: 3 },
        })
        .unwrap();
        assert!(
            waiting
                .said(Lang::Pt)
                .ends_with("os especialistas ainda não responderam às suas últimas 3 mensagens: aguarde a resposta"),
            "{}",
            waiting.said(Lang::Pt)
        );
    }
}
