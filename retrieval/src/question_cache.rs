//! The vectors of recently asked questions, so a question asked again is not embedded again.
//!
//! Embedding is nearly all of an answer's cost, and questions repeat: the same FAQ from several
//! askers, a visitor who escalates (the desk re-runs retrieval to give the ticket its passages),
//! a front-end that retries. A vector depends only on the text and the engine's one embedder, so
//! an entry never goes stale; the cache is bounded and forgets the oldest entry first.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Question text → its vector, at most `capacity` of them.
pub(crate) struct QuestionCache {
    capacity: usize,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    vectors: HashMap<String, Arc<[f32]>>,
    /// Texts in insertion order: the front is forgotten first.
    order: VecDeque<String>,
}

impl QuestionCache {
    /// A cache of up to `capacity` questions; 0 keeps nothing.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::default(),
        }
    }

    /// The cached vector of `text`, if it was asked recently.
    pub(crate) fn get(&self, text: &str) -> Option<Arc<[f32]>> {
        self.lock().vectors.get(text).cloned()
    }

    /// Remembers `vector` as the embedding of `text`, forgetting the oldest entry when full.
    pub(crate) fn insert(&self, text: &str, vector: Arc<[f32]>) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.lock();
        if entries.vectors.contains_key(text) {
            return;
        }
        while entries.order.len() >= self.capacity {
            if let Some(oldest) = entries.order.pop_front() {
                entries.vectors.remove(&oldest);
            }
        }
        entries.order.push_back(text.to_owned());
        entries.vectors.insert(text.to_owned(), vector);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // The entries are consistent after every statement, so a panic elsewhere cannot have
        // left them half-updated.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(x: f32) -> Arc<[f32]> {
        Arc::from(vec![x; 2])
    }

    #[test]
    fn keeps_the_newest_entries_up_to_capacity() {
        let cache = QuestionCache::new(2);
        cache.insert("a", vector(1.0));
        cache.insert("b", vector(2.0));
        cache.insert("a", vector(9.0));
        assert_eq!(cache.get("a").as_deref(), Some(&[1.0, 1.0][..]));
        cache.insert("c", vector(3.0));
        assert!(cache.get("a").is_none(), "the oldest entry goes first");
        assert_eq!(cache.get("b").as_deref(), Some(&[2.0, 2.0][..]));
        assert_eq!(cache.get("c").as_deref(), Some(&[3.0, 3.0][..]));
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let cache = QuestionCache::new(0);
        cache.insert("a", vector(1.0));
        assert!(cache.get("a").is_none());
    }
}
