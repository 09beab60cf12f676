//! Expert workflows in real servers: answers to deleted questions, refusals Discord gives for good
//! (closed direct messages, missing permissions), a token Discord refuses, mentions of the bot's role,
//! `/answer` in a ticket's thread, `/clarify` and the asker's reply, `/transfer`, `/unclaim` and
//! `/reopen` there, and buttons meant for one person.

use std::time::Duration;

use consulta_bot::assistant::Assistant;
use consulta_desk::{Action, Identity, MessageKind, Platform};
use serde_json::json;

use super::fake::{BOT_ROLE, Call};
use super::{
    ALLOWED, ANA, EXPERT_ROLE, EXPERTS, Harness, INTRUDER, MARTA, button, content,
    followed_up_privately, posted, ticket_thread, wait_answer, wait_posted,
};

/// Marta asks by mentioning the bot in the allowed channel and escalates with the answer's button;
/// returns her question's message id, the answer, and the card.
async fn mention_and_escalate(h: &Harness) -> (u64, Call, Call) {
    let question = h.say(
        ALLOWED,
        MARTA,
        &[],
        &format!("<@&{BOT_ROLE}> What is the best recipe for chocolate cake?"),
    );
    let answer = wait_posted(h, ALLOWED, 0).await;
    assert_eq!(
        answer.body["message_reference"]["message_id"],
        json!(question.to_string()),
        "a mention of the bot's role asks"
    );
    let pressed = h.press(MARTA, &[], &answer.result, &button(&answer.body, "exp:"));
    h.callback(pressed).await;
    wait_answer(h, 0).await;
    let card = wait_posted(h, EXPERTS, 0).await;
    (question, answer, card)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_reaches_the_asker_after_their_question_was_deleted() {
    let h = Harness::start().await;
    let (question, _, card) = mention_and_escalate(&h).await;
    h.fake.delete_message(question);
    let (_, thread_id) = ticket_thread(&h).await;
    let answered = h.command(
        thread_id,
        ANA,
        &[EXPERT_ROLE],
        "answer",
        json!([{"name": "text", "type": 3, "value": "Try a cookbook: Consulta covers Article 6."}]),
    );
    assert_eq!(h.callback(answered).await.body["type"], json!(5));
    assert!(content(&h.outcome(answered).await).contains("recorded"));
    let relayed = h
        .fake
        .wait_for("the answer in the channel", |_| {
            posted(&h, ALLOWED)
                .into_iter()
                .find(|c| content(c).contains("Try a cookbook"))
        })
        .await;
    assert_eq!(
        relayed.body["message_reference"]["fail_if_not_exists"],
        json!(false),
        "a deleted question does not stop the answer"
    );
    assert!(h.desk.dead_letters().unwrap().is_empty());
    assert!(
        content(&card).contains("/answer"),
        "the card says how to answer"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_direct_messages_and_missing_permissions_are_not_retried() {
    let h = Harness::start().await;
    h.fake.deny(EXPERTS);
    h.say(
        ALLOWED,
        MARTA,
        &[],
        &format!("<@{}> What is an ITMO?", super::fake::BOT_ID),
    );
    let answer = wait_posted(&h, ALLOWED, 0).await;
    let pressed = h.press(MARTA, &[], &answer.result, &button(&answer.body, "exp:"));
    h.callback(pressed).await;
    let dead = h
        .fake
        .wait_for("the card to be given up", |_| {
            h.desk.dead_letters().unwrap().pop()
        })
        .await;
    assert!(
        dead.reason.contains("Missing Permissions"),
        "{}",
        dead.reason
    );
    let attempts = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.path == format!("/channels/{EXPERTS}/messages"))
        .count();
    assert_eq!(attempts, 1, "a refusal is not retried");

    // A private question, answered by direct message to someone who closed them.
    h.fake.close_dms(MARTA);
    let asked = h.marta(
        "ask",
        json!([
            {"name": "question", "type": 3, "value": "What is a corresponding adjustment?"},
            {"name": "private", "type": 5, "value": true}
        ]),
    );
    h.callback(asked).await;
    wait_answer(&h, 1).await;
    let expert = h.marta("expert", json!([]));
    h.callback(expert).await;
    wait_answer(&h, 2).await;
    let ticket = h
        .desk
        .tickets()
        .unwrap()
        .into_iter()
        .find(|t| t.asker.chat_id.starts_with('@'))
        .expect("the private question's ticket");
    h.assistant
        .act(
            Identity::new(Platform::Discord, ANA.to_string()),
            ticket.id.clone(),
            Action::Answer {
                text: "It avoids double counting.".into(),
            },
        )
        .await
        .expect("Ana answers");
    let refused = h
        .fake
        .wait_for("the answer by direct message to be given up", |_| {
            h.desk
                .dead_letters()
                .unwrap()
                .into_iter()
                .find(|d| d.entry.message.kind == MessageKind::ExpertAnswer)
        })
        .await;
    assert!(
        refused.reason.contains("Cannot send messages to this user"),
        "{}",
        refused.reason
    );
    let dm = h.fake.wait_sent("POST", "/users/@me/channels", 0).await;
    let dm_channel = dm.result["id"].as_str().unwrap().to_string();
    let to_dm: Vec<Call> = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.path == format!("/channels/{dm_channel}/messages"))
        .collect();
    let given_up = h
        .desk
        .dead_letters()
        .unwrap()
        .iter()
        .filter(|d| d.reason.contains("Cannot send messages"))
        .count();
    assert_eq!(to_dm.len(), given_up, "each refused once, none retried");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_or_intent_stops_the_bot_with_what_to_do() {
    for (code, what_to_do) in [
        (4004, "Reset Token"),
        (4013, "a bug in Consulta"),
        (4014, "Message Content Intent"),
    ] {
        let mut h = Harness::start_with(|gateway| gateway.refuse_identify(code)).await;
        let ran = tokio::time::timeout(Duration::from_secs(60), &mut h.bot)
            .await
            .expect("the bot stops instead of reconnecting forever")
            .expect("the bot task did not panic");
        let error = ran.expect_err("a fatal close is an error");
        assert!(error.to_string().contains(&code.to_string()), "{error}");
        assert!(error.to_string().contains(what_to_do), "{code}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_elses_more_sources_or_ask_an_expert_is_refused_to_them_alone() {
    let h = Harness::start().await;
    let asked = h.marta(
        "ask",
        json!([{"name": "question", "type": 3, "value": "What is an ITMO?"}]),
    );
    h.callback(asked).await;
    let answer = wait_answer(&h, 0).await;
    for verb in ["more:", "exp:"] {
        let pressed = h.press(INTRUDER, &[], &answer.result, &button(&answer.body, verb));
        h.callback(pressed).await;
        let refused = h.follow_up(pressed).await;
        assert!(
            followed_up_privately(&refused)
                && content(&refused).contains("Only the person who asked"),
            "{verb}: the refusal is ephemeral: {}",
            refused.body
        );
        let original = format!("-{pressed}/messages/@original");
        assert_eq!(
            h.fake.sent("DELETE", &original).len(),
            1,
            "{verb}: the public placeholder is gone"
        );
        assert!(
            h.fake.sent("PATCH", &original).is_empty(),
            "{verb}: nothing public was put in"
        );
    }
    assert!(
        h.desk.tickets().unwrap().is_empty(),
        "nothing was escalated"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forget_button_is_only_for_who_asked() {
    let h = Harness::start().await;
    let forget = h.marta("forget", json!([]));
    let confirm = h.callback(forget).await;
    let yes = button(&confirm.body, "forget:yes");
    // The ephemeral confirmation, as Discord would put it in the press (only Marta could see it;
    // the press by someone else is forged).
    let message = json!({
        "id": h.fake.id().to_string(), "channel_id": ALLOWED.to_string(),
        "author": super::fake::bot_user(), "content": "", "timestamp": "2026-12-01T12:00:00.000000+00:00",
        "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": [], "components": [], "pinned": false,
        "type": 0, "flags": 64
    });
    let pressed = h.press(INTRUDER, &[], &message, &yes);
    let acknowledged = h.callback(pressed).await;
    assert_eq!(acknowledged.body["type"], json!(6), "acknowledged first");
    let refused = h.follow_up(pressed).await;
    assert!(
        content(&refused).contains("person who asked") && followed_up_privately(&refused),
        "only the presser sees the refusal: {}",
        refused.body
    );
    assert!(
        h.fake
            .sent("PATCH", &format!("-{pressed}/messages"))
            .is_empty(),
        "the confirmation stays as it was for Marta"
    );
    let pressed = h.press(MARTA, &[], &message, &yes);
    let acknowledged = h.callback(pressed).await;
    assert_eq!(
        acknowledged.body["type"],
        json!(6),
        "acknowledged before the desk forgets (Discord's 3 seconds): {}",
        acknowledged.body
    );
    let done = h.outcome(pressed).await;
    assert!(acknowledged.at <= done.at);
    assert!(
        content(&done).contains("deleted"),
        "the confirmation becomes what was done: {}",
        done.body
    );
    assert_eq!(done.body["components"], json!([]));
    h.stop().await;
}

/// What `from` (with `roles`) is told for the command `name` used in the thread `thread`.
async fn in_thread(
    h: &Harness,
    thread: u64,
    from: u64,
    roles: &'static [u64],
    name: &'static str,
    options: serde_json::Value,
) -> String {
    let id = h.command(thread, from, roles, name, options);
    content(&h.outcome(id).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn experts_transfer_unclaim_and_reopen_from_a_tickets_thread() {
    let h = Harness::start().await;
    mention_and_escalate(&h).await;
    let (_, thread_id) = ticket_thread(&h).await;
    let ticket = h.desk.tickets().unwrap().remove(0).id;
    let status = || h.desk.ticket(&ticket).unwrap().status;
    let to = |target: &str| json!([{"name": "to", "type": 3, "value": target}]);
    let said = |from, roles, name, options| in_thread(&h, thread_id, from, roles, name, options);
    let refused = said(ANA, &[], "transfer", to("expert Ana")).await;
    assert!(refused.contains("experts role"), "{refused}");
    assert_eq!(status(), consulta_desk::Status::Open);
    let usage = said(ANA, &[EXPERT_ROLE], "transfer", to("Ana")).await;
    assert!(usage.contains("group NAME"), "{usage}");
    let moved = said(ANA, &[EXPERT_ROLE], "transfer", to("expert Ana")).await;
    assert!(moved.contains("transferred"), "{moved}");
    assert_eq!(status(), consulta_desk::Status::Claimed);
    let unclaimed = said(ANA, &[EXPERT_ROLE], "unclaim", json!([])).await;
    assert!(
        unclaimed.contains("back in its group's queue"),
        "{unclaimed}"
    );
    assert_eq!(status(), consulta_desk::Status::Open);
    let ana = Identity::new(Platform::Discord, ANA.to_string());
    let close = Action::Close { reason: None };
    h.desk.act(&ana, &ticket, close).expect("Ana closes it");
    let stranger = said(INTRUDER, &[EXPERT_ROLE], "reopen", json!([])).await;
    assert!(stranger.contains("only the desk's experts"), "{stranger}");
    assert_eq!(status(), consulta_desk::Status::Closed);
    let reopened = said(ANA, &[EXPERT_ROLE], "reopen", json!([])).await;
    assert!(reopened.contains("reopened"), "{reopened}");
    assert_eq!(status(), consulta_desk::Status::Reopened);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clarifying_question_and_the_askers_reply_go_through_the_ticket() {
    let h = Harness::start().await;
    mention_and_escalate(&h).await;
    let (_, thread_id) = ticket_thread(&h).await;
    let asked = h.command(
        thread_id,
        ANA,
        &[EXPERT_ROLE],
        "clarify",
        json!([{"name": "text", "type": 3, "value": "Which country is the cake for?"}]),
    );
    assert_eq!(h.callback(asked).await.body["type"], json!(5));
    assert!(content(&h.outcome(asked).await).contains("waits for their reply"));
    let question = h
        .fake
        .wait_for("the question at the asker", |_| {
            posted(&h, ALLOWED)
                .into_iter()
                .find(|c| content(c).contains("Which country is the cake for?"))
        })
        .await;
    let ticket = h.desk.tickets().unwrap().remove(0).id;
    assert_eq!(
        h.desk.ticket(&ticket).unwrap().status,
        consulta_desk::Status::Waiting
    );

    h.settled().await;
    h.reply(ALLOWED, MARTA, &[], "For Chile.", &question.result);
    let relayed = h
        .fake
        .wait_for("the reply in the ticket's thread", |_| {
            posted(&h, thread_id)
                .into_iter()
                .find(|c| content(c).contains("For Chile."))
        })
        .await;
    assert!(content(&relayed).contains(ticket.as_str()));
    h.fake
        .wait_for("the asker told it arrived", |_| {
            posted(&h, ALLOWED)
                .into_iter()
                .find(|c| content(c).contains("Your reply is with the experts"))
        })
        .await;
    assert_eq!(
        h.desk.ticket(&ticket).unwrap().status,
        consulta_desk::Status::Claimed
    );
    h.stop().await;
}
