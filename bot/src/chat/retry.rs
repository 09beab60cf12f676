//! Retrying a platform request outside the outbox: answers to askers, and the later steps of a delivery
//! whose first step already reached the platform (and so must not be redone by the outbox).

use std::future::Future;
use std::time::Duration;

use consulta_desk::{Clock, DeliveryError, FailureKind, Span};

/// Attempts of one request.
const ATTEMPTS: u32 = 5;
/// First wait after a transient failure; doubled after each further one.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// Runs `call` until it succeeds, fails permanently (as `classify` says), or [`ATTEMPTS`] are spent,
/// waiting the platform's `retry_after` when it gives one. The waits are spent on `clock`: the
/// system clock in production, a manual one in tests, which then see each wait and end it.
pub async fn with_retry<T, E, F, Fut>(
    clock: &dyn Clock,
    classify: impl Fn(&E) -> DeliveryError,
    call: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    retry_sleeping(classify, call, |wait| {
        clock.sleep(Span::from_duration(wait))
    })
    .await
}

/// [`with_retry`], waiting with `sleep`: the tests record the waits instead of spending them.
pub(crate) async fn retry_sleeping<T, E, F, Fut, S, Slept>(
    classify: impl Fn(&E) -> DeliveryError,
    mut call: F,
    mut sleep: S,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    S: FnMut(Duration) -> Slept,
    Slept: Future<Output = ()>,
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
                sleep(wait).await;
                backoff *= 2;
                attempt += 1;
            }
        }
    }
}

/// Recorded waits for [`retry_sleeping`], shared by the front-ends' tests.
#[cfg(test)]
pub(crate) mod recorded {
    use std::future::Ready;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// A `sleep` that returns at once and keeps what it was asked to wait.
    #[derive(Clone, Default)]
    pub(crate) struct Sleeps(Arc<Mutex<Vec<Duration>>>);

    impl Sleeps {
        pub(crate) fn sleep(&self) -> impl FnMut(Duration) -> Ready<()> + use<> {
            let waits = self.0.clone();
            move |wait| {
                waits.lock().unwrap().push(wait);
                std::future::ready(())
            }
        }

        pub(crate) fn waits(&self) -> Vec<Duration> {
            self.0.lock().unwrap().clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::recorded::Sleeps;
    use super::*;

    fn transient(_: &&str) -> DeliveryError {
        DeliveryError::transient("the platform failed")
    }

    #[tokio::test]
    async fn a_retry_after_is_waited_then_the_request_retried() {
        let sleeps = Sleeps::default();
        let calls = Cell::new(0);
        let classify =
            |_: &&str| DeliveryError::transient("slow down (429)").retry_after(Span::from_secs(7));
        let sent = retry_sleeping(
            classify,
            || {
                calls.set(calls.get() + 1);
                std::future::ready(if calls.get() == 1 {
                    Err("429")
                } else {
                    Ok("sent")
                })
            },
            sleeps.sleep(),
        )
        .await;
        assert_eq!(sent, Ok("sent"));
        assert_eq!(calls.get(), 2, "retried once");
        assert_eq!(
            sleeps.waits(),
            [Duration::from_secs(7)],
            "the platform's wait, not the backoff"
        );
    }

    #[tokio::test]
    async fn without_a_hint_waits_double_until_the_attempts_are_spent() {
        let sleeps = Sleeps::default();
        let calls = Cell::new(0);
        let failed = retry_sleeping(
            transient,
            || {
                calls.set(calls.get() + 1);
                std::future::ready(Err::<(), _>("down"))
            },
            sleeps.sleep(),
        )
        .await;
        assert_eq!(failed, Err("down"));
        assert_eq!(calls.get(), ATTEMPTS);
        let millis: Vec<u128> = sleeps.waits().iter().map(Duration::as_millis).collect();
        assert_eq!(millis, [250, 500, 1000, 2000]);
    }

    #[tokio::test]
    async fn a_permanent_failure_is_not_retried() {
        let sleeps = Sleeps::default();
        let calls = Cell::new(0);
        let refused = retry_sleeping(
            |_: &&str| DeliveryError::permanent("forbidden"),
            || {
                calls.set(calls.get() + 1);
                std::future::ready(Err::<(), _>("403"))
            },
            sleeps.sleep(),
        )
        .await;
        assert_eq!(refused, Err("403"));
        assert_eq!(calls.get(), 1);
        assert!(sleeps.waits().is_empty());
    }
}
