//! Delivery to front-ends that run in another process.
//!
//! The outbox worker lives with the desk, in the service. For a platform whose bot runs elsewhere
//! (`consulta telegram --service-url ...`), the worker delivers through a [`Relay`]: each delivery
//! waits in the relay until the bot process collects it (`GET /v1/relay/{platform}/next`), sends it on
//! its platform and reports the outcome (`POST /v1/relay/{platform}/done`). The outbox keeps all its
//! guarantees (order per chat, retries, dead letters) because, to it, the relay is just a front-end
//! whose sends take a little longer. What the retention rule swept travels the same way, so that a
//! bot process drops its rows about swept tickets as one in the service's process does.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, oneshot};

use super::Service;
use super::access::FrontEndCaller;
use super::error::ApiError;
use consulta_desk::{
    BoxFuture, Delivery, DeliveryError, FailureKind, Forgotten, FrontEnd, Message, Platform, Span,
};

/// A bot process that polled within this long is taken to be connected.
const CONNECTED_WITHIN: Duration = Duration::from_secs(60);
/// How long one delivery may take from queueing to outcome before the outbox retries it.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest long-poll a bot process may ask for.
const MAX_POLL: Duration = Duration::from_secs(30);

/// One piece of work handed to a bot process.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelayJob {
    /// Identifies the job in the outcome report.
    pub job: u64,
    /// What to do.
    #[serde(flatten)]
    pub work: RelayWork,
}

/// What a bot process does for the desk: the two things a [`FrontEnd`] does that touch its
/// platform or its own store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RelayWork {
    /// Put a message on the platform.
    Deliver {
        /// The outbox's idempotency key.
        key: String,
        /// The platform's chat id.
        chat_id: String,
        /// What to show.
        message: Message,
        /// When set, edit this message instead of sending a new one.
        edit_of: Option<String>,
    },
    /// Drop the rows kept about what the retention rule swept ([`FrontEnd::forget`]): the bot
    /// process keeps the ticket ↔ message table, not the service.
    Forget {
        /// The swept ids.
        swept: Forgotten,
    },
}

/// A failed delivery as the bot process classified it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelayFailure {
    /// `false` when retrying cannot help (the chat is gone).
    pub transient: bool,
    /// The platform's "retry after", in seconds.
    pub retry_after_secs: Option<u64>,
    /// For the operator's logs.
    pub reason: String,
}

/// The outcome the bot process reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelayOutcome {
    /// The platform accepted it, under this message id.
    Sent(String),
    /// The rows about a sweep are gone.
    Forgot,
    /// It failed.
    Failed(RelayFailure),
}

impl From<DeliveryError> for RelayFailure {
    fn from(error: DeliveryError) -> Self {
        RelayFailure {
            transient: error.kind == FailureKind::Transient,
            retry_after_secs: error.retry_after.map(|s| s.to_duration().as_secs()),
            reason: error.reason,
        }
    }
}

impl From<RelayFailure> for DeliveryError {
    fn from(failure: RelayFailure) -> Self {
        DeliveryError {
            kind: if failure.transient {
                FailureKind::Transient
            } else {
                FailureKind::Permanent
            },
            retry_after: failure.retry_after_secs.map(Span::from_secs),
            reason: failure.reason,
        }
    }
}

struct Waiting {
    job: RelayJob,
    reply: oneshot::Sender<RelayOutcome>,
}

/// The service's front-end for one relayed platform. Cheap to clone.
#[derive(Clone)]
pub struct Relay {
    inner: Arc<RelayInner>,
}

struct RelayInner {
    platform: Platform,
    next_job: AtomicU64,
    /// Deliveries not collected yet, oldest first.
    queue: Mutex<VecDeque<Waiting>>,
    /// Deliveries collected, waiting for their outcome.
    in_flight: Mutex<HashMap<u64, oneshot::Sender<RelayOutcome>>>,
    queued: Notify,
    last_poll: Mutex<Option<Instant>>,
}

impl Relay {
    /// An empty relay for `platform`.
    pub fn new(platform: Platform) -> Relay {
        Relay {
            inner: Arc::new(RelayInner {
                platform,
                next_job: AtomicU64::new(1),
                queue: Mutex::new(VecDeque::new()),
                in_flight: Mutex::new(HashMap::new()),
                queued: Notify::new(),
                last_poll: Mutex::new(None),
            }),
        }
    }

    fn connected(&self) -> bool {
        let last = *self
            .inner
            .last_poll
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        last.is_some_and(|at| at.elapsed() < CONNECTED_WITHIN)
    }

    /// Queues `work` for the bot process and waits for its outcome.
    async fn relay(&self, work: RelayWork) -> Result<RelayOutcome, DeliveryError> {
        if !self.connected() {
            return Err(DeliveryError::transient(format!(
                "no {} front-end process is connected to the service",
                self.inner.platform
            )));
        }
        let (reply, outcome) = oneshot::channel();
        let job = RelayJob {
            job: self.inner.next_job.fetch_add(1, Ordering::Relaxed),
            work,
        };
        self.inner
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(Waiting { job, reply });
        self.inner.queued.notify_waiters();
        match tokio::time::timeout(DELIVERY_TIMEOUT, outcome).await {
            Ok(Ok(RelayOutcome::Failed(failure))) => Err(failure.into()),
            Ok(Ok(done)) => Ok(done),
            // Dropping `outcome` here closes the reply channel: a bot process that collects the job
            // later sees it cancelled and does not do it (the outbox or the duties ask again).
            Ok(Err(_)) | Err(_) => Err(DeliveryError::transient(format!(
                "the {} front-end process did not report in time",
                self.inner.platform
            ))),
        }
    }

    async fn deliver(
        &self,
        delivery: Delivery<'_>,
        edit_of: Option<&str>,
    ) -> Result<String, DeliveryError> {
        let work = RelayWork::Deliver {
            key: delivery.key.to_string(),
            chat_id: delivery.chat_id.to_string(),
            message: delivery.message.clone(),
            edit_of: edit_of.map(str::to_string),
        };
        match self.relay(work).await? {
            RelayOutcome::Sent(id) => Ok(id),
            other => Err(DeliveryError::transient(format!(
                "the {} front-end process answered a delivery with {other:?}",
                self.inner.platform
            ))),
        }
    }

    /// The oldest delivery still wanted, waiting up to `wait` for one.
    pub async fn next(&self, wait: Duration) -> Option<RelayJob> {
        let deadline = Instant::now() + wait;
        loop {
            *self
                .inner
                .last_poll
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
            let notified = self.inner.queued.notified();
            if let Some(job) = self.take() {
                return Some(job);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || tokio::time::timeout(left, notified).await.is_err() {
                return None;
            }
        }
    }

    fn take(&self) -> Option<RelayJob> {
        let mut queue = self.inner.queue.lock().unwrap_or_else(|p| p.into_inner());
        while let Some(waiting) = queue.pop_front() {
            if waiting.reply.is_closed() {
                continue;
            }
            let job = waiting.job.clone();
            self.inner
                .in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(job.job, waiting.reply);
            return Some(job);
        }
        None
    }

    /// Records the outcome of a collected job; `false` when the job is unknown or timed out.
    pub fn done(&self, job: u64, outcome: RelayOutcome) -> bool {
        let reply = self
            .inner
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&job);
        reply.is_some_and(|reply| reply.send(outcome).is_ok())
    }
}

impl FrontEnd for Relay {
    fn platform(&self) -> Platform {
        self.inner.platform
    }

    fn send<'a>(&'a self, delivery: Delivery<'a>) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(self.deliver(delivery, None))
    }

    fn edit<'a>(
        &'a self,
        delivery: Delivery<'a>,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(self.deliver(delivery, Some(message_id)))
    }

    /// The bot process keeps the rows, so the sweep is relayed to it; while none is connected the
    /// sweep fails and stays queued in the desk for the next tick.
    fn forget<'a>(&'a self, swept: &'a Forgotten) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let work = RelayWork::Forget {
                swept: swept.clone(),
            };
            match self.relay(work).await? {
                RelayOutcome::Forgot => Ok(()),
                other => Err(DeliveryError::transient(format!(
                    "the {} front-end process answered a sweep with {other:?}",
                    self.inner.platform
                ))),
            }
        })
    }
}

fn relay_of(
    service: &Service,
    frontend: &FrontEndCaller,
    platform: &str,
) -> Result<Relay, ApiError> {
    let platform = frontend.platform(platform)?;
    service.primary()?.relays.get(&platform).cloned().ok_or_else(|| {
        ApiError::not_found(format!(
            "{platform} is not relayed: this service runs that front-end itself, or it is not configured"
        ))
    })
}

/// `GET /v1/relay/{platform}/next?wait_secs=N`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextQuery {
    wait_secs: Option<u64>,
}

pub(super) async fn next(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path(platform): Path<String>,
    Query(query): Query<NextQuery>,
) -> Result<Response, ApiError> {
    let relay = relay_of(&service, &frontend, &platform)?;
    let wait = Duration::from_secs(query.wait_secs.unwrap_or(25)).min(MAX_POLL);
    Ok(match relay.next(wait).await {
        Some(job) => Json(job).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// `POST /v1/relay/{platform}/done`.
#[derive(Debug, Serialize, Deserialize)]
pub struct DoneBody {
    /// The job's id.
    pub job: u64,
    /// What happened.
    pub outcome: RelayOutcome,
}

pub(super) async fn done(
    State(service): State<Service>,
    frontend: FrontEndCaller,
    Path(platform): Path<String>,
    Json(body): Json<DoneBody>,
) -> Result<StatusCode, ApiError> {
    let relay = relay_of(&service, &frontend, &platform)?;
    if relay.done(body.job, body.outcome) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::GONE,
            "gone",
            "that job timed out or is unknown; the outbox will deliver it again",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consulta_desk::MessageKind;

    fn message() -> Message {
        Message {
            kind: MessageKind::ExpertAnswer,
            ticket: "K7P2Q".parse().unwrap(),
            text: "hola".into(),
            language: consulta_corpus::Lang::Es,
        }
    }

    #[tokio::test]
    async fn a_delivery_waits_for_the_bot_process_and_returns_its_outcome() {
        let relay = Relay::new(Platform::Telegram);
        assert!(relay.next(Duration::from_millis(1)).await.is_none());
        let message = message();
        let sending = relay.send(Delivery {
            key: "k1",
            chat_id: "42",
            message: &message,
        });
        let collecting = async {
            let job = relay.next(Duration::from_secs(5)).await.expect("a job");
            let RelayWork::Deliver { chat_id, key, .. } = &job.work else {
                panic!("a delivery, not {job:?}");
            };
            assert_eq!((chat_id.as_str(), key.as_str()), ("42", "k1"));
            assert!(relay.done(job.job, RelayOutcome::Sent("m-9".into())));
        };
        let (sent, ()) = tokio::join!(sending, collecting);
        assert_eq!(sent.unwrap(), "m-9");
    }

    #[tokio::test]
    async fn a_retention_sweep_is_relayed_to_the_bot_process_that_keeps_the_rows() {
        let relay = Relay::new(Platform::Telegram);
        let swept = Forgotten {
            ticket_ids: vec!["K7P2Q".parse().unwrap()],
            ..Forgotten::default()
        };
        let unconnected = relay.forget(&swept).await.unwrap_err();
        assert_eq!(
            unconnected.kind,
            FailureKind::Transient,
            "kept for the next tick"
        );
        relay.next(Duration::from_millis(1)).await;
        let forgetting = relay.forget(&swept);
        let collecting = async {
            let job = relay.next(Duration::from_secs(5)).await.expect("a job");
            let RelayWork::Forget { swept: relayed } = &job.work else {
                panic!("a sweep, not {job:?}");
            };
            assert_eq!(relayed, &swept);
            let round_trip: RelayJob =
                serde_json::from_value(serde_json::to_value(&job).unwrap()).unwrap();
            assert!(matches!(round_trip.work, RelayWork::Forget { .. }));
            assert!(relay.done(job.job, RelayOutcome::Forgot));
        };
        let (forgot, ()) = tokio::join!(forgetting, collecting);
        forgot.expect("the bot process dropped its rows");
    }

    #[tokio::test]
    async fn without_a_connected_bot_process_a_delivery_fails_transiently() {
        let relay = Relay::new(Platform::Discord);
        let message = message();
        let error = relay
            .send(Delivery {
                key: "k",
                chat_id: "1",
                message: &message,
            })
            .await
            .unwrap_err();
        assert_eq!(error.kind, FailureKind::Transient);
        assert!(error.reason.contains("discord"), "{}", error.reason);
    }

    #[tokio::test]
    async fn a_failure_keeps_its_retry_after() {
        let relay = Relay::new(Platform::Telegram);
        relay.next(Duration::from_millis(1)).await;
        let message = message();
        let sending = relay.send(Delivery {
            key: "k",
            chat_id: "1",
            message: &message,
        });
        let failing = async {
            let job = relay.next(Duration::from_secs(5)).await.unwrap();
            relay.done(
                job.job,
                RelayOutcome::Failed(RelayFailure {
                    transient: true,
                    retry_after_secs: Some(7),
                    reason: "429".into(),
                }),
            );
        };
        let (result, ()) = tokio::join!(sending, failing);
        let error = result.unwrap_err();
        assert_eq!(error.retry_after, Some(Span::from_secs(7)));
        assert_eq!(error.kind, FailureKind::Transient);
    }
}
