//! Why handling one update or event failed: logged, never shown to the user as is.

use std::fmt;

use crate::assistant::AssistantError;
use consulta_desk::DeliveryError;

use super::conversation::ConversationError;
use super::memory::StoreError;

/// A platform client's error, classified for logs (raw errors can carry the bot token in a URL).
pub trait Classify {
    /// What went wrong, as the outbox would see it.
    fn classify(&self) -> DeliveryError;
}

/// Why handling failed; `E` is the platform client's error.
#[derive(Debug)]
pub enum HandlerError<E> {
    /// A platform call failed.
    Platform(E),
    /// The front-end's database failed.
    Store(StoreError),
    /// The assistant failed on our side.
    Assistant(AssistantError),
}

impl<E: Classify> fmt::Display for HandlerError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandlerError::Platform(e) => write!(f, "{}", e.classify()),
            HandlerError::Store(e) => write!(f, "{e}"),
            HandlerError::Assistant(e) => write!(f, "{e}"),
        }
    }
}

impl<E: Classify> From<E> for HandlerError<E> {
    fn from(e: E) -> Self {
        HandlerError::Platform(e)
    }
}

impl<E> From<StoreError> for HandlerError<E> {
    fn from(e: StoreError) -> Self {
        HandlerError::Store(e)
    }
}

impl<E> From<AssistantError> for HandlerError<E> {
    fn from(e: AssistantError) -> Self {
        HandlerError::Assistant(e)
    }
}

impl<E> From<ConversationError> for HandlerError<E> {
    fn from(e: ConversationError) -> Self {
        match e {
            ConversationError::Assistant(e) => HandlerError::Assistant(e),
            ConversationError::Store(e) => HandlerError::Store(e),
        }
    }
}
