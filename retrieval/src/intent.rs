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
}

/// A question's type and request features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Intent {
    pub(crate) kind: QuestionType,
    pub(crate) needs_person: Option<NeedsPerson>,
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
        "custam", "valera", "pagan", "pagam", "paying", "pay", "trade", "trades", "trading",
        "traded",
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
    ];
    /// Stems of administrative acts a Party or a body performs on a file.
    pub(super) const ACTS: &[&str] = &[
        "approv", "aprob", "aprov", "authori", "autoriz", "registr", "issu", "emiti", "emitio",
        "expid", "transfer", "submit", "present", "envi", "respond", "contest", "reject", "rechaz",
        "rejeit", "recib", "receb", "receiv", "firm", "sign", "assin", "conclu",
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
        "espera",
    ];
    /// What a forecast is about: a decision of a body, a purchase, a value.
    pub(super) const DECIDED_OR_TRADED: &[&str] = &[
        "decide", "decidir", "decision", "decisao", "cma", "cop", "buy", "comprar", "compra",
        "sell", "vender", "price", "precio", "preco", "worth", "valer", "vale",
    ];
}

/// Reads `question` (in `lang`).
pub(crate) fn intent(question: &str, lang: Lang) -> Intent {
    let folded: Vec<String> = words(question).map(fold).collect();
    let has = |list: &[&str]| folded.iter().any(|w| list.contains(&w.as_str()));
    let has_stem = |stems: &[&str]| {
        folded
            .iter()
            .any(|w| stems.iter().any(|stem| w.starts_with(stem)))
    };
    Intent {
        kind: question_type(&folded, lang),
        needs_person: needs_person(question, &folded, &has, &has_stem),
    }
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
    if has(lexicon::WHEN) {
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
) -> Option<NeedsPerson> {
    if has(lexicon::CONTACT) || question.contains('@') {
        return Some(NeedsPerson::Contact);
    }
    let about_units = has(lexicon::UNITS);
    if has(lexicon::PRICE)
        || (has(lexicon::WORTH) && (about_units || has(lexicon::NOW)))
        || (has(lexicon::COUNT) && has(lexicon::NOW))
    {
        return Some(if has(lexicon::FUTURE) {
            NeedsPerson::Forecast
        } else {
            NeedsPerson::LiveData
        });
    }
    if has(lexicon::FUTURE) && has(lexicon::DECIDED_OR_TRADED) {
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
    let already = has(lexicon::ALREADY);
    if already && (own_thing || (names_someone(question) && has_stem(lexicon::ACTS))) {
        return Some(NeedsPerson::CurrentStatus);
    }
    None
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

/// Capitalised words (`Brasil`, `EcoAndes`) after the first word of each sentence: the names a
/// question is about. Acronyms (all capitals) are not names: they are the field's own vocabulary.
pub(crate) fn named_entities(question: &str) -> impl Iterator<Item = &str> {
    let mut sentence_start = true;
    question
        .split(|c: char| c.is_whitespace())
        .filter_map(move |token| {
            let starts = sentence_start;
            sentence_start = token.ends_with(['.', '?', '!', ':', '¿', '¡']) || token.is_empty();
            let word = token.trim_matches(|c: char| !c.is_alphanumeric());
            let word = word.trim_start_matches(['¿', '¡']);
            let mut chars = word.chars();
            let first = chars.next()?;
            let capitalised = first.is_uppercase() && chars.clone().any(char::is_lowercase);
            (!starts && capitalised && word.chars().count() > 2).then_some(word)
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
    fn names_are_capitalised_words_after_the_first() {
        let names: Vec<&str> =
            named_entities("¿Guyana firmó con Suiza? Brasil también ITMO").collect();
        assert_eq!(names, ["Suiza"]);
        assert!(!names_someone("What is an ITMO under the CMA?"));
    }
}
