//! "Ask an expert" and `/expert`: a recorded question becomes a ticket, once (the desk sees to that).

use crate::assistant::{EscalateRequest, FailureCode};
use consulta_desk::{Asker, QuestionId, Status};

use super::conversation::{Conversation, ConversationError, Done, Place, Reply};
use super::intent::Person;
use super::memory::Asked;
use super::texts::texts;

impl<P: Place> Conversation<P> {
    /// Opens a ticket for `question` (`None`: the person's last one, for `/expert`) on behalf of `by`,
    /// and returns what to tell them. Pressing the button again finds the question's ticket, even
    /// once closed (then the asker is told so, and that a new question can go to an expert). Only the
    /// asker may escalate: the desk checks, and anyone else is told it is not their question. Where
    /// the question was asked is kept as the ticket's origin, so the expert's answer goes back there;
    /// a platform that keeps no places answers in the asker's own chat.
    pub(super) async fn escalate(
        &self,
        by: &Person,
        question: Option<QuestionId>,
    ) -> Result<Reply, ConversationError> {
        let t = texts(by.lang);
        let question = match question {
            Some(question) => Some(question),
            None => {
                self.assistant()
                    .profile(by.identity.clone())
                    .await?
                    .last_question
            }
        };
        let Some(question) = question else {
            return Ok(Reply::text(t.no_question_yet));
        };
        let asked = match self.memory() {
            Some(memory) => match memory.asked::<P>(question)? {
                Some(asked) => Some(asked),
                None => return Ok(Reply::text(t.no_question_yet)),
            },
            None => None,
        };
        let chat_id = match &asked {
            Some(asked) => asked.chat_id.clone(),
            None => by.identity.id.clone(),
        };
        // The words, language and citations are the desk's; the ticket is asked for by whoever
        // pressed, and the desk gives a question escalated again its ticket back, so a second press
        // opens nothing.
        let request = EscalateRequest {
            asker: Asker {
                platform: by.identity.platform,
                chat_id,
                user_id: by.identity.id.clone(),
                display_name: by.name.clone(),
            },
            question: String::new(),
            language: by.lang,
            question_id: Some(question),
        };
        let escalation = match self.assistant().escalate(request).await {
            Ok(escalation) => escalation,
            Err(error) if error.code == FailureCode::Forbidden => {
                return Ok(Reply::refused(t.not_your_question).failed(error));
            }
            Err(error) if error.code == FailureCode::NotFound => {
                return Ok(Reply::text(t.no_question_yet).failed(error));
            }
            Err(error) if error.code == FailureCode::TooMany => {
                return Ok(Reply::refused(t.too_many_open).failed(error));
            }
            Err(error) => return Err(error.into()),
        };
        let ticket = &escalation.ticket;
        // Written again on a second press (the same place): a crash before the first write is
        // repaired.
        if let (Some(memory), Some(Asked { chat_id, place, .. })) = (self.memory(), &asked) {
            memory.put_origin(&ticket.id, &P::origin(chat_id, place))?;
        }
        let said = if ticket.status == Status::Closed {
            texts(ticket.language).ticket_already_closed
        } else {
            texts(ticket.language).ticket_opened
        };
        let said = said.replace("{id}", ticket.id.as_str());
        Ok(Reply::text(said).recording(Done::Escalated(escalation)))
    }
}
