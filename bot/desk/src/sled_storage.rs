//! The [`Storage`](super::Storage) in use, on sled: each table under a one-byte prefix of one tree, so
//! every commit is one transaction followed by a flush, and is durable when it returns.

use std::convert::Infallible;
use std::path::Path;
use std::time::{Duration, Instant};

use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::storage::{Record, Storage, StorageError, Table, Write};

/// [`Storage`] on sled 0.34: one tree, each table under its one-byte prefix, so every commit is a
/// single-tree transaction followed by a flush to disk.
#[derive(Debug, Clone)]
pub struct SledStorage {
    db: sled::Db,
}

impl SledStorage {
    /// Opens (or creates) the database directory at `path`, waiting up to [`LOCK_PATIENCE`] for a
    /// held lock ([`open_sled`]).
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        open_sled(path, LOCK_PATIENCE).map(|db| SledStorage { db })
    }
}

/// Opens (or creates) the sled database at `path`, trying a held lock again for up to `patience`
/// before reporting it.
///
/// A lock can outlive its holder by a moment: a process the program spawns holds a copy of the
/// lock's descriptor until it has started, a previous `consulta` may still be exiting, and a
/// stopped front-end's last handles may still be unwinding.
pub fn open_sled(path: &Path, patience: Duration) -> Result<sled::Db, StorageError> {
    let started = Instant::now();
    loop {
        match sled::Config::new().path(path).open() {
            Ok(db) => return Ok(db),
            Err(error) => match open_error(path, error) {
                StorageError::Locked { .. } if started.elapsed() < patience => {
                    std::thread::sleep(LOCK_RETRY);
                }
                error => return Err(error),
            },
        }
    }
}

/// How long a held lock is waited for before the directory is reported as in use.
const LOCK_PATIENCE: Duration = Duration::from_secs(2);

/// The pause between two tries of a held lock.
const LOCK_RETRY: Duration = Duration::from_millis(50);

fn open_error(path: &Path, error: sled::Error) -> StorageError {
    match &error {
        // sled reports a held lock only through this message.
        sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
            StorageError::Locked {
                path: path.display().to_string(),
            }
        }
        _ => StorageError::Backend(format!("cannot open {}: {error}", path.display())),
    }
}

fn full_key(table: Table, key: &[u8]) -> Vec<u8> {
    let mut full = Vec::with_capacity(key.len() + 1);
    full.push(table.tag());
    full.extend_from_slice(key);
    full
}

fn backend(error: sled::Error) -> StorageError {
    StorageError::Backend(error.to_string())
}

impl Storage for SledStorage {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self
            .db
            .get(full_key(table, key))
            .map_err(backend)?
            .map(|v| v.to_vec()))
    }

    fn scan(&self, table: Table) -> Result<Vec<Record>, StorageError> {
        self.scan_prefix(table, &[])
    }

    fn scan_prefix(&self, table: Table, prefix: &[u8]) -> Result<Vec<Record>, StorageError> {
        self.db
            .scan_prefix(full_key(table, prefix))
            .map(|entry| {
                let (k, v) = entry.map_err(backend)?;
                Ok((k[1..].to_vec(), v.to_vec()))
            })
            .collect()
    }

    fn scan_before(&self, table: Table, end: &[u8]) -> Result<Vec<Record>, StorageError> {
        self.db
            .range(full_key(table, &[])..full_key(table, end))
            .map(|entry| {
                let (k, v) = entry.map_err(backend)?;
                Ok((k[1..].to_vec(), v.to_vec()))
            })
            .collect()
    }

    fn first(&self, table: Table) -> Result<Option<Record>, StorageError> {
        self.db
            .scan_prefix(full_key(table, &[]))
            .next()
            .transpose()
            .map_err(backend)
            .map(|entry| entry.map(|(k, v)| (k[1..].to_vec(), v.to_vec())))
    }

    fn commit(&self, writes: Vec<Write>) -> Result<(), StorageError> {
        let result: Result<(), TransactionError<Infallible>> = self.db.transaction(|tree| {
            for write in &writes {
                match write {
                    Write::Put { table, key, value } => {
                        tree.insert(full_key(*table, key), value.as_slice())?;
                    }
                    Write::Delete { table, key } => {
                        tree.remove(full_key(*table, key))?;
                    }
                }
            }
            Ok::<(), ConflictableTransactionError<Infallible>>(())
        });
        match result {
            Ok(()) => {}
            Err(TransactionError::Storage(e)) => return Err(backend(e)),
            Err(TransactionError::Abort(never)) => match never {},
        }
        self.db.flush().map_err(backend)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_released_soon_is_waited_for_and_one_kept_is_reported() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let holder = SledStorage::open(dir.path()).expect("the first open");
        let error = SledStorage::open(dir.path()).expect_err("the directory is locked");
        assert!(matches!(error, StorageError::Locked { .. }), "{error:?}");

        let released_soon = std::thread::spawn(move || {
            std::thread::sleep(LOCK_RETRY * 4);
            drop(holder);
        });
        let reopened = SledStorage::open(dir.path());
        released_soon.join().expect("the holder drops its handle");
        assert!(reopened.is_ok(), "{:?}", reopened.err());
    }
}
