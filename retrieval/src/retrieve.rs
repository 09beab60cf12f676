//! From a question to ranked candidate passages: preparation, the two legs, fusion, the ranking
//! preferences (asker's language, curated answers) and the learned re-scoring.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use consulta_corpus::{Lang, Passage, PassageKind};
use consulta_models::Role;

use crate::articles::{about_other_paragraphs, named_paragraphs};
use crate::bm25::Bm25Query;
use crate::engine::Inner;
use crate::fusion::{FusionWeights, fuse};
use crate::intent::{QuestionType, question_kind};
use crate::points::question_owner;
use crate::rank_score::{Fusion, RankFeatures, rank_features};
use crate::stopwords::is_stopword;
use crate::text::{fold, has_content, truncate_chars, words};
use crate::{Hit, Leg, LegRank, RetrievalError, SearchFilter, detect_language_with, phrases};

/// Passage ids with their similarity, best first.
type Ranked = Vec<(String, f32)>;

/// A question ready to search.
pub(crate) struct Prepared {
    /// Trimmed and cut to the configured length.
    pub(crate) text: String,
    /// The language to analyse and answer in.
    pub(crate) lang: Lang,
    /// Whether the question was cut.
    pub(crate) truncated: bool,
    /// Typing slips read as the knowledge base's words ([`crate::spelling`]): each as written
    /// and as read, for the answer to say so.
    pub(crate) read_as: Vec<(String, String)>,
    /// What the embedding model reads: the text with its two-letter acronyms spelled out
    /// ([`consulta_corpus::Glossary::spelled_out`]).
    pub(crate) dense_text: String,
}

/// A ranked passage with the evidence each leg gave for it.
pub(crate) struct Candidate {
    pub(crate) passage: Passage,
    /// The ranking score (leg score, or fused score with preferences applied).
    pub(crate) score: f32,
    pub(crate) bm25: Option<LegRank>,
    pub(crate) dense: Option<LegRank>,
    /// Cosine similarity of the question to the entry's own question, for FAQ entries and curated
    /// answers the dense leg reached through their question point ([`crate::points`]).
    pub(crate) question_cosine: Option<f32>,
    /// What the hybrid ranking's last step scored it on; `None` for a single leg.
    pub(crate) rank_features: Option<RankFeatures>,
}

impl Candidate {
    /// The passage's cosine similarity to the question, when the dense leg found it.
    pub(crate) fn cosine(&self) -> Option<f32> {
        self.dense.map(|d| d.score)
    }

    pub(crate) fn into_hit(self) -> Hit {
        Hit {
            passage: self.passage,
            score: self.score,
            bm25: self.bm25,
            dense: self.dense,
        }
    }
}

impl Inner {
    /// Trims, rejects empty questions, truncates long ones, and settles the language: the
    /// explicit choice, else what the question says, else the asker's profile, else the default.
    pub(crate) fn prepare(
        &self,
        question: &str,
        language: Option<Lang>,
        user_lang: Option<Lang>,
    ) -> Result<Prepared, RetrievalError> {
        let trimmed = question.trim();
        if !has_content(trimmed) {
            let lang = language
                .or(user_lang)
                .unwrap_or(self.config.default_language);
            return Err(RetrievalError::EmptyQuestion {
                message: phrases(lang).empty_question.to_string(),
            });
        }
        let (text, truncated) = truncate_chars(trimmed, self.config.max_question_chars);
        let lang = language
            .or_else(|| detect_language_with(text, |word| self.sole_language_using(word)))
            .or(user_lang)
            .unwrap_or(self.config.default_language);
        let known = |word: &str| {
            let folded = fold(word);
            self.embedder.knows_word(word)
                || Lang::ALL
                    .into_iter()
                    .any(|field| is_stopword(field, &folded) || self.passages_use(field, word))
        };
        let corrected = self.catalog().spelling().correct(text, lang, &known);
        let dense_text = self.glossary().map_or_else(
            || corrected.text.clone(),
            |glossary| glossary.spelled_out(&corrected.text, lang),
        );
        Ok(Prepared {
            text: corrected.text,
            lang,
            truncated,
            read_as: corrected.changes,
            dense_text,
        })
    }

    /// Whether some passage of `lang` uses `word`, as that language's analyzer stems it.
    fn passages_use(&self, lang: Lang, word: &str) -> bool {
        self.analyzers
            .terms(lang, word)
            .iter()
            .any(|term| self.bm25.knows(lang, term))
    }

    /// The one language whose passages use `word`, when exactly one does.
    fn sole_language_using(&self, word: &str) -> Option<Lang> {
        let mut using = Lang::ALL
            .into_iter()
            .filter(|lang| self.passages_use(*lang, word));
        let first = using.next()?;
        using.next().is_none().then_some(first)
    }

    /// The BM25 query for a question: its content words (judged in its language) on every
    /// language's field, each field analysing them its own way, the question's language weighted
    /// up; plus glossary variants at a lower weight.
    pub(crate) fn bm25_query(&self, text: &str, lang: Lang) -> Bm25Query {
        let config = &self.config;
        let content = self.analyzers.content_words(lang, text);
        let expansions: Vec<String> = self
            .glossary()
            .map(|glossary| glossary.expansions(text))
            .unwrap_or_default()
            .iter()
            .map(|variant| without_function_words(variant))
            .collect();
        let mut query = Bm25Query::default();
        for field in Lang::ALL {
            let weight = if field == lang {
                config.bm25_same_language_weight
            } else {
                1.0
            };
            for term in self.analyzers.terms(field, &content) {
                query.add(field, term, weight);
            }
            for expansion in &expansions {
                for term in self.analyzers.terms(field, expansion) {
                    query.add(field, term, weight * config.expansion_weight);
                }
            }
        }
        query
    }

    /// The passages ranked by `leg`, at most `limit`, among those `filter` admits.
    pub(crate) fn candidates(
        &self,
        question: &Prepared,
        leg: Leg,
        filter: &SearchFilter,
        limit: usize,
    ) -> Result<Vec<Candidate>, RetrievalError> {
        let depth = limit.max(self.config.candidates_per_leg);
        let bm25 = match leg {
            Leg::Bm25 | Leg::Hybrid => {
                let query = self.bm25_query(&question.text, question.lang);
                self.bm25.search(&query, filter, depth)?
            }
            Leg::Dense => Vec::new(),
        };
        let (dense, question_cosines) = match leg {
            Leg::Dense | Leg::Hybrid => self.dense_search(&question.dense_text, filter, depth)?,
            Leg::Bm25 => (Vec::new(), HashMap::new()),
        };
        let weights = FusionWeights {
            k: self.config.rrf_k,
            bm25: self.config.bm25_weight,
            dense: self.config.dense_weight,
        };
        let mut fused = fuse(&bm25, &dense, weights);
        if leg != Leg::Hybrid {
            // A single leg keeps its own scores and order.
            for f in &mut fused {
                f.score = f.bm25.or(f.dense).map_or(0.0, |r| r.score);
            }
        }
        let catalog = self.catalog();
        let mut candidates: Vec<Candidate> = fused
            .into_iter()
            .filter_map(|f| {
                // An index may briefly hold a passage whose write is not committed yet.
                let entry = catalog.entries.get(&f.passage_id)?;
                Some(Candidate {
                    question_cosine: question_cosines.get(&f.passage_id).copied(),
                    passage: entry.passage.clone(),
                    score: f.score,
                    bm25: f.bm25,
                    dense: f.dense,
                    rank_features: None,
                })
            })
            .collect();
        if leg == Leg::Hybrid {
            self.translate_entries(&mut candidates, question.lang, filter);
            self.penalise_other_question_types(&mut candidates, &question.text, question.lang);
            self.penalise_other_paragraphs(&mut candidates, &question.text);
            self.apply_preferences(&mut candidates, question.lang);
            candidates.truncate(depth);
            self.rank(&mut candidates, question.lang);
        }
        candidates.truncate(limit);
        Ok(candidates)
    }

    /// The vector of the question `text`, from the cache of recent questions or the model.
    pub(crate) fn question_vector(&self, text: &str) -> Result<Arc<[f32]>, RetrievalError> {
        if let Some(vector) = self.questions.get(text) {
            return Ok(vector);
        }
        let mut embedded = self.embedder.embed(&[text], Role::Query)?;
        let Some(vector) = embedded.pop() else {
            return Err(RetrievalError::BadEmbedding {
                name: self.embedder.name().to_string(),
                got: "no vector".into(),
                expected: "one vector for the question".into(),
            });
        };
        let vector: Arc<[f32]> = vector.into();
        self.questions.insert(text, vector.clone());
        Ok(vector)
    }

    /// The passages closest to `text`, best first, each at the better similarity of its own point
    /// and its question point; and the question points' similarities by passage.
    fn dense_search(
        &self,
        text: &str,
        filter: &SearchFilter,
        limit: usize,
    ) -> Result<(Ranked, HashMap<String, f32>), RetrievalError> {
        let vector = self.question_vector(text)?;
        let mut best: HashMap<String, f32> = HashMap::new();
        let mut question_cosines = HashMap::new();
        for hit in self.vectors.search(&vector, limit, filter)? {
            let passage_id = match question_owner(&hit.passage_id) {
                Some(owner) => {
                    question_cosines.insert(owner.to_string(), hit.score);
                    owner.to_string()
                }
                None => hit.passage_id,
            };
            let score = best.entry(passage_id).or_insert(hit.score);
            *score = score.max(hit.score);
        }
        let mut ranked: Vec<(String, f32)> = best.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok((ranked, question_cosines))
    }

    /// Replaces each FAQ entry found only in another language by its version in the asker's
    /// language, when the knowledge base has one: the entries are kept aligned across languages,
    /// so the translation says the same thing in the asker's words. Without this a Portuguese
    /// question whose Spanish entry ranked first was answered in Spanish.
    fn translate_entries(
        &self,
        candidates: &mut Vec<Candidate>,
        lang: Lang,
        filter: &SearchFilter,
    ) {
        let found_in_lang: HashSet<&str> = candidates
            .iter()
            .filter(|c| c.passage.lang == lang)
            .map(|c| c.passage.doc_id.as_str())
            .collect();
        let wanted: HashSet<String> = candidates
            .iter()
            .filter(|c| c.passage.kind == PassageKind::Faq && c.passage.lang != lang)
            .map(|c| c.passage.doc_id.as_str())
            .filter(|doc| !found_in_lang.contains(doc))
            .map(str::to_string)
            .collect();
        if wanted.is_empty() {
            return;
        }
        let catalog = self.catalog();
        let translations: HashMap<&str, &Passage> = catalog
            .entries
            .values()
            .map(|entry| &entry.passage)
            .filter(|p| {
                p.lang == lang
                    && p.kind == PassageKind::Faq
                    && wanted.contains(&p.doc_id)
                    && filter.admits(p)
            })
            .map(|p| (p.doc_id.as_str(), p))
            .collect();
        for candidate in candidates.iter_mut() {
            if candidate.passage.lang != lang
                && let Some(translation) = translations.get(candidate.passage.doc_id.as_str())
            {
                candidate.passage = (*translation).clone();
            }
        }
        // Two languages of one entry became the same passage: the better-ranked one stays.
        let mut seen = HashSet::new();
        candidates.retain(|c| seen.insert(c.passage.id.clone()));
    }

    /// Lowers the fused score of FAQ entries and curated answers whose own question asks for
    /// another kind of fact (who, when, how much) than the asker's: a "when" entry on the right
    /// topic does not answer a "what" question. Open and yes/no questions count as one kind,
    /// since entries that define or explain answer both.
    fn penalise_other_question_types(&self, candidates: &mut [Candidate], text: &str, lang: Lang) {
        let penalty = self.config.type_mismatch_penalty;
        if penalty == 0.0 {
            return;
        }
        let kind = |text: &str, lang: Lang| match question_kind(text, lang) {
            QuestionType::YesNo => QuestionType::Open,
            other => other,
        };
        let asked = kind(text, lang);
        for candidate in candidates.iter_mut() {
            let passage = &candidate.passage;
            if matches!(passage.kind, PassageKind::Faq | PassageKind::Curated)
                && kind(&passage.title, passage.lang) != asked
            {
                candidate.score *= 1.0 - penalty;
            }
        }
    }

    /// Lowers the fused score of passages about another paragraph of Article 6 than the one the
    /// question names by number ([`crate::articles`]): asked about 6.2, the 6.4 entry on the same
    /// levy answers for the other route.
    fn penalise_other_paragraphs(&self, candidates: &mut [Candidate], text: &str) {
        let penalty = self.config.paragraph_mismatch_penalty;
        let named = named_paragraphs(text);
        if penalty == 0.0 || named.is_empty() {
            return;
        }
        for candidate in candidates.iter_mut() {
            if about_other_paragraphs(&candidate.passage.tags, &named) {
                candidate.score *= 1.0 - penalty;
            }
        }
    }

    /// Orders fused candidates for answering. When an FAQ entry was found in several languages,
    /// its version in the asker's language stands for all of them, with the best score any of
    /// them earned: one answer, in the asker's words, and no citation slot spent on a
    /// translation. Then a small bonus for the asker's language (it wins when scores are close),
    /// and curated answers close enough to the question go first.
    fn apply_preferences(&self, candidates: &mut Vec<Candidate>, lang: Lang) {
        let config = &self.config;
        if config.prefer_same_language {
            let mut best_by_doc: HashMap<String, f32> = HashMap::new();
            for candidate in candidates.iter() {
                let best = best_by_doc
                    .entry(candidate.passage.doc_id.clone())
                    .or_insert(0.0);
                *best = best.max(candidate.score);
            }
            let translated: HashSet<String> = candidates
                .iter()
                .filter(|c| c.passage.kind == PassageKind::Faq && c.passage.lang == lang)
                .map(|c| c.passage.doc_id.clone())
                .collect();
            candidates
                .retain(|c| c.passage.lang == lang || !translated.contains(&c.passage.doc_id));
            for candidate in candidates.iter_mut() {
                if translated.contains(&candidate.passage.doc_id) {
                    candidate.score = best_by_doc[&candidate.passage.doc_id];
                }
                if candidate.passage.lang == lang {
                    candidate.score *= 1.0 + config.same_language_bonus;
                }
            }
        }
        self.order_for_answering(candidates);
    }

    /// Sorts by score, with curated answers close enough to the question first.
    fn order_for_answering(&self, candidates: &mut [Candidate]) {
        let precedence = |c: &Candidate| {
            (c.passage.kind == PassageKind::Curated)
                .then(|| c.cosine())
                .flatten()
                .filter(|cosine| *cosine >= self.config.curated_precedence)
        };
        candidates.sort_by(|a, b| match (precedence(a), precedence(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => b.score.total_cmp(&a.score),
        });
    }

    /// Re-scores the fused candidates by what each leg said about them ([`crate::rank_score`])
    /// and orders them again. The fused order decides which candidates are re-scored (the first
    /// `candidates_per_leg`), so a passage neither leg ranked well cannot climb from the tail.
    fn rank(&self, candidates: &mut [Candidate], lang: Lang) {
        let fusions: Vec<Fusion> = candidates
            .iter()
            .map(|c| Fusion {
                fused: c.score,
                same_language: c.passage.lang == lang,
                faq: c.passage.kind == PassageKind::Faq,
                bm25: c.bm25.map(|r| (r.rank, r.score)),
                dense: c.dense.map(|r| (r.rank, r.score)),
            })
            .collect();
        for (candidate, features) in candidates
            .iter_mut()
            .zip(rank_features(&fusions, self.config.rrf_k))
        {
            candidate.score = features.score();
            candidate.rank_features = Some(features);
        }
        self.order_for_answering(candidates);
    }
}

/// `text` without the words that are function words in any of the languages: glossary variants
/// are searched in every language's field, where another language's "de" or "a" is noise.
fn without_function_words(text: &str) -> String {
    words(text)
        .filter(|word| {
            let folded = fold(word);
            !Lang::ALL.iter().any(|lang| is_stopword(*lang, &folded))
        })
        .collect::<Vec<_>>()
        .join(" ")
}
