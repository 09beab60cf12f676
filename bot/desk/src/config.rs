//! The desk's configuration (`[desk]` in Consulta's TOML): experts, groups, routing rules, the outbox's
//! retry policy and the time windows. Parsed and validated once at start, so a mistyped group or identity
//! is reported before any ticket is routed by it.

use std::collections::BTreeMap;

use consulta_corpus::Lang;
use serde::{Deserialize, Serialize};

use super::identity::{ChatRef, Identity};
use super::time::Span;

/// How the desk is run: who the experts are, how tickets reach them, and the time windows and thresholds
/// behind reminders, outcomes and reports. Read from the `[desk]` table of Consulta's TOML config; every
/// field has a default so a missing table still gives a working (if expert-less) desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeskConfig {
    /// The people allowed to act on tickets.
    pub experts: Vec<ExpertConfig>,
    /// Teams of experts with a shared queue and shared chats.
    pub groups: Vec<GroupConfig>,
    /// Which group gets which questions; the first matching rule wins.
    pub routes: Vec<RouteRule>,
    /// The group for tickets no rule matches; the first group when unset.
    pub default_group: Option<String>,
    /// The language of the desk's words (ticket cards, their buttons, reminders) in a desk chat
    /// that `chat_languages` does not name, and to an expert who chose none with `/lang`. Unset:
    /// the service's `retrieval.default_language`, which `consulta` puts here (English for a desk
    /// opened on its own).
    pub language: Option<Lang>,
    /// The language of each desk chat that several experts share (`"telegram:-100…" = "es"`): the
    /// chat is not one person's, so it has no `/lang` of its own.
    pub chat_languages: BTreeMap<ChatRef, Lang>,
    /// How long a ticket may wait unclaimed before its group is reminded (and reminded again).
    pub reminder_after: Span,
    /// How long after an answer a silence (no rating, no new question) counts as "resolved".
    pub resolution_after: Span,
    /// Confidence below which a question counts as poorly covered in the gap report.
    pub low_confidence: f32,
    /// Cosine similarity at or above which two gap questions share a cluster.
    pub gap_similarity: f32,
    /// How many example questions each gap cluster shows.
    pub gap_examples: usize,
    /// How long closed tickets, and the words and askers of questions, are kept (`365d`, `90d`,
    /// `12h`): then tickets are deleted and questions anonymised. A span like the desk's other
    /// windows, so a deployment that must keep less than a day (or a test against a running
    /// service) can say so; `retention_days = N`, the setting's first form, still reads as `Nd`.
    /// `None` keeps them until `forget`.
    #[serde(alias = "retention_days", deserialize_with = "days_or_span")]
    pub retention: Option<Span>,
    /// Delivery retries.
    pub outbox: OutboxConfig,
}

impl DeskConfig {
    /// The language of the desk's words in `chat`: the chat's own, else the desk's. Public so that
    /// a chat front-end speaks to an expert there, when it knows nothing of them, as the desk does.
    pub fn chat_language(&self, chat: &ChatRef) -> Lang {
        self.chat_languages
            .get(chat)
            .copied()
            .unwrap_or_else(|| self.desk_language())
    }

    /// The desk's language where nothing more particular is known: English for a desk opened on
    /// its own (`consulta` sets `language` to the service's).
    pub fn desk_language(&self) -> Lang {
        self.language.unwrap_or(Lang::En)
    }
}

impl Default for DeskConfig {
    fn default() -> Self {
        DeskConfig {
            experts: Vec::new(),
            groups: Vec::new(),
            routes: Vec::new(),
            default_group: None,
            language: None,
            chat_languages: BTreeMap::new(),
            reminder_after: Span::from_hours(2),
            resolution_after: Span::from_days(3),
            low_confidence: 0.35,
            gap_similarity: 0.88,
            gap_examples: 3,
            retention: Some(Span::from_days(365)),
            outbox: OutboxConfig::default(),
        }
    }
}

/// Reads `retention`: a span (`"90d"`), or a whole number of days, as `retention_days` was given.
fn days_or_span<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Span>, D::Error> {
    struct DaysOrSpan;
    impl serde::de::Visitor<'_> for DaysOrSpan {
        type Value = Option<Span>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a span such as \"365d\" or \"12h\", or a whole number of days")
        }

        fn visit_u64<E: serde::de::Error>(self, days: u64) -> Result<Self::Value, E> {
            Ok(Some(Span::from_days(days)))
        }

        fn visit_i64<E: serde::de::Error>(self, days: i64) -> Result<Self::Value, E> {
            u64::try_from(days)
                .map(|days| Some(Span::from_days(days)))
                .map_err(|_| E::custom(format!("retention of {days} days: it cannot be negative")))
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            text.parse().map(Some).map_err(E::custom)
        }
    }
    deserializer.deserialize_any(DaysOrSpan)
}

/// One expert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpertConfig {
    /// How the expert is named to askers and in curated-FAQ attributions; unique.
    pub name: String,
    /// Every account the expert acts from (`telegram:12345`, `discord:9876`, `cli:ana`).
    pub identities: Vec<Identity>,
    /// Groups the expert belongs to; their queues are the expert's.
    #[serde(default)]
    pub groups: Vec<String>,
    /// A private chat for messages meant for this expert alone (transfers, and group notices when the
    /// group has no chat of its own).
    #[serde(default)]
    pub notify: Option<ChatRef>,
}

/// A team with a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfig {
    /// Unique name, used by routes, transfers and the CLI.
    pub name: String,
    /// Team chats that receive new-ticket cards and reminders; when empty, members' `notify` chats do.
    #[serde(default)]
    pub chats: Vec<ChatRef>,
}

/// A routing rule: a ticket whose tags match every field set here goes to `group`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteRule {
    /// Matches when the ticket has this topic tag (case-insensitive).
    #[serde(default)]
    pub topic: Option<String>,
    /// Matches when the ticket concerns this country (case-insensitive).
    #[serde(default)]
    pub country: Option<String>,
    /// Matches when the question is in this language.
    #[serde(default)]
    pub language: Option<Lang>,
    /// The group that gets matching tickets.
    pub group: String,
}

/// Retry policy of the outbox worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxConfig {
    /// Wait after the first transient failure; doubled after each further one.
    pub backoff_initial: Span,
    /// Ceiling for the doubling, so a long outage is retried at a steady pace.
    pub backoff_max: Span,
    /// Attempts before a message is given up on and set aside for the operator.
    pub max_attempts: u32,
    /// Chats delivered to at once: a chat whose platform is slow holds only its own messages back,
    /// while this many others go on.
    pub parallel_chats: usize,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            backoff_initial: Span::from_secs(5),
            backoff_max: Span::from_hours(1),
            max_attempts: 20,
            parallel_chats: 8,
        }
    }
}

/// A configuration the desk refuses to run with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// Two experts share a name, so actions could not say who acted.
    #[error("desk config: two experts are named {0:?}; expert names must be unique")]
    DuplicateExpert(String),
    /// An expert with no platform identity could never act.
    #[error(
        "desk config: expert {0:?} has no identities; add e.g. identities = [\"telegram:12345\"]"
    )]
    NoIdentity(String),
    /// One platform identity would map to two experts.
    #[error("desk config: identity {identity} is listed for both {first:?} and {second:?}")]
    DuplicateIdentity {
        /// The identity listed twice.
        identity: Identity,
        /// The first expert that lists it.
        first: String,
        /// The second expert that lists it.
        second: String,
    },
    /// Two groups share a name, so routing would be ambiguous.
    #[error("desk config: two groups are named {0:?}; group names must be unique")]
    DuplicateGroup(String),
    /// A rule or expert names a group that does not exist.
    #[error(
        "desk config: {used_by} names group {group:?}, which is not defined; add a [[desk.groups]] entry"
    )]
    UnknownGroup {
        /// The undefined group.
        group: String,
        /// The rule or expert that names it.
        used_by: String,
    },
    /// A fraction outside 0..=1.
    #[error("desk config: {field} = {value} is outside 0..=1")]
    OutOfRange {
        /// The setting.
        field: &'static str,
        /// Its value.
        value: f32,
    },
    /// A group with no chat and no member with a `notify` chat: its tickets would reach nobody.
    #[error(
        "desk config: group {0:?} has no chats and none of its experts has a `notify` chat, so nobody would hear of its tickets; add chats = [\"telegram:-100...\"] to the group"
    )]
    Unreachable(String),
    /// An outbox that may never try would never deliver.
    #[error("desk config: outbox.max_attempts must be at least 1")]
    NoAttempts,
    /// An outbox that may deliver to no chat at a time would never deliver.
    #[error("desk config: outbox.parallel_chats must be at least 1")]
    NoParallelChats,
}
