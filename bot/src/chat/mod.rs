//! What the chat front-ends (Telegram, Discord) share: the bot's own words, flood control, what a
//! button press means, and the per-user memory of languages and recent questions.

mod escalate;
mod flood;
mod handler_error;
mod memory;
mod press;
mod retry;
mod texts;

pub use escalate::escalate_once;
pub use flood::{FloodControl, Verdict};
pub use handler_error::{Classify, HandlerError};
pub use memory::{Asked, Memory, StoreError};
pub use press::Press;
pub use retry::with_retry;
pub use texts::texts;

use consulta_retrieval::Answer;

use crate::desk::RetrievedPassage;

/// What an answer cited, as the desk keeps it on a ticket for the expert.
pub fn passages_of(answer: &Answer) -> Vec<RetrievedPassage> {
    answer
        .citations
        .iter()
        .map(|c| RetrievedPassage {
            title: c.title.clone(),
            section: c.section.clone(),
            source: c.source.clone(),
            source_url: c.source_url.clone(),
            date: c.date.clone(),
            text: c.text.clone(),
            score: c.score,
        })
        .collect()
}
