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
    /// Bound on what all the compressed streams of one document (its object streams, its pages'
    /// contents, its fonts' character maps, its DOCX parts) may inflate to together: a per-stream bound alone lets a
    /// file of hundreds of streams, each just under it, cost minutes of CPU.
    pub max_inflated_total_bytes: usize,
    /// Passage size, shared with the guides so every passage reads the same to the model.
    pub chunk: ChunkLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 100 * 1024 * 1024,
            max_inflated_bytes: 64 * 1024 * 1024,
            max_inflated_total_bytes: 256 * 1024 * 1024,
            chunk: ChunkLimits::default(),
        }
    }
}

impl Limits {
    /// A fresh budget for all the inflating one document may do.
    pub(crate) fn inflate_budget(&self) -> InflateBudget {
        InflateBudget {
            remaining: self.max_inflated_total_bytes,
            total: self.max_inflated_total_bytes,
            per_stream: self.max_inflated_bytes,
        }
    }

    /// The chunk limits, raised to a floor: the splitter needs room for at least a sentence, and a
    /// zero limit would never make progress.
    pub(crate) fn chunk(&self) -> ChunkLimits {
        ChunkLimits {
            max_chars: self.chunk.max_chars.max(200),
            min_chars: self.chunk.min_chars.min(self.chunk.max_chars.max(200) / 2),
        }
    }
}

/// What one document may still inflate: every stream is bounded by the smaller of the per-stream
/// limit and what is left of the document's total.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InflateBudget {
    remaining: usize,
    total: usize,
    per_stream: usize,
}

impl InflateBudget {
    /// The limit for the next stream; the reason to stop when the budget is spent.
    pub(crate) fn next_limit(&self) -> Result<usize, super::SkipReason> {
        if self.remaining == 0 {
            return Err(self.exhausted());
        }
        Ok(self.per_stream.min(self.remaining))
    }

    /// Charges `bytes` inflated (at most what is left).
    pub(crate) fn spend(&mut self, bytes: usize) {
        self.remaining = self.remaining.saturating_sub(bytes);
    }

    /// Charges a stream that inflated past `limit`, the limit [`Self::next_limit`] gave it: the
    /// work was done, so it counts. When the document's remaining budget was the tighter bound,
    /// the budget is now spent and the document must be refused; a stream that only broke the
    /// per-stream bound leaves the caller to decide (skip the page, refuse the document).
    pub(crate) fn spend_past(&mut self, limit: usize) -> Result<(), super::SkipReason> {
        self.spend(limit);
        match self.remaining {
            0 => Err(self.exhausted()),
            _ => Ok(()),
        }
    }

    /// Why a stream that broke the per-stream bound refuses the whole document: `what` names it.
    pub(crate) fn stream_too_large(&self, what: &str) -> super::SkipReason {
        super::SkipReason::Malformed {
            detail: format!(
                "{what} inflates to more than {}, the limit for one compressed stream \
                 (ingest.max_inflated_bytes); raise it if the document comes from a trusted source",
                super::skip::human_size(self.per_stream as u64)
            ),
        }
    }

    fn exhausted(&self) -> super::SkipReason {
        super::SkipReason::Malformed {
            detail: format!(
                "its compressed streams inflate to more than {} in all, the limit for one document \
                 (ingest.max_inflated_total_bytes); raise it if the document comes from a trusted \
                 source",
                super::skip::human_size(self.total as u64)
            ),
        }
    }
}
