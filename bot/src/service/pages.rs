//! The chat page and the expert console: static files compiled into the binary, so the service needs
//! no web server or JavaScript build step beside it.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get};

use super::Service;
use super::routes::{RouteDoc, page};

/// The chat page may load scripts and styles from this origin only, call only this origin's API,
/// and be embedded in any site (the sites that offer the chat).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; frame-ancestors *";

/// The expert console the same, but never inside another site's frame: a framing page could trick
/// a signed-in expert into clicking "Approve" or "Close" (clickjacking).
const CONSOLE_SECURITY_POLICY: &str =
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'";

fn page_response(html: &'static str, policy: &'static str) -> impl IntoResponse {
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

/// `/`, `/console` and their assets, declared like every route (anyone may load them).
pub(super) fn table() -> Vec<(RouteDoc, MethodRouter<Service>)> {
    const SCRIPT: &str = "text/javascript; charset=utf-8";
    vec![
        (
            page("/", "chatPage"),
            get(|| async { page_response(include_str!("web/chat.html"), CONTENT_SECURITY_POLICY) }),
        ),
        (
            page("/console", "consolePage"),
            get(|| async {
                page_response(include_str!("web/console.html"), CONSOLE_SECURITY_POLICY)
            }),
        ),
        (
            page("/assets/app.css", "styles"),
            get(|| async { asset("text/css; charset=utf-8", include_str!("web/app.css")) }),
        ),
        (
            page("/assets/i18n.js", "translations"),
            get(|| async { asset(SCRIPT, include_str!("web/i18n.js")) }),
        ),
        (
            page("/assets/chat.js", "chatScript"),
            get(|| async { asset(SCRIPT, include_str!("web/chat.js")) }),
        ),
        (
            page("/assets/console.js", "consoleScript"),
            get(|| async { asset(SCRIPT, include_str!("web/console.js")) }),
        ),
    ]
}
