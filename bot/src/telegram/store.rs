//! What the Telegram front-end remembers across restarts, in its own small sled database
//! (`DATA_DIR/telegram`), apart from the desk's: the askers' [`Memory`], and which Telegram message
//! belongs to which ticket, and the updates received but not yet handled.

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use crate::chat::StoreError;
use crate::chat::{Memory, ticket_in};
use consulta_desk::TicketId;

use super::inbox::Inbox;

/// Where on Telegram a question was asked, so the expert's answer is sent as a reply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spot {
    /// The question's message, which the expert's answer replies to.
    pub message_id: i32,
    /// The forum topic it was asked in, if any, so replies stay in the topic.
    pub thread_id: Option<i32>,
}

/// A question as asked on Telegram.
pub type Asked = crate::chat::Asked<Spot>;

/// Where a ticket's question was asked on Telegram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The asker's chat.
    pub chat_id: i64,
    /// The question's message.
    pub message_id: i32,
    /// Its forum topic, if any.
    pub thread_id: Option<i32>,
}

/// The front-end's durable memory. Cheap to clone (sled trees are shared handles).
#[derive(Clone)]
pub struct Store {
    /// Languages and recent questions.
    pub memory: Memory,
    cards: sled::Tree,
    topics: sled::Tree,
    /// The desk's messages to askers (`chat:message` → ticket): a reply to one goes to its ticket.
    asker_messages: sled::Tree,
    /// Updates received and not yet handled.
    pub(super) inbox: Inbox,
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = sled::open(path)?;
        let store = Store {
            memory: Memory::open(&db)?,
            cards: db.open_tree("cards")?,
            topics: db.open_tree("topics")?,
            asker_messages: db.open_tree("asker_messages")?,
            inbox: Inbox::open(&db)?,
        };
        store
            .memory
            .index_older_rows(&[&store.cards, &store.asker_messages], &[&store.topics])?;
        Ok(store)
    }

    /// Records that message `message_id` in `chat_id` is the card of `ticket` (experts reply to it).
    pub fn put_card(
        &self,
        chat_id: i64,
        message_id: i32,
        ticket: &TicketId,
    ) -> Result<(), StoreError> {
        let key = format!("{chat_id}:{message_id}");
        self.memory.put_ticket_row(
            &self.cards,
            key.as_bytes(),
            ticket.as_str().as_bytes(),
            ticket,
        )
    }

    /// The ticket whose card (or forum topic, see [`Store::put_topic`]) is `message_id` in `chat_id`.
    pub fn card(&self, chat_id: i64, message_id: i32) -> Result<Option<TicketId>, StoreError> {
        Ok(self
            .cards
            .get(format!("{chat_id}:{message_id}"))?
            .and_then(|v| ticket_in(&v)))
    }

    /// Whether the desk delivers tickets to `chat_id` (a card or a reminder was posted there): an
    /// expert's private chat used as a desk chat is not where they ask questions.
    pub fn is_desk_chat(&self, chat_id: i64) -> Result<bool, StoreError> {
        Ok(self
            .cards
            .scan_prefix(format!("{chat_id}:"))
            .next()
            .transpose()?
            .is_some())
    }

    /// Records that message `message_id` in `chat_id` told the asker of `ticket` about it (the
    /// expert's answer or question, a claim, a closure): their reply to it writes back on the ticket.
    pub fn put_asker_message(
        &self,
        chat_id: i64,
        message_id: i32,
        ticket: &TicketId,
    ) -> Result<(), StoreError> {
        let key = format!("{chat_id}:{message_id}");
        self.memory.put_ticket_row(
            &self.asker_messages,
            key.as_bytes(),
            ticket.as_str().as_bytes(),
            ticket,
        )
    }

    /// The ticket that message `message_id` in `chat_id` told its asker about.
    pub fn asker_message(
        &self,
        chat_id: i64,
        message_id: i32,
    ) -> Result<Option<TicketId>, StoreError> {
        Ok(self
            .asker_messages
            .get(format!("{chat_id}:{message_id}"))?
            .and_then(|v| ticket_in(&v)))
    }

    /// Records the forum topic opened for `ticket` in `chat_id`.
    pub fn put_topic(
        &self,
        chat_id: i64,
        ticket: &TicketId,
        thread_id: i32,
    ) -> Result<(), StoreError> {
        let key = format!("{chat_id}:{ticket}");
        self.memory.put_ticket_row(
            &self.topics,
            key.as_bytes(),
            &thread_id.to_be_bytes(),
            ticket,
        )?;
        // A message in the topic that replies to nothing replies to the topic's first message, whose
        // id is the thread id: expert answers typed straight into the topic find their ticket.
        self.put_card(chat_id, thread_id, ticket)
    }

    /// The forum topic of `ticket` in `chat_id`.
    pub fn topic(&self, chat_id: i64, ticket: &TicketId) -> Result<Option<i32>, StoreError> {
        Ok(self
            .topics
            .get(format!("{chat_id}:{ticket}"))?
            .and_then(|v| {
                let bytes: [u8; 4] = v.as_ref().try_into().ok()?;
                Some(i32::from_be_bytes(bytes))
            }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consulta_desk::Forgotten;

    #[test]
    fn rows_kept_before_the_index_are_indexed_at_opening_and_then_swept() {
        let dir = tempfile::tempdir().unwrap();
        let swept: TicketId = "K7P2Q".parse().unwrap();
        let kept: TicketId = "K7P2R".parse().unwrap();
        {
            let db = sled::open(dir.path()).unwrap();
            let cards = db.open_tree("cards").unwrap();
            cards.insert("-100:5", swept.as_str()).unwrap();
            cards.insert("-100:6", kept.as_str()).unwrap();
            db.open_tree("topics")
                .unwrap()
                .insert(format!("-100:{swept}"), &7_i32.to_be_bytes())
                .unwrap();
            db.open_tree("asker_messages")
                .unwrap()
                .insert("501:9", swept.as_str())
                .unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        store
            .memory
            .forget(&Forgotten {
                ticket_ids: vec![swept.clone()],
                ..Forgotten::default()
            })
            .unwrap();
        assert_eq!(store.card(-100, 5).unwrap(), None);
        assert_eq!(store.topic(-100, &swept).unwrap(), None);
        assert_eq!(store.asker_message(501, 9).unwrap(), None);
        assert_eq!(store.card(-100, 6).unwrap(), Some(kept));
    }
}
