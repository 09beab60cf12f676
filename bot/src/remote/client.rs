//! The HTTP client of the service's API for front-end processes and replicas: authentication, timeouts,
//! retries of calls that never reached the service, and errors that say what to check.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::assistant::{AssistantError, FailureCode};
use crate::chat::DeskRefusal;
use crate::service::IDENTITY_HEADER;
use consulta_desk::Identity;

/// How long one API call may take; the service answers in milliseconds, a relay poll in at most 30 s.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(45);
/// Attempts for a call whose request never reached the service (connection refused, DNS).
const CONNECT_ATTEMPTS: u32 = 3;

/// Why a call to the service failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    /// The service answered with an error.
    #[error("the service refused: {code}: {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The stable error code.
        code: String,
        /// The service's message.
        message: String,
        /// The desk's refusal, when the service sent one (`error.refusal`).
        refusal: Option<DeskRefusal>,
    },
    /// The service could not be reached or did not answer in time.
    #[error(
        "cannot reach the Consulta service: {0}; check --service-url and that `consulta serve` runs"
    )]
    Unreachable(String),
    /// The service answered something that is not the API's JSON.
    #[error("the service's reply could not be read: {0}")]
    BadReply(String),
}

impl From<RemoteError> for AssistantError {
    fn from(error: RemoteError) -> Self {
        let code = match &error {
            RemoteError::Api { code, .. } => match code.as_str() {
                "bad_request" => FailureCode::BadRequest,
                "forbidden" | "unauthorized" => FailureCode::Forbidden,
                "not_found" => FailureCode::NotFound,
                "conflict" => FailureCode::Conflict,
                "particulars" => FailureCode::Particulars,
                "too_many_requests" => FailureCode::TooMany,
                _ => FailureCode::Internal,
            },
            _ => FailureCode::Internal,
        };
        let (message, refusal) = match &error {
            RemoteError::Api {
                message, refusal, ..
            } => (message.clone(), refusal.clone()),
            other => (other.to_string(), None),
        };
        AssistantError {
            refusal,
            ..AssistantError::new(code, message)
        }
    }
}

/// An HTTP client for the service's API, authenticated with the front-end token. Cheap to clone.
#[derive(Clone)]
pub struct ServiceClient {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl std::fmt::Debug for ServiceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl ServiceClient {
    /// A client for the service at `base` (e.g. `http://127.0.0.1:8080`), using `token`
    /// (`service.frontend_token`).
    pub fn new(base: &str, token: &str) -> Result<ServiceClient, RemoteError> {
        if token.trim().is_empty() {
            return Err(RemoteError::Unreachable(
                "no front-end token: set CONSULTA_SERVICE__FRONTEND_TOKEN to the service's service.frontend_token".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| RemoteError::Unreachable(e.to_string()))?;
        Ok(ServiceClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: token.trim().to_string(),
        })
    }

    /// Calls `method path` with an optional JSON body, acting as `identity` when given; `None` for a
    /// `204 No Content` reply.
    pub async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        identity: Option<&Identity>,
        body: Option<&B>,
    ) -> Result<Option<R>, RemoteError> {
        let url = format!("{}{path}", self.base);
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&self.token);
            if let Some(identity) = identity {
                request = request.header(IDENTITY_HEADER, identity.to_string());
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            match request.send().await {
                Ok(response) => break response,
                // Only a request that never got through is safe to repeat: a question must not be
                // recorded, or a ticket opened, twice.
                Err(error) if error.is_connect() && attempt < CONNECT_ATTEMPTS => {
                    tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt))).await;
                }
                Err(error) => {
                    return Err(RemoteError::Unreachable(error.without_url().to_string()));
                }
            }
        };
        let status = response.status();
        if status == StatusCode::NO_CONTENT {
            return Ok(None);
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| RemoteError::Unreachable(e.without_url().to_string()))?;
        if !status.is_success() {
            return Err(api_error(status, &bytes));
        }
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| RemoteError::BadReply(e.to_string()))
    }

    /// The primary's passage manifest (`GET /v1/catalog`) with its revision; `None` when it is
    /// still `known`, the revision the caller has. Safe to repeat, so any failure is only reported:
    /// the caller's next poll is the retry.
    pub async fn manifest_since(
        &self,
        known: Option<&str>,
    ) -> Result<Option<(String, Vec<u8>)>, RemoteError> {
        let unreachable = |e: reqwest::Error| RemoteError::Unreachable(e.without_url().to_string());
        let mut request = self
            .http
            .get(format!("{}/v1/catalog", self.base))
            .bearer_auth(&self.token);
        if let Some(known) = known {
            request = request.header(reqwest::header::IF_NONE_MATCH, format!("\"{known}\""));
        }
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let revision = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(|tag| tag.trim_matches('"').to_string());
        let bytes = response.bytes().await.map_err(unreachable)?;
        if !status.is_success() {
            return Err(api_error(status, &bytes));
        }
        let revision =
            revision.ok_or_else(|| RemoteError::BadReply("a manifest without an ETag".into()))?;
        Ok(Some((revision, bytes.to_vec())))
    }

    /// [`ServiceClient::call`] for routes that always answer with a body.
    pub async fn json<B: Serialize, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        identity: Option<&Identity>,
        body: Option<&B>,
    ) -> Result<R, RemoteError> {
        self.call(method, path, identity, body)
            .await?
            .ok_or_else(|| RemoteError::BadReply("an empty reply".into()))
    }
}

/// The error the service's JSON error body (or, failing that, the status) describes.
fn api_error(status: StatusCode, body: &[u8]) -> RemoteError {
    let detail: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let field = |name: &str| {
        detail["error"][name]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| status.to_string())
    };
    RemoteError::Api {
        status: status.as_u16(),
        code: field("code"),
        message: field("message"),
        refusal: serde_json::from_value(detail["error"]["refusal"].clone()).ok(),
    }
}

/// A path segment with the characters that would change the path escaped (`telegram:-100` stays
/// readable; `/`, `?`, `#`, `%` and spaces do not pass).
pub(crate) fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
