//! The conversation around a ticket on Telegram: the expert asks the asker a clarifying question,
//! the asker's reply reaches the experts, 👎 on the expert's answer reopens the ticket, and closing
//! tells the asker.

use consulta_desk::{Action, Status};

use super::{ANA, EXPERTS, Harness, MARTA, WAIT, ask_and_escalate, buttons, sent_message};
use crate::fake::{self, user};

/// The first message the bot sent to `chat` whose text contains `needle`, once the bot knows which
/// ticket it belongs to.
async fn sent_containing(h: &Harness, chat: i64, needle: &str) -> fake::Call {
    let sent = h
        .fake
        .wait_for(&format!("{needle:?} sent to {chat}"), WAIT, |_| {
            h.fake
                .sent("sendmessage", chat)
                .into_iter()
                .find(|c| c.body["text"].as_str().unwrap_or_default().contains(needle))
        })
        .await;
    h.settled().await;
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expert_and_asker_talk_through_the_ticket() {
    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let ticket = h.desk.tickets().expect("the desk reads").remove(0).id;

    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        "/clarify Which country are you asking about?",
        Some(sent_message(&card)),
    );
    let question = sent_containing(&h, MARTA, "Which country are you asking about?").await;
    assert_eq!(h.desk.ticket(&ticket).unwrap().status, Status::Waiting);

    h.say(
        MARTA,
        user(MARTA, "Marta", "en"),
        "Chile, for a cookstove programme.",
        Some(sent_message(&question)),
    );
    let relayed = sent_containing(&h, EXPERTS, "Chile, for a cookstove programme.").await;
    assert!(
        relayed.body["text"]
            .as_str()
            .unwrap()
            .contains(ticket.as_str()),
        "the experts see which ticket: {:?}",
        relayed.body
    );
    sent_containing(&h, MARTA, "Your reply is with the experts").await;
    assert_eq!(
        h.desk.ticket(&ticket).unwrap().status,
        Status::Claimed,
        "the reply hands the ticket back to Ana"
    );

    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        "In Chile the Ministry of Environment authorises ITMOs.",
        Some(sent_message(&relayed)),
    );
    let answer = sent_containing(&h, MARTA, "Ministry of Environment").await;
    let thumbs_down = buttons(&answer)
        .into_iter()
        .find(|data| data.starts_with("tdown:"))
        .expect("👎 under the answer");
    let before = h.fake.sent("sendmessage", EXPERTS).len();
    h.press(user(MARTA, "Marta", "en"), &answer, &thumbs_down);
    sent_containing(&h, MARTA, "back with the experts").await;
    assert_eq!(h.desk.ticket(&ticket).unwrap().status, Status::Reopened);
    h.fake.wait_sent("sendmessage", EXPERTS, before).await;

    let ana = format!("telegram:{ANA}").parse().expect("an identity");
    h.desk
        .act(&ana, &ticket, Action::Close { reason: None })
        .expect("Ana closes it");
    sent_containing(&h, MARTA, "closed your ticket").await;
    h.stop().await;
}
