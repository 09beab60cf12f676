//! The chat page and the expert console in a real browser: Debian's headless Chromium, driven over
//! the W3C WebDriver protocol through chromedriver (`deploy/install-test-deps.sh` installs both).
//! A visitor asks and sees citations, asks for an expert; an expert asks a clarifying question from
//! the console, the visitor replies from the page, the expert reads the reply and answers; the answer
//! appears on the visitor's page.

mod common;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};

use common::Sandbox;

const CONFIG: &str = r#"
[service]
# The SHA-256 of Ana's token, "console-secret".
experts = [{ identity = "web:ana", token_sha256 = "e0dadd75ef26528d3976a2dcddac7731ae4d184368a8a06d1b4112154c7d8972" }]

[desk]
groups = [{ name = "andes", chats = ["web:andes-experts-room"] }]
experts = [{ name = "Ana", identities = ["web:ana"], groups = ["andes"] }]
"#;

/// WebDriver's key for element references in JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const WAIT: Duration = Duration::from_secs(60);

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    base: String,
    http: Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window.
struct Browser<'a> {
    driver: &'a Driver,
    session: String,
}

fn chromedriver() -> Option<String> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_string)
}

impl Driver {
    async fn start(binary: &str) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: Client::new(),
        };
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(response) = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await
                && response.status().is_success()
            {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let value: Value = response.json().await.unwrap();
        assert!(status.is_success(), "WebDriver {path}: {value}");
        value["value"].clone()
    }

    async fn browser(&self) -> Browser<'_> {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=412,915"]
            }
        }}});
        let value = self
            .call(reqwest::Method::POST, "/session", Some(capabilities))
            .await;
        Browser {
            driver: self,
            session: value["sessionId"].as_str().unwrap().to_string(),
        }
    }
}

impl Browser<'_> {
    async fn post(&self, path: &str, body: Value) -> Value {
        self.driver
            .call(
                reqwest::Method::POST,
                &format!("/session/{}{path}", self.session),
                Some(body),
            )
            .await
    }

    async fn open(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    async fn script(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": []}))
            .await
    }

    async fn find_all(&self, css: &str) -> Vec<String> {
        let found = self
            .post("/elements", json!({"using": "css selector", "value": css}))
            .await;
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[ELEMENT].as_str().unwrap().to_string())
            .collect()
    }

    async fn text(&self, element: &str) -> String {
        let path = format!("/session/{}/element/{element}/text", self.session);
        self.driver
            .call(reqwest::Method::GET, &path, None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits until an element matching `css` shows `text`, and returns it.
    async fn wait_for(&self, css: &str, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            for element in self.find_all(css).await {
                if self.text(&element).await.contains(text) {
                    return element;
                }
            }
            assert!(Instant::now() < deadline, "no {css} showing {text:?}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    async fn click(&self, css: &str) {
        let element = self.wait_for(css, "").await;
        self.post(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.wait_for(css, "").await;
        self.post(
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// Every form control has a label a screen reader announces.
    async fn assert_labelled(&self) {
        let unlabelled = self
            .script("return [...document.querySelectorAll('input,select,textarea')].filter(e => e.labels.length === 0).map(e => e.id);")
            .await;
        assert_eq!(unlabelled, json!([]), "controls without a label");
    }

    async fn close(self) {
        let path = format!("/session/{}", self.session);
        self.driver.call(reqwest::Method::DELETE, &path, None).await;
    }
}

#[tokio::test]
async fn a_visitor_asks_escalates_and_reads_the_experts_answer_from_the_console() {
    let Some(binary) = chromedriver() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver is missing: run deploy/install-test-deps.sh"
        );
        eprintln!(
            "SKIPPED: no chromedriver; run deploy/install-test-deps.sh to run the browser test"
        );
        return;
    };
    let sandbox = Sandbox::new().ingested();
    let server = sandbox.serve(CONFIG);
    let driver = Driver::start(&binary).await;

    let visitor = driver.browser().await;
    visitor.open(&server.url("/")).await;
    visitor.assert_labelled().await;
    visitor
        .script("const s = document.getElementById('language'); s.value = 'es'; s.dispatchEvent(new Event('change'));")
        .await;
    visitor.wait_for("label[for=question]", "Su pregunta").await;
    visitor
        .type_into("#question", "¿Cuándo debe presentarse el informe inicial?")
        .await;
    visitor.click("#ask").await;
    visitor
        .wait_for(".citation", "Decisión 2/CMA.3, anexo, párr. 18")
        .await;
    visitor.click(".answer .expert-button").await;
    let notice = visitor.wait_for(".escalated", "Ticket").await;
    let notice = visitor.text(&notice).await;

    let expert = driver.browser().await;
    expert.open(&server.url("/console")).await;
    expert.assert_labelled().await;
    expert.type_into("#identity", "web:ana").await;
    expert.type_into("#token", "console-secret").await;
    expert.click("#signin").await;
    let row = expert.wait_for(".ticket-row", "informe inicial").await;
    let id = expert.text(&row).await;
    let id = id.split_whitespace().next().unwrap().to_string();
    assert!(notice.contains(&id), "{notice} / {id}");
    // Keyboard only: Enter on the focused row opens the ticket.
    expert
        .post(
            &format!("/element/{row}/value"),
            json!({"text": "\u{E007}"}),
        )
        .await;
    expert.wait_for("#ticket-question", "informe inicial").await;
    expert.click("#claim").await;
    expert.wait_for("#ticket-title", "Claimed").await;
    // A clarifying question from the console reaches the visitor's page; their reply, sent from the
    // form under it, comes back onto the ticket.
    expert
        .type_into("#answer-text", "¿Para qué enfoque: 6.2 o 6.4?")
        .await;
    expert.click("#clarify-send").await;
    expert
        .wait_for("#ticket-title", "Waiting for the asker")
        .await;
    expert
        .wait_for("#ticket-exchange .clarification", "6.2 o 6.4")
        .await;
    visitor
        .wait_for(".expert-message .expert-text", "6.2 o 6.4")
        .await;
    visitor.assert_labelled().await;
    visitor
        .type_into(
            ".expert-message .reply-text",
            "Para el 6.2, enfoques cooperativos.",
        )
        .await;
    visitor.click(".expert-message .reply-send").await;
    visitor.wait_for("#status", "Respuesta enviada").await;
    visitor
        .wait_for(".mine .question-text", "enfoques cooperativos")
        .await;
    expert.click(".ticket-row").await;
    expert
        .wait_for("#ticket-exchange .asker_replied", "enfoques cooperativos")
        .await;
    expert.wait_for("#ticket-title", "Claimed").await;
    expert
        .type_into(
            "#answer-text",
            "Se presenta a más tardar al autorizar los RMTI. Dudas: ana@ministerio.example",
        )
        .await;
    expert.click("#answer-send").await;
    expert.wait_for(".given-answer", "a más tardar").await;

    visitor
        .wait_for(".expert-message .expert-text", "a más tardar al autorizar")
        .await;

    // Approving opens the edit step with the text to publish; the e-mail address is flagged, and
    // publishing it unconfirmed is refused.
    expert.click("#approve").await;
    expert
        .wait_for("#particulars", "ana@ministerio.example")
        .await;
    expert.click("#publish-send").await;
    expert.wait_for("#particulars", "not approved").await;
    expert
        .script(
            "document.getElementById('faq-question').value = '¿Cuándo se presenta el informe inicial del artículo 6.2?'; \
             document.getElementById('faq-answer').value = 'A más tardar al autorizar los RMTI.'; return null;",
        )
        .await;
    expert.click("#publish-send").await;
    expert.wait_for("#status", "Approved").await;
    let (question, answer) = curated_text(&server).await;
    assert_eq!(
        question,
        "¿Cuándo se presenta el informe inicial del artículo 6.2?"
    );
    assert_eq!(answer, "A más tardar al autorizar los RMTI.");
    visitor.close().await;
    expert.close().await;
}

/// The question and answer of the first curated citation for the edited question.
async fn curated_text(server: &common::Server) -> (String, String) {
    let reply: Value = Client::new()
        .post(server.url("/v1/search"))
        .json(&json!({"query": "informe inicial del artículo 6.2 RMTI", "k": 5}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let passage = reply["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["passage"])
        .find(|p| p["kind"] == "curated")
        .unwrap_or_else(|| panic!("no curated hit in {reply}"))
        .clone();
    (
        passage["title"].as_str().unwrap().to_string(),
        passage["text"].as_str().unwrap().to_string(),
    )
}
