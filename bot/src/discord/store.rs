//! What the Discord front-end remembers across restarts, in its own small sled database
//! (`DATA_DIR/discord`), apart from the desk's: the askers' [`Memory`], which thread belongs to
//! which ticket, and which desk channel each thread is in.

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
    /// Each ticket's thread (thread id → ticket): an expert's message in a thread answers its ticket.
    threads: sled::Tree,
    /// Each ticket's thread in the desk channel its card is in (`channel:ticket` → thread id): where
    /// news of the ticket goes, and, by the prefix, which channels are desks.
    ticket_threads: sled::Tree,
    /// The desk channel each ticket's thread was opened in (thread id → channel id), the reverse of
    /// `ticket_threads`: every message in a thread asks which desk it is in (for the language of the
    /// bot's words), and a point lookup here answers without reading every desk's threads. Its rows
    /// are about the ticket, like the others, so forgetting the ticket drops them with the rest.
    thread_channels: sled::Tree,
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
            thread_channels: db.open_tree("thread_channels")?,
            asker_messages: db.open_tree("asker_messages")?,
        };
        store.memory.index_older_rows(
            &[&store.threads, &store.asker_messages],
            &[&store.ticket_threads],
        )?;
        store.fill_thread_channels()?;
        Ok(store)
    }

    /// Writes the reverse rows of the threads recorded before `thread_channels` was kept, unless that
    /// was done: `ticket_threads` is read once, at the first opening by this version (and again after
    /// a crash before the end, which writes the same rows again).
    fn fill_thread_channels(&self) -> Result<(), StoreError> {
        if self.thread_channels.contains_key(THREAD_CHANNELS_FILLED)? {
            return Ok(());
        }
        for row in self.ticket_threads.iter() {
            let (key, thread) = row?;
            let Some((channel, ticket)) = std::str::from_utf8(&key)
                .ok()
                .and_then(|key| key.split_once(':'))
            else {
                continue;
            };
            let (Ok(channel), Some(ticket), Some(_)) = (
                channel.parse::<u64>(),
                ticket_in(ticket.as_bytes()),
                id_in(&thread),
            ) else {
                continue;
            };
            self.memory.put_ticket_row(
                &self.thread_channels,
                &thread,
                &channel.to_be_bytes(),
                &ticket,
            )?;
        }
        self.thread_channels.insert(THREAD_CHANNELS_FILLED, &[])?;
        self.memory.flush()
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
        // The reverse row before the forward one: a crash in between leaves a thread that knows its
        // desk while the desk does not list it yet, never a listed thread that cannot find its desk
        // (the filling at opening is done once, and would not come back for it).
        self.memory.put_ticket_row(
            &self.thread_channels,
            &thread,
            &channel_id.to_be_bytes(),
            ticket,
        )?;
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
        let is_desk = self
            .ticket_threads
            .scan_prefix(format!("{channel_id}:"))
            .next()
            .transpose()?
            .is_some();
        if is_desk {
            return Ok(Some(channel_id));
        }
        Ok(self
            .thread_channels
            .get(channel_id.to_be_bytes())?
            .and_then(|v| id_in(&v)))
    }

    /// The thread of `ticket` in `channel_id`.
    pub fn thread_of(&self, channel_id: u64, ticket: &TicketId) -> Result<Option<u64>, StoreError> {
        Ok(self
            .ticket_threads
            .get(format!("{channel_id}:{ticket}"))?
            .and_then(|v| id_in(&v)))
    }
}

/// The mark, in `thread_channels`, that the threads recorded before it was kept are in it
/// ([`Store::fill_thread_channels`]); no thread's key (8 bytes) is as long.
const THREAD_CHANNELS_FILLED: &[u8] = b"older threads filled in";

/// The Discord id (a channel's, a thread's) kept in `bytes`, big-endian, if they hold one.
fn id_in(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.try_into().ok()?))
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
        assert_eq!(store.desk_channel(100).unwrap(), None);
        assert_eq!(store.asker_message(20, 1).unwrap(), None);
        assert_eq!(store.thread_ticket(200).unwrap(), Some(kept.clone()));
        assert_eq!(store.thread_of(10, &kept).unwrap(), Some(200));
        assert_eq!(store.desk_channel(200).unwrap(), Some(10));
        assert_eq!(store.asker_message(20, 2).unwrap(), Some(kept));
    }

    #[test]
    fn a_thread_finds_its_desk_and_a_desk_itself() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.put_thread(10, &ticket("K7P2Q"), 100).unwrap();
        store.put_thread(20, &ticket("K7P2R"), 200).unwrap();
        assert_eq!(store.desk_channel(100).unwrap(), Some(10));
        assert_eq!(store.desk_channel(200).unwrap(), Some(20));
        assert_eq!(store.desk_channel(10).unwrap(), Some(10));
        assert_eq!(store.desk_channel(30).unwrap(), None);
    }

    #[test]
    fn rows_kept_before_the_index_are_indexed_at_opening_and_then_swept() {
        let dir = tempfile::tempdir().unwrap();
        let (swept, kept) = (ticket("K7P2Q"), ticket("K7P2R"));
        {
            let db = sled::open(dir.path()).unwrap();
            let threads = db.open_tree("threads").unwrap();
            let ticket_threads = db.open_tree("ticket_threads").unwrap();
            for (ticket, thread) in [(&swept, 100_u64), (&kept, 200)] {
                threads
                    .insert(thread.to_be_bytes(), ticket.as_str())
                    .unwrap();
                ticket_threads
                    .insert(format!("10:{ticket}"), &thread.to_be_bytes())
                    .unwrap();
            }
            db.open_tree("asker_messages")
                .unwrap()
                .insert("20:1", swept.as_str())
                .unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        // The threads' reverse rows are filled from `ticket_threads` at opening.
        assert_eq!(store.desk_channel(100).unwrap(), Some(10));
        assert_eq!(store.desk_channel(200).unwrap(), Some(10));
        sweep(&store, &swept);
        assert_eq!(store.thread_ticket(100).unwrap(), None);
        assert_eq!(store.thread_of(10, &swept).unwrap(), None);
        assert_eq!(store.desk_channel(100).unwrap(), None);
        assert_eq!(store.asker_message(20, 1).unwrap(), None);
        assert_eq!(store.thread_ticket(200).unwrap(), Some(kept.clone()));
        assert_eq!(store.thread_of(10, &kept).unwrap(), Some(200));
        assert_eq!(store.desk_channel(200).unwrap(), Some(10));
    }
}
