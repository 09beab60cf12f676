//! The web chat page as one more adapter of the conversation (platform `Web`), beside Telegram and
//! Discord: a visitor's question, "ask an expert", rating, reply to the expert and "forget me" become
//! [`Intent`]s that the same [`Conversation`] handles, and what it says becomes the API's JSON and
//! HTTP status. Front-end processes calling the same routes with their token are the assistant's
//! calls of their own conversation arriving over HTTP, and go to the assistant directly.

use std::sync::Arc;

use consulta_corpus::Lang;
use consulta_desk::{Escalation, Forgotten, Identity, Platform, QuestionId, Ticket, TicketId};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::inbox::SessionId;
use crate::assistant::{AskReply, Assistant};
use crate::chat::{
    Conversation, ConversationError, DeskTexts, Done, Intent, Person, Place, Said, Standing,
};

/// Where a web visitor asked: always their own conversation on the chat page, whose id is the
/// visitor's, so there is nothing to keep about it.
#[derive(Debug, Serialize, Deserialize)]
pub struct WebPage;

impl Place for WebPage {
    type Origin = ();
    fn how_to_answer(words: &DeskTexts) -> &'static str {
        words.how_to_answer_web
    }
    fn not_an_expert(words: &DeskTexts) -> &'static str {
        words.not_an_expert_web
    }
    const CHOOSES_LANGUAGE: bool = false;
    fn origin(_: &str, _: &WebPage) {}
}

/// The chat page's side of the conversation. Cheap to clone.
#[derive(Clone)]
pub(crate) struct WebChat {
    conversation: Conversation<WebPage>,
}

impl WebChat {
    /// The chat page's conversation, answering through `assistant`.
    pub(crate) fn new(assistant: Arc<dyn Assistant>) -> WebChat {
        WebChat {
            conversation: Conversation::in_askers_own_chat(assistant),
        }
    }

    /// The visitor of `session` as the conversation sees them: named `name` to experts, answered
    /// in `lang` when they asked for one, their browser's language `locale` for short questions.
    /// A visitor has no standing as an expert anywhere: experts use the console.
    pub(crate) fn visitor(
        session: &SessionId,
        name: String,
        lang: Option<Lang>,
        locale: Option<Lang>,
    ) -> Person {
        Person {
            identity: Identity::new(Platform::Web, session.visitor_id()),
            lang: lang.unwrap_or(Lang::En),
            locale,
            name,
            standing: Standing {
                experts_role: false,
                member_of: None,
                in_desk_chat: false,
            },
        }
    }

    /// A question, answered in `language` when given, citing `top_k` passages when given.
    pub(crate) async fn ask(
        &self,
        visitor: &Person,
        question: String,
        language: Option<Lang>,
        top_k: Option<usize>,
    ) -> Result<AskReply, ApiError> {
        let chat = visitor.identity.id.clone();
        let intent = Intent::Ask {
            question,
            chat,
            language,
            top_k,
        };
        match self.said(visitor, intent).await? {
            Said::Answer(answered) => Ok(answered.reply),
            said => Err(unexpected("an answer", said)),
        }
    }

    /// "Ask an expert" on a question the visitor asked.
    pub(crate) async fn escalate(
        &self,
        visitor: &Person,
        question: QuestionId,
    ) -> Result<Escalation, ApiError> {
        match self.done(visitor, Intent::Escalate(Some(question))).await? {
            Some(Done::Escalated(escalation)) => Ok(escalation),
            done => Err(unexpected("a ticket", done)),
        }
    }

    /// 👍/👎 ([`Intent::RateAnswer`] or [`Intent::RateTicket`]): the rated ticket, for the latter.
    pub(crate) async fn rate(
        &self,
        visitor: &Person,
        rating: Intent,
    ) -> Result<Option<Ticket>, ApiError> {
        match self.done(visitor, rating).await? {
            None => Ok(None),
            Some(Done::Ticket(ticket)) => Ok(Some(ticket)),
            done => Err(unexpected("a rating", done)),
        }
    }

    /// The visitor's reply on their ticket (to the expert's clarifying question, or after the
    /// answer).
    pub(crate) async fn reply(
        &self,
        visitor: &Person,
        ticket: TicketId,
        text: String,
    ) -> Result<Ticket, ApiError> {
        match self
            .done(visitor, Intent::AskerReply { ticket, text })
            .await?
        {
            Some(Done::Ticket(ticket)) => Ok(ticket),
            done => Err(unexpected("the ticket", done)),
        }
    }

    /// The visitor's tickets still waiting for an expert or an answer, newest first: `/status`, as
    /// a chat platform's asker has it.
    pub(crate) async fn status(&self, visitor: &Person) -> Result<Vec<Ticket>, ApiError> {
        match self.done(visitor, Intent::Status).await? {
            Some(Done::Tickets(tickets)) => Ok(tickets),
            done => Err(unexpected("the tickets", done)),
        }
    }

    /// "Forget me": the page's button is shown to the visitor alone, and pressing it confirms.
    pub(crate) async fn forget(&self, visitor: &Person) -> Result<Forgotten, ApiError> {
        let forget = Intent::Forget {
            confirmed: true,
            shown_to: visitor.identity.id.clone(),
        };
        match self.done(visitor, forget).await? {
            Some(Done::Forgotten(forgotten)) => Ok(forgotten),
            done => Err(unexpected("what was deleted", done)),
        }
    }

    /// What the conversation said to `intent`; its failures as the API's errors.
    async fn said(&self, visitor: &Person, intent: Intent) -> Result<Said, ApiError> {
        match self.conversation.handle(visitor, intent).await {
            Ok(Said::Reply(mut reply)) => match reply.failure.take() {
                Some(failure) => Err(failure.into()),
                None if reply.refusal => Err(ApiError::bad_request(reply.plain())),
                None => Ok(Said::Reply(reply)),
            },
            Ok(said) => Ok(said),
            Err(ConversationError::Assistant(error)) => Err(error.into()),
            Err(ConversationError::Store(error)) => Err(ApiError::internal(error)),
        }
    }

    /// What the desk did for `intent`: `None` when the conversation only had words to say.
    async fn done(&self, visitor: &Person, intent: Intent) -> Result<Option<Done>, ApiError> {
        match self.said(visitor, intent).await? {
            Said::Reply(reply) => Ok(reply.done.map(|done| *done)),
            said => Err(unexpected("a reply", said)),
        }
    }
}

/// The conversation said something the chat page's route does not expect: a fault on our side.
fn unexpected(wanted: &str, got: impl std::fmt::Debug) -> ApiError {
    ApiError::internal(format!(
        "the web chat expected {wanted} from the conversation, not {got:?}"
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use axum::http::StatusCode;
    use consulta_desk::{Action, Asker, Desk, NewQuestion, Rating, Tags};

    use super::*;
    use crate::chat::desk_only::DeskOnly;

    const DESK: &str = r#"
        groups = [{ name = "andes", chats = ["web:andes-experts-room"] }]
        experts = [{ name = "Ana", identities = ["web:ana"], groups = ["andes"] }]
    "#;

    /// The chat page over a fresh desk (holding each asker to `cap` open tickets) and the
    /// engine-less assistant.
    struct Page {
        _dir: tempfile::TempDir,
        desk: Desk,
        assistant: Arc<DeskOnly>,
        web: WebChat,
    }

    fn page(cap: usize) -> Page {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::builder(toml::from_str(DESK).unwrap())
            .max_open_tickets_per_asker(cap)
            .open(dir.path())
            .unwrap();
        let assistant = Arc::new(DeskOnly(desk.clone(), Mutex::default()));
        Page {
            _dir: dir,
            desk,
            web: WebChat::new(assistant.clone()),
            assistant,
        }
    }

    /// The visitor of the `n`th session, named Marta.
    fn visitor(n: u8) -> Person {
        let session = SessionId::parse(&format!("0f8e2a34-5b6c-4d7e-8f90-a1b2c3d4e5f{n}")).unwrap();
        WebChat::visitor(&session, "Marta".into(), None, None)
    }

    /// A question `by` asked on the page, as the desk recorded it.
    fn asked(desk: &Desk, by: &Person, text: &str) -> QuestionId {
        let id = by.identity.id.clone();
        desk.record_question(NewQuestion {
            asker: Asker {
                platform: Platform::Web,
                chat_id: id.clone(),
                user_id: id,
                display_name: by.name.clone(),
            },
            language: Lang::Es,
            text: text.into(),
            confidence: 0.3,
            escalate: true,
            tags: Tags::default(),
            passages: Vec::new(),
        })
        .unwrap()
    }

    fn ana() -> Identity {
        Identity::new(Platform::Web, "ana")
    }

    #[tokio::test]
    async fn a_visitors_escalation_is_the_conversations_once_per_question_and_within_the_cap() {
        let p = page(1);
        let marta = visitor(1);
        let first = asked(&p.desk, &marta, "¿Quién autoriza los ITMO en Chile?");
        let opened = p.web.escalate(&marta, first).await.unwrap();
        assert!(opened.opened);
        assert_eq!(
            opened.ticket.asker.chat_id, marta.identity.id,
            "the expert's answer goes to her own conversation on the page"
        );
        assert_eq!(opened.ticket.asker.display_name, "Marta");
        let again = p.web.escalate(&marta, first).await.unwrap();
        assert_eq!(again.ticket.id, opened.ticket.id);
        assert!(!again.opened, "a second press opens nothing");
        let stranger = p.web.escalate(&visitor(2), first).await.unwrap_err();
        assert_eq!(stranger.status, StatusCode::FORBIDDEN);
        let second = asked(&p.desk, &marta, "¿Y en Perú?");
        let capped = p.web.escalate(&marta, second).await.unwrap_err();
        assert_eq!(capped.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            capped.message.contains("waiting for an expert"),
            "the desk's words for the API, not the chat's: {}",
            capped.message
        );
        assert_eq!(p.desk.tickets().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_visitors_status_lists_her_open_tickets_and_nobody_elses() {
        let p = page(3);
        let marta = visitor(1);
        assert!(p.web.status(&marta).await.unwrap().is_empty());
        let question = asked(&p.desk, &marta, "¿Quién autoriza los ITMO en Chile?");
        let ticket = p.web.escalate(&marta, question).await.unwrap().ticket.id;
        p.desk.act(&ana(), &ticket, Action::Claim).unwrap();
        let hers = p.web.status(&marta).await.unwrap();
        let listed: Vec<_> = hers.iter().map(|t| (t.id.clone(), t.status)).collect();
        assert_eq!(listed, [(ticket, consulta_desk::Status::Claimed)]);
        assert!(p.web.status(&visitor(2)).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_visitors_reply_rating_and_forgetting_are_the_conversations() {
        let p = page(3);
        let marta = visitor(1);
        let question = asked(&p.desk, &marta, "¿Quién autoriza los ITMO en Chile?");
        let ticket = p.web.escalate(&marta, question).await.unwrap().ticket.id;
        let answer = Action::Answer {
            text: "El Ministerio del Medio Ambiente.".into(),
        };
        p.desk.act(&ana(), &ticket, answer).unwrap();
        let replied = p
            .web
            .reply(&marta, ticket.clone(), "  ¿Y el formulario?  ".into())
            .await
            .unwrap();
        assert_eq!(replied.id, ticket);
        let refused = p
            .web
            .reply(&visitor(2), ticket.clone(), "Soy yo.".into())
            .await
            .unwrap_err();
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let rate_ticket = Intent::RateTicket {
            ticket: ticket.clone(),
            rating: Rating::Up,
        };
        let rated = p.web.rate(&marta, rate_ticket).await.unwrap();
        assert_eq!(rated.and_then(|t| t.rating), Some(Rating::Up));
        let rate_answer = Intent::RateAnswer {
            question,
            rating: Rating::Down,
        };
        assert_eq!(p.web.rate(&marta, rate_answer).await.unwrap(), None);
        let forgotten = p.web.forget(&marta).await.unwrap();
        assert_eq!(forgotten.ticket_ids, [ticket]);
        assert!(p.desk.tickets().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_visitors_question_is_asked_in_their_conversation_without_reading_the_desk_first() {
        let p = page(3);
        let marta = visitor(1);
        // Set at the desk; the page has no /lang, so the conversation does not look for it.
        p.desk.set_language(&marta.identity, Lang::Pt).unwrap();
        let refused = p
            .web
            .ask(&marta, "¿Qué es un ITMO?".into(), None, None)
            .await
            .unwrap_err();
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "the engine's refusal"
        );
        p.web
            .ask(&marta, "¿Qué es un ITMO?".into(), Some(Lang::En), Some(3))
            .await
            .unwrap_err();
        let asked: Vec<_> = p.assistant.1.lock().unwrap().drain(..).collect();
        assert_eq!(asked[0].language, None);
        assert_eq!(asked[0].asker.chat_id, marta.identity.id);
        assert_eq!(
            (asked[1].language, asked[1].top_k),
            (Some(Lang::En), Some(3))
        );
        let empty = p
            .web
            .ask(&marta, "  ".into(), None, None)
            .await
            .unwrap_err();
        assert_eq!(empty.status, StatusCode::BAD_REQUEST);
        assert_eq!(p.assistant.1.lock().unwrap().len(), 0, "nothing asked");
    }
}
