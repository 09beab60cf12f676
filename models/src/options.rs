//! Knobs for loading a model: how to trade memory and speed against exactness.

/// How the encoder's linear layers multiply by E5S1's 4-bit weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatMul {
    /// Dequantise the Q4_0 weights to f32 once at load time and multiply in f32. This is what the
    /// reference embeddings were computed with, so vectors match them to ~1e-7.
    #[default]
    F32,
    /// Keep the weights in Q4_0 and use candle's quantized matmul (activations are rounded to
    /// 8 bits on the fly). Faster and smaller, but vectors drift from the reference by ~1e-2;
    /// never mix vectors from both settings in one index.
    Quantized,
}

/// How to load and run an embedding model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// How many texts are encoded per forward pass. Texts are sorted by length first, so a batch
    /// holds texts of similar length and little compute is wasted on padding; larger batches
    /// amortise per-pass overhead but hold more activations in memory.
    pub batch_size: usize,
    /// How linear layers use the E5S1 weights; ignored for Hugging Face checkpoints, which are
    /// already f32.
    pub matmul: MatMul,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            batch_size: 16,
            matmul: MatMul::F32,
        }
    }
}
