//! The BERT encoder for E5S1 weights, run over unpadded token sequences.
//!
//! Same computation as `candle_transformers::models::bert::BertModel` (which runs Hugging Face
//! checkpoints, see `huggingface.rs`): post-norm layers, exact-erf GELU, absolute positions from
//! 0, token type 0 everywhere, then mean pooling and L2 normalisation. It is written directly on
//! `f32` buffers (see `kernels.rs`) because that is more than twice as fast as candle's ops on
//! these cores, and because it never pads: the linear layers run over the concatenated tokens of
//! every sequence in a batch, and attention runs per sequence, so no work is spent on padding and
//! no attention mask exists.
//!
//! Weights stay Q4_0 (66 MB with the 250k-row word-embedding table, against 470 MB in f32) and are
//! dequantised as they are used: a token's row of the table, a matrix before a product (see
//! `q4.rs`); the arithmetic is f32 throughout, on exactly the values the reference used.

use gemm::Parallelism;

use crate::e5s1::{E5s1, Header};
use crate::kernels::{self, View};
use crate::q4::Q4Matrix;

/// multilingual-e5-small, ready to run.
pub(crate) struct E5Encoder {
    words: Q4Matrix,
    /// Position embeddings, `[max_positions, hidden]`.
    positions: Vec<f32>,
    /// Token-type embedding of type 0, `[hidden]`: e5 never uses another type.
    token_type: Vec<f32>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
    hidden: usize,
    heads: usize,
    ffn: usize,
    eps: f32,
}

/// One post-norm transformer layer.
struct Layer {
    /// Query, key and value projections stacked into one `[3·hidden, hidden]` matrix, so one
    /// matrix product computes all three.
    qkv: Linear,
    attention_output: Linear,
    attention_norm: Norm,
    intermediate: Linear,
    output: Linear,
    output_norm: Norm,
}

/// `[outputs, inputs]` weights and `[outputs]` bias.
struct Linear {
    weight: Q4Matrix,
    bias: Vec<f32>,
}

struct Norm {
    weight: Vec<f32>,
    bias: Vec<f32>,
}

/// Activations of one batch, allocated once per batch and reused by every layer.
struct Scratch {
    hidden: Vec<f32>,
    qkv: Vec<f32>,
    context: Vec<f32>,
    attended: Vec<f32>,
    expanded: Vec<f32>,
    scores: Vec<f32>,
    /// The weights of the matrix product being computed, dequantised.
    weights: Vec<f32>,
}

impl E5Encoder {
    /// Builds the encoder from a parsed E5S1 file.
    pub(crate) fn new(file: &E5s1<'_>) -> Result<Self, String> {
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
        let norm = |name: &str| -> Result<Norm, String> {
            Ok(Norm {
                weight: file.floats(&format!("{name}.w"), &[hidden])?,
                bias: file.floats(&format!("{name}.b"), &[hidden])?,
            })
        };
        let linear = |name: &str, outputs: usize, inputs: usize| -> Result<Linear, String> {
            Ok(Linear {
                weight: file.q4_matrix(&format!("{name}.w"), outputs, inputs)?,
                bias: file.floats(&format!("{name}.b"), &[outputs])?,
            })
        };
        let layers = (0..layers)
            .map(|i| {
                let parts = ["q", "k", "v"]
                    .map(|part| linear(&format!("l{i}.{part}"), hidden, hidden))
                    .into_iter()
                    .collect::<Result<Vec<_>, String>>()?;
                let weights = parts.iter().map(|part| &part.weight).collect::<Vec<_>>();
                Ok(Layer {
                    qkv: Linear {
                        weight: Q4Matrix::stack(&weights),
                        bias: parts
                            .iter()
                            .flat_map(|part| part.bias.iter().copied())
                            .collect(),
                    },
                    attention_output: linear(&format!("l{i}.ao"), hidden, hidden)?,
                    attention_norm: norm(&format!("l{i}.aln"))?,
                    intermediate: linear(&format!("l{i}.fi"), ffn, hidden)?,
                    output: linear(&format!("l{i}.fo"), hidden, ffn)?,
                    output_norm: norm(&format!("l{i}.oln"))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mut token_type = file.floats("emb.type", &[type_vocab, hidden])?;
        token_type.truncate(hidden);
        Ok(Self {
            words: file.q4_matrix("emb.word", vocab, hidden)?,
            positions: file.floats("emb.pos", &[max_positions, hidden])?,
            token_type,
            embedding_norm: norm("emb.ln")?,
            layers,
            hidden,
            heads,
            ffn,
            eps: layer_norm_eps as f32,
        })
    }

    /// Rows in the word-embedding table: token ids must be below it.
    pub(crate) fn vocab(&self) -> usize {
        self.words.rows()
    }

    /// The pooled, unit-length embedding of each token id sequence. Every sequence must be
    /// non-empty, at most `max_positions` long, with ids below [`Self::vocab`] (the tokenizer
    /// guarantees all three). `parallelism` is handed to the matrix products: one batch on
    /// every core for a lone query, `None` when batches already run one per core.
    pub(crate) fn embed(&self, sequences: &[&[u32]], parallelism: Parallelism) -> Vec<Vec<f32>> {
        let tokens: usize = sequences.iter().map(|s| s.len()).sum();
        let longest = sequences.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut scratch = Scratch {
            hidden: vec![0.0; tokens * self.hidden],
            qkv: vec![0.0; tokens * 3 * self.hidden],
            context: vec![0.0; tokens * self.hidden],
            attended: vec![0.0; tokens * self.hidden],
            expanded: vec![0.0; tokens * self.ffn],
            scores: vec![0.0; longest * longest],
            weights: Vec::new(),
        };
        self.embed_tokens(sequences, &mut scratch.hidden);
        for layer in &self.layers {
            self.run_layer(layer, sequences, &mut scratch, parallelism);
        }
        self.pool(sequences, &scratch.hidden)
    }

    /// Word + position + type embeddings of every token, layer-normalised, into `hidden`.
    fn embed_tokens(&self, sequences: &[&[u32]], hidden: &mut [f32]) {
        let width = self.hidden;
        let mut rows = hidden.chunks_exact_mut(width);
        for sequence in sequences {
            for (position, (&id, row)) in sequence.iter().zip(&mut rows).enumerate() {
                self.words.dequantize_rows(id as usize, row);
                let position = &self.positions[position * width..(position + 1) * width];
                for ((x, p), t) in row.iter_mut().zip(position).zip(&self.token_type) {
                    *x += p + t;
                }
            }
        }
        let norm = &self.embedding_norm;
        kernels::layer_norm(hidden, &norm.weight, &norm.bias, self.eps);
    }

    fn run_layer(
        &self,
        layer: &Layer,
        sequences: &[&[u32]],
        scratch: &mut Scratch,
        parallelism: Parallelism,
    ) {
        let Scratch {
            hidden,
            qkv,
            context,
            attended,
            expanded,
            scores,
            weights,
        } = scratch;
        let mut linear = |input: &[f32], layer: &Linear, out: &mut [f32], accumulate| {
            kernels::linear(
                input,
                &layer.weight,
                &layer.bias,
                out,
                accumulate,
                parallelism,
                weights,
            );
        };
        linear(hidden, &layer.qkv, qkv, false);
        self.attend(sequences, qkv, context, scores);
        attended.copy_from_slice(hidden);
        linear(context, &layer.attention_output, attended, true);
        let norm = &layer.attention_norm;
        kernels::layer_norm(attended, &norm.weight, &norm.bias, self.eps);
        linear(attended, &layer.intermediate, expanded, false);
        kernels::gelu(expanded);
        hidden.copy_from_slice(attended);
        linear(expanded, &layer.output, hidden, true);
        let norm = &layer.output_norm;
        kernels::layer_norm(hidden, &norm.weight, &norm.bias, self.eps);
    }

    /// Scaled dot-product attention of every head of every sequence, each sequence attending
    /// only to its own tokens, written into `context` (`[tokens, hidden]`, heads side by side).
    fn attend(&self, sequences: &[&[u32]], qkv: &[f32], context: &mut [f32], scores: &mut [f32]) {
        let width = self.hidden;
        let head_width = width / self.heads;
        let scale = 1.0 / (head_width as f32).sqrt();
        let mut first_row = 0;
        for sequence in sequences {
            let len = sequence.len();
            let view = |offset, stride| View {
                offset,
                rows: len,
                cols: head_width,
                stride,
            };
            let rows = &qkv[first_row * 3 * width..(first_row + len) * 3 * width];
            let out = &mut context[first_row * width..(first_row + len) * width];
            for head in 0..self.heads {
                let column = head * head_width;
                let scores = &mut scores[..len * len];
                // Each row of `rows` holds this head's query, key and value columns at these
                // offsets; each row of `out` its context columns.
                let query = view(column, 3 * width);
                let key = view(width + column, 3 * width);
                let value = view(2 * width + column, 3 * width);
                kernels::scores(rows, query, rows, key, scale, scores);
                kernels::softmax_rows(scores, len);
                kernels::context(scores, rows, value, out, view(column, width));
            }
            first_row += len;
        }
    }

    /// Mean of each sequence's token states, L2-normalised.
    fn pool(&self, sequences: &[&[u32]], hidden: &[f32]) -> Vec<Vec<f32>> {
        let width = self.hidden;
        let mut rows = hidden.chunks_exact(width);
        sequences
            .iter()
            .map(|sequence| {
                let mut mean = vec![0.0f32; width];
                for row in rows.by_ref().take(sequence.len()) {
                    mean.iter_mut().zip(row).for_each(|(m, x)| *m += x);
                }
                let norm = mean.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                mean.iter_mut().for_each(|m| *m /= norm);
                mean
            })
            .collect()
    }
}
