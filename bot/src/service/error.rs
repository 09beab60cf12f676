//! The service's one error shape: an HTTP status, a stable code clients can branch on, and a message
//! a person can act on. Every failure of every route is turned into it.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::assistant::{AssistantError, FailureCode};
use crate::chat::DeskRefusal;
use consulta_corpus::Lang;
use consulta_desk::DeskError;

/// An API failure: an HTTP status, a stable machine-readable code that clients can branch on, and a
/// message a person can act on. Every error response has this JSON shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Stable, documented in the OpenAPI document (`bad_request`, `unauthorized`, ...).
    pub code: &'static str,
    /// For the person reading it.
    pub message: String,
    /// Seconds the client should wait before trying again (`Retry-After`), for 429 and 503.
    pub retry_after: Option<u64>,
    /// The desk's refusal behind the error, sent as `error.refusal` so that a front-end process
    /// says it in its reader's language rather than in `message`'s English.
    pub refusal: Option<DeskRefusal>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refusal: Option<&'a DeskRefusal>,
    /// The refusal in each language, keyed by language code: what the browser pages show in
    /// their reader's language instead of `message`.
    #[serde(skip_serializing_if = "Option::is_none")]
    said: Option<BTreeMap<&'static str, String>>,
}

impl ApiError {
    /// A failure with status `status` and code `code`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            refusal: None,
        }
    }

    /// The client spent its budget; it may try again after `seconds`.
    pub fn too_many_requests(message: impl Into<String>, seconds: u64) -> Self {
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
        }
    }

    /// The service cannot take the request now (busy, or still starting); try again after `seconds`.
    pub fn busy(message: impl Into<String>, seconds: u64) -> Self {
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
        }
    }

    /// The request is malformed or breaks a rule (empty question, unknown action).
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// No credentials, or wrong ones.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// Valid credentials that do not allow this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// Nothing with that id.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// Our fault; the message goes to the logs, the client gets a generic one.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        tracing::error!(error = %message, "request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; the operator's logs say more",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
                refusal: self.refusal.as_ref(),
                said: self.refusal.as_ref().map(|refusal| {
                    Lang::ALL
                        .into_iter()
                        .map(|lang| (lang.code(), refusal.said(lang)))
                        .collect()
                }),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// The `Retry-After` of a ticket refused for the asker's cap: an expert's answer takes hours.
const TICKET_CAP_WAIT: u64 = 3600;

impl From<AssistantError> for ApiError {
    fn from(error: AssistantError) -> Self {
        let refusal = error.refusal;
        let api = match error.code {
            FailureCode::BadRequest => ApiError::bad_request(error.message),
            FailureCode::Forbidden => ApiError::forbidden(error.message),
            FailureCode::NotFound => ApiError::not_found(error.message),
            FailureCode::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", error.message),
            FailureCode::Particulars => {
                ApiError::new(StatusCode::CONFLICT, "particulars", error.message)
            }
            FailureCode::TooMany => ApiError::too_many_requests(error.message, TICKET_CAP_WAIT),
            FailureCode::Internal => ApiError::internal(error.message),
        };
        ApiError { refusal, ..api }
    }
}

impl From<DeskError> for ApiError {
    fn from(error: DeskError) -> Self {
        AssistantError::from(error).into()
    }
}
