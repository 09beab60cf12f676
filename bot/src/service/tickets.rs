//! The experts' side of the API (the console, and front-end processes acting for experts), and the
//! per-user routes front-end processes need (`/status`, `/forget`).

use axum::Json;
use axum::extract::{Path, Query, State};
use consulta_corpus::{Date, Lang};
use serde::{Deserialize, Serialize};

use super::Service;
use super::access::{ExpertActor, FrontEndCaller};
use super::error::ApiError;
use crate::bridge::QueryVectors;
use consulta_desk::{
    Action, Approval, ApprovalDraft, ChatRef, CuratedEntry, Forgotten, Identity, Period, Profile,
    Report, Status, Ticket, TicketId, Timestamp, TransferTarget,
};

/// Days the coverage report covers when `days` is not given.
const DEFAULT_REPORT_DAYS: i64 = 30;

/// `GET /v1/tickets` filters; all optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketFilter {
    status: Option<Status>,
    tag: Option<String>,
    language: Option<Lang>,
    group: Option<String>,
}

/// Tickets, newest first.
#[derive(Debug, Serialize, Deserialize)]
pub struct TicketList {
    /// The tickets that match.
    pub tickets: Vec<Ticket>,
}

pub(super) async fn list(
    State(service): State<Service>,
    _: ExpertActor,
    Query(filter): Query<TicketFilter>,
) -> Result<Json<TicketList>, ApiError> {
    let desk = &service.primary()?.desk;
    // A status filter reads that status's tickets through the desk's index; only "all" reads all.
    let tickets = match filter.status {
        Some(status) => desk.tickets_in(status)?,
        None => desk.tickets()?,
    };
    let mut tickets: Vec<Ticket> = tickets
        .into_iter()
        .filter(|t| filter.language.is_none_or(|l| t.language == l))
        .filter(|t| filter.group.as_ref().is_none_or(|g| &t.group == g))
        .filter(|t| {
            filter
                .tag
                .as_ref()
                .is_none_or(|tag| t.tags.topics.contains(tag) || t.tags.countries.contains(tag))
        })
        .collect();
    tickets.sort_by_key(|t| std::cmp::Reverse(t.created_at));
    Ok(Json(TicketList { tickets }))
}

pub(super) async fn show(
    State(service): State<Service>,
    _: ExpertActor,
    Path(id): Path<String>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(service.primary()?.desk.ticket(&ticket_id(&id)?)?))
}

fn ticket_id(text: &str) -> Result<TicketId, ApiError> {
    text.parse()
        .map_err(|e: consulta_desk::TicketIdError| ApiError::not_found(e.to_string()))
}

/// The body of `POST /v1/tickets/{id}/{action}`: `text` for answer and note, `reason` for close and
/// reopen, `expert` or `group` (a name) for transfer, the edited `question` and `answer` (and
/// `confirm_particulars`) for approve.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    text: Option<String>,
    reason: Option<String>,
    question: Option<String>,
    answer: Option<String>,
    expert: Option<String>,
    group: Option<String>,
    #[serde(default)]
    confirm_particulars: bool,
}

/// Where a transfer sends the ticket: exactly one of `expert` and `group`.
fn transfer_target(body: ActionBody) -> Result<TransferTarget, ApiError> {
    let named = |name: Option<String>| name.filter(|n| !n.trim().is_empty());
    match (named(body.expert), named(body.group)) {
        (Some(expert), None) => Ok(TransferTarget::Expert(expert)),
        (None, Some(group)) => Ok(TransferTarget::Group(group)),
        _ => Err(ApiError::bad_request(
            "`transfer` needs exactly one of `expert` (a configured expert's name or identity) and `group` (a desk group's name)",
        )),
    }
}

pub(super) async fn draft(
    State(service): State<Service>,
    ExpertActor(by): ExpertActor,
    Path(id): Path<String>,
) -> Result<Json<ApprovalDraft>, ApiError> {
    Ok(Json(
        service
            .state
            .assistant
            .approval_draft(by, ticket_id(&id)?)
            .await?,
    ))
}

/// The edited text an approval publishes: both fields are required, so that nothing reaches the
/// public FAQ that the expert did not see and send back.
fn approval(body: ActionBody, id: &TicketId) -> Result<Approval, ApiError> {
    let missing = || {
        ApiError::bad_request(format!(
            "`approve` publishes the `question` and `answer` you send: edit the draft from GET /v1/tickets/{id}/draft and send both"
        ))
    };
    Ok(Approval {
        question: body.question.ok_or_else(missing)?,
        answer: body.answer.ok_or_else(missing)?,
        confirm_particulars: body.confirm_particulars,
    })
}

/// The ticket after the action, and the curated entry when the action was `approve`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ActionResponse {
    /// The ticket as it is now.
    pub ticket: Ticket,
    /// The new FAQ entry, for `approve`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curated: Option<CuratedEntry>,
}

pub(super) async fn act(
    State(service): State<Service>,
    ExpertActor(by): ExpertActor,
    Path((id, action)): Path<(String, String)>,
    body: Option<Json<ActionBody>>,
) -> Result<Json<ActionResponse>, ApiError> {
    let id = ticket_id(&id)?;
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let assistant = &service.state.assistant;
    if action == "approve" {
        let approval = approval(body, &id)?;
        let curated = assistant.approve(by, id.clone(), approval).await?;
        let ticket = service.primary()?.desk.ticket(&id)?;
        return Ok(Json(ActionResponse {
            ticket,
            curated: Some(curated),
        }));
    }
    let required_text = |text: Option<String>| {
        text.filter(|t| !t.trim().is_empty())
            .ok_or_else(|| ApiError::bad_request(format!("`{action}` needs a non-empty `text`")))
    };
    let action = match action.as_str() {
        "claim" => Action::Claim,
        "unclaim" => Action::Unclaim,
        "answer" => Action::Answer {
            text: required_text(body.text)?,
        },
        "note" => Action::Note {
            text: required_text(body.text)?,
        },
        "clarify" => Action::Clarify {
            text: required_text(body.text)?,
        },
        "close" => Action::Close {
            reason: body.reason,
        },
        "reopen" => Action::Reopen {
            reason: body.reason,
        },
        "transfer" => Action::Transfer(transfer_target(body)?),
        other => {
            return Err(ApiError::not_found(format!(
                "unknown action {other:?}: use claim, unclaim, answer, note, clarify, close, reopen, transfer or approve"
            )));
        }
    };
    let ticket = assistant.act(by, id, action).await?;
    Ok(Json(ActionResponse {
        ticket,
        curated: None,
    }))
}

/// `GET /v1/report?days=N`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    days: Option<i64>,
}

pub(super) async fn report(
    State(service): State<Service>,
    _: ExpertActor,
    Query(query): Query<ReportQuery>,
) -> Result<Json<Report>, ApiError> {
    let days = query.days.unwrap_or(DEFAULT_REPORT_DAYS).clamp(1, 3660);
    let today = Date::today();
    let period = Period {
        since: Timestamp::at_midnight(Date::from_days_since_epoch(
            today.days_since_epoch() - days + 1,
        )),
        until: Timestamp::at_midnight(Date::from_days_since_epoch(today.days_since_epoch() + 1)),
    };
    let desk = service.primary()?.desk.clone();
    let embedder = service.state.engine.embedder();
    let report =
        tokio::task::spawn_blocking(move || desk.report(period, &QueryVectors(embedder.as_ref())))
            .await
            .map_err(ApiError::internal)??;
    Ok(Json(report))
}

/// Who the expert console is signed in as.
#[derive(Debug, Serialize, Deserialize)]
pub struct Me {
    /// The identity the requests act as.
    pub identity: Identity,
}

pub(super) async fn me(ExpertActor(identity): ExpertActor) -> Json<Me> {
    Json(Me { identity })
}

pub(super) async fn open_tickets_of(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path(identity): Path<String>,
) -> Result<Json<TicketList>, ApiError> {
    let user = frontend.user(&identity)?;
    let tickets = service.state.assistant.open_tickets_of(user).await?;
    Ok(Json(TicketList { tickets }))
}

pub(super) async fn forget_user(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path(identity): Path<String>,
) -> Result<Json<Forgotten>, ApiError> {
    let user = frontend.user(&identity)?;
    Ok(Json(service.state.assistant.forget(user).await?))
}

pub(super) async fn profile(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path(identity): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    let person = frontend.user(&identity)?;
    Ok(Json(service.state.assistant.profile(person).await?))
}

/// `POST /v1/users/{identity}/language`: the language the person chose for the bot's words.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageBody {
    language: Lang,
}

pub(super) async fn set_language(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path(identity): Path<String>,
    Json(body): Json<LanguageBody>,
) -> Result<Json<Profile>, ApiError> {
    let person = frontend.user(&identity)?;
    let assistant = &service.state.assistant;
    assistant
        .set_language(person.clone(), body.language)
        .await?;
    Ok(Json(assistant.profile(person).await?))
}

/// Whether an identity is a configured expert.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExpertCheck {
    /// `true` when the desk lists the identity under an expert.
    pub expert: bool,
}

pub(super) async fn is_expert(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path(identity): Path<String>,
) -> Result<Json<ExpertCheck>, ApiError> {
    let user = frontend.user(&identity)?;
    let expert = service.state.assistant.is_expert(user).await?;
    Ok(Json(ExpertCheck { expert }))
}

/// `POST /v1/experts/{identity}/dismissal`: a front-end learned that a member left a team chat.
pub(super) async fn dismiss_member(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path(identity): Path<String>,
) -> Result<Json<ExpertCheck>, ApiError> {
    let member = frontend.user(&identity)?;
    let assistant = &service.state.assistant;
    assistant.dismiss_member(member.clone()).await?;
    let expert = assistant.is_expert(member).await?;
    Ok(Json(ExpertCheck { expert }))
}

/// `POST /v1/experts/{identity}/admission`: a front-end vouches that the identity is a member of
/// the team chat `chat`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdmissionBody {
    name: String,
    chat: ChatRef,
}

pub(super) async fn admit_member(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path(identity): Path<String>,
    Json(body): Json<AdmissionBody>,
) -> Result<Json<ExpertCheck>, ApiError> {
    let member = frontend.user(&identity)?;
    if member.platform != body.chat.platform {
        return Err(ApiError::bad_request(format!(
            "{member} cannot be a member of a {} chat",
            body.chat.platform
        )));
    }
    let expert = service
        .state
        .assistant
        .admit_member(member, body.name, body.chat)
        .await?;
    Ok(Json(ExpertCheck { expert }))
}
