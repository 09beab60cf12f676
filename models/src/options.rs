//! Knobs for loading a model: how much work one forward pass takes, and on how many cores.

/// How to run an embedding model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// The most tokens one forward pass holds (a single longer text still gets its own pass).
    /// Texts are sorted by length and packed into passes up to this budget: larger passes
    /// amortise per-pass overhead, but activations grow with it (about 15 KB per token).
    pub batch_tokens: usize,
    /// How many cores embedding may use. Several passes run side by side, one per core, which
    /// wastes nothing on synchronisation; a lone pass (one question) splits its matrix products
    /// across the cores instead.
    pub threads: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            batch_tokens: 2048,
            threads: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}
