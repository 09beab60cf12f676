//! Updates → intents: questions, commands, button presses and expert replies become the
//! conversation's [`Intent`]s, and what it [`Said`] becomes Telegram messages, notices and edits.

use std::sync::Arc;

use consulta_corpus::Lang;
use teloxide::RequestError;
use teloxide::payloads::{AnswerCallbackQuerySetters, EditMessageTextSetters};
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, ChatAction, ChatMemberUpdated, MaybeInaccessibleMessage, MessageId, ParseMode,
    ThreadId, UpdateKind, User,
};

use crate::chat::{
    Answered, Conversation, DeskTexts, ExpertMessage, Intent, Person, Place, Press, Reply, Said,
    Standing, approval_words, draft_text, flag_warning, read_draft, read_edit, texts,
};
use consulta_desk::{ApprovalDraft, ChatRef, Clock, FailureKind, Identity, Platform, TicketId};

use super::format::{MESSAGE_LIMIT, escape, render_answer, render_reply};
use super::frontend::{Placement, classify, send_html, with_retry};
use super::keyboard;
use super::membership::Membership;
use super::pace::Pace;
use super::store::{Asked, Origin, Spot, Store, StoreError};

/// What every handler needs, shared by all update tasks.
pub struct Context {
    /// The Bot API client.
    pub bot: Bot,
    /// Where questions were asked, ticket messages.
    pub store: Store,
    /// Group memberships Telegram reported lately.
    pub members: Membership,
    /// The decisions shared with the other chat front-ends, and the flood control.
    pub conversation: Conversation<Spot>,
    /// Telegram's send limits, shared with the desk's deliveries.
    pub pace: Arc<Pace>,
    /// What retries of requests to Telegram wait on.
    pub clock: Arc<dyn Clock>,
    /// The bot's own user id, to recognise replies to it in groups.
    pub me_id: u64,
    /// The bot's username in lower case, without `@`, to recognise mentions and `/cmd@bot`.
    pub username: String,
}

/// Telegram's terms for the conversation: a question's message (and topic), and the chat it was in.
impl Place for Spot {
    type Origin = Origin;
    fn how_to_answer(words: &DeskTexts) -> &'static str {
        words.how_to_answer_telegram
    }
    fn not_an_expert(words: &DeskTexts) -> &'static str {
        words.not_an_expert_telegram
    }

    fn origin(chat_id: &str, place: &Spot) -> Origin {
        Origin {
            chat_id: chat_id.parse().unwrap_or_default(),
            message_id: place.message_id,
            thread_id: place.thread_id,
        }
    }
}

/// Why handling failed.
pub type HandlerError = crate::chat::HandlerError<RequestError>;

type Handled = Result<(), HandlerError>;

/// Handles one update; failures are logged (the next update must not suffer from this one).
pub async fn handle(ctx: Arc<Context>, update: Update) {
    let result = match update.kind {
        UpdateKind::Message(message) => on_message(&ctx, &message).await,
        UpdateKind::CallbackQuery(query) => on_callback(&ctx, &query).await,
        UpdateKind::ChatMember(changed) => on_member_change(&ctx, &changed).await,
        _ => Ok(()),
    };
    if let Err(error) = result {
        tracing::warn!(%error, "a Telegram update could not be handled");
    }
}

/// Telegram reported a change of a group member: what it said of them before is forgotten, and if
/// they are no longer present, the desk's admission that membership gave them ends.
async fn on_member_change(ctx: &Context, changed: &ChatMemberUpdated) -> Handled {
    let member = &changed.new_chat_member;
    ctx.members.changed(changed.chat.id.0, member.user.id.0);
    if !member.kind.is_present() {
        ctx.conversation.member_left(identity(&member.user)).await?;
    }
    Ok(())
}

/// `user` as a desk identity.
fn identity(user: &User) -> Identity {
    Identity::new(Platform::Telegram, user.id.0.to_string())
}

/// The language of the bot's own words for `user`, writing in `chat` (see
/// [`Conversation::ui_lang`]): a chat the desk posted cards in is a desk chat.
async fn ui_lang(
    ctx: &Context,
    user: &User,
    chat: Option<&teloxide::types::Chat>,
) -> Result<Lang, HandlerError> {
    let desk_chat = match chat {
        Some(chat) if ctx.store.is_desk_chat(chat.id.0)? => {
            Some(ChatRef::new(Platform::Telegram, chat.id.0.to_string()))
        }
        _ => None,
    };
    Ok(ctx
        .conversation
        .ui_lang(&identity(user), locale(user), desk_chat.as_ref())
        .await?)
}

/// The language `user`'s Telegram client reports.
fn locale(user: &User) -> Option<Lang> {
    user.language_code.as_deref().and_then(|c| c.parse().ok())
}

/// How `user` is named to experts: their name, and their username when they have one.
fn name(user: &User) -> String {
    match &user.username {
        Some(username) => format!("{} (@{username})", user.full_name()),
        None => user.full_name(),
    }
}

/// `user` as the conversation layer sees them where they write: `chat` is the chat of the update,
/// and `intent` what they ask, since only an expert's intent needs Telegram asked whether they are
/// a present member of a group chat (a desk group may work there).
async fn person(
    ctx: &Context,
    user: &User,
    chat: Option<&teloxide::types::Chat>,
    intent: &Intent,
) -> Result<Person, HandlerError> {
    let in_desk_chat = match chat {
        Some(chat) if chat.is_private() && matches!(intent, Intent::Ask { .. }) => {
            ctx.store.is_desk_chat(chat.id.0)?
        }
        _ => false,
    };
    let group = chat.map(|c| c.id).filter(|c| c.0 < 0);
    let member_of = match group {
        Some(group) if intent.needs_expert() => {
            let present = match ctx.members.get(group.0, user.id.0, ctx.clock.now()) {
                Some(present) => present,
                None => {
                    let member = with_retry(ctx.clock.as_ref(), || {
                        ctx.bot.get_chat_member(group, user.id).send()
                    })
                    .await?;
                    let present = member.kind.is_present();
                    let now = ctx.clock.now();
                    ctx.members.put(group.0, user.id.0, present, now);
                    present
                }
            };
            present.then(|| ChatRef::new(Platform::Telegram, group.0.to_string()))
        }
        _ => None,
    };
    Ok(Person {
        identity: identity(user),
        lang: ui_lang(ctx, user, chat).await?,
        locale: locale(user),
        name: name(user),
        standing: Standing {
            experts_role: true,
            member_of,
            in_desk_chat,
        },
    })
}

/// Hands `intent` from `user` (writing in `chat`) to the conversation.
async fn said(
    ctx: &Context,
    user: &User,
    chat: Option<&teloxide::types::Chat>,
    intent: Intent,
) -> Result<(Person, Said), HandlerError> {
    let by = person(ctx, user, chat, &intent).await?;
    let said = ctx.conversation.handle(&by, intent).await?;
    Ok((by, said))
}

/// The forum topic a message is in, for replies to stay in it.
fn topic_of(message: &Message) -> Option<i32> {
    message
        .is_topic_message
        .then(|| message.thread_id.map(|t| t.0.0))
        .flatten()
}

/// What the start of a message says about commands.
#[derive(Debug, PartialEq, Eq)]
enum Command<'a> {
    /// Not a command.
    None,
    /// A command for another bot in the group.
    OtherBot,
    /// A command for us: its name (lower case) and the rest of the text.
    Ours(String, &'a str),
}

fn parse_command<'a>(text: &'a str, username: &str) -> Command<'a> {
    let Some(rest) = text.trim_start().strip_prefix('/') else {
        return Command::None;
    };
    let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (name, target) = head.split_once('@').unwrap_or((head, ""));
    if !target.is_empty() && !target.eq_ignore_ascii_case(username) {
        return Command::OtherBot;
    }
    Command::Ours(name.to_ascii_lowercase(), args.trim())
}

/// The text without the bot's `@mention`, when it mentions the bot.
fn without_mention(text: &str, username: &str) -> Option<String> {
    let mention = format!("@{username}");
    let lower = text.to_lowercase();
    let at = lower.find(&mention)?;
    if lower.len() != text.len() {
        // Lower-casing changed byte offsets (rare scripts): keep the text, mention included.
        return Some(text.to_string());
    }
    let mut question = String::with_capacity(text.len());
    question.push_str(&text[..at]);
    question.push_str(&text[at + mention.len()..]);
    Some(question.trim().to_string())
}

/// The ticket a message in a group is about, and whether it deliberately replies to one of the desk's
/// messages (its card, a reminder): `false` for a message merely typed in the ticket's forum topic.
fn ticket_of(ctx: &Context, message: &Message) -> Result<Option<(TicketId, bool)>, StoreError> {
    let chat = message.chat.id.0;
    let topic = topic_of(message);
    // In a forum topic, a message replying to nothing "replies" to the topic's first message.
    if let Some(replied) = message.reply_to_message()
        && Some(replied.id.0) != topic
        && let Some(ticket) = ctx.store.card(chat, replied.id.0)?
    {
        return Ok(Some((ticket, true)));
    }
    match topic {
        Some(thread) => Ok(ctx.store.card(chat, thread)?.map(|ticket| (ticket, false))),
        None => Ok(None),
    }
}

/// Sends a conversation reply: in the chat, unless it is for the person only and the chat is a group,
/// in which case it goes to their private chat and the group is told only where it went.
async fn answer_with(ctx: &Context, message: &Message, by: &Person, answer: &Reply) -> Handled {
    let html = render_reply(answer);
    if !answer.private || message.chat.is_private() {
        return reply(ctx, message, &html).await;
    }
    let private: i64 = by.identity.id.parse().unwrap_or_default();
    let t = texts(by.lang);
    match send_html(
        &ctx.bot,
        &ctx.pace,
        ctx.clock.as_ref(),
        private,
        &html,
        &Placement::default(),
        false,
    )
    .await
    {
        Ok(_) => reply(ctx, message, &escape(t.status_sent_privately)).await,
        // The person never started a private chat with the bot (or blocked it): say how to.
        Err(error) if classify(&error).kind == FailureKind::Permanent => {
            reply(ctx, message, &escape(t.status_ask_privately)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Shows what the conversation said about `message` in its chat.
async fn show(ctx: &Context, message: &Message, by: &Person, said: Said) -> Handled {
    match said {
        Said::Nothing => Ok(()),
        Said::Reply(told) => answer_with(ctx, message, by, &told).await,
        Said::Answer(answered) => post_answer(ctx, message, &answered).await,
        Said::AnswerForm(ticket) => {
            reply(ctx, message, &escape(&answer_here(&ticket, by.lang))).await
        }
        Said::Draft(draft) | Said::Unconfirmed(draft) => {
            if draft_html(&draft, by.lang).is_none() {
                let too_long = texts(by.lang).desk.too_long_for_a_draft;
                return reply(ctx, message, &escape(too_long)).await;
            }
            show_draft(ctx, message, &draft, by.lang).await?;
            Ok(())
        }
    }
}

/// Telegram has no forms: an answer is a reply to the card (said in `lang`).
fn answer_here(ticket: &TicketId, lang: Lang) -> String {
    texts(lang)
        .desk
        .reply_to_card
        .replace("{id}", ticket.as_str())
}

async fn reply(ctx: &Context, message: &Message, html: &str) -> Handled {
    let placement = Placement {
        thread_id: topic_of(message),
        reply_to: Some(message.id.0),
        keyboard: None,
    };
    send_html(
        &ctx.bot,
        &ctx.pace,
        ctx.clock.as_ref(),
        message.chat.id.0,
        html,
        &placement,
        false,
    )
    .await?;
    Ok(())
}

/// Hands `intent` (from `message`'s author) to the conversation, and shows what it said.
async fn act(ctx: &Context, message: &Message, from: &User, intent: Intent) -> Handled {
    if matches!(intent, Intent::Ask { .. }) {
        typing(ctx, message).await;
    }
    let ticket_work = intent.needs_expert();
    let (by, said) = said(ctx, from, Some(&message.chat), intent).await?;
    match said {
        // Work on a ticket is told where it is done, for the experts there to see.
        Said::Reply(told) if ticket_work => reply(ctx, message, &render_reply(&told)).await,
        said => show(ctx, message, &by, said).await,
    }
}

/// Answering takes a moment: shows that the bot is on it. Only a courtesy, so a failure is ignored.
async fn typing(ctx: &Context, message: &Message) {
    let mut typing = ctx
        .bot
        .send_chat_action(message.chat.id, ChatAction::Typing);
    if let Some(thread) = topic_of(message) {
        typing = typing.message_thread_id(ThreadId(MessageId(thread)));
    }
    if let Err(error) = typing.await {
        tracing::debug!(failure = %classify(&error), "the typing indicator was not shown");
    }
}

/// A question for Consulta, asked in `message`'s chat.
fn ask(message: &Message, question: &str) -> Intent {
    Intent::Ask {
        question: question.to_string(),
        chat: message.chat.id.0.to_string(),
        language: None,
        top_k: None,
    }
}

async fn on_message(ctx: &Context, message: &Message) -> Handled {
    let Some(from) = message.from.as_ref().filter(|u| !u.is_bot) else {
        return Ok(());
    };
    let private = message.chat.is_private();
    let Some(text) = message.text().or(message.caption()) else {
        if private {
            let lang = ui_lang(ctx, from, Some(&message.chat)).await?;
            reply(ctx, message, &escape(texts(lang).text_only)).await?;
        }
        return Ok(());
    };
    match parse_command(text, &ctx.username) {
        Command::OtherBot => return Ok(()),
        Command::Ours(name, args) => return command(ctx, message, from, &name, args).await,
        Command::None => {}
    }
    if let Some(ticket) = draft_replied_to(ctx, message) {
        let intent = match read_edit(text) {
            Some(edit) => Intent::Publish {
                ticket,
                edit,
                confirmed: false,
            },
            None => {
                let how =
                    approval_words(ui_lang(ctx, from, Some(&message.chat)).await?).how_to_edit;
                return reply(ctx, message, &escape(how)).await;
            }
        };
        return act(ctx, message, from, intent).await;
    }
    if let Some(replied) = message.reply_to_message()
        && let Some(ticket) = ctx.store.asker_message(message.chat.id.0, replied.id.0)?
    {
        let text = text.to_string();
        return act(ctx, message, from, Intent::AskerReply { ticket, text }).await;
    }
    if let Some((ticket, replies_to_desk)) = ticket_of(ctx, message)? {
        let meaning = ExpertMessage::classify(false, false, replies_to_desk);
        let text = text.to_string();
        let words = Intent::ExpertWords {
            ticket,
            text,
            meaning,
        };
        return act(ctx, message, from, words).await;
    }
    if private {
        return act(ctx, message, from, ask(message, text)).await;
    }
    if let Some(question) = without_mention(text, &ctx.username) {
        return act(ctx, message, from, ask(message, &question)).await;
    }
    let replies_to_bot = message
        .reply_to_message()
        .and_then(|r| r.from.as_ref())
        .is_some_and(|u| u.id.0 == ctx.me_id);
    if replies_to_bot {
        return act(ctx, message, from, ask(message, text)).await;
    }
    Ok(())
}

async fn command(ctx: &Context, message: &Message, from: &User, name: &str, args: &str) -> Handled {
    let lang = ui_lang(ctx, from, Some(&message.chat)).await?;
    let t = texts(lang);
    let user = from.id.0.to_string();
    let ticket = || ticket_of(ctx, message).map(|found| found.map(|(ticket, _)| ticket));
    let intent = match name {
        "start" => return reply(ctx, message, &escape(t.welcome)).await,
        "help" => return reply(ctx, message, &escape(t.help)).await,
        "ask" => ask(message, args),
        "lang" => Intent::Lang(args.parse::<Lang>().ok().filter(|_| !args.is_empty())),
        "expert" => Intent::Escalate(None),
        "status" => Intent::Status,
        "answer" | "clarify" => match ticket()? {
            Some(ticket) if !args.is_empty() => Intent::ExpertWords {
                ticket,
                text: args.to_string(),
                meaning: if name == "answer" {
                    ExpertMessage::Answer
                } else {
                    ExpertMessage::Clarify
                },
            },
            _ if name == "answer" => {
                return reply(ctx, message, &escape(t.desk.answer_usage)).await;
            }
            _ => return reply(ctx, message, &escape(t.desk.clarify_usage)).await,
        },
        "unclaim" | "reopen" | "transfer" => {
            let Some(ticket) = ticket()? else {
                return reply(ctx, message, &escape(t.desk.ticket_command_usage)).await;
            };
            match name {
                "unclaim" => Intent::Unclaim(ticket),
                "reopen" => Intent::Reopen(ticket),
                _ => Intent::Transfer {
                    ticket,
                    to: args.to_string(),
                },
            }
        }
        "forget" => {
            let placement = Placement {
                thread_id: topic_of(message),
                reply_to: Some(message.id.0),
                keyboard: Some(keyboard::forget(lang, &user)),
            };
            send_html(
                &ctx.bot,
                &ctx.pace,
                ctx.clock.as_ref(),
                message.chat.id.0,
                &escape(t.forget_confirm),
                &placement,
                false,
            )
            .await?;
            return Ok(());
        }
        _ => return reply(ctx, message, &escape(t.unknown_command)).await,
    };
    act(ctx, message, from, intent).await
}

/// Posts Consulta's answer under `under` (the question, or the answer whose "More sources" was
/// pressed), with its buttons, and remembers where it was asked for them.
async fn post_answer(ctx: &Context, under: &Message, answered: &Answered) -> Handled {
    let answer = &answered.reply.answer;
    let question = answered.reply.question_id;
    let html = render_answer(answer, answer.language);
    let placement = Placement {
        thread_id: topic_of(under),
        reply_to: Some(under.id.0),
        keyboard: Some(keyboard::answer(answer.language, question, answered.more)),
    };
    ctx.store.memory.put_asked(
        question,
        &Asked {
            chat_id: answered.asker.chat_id.clone(),
            place: Spot {
                message_id: under.id.0,
                thread_id: topic_of(under),
            },
        },
    )?;
    send_html(
        &ctx.bot,
        &ctx.pace,
        ctx.clock.as_ref(),
        under.chat.id.0,
        &html,
        &placement,
        false,
    )
    .await?;
    Ok(())
}

async fn on_callback(ctx: &Context, query: &CallbackQuery) -> Handled {
    let from = &query.from;
    let Some(press) = query.data.as_deref().and_then(Press::decode) else {
        return stale(ctx, query).await;
    };
    let message = match &query.message {
        Some(MaybeInaccessibleMessage::Regular(message)) => Some(message.as_ref()),
        _ => None,
    };
    let forget = matches!(press, Press::Forget { .. });
    let intent = match press.intent() {
        Ok(intent) => intent,
        // The button publishes the draft it is under, as shown.
        Err((ticket, confirmed)) => {
            let shown = message
                .and_then(|m| m.text())
                .and_then(read_draft)
                .filter(|(shown, _)| *shown == ticket);
            match shown {
                Some((_, edit)) => Intent::Publish {
                    ticket,
                    edit,
                    confirmed,
                },
                None => return stale(ctx, query).await,
            }
        }
    };
    let (by, said) = said(ctx, from, message.map(|m| &m.chat), intent).await?;
    let notice = match (said, message) {
        (Said::Nothing, _) => None,
        (Said::Reply(told), _) if told.refusal => Some(notice_of(told)),
        // The confirmation becomes what was done, so that it cannot be pressed again.
        (Said::Reply(done), Some(confirmation)) if forget => {
            edit_text(ctx, confirmation, &render_reply(&done)).await?;
            None
        }
        (Said::Reply(told), _) if told.private => Some(notice_of(told)),
        (Said::Reply(told), Some(message)) => {
            reply(ctx, message, &render_reply(&told)).await?;
            None
        }
        (Said::AnswerForm(ticket), _) => Some((answer_here(&ticket, by.lang), false)),
        (Said::Answer(answered), Some(message)) => {
            ctx.bot.answer_callback_query(query.id.clone()).await?;
            return post_answer(ctx, message, &answered).await;
        }
        (Said::Draft(draft) | Said::Unconfirmed(draft), Some(under)) => {
            Some(show_draft(ctx, under, &draft, by.lang).await?)
        }
        (Said::Reply(_) | Said::Answer(_) | Said::Draft(_) | Said::Unconfirmed(_), None) => {
            Some(stale_notice(by.lang))
        }
    };
    notify(ctx, query, notice).await
}

/// Tells whoever pressed a button this bot does not (or no longer) know that it is stale, in their
/// language: an old keyboard, or a draft that is no longer the one under the button.
async fn stale(ctx: &Context, query: &CallbackQuery) -> Handled {
    let chat = query.message.as_ref().map(|m| m.chat());
    let lang = ui_lang(ctx, &query.from, chat).await?;
    notify(ctx, query, Some(stale_notice(lang))).await
}

/// The stale-button alert in `lang`: an alert, so that the press is not thought to have worked.
fn stale_notice(lang: Lang) -> (String, bool) {
    (texts(lang).stale_button.to_string(), true)
}

/// Answers a button press, with a notice when there is one (an alert when it must not be missed).
async fn notify(ctx: &Context, query: &CallbackQuery, notice: Option<(String, bool)>) -> Handled {
    let mut answer = ctx.bot.answer_callback_query(query.id.clone());
    if let Some((text, alert)) = notice {
        answer = answer.text(text).show_alert(alert);
    }
    answer.await?;
    Ok(())
}

/// Replaces the text of one of the bot's messages.
async fn edit_text(ctx: &Context, message: &Message, html: &str) -> Handled {
    let (chat, id) = (message.chat.id, message.id);
    with_retry(ctx.clock.as_ref(), || {
        let request = ctx
            .bot
            .edit_message_text(chat, id, html.to_string())
            .parse_mode(ParseMode::Html);
        async move {
            ctx.pace.wait(chat.0).await;
            request.send().await
        }
    })
    .await?;
    Ok(())
}

/// The ticket of the FAQ draft `message` replies to, when it replies to one of the bot's drafts.
fn draft_replied_to(ctx: &Context, message: &Message) -> Option<TicketId> {
    let replied = message.reply_to_message()?;
    if replied.from.as_ref()?.id.0 != ctx.me_id {
        return None;
    }
    read_draft(replied.text()?).map(|(ticket, _)| ticket)
}

/// Shows the FAQ draft of a ticket under `under` (the card, or the expert's edit) in the expert's
/// language `lang`, with the button that publishes it; returns the notice for the expert.
async fn show_draft(
    ctx: &Context,
    under: &Message,
    draft: &ApprovalDraft,
    lang: Lang,
) -> Result<(String, bool), HandlerError> {
    let Some(html) = draft_html(draft, lang) else {
        return Ok((texts(lang).desk.too_long_for_a_draft.to_string(), true));
    };
    let placement = Placement {
        thread_id: topic_of(under),
        reply_to: Some(under.id.0),
        keyboard: Some(keyboard::publish(
            &draft.ticket,
            !draft.particulars.is_empty(),
            lang,
        )),
    };
    send_html(
        &ctx.bot,
        &ctx.pace,
        ctx.clock.as_ref(),
        under.chat.id.0,
        &html,
        &placement,
        false,
    )
    .await?;
    Ok(if draft.particulars.is_empty() {
        (approval_words(lang).draft_shown.to_string(), false)
    } else {
        (flag_warning(&draft.particulars, lang), true)
    })
}

/// The draft as one Telegram message in `lang`; `None` when it would not fit in one (its button
/// publishes the text of the message it is under, which must be the whole draft).
fn draft_html(draft: &ApprovalDraft, lang: Lang) -> Option<String> {
    let html = escape(&draft_text(draft, lang, true));
    (html.chars().count() <= MESSAGE_LIMIT).then_some(html)
}

/// A reply as a button's notice: a refusal is an alert, so that it is not missed.
fn notice_of(reply: Reply) -> (String, bool) {
    (reply.plain(), reply.refusal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_for_other_bots_are_not_ours() {
        assert_eq!(
            parse_command("/ask@consulta_bot ¿Qué es?", "consulta_bot"),
            Command::Ours("ask".into(), "¿Qué es?")
        );
        assert_eq!(
            parse_command("/ask@other_bot x", "consulta_bot"),
            Command::OtherBot
        );
        assert_eq!(
            parse_command("/LANG pt", "consulta_bot"),
            Command::Ours("lang".into(), "pt")
        );
        assert_eq!(parse_command("hola", "consulta_bot"), Command::None);
    }

    #[test]
    fn mentions_are_found_in_any_case_and_removed() {
        assert_eq!(
            without_mention("@Consulta_Bot what is an ITMO?", "consulta_bot").as_deref(),
            Some("what is an ITMO?")
        );
        assert_eq!(without_mention("what is an ITMO?", "consulta_bot"), None);
    }
}
