//! What one client may ask of the service: a request budget per address and per web session on the
//! routes anyone may call (ask, search, escalations, feedback), a budget of their own for the chat
//! page's poll of its messages, and a cap on the questions being answered at once.
//!
//! Each budget is a token bucket: `per_minute` requests, refilled continuously, so a client may
//! send a burst of a minute's worth and then one request every `60 / per_minute` seconds. A request
//! over budget gets 429 with `Retry-After`, the seconds until the next token. Front-end processes
//! and the operator are not budgeted here: a bot speaks for many users at once, and has its own
//! per-user flood control.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use super::Service;
use super::access::{PublicCaller, WebVisitor};
use super::config::ServiceConfig;
use super::error::ApiError;

/// Buckets kept before the full ones (clients that stopped) are forgotten, and never more: the
/// memory an attacker with many addresses can make the limiter use.
const MAX_BUCKETS: usize = 100_000;

/// The service's budgets and its cap on questions in progress.
pub(crate) struct Limits {
    /// Requests per minute from one address.
    by_address: Budget<IpAddr>,
    /// Requests per minute from one web session.
    by_session: Budget<String>,
    /// Polls of a conversation's messages per minute from one address. Apart from the other
    /// budgets: the chat page polls every few seconds while it is open, which would use up a
    /// budget sized for questions.
    polls_by_address: Budget<IpAddr>,
    /// The same for one web session.
    polls_by_session: Budget<String>,
    /// Questions (asks and searches) being answered at once; more wait for a slot.
    answering: Arc<Semaphore>,
    /// How long a question waits for a slot before it is refused with 503.
    queue_wait: Duration,
    /// The request header naming the client's address when a reverse proxy is in front.
    client_ip_header: Option<String>,
}

impl Limits {
    /// The limits `config` sets.
    pub(crate) fn new(config: &ServiceConfig) -> Limits {
        let header = config.client_ip_header.trim().to_ascii_lowercase();
        Limits {
            by_address: Budget::new(config.requests_per_minute_per_address),
            by_session: Budget::new(config.requests_per_minute_per_session),
            polls_by_address: Budget::new(config.polls_per_minute_per_address),
            polls_by_session: Budget::new(config.polls_per_minute_per_session),
            answering: Arc::new(Semaphore::new(config.max_concurrent_questions.max(1))),
            queue_wait: Duration::from_secs(config.question_queue_secs),
            client_ip_header: (!header.is_empty()).then_some(header),
        }
    }

    /// Spends one request of `session`'s budget.
    pub(crate) fn session(&self, session: &str) -> Result<(), ApiError> {
        self.by_session
            .take(session.to_string(), Instant::now())
            .map_err(|wait| {
                too_many(
                    wait,
                    "this conversation sent too many requests; wait and try again",
                )
            })
    }

    /// The address `request` comes from, as budgets count it ([`Limits::client`]).
    fn client_of(&self, request: &Request) -> Option<IpAddr> {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        self.client(request.headers(), peer)
    }

    /// The client's address: the proxy's header when one is configured, else the peer's.
    fn client(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
        if let Some(name) = &self.client_ip_header {
            // The proxy appends the address it saw last: earlier entries are the client's to forge.
            let forwarded = headers
                .get_all(name.as_str())
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|v| v.trim().parse::<IpAddr>().ok())
                .next_back();
            if let Some(forwarded) = forwarded {
                return Some(budget_key(forwarded));
            }
        }
        peer.map(|p| budget_key(p.ip()))
    }
}

/// The address a budget is kept for: an IPv6 client's /64 network, since one subscriber is given
/// at least a /64 and would otherwise hold 2^64 budgets (and fill the limiter with them); an IPv4
/// address as it is, also when written IPv4-mapped.
fn budget_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
    }
}

/// 429 with the wait in `Retry-After`.
fn too_many(wait: Duration, message: &str) -> ApiError {
    ApiError::too_many_requests(message, wait.as_secs().max(1))
}

/// Token buckets keyed by client.
struct Budget<K> {
    /// Requests a minute; 0 turns the budget off.
    per_minute: u32,
    buckets: Mutex<HashMap<K, Bucket>>,
}

/// One client's tokens.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: std::hash::Hash + Eq> Budget<K> {
    fn new(per_minute: u32) -> Self {
        Budget {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key`, or says how long until one is there.
    fn take(&self, key: K, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_BUCKETS {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < capacity
            });
            // Clients still spending from every bucket: forgetting them all returns budgets an
            // attacker holding that many addresses could have spread their load over anyway,
            // and keeps the memory bounded.
            if buckets.len() >= MAX_BUCKETS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * per_second)
            .min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second)
                .max(Duration::from_secs(1)))
        }
    }
}

/// Spends one request of a visitor's address budget before the handler runs (the access layer,
/// outside this one, has told who the caller is).
pub(super) async fn by_address(
    State(service): State<Service>,
    request: Request,
    next: Next,
) -> Response {
    let limits = &service.state.limits;
    let visitor = request
        .extensions()
        .get::<PublicCaller>()
        .is_none_or(PublicCaller::is_visitor);
    if visitor
        && let Some(client) = limits.client_of(&request)
        && let Err(wait) = limits.by_address.take(client, Instant::now())
    {
        service.state.metrics.rate_limited();
        return too_many(
            wait,
            "too many requests from your address; wait and try again",
        )
        .into_response();
    }
    next.run(request).await
}

/// Spends one poll of the visitor's address and session poll budgets before their messages are read
/// (the access layer, outside this one, has checked the session).
pub(super) async fn polls(
    State(service): State<Service>,
    request: Request,
    next: Next,
) -> Response {
    let limits = &service.state.limits;
    let now = Instant::now();
    let client = limits.client_of(&request);
    let session = request
        .extensions()
        .get::<WebVisitor>()
        .map(|WebVisitor(session)| session.visitor_id());
    let refused = if let Some(Err(wait)) = client.map(|c| limits.polls_by_address.take(c, now)) {
        Some(too_many(
            wait,
            "too many polls from your address; wait and try again",
        ))
    } else if let Some(Err(wait)) = session.map(|s| limits.polls_by_session.take(s, now)) {
        Some(too_many(
            wait,
            "this conversation polls too often; wait and try again",
        ))
    } else {
        None
    };
    if let Some(refused) = refused {
        service.state.metrics.rate_limited();
        return refused.into_response();
    }
    next.run(request).await
}

/// Holds one of the `max_concurrent_questions` slots while a question is answered, so that a burst
/// of long questions queues instead of starving every other route of the CPU.
pub(super) async fn one_question_at_a_time(
    State(service): State<Service>,
    request: Request,
    next: Next,
) -> Response {
    let limits = &service.state.limits;
    let slot =
        tokio::time::timeout(limits.queue_wait, limits.answering.clone().acquire_owned()).await;
    let Ok(Ok(_slot)) = slot else {
        return ApiError::busy("every answering slot is taken; try again in a moment", 1)
            .into_response();
    };
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_allows_a_burst_then_one_request_per_interval() {
        let budget = Budget::new(60);
        let start = Instant::now();
        for _ in 0..60 {
            budget.take("a", start).unwrap();
        }
        let wait = budget.take("a", start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(1));
        assert!(budget.take("b", start).is_ok(), "budgets are per client");
        budget.take("a", start + Duration::from_secs(1)).unwrap();
        assert!(budget.take("a", start + Duration::from_secs(1)).is_err());
    }

    #[test]
    fn an_ipv6_network_shares_one_budget_and_the_buckets_stay_bounded() {
        let key = |text: &str| budget_key(text.parse().unwrap());
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff:1:2:3"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.7"), key("192.0.2.7"));
        assert_ne!(key("192.0.2.7"), key("192.0.2.8"));

        let budget = Budget::new(60);
        let now = Instant::now();
        for n in 0..=MAX_BUCKETS as u32 {
            budget.take(n, now).unwrap();
        }
        let kept = budget.buckets.lock().unwrap().len();
        assert!(kept <= MAX_BUCKETS, "{kept} buckets");
    }

    /// With the default poll budgets, the chat page's cadence (its `POLL_MS`) is never refused over
    /// an hour, from three tabs of one conversation at once.
    #[test]
    fn the_default_poll_budget_holds_the_chat_pages_cadence() {
        let page = include_str!("web/chat.js");
        let interval: u64 = page
            .lines()
            .find_map(|line| line.strip_prefix("const POLL_MS = "))
            .and_then(|rest| rest.trim_end_matches(';').parse().ok())
            .expect("chat.js sets POLL_MS");
        let limits = Limits::new(&ServiceConfig::default());
        let start = Instant::now();
        for n in 0..3600 * 1000 / interval {
            let at = start + Duration::from_millis(n * interval);
            for _tab in 0..3 {
                limits.polls_by_session.take("visitor".into(), at).unwrap();
                limits.polls_by_address.take(ip(), at).unwrap();
            }
        }
    }

    fn ip() -> IpAddr {
        "192.0.2.7".parse().unwrap()
    }

    #[test]
    fn a_zero_budget_is_off() {
        let budget = Budget::new(0);
        let now = Instant::now();
        for _ in 0..1000 {
            budget.take(1u8, now).unwrap();
        }
    }
}
