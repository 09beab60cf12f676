//! The HTTP service behind `consulta serve`: the JSON API, the chat page and the expert console, the
//! metrics, and the seams that let front-end processes run apart from it.
//!
//! [`Service`] is a cheap handle on everything a request needs; [`Service::router`] builds the axum
//! routes from it. The service is the only owner of the desk's database: front-ends in other processes
//! reach it through the API with the front-end token ([`crate::remote`]), and receive the desk's
//! messages for their platform through a [`Relay`]. A replica ([`Service::replica`]) serves only the
//! read path, with an engine that follows the primary's passages, and records its questions in the
//! primary's desk.

mod access;
mod admin;
mod ask;
mod auth;
mod body_limit;
mod config;
mod error;
mod head_errors;
mod health;
mod idle;
mod inbox;
mod limits;
mod metered;
mod metrics;
mod openapi;
mod pages;
mod relay;
mod replica;
mod replies;
mod routes;
mod server;
mod session_key;
mod starting;
mod tickets;
mod web_chat;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use consulta_retrieval::Engine;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::assistant::Assistant;
use consulta_desk::{Desk, FrontEnd, Platform};

pub use ask::{AskResponse, ConversationResponse, FeedbackResponse, ForgetResponse};
pub use auth::{Caller, FrontEndScope, IDENTITY_HEADER, same_secret};
pub use config::{ExpertCredential, FrontEndCredential, ServiceConfig};
pub use error::ApiError;
pub use inbox::{BadSession, InboxMessage, SessionId, WebInbox};
pub use metered::MeteredAssistant;
pub use metrics::{DeskGauges, Metrics, Snapshot};
pub use openapi::openapi_document;
pub use relay::{DoneBody, Relay, RelayFailure, RelayJob, RelayOutcome, RelayWork};
pub use replica::RecordedQuestion;
pub use routes::{Access, RouteDoc, docs, every_route};
pub use server::{ConnectionLimits, serve};
pub use session_key::SessionKey;
pub use starting::{StartProgress, starting_router};
pub use tickets::{ActionResponse, ExpertCheck, Me, TicketList};

/// Where the knowledge base comes from when the service rebuilds its indexes.
#[derive(Debug, Clone)]
pub struct KnowledgeSources {
    /// The bundled or operator-maintained knowledge base (`kb_dir`).
    pub kb_dir: PathBuf,
    /// Documents added through `POST /v1/documents`, kept apart so the knowledge base stays as shipped.
    pub documents_dir: PathBuf,
    /// The readers' limits and batching, as `consulta ingest` uses them.
    pub ingest: consulta_retrieval::IngestConfig,
}

/// Everything a request handler may need, behind one `Arc`.
pub(crate) struct Shared {
    config: ServiceConfig,
    engine: Engine,
    assistant: Arc<dyn Assistant>,
    /// The chat page's visitors' conversation, over `assistant`.
    web_chat: web_chat::WebChat,
    metrics: Metrics,
    /// The clients' budgets and the cap on questions answered at once.
    limits: limits::Limits,
    /// What web sessions are minted and checked with; `None` on a replica without
    /// `service.session_secret` (it cannot tell the primary's sessions).
    sessions: Option<SessionKey>,
    /// The desk and what goes with it; `None` on a replica, whose desk calls go to the primary
    /// through `assistant`.
    primary: Option<DeskSide>,
}

/// What only the primary holds: the desk, the web inbox, the relays and the knowledge sources.
pub(crate) struct DeskSide {
    desk: Desk,
    inbox: WebInbox,
    relays: HashMap<Platform, Relay>,
    sources: KnowledgeSources,
    /// One rebuild of the indexes at a time; a second request waits for the first.
    reindexing: tokio::sync::Mutex<()>,
}

/// The service: a cheap `Clone` handle shared by every request.
#[derive(Clone)]
pub struct Service {
    state: Arc<Shared>,
}

/// What [`Service::new`] is built from.
pub struct ServiceParts {
    /// `[service]` settings.
    pub config: ServiceConfig,
    /// The retrieval engine (search, answers, reindexing).
    pub engine: Engine,
    /// The desk (tickets, the coverage report, the outbox backlog).
    pub desk: Desk,
    /// Metrics shared with the [`MeteredAssistant`] the in-process front-ends use.
    pub metrics: Metrics,
    /// The web chat's mailbox.
    pub inbox: WebInbox,
    /// Platforms whose front-end runs in another process and collects its messages from the service.
    pub relayed: Vec<Platform>,
    /// Where reindexing reads the knowledge base.
    pub sources: KnowledgeSources,
}

/// What [`Service::replica`] is built from.
pub struct ReplicaParts {
    /// `[service]` settings.
    pub config: ServiceConfig,
    /// A replica's engine ([`Engine::open_replica`]), following the primary's passages.
    pub engine: Engine,
    /// The primary's desk, reached over its API ([`crate::remote::RemoteAssistant::answering_with`]).
    pub assistant: Arc<dyn Assistant>,
    /// This replica's metrics.
    pub metrics: Metrics,
}

impl Service {
    /// Assembles the service. Questions go through a [`MeteredAssistant`] over the engine and the desk.
    pub fn new(parts: ServiceParts) -> Result<Service, String> {
        let sessions = if parts.config.session_secret.is_empty() {
            parts
                .inbox
                .session_key()
                .map_err(|e| format!("cannot keep the web session key in the web inbox: {e}"))?
        } else {
            SessionKey::from_secret(&parts.config.session_secret)
        };
        let assistant: Arc<dyn Assistant> = Arc::new(MeteredAssistant::local(
            parts.engine.clone(),
            parts.desk.clone(),
            parts.metrics.clone(),
        ));
        let relays = parts
            .relayed
            .into_iter()
            .map(|platform| (platform, Relay::new(platform)))
            .collect();
        Ok(Service {
            state: Arc::new(Shared {
                limits: limits::Limits::new(&parts.config),
                sessions: Some(sessions),
                config: parts.config,
                engine: parts.engine,
                web_chat: web_chat::WebChat::new(assistant.clone()),
                assistant,
                metrics: parts.metrics,
                primary: Some(DeskSide {
                    desk: parts.desk,
                    inbox: parts.inbox,
                    relays,
                    sources: parts.sources,
                    reindexing: tokio::sync::Mutex::new(()),
                }),
            }),
        })
    }

    /// A replica: it answers `/v1/ask` and `/v1/search` from its own engine over the primary's
    /// vector collection, records each question in the primary's desk, and serves the probes and
    /// metrics. Every other route is the primary's (see `deploy/README.md` for the routing).
    pub fn replica(parts: ReplicaParts) -> Service {
        let assistant: Arc<dyn Assistant> = Arc::new(MeteredAssistant::new(
            parts.assistant,
            parts.metrics.clone(),
        ));
        Service {
            state: Arc::new(Shared {
                limits: limits::Limits::new(&parts.config),
                sessions: (!parts.config.session_secret.is_empty())
                    .then(|| SessionKey::from_secret(&parts.config.session_secret)),
                config: parts.config,
                engine: parts.engine,
                web_chat: web_chat::WebChat::new(assistant.clone()),
                assistant,
                metrics: parts.metrics,
                primary: None,
            }),
        }
    }

    /// The desk side of the service, or the error a replica answers for a primary's route.
    pub(crate) fn primary(&self) -> Result<&DeskSide, ApiError> {
        self.state.primary.as_ref().ok_or_else(|| {
            ApiError::not_found(
                "this is a replica: it answers /v1/ask and /v1/search; the primary serves the rest",
            )
        })
    }

    /// The assistant in-process front-ends (Telegram, Discord) should use, so their questions are
    /// counted in the same metrics.
    pub fn assistant(&self) -> Arc<dyn Assistant> {
        self.state.assistant.clone()
    }

    /// The front-ends the outbox worker delivers through for the web chat and the relayed platforms.
    pub fn frontends(&self) -> Vec<Arc<dyn FrontEnd>> {
        let Some(primary) = &self.state.primary else {
            return Vec::new();
        };
        let mut frontends: Vec<Arc<dyn FrontEnd>> = vec![Arc::new(primary.inbox.clone())];
        for relay in primary.relays.values() {
            frontends.push(Arc::new(relay.clone()));
        }
        frontends
    }

    /// Serves HTTP on `listener` until `shutdown` completes, then lets the requests in flight finish
    /// for at most `service.shutdown_grace_secs` ([`server::serve`] has the connection bounds).
    pub async fn serve(
        &self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (_routers, router) = tokio::sync::watch::channel(self.router());
        server::serve(
            listener,
            router,
            self.state.config.connection_limits(),
            self.state.metrics.clone(),
            shutdown,
        )
        .await
    }

    /// Every route of the route table: the API under `/v1`, health and metrics, the OpenAPI
    /// document, the web pages; on a replica, only the routes marked [`RouteDoc::on_replicas`].
    /// Each is behind the access layer with the [`Access`] the table declares for it.
    pub fn router(&self) -> Router {
        let config = &self.state.config;
        let replica = self.state.primary.is_none();
        let mut router = Router::new();
        for (doc, mut handler) in routes::table() {
            if replica && !doc.on_replicas {
                continue;
            }
            // Every layer is a route layer: a method the route does not serve gets its 405 (with
            // `Allow`) from axum without passing through them, so it spends no budget and waits
            // for no answering slot.
            if BUDGETED.contains(&doc.operation) {
                handler = handler.route_layer(middleware::from_fn_with_state(
                    self.clone(),
                    limits::by_address,
                ));
            }
            if doc.operation == POLL {
                handler = handler
                    .route_layer(middleware::from_fn_with_state(self.clone(), limits::polls));
            }
            if ANSWERING.contains(&doc.operation) {
                handler = handler.route_layer(middleware::from_fn_with_state(
                    self.clone(),
                    limits::one_question_at_a_time,
                ));
            }
            // Outside the budgets, so that they see who the caller is.
            handler = handler.route_layer(middleware::from_fn_with_state(
                access::Gate::new(self.clone(), doc.access),
                access::enforce,
            ));
            // Outermost: a body announced over the limit is refused before anything else.
            handler = body_limit::limited(handler, routes::body_limit(config, &doc));
            router = router.route(doc.path, handler);
        }
        let router = router
            .fallback(health::not_found)
            .layer(middleware::from_fn_with_state(
                self.clone(),
                finish_response,
            ))
            .with_state(self.clone());
        match cors_layer(&config.cors_origins) {
            Some(cors) => router.layer(cors),
            None => router,
        }
    }
}

/// The routes anyone may call that cost the service work or storage: each visitor request spends
/// from the address's budget ([`limits::by_address`]). A reply is budgeted by address as well as by
/// session: sessions are free to mint, so a per-session budget alone multiplies with them.
/// Forgetting a conversation commits to the desk under its lock even when there is nothing to
/// forget: unbudgeted, one session repeating it held every desk write back.
const BUDGETED: &[&str] = &[
    "ask",
    "search",
    "escalate",
    "feedback",
    "newSession",
    "reply",
    "forgetConversation",
];

/// The chat page's poll of its messages: cheap, frequent while a page is open, so budgeted apart
/// ([`limits::polls`]) with room for the page's cadence.
const POLL: &str = "conversation";

/// The routes that run the engine: they share the `max_concurrent_questions` slots.
const ANSWERING: &[&str] = &["ask", "search"];

/// Counts every response for `/metrics`, and gives the errors axum produces itself (a malformed JSON
/// body, a body over the limit, a wrong method) the API's JSON error shape.
/// Every response also tells browsers not to guess content types (`nosniff`).
async fn finish_response(State(service): State<Service>, request: Request, next: Next) -> Response {
    let mut response = finish(service, request, next).await;
    response.headers_mut().insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    response
}

async fn finish(service: Service, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    // A 405 says which methods the route serves, in whatever shape.
    let allow = response.headers().get(axum::http::header::ALLOW).cloned();
    service.state.metrics.response(status.as_u16());
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let text = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::URI_TOO_LONG => "uri_too_long",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "headers_too_large",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let mut response = ApiError::new(status, code, message).into_response();
    if let Some(allow) = allow {
        response
            .headers_mut()
            .insert(axum::http::header::ALLOW, allow);
    }
    response
}

/// Browsers on the configured origins may call the API (the chat page embedded in another site).
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    use axum::http::{HeaderName, HeaderValue, Method, header};
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                HeaderName::from_static(IDENTITY_HEADER),
                HeaderName::from_static(access::SESSION_HEADER),
            ]),
    )
}
