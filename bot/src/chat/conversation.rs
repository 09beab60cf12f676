//! The conversation's decisions, made once for every chat platform: who may press which button, what
//! `/status` shows and where, what an expert's message in a ticket's thread means, and what each
//! button on a ticket does. Front-ends translate platform updates into these calls and the [`Reply`]s
//! back into platform messages; they decide nothing themselves, so Telegram and Discord cannot drift.

use std::sync::Arc;

use consulta_corpus::Lang;
use serde::de::DeserializeOwned;

use crate::assistant::{AskedQuestion, Assistant, AssistantError, FailureCode};
use consulta_desk::{Action, Identity, Message, MessageKind, QuestionId, TicketId};

use super::escalate::EscalateError;
use super::memory::{Asked, Memory};
use super::texts::texts;

/// Why a conversation step failed on our side (the assistant or the front-end's database).
pub type ConversationError = EscalateError;

/// A piece of a reply; each front-end renders it with its own markup and escaping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text shown as is.
    Text(String),
    /// A heading or emphasis.
    Bold(String),
    /// An identifier the user may copy (a ticket id).
    Code(String),
}

/// What to tell someone, and whether only they may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The message, in pieces to render.
    pub pieces: Vec<Piece>,
    /// Only for the person it answers: in a group, it goes to their private chat (Telegram) or is
    /// ephemeral (Discord), never to the group.
    pub private: bool,
    /// Says why something was not done (not theirs, not allowed, not possible now): platforms with
    /// notices show it so that it is not missed (Telegram's alert).
    pub refusal: bool,
}

impl Reply {
    /// Plain text, for the chat it answers.
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            pieces: vec![Piece::Text(text.into())],
            private: false,
            refusal: false,
        }
    }

    /// Why something was not done, for the person only.
    pub fn refused(text: impl Into<String>) -> Reply {
        Reply {
            refusal: true,
            ..Reply::text(text).private()
        }
    }

    /// The same reply, for the person only.
    pub fn private(mut self) -> Reply {
        self.private = true;
        self
    }

    /// The reply as plain text, for platforms (and logs) without markup.
    pub fn plain(&self) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) | Piece::Bold(t) | Piece::Code(t) => t.as_str(),
            })
            .collect()
    }
}

/// What an expert's message in a ticket's thread or topic means. Only a deliberate answer reaches
/// the asker: talk among experts stays on the ticket as internal notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpertMessage {
    /// An answer for the asker: a reply to the ticket's card (or another desk message about it), the
    /// answer form, or the answer command.
    Answer,
    /// A clarifying question for the asker (the clarify command): the ticket waits for their reply.
    Clarify,
    /// Anything else typed there: kept on the ticket, never sent to the asker.
    Note,
    /// A platform's system message (a thread renamed, a member added): not the expert's words.
    Ignore,
}

impl ExpertMessage {
    /// Classifies a message in a ticket's thread or topic.
    pub fn classify(system: bool, answer_command: bool, replies_to_desk: bool) -> ExpertMessage {
        if system {
            ExpertMessage::Ignore
        } else if answer_command || replies_to_desk {
            ExpertMessage::Answer
        } else {
            ExpertMessage::Note
        }
    }
}

/// How experts answer, added under every ticket card (in English, the desk's working language).
pub const HOW_TO_ANSWER: &str = "To answer the asker, reply to this card, press Answer where there is one, or send /answer followed by the text in the ticket's thread; /clarify followed by a question asks the asker first. Other messages there stay on the ticket as internal notes.";

/// The text a chat front-end shows for a desk message: a ticket card also says how to answer.
pub fn desk_text(message: &Message) -> String {
    if message.kind == MessageKind::TicketCard {
        format!("{}\n\n{HOW_TO_ANSWER}", message.text.trim_end())
    } else {
        message.text.clone()
    }
}

/// What "More sources" gives.
#[derive(Debug, Clone, PartialEq)]
pub enum MoreSources<P> {
    /// Ask this question (read back from the desk) again, with more passages, where it was asked.
    Ask(Asked<P>, AskedQuestion),
    /// Refused: say this to the presser only.
    Refused(Reply),
}

/// The conversation layer shared by the chat front-ends: the assistant and the askers' memory.
#[derive(Clone)]
pub struct Conversation {
    assistant: Arc<dyn Assistant>,
    memory: Memory,
}

impl Conversation {
    /// A conversation answering through `assistant`, remembering askers in `memory`.
    pub fn new(assistant: Arc<dyn Assistant>, memory: Memory) -> Conversation {
        Conversation { assistant, memory }
    }

    /// The assistant behind the conversation, for the steps kept in their own files.
    pub(super) fn assistant(&self) -> &Arc<dyn Assistant> {
        &self.assistant
    }

    /// The askers' memory, for the steps kept in their own files.
    pub(super) fn memory(&self) -> &Memory {
        &self.memory
    }

    /// `/status`: the user's open tickets, for them only (a group must not see their questions).
    pub async fn status(&self, user: Identity, lang: Lang) -> Result<Reply, AssistantError> {
        let t = texts(lang);
        let tickets = self.assistant.open_tickets_of(user).await?;
        if tickets.is_empty() {
            return Ok(Reply::text(t.no_tickets).private());
        }
        let mut pieces = vec![Piece::Bold(t.your_tickets.to_string())];
        for ticket in tickets {
            let excerpt: String = ticket.question.chars().take(80).collect();
            pieces.push(Piece::Text("\n• ".into()));
            pieces.push(Piece::Code(ticket.id.to_string()));
            pieces.push(Piece::Text(format!(
                " — {} — {excerpt}",
                ticket.status.as_str()
            )));
        }
        Ok(Reply {
            pieces,
            private: true,
            refusal: false,
        })
    }

    /// "More sources" pressed by `by`: only the asker may re-ask their question (the desk checks, as
    /// it gives back the question's words), and a forgotten question has none left to ask.
    pub async fn more_sources<P: DeserializeOwned>(
        &self,
        question: QuestionId,
        by: Identity,
        lang: Lang,
    ) -> Result<MoreSources<P>, ConversationError> {
        let Some(asked) = self.memory.asked::<P>(question)? else {
            return Ok(MoreSources::Refused(Reply::refused(STALE_BUTTON)));
        };
        Ok(match self.assistant.question(by, question).await {
            Ok(words) => MoreSources::Ask(asked, words),
            Err(error) if error.code == FailureCode::Forbidden => {
                MoreSources::Refused(Reply::refused(texts(lang).not_your_question))
            }
            Err(error) if error.code == FailureCode::NotFound => {
                MoreSources::Refused(Reply::refused(STALE_BUTTON))
            }
            Err(error) => return Err(error.into()),
        })
    }

    /// The `/forget` confirmation pressed by `by`: only the person it was shown to (`shown_to`) may
    /// answer it. `Ok(None)` when someone else pressed it (tell them [`Conversation::not_yours`]).
    pub async fn forget(
        &self,
        by: Identity,
        shown_to: &str,
        confirmed: bool,
        lang: Lang,
    ) -> Result<Option<Reply>, ConversationError> {
        if by.id != shown_to {
            return Ok(None);
        }
        let t = texts(lang);
        if !confirmed {
            return Ok(Some(Reply::text(t.kept).private()));
        }
        self.assistant.forget(by.clone()).await?;
        self.memory.forget(&by.id)?;
        Ok(Some(Reply::text(t.forgotten).private()))
    }

    /// The refusal for a button meant for someone else.
    pub fn not_yours(lang: Lang) -> Reply {
        Reply::refused(texts(lang).not_your_button)
    }

    /// An expert's message about `ticket`, as classified: an answer goes to the asker, a note stays on
    /// the ticket. Returns what to tell the expert (the outcome of an answer, or why it failed);
    /// nothing for a note that was kept, since talk among experts needs no receipt.
    pub async fn expert_message(
        &self,
        by: Identity,
        ticket: TicketId,
        text: &str,
        meaning: ExpertMessage,
    ) -> Result<Option<Reply>, AssistantError> {
        let text = text.trim();
        if text.is_empty() || meaning == ExpertMessage::Ignore {
            return Ok(None);
        }
        let text = text.to_string();
        let (action, done) = match meaning {
            ExpertMessage::Answer => (Action::Answer { text }, Some(answer_recorded(&ticket))),
            ExpertMessage::Clarify => (Action::Clarify { text }, Some(question_sent(&ticket))),
            ExpertMessage::Note | ExpertMessage::Ignore => (Action::Note { text }, None),
        };
        match self.assistant.act(by, ticket, action).await {
            Ok(_) => Ok(done.map(Reply::text)),
            Err(error) => Ok(Some(Reply::refused(error.message))),
        }
    }

    /// The asker `by` replied `text` to one of the desk's messages about `ticket`: it goes to the
    /// experts. Returns what to tell the asker, for them only, in the ticket's language (that of
    /// the desk's messages they are replying to).
    pub async fn asker_reply(&self, by: Identity, ticket: TicketId, text: &str) -> Reply {
        match self
            .assistant
            .asker_reply(by, ticket, text.trim().to_string())
            .await
        {
            Ok(ticket) => Reply::text(texts(ticket.language).reply_sent).private(),
            Err(error) => Reply::refused(error.message),
        }
    }

    /// A ticket button (claim, close) pressed by an expert; `how_to_answer` is the
    /// platform's way of answering, said after a claim. Returns what was done, or why it was refused,
    /// for the presser only.
    pub async fn ticket_button(
        &self,
        by: Identity,
        ticket: TicketId,
        button: TicketButton,
        how_to_answer: &str,
    ) -> Result<Reply, Reply> {
        let outcome = match button {
            TicketButton::Claim => self
                .assistant
                .act(by, ticket.clone(), Action::Claim)
                .await
                .map(|_| format!("You claimed ticket {ticket}. {how_to_answer}")),
            TicketButton::Close => self
                .assistant
                .act(by, ticket.clone(), Action::Close { reason: None })
                .await
                .map(|_| format!("Ticket {ticket} closed.")),
        };
        outcome
            .map(|done| Reply::text(done).private())
            .map_err(|error| Reply::refused(error.message))
    }
}

/// The ticket buttons that act at once (Answer opens a form, or says how to answer; Approve opens the
/// edit step of [`super::approval`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketButton {
    /// Take the ticket.
    Claim,
    /// Finish it.
    Close,
}

/// The reply to a button this bot does not (or no longer) know.
pub const STALE_BUTTON: &str = "This button is no longer in use; ask again to get fresh buttons.";

/// What an expert is told once their clarifying question is in the desk.
fn question_sent(ticket: &TicketId) -> String {
    format!(
        "Question on {ticket} recorded; it is on its way to the asker, and the ticket waits for their reply."
    )
}

/// What an expert is told once their answer is in the desk.
fn answer_recorded(ticket: &TicketId) -> String {
    format!("Answer to {ticket} recorded; it is on its way to the asker.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_deliberate_answers_reach_the_asker() {
        assert_eq!(
            ExpertMessage::classify(false, false, true),
            ExpertMessage::Answer
        );
        assert_eq!(
            ExpertMessage::classify(false, true, false),
            ExpertMessage::Answer
        );
        assert_eq!(
            ExpertMessage::classify(false, false, false),
            ExpertMessage::Note
        );
        assert_eq!(
            ExpertMessage::classify(true, true, true),
            ExpertMessage::Ignore
        );
    }

    #[test]
    fn a_reply_in_pieces_reads_as_plain_text() {
        let reply = Reply {
            pieces: vec![
                Piece::Bold("Open:".into()),
                Piece::Text(" ".into()),
                Piece::Code("K7P2Q".into()),
            ],
            private: true,
            refusal: false,
        };
        assert_eq!(reply.plain(), "Open: K7P2Q");
    }
}
