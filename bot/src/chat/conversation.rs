//! The conversation's decisions, made once for every chat platform: who may press which button, who
//! may act on tickets, what `/status` shows and where, what an expert's message in a ticket's thread means, and what each
//! button on a ticket does. Front-ends translate platform updates into these calls and the [`Reply`]s
//! back into platform messages; they decide nothing themselves, so Telegram, Discord and the web chat
//! page cannot drift.

use std::marker::PhantomData;
use std::sync::Arc;

use consulta_corpus::Lang;
use consulta_desk::Platform;
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::assistant::{AskRequest, Assistant, AssistantError, FailureCode};
use consulta_desk::{
    Action, Asker, ChatRef, Escalation, Forgotten, Identity, Message, MessageKind, QuestionId,
    Ticket, TicketId, TransferTarget,
};

use super::flood::{FloodConfig, FloodControl, Verdict};
use super::intent::{Answered, Person, Said};
use super::languages::Languages;
use super::memory::{CarryOverError, Memory, StoreError};
use super::texts::{DeskTexts, texts};

/// Why a conversation step failed on our side (the assistant or the front-end's database).
#[derive(Debug, thiserror::Error)]
pub enum ConversationError {
    /// The assistant failed.
    #[error(transparent)]
    Assistant(#[from] AssistantError),
    /// The front-end's database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A piece of a reply; each front-end renders it with its own markup and escaping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text shown as is.
    Text(String),
    /// A heading or emphasis.
    Bold(String),
    /// An identifier the user may copy (a ticket id).
    Code(String),
}

/// What the desk did for a reply, for an adapter that answers with the record rather than with
/// words (the web API returns it as JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    /// The question's ticket, opened now or found.
    Escalated(Escalation),
    /// The ticket as it is after the person's rating or reply.
    Ticket(Ticket),
    /// What forgetting the person deleted.
    Forgotten(Forgotten),
    /// The person's open tickets (`/status`), for an adapter that shows them as records.
    Tickets(Vec<Ticket>),
}

/// What to tell someone, and whether only they may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The message, in pieces to render.
    pub pieces: Vec<Piece>,
    /// Only for the person it answers: in a group, it goes to their private chat (Telegram) or is
    /// ephemeral (Discord), never to the group.
    pub private: bool,
    /// Says why something was not done (not theirs, not allowed, not possible now): platforms with
    /// notices show it so that it is not missed (Telegram's alert).
    pub refusal: bool,
    /// Why it was not done, as the assistant said, for an adapter that answers with a status rather
    /// than with words (the web API); chat platforms show the words.
    pub failure: Option<AssistantError>,
    /// What the desk did, for an adapter that answers with the record ([`Done`]).
    pub done: Option<Box<Done>>,
}

impl Reply {
    /// Plain text, for the chat it answers.
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            pieces: vec![Piece::Text(text.into())],
            private: false,
            refusal: false,
            failure: None,
            done: None,
        }
    }

    /// Why something was not done, for the person only.
    pub fn refused(text: impl Into<String>) -> Reply {
        Reply {
            refusal: true,
            ..Reply::text(text).private()
        }
    }

    /// The assistant's refusal (or failure), for the person only: a refusal by the desk in `lang`
    /// (theirs), anything else in the assistant's words.
    pub fn refusal_of(error: AssistantError, lang: Lang) -> Reply {
        let said = match &error.refusal {
            Some(refusal) => refusal.said(lang),
            None => error.message.clone(),
        };
        Reply::refused(said).failed(error)
    }

    /// The same reply, for the person only.
    pub fn private(mut self) -> Reply {
        self.private = true;
        self
    }

    /// The same reply, saying that the assistant refused or failed with `error`.
    pub fn failed(mut self, error: AssistantError) -> Reply {
        self.failure = Some(error);
        self
    }

    /// The same reply, with what the desk did.
    pub fn recording(mut self, done: Done) -> Reply {
        self.done = Some(Box::new(done));
        self
    }

    /// The reply as plain text, for platforms (and logs) without markup.
    pub fn plain(&self) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) | Piece::Bold(t) | Piece::Code(t) => t.as_str(),
            })
            .collect()
    }
}

/// What an expert's message in a ticket's thread or topic means. Only a deliberate answer reaches
/// the asker: talk among experts stays on the ticket as internal notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpertMessage {
    /// An answer for the asker: a reply to the ticket's card (or another desk message about it), the
    /// answer form, or the answer command.
    Answer,
    /// A clarifying question for the asker (the clarify command): the ticket waits for their reply.
    Clarify,
    /// Anything else typed there: kept on the ticket, never sent to the asker.
    Note,
    /// A platform's system message (a thread renamed, a member added): not the expert's words.
    Ignore,
}

impl ExpertMessage {
    /// Classifies a message in a ticket's thread or topic.
    pub fn classify(system: bool, answer_command: bool, replies_to_desk: bool) -> ExpertMessage {
        if system {
            ExpertMessage::Ignore
        } else if answer_command || replies_to_desk {
            ExpertMessage::Answer
        } else {
            ExpertMessage::Note
        }
    }
}

/// The text a chat front-end shows for a desk message: a ticket card also says how to answer, in
/// the card's language.
pub fn desk_text(message: &Message) -> String {
    if message.kind == MessageKind::TicketCard {
        format!(
            "{}\n\n{}",
            message.text.trim_end(),
            texts(message.language).desk.card_how_to_answer
        )
    } else {
        message.text.clone()
    }
}

/// A chat platform's terms, which the conversation keeps and says without knowing the platform: where
/// a question was asked (`Self`, kept for its buttons), where a ticket's answer goes back to, and
/// the platform's own way of answering and of becoming an expert.
pub trait Place: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Where a ticket's question was asked, as the platform's deliveries read it back.
    type Origin: Serialize;
    /// How experts answer on this platform, said after a claim, in `words`' language.
    fn how_to_answer(words: &DeskTexts) -> &'static str;
    /// The refusal for someone who may not act on tickets, saying how one becomes an expert here.
    fn not_an_expert(words: &DeskTexts) -> &'static str;
    /// Whether people here can choose the language of the bot's words (`/lang`), so that the desk
    /// may hold a choice to read before answering them. The web chat page has no such command: a
    /// question asked there costs no read of the desk.
    const CHOOSES_LANGUAGE: bool = true;
    /// The origin of a ticket whose question was asked in `chat_id`, at `place`.
    fn origin(chat_id: &str, place: &Self) -> Self::Origin;
}

/// The conversation layer shared by the chat front-ends: the assistant, the askers' memory, and the
/// flood control on questions. `P` is the platform's [`Place`].
pub struct Conversation<P> {
    assistant: Arc<dyn Assistant>,
    /// Where questions and tickets were asked; `None` where every question is answered in the
    /// asker's own conversation (the web chat page), so that who asks says where.
    memory: Option<Memory>,
    flood: Arc<FloodControl>,
    /// What the bot's words fall back to for someone who chose no language ([`Self::ui_lang`]).
    languages: Arc<Languages>,
    place: PhantomData<fn() -> P>,
}

impl<P> Clone for Conversation<P> {
    fn clone(&self) -> Self {
        Conversation {
            assistant: self.assistant.clone(),
            memory: self.memory.clone(),
            flood: self.flood.clone(),
            languages: self.languages.clone(),
            place: PhantomData,
        }
    }
}

impl<P: Place> Conversation<P> {
    /// A conversation answering through `assistant`, remembering where questions were asked in
    /// `memory`, holding each asker to `flood`, and speaking `languages` to whoever chose none.
    pub fn new(
        assistant: Arc<dyn Assistant>,
        memory: Memory,
        flood: FloodConfig,
        languages: Languages,
    ) -> Conversation<P> {
        Conversation {
            assistant,
            memory: Some(memory),
            flood: Arc::new(FloodControl::new(
                flood.max_questions,
                flood.window.to_duration(),
            )),
            languages: Arc::new(languages),
            place: PhantomData,
        }
    }

    /// A conversation for a platform that answers every question in the asker's own conversation
    /// and keeps no places (the web chat page: a visitor's session is their chat), with no flood
    /// control of its own (the service's per-session and per-address budgets hold visitors).
    pub fn in_askers_own_chat(assistant: Arc<dyn Assistant>) -> Conversation<P> {
        Conversation {
            assistant,
            memory: None,
            flood: Arc::new(FloodControl::new(0, std::time::Duration::ZERO)),
            languages: Arc::new(Languages::default()),
            place: PhantomData,
        }
    }

    /// The conversation of the front-end for `platform` ([`Conversation::new`]), once what that
    /// front-end's `memory` kept before the desk kept it is carried over ([`Memory::carry_over`]):
    /// every chat front-end starts through here.
    pub async fn start(
        assistant: Arc<dyn Assistant>,
        memory: Memory,
        flood: FloodConfig,
        languages: Languages,
        platform: Platform,
    ) -> Result<Conversation<P>, CarryOverError> {
        let carried = memory.carry_over(platform, assistant.as_ref()).await?;
        if carried > 0 {
            tracing::info!(%platform, carried, "chosen languages carried over to the desk");
        }
        Ok(Conversation::new(assistant, memory, flood, languages))
    }

    /// The language of the bot's own words for `person`, writing in `desk_chat` when it is a chat
    /// the desk delivers tickets to: their `/lang` (kept by the desk), else the language their
    /// platform reports (`locale`), else the place's ([`Languages::pick`]).
    pub async fn ui_lang(
        &self,
        person: &Identity,
        locale: Option<Lang>,
        desk_chat: Option<&ChatRef>,
    ) -> Result<Lang, AssistantError> {
        let chosen = self.assistant.profile(person.clone()).await?.language;
        Ok(self.languages.pick(chosen, locale, desk_chat))
    }

    /// The assistant behind the conversation, for the steps kept in their own files.
    pub(super) fn assistant(&self) -> &Arc<dyn Assistant> {
        &self.assistant
    }

    /// The askers' memory, for the steps kept in their own files; `None` for a platform that keeps
    /// no places ([`Conversation::in_askers_own_chat`]).
    pub(super) fn memory(&self) -> Option<&Memory> {
        self.memory.as_ref()
    }

    /// `/status`: the user's open tickets, for them only (a group must not see their questions).
    pub(super) async fn status(&self, user: Identity, lang: Lang) -> Result<Reply, AssistantError> {
        let t = texts(lang);
        let tickets = self.assistant.open_tickets_of(user).await?;
        if tickets.is_empty() {
            return Ok(Reply::text(t.no_tickets)
                .private()
                .recording(Done::Tickets(tickets)));
        }
        let mut pieces = vec![Piece::Bold(t.your_tickets.to_string())];
        for ticket in &tickets {
            let excerpt: String = ticket.question.chars().take(80).collect();
            pieces.push(Piece::Text("\n• ".into()));
            pieces.push(Piece::Code(ticket.id.to_string()));
            pieces.push(Piece::Text(format!(
                " — {} — {excerpt}",
                ticket.status.as_str()
            )));
        }
        Ok(Reply {
            pieces,
            ..Reply::text("").private().recording(Done::Tickets(tickets))
        })
    }

    /// A question from `by`, to be answered in `chat` (where an expert's answer goes too), in
    /// `language` when given (else their `/lang`, else the question's), citing `top_k` passages
    /// when given: not in a desk chat, held to the flood control, then asked of the assistant.
    pub(super) async fn ask(
        &self,
        by: &Person,
        question: &str,
        chat: String,
        language: Option<Lang>,
        top_k: Option<usize>,
    ) -> Result<Said, ConversationError> {
        let t = texts(by.lang);
        if by.standing.in_desk_chat {
            return Ok(Said::Reply(Reply::text(t.desk.desk_chat)));
        }
        let question = question.trim();
        if question.is_empty() {
            let empty = AssistantError::new(FailureCode::BadRequest, EMPTY_QUESTION);
            return Ok(Said::Reply(Reply::text(t.ask_usage).failed(empty)));
        }
        match self.flood.check(&by.identity.id) {
            Verdict::Allow => {}
            Verdict::Warn => return Ok(Said::Reply(Reply::text(t.slow_down))),
            Verdict::Drop => return Ok(Said::Nothing),
        }
        let asker = Asker {
            platform: by.identity.platform,
            chat_id: chat,
            user_id: by.identity.id.clone(),
            display_name: by.name.clone(),
        };
        let language = match language {
            Some(language) => Some(language),
            None if P::CHOOSES_LANGUAGE => {
                self.assistant.profile(by.identity.clone()).await?.language
            }
            None => None,
        };
        let request = AskRequest {
            asker: asker.clone(),
            question: question.to_string(),
            language,
            user_lang: by.locale,
            top_k,
        };
        match self.assistant.ask(request).await {
            Ok(reply) => {
                let more = top_k.is_none() && !reply.answer.citations.is_empty();
                Ok(Said::Answer(Box::new(Answered {
                    question: question.to_string(),
                    reply,
                    asker,
                    more,
                })))
            }
            Err(error) if error.code == FailureCode::BadRequest => Ok(Said::Reply(
                Reply::text(error.message.clone()).failed(error),
            )),
            Err(error) => {
                tracing::warn!(%error, "the assistant could not answer");
                Ok(Said::Reply(Reply::text(t.sorry).failed(error)))
            }
        }
    }

    /// "More sources" pressed by `by`: only the asker may re-ask their question (the desk checks, as
    /// it gives back the question's words), and a forgotten question has none left to ask. It is
    /// asked again where it was first asked.
    pub(super) async fn more_sources(
        &self,
        by: &Person,
        question: QuestionId,
    ) -> Result<Said, ConversationError> {
        let asked = match self.memory() {
            Some(memory) => memory.asked::<IgnoredAny>(question)?,
            None => None,
        };
        let Some(asked) = asked else {
            return Ok(Said::Reply(Reply::refused(texts(by.lang).stale_button)));
        };
        let refused = |text: &str| Ok(Said::Reply(Reply::refused(text)));
        match self.assistant.question(by.identity.clone(), question).await {
            Ok(words) => {
                self.ask(by, &words.text, asked.chat_id, None, Some(MORE_SOURCES))
                    .await
            }
            Err(error) if error.code == FailureCode::Forbidden => {
                refused(texts(by.lang).not_your_question)
            }
            Err(error) if error.code == FailureCode::NotFound => {
                refused(texts(by.lang).stale_button)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// The `/forget` confirmation pressed by `by`: only the person it was shown to (`shown_to`) may
    /// answer it.
    pub(super) async fn forget(
        &self,
        by: &Person,
        shown_to: &str,
        confirmed: bool,
    ) -> Result<Reply, ConversationError> {
        let t = texts(by.lang);
        if by.identity.id != shown_to {
            return Ok(Reply::refused(t.not_your_button));
        }
        if !confirmed {
            return Ok(Reply::text(t.kept).private());
        }
        let forgotten = self.assistant.forget(by.identity.clone()).await?;
        if let Some(memory) = self.memory() {
            memory.forget(&forgotten)?;
        }
        Ok(Reply::text(t.forgotten)
            .private()
            .recording(Done::Forgotten(forgotten)))
    }

    /// Whether `by` may act on tickets: the platform's own gate for experts passed, and a configured
    /// expert, or a present member of a group chat a desk group works in (admitted for a while).
    pub(super) async fn may_act(&self, by: &Person) -> Result<bool, AssistantError> {
        if !by.standing.experts_role {
            return Ok(false);
        }
        if self.assistant.is_expert(by.identity.clone()).await? {
            return Ok(true);
        }
        match &by.standing.member_of {
            Some(chat) => {
                self.assistant
                    .admit_member(by.identity.clone(), by.name.clone(), chat.clone())
                    .await
            }
            None => Ok(false),
        }
    }

    /// The platform reported that `member` left a chat: an admission as an expert that membership
    /// gave them ends now, not when it lapses.
    pub async fn member_left(&self, member: Identity) -> Result<(), AssistantError> {
        self.assistant.dismiss_member(member).await
    }

    /// An expert's message about `ticket`, as classified: an answer goes to the asker, a note stays on
    /// the ticket. Returns what to tell the expert (the outcome of an answer, or why it failed);
    /// nothing for a note that was kept, since talk among experts needs no receipt.
    pub(super) async fn expert_message(
        &self,
        by: &Person,
        ticket: TicketId,
        text: &str,
        meaning: ExpertMessage,
    ) -> Option<Reply> {
        let words = &texts(by.lang).desk;
        let text = text.trim().to_string();
        let id = ticket.to_string();
        let (action, done) = match meaning {
            ExpertMessage::Ignore => return None,
            ExpertMessage::Note if text.is_empty() => return None,
            _ if text.is_empty() => return Some(Reply::refused(words.empty_text)),
            ExpertMessage::Answer => (Action::Answer { text }, Some(words.answer_recorded)),
            ExpertMessage::Clarify => (Action::Clarify { text }, Some(words.question_recorded)),
            ExpertMessage::Note => (Action::Note { text }, None),
        };
        let done = done.map(|words| words.replace("{id}", &id));
        match self
            .assistant
            .act(by.identity.clone(), ticket, action)
            .await
        {
            Ok(_) => done.map(Reply::text),
            Err(error) => Some(Reply::refusal_of(error, by.lang)),
        }
    }

    /// The asker `by` replied `text` to one of the desk's messages about `ticket`: it goes to the
    /// experts. Returns what to tell the asker, for them only, in the ticket's language (that of
    /// the desk's messages they are replying to); why not, in `lang` (theirs).
    pub(super) async fn asker_reply(
        &self,
        by: Identity,
        lang: Lang,
        ticket: TicketId,
        text: &str,
    ) -> Reply {
        match self
            .assistant
            .asker_reply(by, ticket, text.trim().to_string())
            .await
        {
            Ok(ticket) => Reply::text(texts(ticket.language).reply_sent)
                .private()
                .recording(Done::Ticket(ticket)),
            Err(error) => Reply::refusal_of(error, lang),
        }
    }

    /// An expert's action on `ticket` that needs no words (claim, unclaim, close, reopen, transfer):
    /// `done` when it was done, or why it was refused, for the expert only and in `lang` (theirs).
    pub(super) async fn ticket_action(
        &self,
        by: Identity,
        lang: Lang,
        ticket: TicketId,
        action: Action,
        done: String,
    ) -> Reply {
        match self.assistant.act(by, ticket, action).await {
            Ok(_) => Reply::text(done).private(),
            Err(error) => Reply::refusal_of(error, lang),
        }
    }
}

/// Where a transfer sends a ticket, from an expert's words: `expert NAME` or `group NAME`. `None`
/// for anything else (tell them [`DeskTexts::transfer_usage`]).
pub fn transfer_target(words: &str) -> Option<TransferTarget> {
    let (kind, name) = words.trim().split_once(char::is_whitespace)?;
    let name = name.trim().to_string();
    match kind.to_ascii_lowercase().as_str() {
        "expert" => Some(TransferTarget::Expert(name)),
        "group" => Some(TransferTarget::Group(name)),
        _ => None,
    }
}

/// Passages cited after "More sources".
const MORE_SOURCES: usize = 8;

/// Why a question with no words was not asked, for adapters that answer with a status.
const EMPTY_QUESTION: &str = "the question is empty: write what you want to know";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_deliberate_answers_reach_the_asker() {
        assert_eq!(
            ExpertMessage::classify(false, false, true),
            ExpertMessage::Answer
        );
        assert_eq!(
            ExpertMessage::classify(false, true, false),
            ExpertMessage::Answer
        );
        assert_eq!(
            ExpertMessage::classify(false, false, false),
            ExpertMessage::Note
        );
        assert_eq!(
            ExpertMessage::classify(true, true, true),
            ExpertMessage::Ignore
        );
    }

    #[test]
    fn a_reply_in_pieces_reads_as_plain_text() {
        let reply = Reply {
            pieces: vec![
                Piece::Bold("Open:".into()),
                Piece::Text(" ".into()),
                Piece::Code("K7P2Q".into()),
            ],
            ..Reply::text("").private()
        };
        assert_eq!(reply.plain(), "Open: K7P2Q");
    }
}
