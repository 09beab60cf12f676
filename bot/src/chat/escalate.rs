//! "Ask an expert" and `/expert`: a recorded question becomes a ticket, once (the desk sees to that).

use consulta_corpus::Lang;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::assistant::{Assistant, AssistantError, EscalateRequest, FailureCode};
use consulta_desk::{Asker, Identity, QuestionId, Status};

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

/// Opens a ticket for `question` on behalf of `by` (named `name` to the experts) and returns what to
/// tell them (plain text, to escape for the platform). Pressing the button again finds the
/// question's ticket, even once closed (then the asker is told so, and that a new question can go to
/// an expert). Only the asker may escalate: the desk checks, and anyone else is told it is not their
/// question. `origin` says where on the platform the question was asked, kept so the expert's
/// answer goes back there. `lang` is the language of the bot's words for `by`.
pub async fn escalate_once<P, O>(
    assistant: &dyn Assistant,
    memory: &Memory,
    question: QuestionId,
    by: &Identity,
    name: &str,
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
    // The words, language and citations are the desk's; the ticket is asked for by whoever pressed,
    // and the desk gives a question escalated again its ticket back, so a second press opens nothing.
    let request = EscalateRequest {
        asker: Asker {
            platform: by.platform,
            chat_id: asked.chat_id.clone(),
            user_id: by.id.clone(),
            display_name: name.to_string(),
        },
        question: String::new(),
        language: lang,
        question_id: Some(question),
    };
    let ticket = match assistant.escalate(request).await {
        Ok(escalation) => escalation.ticket,
        Err(error) if error.code == FailureCode::Forbidden => {
            return Ok(texts(lang).not_your_question.to_string());
        }
        Err(error) if error.code == FailureCode::NotFound => {
            return Ok(texts(lang).no_question_yet.to_string());
        }
        Err(error) => return Err(error.into()),
    };
    // Written again on a second press (the same place): a crash before the first write is repaired.
    memory.put_origin(&ticket.id, &origin(&asked))?;
    if ticket.status == Status::Closed {
        let closed = texts(ticket.language).ticket_already_closed;
        return Ok(closed.replace("{id}", ticket.id.as_str()));
    }
    let opened = texts(ticket.language).ticket_opened;
    Ok(opened.replace("{id}", ticket.id.as_str()))
}
