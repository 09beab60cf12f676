//! `POST /v1/replies`: the asker writes back on their ticket — answering the expert's clarifying
//! question, or following up on the answer. Front-ends send it for the platform user who replied to
//! a desk message; the chat page for its visitor, through the conversation ([`super::web_chat`]).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::Service;
use super::access::PublicCaller;
use super::error::ApiError;
use super::web_chat::WebChat;
use consulta_desk::{Identity, Ticket, TicketId};

/// The reply and whose it is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    /// The asker's ticket.
    ticket: TicketId,
    /// What they wrote.
    text: String,
    /// A web visitor's session (the chat page).
    session: Option<String>,
    /// Front-end token only: the platform user who replied.
    by: Option<Identity>,
}

pub(super) async fn reply(
    State(service): State<Service>,
    caller: PublicCaller,
    Json(body): Json<ReplyBody>,
) -> Result<Json<Ticket>, ApiError> {
    let ticket = match body.by {
        Some(by) => {
            caller.act_for(by.platform)?;
            let assistant = &service.state.assistant;
            assistant.asker_reply(by, body.ticket, body.text).await?
        }
        None => {
            let session = caller.visitor(body.session.as_deref())?;
            let visitor = WebChat::visitor(&session, String::new(), None, None);
            service.state.limits.session(&visitor.identity.id)?;
            let web = &service.state.web_chat;
            web.reply(&visitor, body.ticket, body.text).await?
        }
    };
    Ok(Json(ticket))
}
