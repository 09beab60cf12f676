//! The storage the desk needs, as a small trait: tables of records and atomic batches of writes.
//! Kept narrow so the desk does not depend on sled (whose stable line is old) and another engine can
//! replace it.

/// The record families the desk keeps. A storage maps each to its own key space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// Tickets by id.
    Tickets,
    /// Question records by id (big-endian, so keys sort by time of asking).
    Questions,
    /// Each user's latest question, for follow-up detection without scanning every question.
    LastQuestion,
    /// Messages waiting for delivery, by enqueue sequence.
    Outbox,
    /// Idempotency keys of delivered messages, with the platform's message id.
    Delivered,
    /// Messages given up on (permanent error or too many attempts), for the operator.
    DeadLetters,
    /// Curated FAQ entries by ticket id.
    Curated,
    /// Counters, and the marks of the indexes built.
    Meta,
    /// Index of each asker's tickets (`identity`, 0, ticket id → ticket id), so `/status`, the
    /// per-asker cap and `forget` read one asker's tickets instead of every ticket.
    AskerTickets,
    /// Index of the outbox's pending card edits (card key, 0, outbox sequence → sequence), so an
    /// action finds the stale edits of its cards without reading the whole outbox.
    PendingEdits,
    /// Index of tickets by status (status, 0, ticket id → ticket id), so `/metrics` counts and the
    /// console's status filter read one status's entries instead of every ticket.
    StatusTickets,
    /// Index of the queued tickets by when their reminder wait started (instant, ticket id → ticket
    /// id), so the clock's reminder pass reads only the tickets whose wait is over.
    ReminderWaits,
    /// Index of closed tickets by closing instant (instant, ticket id → ticket id), so retention
    /// reads only the tickets closed before its cutoff.
    ClosedTickets,
    /// Index of each user's questions that still name them (`identity`, 0, question id → question
    /// id), so `forget` reads that user's questions instead of every question.
    UserQuestions,
    /// Index of the questions that still carry an identity or words, by when they were asked
    /// (instant, question id → question id), so retention reads only the questions past its cutoff.
    IdentifiedQuestions,
    /// Index of the outbox by ticket (ticket id, 0, sequence → sequence), so deleting a ticket drops
    /// its messages without reading the outbox.
    TicketOutbox,
    /// Index of the dead letters by ticket (ticket id, 0, sequence → sequence), for the same reason.
    TicketDeadLetters,
    /// What a person chose for themselves (the language of the bot's words), by identity: one read
    /// for every update, and one delete on `forget`.
    Preferences,
    /// What the retention rule swept and a chat platform's front-end has not yet dropped its rows
    /// about (platform, 0, sequence → ids), so a front-end that was down, failed, or runs in another
    /// process is told at its next chance instead of never.
    Sweeps,
}

impl Table {
    /// Every table, for storages that lay them out up front.
    pub const ALL: [Table; 19] = [
        Table::Tickets,
        Table::Questions,
        Table::LastQuestion,
        Table::Outbox,
        Table::Delivered,
        Table::DeadLetters,
        Table::Curated,
        Table::Meta,
        Table::AskerTickets,
        Table::PendingEdits,
        Table::StatusTickets,
        Table::ReminderWaits,
        Table::ClosedTickets,
        Table::UserQuestions,
        Table::IdentifiedQuestions,
        Table::TicketOutbox,
        Table::TicketDeadLetters,
        Table::Preferences,
        Table::Sweeps,
    ];

    /// A one-byte tag, stable on disk: never renumber.
    pub fn tag(self) -> u8 {
        match self {
            Table::Tickets => b't',
            Table::Questions => b'q',
            Table::LastQuestion => b'u',
            Table::Outbox => b'o',
            Table::Delivered => b'd',
            Table::DeadLetters => b'x',
            Table::Curated => b'c',
            Table::Meta => b'm',
            Table::AskerTickets => b'a',
            Table::PendingEdits => b'e',
            Table::StatusTickets => b's',
            Table::ReminderWaits => b'r',
            Table::ClosedTickets => b'z',
            Table::UserQuestions => b'p',
            Table::IdentifiedQuestions => b'i',
            Table::TicketOutbox => b'b',
            Table::TicketDeadLetters => b'l',
            Table::Preferences => b'g',
            Table::Sweeps => b'w',
        }
    }
}

/// One change in a [`Storage::commit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Sets `key` to `value` in `table`.
    Put {
        /// The table written.
        table: Table,
        /// The record's key.
        key: Vec<u8>,
        /// The encoded record.
        value: Vec<u8>,
    },
    /// Removes `key` from `table` (nothing happens if it is absent).
    Delete {
        /// The table written.
        table: Table,
        /// The record's key.
        key: Vec<u8>,
    },
}

/// A stored record: its key and its encoded value.
pub type Record = (Vec<u8>, Vec<u8>);

/// Where the desk's state lives. Small on purpose: the desk needs point reads, key-prefix, key-range
/// and whole-table scans and atomic, durable multi-record commits, and nothing else, so another embedded
/// store can replace sled without touching the desk.
pub trait Storage: Send + Sync + std::fmt::Debug {
    /// The value at `key` in `table`.
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;

    /// Every entry of `table`, in key order.
    fn scan(&self, table: Table) -> Result<Vec<Record>, StorageError>;

    /// The entries of `table` whose key starts with `prefix`, in key order: how the indexes are read
    /// (one asker's tickets, one card's pending edits) without a scan of the table.
    fn scan_prefix(&self, table: Table, prefix: &[u8]) -> Result<Vec<Record>, StorageError>;

    /// The entries of `table` whose key sorts before `end`, in key order: how the time-ordered
    /// indexes are read (reminders due, tickets past retention) up to an instant, not past it.
    fn scan_before(&self, table: Table, end: &[u8]) -> Result<Vec<Record>, StorageError>;

    /// The entry of `table` with the smallest key: when the next duty of a time-ordered index
    /// (a reminder, a retention deadline) falls due, read without a scan.
    fn first(&self, table: Table) -> Result<Option<Record>, StorageError>;

    /// Applies all `writes` or none, and returns only once they would survive a crash (`kill -9`, power
    /// loss short of disk failure): the desk acknowledges nothing before this returns.
    fn commit(&self, writes: Vec<Write>) -> Result<(), StorageError>;
}

/// The store failed: the change was not made.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// Another process holds the database open.
    #[error(
        "the desk database at {path} is in use by another process (is `consulta` running?); stop it or use its chat front-ends"
    )]
    Locked {
        /// The database directory.
        path: String,
    },
    /// The storage engine itself failed (disk full, I/O error).
    #[error("desk database: {0}")]
    Backend(String),
    /// A stored record does not decode as what its table holds.
    #[error("desk database holds a record it cannot read ({table:?}): {reason}")]
    Corrupt {
        /// The table of the unreadable record.
        table: Table,
        /// What the decoder said.
        reason: String,
    },
}
