//! The chat page and the expert console: static files compiled into the binary, so the service needs
//! no web server or JavaScript build step beside it.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::Service;

/// Pages may load scripts and styles from this origin only, and call only this origin's API.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; frame-ancestors *";

fn page(html: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        ],
        html,
    )
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

/// `/`, `/console` and their assets.
pub(super) fn routes() -> Router<Service> {
    Router::new()
        .route("/", get(|| async { page(include_str!("web/chat.html")) }))
        .route(
            "/console",
            get(|| async { page(include_str!("web/console.html")) }),
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
