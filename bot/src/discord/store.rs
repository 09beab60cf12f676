//! What the Discord front-end remembers across restarts, in its own small sled database
//! (`DATA_DIR/discord`), apart from the desk's: the askers' [`Memory`], and which thread belongs to
//! which ticket.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::chat::Memory;
pub use crate::chat::StoreError;
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
        Ok(Store {
            memory: Memory::open(&db)?,
            threads: db.open_tree("threads")?,
            ticket_threads: db.open_tree("ticket_threads")?,
            asker_messages: db.open_tree("asker_messages")?,
        })
    }

    /// Records that `thread_id`, opened in `channel_id`, is the thread of `ticket`: an expert's message
    /// there answers it.
    pub fn put_thread(
        &self,
        channel_id: u64,
        ticket: &TicketId,
        thread_id: u64,
    ) -> Result<(), StoreError> {
        self.threads
            .insert(thread_id.to_be_bytes(), ticket.as_str())?;
        self.ticket_threads
            .insert(format!("{channel_id}:{ticket}"), &thread_id.to_be_bytes())?;
        self.memory.flush()
    }

    /// Records that message `message_id` in `channel_id` told the asker of `ticket` about it (the
    /// expert's answer or question, a claim, a closure): their reply to it writes back on the ticket.
    pub fn put_asker_message(
        &self,
        channel_id: u64,
        message_id: u64,
        ticket: &TicketId,
    ) -> Result<(), StoreError> {
        self.asker_messages
            .insert(format!("{channel_id}:{message_id}"), ticket.as_str())?;
        self.memory.flush()
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
            .and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok()))
    }

    /// The ticket whose thread is `thread_id`.
    pub fn thread_ticket(&self, thread_id: u64) -> Result<Option<TicketId>, StoreError> {
        Ok(self
            .threads
            .get(thread_id.to_be_bytes())?
            .and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok()))
    }

    /// The thread of `ticket` in `channel_id`.
    pub fn thread_of(&self, channel_id: u64, ticket: &TicketId) -> Result<Option<u64>, StoreError> {
        Ok(self
            .ticket_threads
            .get(format!("{channel_id}:{ticket}"))?
            .and_then(|v| Some(u64::from_be_bytes(v.as_ref().try_into().ok()?))))
    }
}
