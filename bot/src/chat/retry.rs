//! Retrying a platform request outside the outbox: answers to askers, and the later steps of a delivery
//! whose first step already reached the platform (and so must not be redone by the outbox).

use std::future::Future;
use std::time::Duration;

use consulta_desk::{DeliveryError, FailureKind, Span};

/// Attempts of one request.
const ATTEMPTS: u32 = 5;
/// First wait after a transient failure; doubled after each further one.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// Runs `call` until it succeeds, fails permanently (as `classify` says), or [`ATTEMPTS`] are spent,
/// waiting the platform's `retry_after` when it gives one.
pub async fn with_retry<T, E, F, Fut>(
    classify: impl Fn(&E) -> DeliveryError,
    mut call: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(error) => {
                let failure = classify(&error);
                if failure.kind == FailureKind::Permanent || attempt >= ATTEMPTS {
                    return Err(error);
                }
                let wait = failure
                    .retry_after
                    .map(Span::to_duration)
                    .unwrap_or(backoff);
                tracing::debug!(%failure, ?wait, attempt, "retrying a platform request");
                tokio::time::sleep(wait).await;
                backoff *= 2;
                attempt += 1;
            }
        }
    }
}
