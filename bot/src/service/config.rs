use std::fmt;
use std::net::SocketAddr;

use serde::Deserialize;

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
    /// The expert console's password. An expert signs in with it and their own identity
    /// (`web:ana`), which must be configured in the desk.
    pub expert_token: String,
    /// Lets the bearer add documents and rebuild the indexes.
    pub admin_token: String,
    /// Lets a front-end process (`consulta telegram --service-url`) act for its platform's users.
    pub frontend_token: String,
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
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            expert_token: String::new(),
            admin_token: String::new(),
            frontend_token: String::new(),
            cors_origins: Vec::new(),
            max_body_bytes: 64 * 1024,
            max_document_bytes: 20 * 1024 * 1024,
            replica_of: String::new(),
            replica_poll_secs: 10,
        }
    }
}

impl fmt::Debug for ServiceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |token: &str| if token.is_empty() { "" } else { "<redacted>" };
        f.debug_struct("ServiceConfig")
            .field("listen", &self.listen)
            .field("expert_token", &secret(&self.expert_token))
            .field("admin_token", &secret(&self.admin_token))
            .field("frontend_token", &secret(&self.frontend_token))
            .field("cors_origins", &self.cors_origins)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_document_bytes", &self.max_document_bytes)
            .field("replica_of", &self.replica_of)
            .field("replica_poll_secs", &self.replica_poll_secs)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_token() {
        let config = ServiceConfig {
            expert_token: "expert-secret".into(),
            admin_token: "admin-secret".into(),
            ..ServiceConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
