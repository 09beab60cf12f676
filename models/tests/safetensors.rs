//! Hugging Face checkpoints: the installed E5S1 weights converted to `model.safetensors` must give
//! the reference vectors through candle's own BERT and XLM-RoBERTa models, the same as the E5S1
//! encoder gives them.
//!
//! The conversion below reads E5S1 independently of the crate's reader, following the wheel's
//! reference C engine, so it also cross-checks that reader.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use candle_core::quantized::{GgmlDType, ggml_file::qtensor_from_ggml};
use candle_core::{Device, Tensor};
use consulta_models::{E5Embedder, Embedder};
use serde_json::json;

/// E5S1 hyper-parameters and tensors (dequantised), by E5S1 name.
struct E5s1Weights {
    layers: usize,
    max_positions: usize,
    tensors: HashMap<String, Tensor>,
}

fn read_e5s1(path: &Path) -> E5s1Weights {
    let bytes = fs::read(path).expect("read weights");
    let i32_at = |at: usize| i32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    assert_eq!(&bytes[..4], b"E5S1");
    let layers = i32_at(12) as usize;
    let max_positions = i32_at(28) as usize;
    // Header is 44 bytes; then the C engine's vocabulary: count, 4 special ids, blob length.
    let pieces = i32_at(44) as usize;
    let blob = u64_at(64) as usize;
    let mut at = 72 + (pieces + 1) * 4 + pieces * 4 + blob;
    let normalisation = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes"));
    at += 8 + normalisation as usize;
    let entries = i32_at(at) as usize;
    at += 4;
    let mut tensors = HashMap::new();
    for _ in 0..entries {
        let name_len = u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
        let name = std::str::from_utf8(&bytes[at + 2..at + 2 + name_len]).expect("utf-8");
        at += 2 + name_len;
        let dtype = bytes[at];
        let elements = u32::from_le_bytes(bytes[at + 1..at + 5].try_into().expect("4 bytes"));
        let offset = u64_at(at + 5) as usize;
        let length = u64_at(at + 13) as usize;
        at += 21;
        let data = &bytes[offset..offset + length];
        let tensor = match dtype {
            0 => Tensor::from_vec(
                data.chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect::<Vec<_>>(),
                elements as usize,
                &Device::Cpu,
            )
            .expect("f32 tensor"),
            1 => qtensor_from_ggml(GgmlDType::Q4_0, data, vec![elements as usize], &Device::Cpu)
                .and_then(|q| q.dequantize(&Device::Cpu))
                .expect("Q4_0 tensor"),
            other => panic!("unknown dtype {other} for {name}"),
        };
        tensors.insert(name.to_owned(), tensor);
    }
    E5s1Weights {
        layers,
        max_positions,
        tensors,
    }
}

/// Writes `weights` as a Hugging Face checkpoint directory. `reserved_positions` rows of zeros
/// are prepended to the position table, as RoBERTa checkpoints reserve them.
fn write_checkpoint(
    dir: &Path,
    weights: &E5s1Weights,
    config: serde_json::Value,
    reserved_positions: usize,
) {
    let hidden = 384;
    let get = |name: &str, rows: usize| {
        weights.tensors[name]
            .reshape((rows, weights.tensors[name].elem_count() / rows))
            .expect("reshape")
    };
    let vector = |name: &str| weights.tensors[name].clone();
    let mut out = HashMap::new();
    let positions = get("emb.pos", weights.max_positions);
    let positions = Tensor::cat(
        &[
            Tensor::zeros(
                (reserved_positions, hidden),
                candle_core::DType::F32,
                &Device::Cpu,
            )
            .expect("zeros"),
            positions,
        ],
        0,
    )
    .expect("cat");
    out.insert(
        "embeddings.word_embeddings.weight".to_owned(),
        get("emb.word", 250_037),
    );
    out.insert(
        "embeddings.position_embeddings.weight".to_owned(),
        positions,
    );
    out.insert(
        "embeddings.token_type_embeddings.weight".to_owned(),
        get("emb.type", 2),
    );
    out.insert("embeddings.LayerNorm.weight".to_owned(), vector("emb.ln.w"));
    out.insert("embeddings.LayerNorm.bias".to_owned(), vector("emb.ln.b"));
    for i in 0..weights.layers {
        let ours = |part: &str| format!("l{i}.{part}");
        let theirs = |part: &str| format!("encoder.layer.{i}.{part}");
        for (e5, hf, rows) in [
            ("q", "attention.self.query", hidden),
            ("k", "attention.self.key", hidden),
            ("v", "attention.self.value", hidden),
            ("ao", "attention.output.dense", hidden),
            ("fi", "intermediate.dense", 1536),
            ("fo", "output.dense", hidden),
        ] {
            out.insert(
                theirs(&format!("{hf}.weight")),
                get(&ours(&format!("{e5}.w")), rows),
            );
            out.insert(
                theirs(&format!("{hf}.bias")),
                vector(&ours(&format!("{e5}.b"))),
            );
        }
        for (e5, hf) in [
            ("aln", "attention.output.LayerNorm"),
            ("oln", "output.LayerNorm"),
        ] {
            out.insert(
                theirs(&format!("{hf}.weight")),
                vector(&ours(&format!("{e5}.w"))),
            );
            out.insert(
                theirs(&format!("{hf}.bias")),
                vector(&ours(&format!("{e5}.b"))),
            );
        }
    }
    fs::create_dir_all(dir).expect("create checkpoint dir");
    candle_core::safetensors::save(&out, dir.join("model.safetensors")).expect("save");
    fs::write(dir.join("config.json"), config.to_string()).expect("write config");
}

fn installed_file(name: &str) -> std::path::PathBuf {
    let root = common::model_dir();
    let nested = root.join("multilingual-e5-small").join(name);
    if nested.is_file() {
        nested
    } else {
        root.join(name)
    }
}

fn check_checkpoint(model_type: &str, config: serde_json::Value, reserved_positions: usize) {
    let weights = read_e5s1(&installed_file("e5-small-q4.bin"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join(format!("e5-{model_type}"));
    write_checkpoint(&dir, &weights, config, reserved_positions);
    drop(weights);
    fs::copy(installed_file("tokenizer.json"), dir.join("tokenizer.json")).expect("tokenizer");

    let embedder = E5Embedder::load(&dir).unwrap_or_else(|err| panic!("checkpoint loads: {err}"));
    assert_eq!(embedder.dimension(), 384);
    assert_eq!(embedder.max_tokens(), 512);
    assert!(embedder.name().contains(model_type), "{}", embedder.name());
    let worst = common::assert_matches_fixture(&common::embed_fixture(&embedder));
    eprintln!("{model_type} checkpoint: worst max-abs difference {worst:e}");
}

#[test]
fn converted_bert_checkpoint_matches_the_reference() {
    let config = json!({
        "model_type": "bert",
        "vocab_size": 250037,
        "hidden_size": 384,
        "num_hidden_layers": 12,
        "num_attention_heads": 12,
        "intermediate_size": 1536,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "max_position_embeddings": 512,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 1
    });
    check_checkpoint("bert", config, 0);
}

#[test]
fn converted_xlm_roberta_checkpoint_matches_the_reference() {
    // The layout of the original intfloat/multilingual-e5-small: 514 positions, first 2 reserved.
    let config = json!({
        "model_type": "xlm-roberta",
        "vocab_size": 250037,
        "hidden_size": 384,
        "num_hidden_layers": 12,
        "num_attention_heads": 12,
        "intermediate_size": 1536,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "position_embedding_type": "absolute",
        "max_position_embeddings": 514,
        "type_vocab_size": 2,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 1
    });
    check_checkpoint("xlm-roberta", config, 2);
}

#[test]
fn checkpoint_without_safetensors_explains_the_fix() {
    let tmp = tempfile::tempdir().expect("temp dir");
    fs::write(tmp.path().join("config.json"), r#"{"model_type": "bert"}"#).expect("config");
    fs::copy(
        installed_file("tokenizer.json"),
        tmp.path().join("tokenizer.json"),
    )
    .expect("tokenizer");
    let err = match E5Embedder::load(tmp.path()) {
        Ok(_) => panic!("a checkpoint without weights must not load"),
        Err(err) => err.to_string(),
    };
    assert!(err.contains("model.safetensors"), "{err}");
    assert!(err.contains(consulta_models::FIX_COMMAND), "{err}");
}
