//! What a question asks for, read from its own words: its type, and whether it asks for something
//! no written guidance can hold.
//!
//! The type (who, when, how much, yes/no, open) tells the answer composer which sentence answers:
//! a "when" question is answered by the sentence with the date, not by the one that repeats the
//! question's topic. The request features recognise questions that retrieval would happily "answer"
//! from a passage on the right topic although no passage can know the answer: live market data, a
//! person's contact details, the current state of a named Party's or the asker's own file, a
//! forecast, an action on the asker's behalf, an opinion on the asker's own documents.
//!
//! Each feature is a small category of words (time words of the present, contact channels,
//! possessives, action verbs...), matched on folded words, and the rules combine categories: a
//! possessive alone ("what must our letter state?") is a question about the rules; a possessive
//! with a status word ("has our letter been approved yet?") is not. The categories describe
//! language, not the wordings of any question set, and each rule has its own tests.

use consulta_corpus::Lang;

use crate::text::{fold, words};

/// What kind of fact answers the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuestionType {
    /// An actor: a body, a Party, a role.
    Who,
    /// A date, a deadline, a period.
    When,
    /// A number: a share, an amount, a count.
    HowMuch,
    /// A yes or a no, usually with its condition.
    YesNo,
    /// A definition, a procedure, a reason: any sentence on the point may answer.
    Open,
}

/// Why a question needs a person however well the knowledge base covers its topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NeedsPerson {
    /// A price or a live count: changes every day, never in the guidance.
    LiveData,
    /// An e-mail address, a phone number, a named contact.
    Contact,
    /// Where a named Party's, a project's or the asker's own file stands now.
    CurrentStatus,
    /// What will be decided, bought or worth in the future.
    Forecast,
    /// Something to be done for the asker (submit, upload, send).
    OnTheirBehalf,
    /// An opinion on the asker's own documents or choices.
    Advice,
    /// Whether the asker may sue, be fined or needs a lawyer: legal advice on their own case.
    Legal,
    /// One asker's own dealings: why their file was rejected, a refund, a dispute.
    PrivateCase,
}

/// A question's type and request features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Intent {
    pub(crate) kind: QuestionType,
    pub(crate) needs_person: Option<NeedsPerson>,
    /// The word categories the request rules combine, each on its own: a question that no rule
    /// sends to a person may still lean that way, and the confidence weighs the lean.
    pub(crate) signals: RequestSignals,
}

/// Which of the request rules' word categories a question has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RequestSignals {
    /// Words of the present or the recent past ("now", "ya", "até hoje"): the state of things.
    pub(crate) present: bool,
    /// The asker's own things or group ("our", "mi", "nossa"): one asker's case.
    pub(crate) own: bool,
    /// A future ("next", "will", a synthetic future verb): what is not decided yet.
    pub(crate) future: bool,
    /// A named Party, body or company.
    pub(crate) names_party: bool,
    /// "Already", "yet", "ainda": whether something has happened.
    pub(crate) already: bool,
    /// Prices, values or counts.
    pub(crate) figures: bool,
}

/// Folded words of each category. Shared across languages where the forms do not collide.
mod lexicon {
    /// Interrogatives that ask for an actor.
    pub(super) const WHO: &[&str] = &["quien", "quienes", "quem", "who", "whom", "whose"];
    /// Interrogatives and nouns that ask for a time.
    pub(super) const WHEN: &[&str] = &[
        "cuando", "quando", "when", "plazo", "prazo", "deadline", "fecha", "data", "date", "until",
        "hasta", "ate",
    ];
    /// Interrogatives and nouns that ask for a number.
    pub(super) const HOW_MUCH: &[&str] = &[
        "cuanto",
        "cuanta",
        "cuantos",
        "cuantas",
        "quanto",
        "quanta",
        "quantos",
        "quantas",
        "porcentaje",
        "percentual",
        "porcentagem",
        "percentage",
        "percent",
        "share",
        "proporcion",
        "proporcao",
        "many",
        "much",
    ];
    /// Interrogatives of open questions: their presence rules out a yes/no question.
    pub(super) const OPEN: &[&str] = &[
        "que", "what", "which", "como", "how", "por", "why", "porque", "cual", "cuales", "qual",
        "quais", "donde", "onde", "where",
    ];
    /// English auxiliaries that open a yes/no question.
    pub(super) const EN_AUXILIARIES: &[&str] = &[
        "is", "are", "was", "were", "can", "could", "does", "do", "did", "must", "should", "may",
        "might", "will", "would", "has", "have", "had", "shall",
    ];
    /// Words of the present moment.
    pub(super) const NOW: &[&str] = &[
        "today",
        "now",
        "currently",
        "current",
        "latest",
        "hoy",
        "ahora",
        "actualmente",
        "actual",
        "hoje",
        "agora",
        "atualmente",
        "atual",
        "momento",
        "moment",
        "semana",
        "week",
        "mes",
        "month",
        "dia",
        "day",
        "nowadays",
        "recently",
        "lately",
    ];
    /// Multi-word expressions of the present moment, folded.
    pub(super) const NOW_PHRASES: &[&[&str]] = &[
        &["so", "far"],
        &["to", "date"],
        &["right", "now"],
        &["these", "days"],
        &["this", "year"],
        &["a", "la", "fecha"],
        &["hasta", "ahora"],
        &["estos", "dias"],
        &["este", "ano"],
        &["hoy", "en", "dia"],
        &["ate", "agora"],
        &["ate", "hoje"],
        &["hoje", "em", "dia"],
        &["esses", "dias"],
    ];
    /// Words of the recent past: news, which written guidance cannot hold yet.
    pub(super) const RECENT: &[&str] = &["yesterday", "ayer", "anoche", "ontem", "anteontem"];
    /// Multi-word expressions of the recent past, folded.
    pub(super) const RECENT_PHRASES: &[&[&str]] = &[
        &["last", "week"],
        &["semana", "pasada"],
        &["semana", "passada"],
    ];
    /// Verbs of paying and trading that ask what is paid at the moment (with a word of the
    /// present), not who pays a fee or whether units may be traded.
    pub(super) const PAYING_NOW: &[&str] = &[
        "paga", "offering", "ofrecen", "oferecem", "trade", "trades", "trading", "traded",
    ];
    /// Progressive forms of paying and closing a deal: a market in motion.
    pub(super) const PAYING_IN_PROGRESS: &[&str] = &[
        "pagando",
        "paying",
        "ofreciendo",
        "oferecendo",
        "cerrando",
        "fechando",
        "closing",
    ];
    /// A time of day or a meeting's schedule.
    pub(super) const CLOCK: &[&str] = &["hora", "horas", "horario", "hour", "time", "agenda"];
    /// Identifiers of one unit or transaction in a registry.
    pub(super) const RECORD_ID: &[&str] = &["identificador", "identifier", "serial", "serie", "id"];
    /// Stems of posts held by a person: who holds one changes, and the guidance names no one.
    pub(super) const POST: &[&str] = &[
        "chair",
        "president",
        "presidente",
        "presidenta",
        "director",
        "directora",
        "diretor",
        "diretora",
        "jefe",
        "jefa",
        "chefe",
        "head",
        "reviewer",
        "revisor",
        "coordinator",
        "coordinador",
        "coordenador",
    ];
    /// A government's stance, which changes with governments.
    pub(super) const STANCE: &[&str] = &[
        "postura", "posicion", "posicao", "position", "stance", "opinion", "opiniao",
    ];
    /// Words of market value.
    pub(super) const PRICE: &[&str] = &[
        "price",
        "prices",
        "precio",
        "precios",
        "preco",
        "precos",
        "cotizacion",
        "cotiza",
        "cotizan",
        "cotacao",
        "cotado",
        "priced",
    ];
    /// Words of cost or worth, which are live data only about traded units.
    pub(super) const WORTH: &[&str] = &[
        "cost", "costs", "worth", "cuesta", "cuestan", "vale", "valen", "valer", "valdra", "custa",
        "custam", "valera", "pagan", "pagam", "paying", "pay",
    ];
    /// Levies the rules set on units (a share, a fee, a fund): paying one is a rule, not a price.
    pub(super) const LEVY: &[&str] = &[
        "fondo",
        "fundo",
        "fund",
        "fee",
        "fees",
        "tasa",
        "tasas",
        "taxa",
        "taxas",
        "levy",
        "proceeds",
        "parcela",
        "porcentaje",
        "porcentagem",
        "percent",
        "percentage",
    ];
    /// Traded units.
    pub(super) const UNITS: &[&str] = &[
        "itmo",
        "itmos",
        "rmti",
        "rmtis",
        "a6",
        "credit",
        "credits",
        "credito",
        "creditos",
        "tonelada",
        "toneladas",
        "ton",
        "tonne",
        "tonnes",
        "unit",
        "units",
        "unidad",
        "unidades",
        "unidade",
        "cer",
        "cers",
        "4er",
        "4ers",
    ];
    /// Words that ask for a count.
    pub(super) const COUNT: &[&str] = &[
        "cuantos", "cuantas", "quantos", "quantas", "many", "total", "number", "numero",
    ];
    /// Contact channels.
    pub(super) const CONTACT: &[&str] = &[
        "email",
        "mail",
        "correo",
        "telefono",
        "telefone",
        "phone",
        "telephone",
        "whatsapp",
        "celular",
        "cellphone",
        "mobile",
        "contato",
        "contacto",
        "contact",
    ];
    /// The words of [`CONTACT`] that ask for an e-mail address.
    pub(super) const EMAIL: &[&str] = &["email", "mail", "correo"];
    /// Verbs of getting in touch with someone.
    pub(super) const REACH: &[&str] = &[
        "comunico",
        "comunicarme",
        "contactar",
        "contatar",
        "hablar",
        "falar",
        "llamar",
        "ligar",
        "reach",
        "call",
        "chego",
        "llego",
        "meeting",
        "reunion",
        "reuniao",
    ];
    /// Words that point at one person.
    pub(super) const PERSON: &[&str] = &[
        "quien",
        "quem",
        "who",
        "whom",
        "persona",
        "pessoa",
        "person",
        "responsable",
        "responsavel",
        "them",
        "him",
        "her",
        "ella",
        "ele",
        "ela",
    ];
    /// Multi-word contact channels, folded.
    pub(super) const CONTACT_PHRASES: &[&[&str]] = &[
        &["direct", "line"],
        &["linea", "directa"],
        &["linha", "direta"],
    ];
    /// Modal verbs: with them a question asks what the rules allow.
    pub(super) const MODALS: &[&str] = &[
        "puede", "pueden", "podria", "pode", "podem", "poderia", "can", "could", "may", "permite",
        "permiten", "permitem", "allow", "allows",
    ];
    /// Capitalised words that name the texts of the rulebook, not a Party ("la Decisión 6/CMA.4",
    /// "o Artigo 6.2").
    pub(super) const DOCUMENT_WORDS: &[&str] = &[
        "decision",
        "decisao",
        "decisiones",
        "decisoes",
        "decisions",
        "articulo",
        "artigo",
        "article",
        "anexo",
        "annex",
        "capitulo",
        "chapter",
        "parrafo",
        "paragrafo",
        "paragraph",
    ];
    /// Words that ask whether something has happened by now.
    pub(super) const ALREADY: &[&str] = &[
        "already",
        "yet",
        "still",
        "ya",
        "ja",
        "todavia",
        "ainda",
        "status",
        "estado",
        "situacion",
        "situacao",
        "pe",
        "finalmente",
        "finally",
        "enfim",
        "pendiente",
        "pendente",
        "pending",
        "stuck",
        "atascado",
        "travado",
        "travando",
    ];
    /// Stems of administrative acts a Party or a body performs on a file.
    pub(super) const ACTS: &[&str] = &[
        "approv", "aprob", "aprov", "authori", "autoriz", "registr", "issu", "emiti", "emitio",
        "expid", "transfer", "submit", "present", "envi", "respond", "contest", "reject", "rechaz",
        "rejeit", "recib", "receb", "receiv", "firm", "sign", "assin", "conclu", "ratific", "oper",
        "entr", "sali",
    ];
    /// First-person possessives: the asker's own file.
    pub(super) const MINE: &[&str] = &[
        "mi", "mis", "nuestro", "nuestra", "nuestros", "nuestras", "meu", "minha", "meus",
        "minhas", "nosso", "nossa", "nossos", "nossas", "my", "our",
    ];
    /// Requests to act: "can you", "could you", or the object of a favour.
    pub(super) const FOR_ME: &[&str] = &["behalf", "nombre"];
    /// Verbs of doing a filing for someone.
    pub(super) const FILE_ACTIONS: &[&str] = &[
        "submit",
        "upload",
        "send",
        "file",
        "fill",
        "cargar",
        "subir",
        "enviar",
        "mandar",
        "presentar",
        "llenar",
        "completar",
        "preencher",
        "carregar",
        "submeter",
        "registrar",
        "registre",
        "envie",
        "manda",
        "carga",
        "sube",
    ];
    /// Second-person forms that address the assistant ("puedes", "podes"); English and
    /// Portuguese need the pronoun too ("can you", "você pode"), see [`super::addresses_assistant`].
    pub(super) const YOU_CAN: &[&str] = &["puedes", "podrias", "podes", "poderias"];
    /// Verbs asking for an opinion on a document.
    pub(super) const REVIEW: &[&str] = &[
        "revisa",
        "revise",
        "revisar",
        "review",
        "check",
        "analiza",
        "analise",
        "analisar",
        "evalua",
        "avalie",
        "avaliar",
        "evaluate",
        "corrige",
        "corrija",
        "valida",
        "valido",
        "enforceable",
    ];
    /// Verbs asking for a recommendation on the asker's choice.
    pub(super) const RECOMMEND: &[&str] = &[
        "conviene",
        "compensa",
        "recommend",
        "recomiendas",
        "recomendas",
        "recomenda",
        "aconsejas",
        "aconselha",
        "advise",
    ];
    /// The asker's own documents and projects.
    pub(super) const OWN_THINGS: &[&str] = &[
        "contrato",
        "contract",
        "borrador",
        "draft",
        "rascunho",
        "proyecto",
        "projeto",
        "project",
        "solicitud",
        "pedido",
        "request",
        "application",
        "expediente",
        "file",
        "carta",
        "letter",
        "informe",
        "relatorio",
        "report",
        "propuesta",
        "proposta",
        "proposal",
        "documento",
        "document",
        "clausula",
        "clause",
        "empresa",
        "company",
        "caso",
        "case",
    ];
    /// Future markers: English "will", Spanish/Portuguese "va a"/"vai" periphrasis and the
    /// synthetic future of common verbs.
    pub(super) const FUTURE: &[&str] = &[
        "will",
        "going",
        "va",
        "van",
        "vai",
        "vao",
        "ira",
        "iran",
        "decidira",
        "aprobara",
        "aprovara",
        "comprara",
        "subira",
        "bajara",
        "valdra",
        "valera",
        "decidiran",
        "next",
        "proxima",
        "proximo",
        "forecast",
        "prevision",
        "previsao",
        "expect",
        "expected",
        "espera",
        "esperada",
        "esperado",
        "prevista",
        "previsto",
        "odds",
        "chance",
        "chances",
        "likely",
        "likelihood",
        "probable",
        "probabilidad",
        "probabilidade",
    ];
    /// What a forecast is about: a decision of a body, a purchase, a value.
    pub(super) const DECIDED_OR_TRADED: &[&str] = &[
        "decide", "decidir", "decision", "decisao", "cma", "cop", "buy", "comprar", "compra",
        "sell", "vender", "price", "precio", "preco", "worth", "valer", "vale", "demand",
        "demanda",
    ];
    /// Changes to a rule or a schedule, and the meetings that make them: what a forecast is about
    /// when the question's only future is a verb's ending.
    pub(super) const CHANGE: &[&str] = &[
        "rule", "regla", "regra", "meeting", "reunion", "reuniao", "session", "sesion", "sessao",
        "chang", "cambi", "mud", "baj", "sub", "reduc", "reduz", "aument", "increas", "rais",
        "lower", "tighten", "extend", "prorrog", "postpon", "push", "delay", "adia", "aplaz",
    ];
    /// Meetings named with their number ("COP31", "SBM017"), folded prefixes.
    pub(super) const NUMBERED_MEETINGS: &[&str] = &["cop", "cma", "sbm", "sbsta"];
    /// Liability for damage: whoever asks it has a case, not a rules question.
    pub(super) const LIABILITY: &[&str] = &[
        "demandar",
        "sue",
        "sued",
        "lawsuit",
        "processar",
        "liable",
        "liability",
        "damages",
        "prejuizo",
        "perjuicio",
        "indemnizacion",
        "indenizacao",
    ];
    /// Fines, lawyers and disputes: the asker's legal exposure when they ask about themselves.
    pub(super) const LEGAL: &[&str] = &[
        "multa",
        "multar",
        "multada",
        "multado",
        "fined",
        "penalty",
        "penalties",
        "abogado",
        "advogado",
        "lawyer",
        "attorney",
        "litigio",
        "litigation",
        "arbitraje",
        "arbitragem",
        "arbitration",
        "disputa",
        "dispute",
        "conflicto",
        "conflito",
        "briga",
        "brigando",
        "pelea",
        "peleando",
    ];
    /// Multi-word names of legal advice, folded.
    pub(super) const LEGAL_PHRASES: &[&[&str]] = &[
        &["legal", "opinion"],
        &["parecer", "juridico"],
        &["opinion", "legal"],
        &["dictamen", "juridico"],
    ];
    /// First-person forms that make a question about the asker's own situation.
    pub(super) const WE: &[&str] = &[
        "we", "us", "i", "me", "podemos", "nos", "nosotros", "yo", "eu", "devemos", "debemos",
        "estamos",
    ];
    /// Money back or a complaint about one purchase.
    pub(super) const REFUND: &[&str] = &[
        "reembolso",
        "refund",
        "devolucion",
        "devolucao",
        "chargeback",
    ];
    /// Words of money that the asker wants back.
    pub(super) const MONEY: &[&str] =
        &["plata", "dinero", "dinheiro", "money", "pago", "pagamento"];
    /// Stems of verbs of getting something back.
    pub(super) const RECOVER: &[&str] = &["recuper", "recover", "devolv", "reav"];
    /// Multi-word requests for the assistant's own opinion or a prediction, folded.
    pub(super) const OPINION_PHRASES: &[&[&str]] = &[
        &["acham", "que"],
        &["acha", "que"],
        &["crees", "que"],
        &["creen", "que"],
        &["do", "you", "think"],
        &["you", "reckon"],
    ];
    /// Interrogatives that ask for a reason.
    pub(super) const WHY: &[&str] = &["why", "porque"];
    /// Multi-word interrogatives that ask for a reason, folded.
    pub(super) const WHY_PHRASES: &[&[&str]] = &[&["por", "que"], &["how", "come"]];
    /// The Parties most questions name, with their adjectives, folded: a name that opens the
    /// question is not capitalised mid-sentence, so [`super::named_entities`] cannot see it.
    pub(super) const PARTIES: &[&str] = &[
        "argentina",
        "belice",
        "belize",
        "bolivia",
        "brasil",
        "brazil",
        "chile",
        "colombia",
        "costa",
        "cuba",
        "dominica",
        "ecuador",
        "equador",
        "guatemala",
        "guyana",
        "guiana",
        "haiti",
        "honduras",
        "jamaica",
        "mexico",
        "nicaragua",
        "panama",
        "paraguay",
        "paraguai",
        "peru",
        "uruguay",
        "uruguai",
        "venezuela",
        "suiza",
        "suica",
        "switzerland",
        "singapur",
        "singapura",
        "singapore",
        "japon",
        "japao",
        "japan",
        "suecia",
        "sweden",
        "noruega",
        "norway",
    ];
    /// The adjectives of the peoples of [`PARTIES`] and of other countries the passages name,
    /// folded, each with the names its country goes by in the knowledge base's languages.
    pub(super) const DEMONYMS: &[(&[&str], &[&str])] = &[
        (
            &["argentine", "argentinian", "argentino", "argentina"],
            &["argentina"],
        ),
        (
            &["brazilian", "brasileno", "brasileiro"],
            &["brasil", "brazil"],
        ),
        (&["chilean", "chileno", "chilena"], &["chile"]),
        (&["colombian", "colombiano", "colombiana"], &["colombia"]),
        (&["mexican", "mexicano", "mexicana"], &["mexico"]),
        (&["peruvian", "peruano", "peruana"], &["peru"]),
        (
            &["paraguayan", "paraguayo", "paraguaio"],
            &["paraguay", "paraguai"],
        ),
        (
            &["uruguayan", "uruguayo", "uruguaio"],
            &["uruguay", "uruguai"],
        ),
        (
            &["swiss", "suizo", "suiza", "suico", "suica"],
            &["suiza", "suica", "switzerland"],
        ),
        (
            &["singaporean", "singapurense"],
            &["singapur", "singapura", "singapore"],
        ),
        (
            &["japanese", "japones", "japonesa"],
            &["japon", "japao", "japan"],
        ),
        (&["swedish", "sueco", "sueca"], &["suecia", "sweden"]),
        (
            &["norwegian", "noruego", "noruega", "noruegues", "norueguesa"],
            &["noruega", "norway"],
        ),
        (
            &["korean", "coreano", "coreana"],
            &["corea", "coreia", "korea"],
        ),
    ];
}

/// Reads `question` (in `lang`).
pub(crate) fn intent(question: &str, lang: Lang) -> Intent {
    let folded = folded_words(question);
    let has = |list: &[&str]| folded.iter().any(|w| list.contains(&w.as_str()));
    let has_stem = |stems: &[&str]| {
        folded
            .iter()
            .any(|w| stems.iter().any(|stem| w.starts_with(stem)))
    };
    let has_phrase = |phrases: &[&[&str]]| {
        phrases.iter().any(|phrase| {
            folded
                .windows(phrase.len())
                .any(|window| window.iter().zip(phrase.iter()).all(|(w, p)| w == p))
        })
    };
    let signals = RequestSignals {
        present: has(lexicon::NOW)
            || has_phrase(lexicon::NOW_PHRASES)
            || has(lexicon::RECENT)
            || has_phrase(lexicon::RECENT_PHRASES),
        own: has(lexicon::MINE) || has(lexicon::WE),
        future: has(lexicon::FUTURE) || has_synthetic_future(question),
        names_party: names_someone(question) || folded.iter().any(|w| names_a_party(w)),
        already: has(lexicon::ALREADY),
        figures: has(lexicon::PRICE) || has(lexicon::WORTH) || has(lexicon::COUNT),
    };
    Intent {
        kind: question_type(&folded, lang),
        needs_person: needs_person(question, &folded, &has, &has_stem, &has_phrase),
        signals,
    }
}

/// Whether `question` (in `lang`) asks about the rules alone: no request rule sends it to a person,
/// none of the request word categories is in it, and it does not ask the assistant to act. Asked
/// of the parts of a question that also asks for a person: such a part stands on its own ("What
/// is an ITMO?"), while "can you review it?" or "how many projects did Brazilians file?" lean on
/// the personal request beside them.
pub(crate) fn asks_only_about_rules(question: &str, lang: Lang) -> bool {
    let read = intent(question, lang);
    read.needs_person.is_none()
        && read.signals == RequestSignals::default()
        && !addresses_assistant(&folded_words(question))
}

/// The type of `question` (in `lang`) alone: what ranking needs of every FAQ entry's question,
/// without the request features.
pub(crate) fn question_kind(question: &str, lang: Lang) -> QuestionType {
    let folded = folded_words(question);
    question_type(&folded, lang)
}

/// The question's words, folded, with the adjective "up to date" ("up-to-date inventory") as one
/// word: its "to date" and "date" are not the present moment or a time asked for.
fn folded_words(question: &str) -> Vec<String> {
    let mut folded: Vec<String> = Vec::new();
    for word in words(question).map(fold) {
        let n = folded.len();
        if word == "date" && n >= 2 && folded[n - 2] == "up" && folded[n - 1] == "to" {
            folded.truncate(n - 2);
            folded.push("up-to-date".to_string());
        } else {
            folded.push(word);
        }
    }
    folded
}

fn question_type(folded: &[String], lang: Lang) -> QuestionType {
    let has = |list: &[&str]| folded.iter().any(|w| list.contains(&w.as_str()));
    if has(lexicon::WHO) {
        return QuestionType::Who;
    }
    // "How many" and "how much" before "when": "how many days until..." asks a number.
    if has(lexicon::HOW_MUCH)
        && (lang != Lang::En || folded.windows(2).any(|w| w[0] == "how" && w[1] != "is"))
    {
        return QuestionType::HowMuch;
    }
    // "How long" asks for a span of time, as "cuánto tiempo" and "quanto tempo" (counted above)
    // ask for its number.
    if has(lexicon::WHEN) || folded.windows(2).any(|w| w[0] == "how" && w[1] == "long") {
        return QuestionType::When;
    }
    let opens_with_auxiliary = folded
        .first()
        .is_some_and(|w| lexicon::EN_AUXILIARIES.contains(&w.as_str()));
    let yes_no = match lang {
        Lang::En => opens_with_auxiliary,
        // Spanish and Portuguese mark a yes/no question only by the absence of an interrogative.
        Lang::Es | Lang::Pt => !has(lexicon::OPEN) && !has(lexicon::HOW_MUCH),
    };
    if yes_no {
        QuestionType::YesNo
    } else {
        QuestionType::Open
    }
}

fn needs_person(
    question: &str,
    folded: &[String],
    has: &dyn Fn(&[&str]) -> bool,
    has_stem: &dyn Fn(&[&str]) -> bool,
    has_phrase: &dyn Fn(&[&[&str]]) -> bool,
) -> Option<NeedsPerson> {
    if has(lexicon::CONTACT) || has_phrase(lexicon::CONTACT_PHRASES) || question.contains('@') {
        return Some(NeedsPerson::Contact);
    }
    if has(lexicon::REACH) && has(lexicon::PERSON) {
        return Some(NeedsPerson::Contact);
    }
    if has(lexicon::LIABILITY) {
        return Some(NeedsPerson::Legal);
    }
    if has(lexicon::LEGAL) || has_phrase(lexicon::LEGAL_PHRASES) {
        let own_situation = has(lexicon::MINE) || has(lexicon::WE);
        if own_situation || has_phrase(lexicon::LEGAL_PHRASES) {
            return Some(NeedsPerson::Legal);
        }
    }
    if has(lexicon::REFUND) || (has_stem(lexicon::RECOVER) && has(lexicon::MONEY)) {
        return Some(NeedsPerson::PrivateCase);
    }
    let now = has(lexicon::NOW) || has_phrase(lexicon::NOW_PHRASES);
    let about_units = has(lexicon::UNITS);
    let names_a_party = names_someone(question) || folded.iter().any(|w| names_a_party(w));
    let future = has(lexicon::FUTURE);
    let levy = has(lexicon::LEVY) || question.contains('%');
    if has(lexicon::PRICE)
        || (has(lexicon::WORTH) && (about_units || now) && !levy)
        || (has(lexicon::PAYING_NOW) && now)
        || (has(lexicon::PAYING_IN_PROGRESS) && (now || about_units))
        || (has(lexicon::HOW_MUCH) && about_units && now)
        || (has(lexicon::COUNT) && (now || (about_units && mentions_a_year(folded))))
        || (has(lexicon::RECORD_ID) && about_units && names_a_party)
        || (has(lexicon::CLOCK) && now)
    {
        return Some(if future {
            NeedsPerson::Forecast
        } else {
            NeedsPerson::LiveData
        });
    }
    if has(lexicon::RECENT) || has_phrase(lexicon::RECENT_PHRASES) {
        return Some(NeedsPerson::LiveData);
    }
    let meeting = has_stem(lexicon::NUMBERED_MEETINGS);
    let change = has_stem(lexicon::CHANGE);
    if (future && (has(lexicon::DECIDED_OR_TRADED) || change || meeting))
        || (has_synthetic_future(question) && (change || meeting))
        || has_phrase(lexicon::OPINION_PHRASES)
    {
        return Some(NeedsPerson::Forecast);
    }
    let for_me = has(lexicon::FOR_ME)
        || folded.windows(2).any(|w| {
            matches!(
                (w[0].as_str(), w[1].as_str()),
                ("por", "mi") | ("para", "mim") | ("pra", "mim") | ("for", "me") | ("for", "us")
            )
        });
    let rule_question = is_rule_question(folded);
    if has(lexicon::FILE_ACTIONS) && (for_me || addresses_assistant(folded)) && !rule_question {
        return Some(NeedsPerson::OnTheirBehalf);
    }
    let own_thing = has(lexicon::MINE) && has(lexicon::OWN_THINGS);
    if (has(lexicon::REVIEW) && own_thing && !rule_question) || has(lexicon::RECOMMEND) {
        return Some(NeedsPerson::Advice);
    }
    if own_thing && (has(lexicon::WHY) || has_phrase(lexicon::WHY_PHRASES)) {
        return Some(NeedsPerson::PrivateCase);
    }
    // "Can the DNA still send...?" asks what the rules allow; "has Chile already signed?" asks
    // what happened.
    let asks_what_is_allowed = has(lexicon::MODALS);
    let already = has(lexicon::ALREADY);
    if already && (own_thing || (names_a_party && has_stem(lexicon::ACTS) && !asks_what_is_allowed))
    {
        return Some(NeedsPerson::CurrentStatus);
    }
    if now && (has_stem(lexicon::POST) || (names_a_party && has(lexicon::STANCE))) {
        return Some(NeedsPerson::CurrentStatus);
    }
    None
}

/// Whether the question has a verb in the Spanish or Portuguese synthetic future ("habrá",
/// "cambiará", "mudarão"): the accent on the ending marks it, which folding would erase. Only
/// verb endings count ("padrão" is a noun), and "será" is left out: Brazilian "será que...?"
/// opens any question, about the rules too.
fn has_synthetic_future(question: &str) -> bool {
    words(question).any(|word| {
        let word = word.to_lowercase();
        word.chars().count() > 4
            && !word.starts_with("ser")
            && [
                "ará", "erá", "irá", "brá", "drá", "arán", "erán", "irán", "brán", "drán", "arão",
                "erão", "irão",
            ]
            .iter()
            .any(|ending| word.ends_with(ending))
    })
}

/// Whether the question names a year ("2025"): a count of units in a given year is a registry
/// figure, not a rule.
fn mentions_a_year(folded: &[String]) -> bool {
    folded
        .iter()
        .any(|w| w.len() == 4 && w.starts_with("20") && w.chars().all(|c| c.is_ascii_digit()))
}

/// "Can you...", "puedes...", "você pode...": the asker asks the assistant itself to act.
fn addresses_assistant(folded: &[String]) -> bool {
    folded
        .iter()
        .any(|w| lexicon::YOU_CAN.contains(&w.as_str()))
        || folded.windows(2).any(|w| {
            matches!(
                (w[0].as_str(), w[1].as_str()),
                ("can" | "could" | "would", "you") | ("voce", "pode" | "poderia") | ("pode", "me")
            )
        })
}

/// "How do we submit...", "who must send...": asks how a filing is done, not for it to be done.
fn is_rule_question(folded: &[String]) -> bool {
    folded.iter().take(3).any(|w| {
        matches!(
            w.as_str(),
            "como"
                | "how"
                | "quien"
                | "quem"
                | "who"
                | "cuando"
                | "quando"
                | "when"
                | "donde"
                | "onde"
                | "where"
                | "que"
                | "what"
        )
    })
}

/// Whether the question names a Party, a body or a company: a capitalised word that does not open
/// the question and is not an acronym of the field (ITMO, CMA, NDC...).
pub(crate) fn names_someone(question: &str) -> bool {
    named_entities(question).next().is_some()
}

/// Whether `question` asks for an institution's published e-mail address ("Qual é o e-mail da
/// UNFCCC para a revisão técnica?", "¿a qué correo se manda el formulario?"), not a person's: it
/// asks for an e-mail only (no phone), names no person, no Party or office by name, and nothing of
/// the asker's own. Such an address is in the guidance when the secretariat publishes it; a
/// named office's or reviewer's is not.
pub(crate) fn asks_for_a_published_address(question: &str) -> bool {
    let folded = folded_words(question);
    let has = |list: &[&str]| folded.iter().any(|w| list.contains(&w.as_str()));
    has(lexicon::EMAIL)
        && !folded.iter().any(|w| {
            lexicon::CONTACT.contains(&w.as_str()) && !lexicon::EMAIL.contains(&w.as_str())
        })
        && !has(lexicon::PERSON)
        && !has(lexicon::MINE)
        && !has(lexicon::WE)
        && named_parties(question).is_empty()
}

/// The names a Party goes by in the knowledge base's languages, folded, when `word` (folded) is
/// the adjective of its people: a question on "the Peruvian decree" is about the Peru that the
/// passages name.
pub(crate) fn country_of_demonym(word: &str) -> &'static [&'static str] {
    lexicon::DEMONYMS
        .iter()
        .find(|(demonyms, _)| demonyms.contains(&word))
        .map_or(&[], |(_, country)| *country)
}

/// Whether `word` (folded) is one of the Parties most questions name ([`lexicon::PARTIES`]) or its
/// people's adjective.
fn names_a_party(word: &str) -> bool {
    lexicon::PARTIES.contains(&word)
        || country_of_demonym(word)
            .iter()
            .any(|name| lexicon::PARTIES.contains(name))
}

/// Every Party, body or programme `question` names, folded: its [`named_entities`] and the
/// Parties it names anywhere, the first word included ("¿Guyana ya entregó…?").
pub(crate) fn named_parties(question: &str) -> Vec<String> {
    let mut names: Vec<String> = named_entities(question).map(fold).collect();
    names.extend(words(question).map(fold).filter(|word| names_a_party(word)));
    names.sort_unstable();
    names.dedup();
    names
}

/// Capitalised words (`Brasil`, `EcoAndes`) after the first word of each sentence: the names a
/// question is about. Acronyms and units are not names: they are the field's own vocabulary, and
/// they are written with more capitals than small letters (`ITMO`, `LoA`, `PoA`, `MWh`), where a
/// name has one or two (`EcoAndes`).
pub(crate) fn named_entities(question: &str) -> impl Iterator<Item = &str> {
    let mut sentence_start = true;
    question
        .split(|c: char| c.is_whitespace())
        .filter_map(move |token| {
            let starts = sentence_start;
            sentence_start = token.ends_with(['.', '?', '!', ':', '¿', '¡']) || token.is_empty();
            let word = token.trim_matches(|c: char| !c.is_alphanumeric());
            let word = word.trim_start_matches(['¿', '¡']);
            // A possessive is not part of the name: "ITMO's" is the acronym ITMO.
            let word = word
                .strip_suffix("'s")
                .or_else(|| word.strip_suffix("’s"))
                .unwrap_or(word);
            // A plural acronym is still an acronym: "ITMOs", "A6.4ERs", "NDCs".
            let singular = word.strip_suffix('s').unwrap_or(word);
            let capitals = singular.chars().filter(|c| c.is_uppercase()).count();
            let acronym = capitals > singular.chars().filter(|c| c.is_lowercase()).count();
            let mut chars = word.chars();
            let first = chars.next()?;
            let capitalised = first.is_uppercase() && !acronym;
            let document = lexicon::DOCUMENT_WORDS.contains(&fold(word).as_str());
            (!starts && capitalised && !document && word.chars().count() > 2).then_some(word)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(question: &str, lang: Lang) -> QuestionType {
        intent(question, lang).kind
    }

    fn request(question: &str, lang: Lang) -> Option<NeedsPerson> {
        intent(question, lang).needs_person
    }

    #[test]
    fn a_part_on_the_rules_alone_stands_on_its_own() {
        for (part, lang) in [
            ("What is an ITMO?", Lang::En),
            ("¿Qué es un ajuste correspondiente?", Lang::Es),
            ("quem autoriza os ITMOs?", Lang::Pt),
        ] {
            assert!(asks_only_about_rules(part, lang), "{part}");
        }
        for (part, lang) in [
            // Asks the assistant to act.
            ("can you review it?", Lang::En),
            // A count of what a named Party did is a live figure, even when no rule fires.
            ("how many projects did Brazil submit", Lang::En),
            // The asker's own case.
            ("¿y nuestra carta?", Lang::Es),
            ("what does one cost today?", Lang::En),
        ] {
            assert!(!asks_only_about_rules(part, lang), "{part}");
        }
    }

    #[test]
    fn types_come_from_interrogatives_in_each_language() {
        assert_eq!(
            kind("¿Quién aplica el ajuste?", Lang::Es),
            QuestionType::Who
        );
        assert_eq!(kind("Quem autoriza os ITMOs?", Lang::Pt), QuestionType::Who);
        assert_eq!(
            kind("Until when can CDM activities transition?", Lang::En),
            QuestionType::When
        );
        assert_eq!(
            kind("How long does the Supervisory Body take?", Lang::En),
            QuestionType::When
        );
        assert_eq!(
            kind("¿Cuál es el plazo del informe?", Lang::Es),
            QuestionType::When
        );
        assert_eq!(
            kind("Qual o percentual da parcela?", Lang::Pt),
            QuestionType::HowMuch
        );
        assert_eq!(
            kind("How many A6.4ERs are cancelled?", Lang::En),
            QuestionType::HowMuch
        );
        assert_eq!(
            kind("Does the share of proceeds apply to 6.2?", Lang::En),
            QuestionType::YesNo
        );
        assert_eq!(
            kind("¿Se puede revocar una autorización?", Lang::Es),
            QuestionType::YesNo
        );
        assert_eq!(
            kind("O ajuste vale para NDC de um ano?", Lang::Pt),
            QuestionType::YesNo
        );
        assert_eq!(kind("What is an ITMO?", Lang::En), QuestionType::Open);
        assert_eq!(
            kind("¿Cómo se calcula el ajuste?", Lang::Es),
            QuestionType::Open
        );
    }

    #[test]
    fn live_data_contacts_and_forecasts_need_a_person() {
        assert_eq!(
            request("What do ITMOs trade for right now, per tonne?", Lang::En),
            Some(NeedsPerson::LiveData)
        );
        assert_eq!(
            request("cotação atual do crédito de carbono", Lang::Pt),
            Some(NeedsPerson::LiveData)
        );
        assert_eq!(
            request("¿Cuántas A6.4ER hay emitidas hoy?", Lang::Es),
            Some(NeedsPerson::LiveData)
        );
        assert_eq!(
            request("Send me the e-mail of the focal point", Lang::En),
            Some(NeedsPerson::Contact)
        );
        assert_eq!(
            request("¿Qué decidirá la próxima CMA sobre registros?", Lang::Es),
            Some(NeedsPerson::Forecast)
        );
    }

    #[test]
    fn the_state_of_a_file_needs_a_person_but_rules_about_files_do_not() {
        assert_eq!(
            request("O Brasil já autorizou ITMOs para a Suíça?", Lang::Pt),
            Some(NeedsPerson::CurrentStatus)
        );
        assert_eq!(
            request("¿Ya aprobaron nuestra solicitud de transición?", Lang::Es),
            Some(NeedsPerson::CurrentStatus)
        );
        assert_eq!(
            request("¿Qué debe incluir nuestra carta de autorización?", Lang::Es),
            None
        );
        assert_eq!(
            request(
                "Can an authorization be changed once ITMOs were transferred?",
                Lang::En
            ),
            None
        );
        assert_eq!(
            request("¿Ya se puede usar el mecanismo del 6.4?", Lang::Es),
            None
        );
    }

    #[test]
    fn favours_and_opinions_need_a_person() {
        assert_eq!(
            request(
                "Can you upload our annual information to the CARP?",
                Lang::En
            ),
            Some(NeedsPerson::OnTheirBehalf)
        );
        assert_eq!(
            request("How do we submit the initial report?", Lang::En),
            None
        );
        assert_eq!(
            request("Can a Party submit its initial report late?", Lang::En),
            None
        );
        assert_eq!(
            request(
                "¿Nos conviene más vender por el 6.2 o por el 6.4?",
                Lang::Es
            ),
            Some(NeedsPerson::Advice)
        );
        assert_eq!(
            request("Revisa mi contrato y dime si es válido", Lang::Es),
            Some(NeedsPerson::Advice)
        );
        assert_eq!(
            request("How is the share of proceeds paid?", Lang::En),
            None
        );
        assert_eq!(request("How much is the registration fee?", Lang::En), None);
    }

    #[test]
    fn the_recent_past_schedules_and_registry_records_are_live_data() {
        for (question, lang) in [
            (
                "what did the SBM decide at its meeting yesterday?",
                Lang::En,
            ),
            ("¿Qué se aprobó ayer en la CMA?", Lang::Es),
            (
                "how many PACM activities have been registered so far?",
                Lang::En,
            ),
            ("¿A qué hora empieza hoy la sesión?", Lang::Es),
            (
                "quanto os compradores andam pagando pelo crédito?",
                Lang::Pt,
            ),
            ("¿Cuántos RMTI se transfirieron en 2025?", Lang::Es),
            (
                "What is the serial number of the first ITMO Ghana sent to Switzerland?",
                Lang::En,
            ),
        ] {
            assert_eq!(
                request(question, lang),
                Some(NeedsPerson::LiveData),
                "{question}"
            );
        }
    }

    #[test]
    fn liability_disputes_and_refunds_are_the_askers_own_case() {
        assert_eq!(
            request("Nuestro comprador no paga. ¿Lo podemos demandar?", Lang::Es),
            Some(NeedsPerson::Legal)
        );
        assert_eq!(
            request(
                "Who is liable for the loss if the DOE got it wrong?",
                Lang::En
            ),
            Some(NeedsPerson::Legal)
        );
        assert_eq!(
            request("nossa empresa pode levar multa por isso?", Lang::Pt),
            Some(NeedsPerson::Legal)
        );
        assert_eq!(
            request(
                "comprei créditos e não recebi, como peço reembolso?",
                Lang::Pt
            ),
            Some(NeedsPerson::PrivateCase)
        );
        assert_eq!(
            request("¿Por qué rechazaron nuestro proyecto?", Lang::Es),
            Some(NeedsPerson::PrivateCase)
        );
        assert_eq!(
            request("pagamos dos veces, ¿cómo recuperamos la plata?", Lang::Es),
            Some(NeedsPerson::PrivateCase)
        );
    }

    #[test]
    fn forecasts_need_a_future_about_a_decision_or_a_market() {
        for (question, lang) in [
            ("¿Habrá otra prórroga del plazo de transición?", Lang::Es),
            ("a COP31 vai mudar a regra dos 2%?", Lang::Pt),
            ("Any chance the deadline gets pushed back again?", Lang::En),
            (
                "Vocês acham que o Brasil fecha um acordo este ano?",
                Lang::Pt,
            ),
        ] {
            assert_eq!(
                request(question, lang),
                Some(NeedsPerson::Forecast),
                "{question}"
            );
        }
        // A future in a clause about the units is not a forecast, and "padrão" is a noun.
        for (question, lang) in [
            (
                "Para créditos que se venderán a aerolíneas, ¿el país puede decidir la primera transferencia?",
                Lang::Es,
            ),
            (
                "O Órgão de Supervisão precisa da aprovação da CMA para adotar um padrão novo?",
                Lang::Pt,
            ),
        ] {
            assert_eq!(request(question, lang), None, "{question}");
        }
    }

    #[test]
    fn who_holds_a_post_now_and_how_to_reach_someone_need_a_person() {
        assert_eq!(
            request("Who chairs the Supervisory Body at the moment?", Lang::En),
            Some(NeedsPerson::CurrentStatus)
        );
        assert_eq!(
            request("¿Qué postura tiene hoy el gobierno argentino?", Lang::Es),
            Some(NeedsPerson::CurrentStatus)
        );
        assert_eq!(
            request("¿Colombia ya firmó su primera autorización?", Lang::Es),
            Some(NeedsPerson::CurrentStatus)
        );
        assert_eq!(
            request(
                "Preciso falar com o responsável. Como chego nessa pessoa?",
                Lang::Pt
            ),
            Some(NeedsPerson::Contact)
        );
        assert_eq!(
            request("Give me the direct line of the secretariat", Lang::En),
            Some(NeedsPerson::Contact)
        );
        // What the rules still allow is a rules question, whoever is named.
        assert_eq!(
            request(
                "¿La AND de Chile todavía puede mandar la aprobación?",
                Lang::Es
            ),
            None
        );
        assert_eq!(
            request("What fields make up an ITMO's unique identifier?", Lang::En),
            None
        );
        assert_eq!(
            request("¿Quién paga la tarifa de registro?", Lang::Es),
            None
        );
    }

    #[test]
    fn named_parties_include_a_party_that_opens_the_question() {
        assert_eq!(
            named_parties("¿Guyana ya entregó su informe inicial a la CMNUCC?"),
            vec!["guyana"]
        );
        assert_eq!(
            named_parties("O programa Tuki Wasi já transferiu ITMOs para a Suíça?"),
            vec!["suica", "tuki", "wasi"]
        );
        assert!(named_parties("¿Ya aprobaron nuestra carta de autorización?").is_empty());
    }

    #[test]
    fn a_peoples_adjective_names_its_country() {
        assert_eq!(country_of_demonym("peruvian"), ["peru"]);
        assert_eq!(
            country_of_demonym("suico"),
            ["suiza", "suica", "switzerland"]
        );
        assert!(country_of_demonym("decree").is_empty());
        assert_eq!(
            named_parties("¿El decreto paraguayo exige una carta de no objeción?"),
            ["paraguayo"]
        );
        assert!(
            intent("Does the Norwegian programme buy ITMOs?", Lang::En)
                .signals
                .names_party
        );
    }

    #[test]
    fn names_are_capitalised_words_after_the_first() {
        let names: Vec<&str> =
            named_entities("¿Guyana firmó con Suiza? Brasil también ITMO").collect();
        assert_eq!(names, ["Suiza"]);
        assert_eq!(named_entities("Is the DNA's letter enough?").count(), 0);
        assert_eq!(
            named_entities("Can the LoA count ITMOs in MWh or GWh, per PoA?").count(),
            0
        );
        assert_eq!(
            named_entities("Does EcoAndes need a LoA?").collect::<Vec<_>>(),
            ["EcoAndes"]
        );
        assert!(!names_someone("What is an ITMO under the CMA?"));
        assert!(!names_someone(
            "Se os ITMOs e as A6.4ERs já foram transferidos?"
        ));
        assert!(!names_someone(
            "A Decisão 6/CMA.4 já trouxe a nomenclatura?"
        ));
        assert!(names_someone("O programa Tuki Wasi já transferiu ITMOs?"));
    }

    /// Each of `questions` asks about the rules: no request rule sends it to a person.
    fn assert_rule_questions(questions: &[(&str, Lang)]) {
        for &(question, lang) in questions {
            assert_eq!(request(question, lang), None, "{question}");
        }
    }

    #[test]
    fn paying_a_levy_or_trading_units_is_a_rule_and_paying_for_units_a_price() {
        assert_rule_questions(&[
            (
                "Does the 6.2 guidance oblige us to pay into the Adaptation Fund when we transfer \
                 ITMOs?",
                Lang::En,
            ),
            (
                "As A6.4ERs de contribuição para a mitigação também pagam os 5 % e os 2 %?",
                Lang::Pt,
            ),
            (
                "Can we trade ITMOs before the initial report is reviewed?",
                Lang::En,
            ),
        ]);
        assert_eq!(
            request("What do buyers pay for A6.4ERs?", Lang::En),
            Some(NeedsPerson::LiveData)
        );
        assert_eq!(
            request("¿Cuánto cuestan los RMTI?", Lang::Es),
            Some(NeedsPerson::LiveData)
        );
    }

    #[test]
    fn already_about_a_rule_or_a_plural_acronym_is_not_a_status_question() {
        assert_rule_questions(&[
            (
                "Dá pra mudar uma autorização depois que os ITMOs já foram transferidos?",
                Lang::Pt,
            ),
            (
                "If we amend a letter of authorization, are ITMOs that were already first \
                 transferred affected?",
                Lang::En,
            ),
            (
                "A Decisão 6/CMA.4 já trouxe a nomenclatura comum dos propósitos autorizados?",
                Lang::Pt,
            ),
            (
                "¿Un memorando de entendimiento con Singapur ya permite transferir créditos?",
                Lang::Es,
            ),
        ]);
        assert_eq!(
            request("¿Brasil ya autorizó ITMOs?", Lang::Es),
            Some(NeedsPerson::CurrentStatus)
        );
    }

    #[test]
    fn up_to_date_is_an_adjective_not_the_present_or_a_time() {
        let question = "Do we need an up-to-date national inventory report before we can trade?";
        assert_rule_questions(&[(question, Lang::En)]);
        assert!(!intent(question, Lang::En).signals.present);
        assert_eq!(kind(question, Lang::En), QuestionType::YesNo);
        assert_eq!(
            request("How many ITMOs has Chile transferred to date?", Lang::En),
            Some(NeedsPerson::LiveData)
        );
    }

    #[test]
    fn a_published_address_is_an_institutions_e_mail_not_a_persons() {
        for question in [
            "Qual é o e-mail da UNFCCC para perguntas sobre a revisão técnica?",
            "¿A qué correo se manda el formulario de aprobación de la transición?",
            "Which email address do CARP questions go to?",
        ] {
            assert!(asks_for_a_published_address(question), "{question}");
        }
        for question in [
            "¿Cuál es el correo de la persona que revisa informes en la secretaría?",
            "What's the email of Chile's Article 6 committee?",
            "qual o e-mail do nosso revisor?",
            "¿Cuál es el teléfono o el correo de la secretaría?",
            "¿Qué formulario usa la AND para la transición?",
        ] {
            assert!(!asks_for_a_published_address(question), "{question}");
        }
    }
}
