//! What the front-end tests answer from: the real embedding model (loaded once per test binary), a
//! three-passage knowledge base in Spanish and English, and a real engine over it; and what they read
//! back from the desk and from a front-end's own database.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use consulta_corpus::{Lang, Passage, PassageKind, passage_id};
use consulta_models::{E5Embedder, Embedder, default_model_dir};
use consulta_retrieval::{Engine, RetrievalConfig};

fn model() -> Arc<dyn Embedder> {
    static MODEL: OnceLock<Arc<dyn Embedder>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            Arc::new(
                E5Embedder::load(&default_model_dir())
                    .expect("the e5 model is installed (deploy/fetch-models.sh)"),
            )
        })
        .clone()
}

fn passage(doc: &str, lang: Lang, title: &str, text: &str) -> Passage {
    Passage {
        id: passage_id(doc, lang, title, text),
        doc_id: doc.to_string(),
        kind: PassageKind::Faq,
        lang,
        title: title.to_string(),
        section: title.to_string(),
        source: "Decision 2/CMA.3, annex".to_string(),
        source_url: Some("https://unfccc.int/documents/460950?a=1&b=2".to_string()),
        valid_as_of: Some("2024-11-01".to_string()),
        tags: vec!["6.2".to_string()],
        countries: vec![],
        text: text.to_string(),
        origin: format!("test/{doc}.{lang}"),
    }
}

fn knowledge_base() -> Vec<Passage> {
    vec![
        passage(
            "faq:itmo-what",
            Lang::Es,
            "¿Qué es un ITMO?",
            "Un ITMO (resultado de mitigación de transferencia internacional) es una reducción o remoción \
             de emisiones lograda en un país y transferida a otro en el marco del Artículo 6.2 del Acuerdo \
             de París. Se mide en toneladas de CO2 equivalente. El país anfitrión debe autorizarlo antes de \
             su primera transferencia.",
        ),
        passage(
            "faq:itmo-what",
            Lang::En,
            "What is an ITMO?",
            "An ITMO (internationally transferred mitigation outcome) is an emission reduction or removal \
             achieved in one country and transferred to another under Article 6.2 of the Paris Agreement. \
             It is measured in tonnes of CO2 equivalent. The host country must authorise it before its \
             first transfer.",
        ),
        passage(
            "faq:ca-what",
            Lang::En,
            "What is a corresponding adjustment?",
            "A corresponding adjustment is an accounting entry: the country that transfers an ITMO adds the \
             transferred amount to its emissions balance, and the acquiring country subtracts it, so the \
             same reduction is not counted twice towards NDCs.",
        ),
    ]
}

/// An engine in `dir` with the knowledge base indexed.
pub fn engine(dir: &Path) -> Engine {
    let engine = Engine::open(dir, model(), RetrievalConfig::default()).expect("the engine opens");
    engine
        .sync(&knowledge_base(), &|_, _| {})
        .expect("the knowledge base is indexed");
    engine
}

/// Serves `app` on a free port of 127.0.0.1 and returns its address.
pub async fn serve(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on 127.0.0.1");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// Polls `probe` every 20 ms until it finds something; after `timeout` the test fails, saying what it
/// waited for and what `describe` shows of the fake's state.
pub async fn eventually<T>(
    what: &str,
    timeout: std::time::Duration,
    probe: impl Fn() -> Option<T>,
    describe: impl Fn() -> String,
) -> T {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}; {}",
            describe()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The internal notes on a ticket, oldest first.
pub fn notes(ticket: &consulta_desk::Ticket) -> Vec<String> {
    ticket
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            consulta_desk::EventKind::Note { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// Every row of `trees` in the front-end database at `path` (read once the bot has stopped), as its
/// tree and its key and value in one lossy UTF-8 string: where a retention test looks for the ids
/// of swept tickets.
pub fn rows(path: &Path, trees: &[&str]) -> Vec<(String, String)> {
    let db = open_released(path);
    let mut rows = Vec::new();
    for name in trees {
        for entry in db.open_tree(name).expect("a tree opens").iter() {
            let (key, value) = entry.expect("an entry reads");
            let row = String::from_utf8_lossy(&key).into_owned() + &String::from_utf8_lossy(&value);
            rows.push((name.to_string(), row));
        }
    }
    rows
}

/// The trees of the rows in `rows` (from [`rows`]) that name `id`, one entry per row.
pub fn trees_naming<'a>(rows: &'a [(String, String)], id: &str) -> Vec<&'a str> {
    rows.iter()
        .filter(|(_, row)| row.contains(id))
        .map(|(tree, _)| tree.as_str())
        .collect()
}

/// Fails when a row of `rows` (from [`rows`]) still names `swept`, a ticket the retention rule
/// deleted, saying in which trees.
pub fn assert_none_names(rows: &[(String, String)], swept: &str) {
    let naming = trees_naming(rows, swept);
    assert!(naming.is_empty(), "rows about {swept} remain in {naming:?}");
}

/// Opens the sled database at `path` once the stopped bot has let go of it: its last handles (the
/// store's background flusher, a task still unwinding) can hold the directory's lock for a moment
/// after the bot returns.
pub fn open_released(path: &Path) -> sled::Db {
    consulta_desk::open_sled(path, std::time::Duration::from_secs(5))
        .expect("the front-end's database opens")
}
