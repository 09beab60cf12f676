//! [`E5Embedder`]: multilingual-e5-small (or any BERT-style checkpoint) as an [`Embedder`].

use std::path::Path;

use candle_core::{Device, Tensor};

use crate::e5s1::E5s1;
use crate::encoder::E5Encoder;
use crate::huggingface::{self, Network};
use crate::location::{ModelLayout, locate};
use crate::manifest::{Manifest, read_verified};
use crate::pooling::mean_pool_normalised;
use crate::tokenize::TextTokenizer;
use crate::{Embedder, LoadOptions, MatMul, ModelError, Role};

/// An e5-style embedding model loaded from a local directory, run on the CPU by candle.
///
/// Load it once and share it (`Arc<dyn Embedder>`): loading verifies checksums and parses a 17 MB
/// tokenizer, which takes a couple of seconds.
pub struct E5Embedder {
    tokenizer: TextTokenizer,
    backend: Backend,
    pad_id: u32,
    max_tokens: usize,
    dimension: usize,
    batch_size: usize,
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

    /// Loads the model in `dir` (see [`E5Embedder::load`]) with explicit options. A batch size
    /// of 0 is taken as 1.
    pub fn load_with(dir: &Path, options: LoadOptions) -> Result<Self, ModelError> {
        let batch_size = options.batch_size.max(1);
        match locate(dir)? {
            ModelLayout::E5s1 { dir } => Self::load_e5s1(&dir, options.matmul, batch_size),
            ModelLayout::HuggingFace { dir } => Self::load_checkpoint(&dir, batch_size),
        }
    }

    fn load_e5s1(dir: &Path, matmul: MatMul, batch_size: usize) -> Result<Self, ModelError> {
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
                let encoder =
                    E5Encoder::new(&file, matmul == MatMul::Quantized).map_err(corrupt)?;
                Ok::<_, ModelError>((file.header, encoder))
            })();
            let tokenizer = tokenizer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (tokenizer, weights)
        });
        let (header, encoder) = weights?;
        let tokenizer = TextTokenizer::new(tokenizer?, header.max_positions, &manifest.tokenizer)?;
        let name = match matmul {
            MatMul::F32 => "multilingual-e5-small (E5S1 Q4_0)",
            MatMul::Quantized => "multilingual-e5-small (E5S1 Q4_0, quantized matmul)",
        };
        Ok(Self {
            tokenizer,
            backend: Backend::E5s1(encoder),
            pad_id: header.pad_id,
            max_tokens: header.max_positions,
            dimension: header.hidden,
            batch_size,
            name: name.to_owned(),
        })
    }

    fn load_checkpoint(dir: &Path, batch_size: usize) -> Result<Self, ModelError> {
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
            batch_size,
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

    /// Runs one batch of token id sequences (padded here to the longest) through the network.
    fn embed_batch(&self, batch: &[&[u32]]) -> Result<Vec<Vec<f32>>, ModelError> {
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
        let hidden = match &self.backend {
            Backend::E5s1(encoder) => encoder.forward(&ids, &mask)?,
            Backend::Checkpoint(network) => network.forward(&ids, &mask)?,
        };
        Ok(mean_pool_normalised(&hidden, &mask)?.to_vec2::<f32>()?)
    }
}

impl Embedder for E5Embedder {
    fn dimension(&self) -> usize {
        self.dimension
    }

    fn embed(&self, texts: &[&str], role: Role) -> Result<Vec<Vec<f32>>, ModelError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let ids = self.tokenizer.encode(texts, role)?;
        // Batching texts of similar length keeps padding, which costs as much as real tokens, low.
        let mut order = (0..ids.len()).collect::<Vec<_>>();
        order.sort_by_key(|&i| std::cmp::Reverse(ids[i].len()));
        let mut vectors = vec![Vec::new(); ids.len()];
        for chunk in order.chunks(self.batch_size) {
            let batch = chunk.iter().map(|&i| ids[i].as_slice()).collect::<Vec<_>>();
            for (&i, vector) in chunk.iter().zip(self.embed_batch(&batch)?) {
                vectors[i] = vector;
            }
        }
        Ok(vectors)
    }

    fn name(&self) -> &str {
        &self.name
    }
}
