//! Which Qdrant failures are worth retrying, and how long to wait between attempts.
//!
//! A server restarting, a node being replaced in a cluster, a request timing out under load: these
//! pass in seconds, and a question should not fail because of them. A bad request, a missing
//! collection or a wrong API key do not pass, and retrying them only delays the error.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qdrant_client::QdrantError;
use tonic::Code;

use crate::RetrievalError;

/// The `operation` of a [`RetrievalError::VectorStore`] when the server could not be reached (or
/// stayed overloaded) through every retry: the failure that passes once the server is back, which
/// `consulta serve` waits out at start instead of exiting.
pub(crate) const UNREACHABLE: &str = "reach the Qdrant server";

/// Whether `error` says the Qdrant server could not be reached, as opposed to refusing the request:
/// worth waiting for (a server still starting), where a wrong key or collection is not.
pub fn store_unreachable(error: &RetrievalError) -> bool {
    matches!(error, RetrievalError::VectorStore { operation, .. } if *operation == UNREACHABLE)
}

/// The longest wait between two attempts, whatever the attempt number or the server's hint.
const MAX_WAIT: Duration = Duration::from_secs(10);

/// Whether a failed request may succeed if sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server was unreachable, overloaded or too slow; `wait` is its own retry-after hint.
    Transient {
        /// How long the server asked us to wait, if it said.
        wait: Option<Duration>,
    },
    /// The request itself is wrong (or not allowed): sending it again gives the same answer.
    Permanent,
}

/// Sorts a client error into [`Failure`].
pub(crate) fn classify(error: &QdrantError) -> Failure {
    match error {
        QdrantError::ResourceExhaustedError {
            retry_after_seconds,
            ..
        } => Failure::Transient {
            wait: Some(Duration::from_secs(*retry_after_seconds)),
        },
        QdrantError::ResponseError { status } => match status.code() {
            // Unavailable covers a refused connection; a connection the server drops (a restart,
            // a load balancer cutting it) comes back as Unknown "transport error".
            Code::Unavailable
            | Code::DeadlineExceeded
            | Code::ResourceExhausted
            | Code::Aborted
            | Code::Cancelled => Failure::Transient { wait: None },
            Code::Unknown if status.message().contains("transport error") => {
                Failure::Transient { wait: None }
            }
            // qdrant-client reports a connection it could not open (refused, reset during the
            // handshake, a name that does not resolve yet) as Internal "Failed to connect to ...":
            // the server is not there yet, which passes like Unavailable does.
            Code::Internal if status.message().starts_with("Failed to connect") => {
                Failure::Transient { wait: None }
            }
            _ => Failure::Permanent,
        },
        QdrantError::Io(_) => Failure::Transient { wait: None },
        _ => Failure::Permanent,
    }
}

/// Exponential backoff: `initial`, then twice as long at each attempt, capped at [`MAX_WAIT`],
/// with up to a quarter added at random so that replicas that failed together do not retry
/// together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Backoff {
    /// The wait before the first retry.
    pub initial: Duration,
    /// Retries after the first attempt; 0 sends each request once.
    pub retries: u32,
}

impl Backoff {
    /// The wait before retry number `retry` (0-based), without the random part.
    pub fn base_wait(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(16));
        self.initial.saturating_mul(factor).min(MAX_WAIT)
    }

    /// The wait before retry number `retry`, honouring the server's hint when it asks for longer.
    pub fn wait(&self, retry: u32, hint: Option<Duration>) -> Duration {
        let base = self.base_wait(retry);
        let jitter_range = base.as_millis() as u64 / 4;
        let jitter = if jitter_range == 0 {
            0
        } else {
            u64::from(clock_noise()) % jitter_range
        };
        let wait = base + Duration::from_millis(jitter);
        hint.map_or(wait, |hint| wait.max(hint)).min(MAX_WAIT)
    }

    /// Runs `attempt` until it succeeds, fails permanently, or the retries are used up, waiting
    /// between attempts with `sleep` (the tests record the waits instead of spending them). The
    /// error comes back with the number of attempts made, for the message.
    pub async fn run<T, F, Fut, S, Slept>(
        &self,
        mut attempt: F,
        mut sleep: S,
    ) -> Result<T, (QdrantError, u32)>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, QdrantError>>,
        S: FnMut(Duration) -> Slept,
        Slept: Future<Output = ()>,
    {
        let mut retry = 0;
        loop {
            match attempt().await {
                Ok(value) => return Ok(value),
                Err(error) => match classify(&error) {
                    Failure::Transient { wait } if retry < self.retries => {
                        let wait = self.wait(retry, wait);
                        tracing::warn!(%error, retry = retry + 1, of = self.retries, ?wait, "Qdrant request failed; retrying");
                        sleep(wait).await;
                        retry += 1;
                    }
                    _ => return Err((error, retry + 1)),
                },
            }
        }
    }
}

/// Cheap randomness for jitter: the clock's nanoseconds. Not for anything but spreading retries.
fn clock_noise() -> u32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use tonic::Status;

    use super::*;

    fn response(code: Code) -> QdrantError {
        QdrantError::ResponseError {
            status: Status::new(code, "test"),
        }
    }

    #[test]
    fn outages_and_timeouts_are_transient_bad_requests_are_not() {
        for code in [Code::Unavailable, Code::DeadlineExceeded, Code::Aborted] {
            assert_eq!(
                classify(&response(code)),
                Failure::Transient { wait: None },
                "{code:?}"
            );
        }
        for code in [
            Code::InvalidArgument,
            Code::NotFound,
            Code::Unauthenticated,
            Code::PermissionDenied,
            Code::FailedPrecondition,
        ] {
            assert_eq!(classify(&response(code)), Failure::Permanent, "{code:?}");
        }
        let overloaded = QdrantError::ResourceExhaustedError {
            status: Status::resource_exhausted("rate limited"),
            retry_after_seconds: 3,
        };
        assert_eq!(
            classify(&overloaded),
            Failure::Transient {
                wait: Some(Duration::from_secs(3))
            }
        );
        let dropped = QdrantError::ResponseError {
            status: Status::unknown("transport error"),
        };
        assert_eq!(classify(&dropped), Failure::Transient { wait: None });
        assert_eq!(
            classify(&response(Code::Unknown)),
            Failure::Permanent,
            "an unknown server error is not a transport failure"
        );
        let refused = QdrantError::ResponseError {
            status: Status::internal(
                "Failed to connect to http://127.0.0.1:6334/: tonic::transport::Error(Transport, ConnectError(\"tcp connect error\", Os { code: 111, kind: ConnectionRefused }))",
            ),
        };
        assert_eq!(
            classify(&refused),
            Failure::Transient { wait: None },
            "a refused connection is the server restarting"
        );
        assert_eq!(
            classify(&response(Code::Internal)),
            Failure::Permanent,
            "an internal error of a server that answered is not an outage"
        );
        let conversion = QdrantError::ConversionError("sparse into dense".into());
        assert_eq!(classify(&conversion), Failure::Permanent);
    }

    #[test]
    fn waits_double_with_bounded_jitter_and_a_cap() {
        let backoff = Backoff {
            initial: Duration::from_millis(200),
            retries: 10,
        };
        assert_eq!(backoff.base_wait(0), Duration::from_millis(200));
        assert_eq!(backoff.base_wait(3), Duration::from_millis(1600));
        assert_eq!(backoff.base_wait(9), MAX_WAIT);
        assert_eq!(backoff.base_wait(u32::MAX), MAX_WAIT);
        for retry in 0..6 {
            let wait = backoff.wait(retry, None);
            let base = backoff.base_wait(retry);
            assert!(wait >= base && wait <= base + base / 4, "{retry}: {wait:?}");
        }
        assert_eq!(
            backoff.wait(0, Some(Duration::from_secs(4))),
            Duration::from_secs(4),
            "the server's retry-after wins when longer"
        );
        assert_eq!(backoff.wait(0, Some(Duration::from_secs(600))), MAX_WAIT);
    }

    /// A `sleep` that does not wait: what these tests check is which attempts are made.
    fn no_wait(_: Duration) -> std::future::Ready<()> {
        std::future::ready(())
    }

    #[tokio::test]
    async fn retries_transient_failures_then_gives_up_or_succeeds() {
        let backoff = Backoff {
            initial: Duration::from_millis(1),
            retries: 3,
        };
        let calls = AtomicU32::new(0);
        let (error, attempts) = backoff
            .run(
                || async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Err::<(), _>(response(Code::Unavailable))
                },
                no_wait,
            )
            .await
            .unwrap_err();
        assert_eq!((attempts, calls.load(Ordering::SeqCst)), (4, 4));
        assert!(matches!(error, QdrantError::ResponseError { .. }));

        calls.store(0, Ordering::SeqCst);
        let (_, attempts) = backoff
            .run(
                || async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Err::<(), _>(response(Code::InvalidArgument))
                },
                no_wait,
            )
            .await
            .unwrap_err();
        assert_eq!(attempts, 1, "a bad request is not retried");

        calls.store(0, Ordering::SeqCst);
        let value = backoff
            .run(
                || async {
                    match calls.fetch_add(1, Ordering::SeqCst) {
                        0 | 1 => Err(response(Code::DeadlineExceeded)),
                        _ => Ok(42),
                    }
                },
                no_wait,
            )
            .await
            .unwrap();
        assert_eq!((value, calls.load(Ordering::SeqCst)), (42, 3));
    }

    /// A refused connection, as qdrant-client 1.20 reports it: transient, so it is retried with
    /// the backoff's waits until the server answers; an overloaded server's retry-after is waited
    /// in full.
    #[tokio::test]
    async fn a_refused_connection_is_retried_and_a_retry_after_waited() {
        let backoff = Backoff {
            initial: Duration::from_millis(100),
            retries: 5,
        };
        let refused = || QdrantError::ResponseError {
            status: Status::internal(
                "Failed to connect to http://127.0.0.1:6334/: tonic::transport::Error(Transport, ConnectError(\"tcp connect error\", Os { code: 111, kind: ConnectionRefused }))",
            ),
        };
        let waits = std::sync::Mutex::new(Vec::new());
        let record = |wait: Duration| {
            waits.lock().unwrap().push(wait);
            std::future::ready(())
        };
        let calls = AtomicU32::new(0);
        let value = backoff
            .run(
                || async {
                    match calls.fetch_add(1, Ordering::SeqCst) {
                        0 | 1 => Err(refused()),
                        2 => Err(QdrantError::ResourceExhaustedError {
                            status: Status::resource_exhausted("rate limited"),
                            retry_after_seconds: 4,
                        }),
                        _ => Ok("answered"),
                    }
                },
                record,
            )
            .await
            .unwrap();
        assert_eq!((value, calls.load(Ordering::SeqCst)), ("answered", 4));
        let waits = waits.into_inner().unwrap();
        assert_eq!(waits.len(), 3, "{waits:?}");
        for (retry, wait) in waits[..2].iter().enumerate() {
            let base = backoff.base_wait(retry as u32);
            assert!(
                *wait >= base && *wait <= base + base / 4,
                "{retry}: {wait:?}"
            );
        }
        assert_eq!(waits[2], Duration::from_secs(4), "the server's retry-after");
    }
}
