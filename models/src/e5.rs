//! [`E5Embedder`]: multilingual-e5-small (or any BERT-style checkpoint) as an [`Embedder`].

use std::path::Path;

use std::sync::atomic::{AtomicUsize, Ordering};

use candle_core::{Device, Tensor};
use gemm::Parallelism;

use crate::e5s1::E5s1;
use crate::encoder::E5Encoder;
use crate::huggingface::{self, Network};
use crate::location::{ModelLayout, locate};
use crate::manifest::{Manifest, read_verified};
use crate::pooling::mean_pool_normalised;
use crate::tokenize::TextTokenizer;
use crate::{Embedder, LoadOptions, ModelError, Role};

/// An e5-style embedding model loaded from a local directory, run on the CPU: E5S1 weights by
/// Consulta's own encoder (`encoder.rs`, f32 arithmetic on Q4_0-stored weights), Hugging Face
/// checkpoints by candle's `BertModel`.
///
/// Load it once and share it (`Arc<dyn Embedder>`): loading verifies checksums and parses a 17 MB
/// tokenizer, about 0.2 s for the default model.
pub struct E5Embedder {
    tokenizer: TextTokenizer,
    backend: Backend,
    pad_id: u32,
    max_tokens: usize,
    dimension: usize,
    options: LoadOptions,
    name: String,
}

/// Which implementation runs the network, by the kind of directory it came from.
enum Backend {
    /// E5S1 weights installed by `deploy/fetch-models.sh`.
    E5s1(E5Encoder),
    /// A Hugging Face checkpoint.
    Checkpoint(Network),
}

impl E5Embedder {
    /// Loads the model in `dir` with [`LoadOptions::default`].
    ///
    /// `dir` may be the directory `deploy/fetch-models.sh` wrote (`.../multilingual-e5-small`,
    /// with an E5S1 weights file, `tokenizer.json` and `consulta-model.toml`; both files are
    /// checked against the SHA-256 sums in the manifest), its parent (`.../models`, as returned
    /// by [`crate::default_model_dir`]), or a Hugging Face BERT / XLM-RoBERTa directory with
    /// `config.json`, `tokenizer.json` and `model.safetensors`.
    ///
    /// A missing, damaged or unrecognised model is one [`ModelError`] whose message names the
    /// file and the fix (`deploy/fetch-models.sh`, or `CONSULTA_MODEL_DIR`).
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        Self::load_with(dir, LoadOptions::default())
    }

    /// Loads the model in `dir` (see [`E5Embedder::load`]) with explicit options. A token
    /// budget or thread count of 0 is taken as 1.
    pub fn load_with(dir: &Path, options: LoadOptions) -> Result<Self, ModelError> {
        let options = LoadOptions {
            batch_tokens: options.batch_tokens.max(1),
            threads: options.threads.max(1),
        };
        match locate(dir)? {
            ModelLayout::E5s1 { dir } => Self::load_e5s1(&dir, options),
            ModelLayout::HuggingFace { dir } => Self::load_checkpoint(&dir, options),
        }
    }

    fn load_e5s1(dir: &Path, options: LoadOptions) -> Result<Self, ModelError> {
        let manifest = Manifest::read(dir)?;
        // Parsing tokenizer.json is as slow as reading and hashing the weights: overlap them.
        let (tokenizer, weights) = std::thread::scope(|scope| {
            let tokenizer = scope.spawn(|| {
                let bytes = read_verified(&manifest.tokenizer, &manifest.tokenizer_sha256)?;
                TextTokenizer::parse(&bytes, &manifest.tokenizer)
            });
            let weights = (|| {
                let bytes = read_verified(&manifest.weights, &manifest.weights_sha256)?;
                let corrupt = |reason| ModelError::Corrupt {
                    path: manifest.weights.clone(),
                    reason,
                };
                let file = E5s1::parse(&bytes).map_err(corrupt)?;
                let encoder = E5Encoder::new(&file).map_err(corrupt)?;
                Ok::<_, ModelError>((file.header, encoder))
            })();
            let tokenizer = tokenizer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (tokenizer, weights)
        });
        let (header, encoder) = weights?;
        let tokenizer = TextTokenizer::new(tokenizer?, header.max_positions, &manifest.tokenizer)?;
        if tokenizer.vocab_size() > encoder.vocab() {
            return Err(ModelError::Corrupt {
                path: manifest.tokenizer.clone(),
                reason: format!(
                    "it has {} tokens but the weights embed only {}; the two files are from \
                     different models",
                    tokenizer.vocab_size(),
                    encoder.vocab()
                ),
            });
        }
        Ok(Self {
            tokenizer,
            backend: Backend::E5s1(encoder),
            pad_id: header.pad_id,
            max_tokens: header.max_positions,
            dimension: header.hidden,
            options,
            name: "multilingual-e5-small (E5S1 Q4_0)".to_owned(),
        })
    }

    fn load_checkpoint(dir: &Path, options: LoadOptions) -> Result<Self, ModelError> {
        let tokenizer_path = dir.join("tokenizer.json");
        let tokenizer_bytes = std::fs::read(&tokenizer_path)
            .map_err(|err| crate::manifest::io_error(&tokenizer_path, err))?;
        let checkpoint = huggingface::load(dir)?;
        let tokenizer = TextTokenizer::new(
            TextTokenizer::parse(&tokenizer_bytes, &tokenizer_path)?,
            checkpoint.max_tokens,
            &tokenizer_path,
        )?;
        let directory = dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        Ok(Self {
            tokenizer,
            backend: Backend::Checkpoint(checkpoint.model),
            pad_id: checkpoint.pad_id,
            max_tokens: checkpoint.max_tokens,
            dimension: checkpoint.hidden,
            options,
            name: format!("{directory} (safetensors, {})", checkpoint.model_type),
        })
    }

    /// The token ids the model sees for each text: role prefix, `<s>`/`</s>` and truncation
    /// included. Lets a chunker measure passages in the unit the model truncates by.
    pub fn token_ids(&self, texts: &[&str], role: Role) -> Result<Vec<Vec<u32>>, ModelError> {
        self.tokenizer.encode(texts, role)
    }

    /// The longest input in tokens, special tokens and prefix included; the rest of a longer
    /// text is ignored.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// Runs one batch of token id sequences through a Hugging Face checkpoint, padded to the
    /// longest, which candle's `BertModel` needs.
    fn embed_padded(
        &self,
        network: &Network,
        batch: &[&[u32]],
    ) -> Result<Vec<Vec<f32>>, ModelError> {
        let len = batch.iter().map(|ids| ids.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(batch.len() * len);
        let mut mask = Vec::with_capacity(batch.len() * len);
        for sequence in batch {
            let padding = len - sequence.len();
            ids.extend_from_slice(sequence);
            ids.extend(std::iter::repeat_n(self.pad_id, padding));
            mask.extend(std::iter::repeat_n(1u32, sequence.len()));
            mask.extend(std::iter::repeat_n(0u32, padding));
        }
        let ids = Tensor::from_vec(ids, (batch.len(), len), &Device::Cpu)?;
        let mask = Tensor::from_vec(mask, (batch.len(), len), &Device::Cpu)?;
        let hidden = network.forward(&ids, &mask)?;
        Ok(mean_pool_normalised(&hidden, &mask)?.to_vec2::<f32>()?)
    }

    /// Runs E5S1 batches side by side, one per core, each single-threaded; a lone batch gets
    /// every core for its matrix products instead.
    fn embed_e5s1(&self, encoder: &E5Encoder, batches: &[Vec<&[u32]>]) -> Vec<Vec<Vec<f32>>> {
        let threads = self.options.threads;
        if let [batch] = batches {
            let parallelism = match threads {
                1 => Parallelism::None,
                n => Parallelism::Rayon(n),
            };
            return vec![encoder.embed(batch, parallelism)];
        }
        let next = AtomicUsize::new(0);
        let mut results = vec![Vec::new(); batches.len()];
        std::thread::scope(|scope| {
            let workers = (0..threads.min(batches.len()))
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let index = next.fetch_add(1, Ordering::Relaxed);
                            let Some(batch) = batches.get(index) else {
                                return done;
                            };
                            done.push((index, encoder.embed(batch, Parallelism::None)));
                        }
                    })
                })
                .collect::<Vec<_>>();
            for worker in workers {
                let done = worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                for (index, vectors) in done {
                    results[index] = vectors;
                }
            }
        });
        results
    }
}

/// Indices of `ids` grouped into forward passes: longest first, each pass holding texts of similar
/// length whose padded size (count × longest) stays within `budget` tokens, and at least one text.
/// Similar lengths keep padding low where a backend pads, and make passes of similar cost.
fn batches(ids: &[Vec<u32>], budget: usize) -> Vec<Vec<usize>> {
    let mut order = (0..ids.len()).collect::<Vec<_>>();
    order.sort_by_key(|&i| std::cmp::Reverse(ids[i].len()));
    let mut batches: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match batches.last_mut() {
            Some(batch) if (batch.len() + 1) * ids[batch[0]].len() <= budget => batch.push(i),
            _ => batches.push(vec![i]),
        }
    }
    batches
}

impl Embedder for E5Embedder {
    fn dimension(&self) -> usize {
        self.dimension
    }

    fn knows_word(&self, word: &str) -> bool {
        self.tokenizer.has_whole_word(word)
    }

    fn embed(&self, texts: &[&str], role: Role) -> Result<Vec<Vec<f32>>, ModelError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let ids = self.tokenizer.encode(texts, role)?;
        let order = batches(&ids, self.options.batch_tokens);
        let batches = order
            .iter()
            .map(|batch| batch.iter().map(|&i| ids[i].as_slice()).collect::<Vec<_>>())
            .collect::<Vec<_>>();
        let results = match &self.backend {
            Backend::E5s1(encoder) => self.embed_e5s1(encoder, &batches),
            Backend::Checkpoint(network) => batches
                .iter()
                .map(|batch| self.embed_padded(network, batch))
                .collect::<Result<_, _>>()?,
        };
        let mut vectors = vec![Vec::new(); ids.len()];
        for (batch, batch_vectors) in order.iter().zip(results) {
            for (&i, vector) in batch.iter().zip(batch_vectors) {
                vectors[i] = vector;
            }
        }
        Ok(vectors)
    }

    fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::batches;

    #[test]
    fn batches_pack_longest_first_within_the_budget() {
        let ids = [3, 9, 1, 4, 4, 20].map(|len| vec![0u32; len]).to_vec();
        // 20 alone (over budget); 9; 4+4 (8 ≤ 10); 3+1 (6 ≤ 10).
        assert_eq!(
            batches(&ids, 10),
            vec![vec![5], vec![1], vec![3, 4], vec![0, 2]]
        );
        assert!(batches(&[], 10).is_empty());
    }
}
