//! What people do in a chat, in the conversation's terms: the adapters parse platform updates (a
//! message, a command, a button press, a form) into an [`Intent`], report what the platform says
//! about the person ([`Standing`]), and hand both to [`Conversation::handle`], which decides what it
//! means, whether they may, and what to tell whom ([`Said`]). Only rendering is left to the platform.

use consulta_corpus::Lang;

use consulta_desk::{
    Action, ApprovalDraft, Asker, ChatRef, Identity, QuestionId, Rating, TicketId,
};

use super::approval::Edit;
use super::conversation::{
    Conversation, ConversationError, Done, ExpertMessage, Place, Reply, transfer_target,
};
use super::texts::texts;
use crate::assistant::AskReply;

/// Someone acting in a chat: who they are at the desk, how they are named and spoken to, and what
/// the platform says about them there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Their platform identity, which the desk authorises.
    pub identity: Identity,
    /// The language the bot speaks to them in.
    pub lang: Lang,
    /// The language their platform client reports, if any: the fallback for telling a short
    /// question's language.
    pub locale: Option<Lang>,
    /// How experts see them named (a ticket's asker, an admitted member).
    pub name: String,
    /// The platform's facts about them where they act.
    pub standing: Standing,
}

/// What the platform says about a person where they act. The adapter only reports these facts; the
/// conversation decides what they allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// They pass the platform's own gate for experts: Discord's experts role when one is configured;
    /// true where the platform has none (Telegram).
    pub experts_role: bool,
    /// The group chat they act in, when they are a present member of it (Telegram asks the chat):
    /// a desk group working in that chat admits them as an expert.
    pub member_of: Option<ChatRef>,
    /// They write in a chat the desk delivers tickets to (an expert's private chat used as a desk
    /// chat): questions are asked elsewhere.
    pub in_desk_chat: bool,
}

/// What a user or an expert asks of the conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// A question for Consulta, answered in `chat` (the platform's chat id, where an expert's answer
    /// goes too if it is escalated).
    Ask {
        /// The question as typed.
        question: String,
        /// Where the answer goes.
        chat: String,
        /// Answer in this language, whatever the question's (the web API's `language`); `None`
        /// for the person's `/lang`, else the question's own.
        language: Option<Lang>,
        /// Cite this many passages (the web API's `top_k`); `None` for the engine's default.
        top_k: Option<usize>,
    },
    /// "More sources": the asker's question again, citing more passages.
    MoreSources(QuestionId),
    /// "Ask an expert" on a question, or `/expert` (`None`: the person's last question).
    Escalate(Option<QuestionId>),
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
    /// The asker's reply to one of the desk's messages about their ticket.
    AskerReply {
        /// The ticket the replied-to message was about.
        ticket: TicketId,
        /// What they wrote.
        text: String,
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
    /// An expert takes the ticket.
    Claim(TicketId),
    /// An expert puts the ticket they hold back in its group's queue.
    Unclaim(TicketId),
    /// An expert finishes the ticket.
    Close(TicketId),
    /// An expert puts an answered or closed ticket back in the queue.
    Reopen(TicketId),
    /// An expert hands the ticket on, to `expert NAME` or `group NAME` ([`transfer_target`]).
    Transfer {
        /// The ticket.
        ticket: TicketId,
        /// Where it goes, as the expert wrote it.
        to: String,
    },
    /// An expert's Answer button: the answer form, where the platform has forms.
    AnswerForm(TicketId),
    /// An expert starts the edit step that makes the answer a curated FAQ entry.
    Approve(TicketId),
    /// An expert publishes their edit of the FAQ draft ("approve with edit").
    Publish {
        /// The ticket whose answer it is.
        ticket: TicketId,
        /// The question and answer to publish.
        edit: Edit,
        /// The flagged particulars were seen and are to be published too.
        confirmed: bool,
    },
}

impl Intent {
    /// Whether only the desk's experts may do this (and so whether the platform's facts about expert
    /// standing are needed).
    pub fn needs_expert(&self) -> bool {
        match self {
            Intent::ExpertWords { meaning, .. } => *meaning != ExpertMessage::Ignore,
            _ => matches!(
                self,
                Intent::Claim(_)
                    | Intent::Unclaim(_)
                    | Intent::Close(_)
                    | Intent::Reopen(_)
                    | Intent::Transfer { .. }
                    | Intent::AnswerForm(_)
                    | Intent::Approve(_)
                    | Intent::Publish { .. }
            ),
        }
    }
}

/// Consulta's answer to a question, for the adapter to show with its buttons and to remember where it
/// was asked ([`super::Memory::put_asked`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    /// The question as asked.
    pub question: String,
    /// What the desk recorded and what Consulta found.
    pub reply: AskReply,
    /// Who asked and where the answer goes.
    pub asker: Asker,
    /// Whether to offer "More sources" (a first answer that cited something).
    pub more: bool,
}

/// What the conversation gives back for an intent.
#[derive(Debug, Clone, PartialEq)]
pub enum Said {
    /// Nothing to say (a note kept, a system message, a flood already warned about).
    Nothing,
    /// Tell them this.
    Reply(Reply),
    /// Consulta's answer, to show with its buttons.
    Answer(Box<Answered>),
    /// Show the answer form for this ticket; platforms without forms say how to answer instead.
    AnswerForm(TicketId),
    /// The FAQ draft to edit: a form, or a message to reply to with the edit.
    Draft(ApprovalDraft),
    /// Not published: the edited text has particulars not confirmed. Show it again, with a way to
    /// confirm them or to edit them out.
    Unconfirmed(ApprovalDraft),
}

impl Said {
    /// The reply, when the conversation said one.
    pub fn reply(self) -> Option<Reply> {
        match self {
            Said::Reply(reply) => Some(reply),
            _ => None,
        }
    }
}

impl<P: Place> Conversation<P> {
    /// Does what `intent` asks on behalf of `by`; returns what to tell them. Refusals are replies too
    /// ([`Reply::refused`]); `Err` is only for failures on our side.
    pub async fn handle(&self, by: &Person, intent: Intent) -> Result<Said, ConversationError> {
        let t = texts(by.lang);
        if intent.needs_expert() && !self.may_act(by).await? {
            tracing::info!(user = %by.identity, "a non-expert tried to act on a ticket");
            // Talk among others in a ticket's thread is not addressed to the desk: left alone.
            let addressed = !matches!(
                intent,
                Intent::ExpertWords {
                    meaning: ExpertMessage::Note,
                    ..
                }
            );
            return Ok(if addressed {
                Said::Reply(Reply::refused(P::not_an_expert(&t.desk)))
            } else {
                Said::Nothing
            });
        }
        let identity = by.identity.clone();
        let words = &t.desk;
        let reply = match intent {
            Intent::Ask {
                question,
                chat,
                language,
                top_k,
            } => return self.ask(by, &question, chat, language, top_k).await,
            Intent::MoreSources(question) => return self.more_sources(by, question).await,
            Intent::Escalate(question) => self.escalate(by, question).await?,
            Intent::Status => self.status(identity, by.lang).await?,
            Intent::Lang(Some(chosen)) => {
                self.assistant().set_language(identity, chosen).await?;
                Reply::text(texts(chosen).lang_set)
            }
            Intent::Lang(None) => Reply::text(t.lang_usage),
            Intent::RateAnswer { question, rating } => {
                match self
                    .assistant()
                    .rate_answer(identity, question, rating)
                    .await
                {
                    Ok(()) => Reply::text(t.thanks).private(),
                    Err(error) => Reply::refusal_of(error, by.lang),
                }
            }
            Intent::RateTicket { ticket, rating } => {
                match self.assistant().rate_ticket(identity, ticket, rating).await {
                    Ok(ticket) => Reply::text(t.thanks)
                        .private()
                        .recording(Done::Ticket(ticket)),
                    Err(error) => Reply::refusal_of(error, by.lang),
                }
            }
            Intent::Forget {
                confirmed,
                shown_to,
            } => self.forget(by, &shown_to, confirmed).await?,
            Intent::AskerReply { ticket, text } => {
                self.asker_reply(identity, by.lang, ticket, &text).await
            }
            Intent::ExpertWords {
                ticket,
                text,
                meaning,
            } => match self.expert_message(by, ticket, &text, meaning).await {
                Some(reply) => reply,
                None => return Ok(Said::Nothing),
            },
            Intent::Claim(ticket) => {
                let done = format!(
                    "{} {}",
                    words.claimed.replace("{id}", ticket.as_str()),
                    P::how_to_answer(words)
                );
                self.ticket_action(identity, by.lang, ticket, Action::Claim, done)
                    .await
            }
            Intent::Unclaim(ticket) => {
                let done = words.unclaimed.replace("{id}", ticket.as_str());
                self.ticket_action(identity, by.lang, ticket, Action::Unclaim, done)
                    .await
            }
            Intent::Close(ticket) => {
                let done = words.closed.replace("{id}", ticket.as_str());
                let close = Action::Close { reason: None };
                self.ticket_action(identity, by.lang, ticket, close, done)
                    .await
            }
            Intent::Reopen(ticket) => {
                let done = words.reopened.replace("{id}", ticket.as_str());
                let reopen = Action::Reopen { reason: None };
                self.ticket_action(identity, by.lang, ticket, reopen, done)
                    .await
            }
            Intent::Transfer { ticket, to } => match transfer_target(&to) {
                Some(target) => {
                    let done = words
                        .transferred
                        .replace("{id}", ticket.as_str())
                        .replace("{to}", to.trim());
                    let transfer = Action::Transfer(target);
                    self.ticket_action(identity, by.lang, ticket, transfer, done)
                        .await
                }
                None => Reply::refused(words.transfer_usage),
            },
            Intent::AnswerForm(ticket) => return Ok(Said::AnswerForm(ticket)),
            Intent::Approve(ticket) => {
                return Ok(self.approval_draft(identity, by.lang, ticket).await);
            }
            Intent::Publish {
                ticket,
                edit,
                confirmed,
            } => {
                return Ok(self
                    .publish(identity, by.lang, ticket, edit, confirmed)
                    .await);
            }
        };
        Ok(Said::Reply(reply))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use consulta_desk::{Desk, NewQuestion, Platform, Profile, Span, Status, Tags};

    use super::*;
    use crate::chat::desk_only::{DeskOnly, NO_ENGINE};
    use crate::chat::{Asked, DeskTexts, FloodConfig, Languages, Memory};

    /// A place on the tests' platform: a message number, which is also where answers go back.
    impl Place for u64 {
        type Origin = u64;
        fn how_to_answer(words: &DeskTexts) -> &'static str {
            words.how_to_answer_telegram
        }
        fn not_an_expert(words: &DeskTexts) -> &'static str {
            words.not_an_expert_telegram
        }
        fn origin(_: &str, place: &u64) -> u64 {
            *place
        }
    }

    /// What the tests' people, all English speakers, are told as experts.
    const EN: &DeskTexts = &texts(Lang::En).desk;

    const DESK: &str = r#"
        groups = [{ name = "andes", chats = ["telegram:-100200"] }]
        experts = [{ name = "Ana", identities = ["telegram:7"], groups = ["andes"] }]
    "#;

    /// A conversation over a fresh desk and memory, with Marta's question recorded; two questions
    /// per person before the flood control steps in.
    struct Setup {
        _dir: tempfile::TempDir,
        desk: Desk,
        memory: Memory,
        assistant: Arc<DeskOnly>,
        conversation: Conversation<u64>,
        question: QuestionId,
    }

    /// Marta's question, recorded at `desk` and asked in her private chat as `memory` keeps it.
    fn martas_question(desk: &Desk, memory: &Memory) -> QuestionId {
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
        let asked = Asked {
            chat_id: "501".into(),
            place: 11_u64,
        };
        memory.put_asked(question, &asked).unwrap();
        question
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(&dir.path().join("desk"), toml::from_str(DESK).unwrap()).unwrap();
        let memory = Memory::open(&sled::open(dir.path().join("front")).unwrap()).unwrap();
        let question = martas_question(&desk, &memory);
        let assistant = Arc::new(DeskOnly(desk.clone(), Mutex::default()));
        let flood = FloodConfig {
            max_questions: 2,
            window: Span::from_secs(3600),
        };
        let conversation = Conversation::new(
            assistant.clone(),
            memory.clone(),
            flood,
            Languages::default(),
        );
        Setup {
            _dir: dir,
            desk,
            memory,
            assistant,
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

    /// Someone on the tests' platform, with no expert standing of their own.
    fn person(id: &str, name: &str) -> Person {
        Person {
            identity: Identity::new(Platform::Telegram, id),
            lang: Lang::En,
            locale: None,
            name: name.into(),
            standing: Standing {
                experts_role: true,
                member_of: None,
                in_desk_chat: false,
            },
        }
    }

    fn marta() -> Person {
        person("501", "Marta")
    }

    fn beto() -> Person {
        person("55", "Beto")
    }

    /// A configured expert.
    fn ana() -> Person {
        person("7", "Ana")
    }

    /// Escalates Marta's question the way her "Ask an expert" button does.
    async fn escalated(s: &Setup) -> TicketId {
        let said = handle(s, &marta(), Intent::Escalate(Some(s.question))).await;
        let ticket = s.desk.tickets_of(&marta().identity).unwrap().remove(0);
        assert!(said.unwrap().plain().contains(ticket.id.as_str()));
        ticket.id
    }

    /// Escalates Marta's question and has Ana answer it.
    async fn answered(s: &Setup) -> TicketId {
        let ticket = escalated(s).await;
        let answer = Intent::ExpertWords {
            ticket: ticket.clone(),
            text: "El Ministerio del Medio Ambiente.".into(),
            meaning: ExpertMessage::Answer,
        };
        handle(s, &ana(), answer).await;
        ticket
    }

    /// What the conversation said, when it was a reply.
    async fn handle(s: &Setup, by: &Person, intent: Intent) -> Option<Reply> {
        said(s, by, intent).await.reply()
    }

    async fn said(s: &Setup, by: &Person, intent: Intent) -> Said {
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
        assert_eq!(
            s.desk.profile(&marta().identity).unwrap().language,
            Some(Lang::Pt),
            "the desk keeps it"
        );
        let ui = s
            .conversation
            .ui_lang(&marta().identity, Some(Lang::En), None)
            .await;
        assert_eq!(ui.unwrap(), Lang::Pt, "her /lang over her client's");
        let usage = handle(&s, &beto(), Intent::Lang(None)).await;
        assert_eq!(usage.unwrap().plain(), texts(Lang::En).lang_usage);
        assert_eq!(s.desk.profile(&beto().identity).unwrap().language, None);
        let ui = s.conversation.ui_lang(&beto().identity, None, None).await;
        assert_eq!(
            ui.unwrap(),
            Lang::Es,
            "the askers' language when nothing is known"
        );
    }

    #[tokio::test]
    async fn languages_a_front_end_kept_before_the_desk_are_carried_over_once() {
        let s = setup();
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let before = db.open_tree("langs").unwrap();
        before.insert("501", "pt").unwrap();
        before.insert("55", "xx").unwrap();
        db.open_tree("last")
            .unwrap()
            .insert("501", &7_u64.to_be_bytes())
            .unwrap();
        let memory = Memory::open(&db).unwrap();
        let start = || {
            Conversation::<u64>::start(
                s.assistant.clone(),
                memory.clone(),
                FloodConfig {
                    max_questions: 0,
                    window: Span::from_secs(60),
                },
                Languages::default(),
                Platform::Telegram,
            )
        };
        let conversation = start().await.unwrap();
        assert_eq!(
            s.desk.profile(&marta().identity).unwrap().language,
            Some(Lang::Pt)
        );
        assert_eq!(s.desk.profile(&beto().identity).unwrap().language, None);
        let names = db.tree_names();
        assert!(
            !names
                .iter()
                .any(|n| n.as_ref() == b"langs" || n.as_ref() == b"last"),
            "the front-end keeps no languages or last questions any more"
        );
        s.desk.set_language(&marta().identity, Lang::En).unwrap();
        start().await.unwrap();
        let ui = conversation
            .ui_lang(&marta().identity, None, None)
            .await
            .unwrap();
        assert_eq!(ui, Lang::En, "carried over once: a later /lang stands");
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
        let ticket = answered(&s).await;
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
        let ticket = escalated(&s).await;
        s.desk.set_language(&marta().identity, Lang::Pt).unwrap();
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
        assert_eq!(
            s.desk.profile(&marta().identity).unwrap(),
            Profile::default()
        );
        assert_eq!(s.desk.question(s.question).unwrap().text, None);
        assert_eq!(
            s.memory.asked::<u64>(s.question).unwrap(),
            None,
            "where she asked is gone from the front-end too"
        );
        assert_eq!(s.memory.origin::<u64>(&ticket).unwrap(), None);
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
    async fn more_sources_asks_the_askers_words_from_the_desk_again_for_them_only() {
        let s = setup();
        let more = Intent::MoreSources(s.question);
        let refused = handle(&s, &beto(), more.clone()).await.unwrap();
        assert_eq!(refused.plain(), texts(Lang::En).not_your_question);
        assert!(refused.refusal);
        assert!(
            s.assistant.1.lock().unwrap().is_empty(),
            "nothing was asked"
        );
        let asked = handle(&s, &marta(), more.clone()).await.unwrap();
        assert_eq!(asked.plain(), NO_ENGINE);
        let request = s.assistant.1.lock().unwrap().remove(0);
        assert_eq!(request.question, "¿Quién autoriza los ITMO en Chile?");
        assert_eq!(request.top_k, Some(MORE_SOURCES_FOR_TESTS));
        assert_eq!(
            request.asker.chat_id, "501",
            "asked again where it was asked"
        );
        s.desk.forget(&marta().identity).unwrap();
        // The button is stale now: said in the presser's language.
        let in_portuguese = Person {
            lang: Lang::Pt,
            ..marta()
        };
        let gone = handle(&s, &in_portuguese, more).await.unwrap();
        assert_eq!(gone.plain(), texts(Lang::Pt).stale_button);
    }

    /// "More sources" cites this many passages.
    const MORE_SOURCES_FOR_TESTS: usize = 8;

    #[tokio::test]
    async fn a_question_is_asked_in_its_chat_under_the_askers_name_and_held_to_the_flood_control() {
        let s = setup();
        let ask = |question: &str| Intent::Ask {
            question: question.into(),
            chat: "-100900".into(),
            language: None,
            top_k: None,
        };
        let mut desk_chat = ana();
        desk_chat.standing.in_desk_chat = true;
        let elsewhere = handle(&s, &desk_chat, ask("¿Qué es un ITMO?"))
            .await
            .unwrap();
        assert!(
            elsewhere
                .plain()
                .contains("Ask your own questions in another chat")
        );
        let empty = handle(&s, &marta(), ask("  ")).await.unwrap();
        assert_eq!(empty.plain(), texts(Lang::En).ask_usage);
        assert!(
            s.assistant.1.lock().unwrap().is_empty(),
            "nothing was asked"
        );
        s.desk.set_language(&marta().identity, Lang::Pt).unwrap();
        handle(&s, &marta(), ask("¿Qué es un ITMO?")).await;
        let request = s.assistant.1.lock().unwrap().remove(0);
        assert_eq!(request.asker.chat_id, "-100900");
        assert_eq!(request.asker.display_name, "Marta");
        assert_eq!(request.language, Some(Lang::Pt), "her /lang is the desk's");
        assert_eq!(request.top_k, None);
        handle(&s, &marta(), ask("¿Y un NDC?")).await;
        let warned = handle(&s, &marta(), ask("¿Y el 6.4?")).await.unwrap();
        assert_eq!(warned.plain(), texts(Lang::En).slow_down);
        assert_eq!(said(&s, &marta(), ask("¿Y el 6.2?")).await, Said::Nothing);
        assert_eq!(
            s.assistant.1.lock().unwrap().len(),
            1,
            "only the second was asked"
        );
        handle(&s, &beto(), ask("¿Qué es un ITMO?")).await;
        assert_eq!(
            s.assistant.1.lock().unwrap().len(),
            2,
            "people are counted apart"
        );
    }

    #[tokio::test]
    async fn only_the_asker_escalates_and_the_desk_supplies_the_words() {
        let s = setup();
        let escalate = Intent::Escalate(Some(s.question));
        let refused = handle(&s, &beto(), escalate).await.unwrap();
        assert_eq!(refused.plain(), texts(Lang::En).not_your_question);
        assert!(refused.refusal);
        assert!(s.desk.tickets().unwrap().is_empty());
        let nothing_yet = handle(&s, &beto(), Intent::Escalate(None)).await.unwrap();
        assert_eq!(nothing_yet.plain(), texts(Lang::En).no_question_yet);
        let last = handle(&s, &marta(), Intent::Escalate(None)).await.unwrap();
        let ticket = s.desk.tickets_of(&marta().identity).unwrap().remove(0);
        assert!(
            last.plain().contains(ticket.id.as_str()),
            "/expert takes her last question"
        );
        assert_eq!(ticket.question, "¿Quién autoriza los ITMO en Chile?");
        assert_eq!(ticket.language, Lang::Es);
        assert_eq!(ticket.asker.display_name, "Marta");
        assert_eq!(
            ticket.asker.chat_id, "501",
            "the answer goes where she asked"
        );
        assert_eq!(s.memory.origin::<u64>(&ticket.id).unwrap(), Some(11));
        escalated(&s).await;
        assert_eq!(
            s.desk.tickets().unwrap().len(),
            1,
            "a second press opens nothing"
        );
    }

    #[tokio::test]
    async fn the_desks_cap_on_open_tickets_holds_in_the_chats_too() {
        let s = setup();
        let dir = tempfile::tempdir().unwrap();
        let capped = Desk::builder(toml::from_str(DESK).unwrap())
            .max_open_tickets_per_asker(0)
            .open(dir.path())
            .unwrap();
        let question = martas_question(&capped, &s.memory);
        let assistant = Arc::new(DeskOnly(capped.clone(), Mutex::default()));
        let flood = FloodConfig {
            max_questions: 0,
            window: Span::from_secs(60),
        };
        let conversation =
            Conversation::<u64>::new(assistant, s.memory.clone(), flood, Languages::default());
        let said = conversation
            .handle(&marta(), Intent::Escalate(Some(question)))
            .await
            .unwrap()
            .reply()
            .unwrap();
        assert!(said.refusal, "{}", said.plain());
        assert_eq!(said.plain(), texts(Lang::En).too_many_open);
        assert!(capped.tickets().unwrap().is_empty());
    }

    #[tokio::test]
    async fn experts_claim_unclaim_transfer_close_and_reopen_and_nobody_else_does() {
        let s = setup();
        let ticket = escalated(&s).await;
        let status = || s.desk.ticket(&ticket).unwrap().status;
        let refused = handle(&s, &beto(), Intent::Claim(ticket.clone()))
            .await
            .unwrap();
        assert_eq!(refused.plain(), EN.not_an_expert_telegram);
        assert!(refused.refusal);
        assert_eq!(status(), Status::Open);
        let claimed = handle(&s, &ana(), Intent::Claim(ticket.clone()))
            .await
            .unwrap();
        assert!(
            claimed.plain().ends_with(EN.how_to_answer_telegram),
            "{}",
            claimed.plain()
        );
        assert!(claimed.private && !claimed.refusal);
        assert_eq!(status(), Status::Claimed);
        let unclaimed = handle(&s, &ana(), Intent::Unclaim(ticket.clone()))
            .await
            .unwrap();
        assert!(!unclaimed.refusal, "{}", unclaimed.plain());
        assert_eq!(status(), Status::Open);
        let transfer = |to: &str| Intent::Transfer {
            ticket: ticket.clone(),
            to: to.into(),
        };
        let usage = handle(&s, &ana(), transfer("Ana")).await.unwrap();
        assert_eq!(usage.plain(), EN.transfer_usage);
        let unknown = handle(&s, &ana(), transfer("group pacifico"))
            .await
            .unwrap();
        assert!(unknown.refusal, "the desk knows no such group");
        let moved = handle(&s, &ana(), transfer("expert Ana")).await.unwrap();
        assert!(!moved.refusal, "{}", moved.plain());
        assert_eq!(status(), Status::Claimed);
        let closed = handle(&s, &ana(), Intent::Close(ticket.clone()))
            .await
            .unwrap();
        assert!(!closed.refusal, "{}", closed.plain());
        assert_eq!(status(), Status::Closed);
        let refused = handle(&s, &beto(), Intent::Reopen(ticket.clone()))
            .await
            .unwrap();
        assert!(refused.refusal);
        assert_eq!(status(), Status::Closed);
        let reopened = handle(&s, &ana(), Intent::Reopen(ticket.clone()))
            .await
            .unwrap();
        assert!(!reopened.refusal, "{}", reopened.plain());
        assert_eq!(status(), Status::Reopened);
    }

    #[tokio::test]
    async fn the_platforms_facts_decide_who_is_an_expert() {
        let s = setup();
        let ticket = escalated(&s).await;
        let claim = || Intent::Claim(ticket.clone());
        let mut without_role = ana();
        without_role.standing.experts_role = false;
        let refused = handle(&s, &without_role, claim()).await.unwrap();
        assert_eq!(
            refused.plain(),
            EN.not_an_expert_telegram,
            "the platform's gate comes first"
        );
        let mut elsewhere = beto();
        elsewhere.standing.member_of = Some(ChatRef::new(Platform::Telegram, "-100999"));
        assert!(handle(&s, &elsewhere, claim()).await.unwrap().refusal);
        let mut member = beto();
        member.standing.member_of = Some(ChatRef::new(Platform::Telegram, "-100200"));
        let claimed = handle(&s, &member, claim()).await.unwrap();
        assert!(!claimed.refusal, "{}", claimed.plain());
        let holder = s.desk.ticket(&ticket).unwrap().assignee.unwrap();
        assert!(holder.contains("Beto"), "{holder}");
    }

    #[tokio::test]
    async fn an_answer_becomes_a_faq_entry_only_as_edited_and_particulars_only_when_confirmed() {
        let s = setup();
        let ticket = answered(&s).await;
        assert!(
            handle(&s, &beto(), Intent::Approve(ticket.clone()))
                .await
                .unwrap()
                .refusal
        );
        let Said::Draft(draft) = said(&s, &ana(), Intent::Approve(ticket.clone())).await else {
            panic!("no draft");
        };
        assert_eq!(draft.answer, "El Ministerio del Medio Ambiente.");
        let publish = |answer: &str, confirmed| Intent::Publish {
            ticket: ticket.clone(),
            edit: Edit {
                question: "¿Quién autoriza los ITMO en Chile?".into(),
                answer: answer.into(),
            },
            confirmed,
        };
        let flagged = "Escriba a marta@correo.cl en el Ministerio.";
        let Said::Unconfirmed(again) = said(&s, &ana(), publish(flagged, false)).await else {
            panic!("published without confirmation");
        };
        assert_eq!(again.answer, flagged, "nothing typed is lost");
        assert!(!again.particulars.is_empty());
        assert!(s.desk.curated().unwrap().is_empty());
        let done = handle(&s, &ana(), publish(flagged, true)).await.unwrap();
        assert!(!done.refusal, "{}", done.plain());
        assert_eq!(s.desk.curated().unwrap()[0].answer, flagged);
    }

    #[tokio::test]
    async fn the_answer_form_is_for_experts_and_talk_from_others_is_left_alone() {
        let s = setup();
        let ticket = escalated(&s).await;
        let form = Intent::AnswerForm(ticket.clone());
        assert_eq!(
            said(&s, &ana(), form.clone()).await,
            Said::AnswerForm(ticket.clone())
        );
        assert!(handle(&s, &beto(), form).await.unwrap().refusal);
        let note = Intent::ExpertWords {
            ticket: ticket.clone(),
            text: "Who is on duty?".into(),
            meaning: ExpertMessage::Note,
        };
        let events = || s.desk.ticket(&ticket).unwrap().events.len();
        let before = events();
        assert_eq!(said(&s, &beto(), note).await, Said::Nothing);
        assert_eq!(events(), before, "nothing was written on the ticket");
        let empty = Intent::ExpertWords {
            ticket: ticket.clone(),
            text: "  ".into(),
            meaning: ExpertMessage::Answer,
        };
        assert!(handle(&s, &ana(), empty).await.unwrap().refusal);
        assert_eq!(s.desk.ticket(&ticket).unwrap().status, Status::Open);
    }

    #[tokio::test]
    async fn an_askers_reply_reaches_the_ticket_only_from_the_asker() {
        let s = setup();
        let ticket = escalated(&s).await;
        let reply = |text: &str| Intent::AskerReply {
            ticket: ticket.clone(),
            text: text.into(),
        };
        assert!(handle(&s, &beto(), reply("Soy yo.")).await.unwrap().refusal);
        let sent = handle(&s, &marta(), reply("Es para un proyecto."))
            .await
            .unwrap();
        assert_eq!(
            sent.plain(),
            texts(Lang::Es).reply_sent,
            "in the ticket's language"
        );
    }
}
