//! Hugging Face checkpoints (`config.json` + `model.safetensors`), run by candle's own BERT and
//! XLM-RoBERTa implementations, so a model exported by someone else can be tried without a
//! conversion step.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::{bert, xlm_roberta};

use crate::ModelError;
use crate::manifest::io_error;

/// The weights file every supported checkpoint has.
const WEIGHTS_FILE: &str = "model.safetensors";

/// A loaded checkpoint and the facts the embedder needs about it.
pub(crate) struct Checkpoint {
    /// The network.
    pub(crate) model: Network,
    /// Width of the hidden states, hence of the vectors.
    pub(crate) hidden: usize,
    /// Token id inputs are padded with.
    pub(crate) pad_id: u32,
    /// Longest input, special tokens included, that the position table covers.
    pub(crate) max_tokens: usize,
    /// The `model_type` of `config.json`, for the embedder's name.
    pub(crate) model_type: String,
}

/// The two architectures e5-style checkpoints come in; they differ in where positions start.
pub(crate) enum Network {
    /// BERT: positions count from 0.
    Bert(bert::BertModel),
    /// (XLM-)RoBERTa: positions count from `pad_id + 1`, as the original e5 checkpoints do.
    XlmRoberta(xlm_roberta::XLMRobertaModel),
}

impl Network {
    /// Hidden states `[batch, len, hidden]`; `ids` and `mask` are `[batch, len]` u32.
    pub(crate) fn forward(&self, ids: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        let token_types = ids.zeros_like()?;
        match self {
            Network::Bert(model) => model.forward(ids, &token_types, Some(mask)),
            Network::XlmRoberta(model) => model.forward(ids, mask, &token_types, None, None, None),
        }
    }
}

/// Loads `config.json` and `model.safetensors` from `dir`.
pub(crate) fn load(dir: &Path) -> Result<Checkpoint, ModelError> {
    let config_path = dir.join("config.json");
    let config_text = std::fs::read(&config_path).map_err(|err| io_error(&config_path, err))?;
    let corrupt_config = |reason: String| ModelError::Corrupt {
        path: config_path.clone(),
        reason,
    };
    let config: serde_json::Value = serde_json::from_slice(&config_text)
        .map_err(|err| corrupt_config(format!("not JSON ({err})")))?;
    let model_type = config
        .get("model_type")
        .and_then(|value| value.as_str())
        .unwrap_or("bert")
        .to_owned();

    let weights_path = dir.join(WEIGHTS_FILE);
    let weights = std::fs::read(&weights_path).map_err(|err| io_error(&weights_path, err))?;
    let corrupt_weights = |err: candle_core::Error| ModelError::Corrupt {
        path: weights_path.clone(),
        reason: format!("its tensors do not fit {model_type} config.json ({err})"),
    };
    let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
        .map_err(&corrupt_weights)?;

    match model_type.as_str() {
        "bert" => {
            let config: bert::Config = serde_json::from_value(config)
                .map_err(|err| corrupt_config(format!("not a BERT config ({err})")))?;
            let model = bert::BertModel::load(vb, &config).map_err(&corrupt_weights)?;
            Ok(Checkpoint {
                model: Network::Bert(model),
                hidden: config.hidden_size,
                pad_id: u32::try_from(config.pad_token_id)
                    .map_err(|_| corrupt_config("pad_token_id is out of range".to_owned()))?,
                max_tokens: config.max_position_embeddings,
                model_type,
            })
        }
        "xlm-roberta" | "roberta" => {
            let config: xlm_roberta::Config = serde_json::from_value(config)
                .map_err(|err| corrupt_config(format!("not an XLM-RoBERTa config ({err})")))?;
            // RoBERTa reserves the first pad_id + 1 position rows.
            let reserved = config.pad_token_id as usize + 1;
            let max_tokens = config
                .max_position_embeddings
                .checked_sub(reserved)
                .filter(|&tokens| tokens >= 2)
                .ok_or_else(|| {
                    corrupt_config(format!(
                        "max_position_embeddings {} leaves no room after {reserved} reserved rows",
                        config.max_position_embeddings
                    ))
                })?;
            let model = xlm_roberta::XLMRobertaModel::new(&config, vb).map_err(&corrupt_weights)?;
            Ok(Checkpoint {
                model: Network::XlmRoberta(model),
                hidden: config.hidden_size,
                pad_id: config.pad_token_id,
                max_tokens,
                model_type,
            })
        }
        other => Err(corrupt_config(format!(
            "model_type {other:?} is not supported (supported: bert, xlm-roberta, roberta)"
        ))),
    }
}
