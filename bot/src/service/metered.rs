//! An [`Assistant`](crate::assistant::Assistant) wrapper that counts what passes through it, so that
//! `/metrics` covers the questions of every front-end of the process in one place.

use std::sync::Arc;
use std::time::Instant;

use consulta_corpus::Lang;
use consulta_retrieval::Engine;

use super::metrics::Metrics;
use crate::assistant::{
    AskReply, AskRequest, AskedQuestion, Assistant, AssistantError, EscalateRequest, LocalAssistant,
};
use consulta_desk::{
    Action, Approval, ApprovalDraft, BoxFuture, ChatRef, CuratedEntry, Desk, Escalation, Forgotten,
    Identity, Profile, QuestionId, Rating, Ticket, TicketId,
};

/// An [`Assistant`] that counts what passes through it: every front-end of the process (web,
/// Telegram, Discord) asks through one, so `/metrics` covers them all.
pub struct MeteredAssistant {
    inner: Arc<dyn Assistant>,
    metrics: Metrics,
}

impl MeteredAssistant {
    /// Counts the calls made to `inner`.
    pub fn new(inner: Arc<dyn Assistant>, metrics: Metrics) -> Self {
        MeteredAssistant { inner, metrics }
    }

    /// A metered [`LocalAssistant`] over `engine` and `desk`.
    pub fn local(engine: Engine, desk: Desk, metrics: Metrics) -> Self {
        MeteredAssistant::new(Arc::new(LocalAssistant::new(engine, desk)), metrics)
    }
}

impl Assistant for MeteredAssistant {
    fn ask(&self, request: AskRequest) -> BoxFuture<'_, Result<AskReply, AssistantError>> {
        Box::pin(async move {
            let started = Instant::now();
            let reply = self.inner.ask(request).await?;
            let answer = &reply.answer;
            self.metrics
                .question(answer.language, answer.escalate, started.elapsed());
            Ok(reply)
        })
    }

    fn escalate(
        &self,
        request: EscalateRequest,
    ) -> BoxFuture<'_, Result<Escalation, AssistantError>> {
        Box::pin(async move {
            let escalation = self.inner.escalate(request).await?;
            // A question escalated again gets its ticket back: that is not a second escalation.
            if escalation.opened {
                self.metrics.escalation();
            }
            Ok(escalation)
        })
    }

    fn question(
        &self,
        by: Identity,
        id: QuestionId,
    ) -> BoxFuture<'_, Result<AskedQuestion, AssistantError>> {
        self.inner.question(by, id)
    }

    fn act(
        &self,
        by: Identity,
        ticket: TicketId,
        action: Action,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        self.inner.act(by, ticket, action)
    }

    fn approval_draft(
        &self,
        by: Identity,
        ticket: TicketId,
    ) -> BoxFuture<'_, Result<ApprovalDraft, AssistantError>> {
        self.inner.approval_draft(by, ticket)
    }

    fn approve(
        &self,
        by: Identity,
        ticket: TicketId,
        approval: Approval,
    ) -> BoxFuture<'_, Result<CuratedEntry, AssistantError>> {
        self.inner.approve(by, ticket, approval)
    }

    fn rate_answer(
        &self,
        by: Identity,
        question: QuestionId,
        rating: Rating,
    ) -> BoxFuture<'_, Result<(), AssistantError>> {
        Box::pin(async move {
            self.inner.rate_answer(by, question, rating).await?;
            self.metrics.rating(rating == Rating::Up);
            Ok(())
        })
    }

    fn rate_ticket(
        &self,
        by: Identity,
        ticket: TicketId,
        rating: Rating,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        Box::pin(async move {
            let rated = self.inner.rate_ticket(by, ticket, rating).await?;
            self.metrics.rating(rating == Rating::Up);
            Ok(rated)
        })
    }

    fn asker_reply(
        &self,
        by: Identity,
        ticket: TicketId,
        text: String,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        self.inner.asker_reply(by, ticket, text)
    }

    fn open_tickets_of(
        &self,
        user: Identity,
    ) -> BoxFuture<'_, Result<Vec<Ticket>, AssistantError>> {
        self.inner.open_tickets_of(user)
    }

    fn is_expert(&self, identity: Identity) -> BoxFuture<'_, Result<bool, AssistantError>> {
        self.inner.is_expert(identity)
    }

    fn admit_member(
        &self,
        member: Identity,
        name: String,
        chat: ChatRef,
    ) -> BoxFuture<'_, Result<bool, AssistantError>> {
        self.inner.admit_member(member, name, chat)
    }

    fn dismiss_member(&self, member: Identity) -> BoxFuture<'_, Result<(), AssistantError>> {
        self.inner.dismiss_member(member)
    }

    fn forget(&self, user: Identity) -> BoxFuture<'_, Result<Forgotten, AssistantError>> {
        self.inner.forget(user)
    }

    fn profile(&self, person: Identity) -> BoxFuture<'_, Result<Profile, AssistantError>> {
        self.inner.profile(person)
    }

    fn set_language(
        &self,
        person: Identity,
        language: Lang,
    ) -> BoxFuture<'_, Result<(), AssistantError>> {
        self.inner.set_language(person, language)
    }
}
