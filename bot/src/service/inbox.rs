//! The web chat's inbox: messages the desk sends to a visitor of the chat page (an expert took the
//! question, the answer), kept by session until the page fetches them, so the web is a front-end like
//! Telegram and Discord. The retention rule reaches it as it reaches theirs: a swept ticket's
//! messages go, found through an index by ticket.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use consulta_desk::{
    BoxFuture, Clock, Delivery, DeliveryError, Forgotten, FrontEnd, MessageKind, Platform,
    SystemClock, TicketId, Timestamp,
};

/// The longest a web session id may be; they are random tokens the page makes, not user data.
const MAX_SESSION_CHARS: usize = 64;
/// The shortest: shorter ids could be guessed, and the id is all that guards a conversation (the
/// chat page makes 32 hex digits or a UUID, 128 random bits).
const MIN_SESSION_CHARS: usize = 32;

/// Where the inbox keeps the session key.
const SESSION_KEY: &[u8] = b"session_key";
/// The mark that every message is in the index by ticket, so that rows written before the index
/// existed are indexed once, at the first opening after it came.
const INDEXED_BY_TICKET: &[u8] = b"indexed_by_ticket";

/// A message the desk sent to a visitor of the chat page, kept until the page fetches it (and after,
/// so a reload shows the conversation again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxMessage {
    /// Increases with every message to the session; the page asks for those after the last it saw.
    pub seq: u64,
    /// What the message is (an expert took the question, the expert's answer).
    pub kind: MessageKind,
    /// The ticket it concerns.
    pub ticket: TicketId,
    /// The text, in the visitor's language.
    pub text: String,
    /// When it arrived.
    pub at: Timestamp,
}

/// The web chat's side of the outbox: the desk "delivers" to a visitor by storing the message here,
/// durably (sled, `DATA_DIR/web`), and the page collects it by polling. Cheap to clone.
///
/// The page cannot be reached while closed, so storing is the delivery: the outbox's exactly-once
/// bookkeeping ends here, and the page may fetch the same message any number of times.
#[derive(Clone)]
pub struct WebInbox {
    db: sled::Db,
    /// Messages by (visitor, 0, sequence): a session reads its own in order.
    messages: sled::Tree,
    /// (ticket id, 0, message key) → nothing: a swept ticket's messages are found without reading
    /// every visitor's.
    by_ticket: sled::Tree,
}

/// A web session id that the service did not mint (or that is malformed or too short).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown session: get one from POST /v1/sessions (a session id is {MIN_SESSION_CHARS} to {MAX_SESSION_CHARS} letters, digits or dashes, minted by this service)"
)]
pub struct BadSession;

/// A visitor's conversation id: random, minted by the service ([`super::SessionKey`]), and the only
/// key to its messages.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    /// Checks that `text` has the shape of a session id (whether it was minted here is
    /// [`super::SessionKey::check`]'s question).
    pub fn parse(text: &str) -> Result<SessionId, BadSession> {
        let ok = (MIN_SESSION_CHARS..=MAX_SESSION_CHARS).contains(&text.len())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if ok {
            Ok(SessionId(text.to_string()))
        } else {
            Err(BadSession)
        }
    }

    /// The id as text: the visitor's secret, never stored or shown to experts.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The visitor as the desk knows them (their user and chat id, shown on tickets): a digest of
    /// the session, so that an expert reading a ticket cannot read or delete the conversation.
    pub fn visitor_id(&self) -> String {
        let digest = Sha256::digest(format!("consulta web visitor\0{}", self.0).as_bytes());
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("visitor-{hex}")
    }
}

impl WebInbox {
    /// Opens (or creates) the inbox database at `path`.
    pub fn open(path: &Path) -> Result<WebInbox, sled::Error> {
        let db = sled::open(path)?;
        let messages = db.open_tree("messages")?;
        let by_ticket = db.open_tree("by_ticket")?;
        let inbox = WebInbox {
            db,
            messages,
            by_ticket,
        };
        inbox.index_older_rows()?;
        Ok(inbox)
    }

    /// Indexes by ticket the messages stored before the index existed: once, and marked done only
    /// after, so a crash half-way redoes it (indexing twice writes the same keys).
    fn index_older_rows(&self) -> Result<(), sled::Error> {
        let meta = self.db.open_tree("meta")?;
        if meta.contains_key(INDEXED_BY_TICKET)? {
            return Ok(());
        }
        for item in self.messages.iter() {
            let (key, value) = item?;
            if let Ok(message) = serde_json::from_slice::<InboxMessage>(&value) {
                self.by_ticket
                    .insert(Self::ticket_key(&message.ticket, &key), &[])?;
            }
        }
        meta.insert(INDEXED_BY_TICKET, &[])?;
        self.db.flush()?;
        Ok(())
    }

    fn ticket_key(ticket: &TicketId, message_key: &[u8]) -> Vec<u8> {
        let mut key = Self::prefix(ticket.as_str());
        key.extend_from_slice(message_key);
        key
    }

    /// The key sessions are minted with when `service.session_secret` is not set: made at random
    /// the first time, and kept here so that visitors' sessions outlive a restart.
    pub fn session_key(&self) -> Result<super::SessionKey, String> {
        let meta = self.db.open_tree("meta").map_err(|e| e.to_string())?;
        if let Some(bytes) = meta.get(SESSION_KEY).map_err(|e| e.to_string())?
            && let Ok(bytes) = <[u8; 32]>::try_from(bytes.as_ref())
        {
            return Ok(super::SessionKey::from_bytes(bytes));
        }
        let key = super::SessionKey::random().map_err(|e| e.to_string())?;
        meta.insert(SESSION_KEY, key.bytes().to_vec())
            .map_err(|e| e.to_string())?;
        self.db.flush().map_err(|e| e.to_string())?;
        Ok(key)
    }

    fn key(session: &str, seq: u64) -> Vec<u8> {
        let mut key = Vec::with_capacity(session.len() + 9);
        key.extend_from_slice(session.as_bytes());
        key.push(0);
        key.extend_from_slice(&seq.to_be_bytes());
        key
    }

    fn prefix(session: &str) -> Vec<u8> {
        let mut prefix = session.as_bytes().to_vec();
        prefix.push(0);
        prefix
    }

    fn store(
        &self,
        session: &str,
        kind: MessageKind,
        ticket: TicketId,
        text: String,
    ) -> Result<u64, String> {
        let seq = self.db.generate_id().map_err(|e| e.to_string())? + 1;
        let message = InboxMessage {
            seq,
            kind,
            ticket,
            text,
            at: SystemClock.now(),
        };
        let value = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        let key = Self::key(session, seq);
        // The index first: a crash in between leaves an entry pointing at nothing, never a message
        // the retention rule cannot find.
        self.by_ticket
            .insert(Self::ticket_key(&message.ticket, &key), &[])
            .map_err(|e| e.to_string())?;
        self.messages
            .insert(key, value)
            .map_err(|e| e.to_string())?;
        self.db.flush().map_err(|e| e.to_string())?;
        Ok(seq)
    }

    /// The session's messages with a sequence number above `after`, oldest first.
    pub fn messages_after(
        &self,
        session: &SessionId,
        after: u64,
    ) -> Result<Vec<InboxMessage>, sled::Error> {
        let visitor = session.visitor_id();
        let start = Self::key(&visitor, after.saturating_add(1));
        let end = Self::key(&visitor, u64::MAX);
        let mut found = Vec::new();
        for item in self.messages.range(start..=end) {
            let (_, value) = item?;
            if let Ok(message) = serde_json::from_slice(&value) {
                found.push(message);
            }
        }
        Ok(found)
    }

    /// Deletes everything kept for the session (the visitor's "forget me").
    pub fn forget(&self, session: &SessionId) -> Result<usize, sled::Error> {
        let mut removed = 0;
        for item in self
            .messages
            .scan_prefix(Self::prefix(&session.visitor_id()))
        {
            let (key, value) = item?;
            if let Ok(message) = serde_json::from_slice::<InboxMessage>(&value) {
                self.by_ticket
                    .remove(Self::ticket_key(&message.ticket, &key))?;
            }
            self.messages.remove(key)?;
            removed += 1;
        }
        self.db.flush()?;
        Ok(removed)
    }

    /// Deletes every visitor's messages about `tickets` (swept by the retention rule).
    fn forget_tickets(&self, tickets: &[TicketId]) -> Result<usize, sled::Error> {
        let mut removed = 0;
        for ticket in tickets {
            let prefix = Self::prefix(ticket.as_str());
            for item in self.by_ticket.scan_prefix(&prefix) {
                let (entry, _) = item?;
                if self.messages.remove(&entry[prefix.len()..])?.is_some() {
                    removed += 1;
                }
                self.by_ticket.remove(entry)?;
            }
        }
        self.db.flush()?;
        Ok(removed)
    }
}

impl FrontEnd for WebInbox {
    fn platform(&self) -> Platform {
        Platform::Web
    }

    fn send<'a>(&'a self, delivery: Delivery<'a>) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(async move {
            let message = delivery.message;
            self.store(
                delivery.chat_id,
                message.kind,
                message.ticket.clone(),
                message.text.clone(),
            )
            .map(|seq| seq.to_string())
            .map_err(|e| DeliveryError::transient(format!("the web inbox failed: {e}")))
        })
    }

    /// A page shows a conversation as a list: a changed message is appended as a new one, so a visitor
    /// who already read the old version sees that it changed.
    fn edit<'a>(
        &'a self,
        delivery: Delivery<'a>,
        _message_id: &'a str,
    ) -> BoxFuture<'a, Result<String, DeliveryError>> {
        self.send(delivery)
    }

    /// A visitor's messages about a swept ticket go with the ticket, as a chat platform's cards do:
    /// the answer's words must not outlive the desk's record of them.
    fn forget<'a>(&'a self, swept: &'a Forgotten) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            self.forget_tickets(&swept.ticket_ids)
                .map(drop)
                .map_err(|e| DeliveryError::transient(format!("the web inbox failed: {e}")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consulta_desk::Message;

    #[test]
    fn messages_are_kept_per_session_in_order_and_forgotten_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = WebInbox::open(dir.path()).unwrap();
        let alice = SessionId::parse("alice-0123456789abcdef0123456789ab").unwrap();
        let bob = SessionId::parse("bob-0123456789abcdefgh0123456789ab").unwrap();
        let ticket: TicketId = "K7P2Q".parse().unwrap();
        let message = |text: &str| Message {
            kind: MessageKind::ExpertAnswer,
            ticket: ticket.clone(),
            text: text.into(),
            language: consulta_corpus::Lang::En,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        for (session, text) in [(&alice, "one"), (&bob, "other"), (&alice, "two")] {
            let message = message(text);
            runtime
                .block_on(inbox.send(Delivery {
                    key: "k",
                    chat_id: &session.visitor_id(),
                    message: &message,
                }))
                .unwrap();
        }
        let all = inbox.messages_after(&alice, 0).unwrap();
        let texts: Vec<&str> = all.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["one", "two"]);
        let later = inbox.messages_after(&alice, all[0].seq).unwrap();
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].text, "two");
        assert_eq!(inbox.forget(&alice).unwrap(), 2);
        assert!(inbox.messages_after(&alice, 0).unwrap().is_empty());
        assert_eq!(inbox.by_ticket.len(), 1, "their index entries went too");
        assert_eq!(inbox.messages_after(&bob, 0).unwrap().len(), 1);
    }

    #[test]
    fn a_swept_tickets_messages_go_from_every_session_and_no_other_ticket_s() {
        let dir = tempfile::tempdir().unwrap();
        let alice = SessionId::parse("alice-0123456789abcdef0123456789ab").unwrap();
        let bob = SessionId::parse("bob-0123456789abcdefgh0123456789ab").unwrap();
        let swept: TicketId = "K7P2Q".parse().unwrap();
        let kept: TicketId = "M4X9R".parse().unwrap();
        {
            let inbox = WebInbox::open(dir.path()).unwrap();
            // A message written before the index existed: stored without it, the mark unset.
            let old = InboxMessage {
                seq: 1,
                kind: MessageKind::ExpertAnswer,
                ticket: swept.clone(),
                text: "old".into(),
                at: SystemClock.now(),
            };
            let value = serde_json::to_vec(&old).unwrap();
            inbox
                .messages
                .insert(WebInbox::key(&bob.visitor_id(), 1), value)
                .unwrap();
            inbox
                .db
                .open_tree("meta")
                .unwrap()
                .remove(INDEXED_BY_TICKET)
                .unwrap();
            inbox.db.flush().unwrap();
        }
        let inbox = WebInbox::open(dir.path()).unwrap();
        for (session, ticket, text) in [
            (&alice, &swept, "a1"),
            (&alice, &kept, "a2"),
            (&bob, &swept, "b1"),
        ] {
            inbox
                .store(
                    &session.visitor_id(),
                    MessageKind::ExpertAnswer,
                    ticket.clone(),
                    text.into(),
                )
                .unwrap();
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let sweep = Forgotten {
            ticket_ids: vec![swept.clone()],
            ..Forgotten::default()
        };
        runtime.block_on(FrontEnd::forget(&inbox, &sweep)).unwrap();
        let texts = |session| -> Vec<String> {
            inbox
                .messages_after(session, 0)
                .unwrap()
                .into_iter()
                .map(|m| m.text)
                .collect()
        };
        assert_eq!(texts(&alice), ["a2"]);
        assert!(
            texts(&bob).is_empty(),
            "the old message was indexed at opening: {:?}",
            texts(&bob)
        );
        assert_eq!(
            inbox.by_ticket.len(),
            1,
            "only the kept ticket's entry is left"
        );
        assert_eq!(
            inbox.forget_tickets(&[swept]).unwrap(),
            0,
            "a sweep handed on twice finds nothing"
        );
    }

    #[test]
    fn session_ids_must_be_long_random_tokens() {
        assert!(SessionId::parse("short").is_err());
        assert!(
            SessionId::parse("0123456789abcdef0123456789abcde").is_err(),
            "31 chars"
        );
        assert!(SessionId::parse("has spaces in it, really long").is_err());
        assert!(SessionId::parse(&"x".repeat(65)).is_err());
        let session = SessionId::parse("0f8e2a34-5b6c-4d7e-8f90-a1b2c3d4e5f6").unwrap();
        let visitor = session.visitor_id();
        assert!(!visitor.contains("0f8e2a34"), "{visitor}");
        assert_eq!(visitor, session.visitor_id(), "the same visitor every time");
    }
}
