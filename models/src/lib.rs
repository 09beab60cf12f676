//! Local text-embedding models for Consulta.
//!
//! Consulta answers questions in Spanish, Portuguese and English over documents in the same
//! languages, so retrieval needs one vector space shared by all three: the default model is
//! multilingual-e5-small (384 dimensions). It runs on the CPU, from files installed by
//! `deploy/fetch-models.sh`; nothing is downloaded at run time. The default E5S1 weights run on an
//! encoder of Consulta's own (f32 kernels over `gemm`, weights kept 4-bit, no padding), other
//! BERT-style checkpoints on candle.
//!
//! Callers code against the [`Embedder`] trait (shared as `Arc<dyn Embedder>`), and build one with
//! [`E5Embedder::load`] on [`default_model_dir`]:
//!
//! ```
//! use consulta_models::{default_model_dir, E5Embedder, Embedder, Role};
//!
//! let embedder = E5Embedder::load(&default_model_dir())?;
//! let vectors = embedder.embed(&["¿Qué es un ajuste correspondiente?"], Role::Query)?;
//! assert_eq!(vectors[0].len(), embedder.dimension());
//! # Ok::<(), consulta_models::ModelError>(())
//! ```

mod e5;
mod e5s1;
mod embedder;
mod encoder;
mod error;
mod huggingface;
mod kernels;
mod location;
mod manifest;
mod options;
mod pooling;
mod q4;
mod role;
mod tokenize;
mod unigram;

pub use e5::E5Embedder;
pub use embedder::{Embedder, dot};
pub use error::{FIX_COMMAND, ModelError};
pub use location::default_model_dir;
pub use options::LoadOptions;
pub use role::Role;

/// Width of multilingual-e5-small vectors: what vector stores must be created with.
pub const E5_DIMENSION: usize = 384;
