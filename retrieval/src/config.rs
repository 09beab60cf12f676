//! Settings of the engine and of each request.

use consulta_corpus::Lang;
use serde::{Deserialize, Serialize};

use crate::{Leg, QdrantConfig, RetrievalError, SearchFilter, VectorStoreKind};

/// How the engine retrieves, ranks and decides to escalate. The defaults are calibrated on
/// multilingual-e5-small (see the crate documentation); every field can be set from the
/// application's configuration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetrievalConfig {
    /// The `k` of reciprocal rank fusion, `weight / (k + rank)`: larger values flatten the
    /// difference between ranks. The original RRF paper uses 60; on the gold sets a small `k`
    /// (a leg's first place counts far more than its fifth) keeps a cross-lingual answer that only
    /// the dense leg can find from being outvoted by same-language passages BM25 also lists
    /// (`consulta eval`: cross-lingual nDCG@10 0.17 at 60, 0.60 at 2).
    pub rrf_k: f32,
    /// Weight of the BM25 leg in the fusion.
    pub bm25_weight: f32,
    /// Weight of the dense leg in the fusion.
    pub dense_weight: f32,
    /// How many passages each leg contributes to the fusion.
    pub candidates_per_leg: usize,
    /// How many passages an answer cites at most.
    pub top_k: usize,
    /// Answers with a confidence below this escalate to an expert.
    pub escalate_below: f32,
    /// A curated (expert-approved) passage whose cosine similarity to the question reaches this
    /// goes first, whatever the fusion says: the desk's own answer beats the library's.
    pub curated_precedence: f32,
    /// Longer questions are cut to this many characters (and the answer says so): a pasted
    /// document is not a question, and embedding it would only read its beginning anyway.
    pub max_question_chars: usize,
    /// Cosine similarity of the question to an FAQ entry's own question (its question point, see
    /// the crate documentation) at which the entry answers exactly what was asked: its opening
    /// answer then leads the reply. multilingual-e5-small puts paraphrases of one question above
    /// it and different questions on the same topic below.
    pub question_match: f32,
    /// Relative penalty on the fused score of an FAQ entry whose own question asks for another
    /// kind of fact than the asker's ("When must the initial report be submitted?" for "What
    /// must an initial report contain?"): the embedding model weighs the shared topic words far
    /// above the one interrogative that tells the two questions apart.
    pub type_mismatch_penalty: f32,
    /// Relative penalty on the fused score of a passage tagged only with other paragraphs of
    /// Article 6 than the ones the question names by number ("6.2", "A6.4ER"): the embedding
    /// model reads the paragraph numbers as near synonyms.
    pub paragraph_mismatch_penalty: f32,
    /// Whether passages in the question's language get [`Self::same_language_bonus`].
    pub prefer_same_language: bool,
    /// Relative bonus on the fused score of passages in the question's language: when two
    /// passages score within this fraction of each other, the asker's language wins. Off by
    /// default: fused scores of neighbouring ranks are close, so even 2 % pushed other-language
    /// answers out of the top 5 on the gold sets; translations of one FAQ entry are merged anyway.
    pub same_language_bonus: f32,
    /// Weight of the question-language field in the BM25 query, relative to the other
    /// languages' fields (which still match shared acronyms such as ITMO or CDM).
    pub bm25_same_language_weight: f32,
    /// Weight of glossary expansions in the BM25 query, relative to the question's own words.
    pub expansion_weight: f32,
    /// Cosine similarity (question to passage) at which dense evidence starts to count; at or
    /// below it a passage is unrelated for multilingual-e5-small.
    pub dense_floor: f32,
    /// Cosine similarity at which dense evidence is full.
    pub dense_ceiling: f32,
    /// The language of answers when neither the question nor the asker's profile says.
    pub default_language: Lang,
    /// Passages embedded per call to the model during ingest (memory grows with it).
    pub embed_batch_size: usize,
    /// Where the vectors live: `edge` (embedded, in the data dir) or `qdrant` (a server or
    /// cluster, set up in `[retrieval.qdrant]`). `consulta migrate` moves them between the two.
    pub vector_store: VectorStoreKind,
    /// The Qdrant server, when `vector_store = "qdrant"`.
    pub qdrant: QdrantConfig,
}

impl Default for RetrievalConfig {
    fn default() -> Self {
        RetrievalConfig {
            rrf_k: 2.0,
            bm25_weight: 0.3,
            dense_weight: 1.0,
            candidates_per_leg: 50,
            top_k: 4,
            escalate_below: 0.385,
            curated_precedence: 0.90,
            max_question_chars: 2000,
            question_match: 0.92,
            prefer_same_language: true,
            same_language_bonus: 0.0,
            type_mismatch_penalty: 0.3,
            paragraph_mismatch_penalty: 0.5,
            bm25_same_language_weight: 2.0,
            expansion_weight: 0.5,
            dense_floor: 0.80,
            dense_ceiling: 0.90,
            default_language: Lang::Es,
            embed_batch_size: 16,
            vector_store: VectorStoreKind::Edge,
            qdrant: QdrantConfig::default(),
        }
    }
}

impl RetrievalConfig {
    /// A cosine of the embedding model placed between [`Self::dense_floor`] (unrelated, 0) and
    /// [`Self::dense_ceiling`] (same meaning, 1): the model puts almost every pair of texts in a
    /// narrow band, and only the place within it tells anything.
    pub(crate) fn dense_scale(&self, cosine: f32) -> f32 {
        ((cosine - self.dense_floor) / (self.dense_ceiling - self.dense_floor)).clamp(0.0, 1.0)
    }

    /// Checks that every setting is in range, saying which is not and what it accepts.
    pub fn validate(&self) -> Result<(), RetrievalError> {
        let fail = |message: String| Err(RetrievalError::InvalidConfig(message));
        let unit = |value: f32| (0.0..=1.0).contains(&value);
        if !(self.rrf_k.is_finite() && self.rrf_k > 0.0) {
            return fail(format!(
                "rrf_k = {} must be a positive number (60 is usual)",
                self.rrf_k
            ));
        }
        if self.top_k == 0 {
            return fail("top_k must be at least 1".into());
        }
        if self.candidates_per_leg < self.top_k {
            return fail(format!(
                "candidates_per_leg = {} must be at least top_k = {}",
                self.candidates_per_leg, self.top_k
            ));
        }
        for (name, value) in [
            ("escalate_below", self.escalate_below),
            ("curated_precedence", self.curated_precedence),
            ("question_match", self.question_match),
            ("same_language_bonus", self.same_language_bonus),
            ("type_mismatch_penalty", self.type_mismatch_penalty),
            (
                "paragraph_mismatch_penalty",
                self.paragraph_mismatch_penalty,
            ),
        ] {
            if !unit(value) {
                return fail(format!("{name} = {value} must be between 0 and 1"));
            }
        }
        for (name, value) in [
            ("bm25_weight", self.bm25_weight),
            ("dense_weight", self.dense_weight),
            ("bm25_same_language_weight", self.bm25_same_language_weight),
            ("expansion_weight", self.expansion_weight),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return fail(format!("{name} = {value} must be a positive number"));
            }
        }
        if !(self.dense_floor.is_finite()
            && self.dense_floor < self.dense_ceiling
            && self.dense_ceiling <= 1.0)
        {
            return fail(format!(
                "dense_floor = {} must be below dense_ceiling = {}, which must be at most 1",
                self.dense_floor, self.dense_ceiling
            ));
        }
        if self.max_question_chars == 0 {
            return fail("max_question_chars must be at least 1".into());
        }
        if self.embed_batch_size == 0 {
            return fail("embed_batch_size must be at least 1".into());
        }
        if self.vector_store == VectorStoreKind::Qdrant {
            self.qdrant.validate()?;
        }
        Ok(())
    }
}

/// Options of one [`crate::Engine::ask`] call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AskOptions {
    /// Answer in this language, whatever the question looks like (e.g. the user chose it).
    pub language: Option<Lang>,
    /// The asker's known language (e.g. from their chat profile), used when the question itself
    /// does not tell (an acronym alone, a two-word question).
    pub user_lang: Option<Lang>,
    /// Which passages may be cited.
    pub filter: SearchFilter,
    /// Cite at most this many passages instead of [`RetrievalConfig::top_k`].
    pub top_k: Option<usize>,
}

/// Options of one [`crate::Engine::search`] call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchOptions {
    /// Which legs to use.
    pub leg: Leg,
    /// How many hits to return.
    pub k: usize,
    /// Which passages may be returned.
    pub filter: SearchFilter,
    /// The query's language, for the BM25 analysis; detected when `None`.
    pub language: Option<Lang>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            leg: Leg::Hybrid,
            k: 10,
            filter: SearchFilter::default(),
            language: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        RetrievalConfig::default().validate().unwrap();
    }

    #[test]
    fn out_of_range_settings_are_named() {
        let config = RetrievalConfig {
            escalate_below: 1.5,
            ..RetrievalConfig::default()
        };
        let error = config.validate().unwrap_err().to_string();
        assert!(error.contains("escalate_below = 1.5"), "{error}");

        let config = RetrievalConfig {
            top_k: 60,
            ..RetrievalConfig::default()
        };
        let error = config.validate().unwrap_err().to_string();
        assert!(error.contains("candidates_per_leg"), "{error}");
    }
}
