"""PyTorch side of `consulta-bench`: embeds the same passages with sentence-transformers.

Reads a JSON request on stdin, {"model_dir": DIR, "texts": [...], "batch_size": N}, where DIR is
the directory `deploy/fetch-models.sh` fills (E5S1 weights + tokenizer.json). The Q4_0 weights are
dequantised to f32 into a temporary Hugging Face BERT directory, so PyTorch runs exactly the
weights candle runs. Prints one JSON line: wall and CPU seconds for the timed pass, the thread
count, versions and the vectors (so the Rust side can check both engines agree).

Never a dependency of the product or of `make test`; see evals/pytorch/README.md for setup.
"""

import json
import os
import struct
import sys
import tempfile
import time

import numpy as np
import torch
from safetensors.numpy import save_file
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer import modules as models


def read_e5s1(path):
    """Header and tensors (as f32 numpy arrays) of an E5S1 file; see models/src/e5s1.rs."""
    data = open(path, "rb").read()
    if data[:4] != b"E5S1":
        raise SystemExit(f"{path} is not an E5S1 file")
    at = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, at)
    at += 28
    (eps,) = struct.unpack_from("<f", data, at)
    at += 8  # epsilon, block size
    pieces, _bos, _eos, pad, _unk = struct.unpack_from("<5i", data, at)
    at += 20
    (blob,) = struct.unpack_from("<Q", data, at)
    at += 8 + (pieces + 1) * 4 + pieces * 4 + blob
    at += 4
    (norm_len,) = struct.unpack_from("<I", data, at)
    at += 4 + norm_len
    (count,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", data, at)
        at += 2
        name = data[at : at + name_len].decode()
        at += name_len
        dtype, elements, offset, length = struct.unpack_from("<BIQQ", data, at)
        at += 21
        raw = data[offset : offset + length]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4").copy()
        else:
            blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
            scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
            nibbles = blocks[:, 2:]
            low = (nibbles & 0x0F).astype(np.int8) - 8
            high = (nibbles >> 4).astype(np.int8) - 8
            values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
            tensors[name] = values.reshape(-1)[:elements]
    header = dict(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
                  max_pos=max_pos, type_vocab=type_vocab, eps=eps, pad=pad)
    return header, tensors


def write_bert_dir(model_dir, out):
    """A Hugging Face BERT directory with the E5S1 weights in f32 and the model's tokenizer."""
    header, t = read_e5s1(os.path.join(model_dir, "e5-small-q4.bin"))
    h, f = header["hidden"], header["ffn"]
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(header["vocab"], h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(header["max_pos"], h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(header["type_vocab"], h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
             "aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
    for i in range(header["layers"]):
        for short, long in parts.items():
            prefix = f"encoder.layer.{i}.{long}"
            weight = t[f"l{i}.{short}.w"]
            state[f"{prefix}.weight"] = weight.reshape(shapes[short]) if short in shapes else weight
            state[f"{prefix}.bias"] = t[f"l{i}.{short}.b"]
    save_file({k: np.ascontiguousarray(v) for k, v in state.items()},
              os.path.join(out, "model.safetensors"))
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": h,
        "num_hidden_layers": header["layers"], "num_attention_heads": header["heads"],
        "intermediate_size": f, "hidden_act": "gelu", "vocab_size": header["vocab"],
        "max_position_embeddings": header["max_pos"], "type_vocab_size": header["type_vocab"],
        "layer_norm_eps": header["eps"], "pad_token_id": header["pad"],
        "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
    }
    json.dump(config, open(os.path.join(out, "config.json"), "w"))
    with open(os.path.join(model_dir, "tokenizer.json"), "rb") as src:
        open(os.path.join(out, "tokenizer.json"), "wb").write(src.read())
    json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": header["max_pos"],
               "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
               "pad_token": "<pad>", "cls_token": "<s>", "sep_token": "</s>",
               "mask_token": "<mask>"},
              open(os.path.join(out, "tokenizer_config.json"), "w"))


def main():
    request = json.load(sys.stdin)
    texts, batch_size = request["texts"], request["batch_size"]
    with tempfile.TemporaryDirectory() as scratch:
        write_bert_dir(request["model_dir"], scratch)
        transformer = models.Transformer(scratch, max_seq_length=512)
        pooling = models.Pooling(transformer.get_embedding_dimension(), "mean")
        model = SentenceTransformer(modules=[transformer, pooling, models.Normalize()],
                                    device="cpu")
    model.encode(texts[:batch_size], batch_size=batch_size, show_progress_bar=False)
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = model.encode(texts, batch_size=batch_size, convert_to_numpy=True,
                           show_progress_bar=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    import sentence_transformers
    print(json.dumps({
        "wall_seconds": wall, "cpu_seconds": cpu, "threads": torch.get_num_threads(),
        "torch": torch.__version__, "sentence_transformers": sentence_transformers.__version__,
        "vectors": vectors.tolist(),
    }))


if __name__ == "__main__":
    main()
