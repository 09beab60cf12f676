//! Text to token ids with the model's own `tokenizer.json`, prefix and truncation included.

use std::path::Path;

use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::{ModelError, Role};

/// A Hugging Face tokenizer configured the way the model was used in training and in the
/// reference embeddings: role prefix, `<s> ... </s>`, cut at the model's maximum length.
pub(crate) struct TextTokenizer {
    inner: Tokenizer,
}

impl TextTokenizer {
    /// Parses `tokenizer.json` (the slow part of loading: ~1.5 s for XLM-R's 250k pieces).
    pub(crate) fn parse(bytes: &[u8], path: &Path) -> Result<Tokenizer, ModelError> {
        Tokenizer::from_bytes(bytes).map_err(|err| ModelError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("not a valid tokenizer.json ({err})"),
        })
    }

    /// Wraps a parsed tokenizer so every encoding holds at most `max_tokens` ids, specials
    /// included. Padding in the file is dropped: batches are padded by the embedder.
    pub(crate) fn new(
        mut inner: Tokenizer,
        max_tokens: usize,
        path: &Path,
    ) -> Result<Self, ModelError> {
        inner
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: max_tokens,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(|err| ModelError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("cannot truncate to {max_tokens} tokens ({err})"),
            })?;
        inner.with_padding(None);
        Ok(Self { inner })
    }

    /// The token ids of each text, after prepending the role's prefix.
    ///
    /// The prefixed text is trimmed, as sentence-transformers (the reference) does: otherwise an
    /// empty text would end in a lone "▁" token that the model never saw in that position.
    pub(crate) fn encode(&self, texts: &[&str], role: Role) -> Result<Vec<Vec<u32>>, ModelError> {
        let prefixed = texts
            .iter()
            .map(|text| format!("{}{text}", role.prefix()).trim().to_owned())
            .collect::<Vec<_>>();
        let encodings = self
            .inner
            .encode_batch_fast(prefixed, true)
            .map_err(|err| ModelError::Tokenize(err.to_string()))?;
        Ok(encodings
            .into_iter()
            .map(|encoding| encoding.get_ids().to_vec())
            .collect())
    }
}
