//! The chat page and the expert console: static files compiled into the binary, so the service needs
//! no web server or JavaScript build step beside it.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::Service;

/// The chat page may load scripts and styles from this origin only, call only this origin's API,
/// and be embedded in any site (the sites that offer the chat).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; frame-ancestors *";

/// The expert console the same, but never inside another site's frame: a framing page could trick
/// a signed-in expert into clicking "Approve" or "Close" (clickjacking).
const CONSOLE_SECURITY_POLICY: &str =
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'";

fn page(html: &'static str, policy: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, policy),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        html,
    )
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
}

/// `/`, `/console` and their assets.
pub(super) fn routes() -> Router<Service> {
    Router::new()
        .route(
            "/",
            get(|| async { page(include_str!("web/chat.html"), CONTENT_SECURITY_POLICY) }),
        )
        .route(
            "/console",
            get(|| async { page(include_str!("web/console.html"), CONSOLE_SECURITY_POLICY) }),
        )
        .route(
            "/assets/app.css",
            get(|| async { asset("text/css; charset=utf-8", include_str!("web/app.css")) }),
        )
        .route(
            "/assets/i18n.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("web/i18n.js"),
                )
            }),
        )
        .route(
            "/assets/chat.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("web/chat.js"),
                )
            }),
        )
        .route(
            "/assets/console.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("web/console.js"),
                )
            }),
        )
}
