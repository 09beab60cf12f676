//! One slow chat does not hold the others: while Telegram keeps a send to the experts' group hanging,
//! the asker's notice still goes out, and the group's own messages follow in order once it answers.

use std::time::Duration;

use consulta_corpus::Lang;
use consulta_desk::{Action, Asker, NewTicket, Platform, Tags};

use super::{ANA, EXPERTS, Harness, MARTA, WAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_send_to_one_chat_does_not_delay_another_chat() {
    let h = Harness::start().await;
    let hold = h.fake.hold_next("sendmessage", EXPERTS);
    let ticket = h
        .desk
        .open_ticket(NewTicket {
            asker: Asker {
                platform: Platform::Telegram,
                chat_id: MARTA.to_string(),
                user_id: MARTA.to_string(),
                display_name: "Marta".into(),
            },
            language: Lang::En,
            question: "Who authorises ITMOs in Chile?".into(),
            passages: vec![],
            tags: Tags::default(),
            question_id: None,
        })
        .expect("the ticket opens")
        .ticket;
    h.fake
        .wait_for("the card's send to reach Telegram", WAIT, |_| {
            hold.arrived().then_some(())
        })
        .await;
    let ana = format!("telegram:{ANA}").parse().expect("an identity");
    h.desk
        .act(&ana, &ticket.id, Action::Claim)
        .expect("Ana claims");

    // The claim's notice to Marta goes out while the card to the group is still unanswered (well
    // before teloxide would give up on that request, after 17 s).
    let notice = h
        .fake
        .wait_for(
            "the notice to Marta while the group's send hangs",
            Duration::from_secs(12),
            |_| h.fake.sent("sendmessage", MARTA).into_iter().next(),
        )
        .await;
    assert!(
        notice.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Ana"),
        "{notice:?}"
    );
    let card = h
        .desk
        .pending_messages()
        .unwrap()
        .into_iter()
        .find(|e| e.chat.chat_id == EXPERTS.to_string() && e.edit_of.is_none())
        .expect("the card is still in the outbox");
    assert_eq!(
        (card.attempts, card.last_error),
        (0, None),
        "the card's first send is still in flight, not failed and retried"
    );
    assert!(
        h.fake.sent("sendmessage", EXPERTS).is_empty()
            && h.fake.sent("editmessagetext", EXPERTS).is_empty(),
        "the group's card is still held, and its edit waits behind it"
    );

    hold.release();
    let card = h.fake.wait_sent("sendmessage", EXPERTS, 0).await;
    let edit = h.fake.wait_sent("editmessagetext", EXPERTS, 0).await;
    assert_eq!(
        edit.body["message_id"], card.result["message_id"],
        "the claim edits the card, after it"
    );
    assert!(edit.at >= card.at);
    h.fake
        .wait_for("the outbox to empty", WAIT, |_| {
            h.desk.pending_messages().unwrap().is_empty().then_some(())
        })
        .await;
    assert_eq!(h.fake.sent("sendmessage", MARTA).len(), 1, "sent once");
    h.stop().await;
}
