//! A fake Discord gateway on 127.0.0.1: HELLO, IDENTIFY → READY, heartbeats, RESUME → replay and
//! RESUMED, and dispatches the events the test pushes. It can drop the connection, as Discord does
//! now and then, to make the client reconnect and resume.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message;

use super::fake::{APP_ID, bot_user};

/// The gateway's state, shared with the test.
#[derive(Default)]
pub struct Gateway {
    /// Every dispatched event, with its sequence number (its index + 1).
    events: Mutex<Vec<(String, Value)>>,
    /// What the client sent: op codes, in order.
    received: Mutex<Vec<Value>>,
    /// Wakes connections to send new events.
    pushed: Notify,
    /// Drops requested so far; a connection closes when this passes the count it started with.
    drops: AtomicUsize,
    /// Wakes connections to drop.
    drop_now: Notify,
    /// Event frames sent, replays included.
    dispatched: AtomicUsize,
    /// The close code to answer the next IDENTIFY with, to play a fatal close (4004, 4013, 4014).
    refuse_identify: Mutex<Option<u16>>,
    url: Mutex<String>,
}

impl Gateway {
    /// Starts the gateway on a free port.
    pub async fn start() -> Arc<Gateway> {
        let gateway = Arc::new(Gateway::default());
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port on 127.0.0.1");
        *gateway.url.lock().unwrap() = format!("ws://{}", listener.local_addr().unwrap());
        let serving = gateway.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let gateway = serving.clone();
                tokio::spawn(async move {
                    if let Ok(socket) = tokio_tungstenite::accept_async(stream).await {
                        gateway.session(socket).await;
                    }
                });
            }
        });
        gateway
    }

    /// The URL `GET /gateway` should answer.
    pub fn url(&self) -> String {
        self.url.lock().unwrap().clone()
    }

    /// Dispatches event `kind` with payload `data` to the connected client (and to a resuming one).
    pub fn push(&self, kind: &str, data: Value) {
        self.events.lock().unwrap().push((kind.to_string(), data));
        self.pushed.notify_waiters();
    }

    /// Closes the connection (code 4000, "unknown error": the client should resume).
    pub fn drop_connection(&self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
        self.drop_now.notify_waiters();
    }

    /// Event frames sent so far, replays included.
    pub fn dispatched(&self) -> usize {
        self.dispatched.load(Ordering::SeqCst)
    }

    /// Answers every IDENTIFY by closing with `code`, as Discord does for a bad token (4004) or
    /// intents the application may not use (4014).
    pub fn refuse_identify(&self, code: u16) {
        *self.refuse_identify.lock().unwrap() = Some(code);
    }

    /// Whether IDENTIFY is refused: the client then never gets a session to be ready in.
    pub fn refusing(&self) -> bool {
        self.refuse_identify.lock().unwrap().is_some()
    }

    /// What the client sent so far.
    pub fn received(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }

    /// The number of events dispatched so far.
    pub fn sequence(&self) -> usize {
        self.events.lock().unwrap().len()
    }

    async fn session(
        self: Arc<Self>,
        socket: tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
    ) {
        let (mut tx, mut rx) = socket.split();
        let drops = self.drops.load(Ordering::SeqCst);
        let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}, "s": null, "t": null});
        if tx.send(Message::Text(hello.to_string())).await.is_err() {
            return;
        }
        // Events up to `sent` have gone out on this connection.
        let mut sent: Option<usize> = None;
        loop {
            let pushed = self.pushed.notified();
            let dropped = self.drop_now.notified();
            if self.drops.load(Ordering::SeqCst) != drops {
                let close = tokio_tungstenite::tungstenite::protocol::CloseFrame {
                    code: 4000.into(),
                    reason: "test drop".into(),
                };
                let _ = tx.send(Message::Close(Some(close))).await;
                return;
            }
            if let Some(from) = sent {
                let events = self.events.lock().unwrap().clone();
                for (i, (kind, data)) in events.iter().enumerate().skip(from) {
                    let frame = json!({"op": 0, "t": kind, "s": i + 1 + READY_SEQ, "d": data});
                    if tx.send(Message::Text(frame.to_string())).await.is_err() {
                        return;
                    }
                    self.dispatched.fetch_add(1, Ordering::SeqCst);
                }
                sent = Some(events.len());
            }
            tokio::select! {
                () = pushed => {}
                () = dropped => {}
                () = tokio::time::sleep(Duration::from_millis(200)) => {}
                frame = rx.next() => {
                    let Some(Ok(Message::Text(text))) = frame else {
                        if matches!(frame, Some(Ok(_))) {
                            continue;
                        }
                        return;
                    };
                    let payload: Value = serde_json::from_str(&text).unwrap_or_default();
                    self.received.lock().unwrap().push(payload.clone());
                    let reply = match payload["op"].as_u64() {
                        Some(1) => Some(json!({"op": 11, "d": null, "s": null, "t": null})),
                        Some(2) if self.refuse_identify.lock().unwrap().is_some() => {
                            let code = self.refuse_identify.lock().unwrap().unwrap_or(4004);
                            let close = tokio_tungstenite::tungstenite::protocol::CloseFrame {
                                code: code.into(),
                                reason: "refused".into(),
                            };
                            let _ = tx.send(Message::Close(Some(close))).await;
                            return;
                        }
                        Some(2) => {
                            sent = Some(self.sequence());
                            Some(ready(&self.url()))
                        }
                        Some(6) => {
                            // Replay what the client missed, and, as an at-least-once gateway may,
                            // the last event it did get.
                            let seq = payload["d"]["seq"].as_u64().unwrap_or(0) as usize;
                            sent = Some(seq.saturating_sub(READY_SEQ + 1));
                            // A dispatch carries its sequence, as Discord's RESUMED does: with
                            // `s: null` serenity drops it and the bot never hears it resumed.
                            Some(json!({"op": 0, "t": "RESUMED", "s": seq, "d": {}}))
                        }
                        _ => None,
                    };
                    if let Some(reply) = reply
                        && tx.send(Message::Text(reply.to_string())).await.is_err()
                    {
                        return;
                    }
                }
            }
        }
    }
}

/// READY is sequence 1; pushed events follow.
const READY_SEQ: usize = 1;

fn ready(url: &str) -> Value {
    json!({"op": 0, "t": "READY", "s": READY_SEQ, "d": {
        "v": 10, "user": bot_user(), "guilds": [], "session_id": "session-1",
        "resume_gateway_url": url, "shard": [0, 1],
        "application": {"id": APP_ID.to_string(), "flags": 0}
    }})
}
