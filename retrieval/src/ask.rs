//! Reading from the engine: cited answers and raw searches.
//!
//! An answer is decided in three steps, each on evidence:
//! 1. **Can the knowledge base know this?** [`crate::intent`] reads what the question asks for; a
//!    price, a contact, the state of a file, a forecast, a favour or an opinion go to an expert
//!    whatever the passages say. When only some parts of a question ask for one, the other parts
//!    are answered and a note names the part for the expert.
//! 2. **Which sentences answer it?** [`crate::compose`] quotes the sentences that fit the question.
//! 3. **How sure are we?** The confidence is the chance that the shown text answers
//!    ([`crate::confidence`]), learned from the gold sets: how strongly the best passage supports
//!    an answer ([`crate::evidence`]), how close the leading sentence and the entry's own question
//!    are in meaning, how much of the question the shown sentences and the retrieved passages
//!    hold, a named Party or body no passage mentions, and the request word categories on their
//!    own. It is what `escalate_below` compares, and `consulta eval` reports it against whether
//!    the shown text answers.

use std::collections::{HashMap, HashSet};

use consulta_corpus::{Date, Lang, PassageKind, is_email_address};

use crate::compose::{
    Asked, AskedPart, Quotable, compose, reference_codes, states_asked_figure, without_codes,
};
use crate::confidence::ConfidenceFeatures;
use crate::evidence::{coverage, evidence};
use crate::intent::{
    NeedsPerson, QuestionType, asks_for_a_published_address, asks_only_about_rules,
    country_of_demonym, intent, named_entities, named_parties, question_kind,
};
use crate::question_parts::question_parts;
use crate::retrieve::{Candidate, Prepared};
use crate::text::fold;
use crate::{
    Answer, AskOptions, Citation, Engine, Explained, Hit, Leg, RankedHit, RetrievalError,
    SearchOptions, phrases,
};

/// How much a request only a person can answer lowers the confidence: the passages found are on
/// topic, but they do not answer what was asked.
const NEEDS_PERSON_DISCOUNT: f32 = 0.5;
/// The evidence a passage needs to be quoted at all: below it, the passages found are on another
/// topic than the question's, however the sentences would read.
const MIN_QUOTABLE_EVIDENCE: f32 = 0.45;
/// The share of [`MIN_QUOTABLE_EVIDENCE`] a passage in another language than the question's
/// needs: its words hardly match the question's, nor can BM25 agree with the dense leg, so its
/// evidence is little more than the dense part.
const OTHER_LANGUAGE_FLOOR: f32 = 0.5;
/// A passage is quoted when its evidence reaches this share of the best passage's. The sentence
/// score weighs the evidence itself, so a low bar costs nothing: 0.5 answers 0.621 of the tuning
/// questions, 0.7 answered 0.613.
const QUOTABLE_SHARE: f32 = 0.5;
/// How many of retrieval's first choices may hold the published address a question asks for.
const ADDRESS_DEPTH: usize = 3;
/// The parts of a question the answer serves one by one, at most; later ones are left to the
/// answer to the whole. Each part may cost a search of its own and a note, so a message of forty
/// one-word "questions" must not cost forty searches; and a message asking more than this is a
/// list better sent as separate questions.
const MAX_PARTS: usize = 4;
/// The confidence the answer to a part of a question, asked on its own, needs to be added to the
/// answer: more than `escalate_below` asks, since the part is read without the question around it
/// ("is there a UN body that approves?" finds the 6.4 Supervisory Body for a question on ITMOs, at
/// 0.41), and the rest of the answer already stands. On the gold sets' multi-part questions and
/// ours, 0.5 kept the parts that name their subject ("what is the CARP?", 0.61) and dropped
/// those answered on another topic (0.41–0.43).
const PART_ANSWER_CONFIDENCE: f32 = 0.5;
/// The cosine of two sentences' vectors at which the second only says the first again in other
/// words ("the DOE submits the request for registration…", "a DOE validates… and then submits the
/// request for registration…"): word overlap misses such repeats, the model does not. Chosen on
/// the tuning questions among 0.90–0.95: 0.94 answered one more and shortened answers by 4
/// characters; at 0.92 and below, sentences on one topic that say different things were dropped.
const SAME_MEANING: f32 = 0.94;

impl Engine {
    /// Answers `question` with sentences quoted from the best passages, citations, a confidence,
    /// and whether to escalate to an expert.
    ///
    /// An empty question (nothing but spaces or punctuation) is an error,
    /// [`RetrievalError::EmptyQuestion`], whose message is in the asker's language and suggests a
    /// question: there is nothing to search, and an error keeps the caller from logging an
    /// "answer" that is not one. A question longer than
    /// [`crate::RetrievalConfig::max_question_chars`] is cut, and the answer's `notes` say so.
    pub fn ask(&self, question: &str, options: &AskOptions) -> Result<Answer, RetrievalError> {
        Ok(self.answer(question, options, false)?.answer)
    }

    /// [`Engine::ask`], with every sentence the composer considered and what its score was made
    /// of: what `consulta eval` writes to `sentences.jsonl` to fit the sentence weights.
    pub fn explain(
        &self,
        question: &str,
        options: &AskOptions,
    ) -> Result<Explained, RetrievalError> {
        self.answer(question, options, true)
    }

    fn answer(
        &self,
        question: &str,
        options: &AskOptions,
        trace: bool,
    ) -> Result<Explained, RetrievalError> {
        let inner = &self.inner;
        let config = &inner.config;
        let prepared = inner.prepare(question, options.language, options.user_lang)?;
        let lang = prepared.lang;
        let words = phrases(lang);
        let top_k = options.top_k.unwrap_or(config.top_k).max(1);
        let candidates = inner.candidates(&prepared, Leg::Hybrid, &options.filter, top_k)?;
        let mut parts = question_parts(&prepared.text);
        parts.truncate(MAX_PARTS);
        let mut asked_for = intent(&prepared.text, lang);
        // A part that asks for a person does so even when the whole reads as a question on the
        // rules: "Who authorizes ITMOs, and can you submit ours?" opens with "who".
        if asked_for.needs_person.is_none() && parts.len() > 1 {
            asked_for.needs_person = parts
                .iter()
                .find_map(|part| intent(part, lang).needs_person);
        }

        let content = inner.analyzers.content_words(lang, &prepared.dense_text);
        // The question's terms as each language analyses them, and the terms of the passages in
        // the question's language: each analysed once, for both the evidence and the question's
        // terms no passage holds.
        let mut question_terms: HashMap<Lang, HashSet<String>> = HashMap::new();
        let mut terms_in_lang = HashSet::new();
        let scored: Vec<(Candidate, f32)> = candidates
            .into_iter()
            .map(|candidate| {
                let passage = &candidate.passage;
                let passage_terms: HashSet<String> = inner
                    .analyzers
                    .terms(passage.lang, &passage.indexable_text())
                    .into_iter()
                    .collect();
                let question_terms = question_terms.entry(passage.lang).or_insert_with(|| {
                    inner
                        .analyzers
                        .terms(passage.lang, &content)
                        .into_iter()
                        .collect()
                });
                let score = evidence(config, &candidate, coverage(question_terms, &passage_terms));
                if passage.lang == lang {
                    terms_in_lang.extend(passage_terms);
                }
                (candidate, score)
            })
            .collect();
        let best = scored
            .iter()
            .map(|(_, score)| *score)
            .fold(0.0_f32, f32::max);
        let mut notes = Vec::new();
        // Whether a named Party has done something, when the knowledge base records it in an
        // entry of its own with the date it was checked, is answered from it; any other status
        // question needs a person (how many it has done is a live count).
        let recorded_status = (asked_for.needs_person == Some(NeedsPerson::CurrentStatus)
            && asked_for.kind == QuestionType::YesNo)
            .then(|| recorded_status(&prepared.text, &scored, config.question_match))
            .flatten();
        // An institution's address is answered when one of retrieval's first choices publishes
        // one.
        let published_address = asked_for.needs_person == Some(NeedsPerson::Contact)
            && asks_for_a_published_address(&prepared.text)
            && scored
                .iter()
                .take(ADDRESS_DEPTH)
                .any(|(candidate, _)| publishes_an_address(&candidate.passage.text));
        let needs_person =
            asked_for.needs_person.is_some() && recorded_status.is_none() && !published_address;
        if needs_person
            && let Some(explained) = self.answer_general_parts(&prepared, &parts, options, trace)?
        {
            return Ok(explained);
        }
        let flag = |on: bool| if on { 1.0 } else { 0.0 };
        let signals = asked_for.signals;
        let mut features = ConfidenceFeatures {
            evidence: best,
            runner_up: runner_up_share(&scored, best),
            present: flag(signals.present),
            own: flag(signals.own),
            future: flag(signals.future),
            names_party: flag(signals.names_party),
            already: flag(signals.already),
            figures: flag(signals.figures),
            ..ConfidenceFeatures::default()
        };
        let first_in_lang = scored
            .first()
            .is_some_and(|(candidate, _)| candidate.passage.lang == lang);
        if first_in_lang {
            (features.unmatched_share, features.unmatched_rarest) =
                self.unmatched_terms(&question_terms[&lang], lang, &terms_in_lang);
        }
        if needs_person {
            notes.push(words.personal_request.to_string());
        } else if mentions_unknown_name(&prepared.text, lang, &scored) {
            features.unknown_name = 1.0;
        }
        if prepared.truncated {
            notes.push(words.truncated(config.max_question_chars));
        }
        if !prepared.read_as.is_empty() {
            notes.push(words.read_as(&prepared.read_as));
        }

        // Retrieval's first choice is quotable whenever it clears the threshold: the fused rank
        // weighs the question's own FAQ match, which the evidence score does not see.
        let quotable: Vec<&(Candidate, f32)> = scored
            .iter()
            .enumerate()
            .filter(|(rank, (candidate, score))| {
                let floor = if candidate.passage.lang == lang {
                    MIN_QUOTABLE_EVIDENCE
                } else {
                    MIN_QUOTABLE_EVIDENCE * OTHER_LANGUAGE_FLOOR
                };
                *score >= floor && (*rank == 0 || *score >= best * QUOTABLE_SHARE)
            })
            .map(|(_, scored)| scored)
            .collect();
        let mut composed = None;
        let mut considered = Vec::new();
        if !needs_person && !quotable.is_empty() {
            let codes = reference_codes(&prepared.text);
            let mut search_text = if codes.is_empty() {
                content.clone()
            } else {
                inner
                    .analyzers
                    .content_words(lang, &without_codes(&prepared.dense_text))
            };
            if let Some(glossary) = inner.glossary() {
                for variant in glossary.expansions(&prepared.text) {
                    search_text.push(' ');
                    search_text.push_str(&variant);
                }
            }
            let weight = |lang: Lang, term: &str| inner.bm25.idf(lang, term);
            let asked_parts: Vec<AskedPart> = if parts.len() < 2 {
                Vec::new()
            } else {
                parts
                    .iter()
                    .map(|part| AskedPart {
                        words: inner.analyzers.content_words(lang, part),
                        kind: question_kind(part, lang),
                        names_something: part
                            .split_whitespace()
                            .skip(1)
                            .any(|word| word.chars().any(char::is_uppercase)),
                    })
                    .collect()
            };
            let similarity = inner.sentence_similarities(
                &prepared.dense_text,
                quotable.iter().map(|(c, _)| &c.passage),
            )?;
            let similarity = |sentence: &str| similarity.get(sentence).copied();
            let same_meaning = |a: &str, b: &str| inner.sentences.alike(a, b, SAME_MEANING);
            let asked = Asked {
                similarity: &similarity,
                same_meaning: &same_meaning,
                search_text: &search_text,
                codes: &codes,
                lang,
                kind: asked_for.kind,
                weight: &weight,
                trace,
                parts: &asked_parts,
            };
            let passages: Vec<Quotable<'_>> = quotable
                .iter()
                .map(|(candidate, score)| Quotable {
                    passage: &candidate.passage,
                    question_matches: candidate
                        .question_cosine
                        .is_some_and(|cosine| cosine >= config.question_match),
                    question_cosine: candidate.question_cosine,
                    evidence_share: if best > 0.0 { score / best } else { 0.0 },
                })
                .collect();
            let mut answer = compose(&inner.analyzers, &asked, &passages);
            considered = std::mem::take(&mut answer.considered);
            // The asker's words can only be found in sentences of the asker's language; quoted
            // from another, coverage says nothing about the answer.
            if answer
                .cited
                .iter()
                .all(|&i| passages[i].passage.lang == lang)
            {
                features.shown_coverage = answer.coverage;
            } else {
                features.other_language = 1.0;
            }
            features.type_answered = flag(answer.type_answered);
            features.lead_likelihood = answer.lead_likelihood;
            features.lead_closeness = answer
                .lead_cosine
                .map_or(0.0, |cosine| config.dense_scale(cosine));
            features.entry_question = passages
                .iter()
                .filter_map(|p| p.question_cosine)
                .map(|cosine| config.dense_scale(cosine))
                .fold(0.0, f32::max);
            composed = Some(answer);
        }
        let mut confidence = features.probability();
        if needs_person {
            confidence *= NEEDS_PERSON_DISCOUNT;
        }
        let escalate = needs_person || composed.is_none() || confidence < config.escalate_below;
        let would_show = composed.as_ref().map(|c| c.text.clone());

        let (answer, citations) = match composed {
            Some(composed) if !escalate => {
                let mut citations: Vec<Citation> = composed
                    .cited
                    .iter()
                    .map(|&i| Citation::new(&quotable[i].0.passage, quotable[i].1))
                    .collect();
                let mut text = composed.text;
                let mut unanswered = Vec::new();
                for &i in &composed.unanswered_parts {
                    match self.answer_part(parts[i], lang, options)? {
                        Some(quoted) => add_part_answer(&mut text, &mut citations, quoted),
                        None => unanswered.push(parts[i]),
                    }
                }
                if let Some(checked) = &recorded_status {
                    notes.push(words.status_as_of(checked));
                }
                if !citations.iter().any(|c| c.lang == lang) {
                    notes.push(words.other_language_sources.to_string());
                }
                notes.extend(self.superseded_notes(&citations, lang));
                notes.extend(unanswered.iter().map(|part| words.part_not_covered(part)));
                (text, citations)
            }
            _ => {
                let citations = scored
                    .iter()
                    .map(|(candidate, score)| Citation::new(&candidate.passage, *score))
                    .collect();
                (words.escalation.to_string(), citations)
            }
        };
        tracing::debug!(
            %lang,
            confidence,
            escalate,
            citations = citations.len(),
            "question answered"
        );
        Ok(Explained {
            answer: Answer {
                question: prepared.text,
                language: lang,
                escalate,
                confidence,
                answer,
                citations,
                notes,
            },
            considered,
            confidence: features,
            would_show,
        })
    }

    /// The passages one leg (or both, fused and ranked exactly as [`Engine::ask`] ranks them)
    /// finds for `query`; for evaluations and debugging.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<Vec<Hit>, RetrievalError> {
        Ok(self
            .explain_search(query, options)?
            .into_iter()
            .map(|ranked| ranked.hit)
            .collect())
    }

    /// [`Engine::search`] with what the hybrid ranking scored each passage on: what
    /// `consulta eval` writes for `evals/tools/fit-rank-weights.py`.
    pub fn explain_search(
        &self,
        query: &str,
        options: &SearchOptions,
    ) -> Result<Vec<RankedHit>, RetrievalError> {
        if options.k == 0 {
            return Ok(Vec::new());
        }
        let prepared = self.inner.prepare(query, options.language, None)?;
        Ok(self
            .inner
            .candidates(&prepared, options.leg, &options.filter, options.k)?
            .into_iter()
            .map(|candidate| RankedHit {
                features: candidate.rank_features.map(|f| f.values()),
                hit: candidate.into_hit(),
            })
            .collect())
    }

    /// How much of the question (its terms in `lang`, `question_terms`) the retrieved passages of
    /// its language (their terms, `found`) do not hold: the share of its terms, weighted by their inverse
    /// document frequency, and the rarest one's frequency over the highest possible. Asked only
    /// when retrieval's first choice is in the question's language: otherwise the answer comes
    /// from passages the question's words cannot be looked for in, and both stay 0.
    fn unmatched_terms(
        &self,
        question_terms: &HashSet<String>,
        lang: Lang,
        found: &HashSet<String>,
    ) -> (f32, f32) {
        let bm25 = &self.inner.bm25;
        if question_terms.is_empty() {
            return (0.0, 0.0);
        }
        let rarest_possible = bm25.idf(lang, "\u{0}");
        let mut total = 0.0;
        let mut unmatched = 0.0;
        let mut rarest: f32 = 0.0;
        for term in question_terms {
            let idf = bm25.idf(lang, term);
            total += idf;
            if !found.contains(term) {
                unmatched += idf;
                rarest = rarest.max(idf);
            }
        }
        let share = if total > 0.0 { unmatched / total } else { 0.0 };
        let rarest = if rarest_possible > 0.0 {
            (rarest / rarest_possible).min(1.0)
        } else {
            0.0
        };
        (share, rarest)
    }

    /// A question of several parts of which some ask what only a person can know ("What is an
    /// ITMO, and what does one cost today?"), answered for its other parts, with a note for each
    /// personal one: the asker gets what the sources say and learns which part needs an expert.
    /// `None`, and the whole question goes to an expert, when every part needs a person, when no
    /// part does on its own (the request is in the parts together: "our letter…? approved
    /// yet?"), when another part leans on the request ([`asks_only_about_rules`]: "can you
    /// review it?"), or when the other parts are not answered with confidence either.
    fn answer_general_parts(
        &self,
        prepared: &Prepared,
        parts: &[&str],
        options: &AskOptions,
        trace: bool,
    ) -> Result<Option<Explained>, RetrievalError> {
        let lang = prepared.lang;
        let (personal, general): (Vec<&str>, Vec<&str>) = parts
            .iter()
            .partition(|part| intent(part, lang).needs_person.is_some());
        if personal.is_empty()
            || general.is_empty()
            || !general.iter().all(|part| asks_only_about_rules(part, lang))
        {
            return Ok(None);
        }
        let options = AskOptions {
            language: Some(lang),
            ..options.clone()
        };
        let mut explained = self.answer(&general.join(" "), &options, trace)?;
        if explained.answer.escalate {
            return Ok(None);
        }
        let words = phrases(lang);
        let answer = &mut explained.answer;
        answer.question.clone_from(&prepared.text);
        if prepared.truncated {
            answer
                .notes
                .push(words.truncated(self.inner.config.max_question_chars));
        }
        answer
            .notes
            .extend(personal.iter().map(|part| words.part_needs_person(part)));
        Ok(Some(explained))
    }

    /// What the answer to `part` of a question, asked on its own, quotes from its first passage,
    /// for a part the answer to the whole leaves unanswered: retrieval for the whole question
    /// ranks the passages on what most of its words ask, and "what is the CARP?" loses to "who
    /// approves the 6.4 methodologies?" beside it. `None` unless
    /// the part asks about the rules alone ([`asks_only_about_rules`]), is not a yes/no question
    /// (those follow up on the part before: "does it need UN approval?", and read alone they find
    /// another topic's body), and is answered with [`PART_ANSWER_CONFIDENCE`], in `lang`, stating
    /// the figure a "when" or "how much" part asks for.
    fn answer_part(
        &self,
        part: &str,
        lang: Lang,
        options: &AskOptions,
    ) -> Result<Option<(String, Citation)>, RetrievalError> {
        let kind = question_kind(part, lang);
        if kind == QuestionType::YesNo || !asks_only_about_rules(part, lang) {
            return Ok(None);
        }
        let options = AskOptions {
            language: Some(lang),
            ..options.clone()
        };
        let answer = self.answer(part, &options, false)?.answer;
        let Some(cited) = answer.citations.into_iter().next() else {
            return Ok(None);
        };
        let quoted = answer.answer.split(" [1]").next().unwrap_or_default();
        let answers = !answer.escalate
            && answer.confidence >= PART_ANSWER_CONFIDENCE
            && cited.lang == lang
            && !quoted.is_empty()
            && states_asked_figure(kind, quoted, lang);
        Ok(answers.then(|| (quoted.to_string(), cited)))
    }

    /// One note per quoted passage checked before a later rule change on its topic (see
    /// [`consulta_corpus::Timeline`]): the fact may be out of date, and the note says which
    /// decision to check.
    fn superseded_notes(&self, citations: &[Citation], lang: Lang) -> Vec<String> {
        let Some(timeline) = self.inner.timeline() else {
            return Vec::new();
        };
        let words = phrases(lang);
        let mut notes = Vec::new();
        for citation in citations {
            let Some(checked) = citation
                .date
                .as_deref()
                .and_then(|d| d.parse::<Date>().ok())
            else {
                continue;
            };
            if let Some(change) = timeline.superseding(checked, &citation.tags) {
                let note = words.superseded(&citation.title, checked, change, lang);
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
        }
        notes
    }
}

/// Adds to `text` what a part's answer quotes from its first passage (its leading sentence, with
/// the one it leans on; [`Engine::answer_part`]), cited as that passage's number in `citations`,
/// which gains the passage when the answer did not cite it yet. Nothing is added when `text`
/// already shows it.
fn add_part_answer(
    text: &mut String,
    citations: &mut Vec<Citation>,
    (quoted, cited): (String, Citation),
) {
    if text.contains(&quoted) {
        return;
    }
    let number = match citations
        .iter()
        .position(|c| c.passage_id == cited.passage_id)
    {
        Some(index) => index + 1,
        None => {
            citations.push(cited);
            citations.len()
        }
    };
    text.push_str(&format!(" {quoted} [{number}]"));
}

/// The second-best passage's evidence as a share of the best's; 0 with one passage.
fn runner_up_share(scored: &[(Candidate, f32)], best: f32) -> f32 {
    if best <= 0.0 {
        return 0.0;
    }
    let mut scores: Vec<f32> = scored.iter().map(|(_, score)| *score).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    scores.get(1).map_or(0.0, |second| second / best)
}

/// The date the knowledge base last checked the status a question asks about, when retrieval's
/// first choice is an FAQ or curated entry on that very question (its own question is as close as
/// `question_match`), dated, and naming every Party, body or programme the question names: "Has
/// Guyana already submitted its initial report?" has such an entry, "Has Brazil already
/// authorized ITMOs?" has none. A question naming nobody ("has ours been approved yet?") is the
/// asker's own case, which no entry records.
fn recorded_status(
    question: &str,
    scored: &[(Candidate, f32)],
    question_match: f32,
) -> Option<String> {
    let (first, _) = scored.first()?;
    let passage = &first.passage;
    let on_this_question = matches!(passage.kind, PassageKind::Faq | PassageKind::Curated)
        && first
            .question_cosine
            .is_some_and(|cosine| cosine >= question_match);
    let text = fold(&passage.indexable_text());
    let names = named_parties(question);
    let all_named = names.iter().all(|name| text.contains(name.as_str()));
    (on_this_question && !names.is_empty() && all_named)
        .then(|| passage.valid_as_of.clone())
        .flatten()
}

/// Whether `text` holds an e-mail address ([`is_email_address`]).
fn publishes_an_address(text: &str) -> bool {
    text.split_whitespace()
        .any(|word| is_email_address(word.trim_matches(|c: char| !c.is_alphanumeric())))
}

/// Whether the question names a Party, body or company (see [`crate::intent::named_entities`])
/// that none of the found passages in the question's language mentions: then the passages are
/// about the topic, not about what the asker named. Names are written differently across
/// languages ("Fundo de Adaptação", "Adaptation Fund"), so when the best passage is in another
/// language there is nothing to tell. A people's adjective ("Peruvian") is found where its
/// country is.
fn mentions_unknown_name(question: &str, lang: Lang, scored: &[(Candidate, f32)]) -> bool {
    let best_in_lang = scored
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .is_some_and(|(candidate, _)| candidate.passage.lang == lang);
    let found: Vec<String> = scored
        .iter()
        .filter(|(candidate, _)| candidate.passage.lang == lang)
        .map(|(candidate, _)| fold(&candidate.passage.indexable_text()))
        .collect();
    best_in_lang
        && named_entities(question).any(|name| {
            let name = fold(name);
            let country = country_of_demonym(&name);
            !found
                .iter()
                .any(|text| text.contains(&name) || country.iter().any(|form| text.contains(form)))
        })
}
