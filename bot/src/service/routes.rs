//! The route table: each route once, with who may call it and what the OpenAPI document says
//! about it. [`Service::router`](super::Service::router) builds the router from this table alone and
//! puts each route behind the access layer ([`super::access`]) with the level declared here, so a
//! route cannot be served without a declared [`Access`].

use axum::routing::{MethodRouter, delete, get, post};

use super::body_limit::BodyLimit;
use super::config::ServiceConfig;
use super::{Service, admin, ask, health, openapi, pages, relay, replica, replies, tickets};

/// Who may call a route; the access layer enforces it before the handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without credentials (the chat page, probes, search).
    Public,
    /// A web visitor with a session this service minted, in the `X-Consulta-Session` header.
    Session,
    /// Anyone; a visitor is the session the body gives, and a front-end process may name the user it
    /// acts for.
    PublicOrFrontEnd,
    /// An expert's own token (or a front-end acting for an expert of its platform), for an identity
    /// the desk lists as an expert.
    Expert,
    /// A front-end process.
    FrontEnd,
    /// The operator.
    Admin,
}

/// What the OpenAPI document says about one route.
#[derive(Debug, Clone)]
pub struct RouteDoc {
    /// The axum path, which is also the OpenAPI path (`{id}` parameters).
    pub path: &'static str,
    /// Lowercase HTTP method.
    pub method: &'static str,
    /// The OpenAPI `operationId`.
    pub operation: &'static str,
    /// One line for the reader.
    pub summary: &'static str,
    /// Who may call it.
    pub access: Access,
    /// The request body's schema, if any.
    pub body: Option<&'static str>,
    /// The success response's schema.
    pub response: &'static str,
    /// Optional query parameters.
    pub query: &'static [&'static str],
    /// Whether a replica serves it too (the read path); every route is the primary's.
    pub on_replicas: bool,
    /// A web page or its asset rather than an API call: the OpenAPI document leaves it out.
    pub web_page: bool,
}

const fn doc(
    method: &'static str,
    path: &'static str,
    operation: &'static str,
    summary: &'static str,
    access: Access,
    body: Option<&'static str>,
    response: &'static str,
) -> RouteDoc {
    RouteDoc {
        path,
        method,
        operation,
        summary,
        access,
        body,
        response,
        query: &[],
        on_replicas: false,
        web_page: false,
    }
}

/// A web page or asset anyone may load.
pub(super) const fn page(path: &'static str, operation: &'static str) -> RouteDoc {
    RouteDoc {
        web_page: true,
        ..doc(
            "get",
            path,
            operation,
            "A page of the web chat or the expert console",
            Access::Public,
            None,
            "Text",
        )
    }
}

/// A route a replica serves as well as the primary.
const fn on_replicas(doc: RouteDoc) -> RouteDoc {
    RouteDoc {
        on_replicas: true,
        ..doc
    }
}

/// Every route with its documentation: the API's, then the web pages'.
pub(super) fn table() -> Vec<(RouteDoc, MethodRouter<Service>)> {
    let mut table = api();
    table.extend(pages::table());
    table
}

/// Every API route with its documentation.
fn api() -> Vec<(RouteDoc, MethodRouter<Service>)> {
    use Access::*;
    vec![
        (
            on_replicas(doc(
                "post",
                "/v1/ask",
                "ask",
                "Answer a question with cited passages",
                PublicOrFrontEnd,
                Some("AskRequest"),
                "AskResponse",
            )),
            post(ask::ask),
        ),
        (
            on_replicas(doc(
                "post",
                "/v1/search",
                "search",
                "The passages a search finds, best first",
                Public,
                Some("SearchRequest"),
                "SearchResponse",
            )),
            post(ask::search),
        ),
        (
            on_replicas(doc(
                "post",
                "/v1/sessions",
                "newSession",
                "A web session for a new visitor of the chat page",
                Public,
                None,
                "NewSession",
            )),
            post(ask::new_session),
        ),
        (
            doc(
                "post",
                "/v1/feedback",
                "feedback",
                "Rate an answer (Consulta's or an expert's)",
                PublicOrFrontEnd,
                Some("FeedbackRequest"),
                "FeedbackResponse",
            ),
            post(ask::feedback),
        ),
        (
            doc(
                "post",
                "/v1/replies",
                "reply",
                "The asker writes back on their ticket",
                PublicOrFrontEnd,
                Some("ReplyRequest"),
                "Ticket",
            ),
            post(replies::reply),
        ),
        (
            doc(
                "post",
                "/v1/escalations",
                "escalate",
                "Hand a question to the experts",
                PublicOrFrontEnd,
                Some("EscalationRequest"),
                "Escalation",
            ),
            post(ask::escalate),
        ),
        (
            RouteDoc {
                query: &["after"],
                ..doc(
                    "get",
                    "/v1/conversations/messages",
                    "conversation",
                    "A web visitor's messages from the experts (session in X-Consulta-Session)",
                    Session,
                    None,
                    "Conversation",
                )
            },
            get(ask::conversation),
        ),
        (
            doc(
                "get",
                "/v1/conversations/tickets",
                "conversationTickets",
                "A web visitor's open tickets, as /status lists them in a chat (session in X-Consulta-Session)",
                Session,
                None,
                "VisitorTickets",
            ),
            get(ask::conversation_tickets),
        ),
        (
            doc(
                "delete",
                "/v1/conversations",
                "forgetConversation",
                "Delete what is kept about a web visitor (session in X-Consulta-Session)",
                Session,
                None,
                "Forgotten",
            ),
            delete(ask::forget_conversation),
        ),
        (
            RouteDoc {
                query: &["status", "tag", "language", "group"],
                ..doc(
                    "get",
                    "/v1/tickets",
                    "listTickets",
                    "Tickets, newest first, filtered",
                    Expert,
                    None,
                    "TicketList",
                )
            },
            get(tickets::list),
        ),
        (
            doc(
                "get",
                "/v1/tickets/{id}",
                "showTicket",
                "One ticket in full",
                Expert,
                None,
                "Ticket",
            ),
            get(tickets::show),
        ),
        (
            doc(
                "get",
                "/v1/tickets/{id}/draft",
                "approvalDraft",
                "What approving would publish, with flagged particulars, to edit first",
                Expert,
                None,
                "ApprovalDraft",
            ),
            get(tickets::draft),
        ),
        (
            doc(
                "post",
                "/v1/tickets/{id}/{action}",
                "actOnTicket",
                "claim, unclaim, answer, note, clarify, close, reopen, transfer or approve",
                Expert,
                Some("ActionRequest"),
                "ActionResponse",
            ),
            post(tickets::act),
        ),
        (
            RouteDoc {
                query: &["days"],
                ..doc(
                    "get",
                    "/v1/report",
                    "report",
                    "Outcomes and coverage gaps",
                    Expert,
                    None,
                    "Report",
                )
            },
            get(tickets::report),
        ),
        (
            doc(
                "get",
                "/v1/me",
                "me",
                "The expert the console is signed in as",
                Expert,
                None,
                "Me",
            ),
            get(tickets::me),
        ),
        (
            doc(
                "get",
                "/v1/users/{identity}/tickets",
                "openTicketsOf",
                "A user's open tickets",
                FrontEnd,
                None,
                "TicketList",
            ),
            get(tickets::open_tickets_of),
        ),
        (
            doc(
                "get",
                "/v1/users/{identity}/questions/{id}",
                "questionOf",
                "The words of a question the user asked (\"More sources\")",
                FrontEnd,
                None,
                "AskedQuestion",
            ),
            get(ask::question_of),
        ),
        (
            doc(
                "get",
                "/v1/users/{identity}/profile",
                "profileOf",
                "A user's chosen language and last question",
                FrontEnd,
                None,
                "Profile",
            ),
            get(tickets::profile),
        ),
        (
            doc(
                "post",
                "/v1/users/{identity}/language",
                "setLanguage",
                "Remember the language a user chose for the bot's words (/lang)",
                FrontEnd,
                Some("LanguageRequest"),
                "Profile",
            ),
            post(tickets::set_language),
        ),
        (
            doc(
                "delete",
                "/v1/users/{identity}",
                "forgetUser",
                "Delete what the desk keeps about a user",
                FrontEnd,
                None,
                "Forgotten",
            ),
            delete(tickets::forget_user),
        ),
        (
            doc(
                "get",
                "/v1/experts/{identity}",
                "isExpert",
                "Whether an identity is a configured expert",
                FrontEnd,
                None,
                "ExpertCheck",
            ),
            get(tickets::is_expert),
        ),
        (
            doc(
                "post",
                "/v1/experts/{identity}/admission",
                "admitMember",
                "Vouch that an identity is a member of a team chat",
                FrontEnd,
                Some("Admission"),
                "ExpertCheck",
            ),
            post(tickets::admit_member),
        ),
        (
            doc(
                "post",
                "/v1/experts/{identity}/dismissal",
                "dismissMember",
                "End a team-chat member's admission: they left the chat",
                FrontEnd,
                None,
                "ExpertCheck",
            ),
            post(tickets::dismiss_member),
        ),
        (
            RouteDoc {
                query: &["wait_secs"],
                ..doc(
                    "get",
                    "/v1/relay/{platform}/next",
                    "relayNext",
                    "Collect the next delivery for a platform (204: none)",
                    FrontEnd,
                    None,
                    "RelayJob",
                )
            },
            get(relay::next),
        ),
        (
            doc(
                "post",
                "/v1/relay/{platform}/done",
                "relayDone",
                "Report a delivery's outcome",
                FrontEnd,
                Some("RelayDone"),
                "Text",
            ),
            post(relay::done),
        ),
        (
            doc(
                "post",
                "/v1/questions",
                "recordQuestion",
                "Record a question a replica answered, for ratings, escalation and the report",
                FrontEnd,
                Some("QuestionRecordRequest"),
                "RecordedQuestion",
            ),
            post(replica::record_question),
        ),
        (
            doc(
                "get",
                "/v1/catalog",
                "catalog",
                "The passage manifest replicas follow (ETag; 304 when unchanged)",
                FrontEnd,
                None,
                "Manifest",
            ),
            get(replica::catalog),
        ),
        (
            RouteDoc {
                query: &["name"],
                ..doc(
                    "post",
                    "/v1/documents",
                    "addDocument",
                    "Add a document (FAQ YAML or Markdown guide) and reindex",
                    Admin,
                    Some("Document"),
                    "DocumentResponse",
                )
            },
            post(admin::add_document),
        ),
        (
            doc(
                "post",
                "/v1/reindex",
                "reindex",
                "Rebuild the indexes from the knowledge base",
                Admin,
                None,
                "ReindexResponse",
            ),
            post(admin::reindex),
        ),
        (
            on_replicas(doc(
                "get",
                "/healthz",
                "healthz",
                "The process is up",
                Public,
                None,
                "Text",
            )),
            get(health::healthz),
        ),
        (
            on_replicas(doc(
                "get",
                "/readyz",
                "readyz",
                "Ready to answer (503 until passages are indexed)",
                Public,
                None,
                "Readiness",
            )),
            get(health::readyz),
        ),
        (
            on_replicas(doc(
                "get",
                "/metrics",
                "metrics",
                "Prometheus metrics",
                Public,
                None,
                "Text",
            )),
            get(health::metrics),
        ),
        (
            on_replicas(doc(
                "get",
                "/openapi.json",
                "openapi",
                "This document",
                Public,
                None,
                "OpenApi",
            )),
            get(openapi::serve),
        ),
    ]
}

/// The most body `doc`'s route reads: a document upload is a file, every other body a small JSON
/// object.
pub(super) fn body_limit(config: &ServiceConfig, doc: &RouteDoc) -> BodyLimit {
    if doc.operation == "addDocument" {
        BodyLimit {
            bytes: config.max_document_bytes,
            setting: "max_document_bytes",
        }
    } else {
        BodyLimit {
            bytes: config.max_body_bytes,
            setting: "max_body_bytes",
        }
    }
}

/// Every route the service may serve, with its declared access: the documentation half of
/// [`table`].
pub fn every_route() -> Vec<RouteDoc> {
    table().into_iter().map(|(doc, _)| doc).collect()
}

/// The API's routes, as the OpenAPI document describes them.
pub fn docs() -> Vec<RouteDoc> {
    every_route().into_iter().filter(|d| !d.web_page).collect()
}
