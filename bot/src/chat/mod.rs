//! What the chat front-ends (Telegram, Discord) share: the conversation's decisions (an [`Intent`]
//! in, [`Reply`]s out), the bot's own words, flood control, what a button press means, and the
//! memory of where questions and tickets were asked.

mod approval;
mod conversation;
#[cfg(test)]
pub(crate) mod desk_only;
mod escalate;
mod flood;
mod handler_error;
mod intent;
mod languages;
mod memory;
mod press;
mod refusal;
pub(crate) mod retry;
mod texts;

pub use approval::{
    CONFIRM_WORD, Edit, approval_words, draft_text, flag_warning, flagged_items, read_draft,
    read_edit,
};
pub use conversation::{
    Conversation, ConversationError, Done, ExpertMessage, Piece, Place, Reply, desk_text,
};
pub use flood::FloodConfig;
pub use handler_error::{Classify, HandlerError};
pub use intent::{Answered, Intent, Person, Said, Standing};
pub use languages::Languages;
pub use memory::{Asked, CarryOverError, Memory, StoreError, ticket_in};
pub use press::Press;
pub use refusal::DeskRefusal;
pub use retry::with_retry;
pub use texts::{CommandTexts, DeskTexts, RefusalTexts, TerminalTexts, Texts, texts, topic_name};
