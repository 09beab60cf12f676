//! The service's counters and their Prometheus text exposition at `/metrics`: requests, answer
//! latency, escalations, the desk's backlog and dead letters, and the replica's freshness.

use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use consulta_corpus::Lang;

/// Upper bounds of the latency histogram's buckets, in seconds: from the compute floor of one query
/// (~10 ms) to the point where an answer is too slow for a chat.
const LATENCY_BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// The service's counters, shared by every route and front-end of the process. Cheap to clone.
///
/// Gauges that the desk and the indexes already know (tickets by status, the outbox backlog,
/// passages) are read at scrape time instead of being mirrored here, so they cannot drift.
#[derive(Clone, Default)]
pub struct Metrics {
    inner: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    /// Questions answered, per answer language (es, pt, en).
    questions: [AtomicU64; 3],
    /// Answers that recommended an expert (low confidence or a personal request).
    low_confidence: AtomicU64,
    /// Tickets opened.
    escalations: AtomicU64,
    /// Ratings received, 👍 then 👎.
    ratings: [AtomicU64; 2],
    /// Answer latency histogram: one count per bucket (not cumulative), then the +Inf bucket.
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    /// Sum of all latencies, in microseconds.
    latency_sum_micros: AtomicU64,
    /// HTTP responses by class: 2xx (and 1xx), 3xx, 4xx, 5xx. Redirects and 304s have their own
    /// class so that a replica's `304 Not Modified` polls do not pass for answered questions.
    responses: [AtomicU64; 4],
    /// Requests refused with 429 because a client spent its budget ([`super::limits`]).
    rate_limited: AtomicU64,
    /// A replica's last poll of the primary's manifest that succeeded, in Unix seconds (0: none).
    replica_synced_at: AtomicU64,
    /// A replica's polls of the primary's manifest that failed.
    replica_sync_failures: AtomicU64,
}

fn lang_slot(lang: Lang) -> usize {
    match lang {
        Lang::Es => 0,
        Lang::Pt => 1,
        Lang::En => 2,
    }
}

/// Values only the caller knows at scrape time.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The desk's gauges; `None` on a replica, whose primary reports them.
    pub desk: Option<DeskGauges>,
    /// Passages in the indexes.
    pub passages: usize,
}

/// What the desk holds now, read when `/metrics` is scraped.
#[derive(Debug, Clone, Default)]
pub struct DeskGauges {
    /// Tickets per status name.
    pub tickets: Vec<(&'static str, usize)>,
    /// Messages waiting in the outbox.
    pub outbox_backlog: u64,
    /// Messages the outbox gave up on.
    pub dead_letters: u64,
    /// Tickets still in hand whose asker did not receive the desk's last message: each needs an
    /// expert to reach the asker another way.
    pub asker_unreachable: usize,
}

impl Metrics {
    /// A replica reached the primary and holds its current passages.
    pub fn replica_synced(&self) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.inner.replica_synced_at.store(now, Ordering::Relaxed);
    }

    /// A replica could not fetch or follow the primary's manifest.
    pub fn replica_sync_failed(&self) {
        self.inner
            .replica_sync_failures
            .fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one answered question and how long it took.
    pub fn question(&self, lang: Lang, low_confidence: bool, took: Duration) {
        let c = &self.inner;
        c.questions[lang_slot(lang)].fetch_add(1, Ordering::Relaxed);
        if low_confidence {
            c.low_confidence.fetch_add(1, Ordering::Relaxed);
        }
        let seconds = took.as_secs_f64();
        let slot = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        c.latency_buckets[slot].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        c.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Counts one ticket opened.
    pub fn escalation(&self) {
        self.inner.escalations.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one rating.
    pub fn rating(&self, helpful: bool) {
        self.inner.ratings[usize::from(!helpful)].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one HTTP response by its status code.
    pub fn response(&self, status: u16) {
        let slot = match status {
            500.. => 3,
            400.. => 2,
            300.. => 1,
            _ => 0,
        };
        self.inner.responses[slot].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a request refused for being over a client's budget.
    pub fn rate_limited(&self) {
        self.inner.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self, snapshot: &Snapshot) -> String {
        let c = &self.inner;
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut out = String::new();
        family(
            &mut out,
            "consulta_questions_total",
            "counter",
            "Questions answered, by answer language.",
        );
        for lang in [Lang::Es, Lang::Pt, Lang::En] {
            let _ = writeln!(
                out,
                "consulta_questions_total{{language=\"{lang}\"}} {}",
                load(&c.questions[lang_slot(lang)])
            );
        }
        family(
            &mut out,
            "consulta_low_confidence_answers_total",
            "counter",
            "Answers that recommended an expert.",
        );
        let _ = writeln!(
            out,
            "consulta_low_confidence_answers_total {}",
            load(&c.low_confidence)
        );
        family(
            &mut out,
            "consulta_escalations_total",
            "counter",
            "Tickets opened for the experts.",
        );
        let _ = writeln!(out, "consulta_escalations_total {}", load(&c.escalations));
        family(
            &mut out,
            "consulta_ratings_total",
            "counter",
            "Ratings of answers.",
        );
        let _ = writeln!(
            out,
            "consulta_ratings_total{{rating=\"up\"}} {}",
            load(&c.ratings[0])
        );
        let _ = writeln!(
            out,
            "consulta_ratings_total{{rating=\"down\"}} {}",
            load(&c.ratings[1])
        );
        family(
            &mut out,
            "consulta_answer_duration_seconds",
            "histogram",
            "Time to answer a question.",
        );
        let mut cumulative = 0;
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&c.latency_buckets) {
            cumulative += load(bucket);
            let _ = writeln!(
                out,
                "consulta_answer_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += load(&c.latency_buckets[LATENCY_BUCKETS.len()]);
        let _ = writeln!(
            out,
            "consulta_answer_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let sum = load(&c.latency_sum_micros) as f64 / 1e6;
        let _ = writeln!(out, "consulta_answer_duration_seconds_sum {sum}");
        let _ = writeln!(out, "consulta_answer_duration_seconds_count {cumulative}");
        family(
            &mut out,
            "consulta_http_responses_total",
            "counter",
            "HTTP responses by status class.",
        );
        for (class, slot) in [("2xx", 0), ("3xx", 1), ("4xx", 2), ("5xx", 3)] {
            let _ = writeln!(
                out,
                "consulta_http_responses_total{{class=\"{class}\"}} {}",
                load(&c.responses[slot])
            );
        }
        family(
            &mut out,
            "consulta_rate_limited_total",
            "counter",
            "Requests refused because a client sent more than its budget (service.requests_per_minute_*).",
        );
        let _ = writeln!(out, "consulta_rate_limited_total {}", load(&c.rate_limited));
        if let Some(desk) = &snapshot.desk {
            family(
                &mut out,
                "consulta_tickets",
                "gauge",
                "Tickets in the desk, by status.",
            );
            for (status, count) in &desk.tickets {
                let _ = writeln!(out, "consulta_tickets{{status=\"{status}\"}} {count}");
            }
            family(
                &mut out,
                "consulta_outbox_backlog",
                "gauge",
                "Messages waiting to be delivered.",
            );
            let _ = writeln!(out, "consulta_outbox_backlog {}", desk.outbox_backlog);
            family(
                &mut out,
                "consulta_outbox_dead_letters",
                "gauge",
                "Messages the outbox gave up on.",
            );
            let _ = writeln!(out, "consulta_outbox_dead_letters {}", desk.dead_letters);
            family(
                &mut out,
                "consulta_tickets_asker_unreachable",
                "gauge",
                "Tickets not closed whose asker did not receive the desk's last message.",
            );
            let _ = writeln!(
                out,
                "consulta_tickets_asker_unreachable {}",
                desk.asker_unreachable
            );
        }
        let synced_at = load(&c.replica_synced_at);
        let sync_failures = load(&c.replica_sync_failures);
        if synced_at + sync_failures > 0 {
            family(
                &mut out,
                "consulta_replica_synced_timestamp_seconds",
                "gauge",
                "When this replica last held the primary's current passages (Unix time).",
            );
            let _ = writeln!(out, "consulta_replica_synced_timestamp_seconds {synced_at}");
            family(
                &mut out,
                "consulta_replica_sync_failures_total",
                "counter",
                "Polls of the primary's passage manifest that failed.",
            );
            let _ = writeln!(out, "consulta_replica_sync_failures_total {sync_failures}");
        }
        family(
            &mut out,
            "consulta_index_passages",
            "gauge",
            "Passages in the indexes.",
        );
        let _ = writeln!(out, "consulta_index_passages {}", snapshot.passages);
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_counts_every_answer() {
        let metrics = Metrics::default();
        metrics.question(Lang::Es, false, Duration::from_millis(3));
        metrics.question(Lang::Es, true, Duration::from_millis(40));
        metrics.question(Lang::Pt, false, Duration::from_secs(9));
        let text = metrics.render(&Snapshot::default());
        assert!(
            text.contains("consulta_questions_total{language=\"es\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("consulta_questions_total{language=\"pt\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("consulta_low_confidence_answers_total 1"),
            "{text}"
        );
        assert!(
            text.contains("consulta_answer_duration_seconds_bucket{le=\"0.005\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("consulta_answer_duration_seconds_bucket{le=\"0.05\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("consulta_answer_duration_seconds_bucket{le=\"5\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("consulta_answer_duration_seconds_bucket{le=\"+Inf\"} 3"),
            "{text}"
        );
        assert!(
            text.contains("consulta_answer_duration_seconds_count 3"),
            "{text}"
        );
    }
}
