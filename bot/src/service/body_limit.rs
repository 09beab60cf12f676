//! How large a body each route reads, refused from what the client announces.
//!
//! axum's `DefaultBodyLimit` counts bytes as they arrive, so a request whose `Content-Length`
//! announces a gigabyte is refused only once its body starts coming, and one that announces it and
//! sends nothing holds its connection until `service.body_read_timeout_secs` cuts it. The
//! announced length is known with the headers: a request over the route's limit is refused with 413
//! before a byte of its body is read (and hyper closes the connection rather than read the body).
//! Chunked bodies, which announce nothing, are still counted by `DefaultBodyLimit` as they arrive.

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use super::Service;
use super::error::ApiError;

/// One route's body limit and the setting that sets it, which the refusal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BodyLimit {
    /// The most bytes the route reads.
    pub(super) bytes: usize,
    /// The `[service]` setting it comes from.
    pub(super) setting: &'static str,
}

/// `handler` reading at most `limit` bytes of body, and refusing a larger announced body at once.
pub(super) fn limited(handler: MethodRouter<Service>, limit: BodyLimit) -> MethodRouter<Service> {
    handler
        .route_layer(DefaultBodyLimit::max(limit.bytes))
        .route_layer(middleware::from_fn_with_state(limit, refuse_announced))
}

/// 413 for a `Content-Length` over the limit; anything else goes on. hyper has already refused a
/// `Content-Length` that is not a number.
async fn refuse_announced(
    State(limit): State<BodyLimit>,
    request: Request,
    next: Next,
) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match announced {
        Some(bytes) if bytes > limit.bytes as u64 => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "the body would be {bytes} bytes; this route reads at most {} (service.{})",
                limit.bytes, limit.setting
            ),
        )
        .into_response(),
        _ => next.run(request).await,
    }
}
