//! Load on the HTTP service: many clients asking at once, as a busy observatory would see it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::measure::percentile;

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    /// The service, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// Clients asking at the same time, each waiting for its answer before the next question.
    pub clients: usize,
    /// How long to keep asking.
    pub duration: Duration,
    /// Questions, taken in turn.
    pub questions: Vec<String>,
}

/// What happened.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Answers received (HTTP 200 with an answer).
    pub answered: usize,
    /// Requests that failed: transport errors and non-200 statuses.
    pub errors: usize,
    /// The first few failures, for the operator.
    pub first_errors: Vec<String>,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Latencies of the answered requests, sorted.
    pub latencies: Vec<Duration>,
}

impl LoadReport {
    /// Answers per second.
    pub fn throughput(&self) -> f64 {
        self.answered as f64 / self.elapsed.as_secs_f64()
    }

    /// The `q` quantile of the latencies.
    pub fn latency(&self, q: f64) -> Duration {
        percentile(&self.latencies, q)
    }
}

/// A web session from the service (`POST /v1/sessions`).
pub async fn new_session(http: &reqwest::Client, base: &str) -> Result<String, reqwest::Error> {
    let reply: serde_json::Value = http
        .post(format!("{base}/v1/sessions"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(reply["session"].as_str().unwrap_or_default().to_string())
}

/// Runs `plan.clients` concurrent clients against `POST /v1/ask` for `plan.duration`.
pub async fn drive(plan: &LoadPlan) -> LoadReport {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(plan.clients)
        .build()
        .expect("an HTTP client");
    let base = plan.base_url.trim_end_matches('/').to_string();
    let url = format!("{base}/v1/ask");
    let questions = Arc::new(plan.questions.clone());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + plan.duration;
    let mut clients = Vec::with_capacity(plan.clients);
    for client in 0..plan.clients {
        let (http, url, base, questions, next) = (
            http.clone(),
            url.clone(),
            base.clone(),
            questions.clone(),
            next.clone(),
        );
        clients.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            // Each client is one visitor, with the session the service mints for it.
            let session = match new_session(&http, &base).await {
                Ok(session) => session,
                Err(e) => {
                    errors.push(format!("client {client}: no session: {e}"));
                    return (latencies, errors);
                }
            };
            while Instant::now() < deadline {
                let question = &questions[next.fetch_add(1, Ordering::Relaxed) % questions.len()];
                let sent = Instant::now();
                let body = json!({ "question": question, "session": session });
                match http.post(&url).json(&body).send().await {
                    Ok(response) if response.status().is_success() => {
                        match response.bytes().await {
                            Ok(_) => latencies.push(sent.elapsed()),
                            Err(e) => errors.push(e.to_string()),
                        }
                    }
                    Ok(response) => errors.push(format!("HTTP {}", response.status())),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            (latencies, errors)
        }));
    }
    let mut report = LoadReport {
        answered: 0,
        errors: 0,
        first_errors: Vec::new(),
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
    };
    for client in clients {
        let (latencies, errors) = client.await.unwrap_or_default();
        report.answered += latencies.len();
        report.errors += errors.len();
        report.first_errors.extend(
            errors
                .into_iter()
                .take(3usize.saturating_sub(report.first_errors.len())),
        );
        report.latencies.extend(latencies);
    }
    report.elapsed = started.elapsed();
    report.latencies.sort();
    report
}
