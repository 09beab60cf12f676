//! Typed access over [`Storage`](super::Storage): records as JSON (inspectable, and new fields need no
//! migration), batches, and sequence numbers allocated inside the commit that uses them.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::storage::{Storage, StorageError, Table, Write};

/// Typed access to a [`Storage`]: records are JSON, which keeps the database inspectable and lets
/// fields be added without a migration.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    storage: Arc<dyn Storage>,
}

fn decode<T: DeserializeOwned>(table: Table, bytes: &[u8]) -> Result<T, StorageError> {
    serde_json::from_slice(bytes).map_err(|e| StorageError::Corrupt {
        table,
        reason: e.to_string(),
    })
}

impl Store {
    pub(crate) fn new(storage: Arc<dyn Storage>) -> Self {
        Store { storage }
    }

    pub(crate) fn get<T: DeserializeOwned>(
        &self,
        table: Table,
        key: &[u8],
    ) -> Result<Option<T>, StorageError> {
        self.storage
            .get(table, key)?
            .map(|bytes| decode(table, &bytes))
            .transpose()
    }

    pub(crate) fn all<T: DeserializeOwned>(&self, table: Table) -> Result<Vec<T>, StorageError> {
        self.storage
            .scan(table)?
            .iter()
            .map(|(_, bytes)| decode(table, bytes))
            .collect()
    }

    /// The records of `table` whose key starts with `prefix`, in key order.
    pub(crate) fn with_prefix<T: DeserializeOwned>(
        &self,
        table: Table,
        prefix: &[u8],
    ) -> Result<Vec<T>, StorageError> {
        self.storage
            .scan_prefix(table, prefix)?
            .iter()
            .map(|(_, bytes)| decode(table, bytes))
            .collect()
    }

    /// The records of `table` whose key sorts before `end`, in key order.
    pub(crate) fn before<T: DeserializeOwned>(
        &self,
        table: Table,
        end: &[u8],
    ) -> Result<Vec<T>, StorageError> {
        self.storage
            .scan_before(table, end)?
            .iter()
            .map(|(_, bytes)| decode(table, bytes))
            .collect()
    }

    /// The smallest key of `table`, if it has any.
    pub(crate) fn first_key(&self, table: Table) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.storage.first(table)?.map(|(key, _)| key))
    }

    pub(crate) fn contains(&self, table: Table, key: &[u8]) -> Result<bool, StorageError> {
        Ok(self.storage.get(table, key)?.is_some())
    }

    /// Commits the batch atomically and durably, with the tallies it moved. Callers hold the desk's
    /// write lock, so a tally's read-then-write cannot race.
    pub(crate) fn commit(&self, mut batch: Batch) -> Result<(), StorageError> {
        for (tally, delta) in std::mem::take(&mut batch.tallies) {
            if delta != 0 {
                let current = self.tally(tally)?;
                batch.put(
                    Table::Meta,
                    tally.as_bytes(),
                    &current.saturating_add_signed(delta),
                )?;
            }
        }
        if batch.writes.is_empty() {
            return Ok(());
        }
        self.storage.commit(batch.writes)
    }

    /// The value of a tally kept with [`Batch::tally`].
    pub(crate) fn tally(&self, tally: &str) -> Result<u64, StorageError> {
        Ok(self.get::<u64>(Table::Meta, tally.as_bytes())?.unwrap_or(0))
    }

    /// The next value of a counter, counting increments already in `batch`. Callers hold the desk's
    /// write lock, so read-then-write cannot race.
    pub(crate) fn next(&self, batch: &mut Batch, counter: &str) -> Result<u64, StorageError> {
        let current = match batch.counters.get(counter) {
            Some(&value) => value,
            None => self
                .get::<u64>(Table::Meta, counter.as_bytes())?
                .unwrap_or(0),
        };
        batch.counters.insert(counter.to_string(), current + 1);
        batch.put(Table::Meta, counter.as_bytes(), &(current + 1))?;
        Ok(current)
    }
}

/// Writes to commit together.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    writes: Vec<Write>,
    counters: HashMap<String, u64>,
    tallies: HashMap<&'static str, i64>,
}

impl Batch {
    /// Moves a tally (how many records a table holds, kept in [`Table::Meta`]) by `delta` when the
    /// batch commits, so that counting them needs no scan.
    pub(crate) fn tally(&mut self, tally: &'static str, delta: i64) {
        *self.tallies.entry(tally).or_default() += delta;
    }

    pub(crate) fn put<T: Serialize + ?Sized>(
        &mut self,
        table: Table,
        key: &[u8],
        value: &T,
    ) -> Result<(), StorageError> {
        let value = serde_json::to_vec(value).map_err(|e| StorageError::Corrupt {
            table,
            reason: e.to_string(),
        })?;
        self.writes.push(Write::Put {
            table,
            key: key.to_vec(),
            value,
        });
        Ok(())
    }

    pub(crate) fn delete(&mut self, table: Table, key: &[u8]) {
        self.writes.push(Write::Delete {
            table,
            key: key.to_vec(),
        });
    }
}
