//! The contract between the outbox and a chat platform: send, edit, and classify failures as
//! transient or permanent. The desk knows nothing of Telegram or Discord beyond this trait.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use super::identity::Platform;
use super::message::Message;
use super::privacy::Forgotten;
use super::time::Span;

/// A boxed future, so that [`FrontEnd`] stays object-safe: the outbox holds one front-end per platform
/// behind `Arc<dyn FrontEnd>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One message to put on a platform.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    /// The outbox's idempotency key: a front-end whose platform deduplicates requests can pass it on.
    pub key: &'a str,
    /// The platform's chat id.
    pub chat_id: &'a str,
    /// What to show.
    pub message: &'a Message,
}

/// A chat platform as the outbox sees it: it can send to a chat and edit what it sent.
///
/// Implementations (Telegram, Discord, the web widget) translate a [`Message`] into the platform's own
/// formatting and controls, and classify failures so the outbox knows whether to retry.
pub trait FrontEnd: Send + Sync {
    /// The platform this front-end delivers to; messages to that platform's chats come here.
    fn platform(&self) -> Platform;

    /// Sends a new message; returns the platform's id for it (needed to edit it later).
    fn send<'a>(&'a self, delivery: Delivery<'a>) -> BoxFuture<'a, Result<String, DeliveryError>>;

    /// Replaces the content of message `message_id` in the chat; returns the (possibly new) message id.
    fn edit<'a>(
        &'a self,
        delivery: Delivery<'a>,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<String, DeliveryError>>;

    /// The desk deleted these tickets and anonymised these questions (the retention rule): the
    /// front-end drops what it keeps about them by key (which platform message is which ticket's
    /// card or thread, where each question was asked), so that nothing outlives the desk's records.
    fn forget<'a>(&'a self, forgotten: &'a Forgotten) -> BoxFuture<'a, Result<(), DeliveryError>>;
}

/// Whether a failed delivery may succeed later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Network trouble, rate limits, platform outages: retried with backoff.
    Transient,
    /// The chat is gone, the bot was blocked, the message is malformed: retrying cannot help.
    Permanent,
}

/// A failed delivery, as the front-end classifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    /// Retry or give up.
    pub kind: FailureKind,
    /// The platform's own "retry after" (e.g. Telegram's 429 `retry_after`), honoured over the backoff
    /// when longer.
    pub retry_after: Option<Span>,
    /// What went wrong, for the operator; must not contain message text or tokens.
    pub reason: String,
}

impl DeliveryError {
    /// A failure worth retrying.
    pub fn transient(reason: impl Into<String>) -> Self {
        DeliveryError {
            kind: FailureKind::Transient,
            retry_after: None,
            reason: reason.into(),
        }
    }

    /// A failure not worth retrying.
    pub fn permanent(reason: impl Into<String>) -> Self {
        DeliveryError {
            kind: FailureKind::Permanent,
            retry_after: None,
            reason: reason.into(),
        }
    }

    /// The same failure, with the platform's requested wait.
    pub fn retry_after(mut self, wait: Span) -> Self {
        self.retry_after = Some(wait);
        self
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FailureKind::Transient => "transient",
            FailureKind::Permanent => "permanent",
        };
        write!(f, "{kind} delivery failure: {}", self.reason)?;
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {wait})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DeliveryError {}
