//! Reading from the engine: cited answers and raw searches.

use std::collections::HashSet;

use consulta_corpus::Date;

use crate::compose::{Quotable, compose};
use crate::evidence::{coverage, evidence};
use crate::requests::personal_request;
use crate::retrieve::Candidate;
use crate::{
    Answer, AskOptions, Citation, Engine, Hit, Leg, RetrievalError, SearchOptions, phrases,
};

/// The latest `valid_as_of` among the citations: how current the answer is as a whole.
fn newest_source(citations: &[Citation]) -> Option<Date> {
    citations
        .iter()
        .filter_map(|citation| citation.date.as_deref()?.parse::<Date>().ok())
        .max()
}

/// How much a personal request (see [`crate::requests`]) lowers the confidence: the passages
/// found are on topic, but they do not answer what was asked.
const PERSONAL_REQUEST_DISCOUNT: f32 = 0.5;

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
        let inner = &self.inner;
        let config = &inner.config;
        let prepared = inner.prepare(question, options.language, options.user_lang)?;
        let lang = prepared.lang;
        let words = phrases(lang);
        let top_k = options.top_k.unwrap_or(config.top_k).max(1);
        let candidates = inner.candidates(&prepared, Leg::Hybrid, &options.filter, top_k)?;

        let content = inner.analyzers.content_words(lang, &prepared.text);
        let scored: Vec<(Candidate, f32)> = candidates
            .into_iter()
            .map(|candidate| {
                let passage = &candidate.passage;
                let question_terms: HashSet<String> = inner
                    .analyzers
                    .terms(passage.lang, &content)
                    .into_iter()
                    .collect();
                let passage_terms: HashSet<String> = inner
                    .analyzers
                    .terms(passage.lang, &passage.indexable_text())
                    .into_iter()
                    .collect();
                let score = evidence(
                    config,
                    &candidate,
                    coverage(&question_terms, &passage_terms),
                );
                (candidate, score)
            })
            .collect();
        let mut confidence = scored
            .iter()
            .map(|(_, score)| *score)
            .fold(0.0_f32, f32::max);
        let mut notes = Vec::new();
        let personal = personal_request(&prepared.text).is_some();
        if personal {
            confidence *= PERSONAL_REQUEST_DISCOUNT;
            notes.push(words.personal_request.to_string());
        }
        let escalate = personal || confidence < config.escalate_below;
        if prepared.truncated {
            notes.push(words.truncated(config.max_question_chars));
        }
        let (answer, citations) = if escalate {
            let citations = scored
                .iter()
                .map(|(candidate, score)| Citation::new(&candidate.passage, *score))
                .collect();
            (words.escalation.to_string(), citations)
        } else {
            let reliable: Vec<&(Candidate, f32)> = scored
                .iter()
                .filter(|(_, score)| *score >= config.escalate_below)
                .collect();
            let quotable: Vec<Quotable<'_>> = reliable
                .iter()
                .map(|(candidate, _)| Quotable {
                    passage: &candidate.passage,
                    cosine: candidate.cosine().unwrap_or(0.0),
                })
                .collect();
            let mut search_text = content.clone();
            if let Some(glossary) = inner.glossary() {
                for variant in glossary.expansions(&prepared.text) {
                    search_text.push(' ');
                    search_text.push_str(&variant);
                }
            }
            let composed = compose(&inner.analyzers, &search_text, &quotable);
            let citations: Vec<Citation> = composed
                .cited
                .iter()
                .map(|&i| Citation::new(&reliable[i].0.passage, reliable[i].1))
                .collect();
            if !citations.iter().any(|c| c.lang == lang) {
                notes.push(words.other_language_sources.to_string());
            }
            if let Some(newest) = newest_source(&citations)
                && Date::today().days_since_epoch() - newest.days_since_epoch()
                    > i64::from(config.stale_after_days)
            {
                notes.push(words.stale(newest, config.stale_after_days));
            }
            (composed.text, citations)
        };
        tracing::debug!(
            %lang,
            confidence,
            escalate,
            citations = citations.len(),
            "question answered"
        );
        Ok(Answer {
            question: prepared.text,
            language: lang,
            escalate,
            confidence,
            answer,
            citations,
            notes,
        })
    }

    /// The passages one leg (or both, fused and ranked exactly as [`Engine::ask`] ranks them)
    /// finds for `query`; for evaluations and debugging.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<Vec<Hit>, RetrievalError> {
        if options.k == 0 {
            return Ok(Vec::new());
        }
        let prepared = self.inner.prepare(query, options.language, None)?;
        Ok(self
            .inner
            .candidates(&prepared, options.leg, &options.filter, options.k)?
            .into_iter()
            .map(Candidate::into_hit)
            .collect())
    }
}
