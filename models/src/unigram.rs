//! A SentencePiece Unigram model with a compact vocabulary, for XLM-R's 250k pieces.
//!
//! `tokenizers`' own `Unigram` builds a trie of hash maps, one per node: parsing e5's
//! `tokenizer.json` takes about a second and the trie holds 300 MB. This model keeps the pieces in
//! one string arena and finds them through one hash table (about 6 MB, built in tens of
//! milliseconds), and runs the same Viterbi search with the same tie-breaking, so token ids are
//! identical (checked against the crate on every fixture and knowledge-base text in
//! `models/tests/tokenizer.rs`). Normalisation, pre-tokenisation, special tokens, truncation and
//! post-processing stay the crate's: [`UnigramPieces`] plugs in as its `Model`.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use tokenizers::models::unigram::UnigramTrainer;
use tokenizers::{Model, Result, Token};

/// SentencePiece's penalty for an unknown character, below the rarest piece's score.
const UNKNOWN_PENALTY: f64 = 10.0;

/// The vocabulary and scores of a Unigram model.
pub(crate) struct UnigramPieces {
    /// Every piece, one after another; piece `id` is `text[ends[id - 1]..ends[id]]`.
    text: String,
    ends: Vec<u32>,
    scores: Vec<f64>,
    /// Piece ids, found by hashing the piece. A piece listed twice maps to its last id, as in
    /// the crate.
    ids: HashTable<u32>,
    hasher: FixedState,
    unknown: u32,
    unknown_score: f64,
    /// The longest piece in bytes: no match can be longer.
    longest: usize,
}

/// One cell of the Viterbi lattice: the best path ending at this byte.
#[derive(Clone, Copy)]
struct Best {
    score: f64,
    start: Option<usize>,
    id: u32,
}

impl UnigramPieces {
    /// Builds the model from `(piece, score)` pairs in id order. `None` when `unknown` is not an
    /// id of the vocabulary.
    pub(crate) fn new(vocab: Vec<(String, f64)>, unknown: usize) -> Option<Self> {
        if unknown >= vocab.len() {
            return None;
        }
        let hasher = FixedState::default();
        let mut pieces = Self {
            text: String::with_capacity(vocab.iter().map(|(piece, _)| piece.len()).sum()),
            ends: Vec::with_capacity(vocab.len()),
            scores: Vec::with_capacity(vocab.len()),
            ids: HashTable::with_capacity(vocab.len()),
            hasher,
            unknown: unknown as u32,
            unknown_score: 0.0,
            longest: 0,
        };
        let mut lowest = f64::INFINITY;
        for (id, (piece, score)) in vocab.into_iter().enumerate() {
            pieces.text.push_str(&piece);
            pieces.ends.push(pieces.text.len() as u32);
            pieces.scores.push(score);
            pieces.longest = pieces.longest.max(piece.len());
            lowest = lowest.min(score);
            let hash = pieces.hasher.hash_one(piece.as_str());
            let Self {
                text,
                ends,
                ids,
                hasher,
                ..
            } = &mut pieces;
            let piece_of = |id: u32| piece_at(text, ends, id);
            match ids.find_mut(hash, |&other| piece_of(other) == piece) {
                Some(existing) => *existing = id as u32,
                None => {
                    ids.insert_unique(hash, id as u32, |&other| {
                        hasher.hash_one(piece_at(text, ends, other))
                    });
                }
            }
        }
        pieces.unknown_score = lowest - UNKNOWN_PENALTY;
        Some(pieces)
    }

    fn piece(&self, id: u32) -> &str {
        piece_at(&self.text, &self.ends, id)
    }

    fn id(&self, piece: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(piece);
        self.ids.find(hash, |&id| self.piece(id) == piece).copied()
    }

    /// The best segmentation of `sentence` as `(start, end, id)` spans, runs of unknown
    /// characters fused into one span, as SentencePiece does.
    fn segment(&self, sentence: &str) -> Vec<(usize, usize, u32)> {
        let size = sentence.len();
        let unset = Best {
            score: 0.0,
            start: None,
            id: 0,
        };
        let mut best = vec![unset; size + 1];
        let mut start = 0;
        while start < size {
            let so_far = best[start].score;
            let rest = &sentence[start..];
            let first_char = rest.chars().next().map_or(1, char::len_utf8);
            let mut covers_first_char = false;
            // Candidate pieces in order of length, as a trie's prefix search yields them.
            let ends = rest
                .char_indices()
                .skip(1)
                .map(|(at, _)| at)
                .chain(std::iter::once(rest.len()))
                .take_while(|&len| len <= self.longest);
            for len in ends {
                let Some(id) = self.id(&rest[..len]) else {
                    continue;
                };
                let candidate = so_far + self.scores[id as usize];
                let target = &mut best[start + len];
                if target.start.is_none() || candidate > target.score {
                    *target = Best {
                        score: candidate,
                        start: Some(start),
                        id,
                    };
                }
                covers_first_char |= len == first_char;
            }
            if !covers_first_char {
                let candidate = so_far + self.unknown_score;
                let target = &mut best[start + first_char];
                if target.start.is_none() || candidate > target.score {
                    *target = Best {
                        score: candidate,
                        start: Some(start),
                        id: self.unknown,
                    };
                }
            }
            start += first_char;
        }
        let mut spans: Vec<(usize, usize, u32)> = Vec::new();
        let mut end = size;
        while end > 0 {
            let Best { start, id, .. } = best[end];
            let start = start.unwrap_or(0);
            match spans.last_mut() {
                Some(previous) if id == self.unknown && previous.2 == self.unknown => {
                    previous.0 = start;
                }
                _ => spans.push((start, end, id)),
            }
            end = start;
        }
        spans.reverse();
        spans
    }
}

fn piece_at<'a>(text: &'a str, ends: &[u32], id: u32) -> &'a str {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] as usize };
    &text[start..ends[id] as usize]
}

impl Model for UnigramPieces {
    type Trainer = UnigramTrainer;

    fn tokenize(&self, sentence: &str) -> Result<Vec<Token>> {
        Ok(self
            .segment(sentence)
            .into_iter()
            .map(|(start, end, id)| {
                let value = &sentence[start..end];
                // A fused run of unknown characters is looked up again, as the crate does.
                let id = if id == self.unknown {
                    self.id(value).unwrap_or(self.unknown)
                } else {
                    id
                };
                Token::new(id, value.to_owned(), (start, end))
            })
            .collect())
    }

    fn token_to_id(&self, token: &str) -> Option<u32> {
        self.id(token)
    }

    fn id_to_token(&self, id: u32) -> Option<String> {
        ((id as usize) < self.ends.len()).then(|| self.piece(id).to_owned())
    }

    fn get_vocab(&self) -> HashMap<String, u32> {
        (0..self.ends.len() as u32)
            .map(|id| (self.piece(id).to_owned(), id))
            .collect()
    }

    fn get_vocab_size(&self) -> usize {
        self.ends.len()
    }

    fn save(&self, _folder: &Path, _prefix: Option<&str>) -> Result<Vec<PathBuf>> {
        Err("Consulta's Unigram model is read from tokenizer.json and is never saved".into())
    }

    fn get_trainer(&self) -> UnigramTrainer {
        UnigramTrainer::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> UnigramPieces {
        let vocab = [
            ("<unk>", 0.0),
            ("▁a", -1.0),
            ("b", -2.0),
            ("▁ab", -2.5),
            ("c", -4.0),
        ];
        UnigramPieces::new(vocab.iter().map(|(p, s)| (p.to_string(), *s)).collect(), 0)
            .expect("unknown id in range")
    }

    fn ids(model: &UnigramPieces, text: &str) -> Vec<u32> {
        model
            .tokenize(text)
            .expect("tokenize")
            .iter()
            .map(|t| t.id)
            .collect()
    }

    #[test]
    fn best_path_wins_and_unknown_runs_fuse() {
        let model = model();
        // "▁ab" (-2.5) beats "▁a" + "b" (-3.0).
        assert_eq!(ids(&model, "▁ab"), vec![3]);
        assert_eq!(ids(&model, "▁abc"), vec![3, 4]);
        // "xy" has no piece: one fused unknown token, spanning both characters.
        let tokens = model.tokenize("▁axyb").expect("tokenize");
        let spans: Vec<_> = tokens.iter().map(|t| (t.id, t.value.as_str())).collect();
        assert_eq!(spans, vec![(1, "▁a"), (0, "xy"), (2, "b")]);
        assert!(ids(&model, "").is_empty());
    }

    #[test]
    fn unknown_id_must_be_in_the_vocabulary() {
        assert!(UnigramPieces::new(vec![("a".into(), 0.0)], 1).is_none());
    }
}
