//! The [`Assistant`] a front-end process or a replica uses: every call goes over HTTP to the
//! service, which alone owns the desk; a replica answers questions from its own engine.

use reqwest::Method;
use serde_json::{Value, json};

use super::client::{ServiceClient, segment};
use consulta_corpus::Lang;
use consulta_retrieval::Engine;

use crate::assistant::{
    AskReply, AskRequest, AskedQuestion, Assistant, AssistantError, EscalateRequest, question_of,
};
use crate::service::{
    ActionResponse, AskResponse, ExpertCheck, FeedbackResponse, RecordedQuestion, TicketList,
};
use consulta_desk::{
    Action, Approval, ApprovalDraft, BoxFuture, ChatRef, CuratedEntry, Escalation, Forgotten,
    Identity, Profile, QuestionId, Rating, Ticket, TicketId, TransferTarget,
};

/// The [`Assistant`] of a front-end process or a replica: calls go to the service's API, except a
/// replica's questions, which it answers itself.
#[derive(Debug, Clone)]
pub struct RemoteAssistant {
    client: ServiceClient,
    /// A replica's engine: questions are answered here and only recorded at the primary.
    answers: Option<Engine>,
}

impl RemoteAssistant {
    /// Calls the service through `client`.
    pub fn new(client: ServiceClient) -> Self {
        RemoteAssistant {
            client,
            answers: None,
        }
    }

    /// A replica's assistant: answers with `engine` (a replica of the primary's passages), records
    /// each question at the primary (`POST /v1/questions`) so ratings and escalations find it
    /// there, and sends every other call to the primary.
    pub fn answering_with(client: ServiceClient, engine: Engine) -> Self {
        RemoteAssistant {
            client,
            answers: Some(engine),
        }
    }

    async fn answer_here(
        &self,
        engine: &Engine,
        request: AskRequest,
    ) -> Result<AskReply, AssistantError> {
        let options = request.options();
        let engine = engine.clone();
        let question = request.question.clone();
        let answer = tokio::task::spawn_blocking(move || engine.ask(&question, &options))
            .await
            .map_err(|e| {
                AssistantError::new(
                    crate::assistant::FailureCode::Internal,
                    format!("worker failed: {e}"),
                )
            })??;
        let record = question_of(request.asker, request.question, &answer);
        let recorded: RecordedQuestion = self
            .client
            .json(Method::POST, "/v1/questions", None, Some(&record))
            .await?;
        Ok(AskReply {
            question_id: recorded.question_id,
            answer,
        })
    }

    async fn act_remote(
        &self,
        by: Identity,
        ticket: TicketId,
        action: Action,
    ) -> Result<Ticket, AssistantError> {
        let (verb, body) = match action {
            Action::Claim => ("claim", json!({})),
            Action::Unclaim => ("unclaim", json!({})),
            Action::Answer { text } => ("answer", json!({ "text": text })),
            Action::Note { text } => ("note", json!({ "text": text })),
            Action::Clarify { text } => ("clarify", json!({ "text": text })),
            Action::Close { reason } => ("close", json!({ "reason": reason })),
            Action::Reopen { reason } => ("reopen", json!({ "reason": reason })),
            Action::Transfer(TransferTarget::Expert(name)) => {
                ("transfer", json!({ "expert": name }))
            }
            Action::Transfer(TransferTarget::Group(name)) => ("transfer", json!({ "group": name })),
        };
        let path = format!("/v1/tickets/{}/{verb}", segment(ticket.as_str()));
        let reply: ActionResponse = self
            .client
            .json(Method::POST, &path, Some(&by), Some(&body))
            .await?;
        Ok(reply.ticket)
    }
}

impl Assistant for RemoteAssistant {
    fn ask(&self, request: AskRequest) -> BoxFuture<'_, Result<AskReply, AssistantError>> {
        Box::pin(async move {
            if let Some(engine) = &self.answers {
                return self.answer_here(engine, request).await;
            }
            let body = json!({
                "question": request.question,
                "language": request.language,
                "user_lang": request.user_lang,
                "top_k": request.top_k,
                "asker": request.asker,
            });
            let reply: AskResponse = self
                .client
                .json(Method::POST, "/v1/ask", None, Some(&body))
                .await?;
            Ok(AskReply {
                question_id: reply.question_id,
                answer: reply.answer,
            })
        })
    }

    fn escalate(
        &self,
        request: EscalateRequest,
    ) -> BoxFuture<'_, Result<Escalation, AssistantError>> {
        Box::pin(async move {
            let body = json!({
                "question_id": request.question_id,
                "question": request.question,
                "language": request.language,
                "asker": request.asker,
            });
            Ok(self
                .client
                .json(Method::POST, "/v1/escalations", None, Some(&body))
                .await?)
        })
    }

    fn question(
        &self,
        by: Identity,
        id: QuestionId,
    ) -> BoxFuture<'_, Result<AskedQuestion, AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/users/{}/questions/{}", segment(&by.to_string()), id.0);
            Ok(self
                .client
                .json::<Value, _>(Method::GET, &path, None, None)
                .await?)
        })
    }

    fn act(
        &self,
        by: Identity,
        ticket: TicketId,
        action: Action,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        Box::pin(self.act_remote(by, ticket, action))
    }

    fn approval_draft(
        &self,
        by: Identity,
        ticket: TicketId,
    ) -> BoxFuture<'_, Result<ApprovalDraft, AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/tickets/{}/draft", segment(ticket.as_str()));
            let draft: ApprovalDraft = self
                .client
                .json(Method::GET, &path, Some(&by), None::<&Value>)
                .await?;
            Ok(draft)
        })
    }

    fn approve(
        &self,
        by: Identity,
        ticket: TicketId,
        approval: Approval,
    ) -> BoxFuture<'_, Result<CuratedEntry, AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/tickets/{}/approve", segment(ticket.as_str()));
            let body = json!({
                "question": approval.question,
                "answer": approval.answer,
                "confirm_particulars": approval.confirm_particulars,
            });
            let reply: ActionResponse = self
                .client
                .json(Method::POST, &path, Some(&by), Some(&body))
                .await?;
            reply.curated.ok_or_else(|| {
                AssistantError::new(
                    crate::assistant::FailureCode::Internal,
                    "the service approved but sent no curated entry",
                )
            })
        })
    }

    fn rate_answer(
        &self,
        by: Identity,
        question: QuestionId,
        rating: Rating,
    ) -> BoxFuture<'_, Result<(), AssistantError>> {
        Box::pin(async move {
            let body = json!({ "rating": rating, "question_id": question, "by": by });
            let _: FeedbackResponse = self
                .client
                .json(Method::POST, "/v1/feedback", None, Some(&body))
                .await?;
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
            let body = json!({ "rating": rating, "ticket": ticket.as_str(), "by": by });
            let reply: FeedbackResponse = self
                .client
                .json(Method::POST, "/v1/feedback", None, Some(&body))
                .await?;
            reply.ticket.ok_or_else(|| {
                AssistantError::new(
                    crate::assistant::FailureCode::Internal,
                    "the service recorded the rating but sent no ticket",
                )
            })
        })
    }

    fn asker_reply(
        &self,
        by: Identity,
        ticket: TicketId,
        text: String,
    ) -> BoxFuture<'_, Result<Ticket, AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/tickets/{}/replies", segment(ticket.as_str()));
            let body = json!({ "text": text, "by": by });
            Ok(self
                .client
                .json(Method::POST, &path, None, Some(&body))
                .await?)
        })
    }

    fn open_tickets_of(
        &self,
        user: Identity,
    ) -> BoxFuture<'_, Result<Vec<Ticket>, AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/users/{}/tickets", segment(&user.to_string()));
            let list: TicketList = self
                .client
                .json::<Value, _>(Method::GET, &path, None, None)
                .await?;
            Ok(list.tickets)
        })
    }

    fn is_expert(&self, identity: Identity) -> BoxFuture<'_, Result<bool, AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/experts/{}", segment(&identity.to_string()));
            let check: ExpertCheck = self
                .client
                .json::<Value, _>(Method::GET, &path, None, None)
                .await?;
            Ok(check.expert)
        })
    }

    fn admit_member(
        &self,
        member: Identity,
        name: String,
        chat: ChatRef,
    ) -> BoxFuture<'_, Result<bool, AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/experts/{}/admission", segment(&member.to_string()));
            let body = json!({ "name": name, "chat": chat });
            let check: ExpertCheck = self
                .client
                .json(Method::POST, &path, None, Some(&body))
                .await?;
            Ok(check.expert)
        })
    }

    fn dismiss_member(&self, member: Identity) -> BoxFuture<'_, Result<(), AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/experts/{}/dismissal", segment(&member.to_string()));
            let _: ExpertCheck = self
                .client
                .json(Method::POST, &path, None, Some(&json!({})))
                .await?;
            Ok(())
        })
    }

    fn forget(&self, user: Identity) -> BoxFuture<'_, Result<Forgotten, AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/users/{}", segment(&user.to_string()));
            Ok(self
                .client
                .json::<Value, _>(Method::DELETE, &path, None, None)
                .await?)
        })
    }

    fn profile(&self, person: Identity) -> BoxFuture<'_, Result<Profile, AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/users/{}/profile", segment(&person.to_string()));
            Ok(self
                .client
                .json::<Value, _>(Method::GET, &path, None, None)
                .await?)
        })
    }

    fn set_language(
        &self,
        person: Identity,
        language: Lang,
    ) -> BoxFuture<'_, Result<(), AssistantError>> {
        Box::pin(async move {
            let path = format!("/v1/users/{}/language", segment(&person.to_string()));
            let body = json!({ "language": language });
            let _: Profile = self
                .client
                .json(Method::POST, &path, None, Some(&body))
                .await?;
            Ok(())
        })
    }
}
