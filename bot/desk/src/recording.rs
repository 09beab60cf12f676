//! A front-end that records deliveries instead of sending them and can be told to fail: how the
//! outbox is tested without a platform, and a stand-in platform for local runs.

use std::sync::Mutex;

use super::frontend::{BoxFuture, Delivery, DeliveryError, FrontEnd};
use super::identity::Platform;
use super::message::Message;
use super::privacy::Forgotten;

/// A front-end that keeps what it is asked to deliver instead of talking to a platform, and can be told
/// to fail. It is how the outbox is tested, and a stand-in for a platform during local runs.
#[derive(Debug)]
pub struct RecordingFrontEnd {
    platform: Platform,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    delivered: Vec<Recorded>,
    attempts: usize,
    failures: Vec<DeliveryError>,
    forgotten: Vec<Forgotten>,
    forget_failures: Vec<DeliveryError>,
}

/// One accepted delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The outbox idempotency key.
    pub key: String,
    /// The chat it went to.
    pub chat_id: String,
    /// What was shown.
    pub message: Message,
    /// For an edit, the id of the message edited.
    pub edited: Option<String>,
    /// The id this front-end gave the message.
    pub message_id: String,
}

impl RecordingFrontEnd {
    /// A front-end for `platform` that accepts everything.
    pub fn new(platform: Platform) -> Self {
        RecordingFrontEnd {
            platform,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the next `times` attempts fail with `error` (sends and edits alike).
    pub fn fail_next(&self, times: usize, error: DeliveryError) {
        let mut state = self.state();
        state.failures.extend(std::iter::repeat_n(error, times));
    }

    /// Makes the next `times` retention sweeps handed to it fail with `error`.
    pub fn fail_next_forget(&self, times: usize, error: DeliveryError) {
        let mut state = self.state();
        state
            .forget_failures
            .extend(std::iter::repeat_n(error, times));
    }

    /// Every accepted delivery, in order.
    pub fn delivered(&self) -> Vec<Recorded> {
        self.state().delivered.clone()
    }

    /// What the desk told it to forget and it did, in order.
    pub fn forgotten(&self) -> Vec<Forgotten> {
        self.state().forgotten.clone()
    }

    /// Attempts made, failed ones included.
    pub fn attempts(&self) -> usize {
        self.state().attempts
    }

    fn accept(
        &self,
        delivery: Delivery<'_>,
        edited: Option<&str>,
    ) -> Result<String, DeliveryError> {
        let mut state = self.state();
        state.attempts += 1;
        if !state.failures.is_empty() {
            return Err(state.failures.remove(0));
        }
        let message_id = match edited {
            Some(id) => id.to_string(),
            None => format!("{}-{}", self.platform, state.delivered.len() + 1),
        };
        state.delivered.push(Recorded {
            key: delivery.key.to_string(),
            chat_id: delivery.chat_id.to_string(),
            message: delivery.message.clone(),
            edited: edited.map(str::to_string),
            message_id: message_id.clone(),
        });
        Ok(message_id)
    }
}

impl FrontEnd for RecordingFrontEnd {
    fn platform(&self) -> Platform {
        self.platform
    }

    fn send<'a>(&'a self, delivery: Delivery<'a>) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(async move { self.accept(delivery, None) })
    }

    fn edit<'a>(
        &'a self,
        delivery: Delivery<'a>,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(async move { self.accept(delivery, Some(message_id)) })
    }

    fn forget<'a>(&'a self, forgotten: &'a Forgotten) -> BoxFuture<'a, Result<(), DeliveryError>> {
        let mut state = self.state();
        let outcome = if state.forget_failures.is_empty() {
            state.forgotten.push(forgotten.clone());
            Ok(())
        } else {
            Err(state.forget_failures.remove(0))
        };
        Box::pin(async { outcome })
    }
}
