//! Updates received but not yet handled, kept in the front-end's database so that acknowledging an
//! update to Telegram never risks losing it.
//!
//! An update is written (and flushed) here before Telegram is told it arrived — the webhook's `200`, or
//! the next `getUpdates` offset — then handled, then moved to the handled list. A crash in between
//! leaves it pending, and it is handled at the next start. Repeated deliveries of an update still
//! pending or recently handled are recognised by `update_id` and dropped.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::store::StoreError;

/// How long a handled update's id is remembered to drop a repeated delivery. Telegram keeps an update
/// for at most a day, and may number updates afresh after a week without any.
pub(super) const REMEMBER_HANDLED: Duration = Duration::from_secs(24 * 60 * 60);

/// The pending and recently handled updates. Cheap to clone (sled trees are shared handles).
#[derive(Clone)]
pub(super) struct Inbox {
    /// For the flush that makes an accepted update durable.
    db: sled::Db,
    /// Accepted, not yet handled: `update_id` (big-endian) → the update's JSON.
    pending: sled::Tree,
    /// Handled: `update_id` (big-endian) → when (seconds since the epoch, big-endian).
    handled: sled::Tree,
}

impl Inbox {
    /// The inbox kept in `db`.
    pub(super) fn open(db: &sled::Db) -> Result<Inbox, StoreError> {
        Ok(Inbox {
            db: db.clone(),
            pending: db.open_tree("inbox_pending")?,
            handled: db.open_tree("inbox_handled")?,
        })
    }

    /// Keeps update `id` (its JSON) durably until [`Inbox::handled`] is called for it; `false` (and
    /// nothing written) when the update is already pending or was handled recently.
    pub(super) fn accept(&self, id: u32, update: &[u8]) -> Result<bool, StoreError> {
        let key = id.to_be_bytes();
        let accepted = (&self.pending, &self.handled)
            .transaction(|(pending, handled)| {
                if pending.get(key)?.is_some() || handled.get(key)?.is_some() {
                    return Ok(false);
                }
                pending.insert(&key, update)?;
                Ok::<_, ConflictableTransactionError<()>>(true)
            })
            .map_err(storage)?;
        if accepted {
            self.db.flush()?;
        }
        Ok(accepted)
    }

    /// The updates accepted and not handled, oldest first.
    pub(super) fn pending(&self) -> Result<Vec<(u32, Vec<u8>)>, StoreError> {
        self.pending
            .iter()
            .map(|entry| {
                let (key, update) = entry?;
                let id = key.as_ref().try_into().map(u32::from_be_bytes).unwrap_or(0);
                Ok((id, update.to_vec()))
            })
            .collect()
    }

    /// Update `id` was handled at `at`: it is no longer pending, and a repeat of it is dropped. Not
    /// flushed at once: a crash before sled's next flush handles it again, which loses nothing.
    pub(super) fn handled(&self, id: u32, at: SystemTime) -> Result<(), StoreError> {
        let key = id.to_be_bytes();
        let when = seconds(at).to_be_bytes();
        (&self.pending, &self.handled)
            .transaction(|(pending, handled)| {
                pending.remove(&key)?;
                handled.insert(&key, &when)?;
                Ok::<_, ConflictableTransactionError<()>>(())
            })
            .map_err(storage)
    }

    /// Forgets the ids of updates handled more than [`REMEMBER_HANDLED`] before `now`.
    pub(super) fn forget_old(&self, now: SystemTime) -> Result<usize, StoreError> {
        let cutoff = seconds(now).saturating_sub(REMEMBER_HANDLED.as_secs());
        let mut forgotten = 0;
        for entry in self.handled.iter() {
            let (key, when) = entry?;
            let when = when
                .as_ref()
                .try_into()
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            if when < cutoff {
                self.handled.remove(key)?;
                forgotten += 1;
            }
        }
        Ok(forgotten)
    }
}

fn seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn storage(error: TransactionError<()>) -> StoreError {
    match error {
        TransactionError::Storage(error) => error.into(),
        // The transactions above never abort.
        TransactionError::Abort(()) => StoreError::from(sled::Error::ReportableBug(
            "an inbox transaction aborted".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inbox() -> (tempfile::TempDir, Inbox) {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        (dir, Inbox::open(&db).unwrap())
    }

    #[test]
    fn an_update_is_pending_until_handled_and_a_repeat_is_dropped_meanwhile_and_after() {
        let (_dir, inbox) = inbox();
        let now = SystemTime::now();
        assert!(inbox.accept(7, b"{\"update_id\":7}").unwrap());
        assert!(inbox.accept(8, b"{\"update_id\":8}").unwrap());
        assert!(!inbox.accept(7, b"{\"update_id\":7}").unwrap(), "pending");
        let ids: Vec<u32> = inbox
            .pending()
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, [7, 8]);
        inbox.handled(7, now).unwrap();
        assert!(!inbox.accept(7, b"{\"update_id\":7}").unwrap(), "handled");
        assert_eq!(
            inbox.pending().unwrap(),
            [(8, b"{\"update_id\":8}".to_vec())]
        );
    }

    #[test]
    fn handled_ids_are_forgotten_after_a_day() {
        let (_dir, inbox) = inbox();
        let then = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        inbox.handled(7, then).unwrap();
        inbox.handled(9, then + Duration::from_secs(3600)).unwrap();
        let later = then + REMEMBER_HANDLED + Duration::from_secs(60);
        assert_eq!(inbox.forget_old(later).unwrap(), 1);
        assert!(
            inbox.accept(7, b"{}").unwrap(),
            "forgotten: a new update may reuse the id"
        );
        assert!(!inbox.accept(9, b"{}").unwrap(), "still remembered");
    }
}
