//! Shared fixtures for the desk's integration tests: a desk over a real sled database in a temporary
//! directory, driven by a manual clock, configured with the experts, groups and routes the tests need,
//! plus recording front-ends for the outbox, a deterministic embedder for reports, and a spy storage
//! that records commits and counts reads.
//!
//! Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use consulta_corpus::Lang;
use consulta_desk::{
    Action, Asker, ChatRef, DeliveryPass, Desk, DeskConfig, DeskError, Identity, ManualClock,
    NewQuestion, NewTicket, OutboxWorker, Platform, QuestionEmbedder, QuestionId, Recorded,
    RecordingFrontEnd, SledStorage, Storage, StorageError, Table, Tags, Ticket, TicketId,
    Timestamp, TransitionError, Write,
};
use tempfile::TempDir;

/// The desk configuration most tests run with. Group `markets` has no chat of its own, so its members'
/// private chats hear about its tickets. No `default_group`: unrouted tickets go to the first group.
pub const CONFIG: &str = r#"
reminder_after = "2h"
resolution_after = "3d"
retention_days = 30

[[groups]]
name = "andes"
chats = ["telegram:-100200"]

[[groups]]
name = "lusofonia"
chats = ["discord:300"]

[[groups]]
name = "markets"

[[experts]]
name = "Ana"
identities = ["telegram:7", "cli:ana"]
groups = ["andes"]
notify = "telegram:7"

[[experts]]
name = "Bruno"
identities = ["discord:8"]
groups = ["lusofonia", "markets"]
notify = "discord:8"

[[experts]]
name = "Carmen"
identities = ["telegram:9"]
groups = ["markets"]
notify = "telegram:9"

[[routes]]
topic = "6.4"
country = "BR"
group = "lusofonia"

[[routes]]
topic = "6.4"
group = "markets"

[[routes]]
country = "BR"
group = "lusofonia"

[[routes]]
language = "pt"
group = "lusofonia"

[outbox]
backoff_initial = "10s"
backoff_max = "1m"
max_attempts = 4
"#;

/// The team chat of group `andes`.
pub const ANDES_CHAT: &str = "telegram:-100200";
/// The team chat of group `lusofonia`.
pub const LUSOFONIA_CHAT: &str = "discord:300";

/// [`CONFIG`], parsed.
pub fn config() -> DeskConfig {
    toml::from_str(CONFIG).expect("the test desk config parses")
}

/// When every test's clock starts: a Monday morning, UTC.
pub fn start() -> Timestamp {
    "2025-03-10T09:00:00Z".parse().expect("valid instant")
}

/// Opens the desk at `path` with `config`, reading time from `clock`.
pub fn open_desk(path: &Path, config: DeskConfig, clock: &Arc<ManualClock>) -> Desk {
    Desk::builder(config)
        .clock(clock.clone())
        .open(path)
        .expect("the desk opens")
}

/// A desk in its own temporary directory, with the clock that drives it.
pub struct Fixture {
    pub dir: TempDir,
    pub clock: Arc<ManualClock>,
    pub desk: Desk,
}

impl Fixture {
    /// A fresh desk with [`CONFIG`], its clock at [`start`].
    pub fn new() -> Self {
        Fixture::with_config(config())
    }

    /// A fresh desk with `config`, its clock at [`start`].
    pub fn with_config(config: DeskConfig) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let clock = Arc::new(ManualClock::new(start()));
        let desk = open_desk(dir.path(), config, &clock);
        Fixture { dir, clock, desk }
    }

    /// The desk clock's current instant.
    pub fn now(&self) -> Timestamp {
        self.desk.now()
    }

    /// Closes the desk and opens it again on the same directory, as a restart would. Every other handle
    /// on the desk (clones, workers) must be dropped first, or sled refuses the second open.
    pub fn restart(self) -> Self {
        let Fixture { dir, clock, desk } = self;
        let config = desk.config().clone();
        drop(desk);
        let desk = open_desk(dir.path(), config, &clock);
        Fixture { dir, clock, desk }
    }
}

pub fn id(text: &str) -> Identity {
    text.parse().expect("valid identity")
}

pub fn chat(text: &str) -> ChatRef {
    text.parse().expect("valid chat")
}

/// Expert Ana, acting from the command line.
pub fn ana() -> Identity {
    id("cli:ana")
}

/// Expert Ana, acting from Telegram.
pub fn ana_on_telegram() -> Identity {
    id("telegram:7")
}

/// Expert Bruno (Discord).
pub fn bruno() -> Identity {
    id("discord:8")
}

/// Expert Carmen (Telegram).
pub fn carmen() -> Identity {
    id("telegram:9")
}

/// Someone who is not a configured expert.
pub fn stranger() -> Identity {
    id("telegram:666")
}

/// An asker on Discord.
pub fn marta() -> Asker {
    Asker {
        platform: Platform::Discord,
        chat_id: "555".into(),
        user_id: "901".into(),
        display_name: "Marta".into(),
    }
}

/// An asker on Telegram.
pub fn joaquim() -> Asker {
    Asker {
        platform: Platform::Telegram,
        chat_id: "777".into(),
        user_id: "702".into(),
        display_name: "Joaquim".into(),
    }
}

/// An asker on the web chat.
pub fn lucy() -> Asker {
    Asker {
        platform: Platform::Web,
        chat_id: "session-lucy".into(),
        user_id: "lucy".into(),
        display_name: "Lucy".into(),
    }
}

pub fn tags(topics: &[&str], countries: &[&str]) -> Tags {
    Tags {
        topics: topics.iter().map(|t| t.to_string()).collect(),
        countries: countries.iter().map(|c| c.to_string()).collect(),
    }
}

/// A ticket from `asker` in `language`, with `tags` and no retrieved passages.
pub fn new_ticket(asker: Asker, language: Lang, question: &str, tags: Tags) -> NewTicket {
    NewTicket {
        asker,
        language,
        question: question.into(),
        passages: vec![],
        tags,
        question_id: None,
    }
}

/// Marta's question about Chile, routed to the first group (`andes`).
pub fn chile_question() -> NewTicket {
    new_ticket(
        marta(),
        Lang::Es,
        "¿Quién autoriza los ITMO en Chile?",
        tags(&["6.2"], &["CL"]),
    )
}

/// Joaquim's question, a second asker's in another language.
pub fn brazil_question() -> NewTicket {
    new_ticket(
        joaquim(),
        Lang::Pt,
        "Quem autoriza no Brasil?",
        tags(&[], &["BR"]),
    )
}

/// A question from `asker` as a front-end records it after answering: low enough confidence that
/// escalation was offered, and no citations.
pub fn new_question(asker: Asker, language: Lang, text: &str, tags: Tags) -> NewQuestion {
    NewQuestion {
        asker,
        language,
        text: text.into(),
        confidence: 0.3,
        escalate: true,
        tags,
        passages: vec![],
    }
}

/// Records `question`, panicking with the desk's reason otherwise.
pub fn record(desk: &Desk, question: NewQuestion) -> QuestionId {
    desk.record_question(question).expect("question recorded")
}

/// Marta's recorded question about Chile (untagged), and the ticket request that escalates it.
pub fn recorded_chile_question(desk: &Desk) -> (QuestionId, NewTicket) {
    let question = record(
        desk,
        new_question(
            marta(),
            Lang::Es,
            "¿Quién autoriza los ITMO en Chile?",
            Tags::default(),
        ),
    );
    let mut new = chile_question();
    new.question_id = Some(question);
    (question, new)
}

pub fn answer(text: &str) -> Action {
    Action::Answer { text: text.into() }
}

/// Asserts that `action` by `by` is refused for `reason`, that the error says why in words, and that
/// neither the ticket nor the outbox changed.
pub fn assert_refused(
    desk: &Desk,
    by: &Identity,
    ticket: &TicketId,
    action: Action,
    reason: TransitionError,
) {
    let before = desk.ticket(ticket).expect("ticket exists");
    let pending_before = desk.pending_messages().expect("outbox readable");
    let error = desk
        .act(by, ticket, action.clone())
        .expect_err("the action must be refused");
    let message = error.to_string();
    match error {
        DeskError::Refused {
            ticket: refused,
            reason: actual,
        } => {
            assert_eq!(&refused, ticket);
            assert_eq!(actual, reason, "{action:?} refused for the wrong reason");
        }
        other => panic!("{action:?}: expected a refusal, got {other:?}"),
    }
    assert!(
        message.contains(ticket.as_str()) && message.contains(&reason.to_string()),
        "the error should name the ticket and the reason: {message}"
    );
    assert_eq!(
        desk.ticket(ticket).expect("ticket exists"),
        before,
        "{action:?} was refused but changed the ticket"
    );
    assert_eq!(
        desk.pending_messages().expect("outbox readable"),
        pending_before,
        "{action:?} was refused but queued messages"
    );
}

/// Recording front-ends for every platform the tests deliver to.
pub struct Platforms {
    pub telegram: Arc<RecordingFrontEnd>,
    pub discord: Arc<RecordingFrontEnd>,
    pub web: Arc<RecordingFrontEnd>,
}

impl Platforms {
    pub fn new() -> Self {
        Platforms {
            telegram: Arc::new(RecordingFrontEnd::new(Platform::Telegram)),
            discord: Arc::new(RecordingFrontEnd::new(Platform::Discord)),
            web: Arc::new(RecordingFrontEnd::new(Platform::Web)),
        }
    }

    /// A worker for `desk` delivering through these front-ends.
    pub fn worker(&self, desk: &Desk) -> OutboxWorker {
        OutboxWorker::new(desk.clone())
            .with_frontend(self.telegram.clone())
            .with_frontend(self.discord.clone())
            .with_frontend(self.web.clone())
    }

    pub fn frontend(&self, platform: Platform) -> &RecordingFrontEnd {
        match platform {
            Platform::Telegram => &self.telegram,
            Platform::Discord => &self.discord,
            Platform::Web => &self.web,
            Platform::Cli => panic!("no cli front-end in the tests"),
        }
    }

    /// Everything accepted, on every platform.
    pub fn all(&self) -> Vec<Recorded> {
        [&self.telegram, &self.discord, &self.web]
            .iter()
            .flat_map(|f| f.delivered())
            .collect()
    }

    /// Everything accepted for `chat`, in order.
    pub fn to(&self, chat: &ChatRef) -> Vec<Recorded> {
        self.frontend(chat.platform)
            .delivered()
            .into_iter()
            .filter(|r| r.chat_id == chat.chat_id)
            .collect()
    }
}

/// Runs one delivery pass to completion.
pub fn deliver(worker: &OutboxWorker) -> DeliveryPass {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(worker.deliver_due())
        .expect("delivery pass")
}

/// Opens a ticket and returns it, panicking with the desk's reason otherwise.
pub fn open(desk: &Desk, new: NewTicket) -> Ticket {
    desk.open_ticket(new).expect("ticket opens").ticket
}

/// A deterministic stand-in for the multilingual model: a question's vector has one axis per subject
/// keyword it mentions, so questions on one subject point the same way whatever their language.
#[derive(Debug, Default)]
pub struct KeywordEmbedder {
    embedded: Mutex<Vec<String>>,
}

/// The subjects [`KeywordEmbedder`] knows, each matched by any of its spellings (lowercase).
const SUBJECTS: [&[&str]; 3] = [
    &["itmo"],
    &["6.4", "mecanismo", "mechanism"],
    &["ajuste correspondiente", "corresponding adjustment"],
];

impl KeywordEmbedder {
    /// Every text embedded so far, in order.
    pub fn embedded(&self) -> Vec<String> {
        self.embedded.lock().expect("not poisoned").clone()
    }
}

impl QuestionEmbedder for KeywordEmbedder {
    fn embed_questions(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        let mut log = self.embedded.lock().expect("not poisoned");
        Ok(texts
            .iter()
            .map(|text| {
                log.push(text.to_string());
                let lower = text.to_lowercase();
                let mut vector: Vec<f32> = SUBJECTS
                    .iter()
                    .map(|spellings| {
                        if spellings.iter().any(|s| lower.contains(s)) {
                            1.0
                        } else {
                            0.0
                        }
                    })
                    .collect();
                let unknown = vector.iter().all(|&x| x == 0.0);
                vector.push(if unknown { 1.0 } else { 0.0 });
                vector
            })
            .collect())
    }
}

/// Sled underneath, with every commit recorded, every read counted by kind and table, and the next
/// commit failable on demand: what proves that an operation commits once, and reads what it says
/// (an index, a record) rather than a whole table.
#[derive(Debug)]
pub struct SpyStorage {
    pub inner: SledStorage,
    commits: Mutex<Vec<Vec<Write>>>,
    reads: Mutex<HashMap<(Read, Table), usize>>,
    pub fail_next: AtomicBool,
}

/// A kind of read, as counted by [`SpyStorage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Read {
    /// One record by key.
    Get,
    /// A whole table.
    Scan,
    /// The records under one key prefix (an index).
    Prefix,
    /// The records before one key (a time-ordered index, up to an instant).
    Range,
    /// The first record of a table (when a time-ordered index next falls due).
    First,
}

impl SpyStorage {
    pub fn commits(&self) -> Vec<Vec<Write>> {
        self.commits.lock().unwrap().clone()
    }

    /// How many reads of `kind` touched `table` since the last [`SpyStorage::forget_reads`].
    pub fn reads(&self, kind: Read, table: Table) -> usize {
        self.reads
            .lock()
            .unwrap()
            .get(&(kind, table))
            .copied()
            .unwrap_or(0)
    }

    /// Whole-table scans since the last [`SpyStorage::forget_reads`], of any table.
    pub fn scans(&self) -> usize {
        self.reads
            .lock()
            .unwrap()
            .iter()
            .filter(|((kind, _), _)| *kind == Read::Scan)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn forget_reads(&self) {
        self.reads.lock().unwrap().clear();
    }

    fn count(&self, kind: Read, table: Table) {
        *self.reads.lock().unwrap().entry((kind, table)).or_insert(0) += 1;
    }
}

impl Storage for SpyStorage {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.count(Read::Get, table);
        self.inner.get(table, key)
    }

    fn scan(&self, table: Table) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StorageError> {
        self.count(Read::Scan, table);
        self.inner.scan(table)
    }

    fn scan_prefix(
        &self,
        table: Table,
        prefix: &[u8],
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StorageError> {
        self.count(Read::Prefix, table);
        self.inner.scan_prefix(table, prefix)
    }

    fn scan_before(
        &self,
        table: Table,
        end: &[u8],
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StorageError> {
        self.count(Read::Range, table);
        self.inner.scan_before(table, end)
    }

    fn first(&self, table: Table) -> Result<Option<(Vec<u8>, Vec<u8>)>, StorageError> {
        self.count(Read::First, table);
        self.inner.first(table)
    }

    fn commit(&self, writes: Vec<Write>) -> Result<(), StorageError> {
        if self.fail_next.swap(false, Ordering::SeqCst) {
            return Err(StorageError::Backend("disk full (simulated)".into()));
        }
        self.commits.lock().unwrap().push(writes.clone());
        self.inner.commit(writes)
    }
}

/// A desk over a [`SpyStorage`] on a fresh sled database, with [`CONFIG`] and a manual clock at
/// [`start`]. What the desk wrote and read while opening is not counted.
pub fn spied_desk() -> (TempDir, Arc<SpyStorage>, Desk) {
    spied_desk_on(Arc::new(ManualClock::new(start())))
}

/// A [`SpyStorage`] over the sled database at `path` (opened, or created).
pub fn spy_on(path: &Path) -> Arc<SpyStorage> {
    Arc::new(SpyStorage {
        inner: SledStorage::open(path).unwrap(),
        commits: Mutex::new(Vec::new()),
        reads: Mutex::new(HashMap::new()),
        fail_next: AtomicBool::new(false),
    })
}

/// [`spied_desk`] driven by `clock`.
pub fn spied_desk_on(clock: Arc<ManualClock>) -> (TempDir, Arc<SpyStorage>, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let spy = spy_on(dir.path());
    let desk = Desk::builder(config())
        .clock(clock)
        .build(spy.clone())
        .unwrap();
    spy.commits.lock().unwrap().clear();
    spy.forget_reads();
    (dir, spy, desk)
}
