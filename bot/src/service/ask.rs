//! The asking side of the API: questions, searches, ratings, escalations, and the web visitor's
//! conversation (where experts' answers arrive). A visitor's actions go through the conversation
//! ([`super::web_chat`]); a front-end process names its user and calls the assistant, as the
//! conversation in its own process does.

use axum::Json;
use axum::extract::{Path, Query, State};
use consulta_corpus::Lang;
use consulta_retrieval::{Answer, Hit, Leg, SearchFilter, SearchOptions};
use serde::{Deserialize, Serialize};

use super::Service;
use super::access::{FrontEndCaller, PublicCaller, WebVisitor};
use super::error::ApiError;
use super::inbox::InboxMessage;
use super::web_chat::WebChat;
use crate::assistant::{AskRequest, AskedQuestion, EscalateRequest};
use crate::chat::{Intent, Person};
use consulta_desk::{
    Asker, Escalation, Forgotten, Identity, QuestionId, Rating, Status, Ticket, TicketId, Timestamp,
};

/// Most passages a search may return: a bigger page is a scrape, not a search.
const MAX_SEARCH_K: usize = 50;
/// Longest display name a visitor may give; experts see it on the ticket card.
const MAX_NAME_CHARS: usize = 80;

/// `POST /v1/ask`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskBody {
    question: String,
    /// Answer in this language whatever the question looks like.
    language: Option<Lang>,
    /// The visitor's conversation, for ratings, escalation and the expert's answer; made by the page.
    session: Option<String>,
    /// How the visitor wants to be named to experts.
    name: Option<String>,
    /// Cite this many passages.
    top_k: Option<usize>,
    /// Front-end token only: the platform user who asks.
    asker: Option<Asker>,
    /// Front-end token only: the user's platform language, used when the question is too short.
    user_lang: Option<Lang>,
}

/// The reply of `POST /v1/ask`: the answer exactly as `consulta ask --json` prints it, plus the id
/// the question was recorded under.
#[derive(Debug, Serialize, Deserialize)]
pub struct AskResponse {
    /// For `POST /v1/feedback` and `POST /v1/escalations`.
    pub question_id: QuestionId,
    /// The answer.
    #[serde(flatten)]
    pub answer: Answer,
}

pub(super) async fn ask(
    State(service): State<Service>,
    caller: PublicCaller,
    Json(body): Json<AskBody>,
) -> Result<Json<AskResponse>, ApiError> {
    let top_k = body.top_k.map(|k| k.clamp(1, MAX_SEARCH_K));
    let reply = match body.asker {
        Some(asker) => {
            caller.act_for(asker.platform)?;
            let request = AskRequest {
                asker,
                question: used_part(&service, body.question),
                language: body.language,
                user_lang: body.user_lang,
                top_k,
            };
            service.state.assistant.ask(request).await?
        }
        None => {
            let session = body.session.as_deref();
            let visitor = visitor(&service, &caller, session, body.name, body.language)?;
            let question = used_part(&service, body.question);
            let web = &service.state.web_chat;
            web.ask(&visitor, question, body.language, top_k).await?
        }
    };
    Ok(Json(AskResponse {
        question_id: reply.question_id,
        answer: reply.answer,
    }))
}

/// The part of a question the engine reads (`retrieval.max_question_chars`): the rest is neither
/// answered nor kept, so a 64 KB body costs the desk no more than a question does.
fn used_part(service: &Service, mut text: String) -> String {
    let max = service.state.engine.config().max_question_chars;
    if let Some((cut, _)) = text.char_indices().nth(max) {
        text.truncate(cut);
    }
    text
}

/// Words a visitor's name may not contain: experts' cards show the name, and "Ana (expert)" would
/// pass a visitor off as one of them.
const ROLE_WORDS: &[&str] = &[
    "expert",
    "experto",
    "experta",
    "especialista",
    "specialist",
    "consulta",
    "admin",
    "moderat",
    "staff",
    "equipo",
    "equipe",
    "team",
];

/// A visitor's display name, or why it is refused: letters, digits, spaces and a little punctuation,
/// without a role word.
fn visitor_name(name: Option<String>) -> Result<String, ApiError> {
    let name: String = name
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '\''))
        .collect();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Ok("web visitor".to_string());
    }
    let lower = name.to_lowercase();
    if let Some(word) = ROLE_WORDS.iter().find(|w| lower.contains(*w)) {
        return Err(ApiError::bad_request(format!(
            "a visitor's name cannot contain {word:?}: experts are named by the desk, not by the \
             name a visitor gives; give your own name, or none"
        )));
    }
    Ok(name)
}

/// The web visitor of `session` (minted here), named `name` to experts and answered in `lang` when
/// given, once within their session's budget.
fn visitor(
    service: &Service,
    caller: &PublicCaller,
    session: Option<&str>,
    name: Option<String>,
    lang: Option<Lang>,
) -> Result<Person, ApiError> {
    let session = caller.visitor(session)?;
    let visitor = WebChat::visitor(&session, visitor_name(name)?, lang, None);
    service.state.limits.session(&visitor.identity.id)?;
    Ok(visitor)
}

/// A new web session.
#[derive(Debug, Serialize, Deserialize)]
pub struct NewSession {
    /// The id the page sends with its requests (`session`, `X-Consulta-Session`).
    pub session: String,
}

/// `POST /v1/sessions`: a session for a new visitor of the chat page.
pub(super) async fn new_session(
    State(service): State<Service>,
) -> Result<Json<NewSession>, ApiError> {
    let key = service.state.sessions.as_ref().ok_or_else(|| {
        ApiError::not_found("this replica mints no web sessions: the primary does")
    })?;
    let session = key.mint().map_err(ApiError::internal)?;
    Ok(Json(NewSession {
        session: session.as_str().to_string(),
    }))
}

/// `POST /v1/search`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchBody {
    query: String,
    #[serde(default)]
    leg: Option<Leg>,
    #[serde(default)]
    k: Option<usize>,
    #[serde(default)]
    language: Option<Lang>,
    #[serde(default)]
    filter: SearchFilter,
}

/// The passages found, best first.
#[derive(Debug, Serialize)]
pub struct SearchResponse {
    hits: Vec<Hit>,
}

pub(super) async fn search(
    State(service): State<Service>,
    Json(body): Json<SearchBody>,
) -> Result<Json<SearchResponse>, ApiError> {
    if body.query.trim().is_empty() {
        return Err(ApiError::bad_request("the query is empty"));
    }
    let query = used_part(&service, body.query);
    let options = SearchOptions {
        leg: body.leg.unwrap_or(Leg::Hybrid),
        k: body.k.unwrap_or(10).clamp(1, MAX_SEARCH_K),
        filter: body.filter,
        language: body.language,
    };
    let engine = service.state.engine.clone();
    let hits = tokio::task::spawn_blocking(move || engine.search(&query, &options))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::from(crate::assistant::AssistantError::from(e)))?;
    Ok(Json(SearchResponse { hits }))
}

/// `POST /v1/feedback`: 👍/👎 on Consulta's answer (`question_id`) or on an expert's (`ticket`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    rating: Rating,
    question_id: Option<QuestionId>,
    ticket: Option<TicketId>,
    session: Option<String>,
    /// Front-end token only: the platform user who rates.
    by: Option<Identity>,
}

/// What a rating changed.
#[derive(Debug, Serialize, Deserialize)]
pub struct FeedbackResponse {
    /// Always `true`: failures are errors.
    pub recorded: bool,
    /// The rated ticket, when an expert's answer was rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
}

pub(super) async fn feedback(
    State(service): State<Service>,
    caller: PublicCaller,
    Json(body): Json<FeedbackBody>,
) -> Result<Json<FeedbackResponse>, ApiError> {
    let rating = body.rating;
    let assistant = &service.state.assistant;
    let session = body.session.as_deref();
    let visitor = || visitor(&service, &caller, session, None, None);
    let web = &service.state.web_chat;
    let ticket = match (body.by, body.question_id, body.ticket) {
        (Some(by), Some(question), None) => {
            caller.act_for(by.platform)?;
            assistant.rate_answer(by, question, rating).await?;
            None
        }
        (Some(by), None, Some(ticket)) => {
            caller.act_for(by.platform)?;
            Some(assistant.rate_ticket(by, ticket, rating).await?)
        }
        (None, Some(question), None) => {
            let rated = Intent::RateAnswer { question, rating };
            web.rate(&visitor()?, rated).await?
        }
        (None, None, Some(ticket)) => {
            let rated = Intent::RateTicket { ticket, rating };
            web.rate(&visitor()?, rated).await?
        }
        _ => {
            return Err(ApiError::bad_request(
                "rate either a `question_id` (Consulta's answer) or a `ticket` (an expert's answer)",
            ));
        }
    };
    Ok(Json(FeedbackResponse {
        recorded: true,
        ticket,
    }))
}

/// `POST /v1/escalations`: hand a question to the experts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationBody {
    /// The recorded question (from `POST /v1/ask`): the desk hands the experts its text, language
    /// and the passages it keeps with it.
    question_id: Option<QuestionId>,
    /// A question that was not asked first (front-ends only, or a visitor's direct request).
    question: Option<String>,
    language: Option<Lang>,
    session: Option<String>,
    name: Option<String>,
    /// Front-end token only.
    asker: Option<Asker>,
}

pub(super) async fn escalate(
    State(service): State<Service>,
    caller: PublicCaller,
    Json(body): Json<EscalationBody>,
) -> Result<Json<Escalation>, ApiError> {
    // A recorded question's words, language and citations are the desk's, and so are the checks
    // that whoever escalates it asked it (refused as forbidden) and that the asker is within their
    // cap of open tickets (refused with 429; the same question escalated again gets its ticket back
    // whatever the cap), as for every chat front-end.
    let escalated = match body.asker {
        Some(asker) => {
            caller.act_for(asker.platform)?;
            if body.question_id.is_none()
                && body.question.as_deref().is_none_or(|q| q.trim().is_empty())
            {
                return Err(ApiError::bad_request(
                    "give the `question_id` of an asked question, or the `question`",
                ));
            }
            let request = EscalateRequest {
                question: used_part(&service, body.question.unwrap_or_default()),
                language: body.language.unwrap_or(Lang::En),
                question_id: body.question_id,
                asker,
            };
            service
                .state
                .assistant
                .escalate(request)
                .await
                .map_err(ApiError::from)
        }
        None => {
            let session = body.session.as_deref();
            let visitor = visitor(&service, &caller, session, body.name, body.language)?;
            let Some(question) = body.question_id else {
                return Err(ApiError::bad_request(
                    "escalate a question you asked: give the `question_id` that POST /v1/ask returned",
                ));
            };
            service.state.web_chat.escalate(&visitor, question).await
        }
    };
    if escalated
        .as_ref()
        .is_err_and(|e| e.status == axum::http::StatusCode::TOO_MANY_REQUESTS)
    {
        service.state.metrics.rate_limited();
    }
    escalated.map(Json)
}

/// `GET /v1/users/{identity}/questions/{id}`: a front-end reads back the words of a question its
/// user asked, to ask it again with more sources; it keeps only the id. The desk refuses anyone but
/// the asker.
pub(super) async fn question_of(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path((identity, id)): Path<(String, u64)>,
) -> Result<Json<AskedQuestion>, ApiError> {
    let user = frontend.user(&identity)?;
    let question = service
        .state
        .assistant
        .question(user, QuestionId(id))
        .await?;
    Ok(Json(question))
}

/// `GET /v1/conversations/messages?after=N`, the session in the `X-Consulta-Session` header.
#[derive(Debug, Deserialize)]
pub struct AfterQuery {
    #[serde(default)]
    after: u64,
}

/// The visitor's messages from the desk.
#[derive(Debug, Serialize, Deserialize)]
pub struct ConversationResponse {
    /// Oldest first; ask again with `after` = the last `seq`.
    pub messages: Vec<InboxMessage>,
}

pub(super) async fn conversation(
    State(service): State<Service>,
    WebVisitor(session): WebVisitor,
    Query(query): Query<AfterQuery>,
) -> Result<Json<ConversationResponse>, ApiError> {
    let messages = service
        .primary()?
        .inbox
        .messages_after(&session, query.after)
        .map_err(ApiError::internal)?;
    Ok(Json(ConversationResponse { messages }))
}

/// `GET /v1/conversations/tickets`: the visitor's open tickets, as `/status` lists them in a chat.
pub(super) async fn conversation_tickets(
    State(service): State<Service>,
    WebVisitor(session): WebVisitor,
) -> Result<Json<VisitorTickets>, ApiError> {
    let visitor = WebChat::visitor(&session, String::new(), None, None);
    let tickets = service.state.web_chat.status(&visitor).await?;
    let tickets = tickets
        .into_iter()
        .map(|ticket| VisitorTicket {
            id: ticket.id,
            status: ticket.status,
            question: ticket.question,
            created_at: ticket.created_at,
        })
        .collect();
    Ok(Json(VisitorTickets { tickets }))
}

/// A visitor's open tickets.
#[derive(Debug, Serialize, Deserialize)]
pub struct VisitorTickets {
    /// Newest first.
    pub tickets: Vec<VisitorTicket>,
}

/// One of a visitor's tickets as the chat page shows it: what `/status` says in a chat (the id the
/// expert's messages quote, where it stands, the question), and nothing of the experts' side
/// (their names, notes or draft), which the visitor has no business reading.
#[derive(Debug, Serialize, Deserialize)]
pub struct VisitorTicket {
    /// The id the desk's messages quote.
    pub id: TicketId,
    /// Where it stands: open, claimed, reopened.
    pub status: Status,
    /// The question as the visitor asked it.
    pub question: String,
    /// When it was opened.
    pub created_at: Timestamp,
}

/// What forgetting a visitor removed.
#[derive(Debug, Serialize, Deserialize)]
pub struct ForgetResponse {
    /// What the desk deleted.
    pub desk: Forgotten,
    /// Messages deleted from the visitor's conversation.
    pub messages: usize,
}

pub(super) async fn forget_conversation(
    State(service): State<Service>,
    WebVisitor(session): WebVisitor,
) -> Result<Json<ForgetResponse>, ApiError> {
    let visitor = WebChat::visitor(&session, String::new(), None, None);
    let desk = service.state.web_chat.forget(&visitor).await?;
    let messages = service
        .primary()?
        .inbox
        .forget(&session)
        .map_err(ApiError::internal)?;
    Ok(Json(ForgetResponse { desk, messages }))
}
