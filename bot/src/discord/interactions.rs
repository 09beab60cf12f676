//! Interactions → assistant calls: slash commands, button presses and the answer form.
//!
//! Discord gives a bot 3 seconds to acknowledge an interaction. Whatever may take longer (answering,
//! escalating, the desk) is deferred first and edited in when done.

use serenity::all::{
    ActionRowComponent, CommandInteraction, ComponentInteraction, Interaction, InteractionId,
    MessageFlags, ModalInteraction,
};
use serenity::builder::{
    CreateActionRow, CreateInteractionResponse, CreateInteractionResponseMessage,
    EditInteractionResponse,
};

use crate::chat::{
    CONFIRM_WORD, Conversation, Edit, ExpertMessage, Intent, MoreSources, Press, Published, Reply,
    STALE_BUTTON, TicketButton, draft_text, texts,
};
use consulta_desk::{Rating, TicketId};

use super::commands::{flag_option, string_option};
use super::components::{
    self, ANSWER_FIELD, FAQ_ANSWER_FIELD, FAQ_CONFIRM_FIELD, FAQ_QUESTION_FIELD,
};
use super::frontend::{no_pings, with_retry};
use super::handler::{
    Answering, Context, Handled, HandlerError, NOT_AN_EXPERT, Who, answer, asker, escalate,
    has_experts_role, record, spot, ui_lang,
};
use super::render::{MESSAGE_LIMIT, escape, render_reply, truncate};
use super::store::Spot;

/// Passages cited after "More sources".
const MORE_SOURCES: usize = 8;
/// How experts answer on Discord, said after a claim.
const HOW_TO_ANSWER: &str =
    "Press Answer on the card, reply to the card in its thread, or use /answer there.";

/// Handles one interaction.
pub async fn handle(ctx: &Context, interaction: Interaction) -> Handled {
    match interaction {
        Interaction::Command(command) => on_command(ctx, &command).await,
        Interaction::Component(press) => on_press(ctx, &press).await,
        Interaction::Modal(form) => on_form(ctx, &form).await,
        _ => Ok(()),
    }
}

/// The interaction's response: its id and token.
struct Response<'a> {
    id: InteractionId,
    token: &'a str,
}

impl Response<'_> {
    async fn create(&self, ctx: &Context, response: CreateInteractionResponse) -> Handled {
        with_retry(ctx.clock.as_ref(), || {
            ctx.http
                .create_interaction_response(self.id, self.token, &response, Vec::new())
        })
        .await?;
        Ok(())
    }

    /// Answers at once with `text` (already escaped).
    async fn say(&self, ctx: &Context, text: &str, ephemeral: bool) -> Handled {
        self.say_with(ctx, text, ephemeral, Vec::new()).await
    }

    /// Answers at once with the conversation's reply, ephemeral: on Discord, what a command or a
    /// button gives back is for the person who used it.
    async fn say_reply(&self, ctx: &Context, told: Option<Reply>) -> Handled {
        let text = told.as_ref().map(render_reply).unwrap_or_default();
        self.say(ctx, &text, true).await
    }

    async fn say_with(
        &self,
        ctx: &Context,
        text: &str,
        ephemeral: bool,
        rows: Vec<CreateActionRow>,
    ) -> Handled {
        let message = CreateInteractionResponseMessage::new()
            .content(truncate(text, MESSAGE_LIMIT))
            .ephemeral(ephemeral)
            .allowed_mentions(no_pings())
            .components(rows);
        self.create(ctx, CreateInteractionResponse::Message(message))
            .await
    }

    /// Acknowledges now, to answer later with [`Response::edit`].
    async fn defer(&self, ctx: &Context, ephemeral: bool) -> Handled {
        let message = CreateInteractionResponseMessage::new().ephemeral(ephemeral);
        self.create(ctx, CreateInteractionResponse::Defer(message))
            .await
    }

    /// Puts the deferred answer in; returns the id of the message it is.
    async fn edit(
        &self,
        ctx: &Context,
        edit: EditInteractionResponse,
    ) -> Result<serenity::all::MessageId, HandlerError> {
        let edit = edit.allowed_mentions(no_pings());
        let message = with_retry(ctx.clock.as_ref(), || {
            ctx.http
                .edit_original_interaction_response(self.token, &edit, Vec::new())
        })
        .await?;
        Ok(message.id)
    }

    async fn edit_text(&self, ctx: &Context, text: &str) -> Handled {
        self.edit(
            ctx,
            EditInteractionResponse::new().content(truncate(text, MESSAGE_LIMIT)),
        )
        .await?;
        Ok(())
    }
}

fn who(user: &serenity::all::User, member: Option<&serenity::all::Member>, locale: &str) -> Who {
    Who {
        user: user.clone(),
        roles: member.map(|m| m.roles.clone()).unwrap_or_default(),
        locale: locale.parse().ok(),
    }
}

async fn on_command(ctx: &Context, command: &CommandInteraction) -> Handled {
    let who = who(&command.user, command.member.as_deref(), &command.locale);
    let lang = ui_lang(ctx, &who)?;
    let t = texts(lang);
    let response = Response {
        id: command.id,
        token: &command.token,
    };
    let options = &command.data.options;
    match command.data.name.as_str() {
        "ask" => {
            let question = string_option(options, "question")
                .unwrap_or_default()
                .trim();
            if question.is_empty() {
                return response.say(ctx, &escape(t.ask_usage), true).await;
            }
            let private = flag_option(options, "private");
            response.defer(ctx, private).await?;
            let chat = if private {
                format!("@{}", who.key())
            } else {
                command.channel_id.get().to_string()
            };
            ask(ctx, &response, &who, chat, question, None, private).await
        }
        "expert" => {
            response.defer(ctx, true).await?;
            let text = match ctx.store.memory.last_question(&who.key())? {
                Some(question) => escalate(ctx, question, &who).await?,
                None => escape(t.no_question_yet),
            };
            response.edit_text(ctx, &text).await
        }
        "lang" => {
            let chosen = string_option(options, "language").and_then(|code| code.parse().ok());
            let told = ctx
                .conversation
                .handle(&who.person(lang), Intent::Lang(chosen))
                .await?;
            response.say_reply(ctx, told).await
        }
        "status" => {
            // Ephemeral whatever the conversation layer says: only the member sees it.
            response.defer(ctx, true).await?;
            let told = ctx
                .conversation
                .handle(&who.person(lang), Intent::Status)
                .await?;
            let text = told.as_ref().map(render_reply).unwrap_or_default();
            response.edit_text(ctx, &text).await
        }
        "answer" | "clarify" => {
            let text = string_option(options, "text").unwrap_or_default();
            let Some(ticket) = ctx.store.thread_ticket(command.channel_id.get())? else {
                return response.say(ctx, &escape(ANSWER_WHERE), true).await;
            };
            let meaning = if command.data.name == "clarify" {
                ExpertMessage::Clarify
            } else {
                ExpertMessage::Answer
            };
            expert_writes(ctx, &response, &who, ticket, text, meaning).await
        }
        "forget" => {
            response
                .say_with(
                    ctx,
                    &escape(t.forget_confirm),
                    true,
                    components::forget(lang, &who.key()),
                )
                .await
        }
        "help" => response.say(ctx, &escape(t.help), true).await,
        _ => response.say(ctx, &escape(t.unknown_command), true).await,
    }
}

/// Answers `question` into a deferred response and records it, the expert's answer to go to `chat`.
async fn ask(
    ctx: &Context,
    response: &Response<'_>,
    who: &Who,
    chat: String,
    question: &str,
    top_k: Option<usize>,
    private: bool,
) -> Handled {
    let asker = asker(who, chat);
    let channel = asker
        .chat_id
        .parse()
        .ok()
        .map(serenity::all::ChannelId::new);
    match answer(ctx, who, asker.clone(), question, top_k).await? {
        Answering::Answered(answered) => {
            let edit = EditInteractionResponse::new()
                .embed(answered.embed.build())
                .components(answered.components.clone());
            let posted = response.edit(ctx, edit).await?;
            let place = match channel {
                Some(channel) if !private => spot(channel, Some(posted)),
                _ => Spot {
                    message_id: None,
                    channel_id: 0,
                },
            };
            record(ctx, &answered, asker, place)?;
            Ok(())
        }
        Answering::Told(text) => response.edit_text(ctx, &text).await,
        Answering::Silent => {
            let lang = ui_lang(ctx, who)?;
            response
                .edit_text(ctx, &escape(texts(lang).slow_down))
                .await
        }
    }
}

async fn on_press(ctx: &Context, press: &ComponentInteraction) -> Handled {
    let who = who(&press.user, press.member.as_ref(), &press.locale);
    let lang = ui_lang(ctx, &who)?;
    let response = Response {
        id: press.id,
        token: &press.token,
    };
    let private = press
        .message
        .flags
        .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL));
    let Some(pressed) = Press::decode(&press.data.custom_id) else {
        return response.say(ctx, &escape(STALE_BUTTON), true).await;
    };
    match pressed {
        Press::Claim(ticket) => {
            ticket_button(ctx, &response, &who, ticket, TicketButton::Claim).await
        }
        Press::Close(ticket) => {
            ticket_button(ctx, &response, &who, ticket, TicketButton::Close).await
        }
        Press::Approve(_) | Press::Publish { .. } | Press::Answer(_)
            if !is_expert(ctx, &who).await? =>
        {
            tracing::info!(user = %who.user.id, "a non-expert pressed a ticket button");
            response.say(ctx, &escape(NOT_AN_EXPERT), true).await
        }
        Press::Answer(ticket) => {
            let form = CreateInteractionResponse::Modal(components::answer_form(&ticket));
            response.create(ctx, form).await
        }
        Press::Approve(ticket) => {
            // The form must be the first response, within Discord's 3 seconds: the draft is one read.
            let draft = match ctx
                .conversation
                .approval_draft(who.identity(), ticket)
                .await
            {
                Ok(draft) => draft,
                Err(refused) => return response.say(ctx, &render_reply(&refused), true).await,
            };
            match components::approval_form(&draft) {
                Some(form) => {
                    response
                        .create(ctx, CreateInteractionResponse::Modal(form))
                        .await
                }
                None => {
                    response
                        .say(ctx, &escape(TOO_LONG_FOR_THE_FORM), true)
                        .await
                }
            }
        }
        Press::Publish { .. } => response.say(ctx, &escape(STALE_BUTTON), true).await,
        Press::Rate { question, up } => {
            let rating = Rating::from_thumb(up);
            let intent = Intent::RateAnswer { question, rating };
            let told = ctx.conversation.handle(&who.person(lang), intent).await?;
            response.say_reply(ctx, told).await
        }
        Press::RateTicket { ticket, up } => {
            let rating = Rating::from_thumb(up);
            let intent = Intent::RateTicket { ticket, rating };
            let told = ctx.conversation.handle(&who.person(lang), intent).await?;
            response.say_reply(ctx, told).await
        }
        Press::Escalate(question) => {
            response.defer(ctx, private).await?;
            let text = escalate(ctx, question, &who).await?;
            response.edit_text(ctx, &text).await
        }
        Press::MoreSources(question) => {
            match ctx
                .conversation
                .more_sources::<Spot>(question, who.identity(), lang)
                .await?
            {
                MoreSources::Ask(asked, words) => {
                    response.defer(ctx, private).await?;
                    ask(
                        ctx,
                        &response,
                        &who,
                        asked.chat_id,
                        &words.text,
                        Some(MORE_SOURCES),
                        private,
                    )
                    .await
                }
                MoreSources::Refused(refusal) => {
                    response.say(ctx, &render_reply(&refusal), true).await
                }
            }
        }
        Press::Forget { confirmed, user } => {
            if user != who.key() {
                let refusal = Conversation::not_yours(lang);
                return response.say(ctx, &render_reply(&refusal), true).await;
            }
            response
                .create(ctx, CreateInteractionResponse::Acknowledge)
                .await?;
            let done = ctx
                .conversation
                .forget(who.identity(), &user, confirmed, lang)
                .await?
                .unwrap_or_else(|| Conversation::not_yours(lang));
            let edit = EditInteractionResponse::new()
                .content(render_reply(&done))
                .components(Vec::new());
            response.edit(ctx, edit).await?;
            Ok(())
        }
    }
}

/// Where `/answer` works (in English, the desk's working language).
const ANSWER_WHERE: &str =
    "Use /answer (or /clarify) in a ticket's thread: it answers (or asks) that ticket's asker.";

/// A claim or close button: acknowledged at once (Discord gives 3 seconds, the desk may take
/// longer), then the outcome is put in.
async fn ticket_button(
    ctx: &Context,
    response: &Response<'_>,
    who: &Who,
    ticket: TicketId,
    button: TicketButton,
) -> Handled {
    response.defer(ctx, true).await?;
    if !is_expert(ctx, who).await? {
        tracing::info!(user = %who.user.id, "a non-expert pressed a ticket button");
        return response.edit_text(ctx, &escape(NOT_AN_EXPERT)).await;
    }
    let outcome = ctx
        .conversation
        .ticket_button(who.identity(), ticket, button, HOW_TO_ANSWER)
        .await;
    let told = outcome.unwrap_or_else(|refused| refused);
    response.edit_text(ctx, &render_reply(&told)).await
}

/// An expert's answer to `ticket` (the form or `/answer`) or clarifying question (`/clarify`):
/// acknowledged at once, then recorded.
async fn expert_writes(
    ctx: &Context,
    response: &Response<'_>,
    who: &Who,
    ticket: TicketId,
    text: &str,
    meaning: ExpertMessage,
) -> Handled {
    if text.trim().is_empty() {
        return response
            .say(ctx, &escape("The text was empty; nothing was sent."), true)
            .await;
    }
    response.defer(ctx, true).await?;
    if !is_expert(ctx, who).await? {
        return response.edit_text(ctx, &escape(NOT_AN_EXPERT)).await;
    }
    let told = ctx
        .conversation
        .expert_message(who.identity(), ticket, text, meaning)
        .await?
        .unwrap_or_else(|| Reply::text(""));
    response.edit_text(ctx, &render_reply(&told)).await
}

/// The experts role (when configured) and the desk's list both.
async fn is_expert(ctx: &Context, who: &Who) -> Result<bool, HandlerError> {
    Ok(has_experts_role(ctx, who) && ctx.assistant.is_expert(who.identity()).await?)
}

/// Why an answer cannot be approved with the form (in English, the desk's working language).
const TOO_LONG_FOR_THE_FORM: &str = "This question or answer is longer than a Discord form holds (4000 characters): approve it in the expert console or with `consulta tickets approve`.";

async fn on_form(ctx: &Context, form: &ModalInteraction) -> Handled {
    let who = who(&form.user, form.member.as_ref(), &form.locale);
    let response = Response {
        id: form.id,
        token: &form.token,
    };
    let field = |id: &str| {
        form.data
            .components
            .iter()
            .flat_map(|row| &row.components)
            .find_map(|component| match component {
                ActionRowComponent::InputText(input) if input.custom_id == id => {
                    input.value.clone()
                }
                _ => None,
            })
            .unwrap_or_default()
    };
    match Press::decode(&form.data.custom_id) {
        Some(Press::Answer(ticket)) => {
            expert_writes(
                ctx,
                &response,
                &who,
                ticket,
                &field(ANSWER_FIELD),
                ExpertMessage::Answer,
            )
            .await
        }
        Some(Press::Approve(ticket)) => {
            let edit = Edit {
                question: field(FAQ_QUESTION_FIELD),
                answer: field(FAQ_ANSWER_FIELD),
            };
            let confirmed = field(FAQ_CONFIRM_FIELD).trim() == CONFIRM_WORD;
            publish(ctx, &response, &who, ticket, edit, confirmed).await
        }
        _ => response.say(ctx, &escape(STALE_BUTTON), true).await,
    }
}

/// The approval form sent: the expert's edit is published, or refused with the reason; flagged
/// particulars not confirmed are listed with the edited text, so that nothing typed is lost.
async fn publish(
    ctx: &Context,
    response: &Response<'_>,
    who: &Who,
    ticket: TicketId,
    edit: Edit,
    confirmed: bool,
) -> Handled {
    response.defer(ctx, true).await?;
    if !is_expert(ctx, who).await? {
        return response.edit_text(ctx, &escape(NOT_AN_EXPERT)).await;
    }
    let told = match ctx
        .conversation
        .publish(who.identity(), ticket, edit, confirmed)
        .await
    {
        Published::Done(done) | Published::Refused(done) => render_reply(&done),
        Published::NeedsConfirmation(draft) => escape(&format!(
            "Not published.\n{}",
            draft_text(
                &draft,
                Some(&format!(
                    "Press Approve as FAQ again and edit them out, or type {CONFIRM_WORD} in the last field."
                ))
            )
        )),
    };
    response.edit_text(ctx, &told).await
}
