//! Bounds on library documents, so one huge or malformed file cannot stall or exhaust a run.

use crate::ChunkLimits;

/// Bounds that keep one bad or huge document from holding up, or exhausting, a whole run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files larger than this are skipped before they are read. Real reports are rarely over 50 MiB;
    /// a 500 MiB file is usually a scan or a mistake, and would take minutes and gigabytes to parse.
    pub max_file_bytes: u64,
    /// Bound on what one compressed stream (a PDF page, a DOCX part) may inflate to: a few hundred
    /// bytes can be crafted to inflate to gigabytes.
    pub max_inflated_bytes: usize,
    /// Passage size, shared with the guides so every passage reads the same to the model.
    pub chunk: ChunkLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 100 * 1024 * 1024,
            max_inflated_bytes: 64 * 1024 * 1024,
            chunk: ChunkLimits::default(),
        }
    }
}

impl Limits {
    /// The chunk limits, raised to a floor: the splitter needs room for at least a sentence, and a
    /// zero limit would never make progress.
    pub(crate) fn chunk(&self) -> ChunkLimits {
        ChunkLimits {
            max_chars: self.chunk.max_chars.max(200),
            min_chars: self.chunk.min_chars.min(self.chunk.max_chars.max(200) / 2),
        }
    }
}
