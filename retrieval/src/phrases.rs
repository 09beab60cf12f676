//! The fixed words of an answer, in each language Consulta speaks.

use consulta_corpus::{Date, Lang, RuleChange};

/// The words an answer adds around the quoted passages. Kept in one place so the bot, the CLI and
/// the answers agree, and so a translator finds them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phrases {
    /// Heading of the list of citations.
    pub sources: &'static str,
    /// The answer text when the evidence is too weak to answer.
    pub escalation: &'static str,
    /// Introduces the date a cited fact is known to hold ("as of 2024-11-01").
    pub as_of: &'static str,
    /// The reply to an empty question, with an example of a good one.
    pub empty_question: &'static str,
    /// Note shown with answers whose citations are all in other languages than the asker's.
    pub other_language_sources: &'static str,
    /// Note shown when a question asks what only a person can know or do (a case's status, a
    /// contact, a price, a decision not yet taken, an action on the asker's behalf).
    pub personal_request: &'static str,
    /// Note shown when a quoted passage was checked before a later decision on its topic;
    /// `{title}`, `{checked}`, `{decision}`, `{date}` and `{topic}` stand for the passage's title,
    /// the date it was checked, the decision, its date and the topic it revised.
    superseded: &'static str,
    /// Note shown when one part of a question is not covered by the quoted sources; `{part}`
    /// stands for that part.
    part_not_covered: &'static str,
    /// Note shown when one part of a question asks what only a person can know or do (a contact,
    /// a price, a file's status, an action) and the other parts are answered; `{part}` stands for
    /// that part.
    part_needs_person: &'static str,
    /// Note shown when a question about where a named Party's or programme's file stands is
    /// answered from an entry that records it; `{date}` stands for the date the entry was checked.
    status_as_of: &'static str,
    /// Note shown when a question was cut; `{n}` stands for the number of characters kept.
    truncated: &'static str,
    /// Note shown when typing slips were read as other words; `{pairs}` stands for the list of
    /// [`Phrases::read_as_pair`]s.
    read_as: &'static str,
    /// One slip in that note; `{written}` and `{read}` stand for the word as written and as read.
    read_as_pair: &'static str,
}

const ES: Phrases = Phrases {
    sources: "Fuentes",
    escalation: "No encontré una respuesta fiable; una persona experta puede ayudarle.",
    as_of: "vigente al",
    empty_question: "Pregunta vacía: escriba su pregunta sobre el Artículo 6, por ejemplo «¿Qué es un ITMO?».",
    other_language_sources: "Las fuentes citadas están en otro idioma.",
    superseded: "«{title}» se verificó el {checked}; después, la decisión {decision} ({date}) trató {topic}: confirme ahí que siga vigente.",
    part_not_covered: "Nuestras fuentes no responden esta parte: «{part}». Una persona experta puede responderla si la deriva.",
    part_needs_person: "Esta parte pide algo que solo una persona puede saber o hacer: «{part}». Una persona experta puede responderla si la deriva.",
    personal_request: "La pregunta trata de un caso, un contacto, un precio o una decisión futura que la base de conocimiento no puede saber: la pasamos a una persona experta.",
    status_as_of: "Así estaba al {date}, según la fuente citada; puede haber cambiado desde entonces: una persona experta puede confirmarlo.",
    truncated: "La pregunta era demasiado larga: se usaron sus primeros {n} caracteres.",
    read_as: "Se leyó {pairs}.",
    read_as_pair: "«{written}» como «{read}»",
};

const PT: Phrases = Phrases {
    sources: "Fontes",
    escalation: "Não encontrei uma resposta confiável; uma pessoa especialista pode ajudar.",
    as_of: "válido em",
    empty_question: "Pergunta vazia: escreva sua pergunta sobre o Artigo 6, por exemplo “O que é um ITMO?”.",
    other_language_sources: "As fontes citadas estão em outro idioma.",
    superseded: "“{title}” foi verificada em {checked}; depois, a decisão {decision} ({date}) tratou de {topic}: confirme nela que continua válida.",
    part_not_covered: "Nossas fontes não respondem esta parte: “{part}”. Uma pessoa especialista pode respondê-la se você encaminhar.",
    part_needs_person: "Esta parte pede algo que só uma pessoa pode saber ou fazer: “{part}”. Uma pessoa especialista pode respondê-la se você encaminhar.",
    personal_request: "A pergunta trata de um caso, um contato, um preço ou uma decisão futura que a base de conhecimento não tem como saber: vamos passá-la a uma pessoa especialista.",
    status_as_of: "Era assim em {date}, segundo a fonte citada; pode ter mudado desde então: uma pessoa especialista pode confirmar.",
    truncated: "A pergunta era longa demais: foram usados os primeiros {n} caracteres.",
    read_as: "Lemos {pairs}.",
    read_as_pair: "“{written}” como “{read}”",
};

const EN: Phrases = Phrases {
    sources: "Sources",
    escalation: "I could not find a reliable answer — an expert can help.",
    as_of: "as of",
    empty_question: "Empty question: write your question about Article 6, for example “What is an ITMO?”.",
    other_language_sources: "The cited sources are in another language.",
    superseded: "“{title}” was checked on {checked}; Decision {decision} ({date}) later dealt with {topic}: check there that it still holds.",
    part_not_covered: "Our sources do not answer this part: “{part}”. An expert can answer it if you pass it on.",
    part_needs_person: "This part asks for what only a person can know or do: “{part}”. An expert can answer it if you pass it on.",
    personal_request: "This asks about a specific case, a contact, a price or a decision not yet taken, which the knowledge base cannot know: it goes to an expert.",
    status_as_of: "This was the state on {date}, per the cited source; it may have changed since: an expert can confirm.",
    truncated: "The question was too long: only its first {n} characters were used.",
    read_as: "Read {pairs}.",
    read_as_pair: "“{written}” as “{read}”",
};

/// The phrases of `lang`.
pub fn phrases(lang: Lang) -> &'static Phrases {
    match lang {
        Lang::Es => &ES,
        Lang::Pt => &PT,
        Lang::En => &EN,
    }
}

impl Phrases {
    /// The note added when the passage titled `title`, checked on `checked`, predates `change`.
    pub fn superseded(
        &self,
        title: &str,
        checked: Date,
        change: &RuleChange,
        lang: Lang,
    ) -> String {
        self.superseded
            .replace("{title}", title)
            .replace("{checked}", &checked.to_string())
            .replace("{decision}", &change.decision)
            .replace("{date}", &change.date.to_string())
            .replace("{topic}", change.topic.get(lang))
    }

    /// The note added when `part` of the question is not covered by the quoted sources.
    pub fn part_not_covered(&self, part: &str) -> String {
        self.part_not_covered.replace("{part}", part)
    }

    /// The note added when `part` of the question asks what only a person can know.
    pub fn part_needs_person(&self, part: &str) -> String {
        self.part_needs_person.replace("{part}", part)
    }

    /// The note added when a question was cut to `max_chars` characters.
    pub fn truncated(&self, max_chars: usize) -> String {
        self.truncated.replace("{n}", &max_chars.to_string())
    }

    /// The note added when a status question is answered from an entry checked on `date`.
    pub fn status_as_of(&self, date: &str) -> String {
        self.status_as_of.replace("{date}", date)
    }

    /// The note added when typing slips were read as other words: each as written and as read.
    pub fn read_as(&self, slips: &[(String, String)]) -> String {
        let pairs: Vec<String> = slips
            .iter()
            .map(|(written, read)| {
                self.read_as_pair
                    .replace("{written}", written)
                    .replace("{read}", read)
            })
            .collect();
        self.read_as.replace("{pairs}", &pairs.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_its_own_words() {
        assert_eq!(phrases(Lang::En).sources, "Sources");
        assert!(phrases(Lang::Es).escalation.contains("experta"));
        assert_eq!(
            phrases(Lang::Pt).truncated(2000),
            "A pergunta era longa demais: foram usados os primeiros 2000 caracteres."
        );
    }
}
