//! The [`Desk`] handle and its core operations — recording questions, opening tickets, expert actions
//! and ratings — each one read-modify-write under one lock and committed atomically together with the
//! notifications it causes.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use consulta_corpus::Lang;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use super::action::{self, Action, TransferTarget, TransitionError};
use super::claim::ChatClaims;
use super::clock::{Clock, SystemClock};
use super::config::{DeskConfig, ExpertConfig};
use super::curated::CuratedSink;
use super::error::DeskError;
use super::identity::{Asker, Identity};
use super::index;
use super::members::Members;
use super::message;
use super::notify::Notifier;
use super::outbox::{DeadLetter, OutboxEntry};
use super::question::{NewQuestion, QuestionId, QuestionRecord, Rating};
use super::routing::Directory;
use super::sled_storage::SledStorage;
use super::storage::{Storage, Table};
use super::store::{Batch, Store};
use super::ticket::{Actor, Event, EventKind, RetrievedPassage, Status, Tags, Ticket};
use super::ticket_id::TicketId;
use super::time::Timestamp;

/// A question handed to experts, as a front-end reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTicket {
    /// Who asked, and where the answer goes.
    pub asker: Asker,
    /// The question's language; the asker is answered in it. A recorded question's own language is
    /// used instead, so that a front-end need not keep it.
    pub language: Lang,
    /// The question. A recorded question's own text is used instead (left empty, typically): the
    /// desk keeps the words, so a front-end holds only the question's id.
    pub question: String,
    /// What Consulta retrieved, best first, for a ticket without a recorded question: a recorded
    /// question's ticket takes the citations kept with the question instead.
    pub passages: Vec<RetrievedPassage>,
    /// Topics and countries, for routing; left empty, a recorded question's own tags are used.
    pub tags: Tags,
    /// The recorded question this ticket escalates ([`Desk::record_question`]), for outcome metrics.
    pub question_id: Option<QuestionId>,
}

/// What [`Desk::open_ticket`] did: a question escalated again gets its ticket back, not a second one.
/// Serialised as the ticket's fields plus `opened`, which is what `POST /v1/escalations` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    /// The question's ticket, new or found.
    #[serde(flatten)]
    pub ticket: Ticket,
    /// Whether this call opened it: `false` when the question already had it, so that a second press
    /// is neither counted as a second escalation nor announced to the experts again.
    pub opened: bool,
}

/// The desk: tickets, their experts, the outbox and the curated FAQ, over one durable store.
///
/// A cheap handle (`Clone` shares the same desk), safe to use from every front-end task at once.
/// Writes are serialised and each returns only once durable, which takes a disk flush (a few
/// milliseconds): async callers with heavy traffic may run them under `spawn_blocking`.
///
/// ```
/// use consulta_desk::{Action, Asker, Desk, DeskConfig, NewTicket, Platform, Status, Tags};
///
/// let dir = tempfile::tempdir()?;
/// let config: DeskConfig = toml::from_str(r#"
///     groups = [{ name = "andes", chats = ["telegram:-100200"] }]
///     experts = [{ name = "Ana", identities = ["telegram:7", "cli:ana"], groups = ["andes"] }]
/// "#)?;
/// let desk = Desk::open(dir.path(), config)?;
/// let ticket = desk.open_ticket(NewTicket {
///     asker: Asker { platform: Platform::Discord, chat_id: "55".into(), user_id: "9".into(),
///                    display_name: "Marta".into() },
///     language: "es".parse()?,
///     question: "¿Quién autoriza los ITMO en Chile?".into(),
///     passages: vec![],
///     tags: Tags::default(),
///     question_id: None,
/// })?.ticket;
/// let ana = "cli:ana".parse()?;
/// let claimed = desk.act(&ana, &ticket.id, Action::Claim)?;
/// assert_eq!(claimed.status, Status::Claimed);
/// // A second claim is refused with a reason, and changes nothing.
/// let refused = desk.act(&ana, &ticket.id, Action::Claim).unwrap_err();
/// assert!(refused.to_string().contains("already claimed"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Desk {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Store,
    pub(crate) directory: Directory,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sink: Option<Arc<dyn CuratedSink>>,
    /// The most tickets not closed one asker may have; a new one beyond is refused.
    max_open: Option<usize>,
    /// Serialises read-modify-write cycles: sled is single-process, so this is the only writer.
    write_lock: Mutex<()>,
    /// Wakes the outbox worker when a commit enqueued messages.
    pub(crate) outbox_signal: Notify,
    /// The chats being delivered to: one round per chat at a time, even with two workers on one desk.
    pub(crate) claims: Arc<ChatClaims>,
    /// Team-chat members admitted to act for a while.
    pub(crate) members: Members,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("store", &self.store)
            .field("clock", &self.clock)
            .field("sink", &self.sink.is_some())
            .finish_non_exhaustive()
    }
}

/// Assembles a [`Desk`] from its parts; [`Desk::open`] covers the usual case.
pub struct DeskBuilder {
    config: DeskConfig,
    clock: Arc<dyn Clock>,
    sink: Option<Arc<dyn CuratedSink>>,
    max_open: Option<usize>,
}

impl std::fmt::Debug for DeskBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeskBuilder")
            .field("clock", &self.clock)
            .field("sink", &self.sink.is_some())
            .finish_non_exhaustive()
    }
}

impl DeskBuilder {
    /// Uses `clock` instead of the system clock (tests, simulations).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Indexes approved answers into `sink` (the retrieval engine) as soon as they are approved.
    pub fn sink(mut self, sink: Arc<dyn CuratedSink>) -> Self {
        self.sink = Some(sink);
        self
    }

    /// Refuses a new ticket to an asker who already has `cap` tickets not closed
    /// ([`DeskError::TooManyOpen`]), from whichever platform they ask; unset, there is no cap.
    pub fn max_open_tickets_per_asker(mut self, cap: usize) -> Self {
        self.max_open = Some(cap);
        self
    }

    /// Builds the desk over `storage`, after validating the configuration.
    pub fn build(self, storage: Arc<dyn Storage>) -> Result<Desk, DeskError> {
        let directory = Directory::new(self.config)?;
        let store = Store::new(storage);
        index::build_if_missing(&store)?;
        Ok(Desk {
            inner: Arc::new(Inner {
                store,
                directory,
                clock: self.clock,
                sink: self.sink,
                max_open: self.max_open,
                write_lock: Mutex::new(()),
                outbox_signal: Notify::new(),
                claims: Arc::default(),
                members: Members::default(),
            }),
        })
    }

    /// Builds the desk over a sled database at `path` (created if missing).
    pub fn open(self, path: &Path) -> Result<Desk, DeskError> {
        let storage = SledStorage::open(path)?;
        self.build(Arc::new(storage))
    }
}

impl Desk {
    /// Starts assembling a desk with `config`, the system clock and no index sink.
    pub fn builder(config: DeskConfig) -> DeskBuilder {
        DeskBuilder {
            config,
            clock: Arc::new(SystemClock),
            sink: None,
            max_open: None,
        }
    }

    /// Opens the desk whose sled database is at `path`, with the system clock and no index sink.
    pub fn open(path: &Path, config: DeskConfig) -> Result<Desk, DeskError> {
        Desk::builder(config).open(path)
    }

    /// The configuration in force.
    pub fn config(&self) -> &DeskConfig {
        &self.inner.directory.config
    }

    /// The desk's current time (from its clock).
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, ()> {
        // A panic while holding the lock leaves nothing half-written (commits are atomic), so the
        // poisoned state carries no meaning here.
        self.inner
            .write_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn directory(&self) -> &Directory {
        &self.inner.directory
    }

    /// The expert acting from `identity` (configured, or a team-chat member admitted with
    /// [`Desk::admit_member`]), or [`DeskError::NotAnExpert`]: every expert action and every read of
    /// tickets goes through this.
    pub fn authorise(&self, identity: &Identity) -> Result<ExpertConfig, DeskError> {
        if let Some(expert) = self.directory().expert(identity) {
            return Ok(expert.clone());
        }
        self.inner
            .members
            .get(identity, self.now())
            .ok_or_else(|| DeskError::NotAnExpert(identity.clone()))
    }

    /// Records a question asked of Consulta (escalated or not), for outcome metrics and gap reports.
    /// Front-ends call it for every question, right after answering.
    pub fn record_question(&self, question: NewQuestion) -> Result<QuestionId, DeskError> {
        let _guard = self.lock();
        let now = self.now();
        let store = self.store();
        let mut batch = Batch::default();
        let id = QuestionId(store.next(&mut batch, "seq:question")?);
        let user = question.asker.identity();
        let user_key = user.to_string();
        let window = self.config().resolution_after;
        if let Some(previous) = store.get::<QuestionId>(Table::LastQuestion, user_key.as_bytes())?
            && let Some(mut record) =
                store.get::<QuestionRecord>(Table::Questions, &previous.0.to_be_bytes())?
            && record.followed_up_at.is_none()
            && record.is_followed_up_by(now, window)
        {
            record.followed_up_at = Some(now);
            batch.put(Table::Questions, &previous.0.to_be_bytes(), &record)?;
        }
        let record = QuestionRecord {
            id,
            at: now,
            user: Some(user),
            language: question.language,
            text: Some(question.text),
            confidence: question.confidence,
            escalated: question.escalate,
            tags: question.tags,
            passages: question.passages,
            ticket: None,
            ticket_opened_at: None,
            first_response_at: None,
            answered_at: None,
            rating: None,
            followed_up_at: None,
        };
        index::add_question(&mut batch, &record)?;
        batch.put(Table::LastQuestion, user_key.as_bytes(), &id)?;
        store.commit(batch)?;
        Ok(id)
    }

    /// Opens a ticket and queues it for its group. When this returns the ticket is on disk, and the
    /// group's notification is in the outbox: it is safe to tell the asker the ticket id.
    ///
    /// Escalation is idempotent by question: a question that already has a ticket gets that ticket
    /// back ([`Escalation::opened`] is `false`) and nothing is queued, whatever state the ticket is in
    /// — a double click, a retry, or "Ask an expert" pressed again after the experts closed it (the
    /// closed ticket is returned as it is: reopening is the experts' decision, or the asker's 👎 on
    /// the answer; a new question of the asker's gets a new ticket). The question's record names its
    /// ticket, so finding it is one read, not a search. Only the person who asked may escalate a
    /// recorded question ([`DeskError::NotTheAsker`]: the one check of this, for every front-end and
    /// the API), and a forgotten one cannot be. A new ticket beyond the asker's cap of open tickets
    /// is refused ([`DeskError::TooManyOpen`]), read through the asker's index; a question's ticket
    /// found again never is. A recorded question's ticket takes its words, language, citations and
    /// tags from the record.
    pub fn open_ticket(&self, new: NewTicket) -> Result<Escalation, DeskError> {
        let _guard = self.lock();
        let now = self.now();
        let store = self.store();
        let mut batch = Batch::default();
        let record = match new.question_id {
            Some(question_id) => {
                let record = self.question(question_id)?;
                let asker = new.asker.identity();
                if let Some(existing) = &record.ticket {
                    // Tickets are deleted only with their asker's questions (forget, retention).
                    let ticket = store
                        .get::<Ticket>(Table::Tickets, existing.as_str().as_bytes())?
                        .ok_or(DeskError::ForgottenQuestion(question_id))?;
                    // The ticket names its asker even once retention anonymised an old question.
                    if ticket.asker.identity() != asker {
                        return Err(DeskError::NotTheAsker(asker));
                    }
                    return Ok(Escalation {
                        ticket,
                        opened: false,
                    });
                }
                match &record.user {
                    Some(user) if *user == asker => {}
                    Some(_) => return Err(DeskError::NotTheAsker(asker)),
                    None => return Err(DeskError::ForgottenQuestion(question_id)),
                }
                Some(record)
            }
            None => None,
        };
        // A recorded question brings its own words and language: the asker's front-end keeps only ids.
        let (question, language) = match &record {
            Some(record) => (record.text.clone().unwrap_or_default(), record.language),
            None => (new.question, new.language),
        };
        let question = question.trim().to_string();
        if question.is_empty() {
            return Err(DeskError::EmptyQuestion);
        }
        if let Some(cap) = self.inner.max_open {
            let open = self.open_tickets_of(&new.asker.identity())?.len();
            if open >= cap {
                return Err(DeskError::TooManyOpen { open, cap });
            }
        }
        // A recorded question brings what was worked out when it was answered: its citations, and
        // the tags that route it unless the front-end gave its own.
        let (passages, tags) = match &record {
            Some(record) if new.tags == Tags::default() => {
                (record.passages.clone(), record.tags.clone())
            }
            Some(record) => (record.passages.clone(), new.tags),
            None => (new.passages, new.tags),
        };
        let group = self
            .directory()
            .route(&tags, language)
            .ok_or(DeskError::NoGroup)?
            .to_string();
        let id = TicketId::from_sequence(store.next(&mut batch, "seq:ticket")?);
        let mut ticket = Ticket {
            id: id.clone(),
            created_at: now,
            asker: new.asker,
            language,
            question,
            passages,
            tags,
            group: group.clone(),
            status: Status::Open,
            assignee: None,
            answer: None,
            rating: None,
            question_id: new.question_id,
            queued_since: now,
            reminded_at: None,
            closed_at: None,
            cards: Vec::new(),
            events: vec![Event {
                at: now,
                actor: Actor::Asker,
                kind: EventKind::Opened {
                    group: group.clone(),
                },
            }],
        };
        if let Some(mut record) = record {
            let key = record.id.0.to_be_bytes();
            record.escalated = true;
            record.ticket = Some(id.clone());
            record.ticket_opened_at = Some(now);
            if record.tags == Tags::default() {
                record.tags = ticket.tags.clone();
            }
            batch.put(Table::Questions, &key, &record)?;
        }
        let mut notifier = Notifier {
            store,
            batch: &mut batch,
            now,
        };
        notifier.post_cards(&mut ticket, self.directory())?;
        index::put_ticket(&mut batch, &index::Entries::default(), &ticket)?;
        store.commit(batch)?;
        self.inner.outbox_signal.notify_one();
        tracing::info!(ticket = %id, %group, "ticket opened");
        Ok(Escalation {
            ticket,
            opened: true,
        })
    }

    /// The ticket with `id`.
    pub fn ticket(&self, id: &TicketId) -> Result<Ticket, DeskError> {
        self.store()
            .get(Table::Tickets, id.as_str().as_bytes())?
            .ok_or_else(|| DeskError::NoSuchTicket(id.clone()))
    }

    /// Ticket `id` when `by` is the person who asked it: the check every action of the asker on
    /// their own ticket starts with.
    pub(crate) fn askers_ticket(&self, id: &TicketId, by: &Identity) -> Result<Ticket, DeskError> {
        let ticket = self.ticket(id)?;
        if &ticket.asker.identity() != by {
            return Err(DeskError::NotTheAsker(by.clone()));
        }
        Ok(ticket)
    }

    /// The recorded question `id` when `by` is the person who asked it: what "More sources" asks
    /// again, read from the desk so that front-ends keep only the question's id. Refused for someone
    /// else's question, and for a forgotten one (its words are gone).
    pub fn askers_question(
        &self,
        by: &Identity,
        id: QuestionId,
    ) -> Result<QuestionRecord, DeskError> {
        let record = self.question(id)?;
        match &record.user {
            Some(user) if user == by => Ok(record),
            Some(_) => Err(DeskError::NotTheAsker(by.clone())),
            None => Err(DeskError::ForgottenQuestion(id)),
        }
    }

    /// Every ticket, oldest first.
    pub fn tickets(&self) -> Result<Vec<Ticket>, DeskError> {
        let mut tickets: Vec<Ticket> = self.store().all(Table::Tickets)?;
        tickets.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(tickets)
    }

    /// The recorded question `id`.
    pub fn question(&self, id: QuestionId) -> Result<QuestionRecord, DeskError> {
        self.store()
            .get(Table::Questions, &id.0.to_be_bytes())?
            .ok_or(DeskError::NoSuchQuestion(id))
    }

    /// Every recorded question, in the order asked.
    pub fn questions(&self) -> Result<Vec<QuestionRecord>, DeskError> {
        Ok(self.store().all(Table::Questions)?)
    }

    /// Performs an expert's action on a ticket, after checking that `by` is a configured expert and that
    /// the action fits the ticket's state. The change and its notifications commit together.
    pub fn act(&self, by: &Identity, id: &TicketId, action: Action) -> Result<Ticket, DeskError> {
        let expert = self.authorise(by)?.name.clone();
        let action = self.resolve_target(action)?;
        let _guard = self.lock();
        let now = self.now();
        let store = self.store();
        let mut ticket = self.ticket(id)?;
        let indexed = index::Entries::of(&ticket);
        let was_queued = ticket.status.is_queued();
        let actor = Actor::Expert {
            name: expert.clone(),
            identity: by.clone(),
        };
        action::apply(&mut ticket, &actor, &expert, &action, now).map_err(|reason| {
            DeskError::Refused {
                ticket: id.clone(),
                reason,
            }
        })?;
        let mut batch = Batch::default();
        let mut notifier = Notifier {
            store,
            batch: &mut batch,
            now,
        };
        let event = ticket.events.len();
        let asker_chat = ticket.asker.chat();
        match &action {
            Action::Claim => {
                notifier.edit_cards(&ticket, self.directory())?;
                notifier.send(
                    asker_chat,
                    message::expert_took(&ticket, &expert),
                    format!("took:{id}:{event}"),
                )?;
            }
            Action::Answer { .. } => {
                notifier.edit_cards(&ticket, self.directory())?;
                let text = ticket.answer.as_ref().map_or("", |a| a.text.as_str());
                notifier.send(
                    asker_chat,
                    message::expert_answer(&ticket, &expert, text),
                    format!("answer:{id}:{event}"),
                )?;
            }
            Action::Clarify { text } => {
                notifier.edit_cards(&ticket, self.directory())?;
                notifier.send(
                    asker_chat,
                    message::expert_question(&ticket, &expert, text),
                    format!("clarify:{id}:{event}"),
                )?;
            }
            Action::Unclaim => notifier.edit_cards(&ticket, self.directory())?,
            Action::Close { .. } => {
                notifier.edit_cards(&ticket, self.directory())?;
                notifier.send(
                    asker_chat,
                    message::ticket_closed(&ticket),
                    format!("closed:{id}:{event}"),
                )?;
            }
            Action::Reopen { .. } | Action::Transfer(TransferTarget::Group(_)) => {
                notifier.edit_cards(&ticket, self.directory())?;
                notifier.post_cards(&mut ticket, self.directory())?;
            }
            Action::Transfer(TransferTarget::Expert(to)) => {
                notifier.edit_cards(&ticket, self.directory())?;
                if let Some((chat, identity)) = self
                    .directory()
                    .find_expert(to)
                    .and_then(|e| Some((e.notify.clone()?, e.identities.first()?.clone())))
                {
                    let language = self.expert_language(&identity);
                    notifier.send(
                        chat,
                        message::transferred(&ticket, &expert, language),
                        format!("transfer:{id}:{event}"),
                    )?;
                }
            }
            Action::Note { .. } => {}
        }
        if let Some(question_id) = ticket.question_id {
            let key = question_id.0.to_be_bytes();
            if let Some(mut record) = store.get::<QuestionRecord>(Table::Questions, &key)? {
                let responded = matches!(action, Action::Claim)
                    || (was_queued
                        && matches!(action, Action::Answer { .. } | Action::Clarify { .. }));
                if responded && record.first_response_at.is_none() {
                    record.first_response_at = Some(now);
                }
                match action {
                    Action::Answer { .. } => record.answered_at = Some(now),
                    Action::Reopen { .. } => {
                        record.answered_at = None;
                        record.rating = None;
                        record.followed_up_at = None;
                    }
                    _ => {}
                }
                batch.put(Table::Questions, &key, &record)?;
            }
        }
        index::put_ticket(&mut batch, &indexed, &ticket)?;
        store.commit(batch)?;
        self.inner.outbox_signal.notify_one();
        tracing::info!(ticket = %id, expert = %expert, status = %ticket.status, "ticket updated");
        Ok(ticket)
    }

    /// Turns the names people type into configured names, so the history and assignee are canonical.
    fn resolve_target(&self, action: Action) -> Result<Action, DeskError> {
        Ok(match action {
            Action::Transfer(TransferTarget::Expert(who)) => {
                let expert = self
                    .directory()
                    .find_expert(&who)
                    .ok_or(DeskError::UnknownExpert(who))?;
                Action::Transfer(TransferTarget::Expert(expert.name.clone()))
            }
            Action::Transfer(TransferTarget::Group(name)) => {
                let group = self
                    .directory()
                    .group(&name)
                    .ok_or(DeskError::UnknownGroup(name))?;
                Action::Transfer(TransferTarget::Group(group.name.clone()))
            }
            other => other,
        })
    }

    /// The asker rates the expert's answer on their ticket (the 👍/👎 under it). A 👎 on an answered
    /// ticket reopens it: fresh cards go to its group and the asker is told it is back with them.
    pub fn rate_ticket(
        &self,
        by: &Identity,
        id: &TicketId,
        rating: Rating,
    ) -> Result<Ticket, DeskError> {
        let _guard = self.lock();
        let now = self.now();
        let store = self.store();
        let mut ticket = self.askers_ticket(id, by)?;
        let indexed = index::Entries::of(&ticket);
        if ticket.answer.is_none() {
            return Err(DeskError::Refused {
                ticket: id.clone(),
                reason: TransitionError::NoAnswer,
            });
        }
        ticket.rating = Some(rating);
        ticket.events.push(Event {
            at: now,
            actor: Actor::Asker,
            kind: EventKind::Rated { rating },
        });
        let mut batch = Batch::default();
        // 👎 on an answered ticket means it is not done: back to the experts, who see why.
        let reopen = rating == Rating::Down && ticket.status == Status::Answered;
        if reopen {
            let reason = Some("the asker rated the answer 👎".to_string());
            action::apply(
                &mut ticket,
                &Actor::Asker,
                "",
                &Action::Reopen { reason },
                now,
            )
            .map_err(|reason| DeskError::Refused {
                ticket: id.clone(),
                reason,
            })?;
            let event = ticket.events.len();
            let mut notifier = Notifier {
                store,
                batch: &mut batch,
                now,
            };
            notifier.edit_cards(&ticket, self.directory())?;
            notifier.post_cards(&mut ticket, self.directory())?;
            notifier.send(
                ticket.asker.chat(),
                message::ticket_reopened(&ticket),
                format!("reopened:{id}:{event}"),
            )?;
        }
        if let Some(question_id) = ticket.question_id {
            let key = question_id.0.to_be_bytes();
            if let Some(mut record) = store.get::<QuestionRecord>(Table::Questions, &key)? {
                record.rating = Some(rating);
                if reopen {
                    record.answered_at = None;
                    record.followed_up_at = None;
                }
                batch.put(Table::Questions, &key, &record)?;
            }
        }
        index::put_ticket(&mut batch, &indexed, &ticket)?;
        store.commit(batch)?;
        if reopen {
            self.inner.outbox_signal.notify_one();
            tracing::info!(ticket = %id, "reopened by the asker's 👎");
        }
        Ok(ticket)
    }

    /// The asker rates Consulta's own answer to a recorded question.
    pub fn rate_answer(
        &self,
        by: &Identity,
        id: QuestionId,
        rating: Rating,
    ) -> Result<(), DeskError> {
        let _guard = self.lock();
        let mut record = self.question(id)?;
        if record.user.as_ref() != Some(by) {
            return Err(DeskError::NotTheAsker(by.clone()));
        }
        record.rating = Some(rating);
        let mut batch = Batch::default();
        batch.put(Table::Questions, &id.0.to_be_bytes(), &record)?;
        self.store().commit(batch)?;
        Ok(())
    }

    /// Messages not yet delivered, in delivery order.
    pub fn pending_messages(&self) -> Result<Vec<OutboxEntry>, DeskError> {
        Ok(self.store().all(Table::Outbox)?)
    }

    /// Messages the worker gave up on.
    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>, DeskError> {
        Ok(self.store().all(Table::DeadLetters)?)
    }
}
