//! What people do in a chat, in the conversation's terms: the adapters parse platform updates (a
//! command, a button press, a message in a ticket's thread) into an [`Intent`] and hand it to
//! [`Conversation::handle`], which decides what it means and what to tell whom. Only rendering is
//! left to the platform.

use consulta_corpus::Lang;

use consulta_desk::{Identity, QuestionId, Rating, TicketId};

use super::conversation::{Conversation, ConversationError, ExpertMessage, Reply};
use super::texts::texts;

/// Someone acting in a chat: who they are at the desk, and the language of the bot's words for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Their platform identity, which the desk authorises.
    pub identity: Identity,
    /// The language the bot speaks to them in.
    pub lang: Lang,
}

/// What a user or an expert asks of the conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// `/status`: the person's open tickets.
    Status,
    /// `/lang`: the language of the bot's words; `None` when none or an unknown one was given.
    Lang(Option<Lang>),
    /// 👍/👎 on Consulta's answer to a question of theirs.
    RateAnswer {
        /// The answered question.
        question: QuestionId,
        /// The thumb pressed.
        rating: Rating,
    },
    /// 👍/👎 on the expert's answer to a ticket of theirs (👎 reopens it).
    RateTicket {
        /// The answered ticket.
        ticket: TicketId,
        /// The thumb pressed.
        rating: Rating,
    },
    /// The `/forget` confirmation answered.
    Forget {
        /// Delete (true) or keep.
        confirmed: bool,
        /// The platform user id of the person it was shown to: only they may answer it.
        shown_to: String,
    },
    /// An expert's words about a ticket, with what they mean (an answer, a clarifying question, a
    /// note, or a platform's system message).
    ExpertWords {
        /// The ticket they are about.
        ticket: TicketId,
        /// What was written.
        text: String,
        /// What it means, as the adapter classified it ([`ExpertMessage::classify`]).
        meaning: ExpertMessage,
    },
}

impl Conversation {
    /// Does what `intent` asks on behalf of `by`; returns what to tell them, if anything. Refusals are
    /// replies too ([`Reply::refusal`]); `Err` is only for failures on our side.
    pub async fn handle(
        &self,
        by: &Person,
        intent: Intent,
    ) -> Result<Option<Reply>, ConversationError> {
        let t = texts(by.lang);
        let identity = by.identity.clone();
        Ok(match intent {
            Intent::Status => Some(self.status(identity, by.lang).await?),
            Intent::Lang(Some(chosen)) => {
                self.memory().set_lang(&identity.id, chosen)?;
                Some(Reply::text(texts(chosen).lang_set))
            }
            Intent::Lang(None) => Some(Reply::text(t.lang_usage)),
            Intent::RateAnswer { question, rating } => Some(
                match self
                    .assistant()
                    .rate_answer(identity, question, rating)
                    .await
                {
                    Ok(()) => Reply::text(t.thanks).private(),
                    Err(error) => Reply::refused(error.message),
                },
            ),
            Intent::RateTicket { ticket, rating } => Some(
                match self.assistant().rate_ticket(identity, ticket, rating).await {
                    Ok(_) => Reply::text(t.thanks).private(),
                    Err(error) => Reply::refused(error.message),
                },
            ),
            Intent::Forget {
                confirmed,
                shown_to,
            } => Some(
                self.forget(identity, &shown_to, confirmed, by.lang)
                    .await?
                    .unwrap_or_else(|| Conversation::not_yours(by.lang)),
            ),
            Intent::ExpertWords {
                ticket,
                text,
                meaning,
            } => {
                self.expert_message(identity, ticket, &text, meaning)
                    .await?
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use consulta_desk::{
        Action, Approval, ApprovalDraft, Asker, BoxFuture, ChatRef, CuratedEntry, Desk, Escalation,
        Forgotten, NewQuestion, NewTicket, Platform, Status, Tags, Ticket,
    };

    use super::*;
    use crate::assistant::{
        AskReply, AskRequest, AskedQuestion, Assistant, AssistantError, EscalateRequest,
        FailureCode,
    };
    use crate::chat::{Asked, Memory, MoreSources, STALE_BUTTON, escalate_once};

    /// The assistant of a front-end, minus the engine: every desk call goes to a real desk, so the
    /// conversation's decisions are tested against the desk's own rules.
    struct DeskOnly(Desk);

    impl DeskOnly {
        fn done<T: Send + 'static>(
            result: Result<T, consulta_desk::DeskError>,
        ) -> BoxFuture<'static, Result<T, AssistantError>> {
            let result = result.map_err(AssistantError::from);
            Box::pin(async move { result })
        }
    }

    impl Assistant for DeskOnly {
        fn ask(&self, _: AskRequest) -> BoxFuture<'_, Result<AskReply, AssistantError>> {
            Box::pin(async { Err(AssistantError::new(FailureCode::Internal, "no engine")) })
        }
        fn escalate(
            &self,
            r: EscalateRequest,
        ) -> BoxFuture<'_, Result<Escalation, AssistantError>> {
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
        fn forget(&self, user: Identity) -> BoxFuture<'_, Result<Forgotten, AssistantError>> {
            Self::done(self.0.forget(&user))
        }
    }

    const DESK: &str = r#"
        groups = [{ name = "andes", chats = ["telegram:-100200"] }]
        experts = [{ name = "Ana", identities = ["telegram:7"], groups = ["andes"] }]
    "#;

    /// A conversation over a fresh desk and memory, with Marta's question recorded.
    struct Setup {
        _dir: tempfile::TempDir,
        desk: Desk,
        memory: Memory,
        conversation: Conversation,
        question: QuestionId,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(&dir.path().join("desk"), toml::from_str(DESK).unwrap()).unwrap();
        let memory = Memory::open(&sled::open(dir.path().join("front")).unwrap()).unwrap();
        let question = desk
            .record_question(NewQuestion {
                asker: marta_asker(),
                language: Lang::Es,
                text: "¿Quién autoriza los ITMO en Chile?".into(),
                confidence: 0.3,
                escalate: true,
                tags: Tags::default(),
                passages: Vec::new(),
            })
            .unwrap();
        memory
            .put_asked(
                question,
                &Asked {
                    asker: marta().identity,
                    chat_id: "501".into(),
                    place: 11_u64,
                },
            )
            .unwrap();
        let conversation = Conversation::new(Arc::new(DeskOnly(desk.clone())), memory.clone());
        Setup {
            _dir: dir,
            desk,
            memory,
            conversation,
            question,
        }
    }

    fn marta_asker() -> Asker {
        Asker {
            platform: Platform::Telegram,
            chat_id: "501".into(),
            user_id: "501".into(),
            display_name: "Marta".into(),
        }
    }

    fn marta() -> Person {
        Person {
            identity: Identity::new(Platform::Telegram, "501"),
            lang: Lang::En,
        }
    }

    fn beto() -> Person {
        Person {
            identity: Identity::new(Platform::Telegram, "55"),
            lang: Lang::En,
        }
    }

    fn ana() -> Person {
        Person {
            identity: Identity::new(Platform::Telegram, "7"),
            lang: Lang::En,
        }
    }

    /// Escalates Marta's question the way her "Ask an expert" button does.
    async fn escalated(s: &Setup) -> TicketId {
        let said = escalate_once(
            s.conversation.assistant().as_ref(),
            &s.memory,
            s.question,
            &marta().identity,
            "Marta",
            Lang::En,
            |asked: &Asked<u64>| asked.place,
        )
        .await
        .unwrap();
        let ticket = s.desk.tickets_of(&marta().identity).unwrap().remove(0);
        assert!(said.contains(ticket.id.as_str()), "{said}");
        ticket.id
    }

    async fn handle(s: &Setup, by: &Person, intent: Intent) -> Option<Reply> {
        s.conversation.handle(by, intent).await.unwrap()
    }

    #[tokio::test]
    async fn status_lists_the_persons_own_open_tickets_for_them_only() {
        let s = setup();
        let ticket = escalated(&s).await;
        let hers = handle(&s, &marta(), Intent::Status).await.unwrap();
        assert!(hers.private, "a group must not see someone's questions");
        assert!(hers.plain().contains(ticket.as_str()), "{}", hers.plain());
        assert!(hers.plain().contains("Chile"), "{}", hers.plain());
        let his = handle(&s, &beto(), Intent::Status).await.unwrap();
        assert!(!his.plain().contains(ticket.as_str()), "{}", his.plain());
        assert_eq!(his.plain(), texts(Lang::En).no_tickets);
    }

    #[tokio::test]
    async fn lang_remembers_a_known_language_and_explains_otherwise() {
        let s = setup();
        let set = handle(&s, &marta(), Intent::Lang(Some(Lang::Pt))).await;
        assert_eq!(set.unwrap().plain(), texts(Lang::Pt).lang_set);
        assert_eq!(s.memory.lang("501").unwrap(), Some(Lang::Pt));
        let usage = handle(&s, &beto(), Intent::Lang(None)).await;
        assert_eq!(usage.unwrap().plain(), texts(Lang::En).lang_usage);
        assert_eq!(s.memory.lang("55").unwrap(), None);
    }

    #[tokio::test]
    async fn only_the_asker_rates_consultas_answer() {
        let s = setup();
        let question = s.question;
        let rating = Rating::Up;
        let refused = handle(&s, &beto(), Intent::RateAnswer { question, rating }).await;
        assert!(refused.unwrap().refusal);
        assert_eq!(s.desk.question(question).unwrap().rating, None);
        let thanked = handle(&s, &marta(), Intent::RateAnswer { question, rating }).await;
        let thanked = thanked.unwrap();
        assert!(!thanked.refusal);
        assert_eq!(thanked.plain(), texts(Lang::En).thanks);
        assert_eq!(s.desk.question(question).unwrap().rating, Some(Rating::Up));
    }

    #[tokio::test]
    async fn a_thumb_down_from_the_asker_reopens_the_answered_ticket() {
        let s = setup();
        let ticket = escalated(&s).await;
        let answer = Intent::ExpertWords {
            ticket: ticket.clone(),
            text: "El Ministerio del Medio Ambiente.".into(),
            meaning: ExpertMessage::Answer,
        };
        handle(&s, &ana(), answer).await;
        let rating = Rating::Down;
        let intent = |ticket: &TicketId| Intent::RateTicket {
            ticket: ticket.clone(),
            rating,
        };
        assert!(handle(&s, &beto(), intent(&ticket)).await.unwrap().refusal);
        assert_eq!(s.desk.ticket(&ticket).unwrap().status, Status::Answered);
        assert!(!handle(&s, &marta(), intent(&ticket)).await.unwrap().refusal);
        assert_eq!(s.desk.ticket(&ticket).unwrap().status, Status::Reopened);
    }

    #[tokio::test]
    async fn forget_is_answered_only_by_whom_it_was_shown_to() {
        let s = setup();
        escalated(&s).await;
        s.memory.set_lang("501", Lang::Pt).unwrap();
        let forget = |confirmed| Intent::Forget {
            confirmed,
            shown_to: "501".into(),
        };
        let refused = handle(&s, &beto(), forget(true)).await.unwrap();
        assert!(refused.refusal);
        assert_eq!(refused.plain(), texts(Lang::En).not_your_button);
        assert_eq!(s.desk.tickets_of(&marta().identity).unwrap().len(), 1);
        let kept = handle(&s, &marta(), forget(false)).await.unwrap();
        assert_eq!(kept.plain(), texts(Lang::En).kept);
        assert_eq!(s.desk.tickets_of(&marta().identity).unwrap().len(), 1);
        let done = handle(&s, &marta(), forget(true)).await.unwrap();
        assert_eq!(done.plain(), texts(Lang::En).forgotten);
        assert!(s.desk.tickets_of(&marta().identity).unwrap().is_empty());
        assert_eq!(s.memory.lang("501").unwrap(), None);
        assert_eq!(s.desk.question(s.question).unwrap().text, None);
    }

    #[tokio::test]
    async fn an_experts_answer_reaches_the_ticket_and_a_note_stays_quiet() {
        let s = setup();
        let ticket = escalated(&s).await;
        let words = |text: &str, meaning| Intent::ExpertWords {
            ticket: ticket.clone(),
            text: text.into(),
            meaning,
        };
        let renamed = handle(&s, &ana(), words("Ticket renamed", ExpertMessage::Ignore)).await;
        assert_eq!(renamed, None);
        let note = handle(&s, &ana(), words("Beto, any idea?", ExpertMessage::Note)).await;
        assert_eq!(note, None, "a note needs no receipt");
        assert_eq!(s.desk.ticket(&ticket).unwrap().status, Status::Open);
        let stranger = handle(&s, &beto(), words("Ask me.", ExpertMessage::Answer)).await;
        assert!(stranger.unwrap().refusal, "only experts answer");
        let answered = handle(&s, &ana(), words("El Ministerio.", ExpertMessage::Answer)).await;
        assert!(answered.unwrap().plain().contains("recorded"));
        let ticket = s.desk.ticket(&ticket).unwrap();
        assert_eq!(ticket.status, Status::Answered);
        assert_eq!(ticket.answer.unwrap().text, "El Ministerio.");
    }

    #[tokio::test]
    async fn more_sources_reads_the_askers_words_from_the_desk_for_them_only() {
        let s = setup();
        let more = |by: Person| {
            s.conversation
                .more_sources::<u64>(s.question, by.identity, by.lang)
        };
        match more(marta()).await.unwrap() {
            MoreSources::Ask(asked, words) => {
                assert_eq!(asked.place, 11);
                assert_eq!(words.text, "¿Quién autoriza los ITMO en Chile?");
                assert_eq!(words.language, Lang::Es);
            }
            other => panic!("{other:?}"),
        }
        match more(beto()).await.unwrap() {
            MoreSources::Refused(reply) => {
                assert_eq!(reply.plain(), texts(Lang::En).not_your_question);
            }
            other => panic!("{other:?}"),
        }
        s.desk.forget(&marta().identity).unwrap();
        match more(marta()).await.unwrap() {
            MoreSources::Refused(reply) => assert_eq!(reply.plain(), STALE_BUTTON),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn only_the_asker_escalates_and_the_desk_supplies_the_words() {
        let s = setup();
        let refused = escalate_once(
            s.conversation.assistant().as_ref(),
            &s.memory,
            s.question,
            &beto().identity,
            "Beto",
            Lang::En,
            |asked: &Asked<u64>| asked.place,
        )
        .await
        .unwrap();
        assert_eq!(refused, texts(Lang::En).not_your_question);
        assert!(s.desk.tickets().unwrap().is_empty());
        let ticket = escalated(&s).await;
        let ticket = s.desk.ticket(&ticket).unwrap();
        assert_eq!(ticket.question, "¿Quién autoriza los ITMO en Chile?");
        assert_eq!(ticket.language, Lang::Es);
        assert_eq!(ticket.asker.display_name, "Marta");
        assert_eq!(
            ticket.asker.chat_id, "501",
            "the answer goes where she asked"
        );
    }
}
