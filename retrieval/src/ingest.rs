//! Writing to the engine: incremental sync, curated answers, removals, and the reconciliation
//! that keeps both indexes equal to the manifest.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use consulta_corpus::{Passage, PassageKind};
use consulta_models::Role;
use serde::Serialize;

use crate::catalog::{Catalog, Entry, content_hash};
use crate::engine::{Inner, StoreRole};
use crate::points::{has_question_point, question_owner, question_point_id};
use crate::sentence_vectors::SentenceReport;
use crate::sentences::sentences;
use crate::vector_store::{PointPayload, VectorPoint};
use crate::{Engine, RetrievalError};

/// What a [`Engine::sync`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SyncReport {
    /// Passages whose id was new.
    pub added: usize,
    /// Passages whose id was known but whose metadata (title, tags, source...) changed.
    pub updated: usize,
    /// Passages no longer in the knowledge base, removed from both indexes.
    pub removed: usize,
    /// Passages left alone: same id, same content.
    pub unchanged: usize,
    /// Passages sent to the embedding model (`added + updated`).
    pub embedded: usize,
    /// Wall time of the whole sync.
    pub elapsed: Duration,
    /// Of which embedding.
    pub embedding: Duration,
}

/// What a reconciliation repaired: (passages removed from, passages restored to) each index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ReconcileReport {
    pub(crate) full_text_removed: usize,
    pub(crate) full_text_restored: usize,
    vectors_removed: usize,
    vectors_restored: usize,
}

impl ReconcileReport {
    pub(crate) fn is_empty(&self) -> bool {
        *self == ReconcileReport::default()
    }
}

/// A set of changes to commit together.
pub(crate) struct Changes {
    /// Passages to index (new or replacing the same id).
    pub(crate) upsert: Vec<Passage>,
    /// Ids to remove.
    pub(crate) remove: Vec<String>,
    /// Whether to build search structures afterwards (bulk writes).
    pub(crate) optimize: bool,
}

impl Engine {
    /// Brings the indexes in line with `passages`, the whole non-curated knowledge base.
    ///
    /// Incremental: only passages whose id is new (or whose metadata changed) are embedded;
    /// passages absent from `passages` are removed, except curated ones, which only
    /// [`Engine::remove`] deletes; the rest are left alone. `progress(done, total)` reports
    /// embedding progress. Nothing is written until every embedding succeeded.
    ///
    /// `passages` is taken as the whole index apart from curated answers, so passages that
    /// [`Engine::ingest_library`] indexed are removed too unless they are in it: a data dir is fed
    /// by one or the other (`consulta ingest` uses `ingest_library`, also for the bundled
    /// knowledge base).
    pub fn sync(
        &self,
        passages: &[Passage],
        progress: &dyn Fn(usize, usize),
    ) -> Result<SyncReport, RetrievalError> {
        let started = Instant::now();
        let _writing = self.inner.write_guard()?;
        let catalog = self.inner.catalog();
        let mut seen = HashSet::new();
        let mut report = SyncReport::default();
        let mut upsert = Vec::new();
        for passage in passages {
            validate(passage)?;
            if !seen.insert(passage.id.as_str()) {
                tracing::warn!(id = %passage.id, doc = %passage.doc_id, "duplicate passage id in sync input; keeping the first");
                continue;
            }
            match catalog.entries.get(&passage.id) {
                Some(entry) if entry.hash == content_hash(passage) => report.unchanged += 1,
                Some(_) => {
                    report.updated += 1;
                    upsert.push(passage.clone());
                }
                None => {
                    report.added += 1;
                    upsert.push(passage.clone());
                }
            }
        }
        let remove: Vec<String> = catalog
            .entries
            .values()
            .filter(|e| {
                e.passage.kind != PassageKind::Curated && !seen.contains(e.passage.id.as_str())
            })
            .map(|e| e.passage.id.clone())
            .collect();
        report.removed = remove.len();
        report.embedded = upsert.len();
        if !upsert.is_empty() || !remove.is_empty() {
            let changes = Changes {
                upsert,
                remove,
                optimize: true,
            };
            report.embedding = self.inner.apply(&catalog, changes, progress)?;
        }
        report.elapsed = started.elapsed();
        tracing::info!(
            added = report.added,
            updated = report.updated,
            removed = report.removed,
            unchanged = report.unchanged,
            seconds = report.elapsed.as_secs_f32(),
            "sync finished"
        );
        Ok(report)
    }

    /// Embeds every sentence of the committed passages that has no vector yet, drops the vectors
    /// no passage uses, and saves them in the data directory, so that answers score sentences by
    /// meaning without embedding them ([`crate::sentence_vectors`]). `consulta ingest` runs it
    /// after [`Engine::sync`].
    pub fn embed_sentences(&self) -> Result<SentenceReport, RetrievalError> {
        let catalog = self.inner.catalog();
        let texts: Vec<String> = catalog
            .entries
            .values()
            .flat_map(|entry| sentences(&entry.passage.text))
            .collect();
        let all: Vec<&str> = texts.iter().map(String::as_str).collect();
        let embedded = self.inner.sentences.fill(
            self.inner.embedder.as_ref(),
            &all,
            self.inner.config.embed_batch_size,
        )?;
        let report = SentenceReport {
            sentences: all.len(),
            embedded,
            dropped: self.inner.sentences.keep_and_save(&all)?,
        };
        tracing::info!(?report, "sentence vectors saved");
        Ok(report)
    }

    /// Adds or replaces an expert-approved answer, searchable as soon as this returns.
    ///
    /// The passage must be of kind [`PassageKind::Curated`]; guides and FAQs come in through
    /// [`Engine::sync`].
    pub fn upsert_curated(&self, passage: Passage) -> Result<(), RetrievalError> {
        validate(&passage)?;
        if passage.kind != PassageKind::Curated {
            return Err(RetrievalError::InvalidPassage {
                id: passage.id,
                reason: format!(
                    "upsert_curated takes curated passages, this one is of kind {}; guides and FAQs \
                     are indexed by sync",
                    passage.kind.as_str()
                ),
            });
        }
        let _writing = self.inner.write_guard()?;
        let catalog = self.inner.catalog();
        let changes = Changes {
            upsert: vec![passage],
            remove: Vec::new(),
            optimize: false,
        };
        self.inner.apply(&catalog, changes, &|_, _| {})?;
        Ok(())
    }

    /// Removes passages (of any kind) from both indexes. Fails without removing anything when one
    /// of the ids is not indexed.
    pub fn remove(&self, passage_ids: &[String]) -> Result<(), RetrievalError> {
        let _writing = self.inner.write_guard()?;
        let catalog = self.inner.catalog();
        let unknown: Vec<String> = passage_ids
            .iter()
            .filter(|id| !catalog.entries.contains_key(*id))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(RetrievalError::UnknownPassages { ids: unknown });
        }
        let changes = Changes {
            upsert: Vec::new(),
            remove: passage_ids.to_vec(),
            optimize: false,
        };
        self.inner.apply(&catalog, changes, &|_, _| {})?;
        Ok(())
    }
}

fn validate(passage: &Passage) -> Result<(), RetrievalError> {
    let invalid = |reason: &str| RetrievalError::InvalidPassage {
        id: passage.id.clone(),
        reason: reason.to_string(),
    };
    if passage.id.trim().is_empty() {
        return Err(invalid(
            "the id is empty; make ids with consulta_corpus::passage_id",
        ));
    }
    if !passage.text.chars().any(char::is_alphanumeric) {
        return Err(invalid(
            "the text is empty; there is nothing to search or cite",
        ));
    }
    Ok(())
}

impl Inner {
    /// Commits `changes` on top of `catalog` (the current state; the caller holds the write
    /// guard). Order: embed, vectors, full text, then the manifest; see the crate documentation
    /// for why this order and how an interruption is repaired. Returns the time spent embedding.
    pub(crate) fn apply(
        &self,
        catalog: &Catalog,
        changes: Changes,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Duration, RetrievalError> {
        let embedding_started = Instant::now();
        let vectors = self.embed(&changes.upsert, progress)?;
        let questions = self.embed_questions(&changes.upsert)?;
        let embedding = embedding_started.elapsed();

        let mut next = catalog.clone();
        for id in &changes.remove {
            next.entries.remove(id);
        }
        let hashes: Vec<String> = changes.upsert.iter().map(content_hash).collect();
        for (passage, hash) in changes.upsert.iter().zip(&hashes) {
            next.entries.insert(
                passage.id.clone(),
                Entry {
                    hash: hash.clone(),
                    passage: passage.clone(),
                },
            );
        }

        let written = self.write_indexes(&changes, &hashes, vectors, questions);
        let saved = written.and_then(|()| next.save(&self.manifest_path));
        if let Err(error) = saved {
            self.restore_committed();
            return Err(error);
        }
        self.publish(next);
        Ok(embedding)
    }

    fn write_indexes(
        &self,
        changes: &Changes,
        hashes: &[String],
        vectors: Vec<Vec<f32>>,
        questions: Vec<Option<Vec<f32>>>,
    ) -> Result<(), RetrievalError> {
        let mut points: Vec<VectorPoint> = changes
            .upsert
            .iter()
            .zip(hashes)
            .zip(vectors)
            .map(|((passage, hash), vector)| VectorPoint {
                vector,
                payload: payload(passage, hash),
            })
            .collect();
        points.extend(question_points(&changes.upsert, hashes, questions));
        let mut removed = changes.remove.clone();
        removed.extend(changes.remove.iter().map(|id| question_point_id(id)));
        // A passage replaced by one without a question (a curated answer edited to have none) must
        // not keep its old question vector.
        removed.extend(
            changes
                .upsert
                .iter()
                .filter(|p| !has_question_point(p))
                .map(|p| question_point_id(&p.id)),
        );
        self.vectors.delete(&removed)?;
        self.vectors.upsert(points)?;
        if changes.optimize {
            self.vectors.optimize()?;
        }
        self.vectors.flush()?;

        let replaced: Vec<String> = changes
            .remove
            .iter()
            .cloned()
            .chain(changes.upsert.iter().map(|p| p.id.clone()))
            .collect();
        self.bm25.delete(&replaced);
        let staged: Vec<(&Passage, &str)> = changes
            .upsert
            .iter()
            .zip(hashes.iter().map(String::as_str))
            .collect();
        self.bm25.add(&staged)?;
        self.bm25.commit()
    }

    /// Embeds the passages' indexable text in batches, checking what the model returns.
    fn embed(
        &self,
        passages: &[Passage],
        progress: &dyn Fn(usize, usize),
    ) -> Result<Vec<Vec<f32>>, RetrievalError> {
        let total = passages.len();
        let dimension = self.embedder.dimension();
        let mut vectors = Vec::with_capacity(total);
        progress(0, total);
        for batch in passages.chunks(self.config.embed_batch_size) {
            let texts: Vec<String> = batch.iter().map(Passage::indexable_text).collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let embedded = self.embedder.embed(&refs, Role::Passage)?;
            if embedded.len() != batch.len() || embedded.iter().any(|v| v.len() != dimension) {
                return Err(RetrievalError::BadEmbedding {
                    name: self.embedder.name().to_string(),
                    got: format!(
                        "{} vectors of lengths {:?}",
                        embedded.len(),
                        embedded.iter().map(Vec::len).collect::<HashSet<_>>()
                    ),
                    expected: format!("{} vectors of length {dimension}", batch.len()),
                });
            }
            vectors.extend(embedded);
            progress(vectors.len(), total);
        }
        Ok(vectors)
    }

    /// Embeds the question alone of each FAQ entry and curated answer among `passages` (see
    /// [`crate::points`]); `None` for the other passages.
    fn embed_questions(
        &self,
        passages: &[Passage],
    ) -> Result<Vec<Option<Vec<f32>>>, RetrievalError> {
        let asked: Vec<&str> = passages
            .iter()
            .filter(|p| has_question_point(p))
            .map(|p| p.title.as_str())
            .collect();
        let mut vectors = Vec::with_capacity(asked.len());
        for batch in asked.chunks(self.config.embed_batch_size) {
            let embedded = self.embedder.embed(batch, Role::Query)?;
            if embedded.len() != batch.len() {
                return Err(RetrievalError::BadEmbedding {
                    name: self.embedder.name().to_string(),
                    got: format!("{} vectors", embedded.len()),
                    expected: format!("{} question vectors", batch.len()),
                });
            }
            vectors.extend(embedded);
        }
        let mut vectors = vectors.into_iter();
        Ok(passages
            .iter()
            .map(|p| {
                if has_question_point(p) {
                    vectors.next()
                } else {
                    None
                }
            })
            .collect())
    }

    /// After a failed write, which may have left the indexes ahead of the published manifest:
    /// brings them back to it right away rather than at the next start.
    pub(crate) fn restore_committed(&self) {
        self.bm25.rollback();
        if let Err(repair) = self.reconcile() {
            tracing::error!(%repair, "indexes could not be repaired now; they will be on the next start");
        }
    }

    /// Makes both indexes hold exactly the manifest's passages, each at the manifest's content
    /// hash: removes what the manifest does not have, restores what an index lacks (re-embedding
    /// missing vectors). A replica reconciles its BM25 index only: the vectors are the primary's.
    pub(crate) fn reconcile(&self) -> Result<ReconcileReport, RetrievalError> {
        self.reconcile_to(&self.catalog())
    }

    /// [`Inner::reconcile`] against `catalog`, which need not be published yet.
    pub(crate) fn reconcile_to(
        &self,
        catalog: &Catalog,
    ) -> Result<ReconcileReport, RetrievalError> {
        let mut report = ReconcileReport::default();

        let (stale, missing) = differences(self.bm25.list()?, &passage_hashes(catalog));
        if !stale.is_empty() || !missing.is_empty() {
            self.bm25.delete(&stale);
            let restore: Vec<(&Passage, &str)> = missing
                .iter()
                .map(|id| {
                    let entry = &catalog.entries[id];
                    (&entry.passage, entry.hash.as_str())
                })
                .collect();
            self.bm25.add(&restore)?;
            self.bm25.commit()?;
            report.full_text_removed = stale.len();
            report.full_text_restored = missing.len();
        }
        if self.role == StoreRole::Replica {
            return Ok(report);
        }

        let listed = self
            .vectors
            .list()?
            .into_iter()
            .map(|p| (p.passage_id, p.content_hash))
            .collect();
        let (stale, missing) = differences(listed, &point_hashes(catalog));
        if !stale.is_empty() || !missing.is_empty() {
            self.vectors.delete(&stale)?;
            let (missing_questions, missing): (Vec<String>, Vec<String>) = missing
                .into_iter()
                .partition(|id| question_owner(id).is_some());
            let asked: Vec<Passage> = missing_questions
                .iter()
                .filter_map(|id| question_owner(id))
                .map(|owner| catalog.entries[owner].passage.clone())
                .collect();
            let questions = self.embed_questions(&asked)?;
            let asked_hashes: Vec<String> = asked
                .iter()
                .map(|p| catalog.entries[&p.id].hash.clone())
                .collect();
            self.vectors
                .upsert(question_points(&asked, &asked_hashes, questions).collect())?;
            let passages: Vec<Passage> = missing
                .iter()
                .map(|id| catalog.entries[id].passage.clone())
                .collect();
            let vectors = self.embed(&passages, &|done, total| {
                tracing::info!(
                    done,
                    total,
                    "re-embedding passages missing from the vector store"
                );
            })?;
            let points = passages
                .iter()
                .zip(vectors)
                .map(|(passage, vector)| VectorPoint {
                    vector,
                    payload: payload(passage, &catalog.entries[&passage.id].hash),
                })
                .collect();
            self.vectors.upsert(points)?;
            self.vectors.optimize()?;
            self.vectors.flush()?;
            report.vectors_removed = stale.len();
            report.vectors_restored = missing.len() + missing_questions.len();
        }
        Ok(report)
    }
}

fn payload(passage: &Passage, hash: &str) -> PointPayload {
    PointPayload {
        passage_id: passage.id.clone(),
        doc_id: passage.doc_id.clone(),
        lang: passage.lang,
        kind: passage.kind,
        tags: passage.tags.clone(),
        content_hash: hash.to_string(),
    }
}

/// The question points of `passages` (those [`has_question_point`] admits), from the vectors
/// [`Inner::embed_questions`] returned for them, each carrying its passage's payload and hash.
fn question_points<'a>(
    passages: &'a [Passage],
    hashes: &'a [String],
    questions: Vec<Option<Vec<f32>>>,
) -> impl Iterator<Item = VectorPoint> + 'a {
    passages
        .iter()
        .zip(hashes)
        .zip(questions)
        .filter_map(|((passage, hash), vector)| {
            let mut payload = payload(passage, hash);
            payload.passage_id = question_point_id(&passage.id);
            Some(VectorPoint {
                vector: vector?,
                payload,
            })
        })
}

/// What the full-text index must hold: each manifest passage at its hash.
fn passage_hashes(catalog: &Catalog) -> HashMap<String, String> {
    catalog
        .entries
        .iter()
        .map(|(id, entry)| (id.clone(), entry.hash.clone()))
        .collect()
}

/// What the vector store must hold: each manifest passage, and the question point of each FAQ entry
/// and curated answer, at its passage's hash.
fn point_hashes(catalog: &Catalog) -> HashMap<String, String> {
    let mut expected = passage_hashes(catalog);
    for (id, entry) in &catalog.entries {
        if has_question_point(&entry.passage) {
            expected.insert(question_point_id(id), entry.hash.clone());
        }
    }
    expected
}

/// Compares an index's (id, hash) listing with what it must hold: ids to delete from the index
/// (unknown, outdated or duplicated) and expected ids to (re)add to it.
fn differences(
    listed: Vec<(String, String)>,
    expected: &HashMap<String, String>,
) -> (Vec<String>, Vec<String>) {
    let mut copies: HashMap<String, Vec<String>> = HashMap::new();
    for (id, hash) in listed {
        copies.entry(id).or_default().push(hash);
    }
    let mut stale = Vec::new();
    let mut current = HashSet::new();
    for (id, hashes) in copies {
        let matches = expected
            .get(&id)
            .is_some_and(|hash| hashes.len() == 1 && &hashes[0] == hash);
        if matches {
            current.insert(id);
        } else {
            stale.push(id);
        }
    }
    let mut missing: Vec<String> = expected
        .keys()
        .filter(|id| !current.contains(*id))
        .cloned()
        .collect();
    stale.sort();
    missing.sort();
    (stale, missing)
}

#[cfg(test)]
mod tests {
    use consulta_corpus::Lang;

    use super::*;
    use crate::catalog::EmbedderInfo;
    use crate::test_support::bare_passage;

    fn catalog(entries: &[(&str, &str)]) -> Catalog {
        let mut catalog = Catalog::empty(EmbedderInfo {
            name: "test".into(),
            dimension: 3,
        });
        for (id, hash) in entries {
            catalog.entries.insert(
                id.to_string(),
                Entry {
                    hash: hash.to_string(),
                    passage: bare_passage(id, Lang::En, "x"),
                },
            );
        }
        catalog
    }

    fn listed(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(id, hash)| (id.to_string(), hash.to_string()))
            .collect()
    }

    #[test]
    fn differences_find_unknown_outdated_duplicated_and_missing() {
        let catalog = catalog(&[("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")]);
        let (stale, missing) = differences(
            listed(&[("a", "1"), ("b", "old"), ("c", "3"), ("c", "3"), ("x", "9")]),
            &passage_hashes(&catalog),
        );
        assert_eq!(stale, ["b", "c", "x"]);
        assert_eq!(missing, ["b", "c", "d"]);
    }

    #[test]
    fn agreeing_listing_has_no_differences() {
        let catalog = catalog(&[("a", "1")]);
        let (stale, missing) = differences(listed(&[("a", "1")]), &passage_hashes(&catalog));
        assert!(stale.is_empty() && missing.is_empty());
    }

    #[test]
    fn faq_entries_expect_a_question_point_at_their_hash() {
        let mut catalog = catalog(&[("a", "1")]);
        if let Some(entry) = catalog.entries.get_mut("a") {
            entry.passage.title = "What is a?".into();
        }
        let expected = point_hashes(&catalog);
        assert_eq!(expected.get("a:question").map(String::as_str), Some("1"));
        let (stale, missing) = differences(listed(&[("a", "1")]), &expected);
        assert!(stale.is_empty());
        assert_eq!(missing, ["a:question"]);
    }
}
