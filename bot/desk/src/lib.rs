//! Consulta's desk: where questions Consulta cannot answer with confidence become tickets for human
//! experts, and where their answers come back — to the asker on whatever platform they used, and into
//! the knowledge base as curated FAQ entries. Its own crate so that the front-ends (Telegram, Discord,
//! the web, the remote relay) share one owner of the conversation's state and none of them can keep
//! a second copy; it knows nothing of retrieval or the model, which reach it through [`CuratedSink`]
//! and [`QuestionEmbedder`].
//!
//! - [`Desk`] is the handle front-ends share: [`Desk::record_question`] for every question,
//!   [`Desk::open_ticket`] to escalate, [`Desk::act`] for expert actions, [`Desk::approve`] to curate,
//!   [`Desk::tick`] for reminders and retention, [`Desk::report`] for outcomes and coverage gaps.
//! - Every state change commits atomically with the notifications it causes, into a durable outbox;
//!   an [`OutboxWorker`] delivers them through [`FrontEnd`]s, one per platform. [`DeskDuties`] runs
//!   the worker and the clock work together, for every command that holds the desk.
//! - Storage sits behind [`Storage`]; [`SledStorage`] is the implementation in use.

#![warn(missing_docs)]

mod action;
mod asker_reply;
mod claim;
mod clock;
mod config;
mod courier;
mod curated;
mod desk;
mod duties;
mod error;
mod export;
mod frontend;
mod gaps;
mod identity;
mod index;
mod members;
mod message;
mod notify;
mod outbox;
mod particulars;
mod privacy;
mod profile;
mod question;
mod recording;
mod reminder;
mod report;
mod routing;
mod sled_storage;
mod storage;
mod store;
mod ticket;
mod ticket_id;
mod time;
mod undelivered;
mod worker;

pub use action::{Action, TransferTarget, TransitionError};
pub use asker_reply::{MAX_REPLIES_IN_A_ROW, MAX_REPLY_CHARS};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{ConfigError, DeskConfig, ExpertConfig, GroupConfig, OutboxConfig, RouteRule};
pub use curated::{Approval, ApprovalDraft, CuratedEntry, CuratedSink};
pub use desk::{Desk, DeskBuilder, Escalation, NewTicket};
pub use duties::{DeskDuties, TICK_EVERY};
pub use error::DeskError;
pub use export::{export_id, faq_yaml};
pub use frontend::{BoxFuture, Delivery, DeliveryError, FailureKind, FrontEnd};
pub use gaps::cluster;
pub use identity::{Asker, ChatRef, Identity, IdentityError, Platform};
pub use members::ADMISSION;
pub use message::{Message, MessageKind};
pub use outbox::{DeadLetter, DeliveryRecord, OutboxEntry};
pub use particulars::{
    NAMES_NOT_FLAGGED, Particular, ParticularKind, describe as describe_particulars,
    find_particulars,
};
pub use privacy::{Forgotten, Sweep};
pub use profile::Profile;
pub use question::{NewQuestion, QuestionId, QuestionRecord, Rating, Resolution};
pub use recording::{Recorded, RecordingFrontEnd};
pub use reminder::TickReport;
pub use report::{
    Gap, Period, QuestionEmbedder, Report, ResolutionCounts, ResponseTimes, TagCount,
};
pub use sled_storage::{SledStorage, open_sled};
pub use storage::{Record, Storage, StorageError, Table, Write};
pub use ticket::{
    Actor, Card, Event, EventKind, ExpertAnswer, RetrievedPassage, Status, Tags, Ticket,
};
pub use ticket_id::{TicketId, TicketIdError};
pub use time::{Span, TimeError, Timestamp};
pub use worker::{DeliveryPass, OutboxWorker};
