//! Weight matrices kept as GGML Q4_0 blocks and dequantised to f32 only while they are used.
//!
//! The model file stores every weight as a 4-bit integer times a per-32 f16 scale. Dequantising
//! gives exactly the f32 values the reference embeddings were computed from, so the arithmetic
//! stays f32; keeping the blocks instead of the f32 values holds the 21M encoder weights in
//! 12 MB instead of 85 MB, and a question streams 12 MB from memory instead of 85 MB.

use crate::kernels;

/// Weights per Q4_0 block.
pub(crate) const Q4_BLOCK: usize = 32;
/// Bytes per Q4_0 block: an f16 scale, then 16 bytes of nibbles.
pub(crate) const Q4_BLOCK_BYTES: usize = 18;

/// A row-major matrix whose rows are runs of Q4_0 blocks.
pub(crate) struct Q4Matrix {
    blocks: Vec<u8>,
    /// Values per row, a multiple of [`Q4_BLOCK`].
    width: usize,
}

impl Q4Matrix {
    /// `blocks` holds whole rows of `width` values each.
    pub(crate) fn new(blocks: Vec<u8>, width: usize) -> Self {
        debug_assert_eq!(blocks.len() % (width / Q4_BLOCK * Q4_BLOCK_BYTES), 0);
        Self { blocks, width }
    }

    /// The rows of `parts` one after another: how Q, K and V become one matrix.
    pub(crate) fn stack(parts: &[&Q4Matrix]) -> Self {
        let width = parts.first().map_or(Q4_BLOCK, |part| part.width);
        debug_assert!(parts.iter().all(|part| part.width == width));
        Self::new(
            parts
                .iter()
                .flat_map(|part| part.blocks.iter().copied())
                .collect(),
            width,
        )
    }

    fn row_bytes(&self) -> usize {
        self.width / Q4_BLOCK * Q4_BLOCK_BYTES
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.blocks.len() / self.row_bytes()
    }

    /// Values per row.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// Rows `first..first + out.len() / width` as f32, into `out`.
    pub(crate) fn dequantize_rows(&self, first: usize, out: &mut [f32]) {
        let start = first * self.row_bytes();
        let len = out.len() / Q4_BLOCK * Q4_BLOCK_BYTES;
        kernels::dequantize(&self.blocks[start..start + len], out);
    }
}
