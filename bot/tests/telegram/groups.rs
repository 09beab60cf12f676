//! Real groups: experts' groups without topics, refusals Telegram gives in them, replies to the desk's
//! other messages, an expert's private chat used as a desk chat, and what stays private in a group.

use consulta_desk::Span;
use serde_json::json;

use super::fake::{chat, user};
use super::{
    ANA, BETO, DESK, EXPERTS, GROUP, Harness, MARTA, WAIT, ask_and_escalate, buttons, sent_message,
};

/// The desk of the other tests, with a reminder after one second.
fn desk_with_quick_reminders() -> String {
    format!("reminder_after = \"1s\"\n{DESK}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_topics_in_the_group_the_card_is_posted_plainly() {
    let h = Harness::start_with(|c| c.forum_topics = true).await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let refused = h
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "createforumtopic")
        .expect("a topic was asked for");
    assert!(refused.failed, "the group is not a forum");
    assert!(
        card.body.get("message_thread_id").is_none(),
        "the card went to the group itself: {:?}",
        card.body
    );
    assert!(h.desk.dead_letters().unwrap().is_empty());
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_teloxide_cannot_name_is_not_retried() {
    let h = Harness::start().await;
    h.fake.fail_next(
        "sendmessage",
        EXPERTS,
        json!({"ok": false, "error_code": 400, "description": "Bad Request: not enough rights to send text messages to the chat"}),
    );
    h.say(MARTA, user(MARTA, "Marta", "en"), "What is an ITMO?", None);
    h.fake.wait_sent("sendmessage", MARTA, 0).await;
    h.say(MARTA, user(MARTA, "Marta", "en"), "/expert", None);
    let dead = h
        .fake
        .wait_for("the card to be given up", WAIT, |_| {
            h.desk.dead_letters().unwrap().pop()
        })
        .await;
    assert!(
        dead.reason.contains("not enough rights"),
        "the operator sees why: {}",
        dead.reason
    );
    let attempts = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendmessage" && c.body["chat_id"] == json!(EXPERTS))
        .count();
    assert_eq!(attempts, 1, "a refusal is not retried for hours");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_to_a_reminder_answers_its_ticket() {
    let h = Harness::start_with_desk(&desk_with_quick_reminders(), |_| {}).await;
    let (asked, _card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let reminder = h
        .fake
        .wait_for("a reminder in the experts' group", WAIT, |_| {
            h.desk.tick().expect("the desk ticks");
            h.fake.sent("sendmessage", EXPERTS).into_iter().nth(1)
        })
        .await;
    h.settled().await;
    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        "Replying to the reminder: an ITMO is a transferred outcome.",
        Some(sent_message(&reminder)),
    );
    let relayed = h
        .fake
        .wait_for("the answer at the asker", WAIT, |_| {
            h.fake.sent("sendmessage", MARTA).into_iter().find(|c| {
                c.body["text"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("Replying to the reminder")
            })
        })
        .await;
    assert_eq!(relayed.body["reply_parameters"]["message_id"], json!(asked));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_experts_private_desk_chat_is_not_answered_as_questions() {
    // Ana has the desk's cards in her private chat with the bot, as well as in the group.
    let desk = DESK.replace(
        "chats = [\"telegram:-100200\"]",
        "chats = [\"telegram:-100200\", \"telegram:7\"]",
    );
    let h = Harness::start_with_desk(&desk, |_| {}).await;
    ask_and_escalate(&h, "What is an ITMO?").await;
    let card = h.fake.wait_sent("sendmessage", ANA, 0).await;
    assert!(
        buttons(&card).iter().any(|b| b.starts_with("claim:")),
        "Ana has the card privately: {:?}",
        card.body
    );
    h.say(
        ANA,
        user(ANA, "Ana", "es"),
        "What is a corresponding adjustment?",
        None,
    );
    let told = h.fake.wait_sent("sendmessage", ANA, 1).await;
    let text = told.body["text"].as_str().unwrap();
    assert!(
        text.contains("recibe los tickets del equipo"),
        "no answer, a pointer: {text}"
    );
    assert!(
        !text.contains("[1]"),
        "the message was not answered as a question: {text}"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_in_a_group_answers_privately() {
    let h = Harness::start().await;
    ask_and_escalate(&h, "Who authorises ITMOs in my country?").await;
    let asked_in_group = h.say(GROUP, user(MARTA, "Marta", "en"), "/status", None);
    let private = h.fake.wait_sent("sendmessage", MARTA, 2).await;
    assert!(
        private.body["text"]
            .as_str()
            .unwrap()
            .contains("Who authorises ITMOs"),
        "{:?}",
        private.body
    );
    let pointer = h.fake.wait_sent("sendmessage", GROUP, 0).await;
    assert_eq!(
        pointer.body["reply_parameters"]["message_id"],
        json!(asked_in_group)
    );
    let said = pointer.body["text"].as_str().unwrap();
    assert!(said.contains("private chat"), "{said}");
    assert!(
        !said.contains("ITMO"),
        "the group never sees the question: {said}"
    );

    // Beto never opened a private chat with the bot: Telegram refuses, and he is told how to.
    h.fake.fail_next(
        "sendmessage",
        BETO,
        json!({"ok": false, "error_code": 403, "description": "Forbidden: bot can't initiate conversation with a user"}),
    );
    h.say(GROUP, user(BETO, "Beto", "en"), "/status", None);
    let told = h.fake.wait_sent("sendmessage", GROUP, 1).await;
    assert!(
        told.body["text"]
            .as_str()
            .unwrap()
            .contains("write to me in a private chat"),
        "{:?}",
        told.body
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forget_button_works_only_for_who_asked_and_the_menu_is_set() {
    let h = Harness::start().await;
    // The menus are set beside the bot, which does not wait for them.
    let menu = h
        .fake
        .wait_for("the command menu to be set", WAIT, |calls| {
            calls.iter().find(|c| c.method == "setmycommands").cloned()
        })
        .await;
    let names: Vec<&str> = menu.body["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["command"].as_str())
        .collect();
    for name in ["ask", "expert", "status", "lang", "forget", "help"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }

    h.say(GROUP, user(MARTA, "Marta", "en"), "/lang pt", None);
    h.fake.wait_sent("sendmessage", GROUP, 0).await;
    h.say(GROUP, user(MARTA, "Marta", "en"), "/forget", None);
    let confirm = h.fake.wait_sent("sendmessage", GROUP, 1).await;
    let yes = buttons(&confirm)
        .into_iter()
        .find(|d| d.starts_with("forget:yes"))
        .expect("a yes button");
    let pressed = h.press(user(BETO, "Beto", "en"), &confirm, &yes);
    let refused = h.fake.wait_callback_answer(&pressed).await;
    assert_eq!(refused.body["show_alert"], json!(true));
    assert!(
        refused.body["text"]
            .as_str()
            .unwrap()
            .contains("person who asked"),
        "{:?}",
        refused.body
    );
    assert!(
        !h.fake.calls().iter().any(|c| c.method == "editmessagetext"),
        "nothing was deleted or changed"
    );
    let pressed = h.press(user(MARTA, "Marta", "en"), &confirm, &yes);
    h.fake.wait_callback_answer(&pressed).await;
    let done = h
        .fake
        .wait_for("the confirmation to be replaced", WAIT, |calls| {
            calls
                .iter()
                .find(|c| c.method == "editmessagetext" && !c.failed)
                .cloned()
        })
        .await;
    assert!(
        done.body["text"].as_str().unwrap().contains("apaguei"),
        "Marta's own language, then forgotten: {:?}",
        done.body
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_shows_it_is_typing_and_a_long_answer_arrives_whole() {
    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let typing = h
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "sendchataction")
        .expect("a typing indicator before the answer");
    assert_eq!(typing.body["action"], json!("typing"));
    assert_eq!(typing.body["chat_id"], json!(MARTA));
    // 6000 characters of HTML-special text: more than one message once escaped and parsed.
    let long = "An ITMO <is> a \"transferred\" outcome & more. ".repeat(140);
    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        &long,
        Some(sent_message(&card)),
    );
    let parts = h
        .fake
        .wait_for("the answer in parts", WAIT, |_| {
            let parts: Vec<_> = h
                .fake
                .sent("sendmessage", MARTA)
                .into_iter()
                .filter(|c| {
                    c.result["text"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("<is>")
                })
                .collect();
            (parts.len() >= 2).then_some(parts)
        })
        .await;
    let shown: String = parts
        .iter()
        .map(|c| c.result["text"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        shown.matches("outcome").count(),
        140,
        "every sentence arrived"
    );
    assert!(
        shown.contains("An ITMO <is> a \"transferred\" outcome & more."),
        "as typed"
    );
    assert!(
        h.fake
            .calls()
            .iter()
            .all(|c| !(c.failed && c.method == "sendmessage" && c.body["chat_id"] == json!(MARTA))),
        "Telegram accepted every part"
    );
    h.stop().await;
}

/// A group member's standing is asked of Telegram once for a while, not on every expert action, and
/// asked again as soon as a `chat_member` update says it changed; one who left loses the desk's
/// admission at once, not when it lapses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn membership_is_asked_once_in_a_while_and_again_when_it_changes() {
    let h = Harness::start_with(|telegram| telegram.member_check_ttl = Span::from_hours(1)).await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    h.fake.add_member(EXPERTS, BETO);
    let beto = user(BETO, "Beto", "es");
    let checks = || {
        h.fake
            .calls()
            .iter()
            .filter(|c| c.method == "getchatmember")
            .count()
    };
    let button = |verb: &str| {
        buttons(&card)
            .into_iter()
            .find(|d| d.starts_with(verb))
            .unwrap_or_else(|| panic!("a {verb} button"))
    };
    let claimed = h.press(beto.clone(), &card, &button("claim:"));
    let ack = h.fake.wait_callback_answer(&claimed).await;
    assert_ne!(ack.body["show_alert"], json!(true), "{:?}", ack.body);
    assert_eq!(checks(), 1);
    h.say(
        EXPERTS,
        beto.clone(),
        "Ask your focal point.",
        Some(sent_message(&card)),
    );
    h.fake
        .wait_for("the member's answer", WAIT, |calls| {
            calls
                .iter()
                .find(|c| {
                    c.method == "sendmessage"
                        && c.body["chat_id"] == json!(MARTA)
                        && c.body["text"]
                            .as_str()
                            .unwrap_or("")
                            .contains("focal point")
                })
                .cloned()
        })
        .await;
    assert_eq!(
        checks(),
        1,
        "the answer trusted what Telegram said at the claim"
    );

    h.fake.remove_member(EXPERTS, BETO);
    h.fake.push(json!({"chat_member": {
        "chat": chat(EXPERTS), "from": beto.clone(), "date": 1_764_000_100,
        "old_chat_member": {"status": "member", "user": beto.clone()},
        "new_chat_member": {"status": "left", "user": beto.clone()}
    }}));
    let closed = h.press(beto, &card, &button("close:"));
    let refusal = h.fake.wait_callback_answer(&closed).await;
    assert_eq!(
        refusal.body["show_alert"],
        json!(true),
        "his admission ended when he left: {:?}",
        refusal.body
    );
    assert_eq!(checks(), 2, "asked again once Telegram said he left");
    h.stop().await;
}
