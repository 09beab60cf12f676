//! A test assistant over a real desk and no engine, shared by the conversation's tests and the web
//! chat's: the conversation's decisions are checked against the desk's own rules.

use std::sync::Mutex;

use consulta_corpus::Lang;
use consulta_desk::{
    Action, Approval, ApprovalDraft, BoxFuture, ChatRef, CuratedEntry, Desk, Escalation, Forgotten,
    Identity, NewTicket, Profile, QuestionId, Rating, Tags, Ticket, TicketId,
};

use crate::assistant::{
    AskReply, AskRequest, AskedQuestion, Assistant, AssistantError, EscalateRequest, FailureCode,
};

/// The assistant of a front-end, minus the engine: every desk call goes to a real desk, so the
/// conversation's decisions are tested against the desk's own rules. Questions are kept, and
/// refused as the engine refuses a question it cannot take.
pub(crate) struct DeskOnly(pub(crate) Desk, pub(crate) Mutex<Vec<AskRequest>>);

/// What [`DeskOnly`] says to every question.
pub(crate) const NO_ENGINE: &str = "no engine here";

impl DeskOnly {
    fn done<T: Send + 'static>(
        result: Result<T, consulta_desk::DeskError>,
    ) -> BoxFuture<'static, Result<T, AssistantError>> {
        let result = result.map_err(AssistantError::from);
        Box::pin(async move { result })
    }
}

impl Assistant for DeskOnly {
    fn ask(&self, request: AskRequest) -> BoxFuture<'_, Result<AskReply, AssistantError>> {
        self.1.lock().unwrap().push(request);
        Box::pin(async { Err(AssistantError::new(FailureCode::BadRequest, NO_ENGINE)) })
    }
    fn escalate(&self, r: EscalateRequest) -> BoxFuture<'_, Result<Escalation, AssistantError>> {
        Self::done(self.0.open_ticket(NewTicket {
            asker: r.asker,
            language: r.language,
            question: r.question,
            passages: Vec::new(),
            tags: Tags::default(),
            question_id: r.question_id,
        }))
    }
    fn question(
        &self,
        by: Identity,
        id: QuestionId,
    ) -> BoxFuture<'_, Result<AskedQuestion, AssistantError>> {
        Self::done(self.0.askers_question(&by, id).map(|r| AskedQuestion {
            text: r.text.unwrap_or_default(),
            language: r.language,
        }))
    }
    fn act(
        &self,
        by: Identity,
        ticket: TicketId,
        action: Action,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        Self::done(self.0.act(&by, &ticket, action))
    }
    fn approval_draft(
        &self,
        by: Identity,
        ticket: TicketId,
    ) -> BoxFuture<'_, Result<ApprovalDraft, AssistantError>> {
        Self::done(self.0.approval_draft(&by, &ticket))
    }
    fn approve(
        &self,
        by: Identity,
        ticket: TicketId,
        approval: Approval,
    ) -> BoxFuture<'_, Result<CuratedEntry, AssistantError>> {
        Self::done(self.0.approve(&by, &ticket, approval))
    }
    fn rate_answer(
        &self,
        by: Identity,
        question: QuestionId,
        rating: Rating,
    ) -> BoxFuture<'_, Result<(), AssistantError>> {
        Self::done(self.0.rate_answer(&by, question, rating))
    }
    fn rate_ticket(
        &self,
        by: Identity,
        ticket: TicketId,
        rating: Rating,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        Self::done(self.0.rate_ticket(&by, &ticket, rating))
    }
    fn asker_reply(
        &self,
        by: Identity,
        ticket: TicketId,
        text: String,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        Self::done(self.0.asker_reply(&by, &ticket, &text))
    }
    fn open_tickets_of(
        &self,
        user: Identity,
    ) -> BoxFuture<'_, Result<Vec<Ticket>, AssistantError>> {
        Self::done(self.0.open_tickets_of(&user))
    }
    fn is_expert(&self, identity: Identity) -> BoxFuture<'_, Result<bool, AssistantError>> {
        Self::done(Ok(self.0.authorise(&identity).is_ok()))
    }
    fn admit_member(
        &self,
        member: Identity,
        name: String,
        chat: ChatRef,
    ) -> BoxFuture<'_, Result<bool, AssistantError>> {
        Self::done(self.0.admit_member(&member, &name, &chat))
    }
    fn dismiss_member(&self, member: Identity) -> BoxFuture<'_, Result<(), AssistantError>> {
        self.0.dismiss_member(&member);
        Self::done(Ok(()))
    }
    fn forget(&self, user: Identity) -> BoxFuture<'_, Result<Forgotten, AssistantError>> {
        Self::done(self.0.forget(&user))
    }
    fn profile(&self, person: Identity) -> BoxFuture<'_, Result<Profile, AssistantError>> {
        Self::done(self.0.profile(&person))
    }
    fn set_language(
        &self,
        person: Identity,
        language: Lang,
    ) -> BoxFuture<'_, Result<(), AssistantError>> {
        Self::done(self.0.set_language(&person, language))
    }
}
