//! Which chats are being delivered to right now. A chat is delivered to by one task at a time, so its
//! messages go out in order and no message is sent twice by two tasks (or two workers on one desk);
//! different chats are delivered to side by side.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use super::identity::ChatRef;

/// The chats some task is delivering to, shared by every worker of one desk.
#[derive(Debug, Default)]
pub(crate) struct ChatClaims {
    /// Claimed chats; a claim is released when its [`ChatClaim`] is dropped.
    chats: Mutex<HashSet<ChatRef>>,
}

impl ChatClaims {
    fn chats(&self) -> MutexGuard<'_, HashSet<ChatRef>> {
        // Inserting into or removing from a set cannot be left half done: a poisoned lock means nothing.
        self.chats
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The right to deliver to one chat, held for as long as a task delivers to it.
#[derive(Debug)]
pub(crate) struct ChatClaim {
    /// Where the claim is released.
    claims: Arc<ChatClaims>,
    /// The chat claimed.
    chat: ChatRef,
}

impl ChatClaim {
    /// Claims `chat`, unless another task holds it.
    pub(crate) fn take(claims: &Arc<ChatClaims>, chat: &ChatRef) -> Option<ChatClaim> {
        claims.chats().insert(chat.clone()).then(|| ChatClaim {
            claims: claims.clone(),
            chat: chat.clone(),
        })
    }
}

impl Drop for ChatClaim {
    fn drop(&mut self) {
        self.claims.chats().remove(&self.chat);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_is_claimed_by_one_holder_until_it_lets_go() {
        let claims = Arc::new(ChatClaims::default());
        let group: ChatRef = "telegram:-100200".parse().unwrap();
        let asker: ChatRef = "telegram:501".parse().unwrap();
        let held = ChatClaim::take(&claims, &group).expect("free");
        assert!(ChatClaim::take(&claims, &group).is_none(), "already held");
        assert!(
            ChatClaim::take(&claims, &asker).is_some(),
            "other chats are free"
        );
        drop(held);
        assert!(
            ChatClaim::take(&claims, &group).is_some(),
            "released on drop"
        );
    }
}
