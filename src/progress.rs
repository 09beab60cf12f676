//! Progress bars for long ingests: documents (with an ETA), the passages they hold, and embedding
//! (with its own ETA, since it is the slow part). Drawn on stderr, only on a terminal, never with
//! `--quiet`.

use std::sync::atomic::{AtomicUsize, Ordering};

use consulta_retrieval::{IngestObserver, Outcome};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bars of one `consulta ingest` run.
pub struct IngestBars {
    /// Owns the drawing of both bars.
    _multi: MultiProgress,
    documents: ProgressBar,
    embedding: ProgressBar,
    /// Passages held by the documents handled so far.
    passages: AtomicUsize,
}

impl IngestBars {
    /// Bars on stderr, or hidden ones when `quiet`.
    pub fn new(quiet: bool) -> IngestBars {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let multi = MultiProgress::with_draw_target(target);
        let style = |template: &str| {
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ")
        };
        let documents = multi.add(ProgressBar::new(0));
        documents.set_style(style(
            "documents [{bar:30}] {pos}/{len} · {msg} · ETA {eta}",
        ));
        let embedding = multi.add(ProgressBar::new(0));
        embedding.set_style(style(
            "embedding [{bar:30}] {pos}/{len} passages · {per_sec} · ETA {eta}",
        ));
        IngestBars {
            _multi: multi,
            documents,
            embedding,
            passages: AtomicUsize::new(0),
        }
    }

    /// Removes the bars before the summary is printed.
    pub fn finish(&self) {
        self.documents.finish_and_clear();
        self.embedding.finish_and_clear();
    }
}

impl IngestObserver for IngestBars {
    fn discovered(&self, documents: usize) {
        self.documents.set_length(documents as u64);
        self.documents.set_message("0 passages");
    }

    fn document_done(&self, _origin: &str, _outcome: Outcome, passages: usize) {
        let total = self.passages.fetch_add(passages, Ordering::Relaxed) + passages;
        self.documents.set_message(format!("{total} passages"));
        self.documents.inc(1);
    }

    fn embedded(&self, done: usize, planned: usize) {
        self.embedding.set_length(planned as u64);
        self.embedding.set_position(done as u64);
    }
}
