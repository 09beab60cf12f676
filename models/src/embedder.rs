//! The interface the rest of Consulta embeds text through.

use crate::{ModelError, Role};

/// Turns texts into L2-normalised vectors.
///
/// Object-safe and `Send + Sync` so one loaded model (hundreds of MB) is shared by every task as
/// `Arc<dyn Embedder>`, and so tests of other crates can substitute their own implementation.
/// Vectors are unit length, so their [`dot`] product is their cosine similarity.
pub trait Embedder: Send + Sync {
    /// Length of every vector this embedder returns.
    fn dimension(&self) -> usize;

    /// Embeds `texts` in order, one vector per text.
    ///
    /// Adds the role prefix itself; batches internally; truncates each text to the model's
    /// maximum input (512 tokens for e5), so a long text is represented by its beginning.
    /// An empty slice gives an empty result; an empty string is a valid text.
    fn embed(&self, texts: &[&str], role: Role) -> Result<Vec<Vec<f32>>, ModelError>;

    /// A short human name for logs and reports, e.g. "multilingual-e5-small (E5S1 Q4_0)".
    fn name(&self) -> &str;

    /// Whether the model's vocabulary has `word` as one whole token. A multilingual vocabulary
    /// is a dictionary of the words its languages use often: a word it has whole is a word, not
    /// a typing slip, even where the knowledge base never uses it. Embedders without a
    /// vocabulary know no word.
    fn knows_word(&self, word: &str) -> bool {
        let _ = word;
        false
    }
}

/// The dot product of two vectors of the same length. The model's vectors ([`Embedder::embed`])
/// are normalised to unit length, so for them it is their cosine similarity, the measure of how
/// close two texts are in meaning that retrieval ranks by: 1 for the same direction, 0 for
/// unrelated ones.
///
/// ```
/// use consulta_models::dot;
///
/// let (east, north, north_east) = ([1.0, 0.0], [0.0, 1.0], [0.6, 0.8]);
/// assert_eq!(dot(&east, &north), 0.0);
/// assert_eq!(dot(&east, &north_east), 0.6);
/// assert!((dot(&north_east, &north_east) - 1.0).abs() < 1e-6);
/// ```
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
