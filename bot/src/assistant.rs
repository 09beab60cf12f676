//! What a front-end needs from Consulta, behind one object-safe trait.
//!
//! Front-ends answer questions (recording them for the outcome metrics), escalate them, let experts act
//! on tickets, take ratings and forget users. In the single-process deployment those calls go straight
//! to the [`Engine`] and the [`Desk`] ([`LocalAssistant`]); a front-end running as its own process can
//! make the same calls over HTTP by implementing the same trait, so the service stays the only owner of
//! the desk's database. Front-ends hold an `Arc<dyn Assistant>` and never know which.

use std::fmt;

use consulta_corpus::Lang;
use consulta_retrieval::{Answer, AskOptions, Citation, Engine, RetrievalError};

use consulta_desk::{
    Action, Approval, ApprovalDraft, Asker, BoxFuture, ChatRef, CuratedEntry, Desk, DeskError,
    Escalation, Forgotten, Identity, NewQuestion, NewTicket, Profile, QuestionId, Rating,
    RetrievedPassage, Tags, Ticket, TicketId,
};

use crate::chat::DeskRefusal;

/// A question from someone on a platform.
#[derive(Debug, Clone, PartialEq)]
pub struct AskRequest {
    /// Who asks, and where the answer goes.
    pub asker: Asker,
    /// The question as typed.
    pub question: String,
    /// The language the asker chose (`/lang`), which overrides detection.
    pub language: Option<Lang>,
    /// The asker's platform language (Telegram's `language_code`): the fallback when the question is
    /// too short to tell.
    pub user_lang: Option<Lang>,
    /// Cite this many passages instead of the configured number ("More sources").
    pub top_k: Option<usize>,
}

impl AskRequest {
    /// The engine's options for answering this request.
    pub(crate) fn options(&self) -> AskOptions {
        AskOptions {
            language: self.language,
            user_lang: self.user_lang,
            top_k: self.top_k,
            ..AskOptions::default()
        }
    }
}

/// An answer, with the id under which the question was recorded (for ratings and escalation).
#[derive(Debug, Clone, PartialEq)]
pub struct AskReply {
    /// The recorded question, which 👍/👎 and "Ask an expert" refer to.
    pub question_id: QuestionId,
    /// What Consulta found.
    pub answer: Answer,
}

/// A request to hand a question to the experts.
#[derive(Debug, Clone, PartialEq)]
pub struct EscalateRequest {
    /// Who asked, and where the expert's answer goes.
    pub asker: Asker,
    /// The question as the asker wrote it; for a recorded question the desk's own text is used, so
    /// it may be left empty.
    pub question: String,
    /// The language the asker is answered in; a recorded question's own language is used instead.
    pub language: Lang,
    /// The recorded question this escalates: the desk hands the experts its words and the passages
    /// it keeps with it, and links the ticket to the outcome metrics.
    pub question_id: Option<QuestionId>,
}

/// A question as its asker wrote it, read back from the desk (for "More sources"): front-ends keep
/// only question ids, so the words are forgotten with everything else.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AskedQuestion {
    /// The question's words.
    pub text: String,
    /// The language it was answered in.
    pub language: Lang,
}

/// Why an assistant call failed, classified so every front-end can answer the user the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureCode {
    /// The request itself is wrong (an empty question); the message is for the user.
    BadRequest,
    /// The caller may not do this (not an expert, not the asker).
    Forbidden,
    /// The ticket or question does not exist (any more).
    NotFound,
    /// The action does not apply in the ticket's current state (claiming a closed ticket).
    Conflict,
    /// The text to publish as an FAQ has personal particulars the expert has not confirmed.
    Particulars,
    /// The asker already has the most open tickets allowed; the message says how many.
    TooMany,
    /// A fault on our side; the message is for the operator's logs.
    Internal,
}

/// A failed call: a code for the program, a message for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AssistantError {
    /// How the front-end should react.
    pub code: FailureCode,
    /// What went wrong, in words the user or operator can act on.
    pub message: String,
    /// The desk's refusal, when the desk refused an expert or an asker and said why, in this
    /// process or in the service's error body: a chat says it in the reader's language rather than
    /// `message`'s English. `None` for everything else.
    pub refusal: Option<DeskRefusal>,
}

impl AssistantError {
    /// A failure of kind `code`.
    pub fn new(code: FailureCode, message: impl fmt::Display) -> Self {
        AssistantError {
            code,
            message: message.to_string(),
            refusal: None,
        }
    }
}

impl From<DeskError> for AssistantError {
    fn from(error: DeskError) -> Self {
        let code = match &error {
            DeskError::NotAnExpert(_) | DeskError::NotTheAsker(_) => FailureCode::Forbidden,
            DeskError::NoSuchTicket(_)
            | DeskError::NoSuchQuestion(_)
            | DeskError::ForgottenQuestion(_) => FailureCode::NotFound,
            DeskError::Refused { .. } => FailureCode::Conflict,
            DeskError::Particulars { .. } => FailureCode::Particulars,
            DeskError::TooManyOpen { .. } => FailureCode::TooMany,
            DeskError::EmptyQuestion
            | DeskError::ReplyTooLong { .. }
            | DeskError::UnknownExpert(_)
            | DeskError::UnknownGroup(_) => FailureCode::BadRequest,
            _ => FailureCode::Internal,
        };
        AssistantError {
            refusal: DeskRefusal::of(&error),
            ..AssistantError::new(code, error)
        }
    }
}

impl From<RetrievalError> for AssistantError {
    fn from(error: RetrievalError) -> Self {
        let code = match &error {
            RetrievalError::EmptyQuestion { .. } => FailureCode::BadRequest,
            _ => FailureCode::Internal,
        };
        AssistantError::new(code, error)
    }
}

/// Everything a front-end asks of Consulta. Object-safe: front-ends share an `Arc<dyn Assistant>`.
pub trait Assistant: Send + Sync {
    /// Answers a question and records it (language, confidence, escalation) for the outcome report.
    fn ask(&self, request: AskRequest) -> BoxFuture<'_, Result<AskReply, AssistantError>>;

    /// Opens a ticket, or returns the one the question already has ([`Escalation::opened`] says
    /// which); once this returns, the ticket is durable and the asker may be told so.
    fn escalate(
        &self,
        request: EscalateRequest,
    ) -> BoxFuture<'_, Result<Escalation, AssistantError>>;

    /// The words and language of question `id`, for the person who asked it only ("More sources").
    fn question(
        &self,
        by: Identity,
        id: QuestionId,
    ) -> BoxFuture<'_, Result<AskedQuestion, AssistantError>>;

    /// An expert action (claim, answer, close, ...), authorised against the configured experts.
    fn act(
        &self,
        by: Identity,
        ticket: TicketId,
        action: Action,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>>;

    /// What approving a ticket would publish, for the expert to edit first: its question and answer
    /// and the particulars flagged in them.
    fn approval_draft(
        &self,
        by: Identity,
        ticket: TicketId,
    ) -> BoxFuture<'_, Result<ApprovalDraft, AssistantError>>;

    /// Approves a ticket's answer as a curated FAQ entry with the expert's edited text, searchable at
    /// once; refused ([`FailureCode::Particulars`]) when the text has unconfirmed particulars.
    fn approve(
        &self,
        by: Identity,
        ticket: TicketId,
        approval: Approval,
    ) -> BoxFuture<'_, Result<CuratedEntry, AssistantError>>;

    /// 👍 / 👎 on an answer, by the person who asked.
    fn rate_answer(
        &self,
        by: Identity,
        question: QuestionId,
        rating: Rating,
    ) -> BoxFuture<'_, Result<(), AssistantError>>;

    /// 👍 / 👎 on an expert's answer, by the person who asked.
    fn rate_ticket(
        &self,
        by: Identity,
        ticket: TicketId,
        rating: Rating,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>>;

    /// The asker's reply to one of the desk's messages about their ticket (the expert's answer or
    /// clarifying question): it goes on the ticket and to the experts.
    fn asker_reply(
        &self,
        by: Identity,
        ticket: TicketId,
        text: String,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>>;

    /// The tickets a user opened that still wait for an expert or an answer, newest first (`/status`).
    fn open_tickets_of(&self, user: Identity)
    -> BoxFuture<'_, Result<Vec<Ticket>, AssistantError>>;

    /// Whether this identity is a configured expert: others are refused before any ticket is touched.
    fn is_expert(&self, identity: Identity) -> BoxFuture<'_, Result<bool, AssistantError>>;

    /// Lets a member of a team chat (the front-end checked the membership on its platform) act as an
    /// expert of the groups working in `chat`, for [`consulta_desk::ADMISSION`]; `false` when no group
    /// works there.
    fn admit_member(
        &self,
        member: Identity,
        name: String,
        chat: ChatRef,
    ) -> BoxFuture<'_, Result<bool, AssistantError>>;

    /// Ends a team-chat member's admission at once: the front-end learned they left the chat.
    fn dismiss_member(&self, member: Identity) -> BoxFuture<'_, Result<(), AssistantError>>;

    /// Deletes what the desk keeps about a user (`/forget`).
    fn forget(&self, user: Identity) -> BoxFuture<'_, Result<Forgotten, AssistantError>>;

    /// What the desk keeps about a person between questions: their chosen language and last question.
    fn profile(&self, person: Identity) -> BoxFuture<'_, Result<Profile, AssistantError>>;

    /// Remembers the language a person chose for the bot's words (`/lang`).
    fn set_language(
        &self,
        person: Identity,
        language: Lang,
    ) -> BoxFuture<'_, Result<(), AssistantError>>;
}

/// The assistant in the same process as the engine and the desk. Calls run on the blocking pool:
/// embedding a question and flushing the desk are CPU and disk work that must not stall the runtime.
#[derive(Clone)]
pub struct LocalAssistant {
    engine: Engine,
    desk: Desk,
}

impl LocalAssistant {
    /// Answers from `engine`, escalates to `desk`.
    pub fn new(engine: Engine, desk: Desk) -> Self {
        LocalAssistant { engine, desk }
    }

    fn blocking<T, F>(&self, work: F) -> BoxFuture<'_, Result<T, AssistantError>>
    where
        T: Send + 'static,
        F: FnOnce(LocalAssistant) -> Result<T, AssistantError> + Send + 'static,
    {
        let this = self.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || work(this))
                .await
                .map_err(|e| {
                    AssistantError::new(FailureCode::Internal, format!("worker failed: {e}"))
                })?
        })
    }
}

impl Assistant for LocalAssistant {
    fn ask(&self, request: AskRequest) -> BoxFuture<'_, Result<AskReply, AssistantError>> {
        self.blocking(move |this| {
            let answer = this.engine.ask(&request.question, &request.options())?;
            let question_id =
                this.desk
                    .record_question(question_of(request.asker, request.question, &answer))?;
            Ok(AskReply {
                question_id,
                answer,
            })
        })
    }

    fn escalate(
        &self,
        request: EscalateRequest,
    ) -> BoxFuture<'_, Result<Escalation, AssistantError>> {
        // A recorded question's citations and tags are the desk's: it fills them in.
        self.blocking(move |this| {
            Ok(this.desk.open_ticket(NewTicket {
                asker: request.asker,
                language: request.language,
                question: request.question,
                passages: Vec::new(),
                tags: Tags::default(),
                question_id: request.question_id,
            })?)
        })
    }

    fn question(
        &self,
        by: Identity,
        id: QuestionId,
    ) -> BoxFuture<'_, Result<AskedQuestion, AssistantError>> {
        self.blocking(move |this| {
            let record = this.desk.askers_question(&by, id)?;
            Ok(AskedQuestion {
                text: record.text.unwrap_or_default(),
                language: record.language,
            })
        })
    }

    fn act(
        &self,
        by: Identity,
        ticket: TicketId,
        action: Action,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.act(&by, &ticket, action)?))
    }

    fn approval_draft(
        &self,
        by: Identity,
        ticket: TicketId,
    ) -> BoxFuture<'_, Result<ApprovalDraft, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.approval_draft(&by, &ticket)?))
    }

    fn approve(
        &self,
        by: Identity,
        ticket: TicketId,
        approval: Approval,
    ) -> BoxFuture<'_, Result<CuratedEntry, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.approve(&by, &ticket, approval)?))
    }

    fn rate_answer(
        &self,
        by: Identity,
        question: QuestionId,
        rating: Rating,
    ) -> BoxFuture<'_, Result<(), AssistantError>> {
        self.blocking(move |this| Ok(this.desk.rate_answer(&by, question, rating)?))
    }

    fn rate_ticket(
        &self,
        by: Identity,
        ticket: TicketId,
        rating: Rating,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.rate_ticket(&by, &ticket, rating)?))
    }

    fn asker_reply(
        &self,
        by: Identity,
        ticket: TicketId,
        text: String,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.asker_reply(&by, &ticket, &text)?))
    }

    fn open_tickets_of(
        &self,
        user: Identity,
    ) -> BoxFuture<'_, Result<Vec<Ticket>, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.open_tickets_of(&user)?))
    }

    fn is_expert(&self, identity: Identity) -> BoxFuture<'_, Result<bool, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.authorise(&identity).is_ok()))
    }

    fn admit_member(
        &self,
        member: Identity,
        name: String,
        chat: ChatRef,
    ) -> BoxFuture<'_, Result<bool, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.admit_member(&member, &name, &chat)?))
    }

    fn dismiss_member(&self, member: Identity) -> BoxFuture<'_, Result<(), AssistantError>> {
        self.desk.dismiss_member(&member);
        Box::pin(async { Ok(()) })
    }

    fn forget(&self, user: Identity) -> BoxFuture<'_, Result<Forgotten, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.forget(&user)?))
    }

    fn profile(&self, person: Identity) -> BoxFuture<'_, Result<Profile, AssistantError>> {
        self.blocking(move |this| Ok(this.desk.profile(&person)?))
    }

    fn set_language(
        &self,
        person: Identity,
        language: Lang,
    ) -> BoxFuture<'_, Result<(), AssistantError>> {
        self.blocking(move |this| Ok(this.desk.set_language(&person, language)?))
    }
}

/// What the desk keeps of an answer's citations with its question, shown to the expert if the
/// question becomes a ticket.
fn retrieved_passages(citations: &[Citation]) -> Vec<RetrievedPassage> {
    citations
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

/// What the desk records of a question Consulta answered with `answer`.
pub(crate) fn question_of(asker: Asker, text: String, answer: &Answer) -> NewQuestion {
    NewQuestion {
        asker,
        language: answer.language,
        text,
        confidence: answer.confidence,
        escalate: answer.escalate,
        tags: tags_of(&answer.citations),
        passages: retrieved_passages(&answer.citations),
    }
}

/// What a question is about, from the passages its answer cites: their topics and countries, each
/// once, in citation order.
fn tags_of(citations: &[Citation]) -> Tags {
    let mut tags = Tags::default();
    for citation in citations {
        for topic in &citation.tags {
            if !tags.topics.contains(topic) {
                tags.topics.push(topic.clone());
            }
        }
        for country in &citation.countries {
            if !tags.countries.contains(country) {
                tags.countries.push(country.clone());
            }
        }
    }
    tags
}
