//! What the Discord front-end remembers across restarts, in its own small sled database
//! (`DATA_DIR/discord`), apart from the desk's: the askers' [`Memory`], and which thread belongs to
//! which ticket.

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use crate::chat::StoreError;
use crate::chat::{Memory, ticket_in};
use consulta_desk::TicketId;

/// Where on Discord a question was asked, so the expert's answer goes back there (kept as the
/// ticket's origin in the [`Memory`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spot {
    /// The message the answer replies to: the asker's mention, or the bot's public answer to `/ask`.
    /// `None` for a private (ephemeral) question, whose answers go by direct message.
    pub message_id: Option<u64>,
    /// The channel of that message.
    pub channel_id: u64,
}

/// A question as asked on Discord.
pub type Asked = crate::chat::Asked<Spot>;

/// The front-end's durable memory. Cheap to clone (sled trees are shared handles).
#[derive(Clone)]
pub struct Store {
    /// Languages and recent questions.
    pub memory: Memory,
    threads: sled::Tree,
    ticket_threads: sled::Tree,
    /// The desk's messages to askers (`channel:message` → ticket): a reply to one goes to its ticket.
    asker_messages: sled::Tree,
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = sled::open(path)?;
        let store = Store {
            memory: Memory::open(&db)?,
            threads: db.open_tree("threads")?,
            ticket_threads: db.open_tree("ticket_threads")?,
            asker_messages: db.open_tree("asker_messages")?,
        };
        store.memory.index_older_rows(
            &[&store.threads, &store.asker_messages],
            &[&store.ticket_threads],
        )?;
        Ok(store)
    }

    /// Records that `thread_id`, opened in `channel_id`, is the thread of `ticket`: an expert's message
    /// there answers it.
    pub fn put_thread(
        &self,
        channel_id: u64,
        ticket: &TicketId,
        thread_id: u64,
    ) -> Result<(), StoreError> {
        let thread = thread_id.to_be_bytes();
        self.memory
            .put_ticket_row(&self.threads, &thread, ticket.as_str().as_bytes(), ticket)?;
        let key = format!("{channel_id}:{ticket}");
        self.memory
            .put_ticket_row(&self.ticket_threads, key.as_bytes(), &thread, ticket)
    }

    /// Records that message `message_id` in `channel_id` told the asker of `ticket` about it (the
    /// expert's answer or question, a claim, a closure): their reply to it writes back on the ticket.
    pub fn put_asker_message(
        &self,
        channel_id: u64,
        message_id: u64,
        ticket: &TicketId,
    ) -> Result<(), StoreError> {
        let key = format!("{channel_id}:{message_id}");
        self.memory.put_ticket_row(
            &self.asker_messages,
            key.as_bytes(),
            ticket.as_str().as_bytes(),
            ticket,
        )
    }

    /// The ticket that message `message_id` in `channel_id` told its asker about.
    pub fn asker_message(
        &self,
        channel_id: u64,
        message_id: u64,
    ) -> Result<Option<TicketId>, StoreError> {
        Ok(self
            .asker_messages
            .get(format!("{channel_id}:{message_id}"))?
            .and_then(|v| ticket_in(&v)))
    }

    /// The ticket whose thread is `thread_id`.
    pub fn thread_ticket(&self, thread_id: u64) -> Result<Option<TicketId>, StoreError> {
        Ok(self
            .threads
            .get(thread_id.to_be_bytes())?
            .and_then(|v| ticket_in(&v)))
    }

    /// The desk channel `channel_id` is, or holds it when it is a ticket's thread; `None` for any
    /// other channel. A desk channel is known by the ticket threads opened from its cards, so that
    /// an expert there is spoken to in its desk language without asking Discord.
    pub fn desk_channel(&self, channel_id: u64) -> Result<Option<u64>, StoreError> {
        if self
            .ticket_threads
            .scan_prefix(format!("{channel_id}:"))
            .next()
            .transpose()?
            .is_some()
        {
            return Ok(Some(channel_id));
        }
        if self.thread_ticket(channel_id)?.is_none() {
            return Ok(None);
        }
        let thread = channel_id.to_be_bytes();
        for row in self.ticket_threads.iter() {
            let (key, value) = row?;
            if value.as_ref() == thread {
                let channel = String::from_utf8_lossy(&key)
                    .split_once(':')
                    .and_then(|(channel, _)| channel.parse().ok());
                return Ok(channel);
            }
        }
        Ok(None)
    }

    /// The thread of `ticket` in `channel_id`.
    pub fn thread_of(&self, channel_id: u64, ticket: &TicketId) -> Result<Option<u64>, StoreError> {
        Ok(self
            .ticket_threads
            .get(format!("{channel_id}:{ticket}"))?
            .and_then(|v| Some(u64::from_be_bytes(v.as_ref().try_into().ok()?))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consulta_desk::Forgotten;

    fn ticket(id: &str) -> TicketId {
        id.parse().unwrap()
    }

    fn sweep(store: &Store, swept: &TicketId) {
        store
            .memory
            .forget(&Forgotten {
                ticket_ids: vec![swept.clone()],
                ..Forgotten::default()
            })
            .unwrap();
    }

    #[test]
    fn a_swept_tickets_thread_and_messages_go_and_the_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (swept, kept) = (ticket("K7P2Q"), ticket("K7P2R"));
        store.put_thread(10, &swept, 100).unwrap();
        store.put_thread(10, &kept, 200).unwrap();
        store.put_asker_message(20, 1, &swept).unwrap();
        store.put_asker_message(20, 2, &kept).unwrap();
        sweep(&store, &swept);
        assert_eq!(store.thread_ticket(100).unwrap(), None);
        assert_eq!(store.thread_of(10, &swept).unwrap(), None);
        assert_eq!(store.asker_message(20, 1).unwrap(), None);
        assert_eq!(store.thread_ticket(200).unwrap(), Some(kept.clone()));
        assert_eq!(store.thread_of(10, &kept).unwrap(), Some(200));
        assert_eq!(store.asker_message(20, 2).unwrap(), Some(kept));
    }

    #[test]
    fn rows_kept_before_the_index_are_indexed_at_opening_and_then_swept() {
        let dir = tempfile::tempdir().unwrap();
        let (swept, kept) = (ticket("K7P2Q"), ticket("K7P2R"));
        {
            let db = sled::open(dir.path()).unwrap();
            let threads = db.open_tree("threads").unwrap();
            threads
                .insert(100_u64.to_be_bytes(), swept.as_str())
                .unwrap();
            threads
                .insert(200_u64.to_be_bytes(), kept.as_str())
                .unwrap();
            let ticket_threads = db.open_tree("ticket_threads").unwrap();
            ticket_threads
                .insert(format!("10:{swept}"), &100_u64.to_be_bytes())
                .unwrap();
            db.open_tree("asker_messages")
                .unwrap()
                .insert("20:1", swept.as_str())
                .unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        sweep(&store, &swept);
        assert_eq!(store.thread_ticket(100).unwrap(), None);
        assert_eq!(store.thread_of(10, &swept).unwrap(), None);
        assert_eq!(store.asker_message(20, 1).unwrap(), None);
        assert_eq!(store.thread_ticket(200).unwrap(), Some(kept));
    }
}
