//! The `[service]` settings: where `consulta serve` listens, the tokens of each kind of caller and
//! the per-client limits. Tokens are secrets and never appear in logs or `Debug` output.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use serde::Deserialize;

use consulta_desk::{Identity, Platform};

/// The `[service]` settings: where `consulta serve` listens and who may do what.
///
/// Tokens are secrets: set them in the environment (`CONSULTA_SERVICE__EXPERT_TOKEN`, ...) or in a
/// configuration file readable only by the service; they are never logged, not even in `Debug`. An
/// empty token turns its routes off, so a fresh install exposes nothing but asking.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceConfig {
    /// Address of the HTTP API and the web pages (`--listen`, `CONSULTA_LISTEN`).
    pub listen: SocketAddr,
    /// Each expert's own credential: the SHA-256 of their token, bound to the identity they act as.
    /// An expert signs in to the console (or calls the API) with their token alone; the identity
    /// comes from the credential, so one expert's token cannot act as another. The identity must
    /// also be listed under an expert in `[desk]`.
    pub experts: Vec<ExpertCredential>,
    /// Lets the bearer add documents and rebuild the indexes.
    pub admin_token: String,
    /// Lets a front-end process act for the users of every platform: a replica (which records
    /// questions from any platform), or a single trusted process. Prefer `[[service.frontends]]`
    /// for the chat front-ends, whose tokens act only for their own platform.
    pub frontend_token: String,
    /// Front-end tokens bound to platforms: the process presenting one (`consulta telegram
    /// --service-url`) may act only for identities, askers and relays of those platforms, so a
    /// leaked Telegram token cannot act as a Discord user, a web visitor or a CLI expert.
    pub frontends: Vec<FrontEndCredential>,
    /// The secret web sessions are minted and checked with (`POST /v1/sessions`). Empty: a random
    /// key kept in the primary's web inbox. Set the same secret on a primary and its replicas, so
    /// that a replica recognises the sessions the primary minted.
    pub session_secret: String,
    /// Origins allowed to call the API from a browser (the sites that embed the chat page); empty
    /// means same-origin only, `["*"]` any site.
    pub cors_origins: Vec<String>,
    /// Largest request body accepted on the JSON routes.
    pub max_body_bytes: usize,
    /// Largest document `POST /v1/documents` accepts.
    pub max_document_bytes: usize,
    /// Makes this process a replica of the primary at this URL (`--replica-of`): it answers
    /// questions from the primary's Qdrant collection and passages, and records them in the
    /// primary's desk with `frontend_token`. Empty: this process is a primary.
    pub replica_of: String,
    /// How often a replica asks the primary whether its passages changed.
    pub replica_poll_secs: u64,
    /// How long a client may take to send a request's headers before the connection is closed
    /// (slow clients holding connections open: slowloris).
    pub header_read_timeout_secs: u64,
    /// How long a client may take to send a request's body, from its headers to its last byte,
    /// before the request is refused and the connection closed (slow bodies: each byte pushes the
    /// idle timeout back, so a body trickled a byte a minute would otherwise hold its connection
    /// for days). Large document uploads on slow links need it longer.
    pub body_read_timeout_secs: u64,
    /// How long a connection may stay without a byte in either direction (between requests, or
    /// in the middle of a body) before it is closed.
    pub idle_timeout_secs: u64,
    /// Connections served at once; more wait in the listen backlog until one closes. Keep it
    /// below the process's file-descriptor limit (`ulimit -n`, systemd `LimitNOFILE`).
    pub max_connections: usize,
    /// How long a shutdown (SIGTERM) lets requests in flight finish before closing their
    /// connections; under systemd's 30 s `TimeoutStopSec` so that the process exits on its own.
    pub shutdown_grace_secs: u64,
    /// Requests one address may send a minute to ask, search, escalations and feedback (a burst
    /// of this many, then one every `60 / N` s); over it: 429 with `Retry-After`. 0: no limit.
    /// Front-end processes and the operator's token are not counted.
    pub requests_per_minute_per_address: u32,
    /// The same budget for one web session (a visitor's conversation).
    pub requests_per_minute_per_session: u32,
    /// Polls of `GET /v1/conversations/messages` one address may send a minute (the chat page
    /// polls every 3 s, 20 a minute, while open); over it: 429 with `Retry-After`. Apart from
    /// the budget above, which the page would otherwise use up. 0: no limit.
    pub polls_per_minute_per_address: u32,
    /// The same budget for one web session: room for a few tabs of one conversation.
    pub polls_per_minute_per_session: u32,
    /// Questions (asks and searches) answered at once, whoever asks; the rest queue for a slot.
    pub max_concurrent_questions: usize,
    /// How long a question waits for a slot before it is refused with 503 and `Retry-After`.
    pub question_queue_secs: u64,
    /// Tickets one asker may have open at once, on any platform (the desk refuses one more: 429 on
    /// the API, a notice in the chats).
    pub max_open_tickets_per_asker: usize,
    /// The longest URL (path and query) served; a longer one gets 414. The API's URLs are short
    /// (ids and filters); long input goes in a JSON body. hyper refuses URLs over 65,534 bytes
    /// whatever this says.
    pub max_uri_bytes: usize,
    /// The largest request head (request line and headers, in bytes) read; a larger one gets 431.
    /// It bounds the memory a client can make one connection hold before a route runs.
    pub max_header_bytes: usize,
    /// The most header fields a request may have; more get 431.
    pub max_header_fields: usize,
    /// Behind a reverse proxy: the header it puts the client's address in (`X-Forwarded-For`);
    /// its last address is used. Empty: the peer's address (every client would otherwise share
    /// the proxy's budget). Never set it without a proxy that overwrites or appends the header.
    pub client_ip_header: String,
}

/// The smallest URL limit applied: the API's own routes must stay reachable.
const MIN_URI_BYTES: usize = 256;
/// The smallest head limit applied: a browser's ordinary headers must fit.
const MIN_HEADER_BYTES: usize = 4096;
/// The fewest header fields allowed, for the same reason.
const MIN_HEADER_FIELDS: usize = 16;

impl ServiceConfig {
    /// The connection bounds of [`super::server::serve`].
    pub fn connection_limits(&self) -> super::server::ConnectionLimits {
        super::server::ConnectionLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs.max(1)),
            body_read_timeout: Duration::from_secs(self.body_read_timeout_secs.max(1)),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
            shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
            max_uri_bytes: self.max_uri_bytes.max(MIN_URI_BYTES),
            max_header_bytes: self.max_header_bytes.max(MIN_HEADER_BYTES),
            max_header_fields: self.max_header_fields.max(MIN_HEADER_FIELDS),
        }
    }
}

/// One front-end process's credential in `[[service.frontends]]`.
///
/// Stored as a digest, like an expert's: the token itself lives only in the front-end's environment
/// (`CONSULTA_SERVICE__FRONTEND_TOKEN` of `consulta telegram --service-url`).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontEndCredential {
    /// The platforms the bearer acts for (`["telegram"]`); at least one.
    pub platforms: Vec<Platform>,
    /// The token's SHA-256, 64 hex digits (`printf %s "$TOKEN" | sha256sum`).
    pub token_sha256: String,
}

impl fmt::Debug for FrontEndCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrontEndCredential")
            .field("platforms", &self.platforms)
            .finish_non_exhaustive()
    }
}

/// One expert's credential in `[[service.experts]]`.
///
/// Only the token's digest is stored, so a leaked configuration file does not let anyone sign in.
/// Tokens are random (32 bytes or more, e.g. `openssl rand -hex 32`): a digest without salt or
/// stretching is enough for a secret that cannot be guessed, unlike a password.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpertCredential {
    /// Who the bearer acts as (`web:ana`).
    pub identity: Identity,
    /// The token's SHA-256, 64 hex digits (`printf %s "$TOKEN" | sha256sum`).
    pub token_sha256: String,
}

impl fmt::Debug for ExpertCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExpertCredential")
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            experts: Vec::new(),
            admin_token: String::new(),
            frontend_token: String::new(),
            frontends: Vec::new(),
            session_secret: String::new(),
            cors_origins: Vec::new(),
            max_body_bytes: 64 * 1024,
            max_document_bytes: 20 * 1024 * 1024,
            replica_of: String::new(),
            replica_poll_secs: 10,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 60,
            idle_timeout_secs: 60,
            max_connections: 512,
            shutdown_grace_secs: 20,
            requests_per_minute_per_address: 60,
            requests_per_minute_per_session: 20,
            polls_per_minute_per_address: 600,
            polls_per_minute_per_session: 60,
            max_concurrent_questions: 8,
            question_queue_secs: 10,
            max_open_tickets_per_asker: 3,
            max_uri_bytes: 8 * 1024,
            max_header_bytes: 96 * 1024,
            max_header_fields: 100,
            client_ip_header: String::new(),
        }
    }
}

impl fmt::Debug for ServiceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |token: &str| if token.is_empty() { "" } else { "<redacted>" };
        f.debug_struct("ServiceConfig")
            .field("listen", &self.listen)
            .field("experts", &self.experts)
            .field("admin_token", &secret(&self.admin_token))
            .field("frontend_token", &secret(&self.frontend_token))
            .field("frontends", &self.frontends)
            .field("session_secret", &secret(&self.session_secret))
            .field("cors_origins", &self.cors_origins)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_document_bytes", &self.max_document_bytes)
            .field("replica_of", &self.replica_of)
            .field("replica_poll_secs", &self.replica_poll_secs)
            .field("header_read_timeout_secs", &self.header_read_timeout_secs)
            .field("body_read_timeout_secs", &self.body_read_timeout_secs)
            .field("idle_timeout_secs", &self.idle_timeout_secs)
            .field("max_connections", &self.max_connections)
            .field("shutdown_grace_secs", &self.shutdown_grace_secs)
            .field(
                "requests_per_minute_per_address",
                &self.requests_per_minute_per_address,
            )
            .field(
                "requests_per_minute_per_session",
                &self.requests_per_minute_per_session,
            )
            .field(
                "polls_per_minute_per_address",
                &self.polls_per_minute_per_address,
            )
            .field(
                "polls_per_minute_per_session",
                &self.polls_per_minute_per_session,
            )
            .field("max_concurrent_questions", &self.max_concurrent_questions)
            .field("question_queue_secs", &self.question_queue_secs)
            .field(
                "max_open_tickets_per_asker",
                &self.max_open_tickets_per_asker,
            )
            .field("max_uri_bytes", &self.max_uri_bytes)
            .field("max_header_bytes", &self.max_header_bytes)
            .field("max_header_fields", &self.max_header_fields)
            .field("client_ip_header", &self.client_ip_header)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_token() {
        let config = ServiceConfig {
            experts: vec![ExpertCredential {
                identity: "web:ana".parse().unwrap(),
                token_sha256: "digest-secret".into(),
            }],
            frontends: vec![FrontEndCredential {
                platforms: vec![Platform::Telegram],
                token_sha256: "frontend-digest-hush".into(),
            }],
            admin_token: "admin-hush".into(),
            session_secret: "session-hush".into(),
            ..ServiceConfig::default()
        };
        let shown = format!("{config:?}");
        for hidden in [
            "digest-secret",
            "frontend-digest-hush",
            "admin-hush",
            "session-hush",
        ] {
            assert!(!shown.contains(hidden), "{shown}");
        }
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
