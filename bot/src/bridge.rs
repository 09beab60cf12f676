//! What the desk needs from the retrieval side, met here so that the desk crate links neither the
//! engine nor the model: approved answers go into the engine's indexes ([`EngineSink`]) and the gap
//! report places questions with the model ([`QueryVectors`]).

use consulta_corpus::Passage;
use consulta_desk::{CuratedSink, QuestionEmbedder};
use consulta_models::{Embedder, Role};
use consulta_retrieval::Engine;

/// The retrieval engine as the desk's [`CuratedSink`]: an approved answer is indexed in both of its
/// indexes at once, replacing an earlier version of the same entry.
#[derive(Clone)]
pub struct EngineSink(pub Engine);

impl CuratedSink for EngineSink {
    fn upsert_curated(
        &self,
        passage: Passage,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.0.upsert_curated(passage).map_err(Into::into)
    }
}

/// The model as the gap report's [`QuestionEmbedder`]: questions are embedded as queries, the role
/// they were asked in, so the multilingual model puts one subject's questions together whatever
/// their language.
pub struct QueryVectors<'a>(pub &'a dyn Embedder);

impl QuestionEmbedder for QueryVectors<'_> {
    fn embed_questions(&self, questions: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        self.0
            .embed(questions, Role::Query)
            .map_err(|e| e.to_string())
    }
}
