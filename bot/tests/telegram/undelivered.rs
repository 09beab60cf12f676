//! An asker who blocked the bot cannot get the expert's answer: the expert must see that on the
//! ticket (its card in the group and its JSON) instead of believing the asker was answered.

use serde_json::json;

use super::fake::user;
use super::{ANA, EXPERTS, Harness, MARTA, WAIT, ask_and_escalate, sent_message};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_the_asker_never_got_is_flagged_on_the_ticket() {
    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    h.fake.fail_next(
        "sendmessage",
        MARTA,
        json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}),
    );
    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        "An ITMO is an internationally transferred mitigation outcome.",
        Some(sent_message(&card)),
    );
    let flagged = h
        .fake
        .wait_for(
            "the card edited to say the asker was not reached",
            WAIT,
            |_| {
                h.fake
                    .sent("editmessagetext", EXPERTS)
                    .into_iter()
                    .find(|c| {
                        c.body["text"]
                            .as_str()
                            .unwrap_or_default()
                            .contains("did not receive")
                    })
            },
        )
        .await;
    let text = flagged.body["text"].as_str().unwrap_or_default();
    assert!(text.contains("bot was blocked by the user"), "{text}");
    assert_eq!(
        flagged.body["message_id"], card.result["message_id"],
        "the ticket's own card says it"
    );

    let ticket = h.desk.tickets().expect("the desk reads").remove(0);
    let shown = serde_json::to_value(&ticket).expect("a ticket serialises");
    let failure = shown["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["event"] == json!("undelivered"))
        .unwrap_or_else(|| panic!("the ticket JSON records the failure: {shown:#}"));
    assert_eq!(failure["to_asker"], json!(true));
    assert_eq!(h.desk.dead_letters().expect("the desk reads").len(), 1);
    assert_eq!(ticket.undelivered_count(), 1, "counted once, not retried");
    h.stop().await;
}
