//! "Ask an expert" and `/expert`: a recorded question becomes a ticket, once (the desk sees to that).

use consulta_corpus::Lang;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::assistant::{Assistant, AssistantError, EscalateRequest};
use consulta_desk::{QuestionId, Status};

use super::memory::{Asked, Memory, StoreError};
use super::texts::texts;

/// Why escalating failed on our side.
#[derive(Debug, thiserror::Error)]
pub enum EscalateError {
    /// The assistant failed.
    #[error(transparent)]
    Assistant(#[from] AssistantError),
    /// The front-end's database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Opens a ticket for `question` on behalf of `user` and returns what to tell them (plain text, to
/// escape for the platform). Pressing the button again finds the question's ticket, even once closed
/// (then the asker is told so, and that a new question can go to an expert). `origin` says where on
/// the platform the question was asked, kept so the expert's answer goes back there. `lang` is the
/// language of the bot's words for `user`.
pub async fn escalate_once<P, O>(
    assistant: &dyn Assistant,
    memory: &Memory,
    question: QuestionId,
    user: &str,
    lang: Lang,
    origin: impl FnOnce(&Asked<P>) -> O,
) -> Result<String, EscalateError>
where
    P: DeserializeOwned,
    O: Serialize,
{
    let Some(asked) = memory.asked::<P>(question)? else {
        return Ok(texts(lang).no_question_yet.to_string());
    };
    if asked.asker.user_id != user {
        return Ok(texts(lang).not_your_question.to_string());
    }
    // The desk gives a question escalated again its ticket back, so a second press opens nothing.
    let escalation = assistant
        .escalate(EscalateRequest {
            asker: asked.asker.clone(),
            question: asked.text.clone(),
            language: asked.language,
            question_id: Some(question),
        })
        .await?;
    let ticket = escalation.ticket;
    // Written again on a second press (the same place): a crash before the first write is repaired.
    memory.put_origin(&ticket.id, &origin(&asked))?;
    if ticket.status == Status::Closed {
        let closed = texts(asked.language).ticket_already_closed;
        return Ok(closed.replace("{id}", ticket.id.as_str()));
    }
    let opened = texts(asked.language).ticket_opened;
    Ok(opened.replace("{id}", ticket.id.as_str()))
}
