//! The notifications the desk sends, rendered once as platform-neutral text plus a kind: ticket cards,
//! reminders, transfers, and the messages to the asker (taken, answered, closed, reopened), in the
//! asker's language. Front-ends only add markup and controls.

use consulta_corpus::Lang;
use serde::{Deserialize, Serialize};

use super::ticket::{Status, Ticket};
use super::ticket_id::TicketId;
use super::time::Span;

/// Why a message is sent. Front-ends use it to add platform controls (a "Claim" button on a new-ticket
/// card, 👍/👎 under an answer) without parsing the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// The card announcing a ticket to its group; later edited as the ticket moves.
    TicketCard,
    /// A ticket still waits unclaimed.
    Reminder,
    /// A ticket was handed to the recipient expert.
    Transferred,
    /// To the asker: an expert took the question.
    ExpertTookQuestion,
    /// To the asker: the expert's answer.
    ExpertAnswer,
    /// To the asker: the ticket was closed, so they know nothing more is coming (and may ask again).
    TicketClosed,
    /// To the asker: the ticket is back with the experts after they rated the answer 👎.
    TicketReopened,
    /// To the asker: the expert's clarifying question, which they answer by replying to it.
    ExpertQuestion,
    /// To the experts' chats: the asker's reply to one of the desk's messages.
    AskerReply,
}

impl MessageKind {
    /// Whether this message goes to the asker, who may reply to it (their reply then reaches the
    /// ticket): front-ends remember such messages.
    pub fn is_for_asker(self) -> bool {
        matches!(
            self,
            MessageKind::ExpertTookQuestion
                | MessageKind::ExpertAnswer
                | MessageKind::ExpertQuestion
                | MessageKind::TicketClosed
                | MessageKind::TicketReopened
        )
    }
}

/// A notification, ready to render: plain text plus what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// What the message is for.
    pub kind: MessageKind,
    /// The ticket it concerns, for buttons and callbacks.
    pub ticket: TicketId,
    /// The text, already in the recipient's language.
    pub text: String,
}

/// Longest question excerpt in expert notices: a card must stay readable in a busy team chat.
const EXCERPT_CHARS: usize = 600;

fn excerpt(text: &str) -> String {
    let trimmed = text.trim();
    match trimmed.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_string(),
    }
}

fn status_line(ticket: &Ticket) -> String {
    let who = ticket.assignee.as_deref().unwrap_or("?");
    match ticket.status {
        Status::Open => "open: waiting for an expert".to_string(),
        Status::Reopened => "reopened: waiting for an expert".to_string(),
        Status::Waiting => format!("{who} asked the asker a question; waiting for the reply"),
        Status::Claimed => format!("claimed by {who}"),
        Status::Answered => format!("answered by {who}"),
        Status::Closed => "closed".to_string(),
    }
}

/// The card experts see (in English, the desk's working language), re-rendered on every change.
pub(crate) fn ticket_card(ticket: &Ticket) -> Message {
    let mut text = format!(
        "Ticket {} [{}] — {}\nFrom {} ({}), in {}",
        ticket.id,
        ticket.group,
        status_line(ticket),
        ticket.asker.display_name,
        ticket.asker.platform,
        ticket.language,
    );
    if !ticket.tags.topics.is_empty() {
        text.push_str(&format!(" · topics: {}", ticket.tags.topics.join(", ")));
    }
    if !ticket.tags.countries.is_empty() {
        text.push_str(&format!(
            " · countries: {}",
            ticket.tags.countries.join(", ")
        ));
    }
    text.push_str(&format!("\n\n{}\n", excerpt(&ticket.question)));
    match ticket.passages.first() {
        Some(best) => text.push_str(&format!(
            "\nConsulta found {} passage(s); best: {} › {} (score {:.2})",
            ticket.passages.len(),
            best.title,
            best.section,
            best.score
        )),
        None => text.push_str("\nConsulta found no passage."),
    }
    if let Some(reason) = ticket.asker_unreachable() {
        text.push_str(&format!(
            "\n\n⚠ The asker did not receive the desk's last message ({reason}). Reach them another way, or close the ticket."
        ));
    }
    Message {
        kind: MessageKind::TicketCard,
        ticket: ticket.id.clone(),
        text,
    }
}

pub(crate) fn reminder(ticket: &Ticket, waited: Span) -> Message {
    Message {
        kind: MessageKind::Reminder,
        ticket: ticket.id.clone(),
        text: format!(
            "Reminder: ticket {} has waited {} unclaimed in {}.\n\n{}",
            ticket.id,
            waited,
            ticket.group,
            excerpt(&ticket.question)
        ),
    }
}

pub(crate) fn transferred(ticket: &Ticket, from: &str) -> Message {
    Message {
        kind: MessageKind::Transferred,
        ticket: ticket.id.clone(),
        text: format!(
            "{from} handed ticket {} to you.\n\n{}",
            ticket.id,
            ticket_card(ticket).text
        ),
    }
}

pub(crate) fn expert_took(ticket: &Ticket, expert: &str) -> Message {
    let id = &ticket.id;
    let text = match ticket.language {
        Lang::Es => format!(
            "{expert}, del equipo de expertos, tomó tu pregunta (ticket {id}). Recibirás la respuesta aquí."
        ),
        Lang::Pt => format!(
            "{expert}, da equipe de especialistas, assumiu sua pergunta (ticket {id}). Você receberá a resposta aqui."
        ),
        Lang::En => format!(
            "{expert}, one of our experts, took your question (ticket {id}). You will get the answer here."
        ),
    };
    Message {
        kind: MessageKind::ExpertTookQuestion,
        ticket: id.clone(),
        text,
    }
}

pub(crate) fn expert_answer(ticket: &Ticket, expert: &str, answer: &str) -> Message {
    let id = &ticket.id;
    let heading = match ticket.language {
        Lang::Es => format!("Respuesta de {expert} a tu pregunta (ticket {id}):"),
        Lang::Pt => format!("Resposta de {expert} à sua pergunta (ticket {id}):"),
        Lang::En => format!("{expert}'s answer to your question (ticket {id}):"),
    };
    Message {
        kind: MessageKind::ExpertAnswer,
        ticket: id.clone(),
        text: format!("{heading}\n\n{}", answer.trim()),
    }
}

pub(crate) fn ticket_closed(ticket: &Ticket) -> Message {
    let id = &ticket.id;
    let text = match ticket.language {
        Lang::Es => format!(
            "El equipo de expertos cerró tu ticket {id}. Si aún necesitas ayuda, vuelve a preguntar."
        ),
        Lang::Pt => format!(
            "A equipe de especialistas fechou seu ticket {id}. Se ainda precisar de ajuda, pergunte de novo."
        ),
        Lang::En => {
            format!("The experts closed your ticket {id}. If you still need help, ask again.")
        }
    };
    Message {
        kind: MessageKind::TicketClosed,
        ticket: id.clone(),
        text,
    }
}

pub(crate) fn ticket_reopened(ticket: &Ticket) -> Message {
    let id = &ticket.id;
    let text = match ticket.language {
        Lang::Es => format!(
            "Gracias por tu opinión: tu ticket {id} vuelve al equipo de expertos para una mejor respuesta."
        ),
        Lang::Pt => format!(
            "Obrigado pela avaliação: seu ticket {id} volta à equipe de especialistas para uma resposta melhor."
        ),
        Lang::En => format!(
            "Thanks for telling us: your ticket {id} is back with the experts for a better answer."
        ),
    };
    Message {
        kind: MessageKind::TicketReopened,
        ticket: id.clone(),
        text,
    }
}

pub(crate) fn expert_question(ticket: &Ticket, expert: &str, question: &str) -> Message {
    let id = &ticket.id;
    let (heading, how) = match ticket.language {
        Lang::Es => (
            format!("{expert}, del equipo de expertos, pregunta sobre tu consulta (ticket {id}):"),
            "Responde a este mensaje para contestar.",
        ),
        Lang::Pt => (
            format!(
                "{expert}, da equipe de especialistas, pergunta sobre sua dúvida (ticket {id}):"
            ),
            "Responda a esta mensagem para contestar.",
        ),
        Lang::En => (
            format!("{expert}, one of our experts, asks about your question (ticket {id}):"),
            "Reply to this message to answer.",
        ),
    };
    Message {
        kind: MessageKind::ExpertQuestion,
        ticket: id.clone(),
        text: format!("{heading}\n\n{}\n\n{how}", question.trim()),
    }
}

pub(crate) fn asker_replied(ticket: &Ticket, reply: &str) -> Message {
    Message {
        kind: MessageKind::AskerReply,
        ticket: ticket.id.clone(),
        text: format!(
            "{} replied on ticket {}:\n\n{}",
            ticket.asker.display_name,
            ticket.id,
            excerpt(reply)
        ),
    }
}
