//! Questions only a person can answer, however well the knowledge base covers their topic.
//!
//! "Did Guyana approve our transition request yet?" is about CDM transition, and the guide on CDM
//! transition is a close match, so every retrieval signal says "answerable". But no guide knows the
//! state of one country's file, a reviewer's e-mail, tomorrow's price or what the next CMA will
//! decide, and no guide can submit a report on someone's behalf. Quoting the guide would answer a
//! question the asker did not ask. These requests are recognised by their wording, in Spanish,
//! Portuguese and English, and go to an expert with the passages found attached.
//!
//! The phrases are matched on folded text (lowercase, no accents), as whole words.

use crate::text::fold;

/// What kind of request needs a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PersonalRequest {
    /// The state of one file, project or submission.
    CaseStatus,
    /// A phone number, e-mail address or named contact.
    Contact,
    /// A price today or a value in the future.
    Price,
    /// Something to be done for the asker (submit, upload, send).
    OnTheirBehalf,
    /// A legal or commercial opinion on the asker's own documents or choices.
    Advice,
    /// A decision that has not been taken yet, or a live count.
    NotYetKnown,
}

/// Phrases that mark each kind of request, folded. Specific enough that a question about the
/// rules ("what must the authorization state?") never contains one.
const PATTERNS: [(PersonalRequest, &[&str]); 6] = [
    (
        PersonalRequest::CaseStatus,
        &[
            "approve our",
            "approved our",
            "status of",
            "ya aprobo",
            "ya aprobaron",
            "en que estado esta",
            "ja aprovou",
            "ja aprovaram",
            "ja foi registrado",
            "em que pe esta",
            "situacao do meu",
            "assigned to",
        ],
    ),
    (
        PersonalRequest::Contact,
        &[
            "phone number",
            "telephone",
            "email of",
            "email address",
            "contact details",
            "telefono",
            "telefone",
            "correo de",
            "correo electronico",
            "email do",
            "email da",
            "whatsapp",
        ],
    ),
    (
        PersonalRequest::Price,
        &[
            "price of",
            "price today",
            "precio",
            "preco",
            "cotacao",
            "how much will",
            "trade for",
            "cuanto va a valer",
            "quanto vai valer",
            "cuanto cuesta",
            "quanto custa",
        ],
    ),
    (
        PersonalRequest::OnTheirBehalf,
        &[
            "on our behalf",
            "on my behalf",
            "can you submit",
            "could you submit",
            "por mi la",
            "puedes cargar",
            "puede cargar",
            "pode enviar",
            "pra mim",
            "para mim",
        ],
    ),
    (
        PersonalRequest::Advice,
        &[
            "review it",
            "review my",
            "our contract",
            "purchase agreement with",
            "enforceable",
            "more money",
            "revisa mi",
            "mi contrato",
            "nos conviene",
            "analisar meu",
            "meu contrato",
            "e melhor vender",
            "will japan buy",
            "me va a comprar",
            "vai comprar",
        ],
    ),
    (
        PersonalRequest::NotYetKnown,
        &[
            "will decide",
            "va a decidir",
            "vai decidir",
            "cma 8",
            "cma8",
            "cop31",
            "as of today",
            "hasta hoy",
            "ate hoje",
            "esta semana",
            "this week",
        ],
    ),
];

/// The kind of personal request `question` makes, if it makes one.
pub(crate) fn personal_request(question: &str) -> Option<PersonalRequest> {
    let folded: String = fold(question)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let padded = format!(
        " {} ",
        folded.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    PATTERNS.iter().find_map(|(kind, phrases)| {
        phrases
            .iter()
            .any(|phrase| padded.contains(&format!(" {} ", phrase.trim())))
            .then_some(*kind)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_contact_price_and_behalf_requests_are_recognised_in_each_language() {
        for (question, kind) in [
            (
                "Did Guyana approve our CDM transition request yet?",
                PersonalRequest::CaseStatus,
            ),
            (
                "¿El MINAM ya aprobó mi carta de autorización?",
                PersonalRequest::CaseStatus,
            ),
            (
                "Qual o telefone da autoridade nacional designada?",
                PersonalRequest::Contact,
            ),
            (
                "¿A cuánto está hoy el precio de un RMTI?",
                PersonalRequest::Price,
            ),
            (
                "Pode enviar o relatório inicial pela CARP pra mim?",
                PersonalRequest::OnTheirBehalf,
            ),
            (
                "What will CMA 8 decide on authorization changes?",
                PersonalRequest::NotYetKnown,
            ),
        ] {
            assert_eq!(personal_request(question), Some(kind), "{question}");
        }
    }

    #[test]
    fn questions_about_the_rules_are_not_personal_requests() {
        for question in [
            "What must a letter of authorization state?",
            "¿Quién aplica el ajuste correspondiente y cuándo?",
            "Qual é o prazo para a aprovação da transição pelo país anfitrião?",
            "How is the share of proceeds paid at issuance?",
            "¿Cómo se calcula el ajuste en una CDN de un solo año?",
        ] {
            assert_eq!(personal_request(question), None, "{question}");
        }
    }
}
