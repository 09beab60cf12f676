//! Text to token ids with the model's own `tokenizer.json`, prefix and truncation included.

use std::path::Path;

use serde::Deserialize;
use tokenizers::{
    AddedToken, DecoderWrapper, NormalizerWrapper, PostProcessorWrapper, PreTokenizerWrapper,
    Tokenizer, TokenizerBuilder, TokenizerImpl, TruncationDirection, TruncationParams,
    TruncationStrategy,
};

use crate::unigram::UnigramPieces;
use crate::{ModelError, Role};

/// A Hugging Face tokenizer configured the way the model was used in training and in the
/// reference embeddings: role prefix, `<s> ... </s>`, cut at the model's maximum length.
pub(crate) struct TextTokenizer {
    inner: Pipeline,
}

/// The tokenizer pipeline of `tokenizers`, around one of two models.
pub(crate) enum Pipeline {
    /// A Unigram vocabulary (XLM-R, e5) in Consulta's compact form: loads in a fraction of the
    /// time and memory of the crate's, with identical ids (see `unigram.rs`).
    Unigram(
        Box<
            TokenizerImpl<
                UnigramPieces,
                NormalizerWrapper,
                PreTokenizerWrapper,
                PostProcessorWrapper,
                DecoderWrapper,
            >,
        >,
    ),
    /// Any other tokenizer.json (WordPiece, BPE, ...), as the crate reads it.
    Crate(Box<Tokenizer>),
}

/// The parts of tokenizer.json the Unigram path needs; the rest keeps the crate's own types.
#[derive(Deserialize)]
struct TokenizerFile {
    #[serde(default)]
    added_tokens: Vec<AddedTokenEntry>,
    normalizer: Option<NormalizerWrapper>,
    pre_tokenizer: Option<PreTokenizerWrapper>,
    post_processor: Option<PostProcessorWrapper>,
    model: ModelEntry,
}

#[derive(Deserialize)]
struct AddedTokenEntry {
    content: String,
    #[serde(default)]
    single_word: bool,
    #[serde(default)]
    lstrip: bool,
    #[serde(default)]
    rstrip: bool,
    #[serde(default = "yes")]
    normalized: bool,
    #[serde(default)]
    special: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum ModelEntry {
    Unigram {
        unk_id: Option<usize>,
        vocab: Vec<(String, f64)>,
        #[serde(default)]
        byte_fallback: bool,
    },
    #[serde(other)]
    Other,
}

/// Evaluates `$body` with `$tokenizer` bound to whichever pipeline `$pipeline` holds: both are a
/// `TokenizerImpl`, differing only in the model type, so every call is the same on both.
macro_rules! on_pipeline {
    ($pipeline:expr, $tokenizer:ident => $body:expr) => {
        match $pipeline {
            Pipeline::Unigram($tokenizer) => $body,
            Pipeline::Crate($tokenizer) => $body,
        }
    };
}

impl TextTokenizer {
    /// Parses `tokenizer.json`. A Unigram model without byte fallback (XLM-R, e5) gets the
    /// compact vocabulary; anything else is read by the crate as it is.
    pub(crate) fn parse(bytes: &[u8], path: &Path) -> Result<Pipeline, ModelError> {
        let corrupt = |err: &dyn std::fmt::Display| ModelError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("not a valid tokenizer.json ({err})"),
        };
        let file: TokenizerFile = serde_json::from_slice(bytes).map_err(|err| corrupt(&err))?;
        let (unknown, vocab) = match file.model {
            ModelEntry::Unigram {
                unk_id: Some(unknown),
                vocab,
                byte_fallback: false,
            } => (unknown, vocab),
            _ => {
                let tokenizer = Tokenizer::from_bytes(bytes).map_err(|err| corrupt(&err))?;
                return Ok(Pipeline::Crate(Box::new(tokenizer)));
            }
        };
        let model = UnigramPieces::new(vocab, unknown)
            .ok_or_else(|| corrupt(&format!("unk_id {unknown} is outside the vocabulary")))?;
        let mut tokenizer = TokenizerBuilder::new()
            .with_model(model)
            .with_normalizer(file.normalizer)
            .with_pre_tokenizer(file.pre_tokenizer)
            .with_post_processor(file.post_processor)
            .with_decoder(None)
            .build()
            .map_err(|err| corrupt(&err))?;
        let (special, plain): (Vec<_>, Vec<_>) = file
            .added_tokens
            .into_iter()
            .map(|entry| {
                let token = AddedToken::from(entry.content, entry.special)
                    .single_word(entry.single_word)
                    .lstrip(entry.lstrip)
                    .rstrip(entry.rstrip)
                    .normalized(entry.normalized);
                (entry.special, token)
            })
            .partition(|(special, _)| *special);
        tokenizer
            .add_special_tokens(special.into_iter().map(|(_, token)| token))
            .map_err(|err| corrupt(&err))?;
        tokenizer
            .add_tokens(plain.into_iter().map(|(_, token)| token))
            .map_err(|err| corrupt(&err))?;
        Ok(Pipeline::Unigram(Box::new(tokenizer)))
    }

    /// Wraps a parsed tokenizer so every encoding holds at most `max_tokens` ids, specials
    /// included. Padding in the file is dropped: batches are padded by the embedder.
    pub(crate) fn new(
        mut inner: Pipeline,
        max_tokens: usize,
        path: &Path,
    ) -> Result<Self, ModelError> {
        let truncation = Some(TruncationParams {
            direction: TruncationDirection::Right,
            max_length: max_tokens,
            strategy: TruncationStrategy::LongestFirst,
            stride: 0,
        });
        let configured = match &mut inner {
            Pipeline::Unigram(tokenizer) => {
                tokenizer.with_truncation(truncation).map(|tokenizer| {
                    tokenizer.with_padding(None);
                })
            }
            Pipeline::Crate(tokenizer) => tokenizer.with_truncation(truncation).map(|tokenizer| {
                tokenizer.with_padding(None);
            }),
        };
        configured.map_err(|err| ModelError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("cannot truncate to {max_tokens} tokens ({err})"),
        })?;
        Ok(Self { inner })
    }

    /// Number of distinct token ids, added tokens included: every id is below it.
    pub(crate) fn vocab_size(&self) -> usize {
        on_pipeline!(&self.inner, tokenizer => tokenizer.get_vocab_size(true))
    }

    /// Whether the vocabulary has `word` as one whole-word token, as written or in lower case:
    /// `▁word` in a sentencepiece vocabulary (a piece without the mark is the inside of a word),
    /// `word` (WordPiece) or `Ġword` (byte-level BPE) in others.
    pub(crate) fn has_whole_word(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        let marks: &[&str] = match &self.inner {
            Pipeline::Unigram(_) => &["\u{2581}"],
            Pipeline::Crate(_) => &["\u{2581}", "", "\u{120}"],
        };
        [word, lower.as_str()].into_iter().any(|form| {
            marks.iter().any(|mark| {
                let token = format!("{mark}{form}");
                on_pipeline!(&self.inner, tokenizer => tokenizer.token_to_id(&token)).is_some()
            })
        })
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
        let encodings =
            on_pipeline!(&self.inner, tokenizer => tokenizer.encode_batch_fast(prefixed, true))
                .map_err(|err| ModelError::Tokenize(err.to_string()))?;
        Ok(encodings
            .into_iter()
            .map(|encoding| encoding.get_ids().to_vec())
            .collect())
    }
}
