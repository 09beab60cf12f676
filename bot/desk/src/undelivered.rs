//! What the desk does when a message about a ticket is given up on for good: the failure goes on the
//! ticket's history, and when it was the asker who could not be reached, the ticket's cards are
//! re-rendered to say so. Without this, an expert would believe the asker had their answer while it
//! sat in the dead letters (the asker blocked the bot, or closed their DMs).

use super::desk::Desk;
use super::index;
use super::message::MessageKind;
use super::notify::Notifier;
use super::outbox::OutboxEntry;
use super::storage::{StorageError, Table};
use super::store::Batch;
use super::ticket::{Actor, Event, EventKind, Ticket};

impl Desk {
    /// Records on its ticket that `entry` was given up on because of `reason`, in `batch` (the same
    /// commit that moves it to the dead letters). The caller holds the desk's write lock.
    pub(crate) fn note_undelivered(
        &self,
        batch: &mut Batch,
        entry: &OutboxEntry,
        reason: &str,
    ) -> Result<(), StorageError> {
        let store = self.store();
        let key = entry.message.ticket.as_str().as_bytes();
        let Some(mut ticket) = store.get::<Ticket>(Table::Tickets, key)? else {
            // Purged or forgotten meanwhile: nobody is left to tell.
            return Ok(());
        };
        let indexed = index::Entries::of(&ticket);
        let now = self.now();
        let to_asker = entry.chat == ticket.asker.chat();
        ticket.events.push(Event {
            at: now,
            actor: Actor::System,
            kind: EventKind::Undelivered {
                chat: entry.chat.clone(),
                to_asker,
                reason: reason.to_string(),
            },
        });
        // A failed card is not re-rendered: that could only fail again, in a loop.
        if to_asker && entry.message.kind != MessageKind::TicketCard {
            let mut notifier = Notifier {
                store,
                batch: &mut *batch,
                now,
            };
            notifier.edit_cards(&ticket, self.directory())?;
        }
        index::put_ticket(batch, &indexed, &ticket)
    }
}
