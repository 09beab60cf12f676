//! Why a desk operation failed, in words the person acting can use: the refusals of the life cycle,
//! unknown tickets or experts, and storage failures. One error type, so every front-end and the CLI can
//! relay the same explanations.

use super::action::TransitionError;
use super::config::ConfigError;
use super::identity::Identity;
use super::particulars::{Particular, describe};
use super::question::QuestionId;
use super::storage::StorageError;
use super::ticket_id::TicketId;

/// Why a desk operation failed. Nothing was changed unless the variant says otherwise.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The database failed; the operation did not happen.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The desk configuration is inconsistent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Only configured experts may act on tickets.
    #[error(
        "{0} is not a configured expert: add it to an expert's `identities` in the [desk] config"
    )]
    NotAnExpert(Identity),
    /// The ticket id is unknown (mistyped, or purged by retention).
    #[error("no ticket {0}: check the id with `consulta tickets list`")]
    NoSuchTicket(TicketId),
    /// The action does not apply in the ticket's current state.
    #[error("ticket {ticket} refused: {reason}")]
    Refused {
        /// The ticket acted on.
        ticket: TicketId,
        /// Why the action does not apply in the ticket's state.
        reason: TransitionError,
    },
    /// Tickets need at least one group to be routed to.
    #[error(
        "no expert group is configured to take tickets: add a [[desk.groups]] entry to the config"
    )]
    NoGroup,
    /// A new ticket for an asker who already has the most open tickets allowed
    /// ([`crate::DeskBuilder::max_open_tickets_per_asker`]).
    #[error(
        "you already have {open} questions waiting for an expert (the most is {cap}); wait for their answers before asking for another"
    )]
    TooManyOpen {
        /// The asker's tickets not closed.
        open: usize,
        /// The most allowed.
        cap: usize,
    },
    /// A transfer names an expert the config does not define.
    #[error("no configured expert is named {0:?} or has that identity")]
    UnknownExpert(String),
    /// A transfer names a group the config does not define.
    #[error("no group named {0:?} in the [desk] config")]
    UnknownGroup(String),
    /// The question id is unknown (or its asker was forgotten).
    #[error("no question {0} is recorded")]
    NoSuchQuestion(QuestionId),
    /// Only the person who asked may rate, escalate or reply about their question.
    #[error(
        "only the person who asked may do this ({0} did not ask it); ask your own question instead"
    )]
    NotTheAsker(Identity),
    /// The question's asker and text were deleted (on request, or by retention), and its ticket with
    /// them: there is nothing left to hand to an expert.
    #[error("question {0} was forgotten (on request or by retention); ask it again")]
    ForgottenQuestion(QuestionId),
    /// A ticket needs a question.
    #[error("the question is empty: there is nothing to ask an expert")]
    EmptyQuestion,
    /// An asker's reply longer than [`MAX_REPLY_CHARS`](crate::MAX_REPLY_CHARS).
    #[error("the reply has {chars} characters; write at most {max}, or send it in several replies")]
    ReplyTooLong {
        /// The reply's length, in characters.
        chars: usize,
        /// The most a reply may have.
        max: usize,
    },
    /// The text to publish has personal particulars and the expert did not confirm them.
    #[error(
        "ticket {ticket} not approved: the text to publish contains {}; edit them out, or confirm that they may be published",
        describe(found)
    )]
    Particulars {
        /// The ticket being approved.
        ticket: TicketId,
        /// What was flagged.
        found: Vec<Particular>,
    },
    /// The approval is stored, but the search index refused it for now.
    #[error(
        "curated entry for ticket {ticket} is saved but not yet searchable: {reason}; it is pushed to the index again at the next start"
    )]
    NotIndexed {
        /// The ticket whose answer was approved.
        ticket: TicketId,
        /// What the index said.
        reason: String,
    },
    /// Writing the curated-FAQ export failed.
    #[error("cannot write {path}: {source}")]
    Export {
        /// The file that could not be written.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The curated entries could not be serialised.
    #[error("cannot build the export: {0}")]
    Yaml(String),
    /// The model failed while grouping questions into gaps.
    #[error("cannot embed questions for the gap report: {0}")]
    Embedding(String),
}
