//! Shared fixtures of the integration tests: the real model, a small es/pt/en knowledge base, and
//! an embedder wrapper that counts what it embeds.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use consulta_corpus::{Lang, Passage, PassageKind, passage_id};
use consulta_models::{E5Embedder, Embedder, ModelError, Role, default_model_dir};
use consulta_retrieval::{Engine, RetrievalConfig};

/// The real multilingual-e5-small, loaded once per test binary.
pub fn model() -> Arc<dyn Embedder> {
    static MODEL: OnceLock<Arc<dyn Embedder>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let embedder = E5Embedder::load(&default_model_dir())
                .expect("the e5 model is installed (deploy/fetch-models.sh)");
            Arc::new(embedder)
        })
        .clone()
}

/// Wraps the real model and counts the passages and the questions it embeds.
pub struct CountingEmbedder {
    inner: Arc<dyn Embedder>,
    passages: AtomicUsize,
    questions: AtomicUsize,
    name: String,
}

impl CountingEmbedder {
    pub fn new() -> Arc<CountingEmbedder> {
        let inner = model();
        Self::named(inner.name())
    }

    /// The real model under another name, as a model upgrade would look to the engine.
    pub fn named(name: &str) -> Arc<CountingEmbedder> {
        Arc::new(CountingEmbedder {
            inner: model(),
            passages: AtomicUsize::new(0),
            questions: AtomicUsize::new(0),
            name: name.to_string(),
        })
    }

    /// Passages embedded so far; resets the count.
    pub fn take(&self) -> usize {
        self.passages.swap(0, Ordering::SeqCst)
    }

    /// Questions embedded so far; resets the count.
    pub fn take_questions(&self) -> usize {
        self.questions.swap(0, Ordering::SeqCst)
    }
}

impl Embedder for CountingEmbedder {
    fn dimension(&self) -> usize {
        self.inner.dimension()
    }

    fn embed(&self, texts: &[&str], role: Role) -> Result<Vec<Vec<f32>>, ModelError> {
        match role {
            Role::Passage => self.passages.fetch_add(texts.len(), Ordering::SeqCst),
            Role::Query => self.questions.fetch_add(texts.len(), Ordering::SeqCst),
        };
        self.inner.embed(texts, role)
    }

    fn name(&self) -> &str {
        &self.name
    }
}

pub fn passage(
    doc_id: &str,
    kind: PassageKind,
    lang: Lang,
    title: &str,
    tags: &[&str],
    text: &str,
) -> Passage {
    Passage {
        id: passage_id(doc_id, lang, title, text),
        doc_id: doc_id.to_string(),
        kind,
        lang,
        title: title.to_string(),
        section: title.to_string(),
        source: "Decision 2/CMA.3, annex".to_string(),
        source_url: Some("https://unfccc.int/documents/460950".to_string()),
        valid_as_of: Some("2024-11-01".to_string()),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        countries: vec![],
        text: text.to_string(),
        origin: format!("test/{doc_id}.{lang}"),
    }
}

/// A small knowledge base in the three languages. Topics overlap on purpose (ITMOs exist in
/// Spanish and English) and one topic exists only in English (the 6.4 registry), for the
/// cross-lingual case.
pub fn knowledge_base() -> Vec<Passage> {
    use Lang::*;
    use PassageKind::*;
    vec![
        passage(
            "faq:itmo-what",
            Faq,
            Es,
            "¿Qué es un ITMO?",
            &["6.2"],
            "Un ITMO (resultado de mitigación de transferencia internacional) es una reducción o \
             remoción de emisiones lograda en un país y transferida a otro en el marco del \
             Artículo 6.2 del Acuerdo de París. Se mide en toneladas de CO2 equivalente. El país \
             anfitrión debe autorizarlo antes de su primera transferencia.",
        ),
        passage(
            "faq:itmo-what",
            Faq,
            En,
            "What is an ITMO?",
            &["6.2"],
            "An ITMO (internationally transferred mitigation outcome) is an emission reduction or \
             removal achieved in one country and transferred to another under Article 6.2 of the \
             Paris Agreement. It is measured in tonnes of CO2 equivalent. The host country must \
             authorise it before its first transfer.",
        ),
        passage(
            "faq:ca-what",
            Faq,
            Pt,
            "O que é um ajuste correspondente?",
            &["6.2"],
            "O ajuste correspondente é um lançamento contábil que o país que transfere um ITMO faz \
             no seu balanço de emissões, somando a quantidade transferida, enquanto o país que \
             adquire subtrai a mesma quantidade. Assim a mesma redução não é contada duas vezes \
             para as NDCs.",
        ),
        passage(
            "guide:autorizacion",
            Guide,
            Es,
            "Autorización de ITMO",
            &["6.2"],
            "La autorización es una decisión formal del país anfitrión. Debe indicar si los ITMO \
             se usarán para el cumplimiento de una NDC o para otros fines de mitigación \
             internacional, como CORSIA. Sin autorización no se puede aplicar el ajuste \
             correspondiente.",
        ),
        passage(
            "guide:registry",
            Guide,
            En,
            "The Article 6.4 mechanism registry",
            &["6.4"],
            "The mechanism registry records the issuance of A6.4ERs, their transfer between \
             accounts and their cancellation. A share of proceeds of five percent of the issued \
             A6.4ERs is transferred to the Adaptation Fund to finance adaptation in developing \
             countries.",
        ),
        passage(
            "guide:cdm-transition",
            Guide,
            En,
            "Transition of CDM activities",
            &["6.4"],
            "Clean Development Mechanism (CDM) activities could request their transition to the \
             Article 6.4 mechanism until 31 December 2023. The host country had to approve the \
             transition before 31 December 2025.",
        ),
        passage(
            "guide:relatorio-inicial",
            Guide,
            Pt,
            "Relatório inicial",
            &["6.2"],
            "Cada país participante deve apresentar um relatório inicial antes da primeira \
             transferência de ITMOs, ou assim que possível. O relatório demonstra que o país \
             cumpre os requisitos de participação e descreve como fará os ajustes correspondentes.",
        ),
        passage(
            "guide:sbm",
            Guide,
            Es,
            "Órgano de Supervisión",
            &["6.4"],
            "El Órgano de Supervisión del mecanismo del Artículo 6.4 aprueba metodologías, \
             registra actividades y expide las A6.4ER. Se reúne varias veces al año y sus \
             decisiones se publican en el sitio de la CMNUCC.",
        ),
    ]
}

/// A fresh engine in `dir`, synced with [`knowledge_base`].
pub fn engine_with_kb(dir: &Path, embedder: Arc<dyn Embedder>) -> Engine {
    let engine = Engine::open(dir, embedder, RetrievalConfig::default()).expect("engine opens");
    engine
        .sync(&knowledge_base(), &|_, _| {})
        .expect("the knowledge base syncs");
    engine
}

/// The ids of the points the vector store holds for `passages`: each passage's, and
/// `<id>:question` for the question of each FAQ entry and curated answer.
pub fn expected_point_ids(passages: &[Passage]) -> Vec<String> {
    let mut ids = Vec::new();
    for passage in passages {
        ids.push(passage.id.clone());
        if matches!(passage.kind, PassageKind::Faq | PassageKind::Curated) {
            ids.push(format!("{}:question", passage.id));
        }
    }
    ids.sort();
    ids
}

/// How many points the vector store holds for `passages`.
pub fn expected_points(passages: &[Passage]) -> usize {
    expected_point_ids(passages).len()
}

/// The id of the fixture passage of `doc_id` in `lang`.
pub fn id_of(doc_id: &str, lang: Lang) -> String {
    knowledge_base()
        .into_iter()
        .find(|p| p.doc_id == doc_id && p.lang == lang)
        .map(|p| p.id)
        .expect("fixture passage exists")
}

/// One engine with the knowledge base, shared by the tests that only read. Its directory lives in
/// cargo's temporary directory for integration tests.
pub fn shared_engine() -> &'static Engine {
    static SHARED: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &SHARED
        .get_or_init(|| {
            let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temporary dir");
            let engine = engine_with_kb(dir.path(), model());
            (dir, engine)
        })
        .1
}
