//! The desk's periodic work at the clock's "now": reminders for tickets left waiting unclaimed, and
//! the retention rule. [`DeskDuties`](super::DeskDuties) calls it on a timer; tests call it after moving
//! the clock.

use super::desk::Desk;
use super::error::DeskError;
use super::index;
use super::message;
use super::notify::Notifier;
use super::privacy::Forgotten;
use super::storage::Table;
use super::store::Batch;
use super::ticket::{Actor, Event, EventKind};
use super::ticket_id::TicketId;
use super::time::{Span, Timestamp};

/// What a [`Desk::tick`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Tickets whose group was reminded.
    pub reminded: Vec<TicketId>,
    /// What the retention rule swept: closed tickets deleted, question records anonymised, and
    /// their ids, which the duties hand to the front-ends so that their rows about them go too.
    pub retention: Forgotten,
}

impl Desk {
    /// The desk's periodic work, at the desk clock's "now": reminds groups of tickets that have waited
    /// unclaimed for `reminder_after` (again every `reminder_after` while they keep waiting), and applies
    /// the retention rule. The runtime calls it every minute or so; tests call it after moving the clock.
    pub fn tick(&self) -> Result<TickReport, DeskError> {
        let reminded = self.send_reminders()?;
        let retention = self.apply_retention()?;
        Ok(TickReport {
            reminded,
            retention,
        })
    }

    /// When [`Desk::tick`] next has work, as the desk stands now: the first queued ticket's reminder,
    /// or the first closed ticket or identified question to pass the retention period; `None` when
    /// nothing waits. Read from the time-ordered indexes (their first entries), not by a scan, so the
    /// duties can sleep until exactly then.
    pub fn next_duty(&self) -> Result<Option<Timestamp>, DeskError> {
        let store = self.store();
        let reminder = index::earliest(store, Table::ReminderWaits)?
            .map(|waiting_since| waiting_since.plus(self.config().reminder_after));
        let retention = match self.config().retention {
            Some(period) => {
                let closed = index::earliest(store, Table::ClosedTickets)?;
                let asked = index::earliest(store, Table::IdentifiedQuestions)?;
                // Retention takes what is strictly older than the period: due 1 ms past it.
                closed
                    .into_iter()
                    .chain(asked)
                    .min()
                    .map(|at| at.plus(period).plus(Span::from_millis(1)))
            }
            None => None,
        };
        Ok(reminder.into_iter().chain(retention).min())
    }

    fn send_reminders(&self) -> Result<Vec<TicketId>, DeskError> {
        let _guard = self.lock();
        let now = self.now();
        let after = self.config().reminder_after;
        let store = self.store();
        let mut batch = Batch::default();
        let mut reminded = Vec::new();
        // Read through the index of queued tickets by the start of their wait: only the due ones.
        for mut ticket in index::waiting_since(store, now.minus(after))? {
            let indexed = index::Entries::of(&ticket);
            let waited = now.since(ticket.queued_since);
            let mut notifier = Notifier {
                store,
                batch: &mut batch,
                now,
            };
            for chat in self.directory().group_chats(&ticket.group) {
                let key = format!("remind:{}:{}:{chat}", ticket.id, ticket.events.len());
                let language = self.directory().chat_language(&chat);
                notifier.send(chat, message::reminder(&ticket, waited, language), key)?;
            }
            ticket.reminded_at = Some(now);
            ticket.events.push(Event {
                at: now,
                actor: Actor::System,
                kind: EventKind::Reminded {
                    group: ticket.group.clone(),
                },
            });
            index::put_ticket(&mut batch, &indexed, &ticket)?;
            tracing::info!(ticket = %ticket.id, group = %ticket.group, waited = %waited, "reminder queued");
            reminded.push(ticket.id);
        }
        store.commit(batch)?;
        if !reminded.is_empty() {
            self.inner.outbox_signal.notify_one();
        }
        Ok(reminded)
    }
}
