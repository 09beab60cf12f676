//! The notifications the desk sends, rendered once as platform-neutral text plus a kind: ticket cards,
//! reminders and transfers in the language of the chat or expert they go to, and the messages to
//! the asker (taken, answered, closed, reopened) in the asker's language. Front-ends only add
//! markup and controls, in the message's language.

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
    /// That language, for the controls a front-end adds (a card's buttons). Messages queued before
    /// it was kept were all English to experts.
    #[serde(default = "english")]
    pub language: Lang,
}

fn english() -> Lang {
    Lang::En
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

fn status_line(ticket: &Ticket, lang: Lang) -> String {
    let who = ticket.assignee.as_deref().unwrap_or("?");
    match (lang, ticket.status) {
        (Lang::Es, Status::Open) => "abierto: espera a un experto".to_string(),
        (Lang::Es, Status::Reopened) => "reabierto: espera a un experto".to_string(),
        (Lang::Es, Status::Waiting) => {
            format!("{who} preguntó algo a quien consulta; espera su respuesta")
        }
        (Lang::Es, Status::Claimed) => format!("tomado por {who}"),
        (Lang::Es, Status::Answered) => format!("respondido por {who}"),
        (Lang::Es, Status::Closed) => "cerrado".to_string(),
        (Lang::Pt, Status::Open) => "aberto: aguarda um especialista".to_string(),
        (Lang::Pt, Status::Reopened) => "reaberto: aguarda um especialista".to_string(),
        (Lang::Pt, Status::Waiting) => {
            format!("{who} fez uma pergunta a quem consultou; aguarda a resposta")
        }
        (Lang::Pt, Status::Claimed) => format!("assumido por {who}"),
        (Lang::Pt, Status::Answered) => format!("respondido por {who}"),
        (Lang::Pt, Status::Closed) => "fechado".to_string(),
        (Lang::En, Status::Open) => "open: waiting for an expert".to_string(),
        (Lang::En, Status::Reopened) => "reopened: waiting for an expert".to_string(),
        (Lang::En, Status::Waiting) => {
            format!("{who} asked the asker a question; waiting for the reply")
        }
        (Lang::En, Status::Claimed) => format!("claimed by {who}"),
        (Lang::En, Status::Answered) => format!("answered by {who}"),
        (Lang::En, Status::Closed) => "closed".to_string(),
    }
}

/// The words of a card around its facts, in one language.
struct CardWords {
    from: &'static str,
    language: &'static str,
    topics: &'static str,
    countries: &'static str,
    /// `{n}` passages found; the best one's title, section and score follow.
    found: &'static str,
    best: &'static str,
    found_none: &'static str,
    /// The asker did not get the last message; `{reason}` says why.
    unreachable: &'static str,
}

fn card_words(lang: Lang) -> CardWords {
    match lang {
        Lang::Es => CardWords {
            from: "De",
            language: "en",
            topics: "temas",
            countries: "países",
            found: "Consulta halló {n} pasaje(s)",
            best: "el mejor",
            found_none: "Consulta no halló ningún pasaje.",
            unreachable: "⚠ Quien consulta no recibió el último mensaje del equipo ({reason}). Contáctelo de otro modo, o cierre el ticket.",
        },
        Lang::Pt => CardWords {
            from: "De",
            language: "em",
            topics: "temas",
            countries: "países",
            found: "A Consulta achou {n} trecho(s)",
            best: "o melhor",
            found_none: "A Consulta não achou nenhum trecho.",
            unreachable: "⚠ Quem consultou não recebeu a última mensagem da equipe ({reason}). Contate-o de outro modo, ou feche o ticket.",
        },
        Lang::En => CardWords {
            from: "From",
            language: "in",
            topics: "topics",
            countries: "countries",
            found: "Consulta found {n} passage(s)",
            best: "best",
            found_none: "Consulta found no passage.",
            unreachable: "⚠ The asker did not receive the desk's last message ({reason}). Reach them another way, or close the ticket.",
        },
    }
}

/// The card experts see in a desk chat, in that chat's language, re-rendered on every change.
pub(crate) fn ticket_card(ticket: &Ticket, lang: Lang) -> Message {
    let words = card_words(lang);
    let mut text = format!(
        "Ticket {} [{}] — {}\n{} {} ({}), {} {}",
        ticket.id,
        ticket.group,
        status_line(ticket, lang),
        words.from,
        ticket.asker.display_name,
        ticket.asker.platform,
        words.language,
        ticket.language,
    );
    if !ticket.tags.topics.is_empty() {
        text.push_str(&format!(
            " · {}: {}",
            words.topics,
            ticket.tags.topics.join(", ")
        ));
    }
    if !ticket.tags.countries.is_empty() {
        text.push_str(&format!(
            " · {}: {}",
            words.countries,
            ticket.tags.countries.join(", ")
        ));
    }
    text.push_str(&format!("\n\n{}\n", excerpt(&ticket.question)));
    match ticket.passages.first() {
        Some(best) => text.push_str(&format!(
            "\n{}; {}: {} › {} (score {:.2})",
            words
                .found
                .replace("{n}", &ticket.passages.len().to_string()),
            words.best,
            best.title,
            best.section,
            best.score
        )),
        None => text.push_str(&format!("\n{}", words.found_none)),
    }
    if let Some(reason) = ticket.asker_unreachable() {
        text.push_str("\n\n");
        text.push_str(&words.unreachable.replace("{reason}", reason));
    }
    Message {
        kind: MessageKind::TicketCard,
        ticket: ticket.id.clone(),
        text,
        language: lang,
    }
}

/// A ticket still waits unclaimed: said to its group's chats, in each one's language.
pub(crate) fn reminder(ticket: &Ticket, waited: Span, lang: Lang) -> Message {
    let (id, group) = (&ticket.id, &ticket.group);
    let heading = match lang {
        Lang::Es => format!("Recordatorio: el ticket {id} lleva {waited} sin tomar en {group}."),
        Lang::Pt => {
            format!("Lembrete: o ticket {id} está há {waited} sem ser assumido em {group}.")
        }
        Lang::En => format!("Reminder: ticket {id} has waited {waited} unclaimed in {group}."),
    };
    Message {
        kind: MessageKind::Reminder,
        ticket: id.clone(),
        text: format!("{heading}\n\n{}", excerpt(&ticket.question)),
        language: lang,
    }
}

/// A ticket handed to one expert, in their language.
pub(crate) fn transferred(ticket: &Ticket, from: &str, lang: Lang) -> Message {
    let id = &ticket.id;
    let heading = match lang {
        Lang::Es => format!("{from} le pasó el ticket {id}."),
        Lang::Pt => format!("{from} passou o ticket {id} para você."),
        Lang::En => format!("{from} handed ticket {id} to you."),
    };
    Message {
        kind: MessageKind::Transferred,
        ticket: id.clone(),
        text: format!("{heading}\n\n{}", ticket_card(ticket, lang).text),
        language: lang,
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
        language: ticket.language,
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
        language: ticket.language,
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
        language: ticket.language,
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
        language: ticket.language,
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
        language: ticket.language,
    }
}

/// The asker's reply, to the chats holding the ticket's cards, in each one's language.
pub(crate) fn asker_replied(ticket: &Ticket, reply: &str, lang: Lang) -> Message {
    let (name, id) = (&ticket.asker.display_name, &ticket.id);
    let heading = match lang {
        Lang::Es => format!("{name} respondió en el ticket {id}:"),
        Lang::Pt => format!("{name} respondeu no ticket {id}:"),
        Lang::En => format!("{name} replied on ticket {id}:"),
    };
    Message {
        kind: MessageKind::AskerReply,
        ticket: id.clone(),
        text: format!("{heading}\n\n{}", excerpt(reply)),
        language: lang,
    }
}
