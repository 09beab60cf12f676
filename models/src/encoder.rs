//! The BERT encoder for E5S1 weights, written against candle's `QMatMul` so each linear layer can
//! multiply either by dequantised f32 weights (exact) or by the Q4_0 blocks themselves (fast).
//!
//! Same computation as `candle_transformers::models::bert::BertModel` (which runs Hugging Face
//! checkpoints, see `huggingface.rs`): post-norm layers, exact-erf GELU, absolute positions from
//! 0, token type 0 everywhere. It exists because `BertModel` only takes dense f32 weights; the
//! word-embedding table alone is 384 MB in f32 and 54 MB as Q4_0, and lookups dequantise only the
//! rows used.

use candle_core::quantized::QMatMul;
use candle_core::{D, DType, Module, Tensor};
use candle_nn::LayerNorm;

use crate::e5s1::{E5s1, Header};

/// multilingual-e5-small as a stack of candle tensors.
pub(crate) struct E5Encoder {
    /// Word embeddings, kept Q4_0: a lookup dequantises just the rows of the input's tokens.
    words: QMatMul,
    /// Position embeddings, `[max_positions, hidden]`.
    positions: Tensor,
    /// Token-type embedding of type 0, `[hidden]`: e5 never uses another type.
    token_type: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
}

/// One post-norm transformer layer.
struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_output: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// `x W^T + b`, over a 2-D view of the input so candle runs one matrix product per call.
struct Linear {
    weight: QMatMul,
    bias: Tensor,
}

impl E5Encoder {
    /// Builds the encoder from a parsed E5S1 file. With `quantized_matmul`, linear layers keep
    /// their Q4_0 blocks; otherwise they are dequantised to f32 once, here.
    pub(crate) fn new(file: &E5s1<'_>, quantized_matmul: bool) -> Result<Self, String> {
        let Header {
            hidden,
            layers,
            heads,
            ffn,
            vocab,
            max_positions,
            type_vocab,
            layer_norm_eps,
            ..
        } = file.header;
        let norm = |name: &str| -> Result<LayerNorm, String> {
            Ok(LayerNorm::new(
                file.dense(&format!("{name}.w"), &[hidden])?,
                file.dense(&format!("{name}.b"), &[hidden])?,
                layer_norm_eps,
            ))
        };
        let linear = |name: &str, outputs: usize, inputs: usize| -> Result<Linear, String> {
            Ok(Linear {
                weight: file.matrix(&format!("{name}.w"), &[outputs, inputs], quantized_matmul)?,
                bias: file.dense(&format!("{name}.b"), &[outputs])?,
            })
        };
        let token_type = file
            .dense("emb.type", &[type_vocab, hidden])?
            .get(0)
            .map_err(|err| format!("tensor emb.type cannot be loaded: {err}"))?;
        let layers = (0..layers)
            .map(|i| {
                Ok(Layer {
                    query: linear(&format!("l{i}.q"), hidden, hidden)?,
                    key: linear(&format!("l{i}.k"), hidden, hidden)?,
                    value: linear(&format!("l{i}.v"), hidden, hidden)?,
                    attention_output: linear(&format!("l{i}.ao"), hidden, hidden)?,
                    attention_norm: norm(&format!("l{i}.aln"))?,
                    intermediate: linear(&format!("l{i}.fi"), ffn, hidden)?,
                    output: linear(&format!("l{i}.fo"), hidden, ffn)?,
                    output_norm: norm(&format!("l{i}.oln"))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Self {
            words: file.matrix("emb.word", &[vocab, hidden], true)?,
            positions: file.dense("emb.pos", &[max_positions, hidden])?,
            token_type,
            embedding_norm: norm("emb.ln")?,
            layers,
            heads,
        })
    }

    /// Hidden states `[batch, len, hidden]` for token ids `[batch, len]` (u32); `mask` is
    /// `[batch, len]` with 1 for real tokens and 0 for padding, which no token attends to.
    pub(crate) fn forward(&self, ids: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        let (batch, len) = ids.dims2()?;
        let positions = self.positions.narrow(0, 0, len)?;
        let embedded = self
            .words
            .embedding(ids)?
            .broadcast_add(&positions)?
            .broadcast_add(&self.token_type)?;
        let mut hidden = self.embedding_norm.forward(&embedded)?;
        // Padding gets the most negative f32 added to its attention scores, as in Hugging Face:
        // after softmax its weight is exactly 0.
        let blocked = ((1.0 - mask.to_dtype(DType::F32)?)? * f64::from(f32::MIN))?
            .reshape((batch, 1, 1, len))?;
        for layer in &self.layers {
            hidden = layer.forward(&hidden, &blocked, self.heads)?;
        }
        Ok(hidden)
    }
}

impl Layer {
    fn forward(
        &self,
        hidden: &Tensor,
        blocked: &Tensor,
        heads: usize,
    ) -> candle_core::Result<Tensor> {
        let (batch, len, width) = hidden.dims3()?;
        let head_width = width / heads;
        let split_heads = |x: Tensor| {
            x.reshape((batch, len, heads, head_width))?
                .transpose(1, 2)?
                .contiguous()
        };
        let query = split_heads(self.query.forward(hidden)?)?;
        let key = split_heads(self.key.forward(hidden)?)?;
        let value = split_heads(self.value.forward(hidden)?)?;
        let scores = (query.matmul(&key.t()?)? / (head_width as f64).sqrt())?;
        let weights = candle_nn::ops::softmax_last_dim(&scores.broadcast_add(blocked)?)?;
        let context = weights
            .matmul(&value)?
            .transpose(1, 2)?
            .reshape((batch, len, width))?;
        let attended = self
            .attention_norm
            .forward(&(self.attention_output.forward(&context)? + hidden)?)?;
        let expanded = self.intermediate.forward(&attended)?.gelu_erf()?;
        self.output_norm
            .forward(&(self.output.forward(&expanded)? + &attended)?)
    }
}

impl Linear {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (batch, len, width) = x.dims3()?;
        let flat = x.reshape((batch * len, width))?;
        let out = self.weight.forward(&flat)?.broadcast_add(&self.bias)?;
        let outputs = out.dim(D::Minus1)?;
        out.reshape((batch, len, outputs))
    }
}
