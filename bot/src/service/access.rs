//! The access layer. Each route declares its [`Access`] in the route table ([`super::routes`]), and
//! [`enforce`], the one middleware every route passes through, authenticates the caller as that
//! level requires and leaves who they are in the request's extensions. Handlers take the resolved
//! caller with the extractors below; none of them reads a credential header itself, so a route
//! cannot be served with weaker checks than its declaration says.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Service;
use super::auth::{Caller, FrontEndScope};
use super::error::ApiError;
use super::inbox::SessionId;
use super::routes::Access;
use super::session_key::SessionKey;
use crate::chat::DeskRefusal;
use consulta_desk::{Identity, IdentityError, Platform};

/// The header a visitor's page names its session in: never in the URL, where proxies and server
/// logs would keep it.
pub const SESSION_HEADER: &str = "x-consulta-session";

/// What [`enforce`] needs for one route: the service (its tokens, session key and experts) and the
/// level the route declared.
#[derive(Clone)]
pub(super) struct Gate {
    /// Where credentials are checked against.
    service: Service,
    /// What the route table declares for this route.
    access: Access,
}

impl Gate {
    /// The gate of a route declared with `access`.
    pub(super) fn new(service: Service, access: Access) -> Gate {
        Gate { service, access }
    }
}

/// Refuses a request its route's [`Access`] does not admit; otherwise puts the resolved caller in
/// the request's extensions for the handler's extractor.
pub(super) async fn enforce(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    if let Err(error) = admit(&gate, &parts.headers, &mut parts.extensions).await {
        return error.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

async fn admit(gate: &Gate, headers: &HeaderMap, found: &mut Extensions) -> Result<(), ApiError> {
    let state = &gate.service.state;
    let config = &state.config;
    match gate.access {
        // Credentials are not needed here; a token that names no role counts as none (a visitor).
        Access::Public => {
            found.insert(PublicCaller {
                caller: Caller::from_headers(headers, config).unwrap_or(Caller::Visitor),
                sessions: state.sessions.clone(),
            });
        }
        Access::PublicOrFrontEnd => {
            found.insert(PublicCaller {
                caller: Caller::from_headers(headers, config)?,
                sessions: state.sessions.clone(),
            });
        }
        Access::Session => {
            found.insert(WebVisitor(session_in_header(
                state.sessions.as_ref(),
                headers,
            )?));
        }
        Access::Expert => {
            let identity = Caller::from_headers(headers, config)?.expert_identity(headers)?;
            // Checked before anything is read: tickets hold askers' questions.
            if !state.assistant.is_expert(identity.clone()).await? {
                return Err(ApiError {
                    refusal: Some(DeskRefusal::NotAnExpert(identity.clone())),
                    ..ApiError::forbidden(format!(
                        "{identity} is not a configured expert; add it to an expert's identities in [desk]"
                    ))
                });
            }
            found.insert(ExpertActor(identity));
        }
        Access::FrontEnd => {
            let caller = Caller::from_headers(headers, config)?;
            caller.require_frontend()?;
            if let Caller::FrontEnd(scope) = caller {
                found.insert(FrontEndCaller(scope));
            }
        }
        Access::Admin => {
            Caller::from_headers(headers, config)?.require_admin()?;
            found.insert(Operator);
        }
    }
    Ok(())
}

/// The visitor's session from [`SESSION_HEADER`], which [`Access::Session`] routes require: 401
/// without one, or with one this service did not mint.
fn session_in_header(
    sessions: Option<&SessionKey>,
    headers: &HeaderMap,
) -> Result<SessionId, ApiError> {
    let text = headers
        .get(SESSION_HEADER)
        .ok_or_else(|| {
            ApiError::unauthorized(format!(
                "name your session in the {SESSION_HEADER} header: get one from POST /v1/sessions"
            ))
        })?
        .to_str()
        .map_err(|_| ApiError::bad_request(format!("the {SESSION_HEADER} header is not text")))?;
    let key = sessions.ok_or_else(no_session_key)?;
    key.check(text)
        .map_err(|e| ApiError::unauthorized(e.to_string()))
}

fn no_session_key() -> ApiError {
    ApiError::bad_request(
        "this replica cannot check web sessions: set the primary's service.session_secret on it",
    )
}

/// The caller of a route anyone may call ([`Access::Public`], [`Access::PublicOrFrontEnd`]): a
/// visitor, who is their minted session, or a front-end that names the user it acts for.
#[derive(Debug, Clone)]
pub(super) struct PublicCaller {
    /// Who the token says is calling (a visitor without one).
    caller: Caller,
    /// What the visitor's session is checked with; `None` on a replica that cannot tell sessions.
    sessions: Option<SessionKey>,
}

impl PublicCaller {
    /// Whether the caller is a visitor (no role token): visitors spend the per-client budgets.
    pub(super) fn is_visitor(&self) -> bool {
        self.caller == Caller::Visitor
    }

    /// Admits a user the request names on `platform` only when a front-end for that platform calls.
    pub(super) fn act_for(&self, platform: Platform) -> Result<(), ApiError> {
        self.caller.require_frontend_for(platform)
    }

    /// The visitor's session as the body gives it, when this service minted it.
    pub(super) fn visitor(&self, session: Option<&str>) -> Result<SessionId, ApiError> {
        let session = session.ok_or_else(|| {
            ApiError::bad_request("give a `session`: get one from POST /v1/sessions")
        })?;
        let key = self.sessions.as_ref().ok_or_else(no_session_key)?;
        key.check(session)
            .map_err(|e| ApiError::bad_request(e.to_string()))
    }
}

/// A web visitor holding a session this service minted ([`Access::Session`]).
#[derive(Debug, Clone)]
pub(super) struct WebVisitor(pub SessionId);

/// The expert a request acts as ([`Access::Expert`]): named by their own token, or by a front-end
/// for its platform, and listed among the desk's experts.
#[derive(Debug, Clone)]
pub(super) struct ExpertActor(pub Identity);

/// A front-end process ([`Access::FrontEnd`]) and the platforms it may act for.
#[derive(Debug, Clone)]
pub(super) struct FrontEndCaller(FrontEndScope);

impl FrontEndCaller {
    /// Admits `platform`'s users only when this front-end acts for that platform.
    pub(super) fn act_for(&self, platform: Platform) -> Result<(), ApiError> {
        Caller::FrontEnd(self.0.clone()).require_frontend_for(platform)
    }

    /// The user a path names (`platform:id`), once this front-end may act for their platform.
    pub(super) fn user(&self, text: &str) -> Result<Identity, ApiError> {
        let user: Identity = text
            .parse()
            .map_err(|e: IdentityError| ApiError::bad_request(e.to_string()))?;
        self.act_for(user.platform)?;
        Ok(user)
    }

    /// The platform a path names, once this front-end may act for it.
    pub(super) fn platform(&self, text: &str) -> Result<Platform, ApiError> {
        let platform: Platform = text
            .parse()
            .map_err(|e: IdentityError| ApiError::not_found(e.to_string()))?;
        self.act_for(platform)?;
        Ok(platform)
    }
}

/// The operator ([`Access::Admin`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Operator;

/// Takes what [`enforce`] resolved. A handler asking for a caller its route's declared level does
/// not resolve fails closed with 500, which a test of that route shows at once.
fn resolved<T: Clone + Send + Sync + 'static>(parts: &Parts) -> Result<T, ApiError> {
    parts.extensions.get::<T>().cloned().ok_or_else(|| {
        ApiError::internal(format!(
            "{} {} asks for a {} its declared access does not resolve: fix its Access in routes.rs",
            parts.method,
            parts.uri.path(),
            std::any::type_name::<T>()
        ))
    })
}

macro_rules! from_extensions {
    ($($caller:ty),*) => {$(
        impl<S: Send + Sync> FromRequestParts<S> for $caller {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
                resolved(parts)
            }
        }
    )*};
}

from_extensions!(
    PublicCaller,
    WebVisitor,
    ExpertActor,
    FrontEndCaller,
    Operator
);
