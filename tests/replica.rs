//! A primary and a replica, each `Service` on its own port, the replica reaching the primary over
//! HTTP with the front-end token, as deployed. The Qdrant collection they share is played by one
//! embedded shard both engines hold: no Qdrant server can run here (the `QDRANT_URL` store tests
//! cover the server itself).
#![cfg(feature = "edge")]

mod common;

use std::sync::Arc;

use consulta_bot::bridge::EngineSink;
use consulta_bot::remote::{CatalogFollower, RemoteAssistant, ServiceClient};
use consulta_bot::service::{
    ExpertCredential, KnowledgeSources, Metrics, ReplicaParts, Service, ServiceConfig,
    ServiceParts, WebInbox,
};
use consulta_desk::{Desk, DeskConfig};
use consulta_models::{E5Embedder, Embedder, default_model_dir};
use consulta_retrieval::{EdgeStore, Engine, RetrievalConfig, VectorStore};
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::Sandbox;

const EXPERT_TOKEN: &str = "expert-token-for-replica-tests";
const FRONTEND_TOKEN: &str = "frontend-token-for-replica-tests";
/// The web-session secret primary and replica share, so that the replica knows the primary's sessions.
const SESSION_SECRET: &str = "session-secret-for-replica-tests";

/// A visitor's session as the primary would mint it.
fn session() -> String {
    consulta_bot::service::SessionKey::from_secret(SESSION_SECRET)
        .sign("7d1c4b2a-replica-visitor-0001")
}
const DESK: &str = r#"
groups = [{ name = "andes", chats = ["web:andes-experts-room"] }]
experts = [{ name = "Ana", identities = ["web:ana"], groups = ["andes"] }]
"#;

/// A primary and a replica over one store, both listening.
struct Deployment {
    _sandbox: Sandbox,
    primary: String,
    replica: String,
    follower: CatalogFollower,
    store: Arc<EdgeStore>,
    /// The knowledge base's passages (the store also holds a question point per FAQ entry).
    passages: usize,
}

fn model() -> Arc<dyn Embedder> {
    Arc::new(E5Embedder::load(&default_model_dir()).expect("the e5 model is installed"))
}

fn service_config() -> ServiceConfig {
    ServiceConfig {
        experts: vec![ExpertCredential {
            identity: "web:ana".parse().unwrap(),
            // The SHA-256 of EXPERT_TOKEN.
            token_sha256: "06b83f4b7f9458bfa59e53c71276f1b5b51ee240bf3c899c78fdd37c2efed0a2".into(),
        }],
        frontend_token: FRONTEND_TOKEN.into(),
        session_secret: SESSION_SECRET.into(),
        ..ServiceConfig::default()
    }
}

async fn listen(service: Service) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { service.serve(listener, std::future::pending()).await });
    url
}

async fn deploy() -> Deployment {
    let sandbox = Sandbox::new();
    let root = sandbox.dir.path().to_path_buf();
    let model = model();
    let store = Arc::new(EdgeStore::open(&root.join("collection"), model.dimension()).unwrap());

    let engine = Engine::open_with_store(
        &root.join("primary"),
        Box::new(store.clone()),
        model.clone(),
        RetrievalConfig::default(),
    )
    .unwrap();
    let loaded = consulta_corpus::load_dir(&sandbox.kb);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    engine.sync(&loaded.passages, &|_, _| {}).unwrap();
    let passages = loaded.passages.len();
    let desk = Desk::builder(toml::from_str::<DeskConfig>(DESK).unwrap())
        .sink(Arc::new(EngineSink(engine.clone())))
        .open(&root.join("desk"))
        .unwrap();
    let primary = listen(
        Service::new(ServiceParts {
            config: service_config(),
            engine,
            desk,
            metrics: Metrics::default(),
            inbox: WebInbox::open(&root.join("web")).unwrap(),
            relayed: Vec::new(),
            sources: KnowledgeSources {
                kb_dir: sandbox.kb.clone(),
                documents_dir: root.join("documents"),
                ingest: Default::default(),
            },
        })
        .unwrap(),
    )
    .await;

    let replica_engine = Engine::open_replica(
        &root.join("replica"),
        Box::new(store.clone()),
        model,
        RetrievalConfig::default(),
    )
    .unwrap();
    let client = ServiceClient::new(&primary, FRONTEND_TOKEN).unwrap();
    let metrics = Metrics::default();
    let replica = listen(Service::replica(ReplicaParts {
        config: service_config(),
        engine: replica_engine.clone(),
        assistant: Arc::new(RemoteAssistant::answering_with(
            client.clone(),
            replica_engine.clone(),
        )),
        metrics: metrics.clone(),
    }))
    .await;
    Deployment {
        _sandbox: sandbox,
        primary,
        replica,
        follower: CatalogFollower::new(client, replica_engine, metrics),
        store,
        passages,
    }
}

async fn call(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn post(base: &str, path: &str, body: Value) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body)
}

fn get(base: &str, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new().get(format!("{base}{path}"))
}

fn as_expert(request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    request
        .bearer_auth(EXPERT_TOKEN)
        .header("X-Consulta-Identity", "web:ana")
}

async fn ask(base: &str, question: &str) -> Value {
    let (status, reply) = call(post(
        base,
        "/v1/ask",
        json!({"question": question, "session": session()}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    reply
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_answers_records_at_the_primary_and_follows_its_new_passages() {
    let mut deployment = deploy().await;
    let (primary, replica) = (deployment.primary.clone(), deployment.replica.clone());
    let points = deployment.store.count().unwrap();

    let (status, _) = call(get(&replica, "/readyz")).await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "no passages before the first poll"
    );
    let report = deployment.follower.poll().await.unwrap().unwrap();
    assert_eq!(report.passages, deployment.passages);
    assert!(
        deployment.follower.poll().await.unwrap().is_none(),
        "304: nothing new"
    );
    let (status, _) = call(get(&replica, "/readyz")).await;
    assert_eq!(status, StatusCode::OK);

    // The replica answers as the primary does, and the primary's desk knows the question.
    let question = "¿Qué parte de las RE6.4 va al Fondo de Adaptación?";
    let here = ask(&replica, question).await;
    let there = ask(&primary, question).await;
    assert_eq!(here["citations"], there["citations"]);
    assert!(
        here["citations"][0]["source"]
            .as_str()
            .unwrap()
            .contains("párr. 67"),
        "{here}"
    );
    let (status, rated) = call(post(
        &primary,
        "/v1/feedback",
        json!({"rating": "up", "question_id": here["question_id"], "session": session()}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{rated}");

    // A question the passages cannot answer goes to an expert on the primary...
    let hard = "¿Cuándo vence el plazo de transición de nuestro proyecto forestal?";
    let asked = ask(&replica, hard).await;
    let (status, ticket) = call(post(
        &primary,
        "/v1/escalations",
        json!({"question_id": asked["question_id"], "session": session()}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    assert_eq!(
        ticket["question"], hard,
        "the primary recorded the replica's question"
    );
    let id = ticket["id"].as_str().unwrap();
    for action in ["claim", "answer"] {
        let text = json!({"text": "El plazo de transición del MDL depende de la fecha de registro del proyecto."});
        let path = format!("/v1/tickets/{id}/{action}");
        let (status, result) = call(as_expert(post(&primary, &path, text))).await;
        assert_eq!(status, StatusCode::OK, "{action}: {result}");
    }
    let path = format!("/v1/tickets/{id}/approve");
    let publish = json!({
        "question": hard,
        "answer": "El plazo de transición del MDL depende de la fecha de registro del proyecto.",
    });
    let (status, approved) = call(as_expert(post(&primary, &path, publish))).await;
    assert_eq!(status, StatusCode::OK, "{approved}");

    // ...and once approved, the replica cites it after its next poll, with the primary's vectors
    // (the answer's and its question's).
    assert_eq!(deployment.store.count().unwrap(), points + 2);
    let before = ask(&replica, hard).await;
    assert_ne!(
        before["citations"][0]["kind"], "curated",
        "not followed yet"
    );
    let report = deployment.follower.poll().await.unwrap().unwrap();
    assert_eq!(
        (report.full_text_added, report.passages),
        (1, deployment.passages + 1)
    );
    let after = ask(&replica, hard).await;
    assert_eq!(after["citations"][0]["kind"], "curated", "{after}");
    assert_eq!(
        deployment.store.count().unwrap(),
        points + 2,
        "the replica wrote nothing"
    );

    let (_, metrics) = call(get(&replica, "/metrics")).await;
    let metrics = metrics.as_str().unwrap().to_string();
    assert!(
        metrics.contains("consulta_replica_synced_timestamp_seconds"),
        "{metrics}"
    );
    assert!(
        metrics.contains("consulta_questions_total{language=\"es\"} 4"),
        "{metrics}"
    );
    assert!(
        !metrics.contains("consulta_tickets"),
        "the primary reports the desk"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_serves_only_the_read_path_and_the_catalog_needs_the_token() {
    let mut deployment = deploy().await;
    deployment.follower.poll().await.unwrap();
    let (primary, replica) = (&deployment.primary, &deployment.replica);

    for (path, status) in [
        ("/v1/tickets", StatusCode::NOT_FOUND),
        ("/v1/catalog", StatusCode::NOT_FOUND),
        ("/", StatusCode::NOT_FOUND),
    ] {
        let (got, body) = call(as_expert(get(replica, path))).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("replica"),
            "{body}"
        );
    }
    let (status, body) = call(post(
        replica,
        "/v1/search",
        json!({"query": "corresponding adjustment"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body["hits"].as_array().unwrap().is_empty());

    let (status, _) = call(get(primary, "/v1/catalog")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(post(
        primary,
        "/v1/questions",
        json!({"asker": {"platform": "web", "chat_id": "visitor-0001", "user_id": "visitor-0001", "display_name": "x"},
               "question": "¿Hola?", "language": "es", "confidence": 0.5, "escalate": false}),
    ))
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "only a front-end or replica records questions"
    );
    let (status, body) = call(
        post(
            primary,
            "/v1/questions",
            json!({"asker": {"platform": "web", "chat_id": "visitor-0001", "user_id": "visitor-0001", "display_name": "x"},
                   "question": "¿Hola?", "language": "es", "confidence": 7.0, "escalate": false}),
        )
        .bearer_auth(FRONTEND_TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_that_cannot_reach_the_primary_is_counted_and_changes_nothing() {
    let sandbox = Sandbox::new();
    let root = sandbox.dir.path();
    let model = model();
    let store = Arc::new(EdgeStore::open(&root.join("collection"), model.dimension()).unwrap());
    let engine = Engine::open_replica(
        &root.join("replica"),
        Box::new(store),
        model,
        RetrievalConfig::default(),
    )
    .unwrap();
    // Nothing listens on port 9 of loopback.
    let client = ServiceClient::new("http://127.0.0.1:9", FRONTEND_TOKEN).unwrap();
    let metrics = Metrics::default();
    let mut follower = CatalogFollower::new(client, engine.clone(), metrics.clone());
    let error = follower.poll().await.unwrap_err();
    assert!(error.to_string().contains("cannot reach"), "{error}");
    assert_eq!(engine.stats().passages, 0);
    let rendered = metrics.render(&Default::default());
    assert!(
        rendered.contains("consulta_replica_sync_failures_total 1"),
        "{rendered}"
    );
}
