//! Ingesting a library: documents from folders, file lists and manifests, read by
//! [`consulta_corpus::library`], indexed here a batch at a time.
//!
//! The pipeline is incremental per document: a document whose [`fingerprint`] is the one indexed
//! is not parsed again; a changed one has its passages replaced (only passages whose content
//! changed are embedded); one that disappeared from its source has its passages removed from both
//! indexes. Every batch is committed like any other write (see the crate documentation), then the
//! document registry records it, so a run stopped by [`IngestRequest::cancel`], a crash or
//! `kill -9` loses at most the batch in progress and the next run resumes from there. Bad
//! documents are skipped with their reason; a document that was indexed before and fails to read
//! now keeps its previous version.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use consulta_corpus::library::{
    Candidate, Limits, Location, SkipReason, Skipped, Source, discover, fingerprint, read_document,
};
use consulta_corpus::{Lang, Passage, PassageKind};
use serde::{Deserialize, Serialize};

use crate::catalog::content_hash;
use crate::documents::{DocumentRecord, Registry, registry_path};
use crate::ingest::Changes;
use crate::{Engine, RetrievalError, detect_language};

/// Settings of library ingestion (`[ingest]` in the configuration file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestConfig {
    /// Files larger than this (bytes) are skipped without being read: a 500 MB file is a scan or a
    /// mistake, and would hold the run for minutes.
    pub max_file_bytes: u64,
    /// What one compressed part of a document (a PDF stream, a DOCX part) may inflate to (bytes):
    /// a few kilobytes can be crafted to inflate to gigabytes.
    pub max_inflated_bytes: usize,
    /// What all the compressed parts of one document may inflate to together (bytes): bounds the
    /// CPU one file can cost, however many streams it has.
    pub max_inflated_total_bytes: usize,
    /// Passages embedded and committed together. Smaller batches lose less work to an
    /// interruption; larger ones write the manifest less often.
    pub commit_every: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        let limits = Limits::default();
        IngestConfig {
            max_file_bytes: limits.max_file_bytes,
            max_inflated_bytes: limits.max_inflated_bytes,
            max_inflated_total_bytes: limits.max_inflated_total_bytes,
            commit_every: 64,
        }
    }
}

impl IngestConfig {
    /// The readers' limits.
    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_bytes,
            max_inflated_bytes: self.max_inflated_bytes,
            max_inflated_total_bytes: self.max_inflated_total_bytes,
            ..Limits::default()
        }
    }
}

/// Told what a run is doing, to draw progress (the command line's bars, a service's job status).
/// Every method has a default that ignores the event.
pub trait IngestObserver: Sync {
    /// The sources were walked: `documents` will be looked at.
    fn discovered(&self, _documents: usize) {}
    /// One document was handled (indexed, unchanged or skipped); `passages` it has now.
    fn document_done(&self, _origin: &str, _outcome: Outcome, _passages: usize) {}
    /// Embedding progress over the whole run: `done` of `planned` passages so far (`planned`
    /// grows as documents are read).
    fn embedded(&self, _done: usize, _planned: usize) {}
}

/// An observer that ignores everything.
pub struct NoProgress;

impl IngestObserver for NoProgress {}

/// What happened to one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Read and indexed (new, or changed since the last run).
    Indexed,
    /// Same fingerprint as indexed: not parsed.
    Unchanged,
    /// Not indexed; the reason is in [`LibraryReport::skipped`].
    Skipped,
}

/// Gets the bytes of a document listed by URL.
pub trait Fetcher: Sync {
    /// The body at `url`, refusing more than `max_bytes`. The error says why, for the summary.
    fn fetch(&self, url: &str, max_bytes: u64) -> Result<Vec<u8>, String>;
}

/// For runs without network access: every URL is reported as not fetched.
pub struct NoNetwork;

impl Fetcher for NoNetwork {
    fn fetch(&self, _url: &str, _max_bytes: u64) -> Result<Vec<u8>, String> {
        Err("this run has no network access; run the ingest where the URL can be reached".into())
    }
}

/// One run's inputs.
pub struct IngestRequest<'a> {
    pub sources: &'a [Source],
    pub config: &'a IngestConfig,
    pub observer: &'a dyn IngestObserver,
    pub fetcher: &'a dyn Fetcher,
    /// Set (e.g. by Ctrl-C) to stop after the batch being embedded; nothing committed is lost.
    pub cancel: &'a AtomicBool,
}

/// A problem that did not stop a document (an FAQ row with a bad date, pages without text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentWarning {
    pub origin: String,
    pub message: String,
}

/// What a run did: the JSON summary of `consulta ingest --json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LibraryReport {
    /// Documents found in the sources.
    pub documents: usize,
    /// Documents read and indexed (new or changed).
    pub indexed: usize,
    /// Documents left alone: same fingerprint as indexed.
    pub unchanged: usize,
    /// Documents gone from their source, whose passages were removed.
    pub removed: usize,
    /// Documents not indexed, each with its reason.
    pub skipped: Vec<Skipped>,
    /// PDFs that are scans without a text layer (also in `skipped`): they need OCR.
    pub scans: Vec<String>,
    pub warnings: Vec<DocumentWarning>,
    /// Passages new to the index.
    pub passages_added: usize,
    /// Passages whose content or metadata changed.
    pub passages_updated: usize,
    /// Passages of the documents read or left alone that were already indexed as they are.
    pub passages_unchanged: usize,
    /// Passages removed from both indexes.
    pub passages_removed: usize,
    /// Passages sent to the embedding model.
    pub passages_embedded: usize,
    /// PDF pages read.
    pub pages_read: u64,
    /// True when the run was cancelled before the end: run it again to resume.
    pub interrupted: bool,
    /// Wall time of the run, in seconds.
    pub seconds: f64,
    /// Of which reading and parsing documents.
    pub parse_seconds: f64,
    /// Of which embedding passages.
    pub embed_seconds: f64,
}

/// Passages and registry updates waiting to be committed together.
#[derive(Default)]
struct Batch {
    upsert: Vec<Passage>,
    remove: HashSet<String>,
    records: Vec<(String, Option<DocumentRecord>)>,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.upsert.is_empty() && self.remove.is_empty() && self.records.is_empty()
    }
}

/// State of one run.
struct Run<'a> {
    engine: &'a Engine,
    request: &'a IngestRequest<'a>,
    limits: Limits,
    registry: Registry,
    report: LibraryReport,
    embedding: Duration,
    parsing: Duration,
    planned: usize,
    /// Who defines each FAQ topic in each language, to warn about one defined twice.
    faq_topics: HashMap<(String, Lang), String>,
}

impl Engine {
    /// Ingests the documents of `request.sources` (see the module documentation).
    ///
    /// Fails before changing anything when a source cannot be walked (a missing folder, a broken
    /// manifest): removing the "missing" documents of an unreadable folder would empty the index.
    /// Fails mid-run only when the index itself cannot be written; what was committed stays.
    pub fn ingest_library(
        &self,
        request: &IngestRequest<'_>,
    ) -> Result<LibraryReport, RetrievalError> {
        // Refused before any document is read or embedded, not at the first commit.
        drop(self.inner.write_guard()?);
        let started = Instant::now();
        let mut work = Vec::new();
        for source in request.sources {
            let discovery = discover(source)?;
            work.push((source.scope(), discovery.candidates));
        }
        let documents = work.iter().map(|(_, c)| c.len()).sum();
        request.observer.discovered(documents);
        let mut run = Run {
            engine: self,
            request,
            limits: request.config.limits(),
            registry: Registry::load(&registry_path(&self.inner.manifest_path))?,
            report: LibraryReport {
                documents,
                ..LibraryReport::default()
            },
            embedding: Duration::ZERO,
            parsing: Duration::ZERO,
            planned: 0,
            faq_topics: HashMap::new(),
        };
        let mut batch = Batch::default();
        let mut seen: HashSet<String> = HashSet::new();
        'sources: for (scope, candidates) in &work {
            for candidate in candidates {
                if request.cancel.load(Ordering::SeqCst) {
                    run.report.interrupted = true;
                    break 'sources;
                }
                seen.insert(candidate.key.clone());
                run.document(scope, candidate, &mut batch);
                if batch.upsert.len() >= request.config.commit_every.max(1) {
                    run.commit(std::mem::take(&mut batch))?;
                }
            }
        }
        if !run.report.interrupted {
            run.remove_missing(&work, &seen, &mut batch);
        }
        run.commit(batch)?;
        if run.report.passages_added + run.report.passages_updated + run.report.passages_removed > 0
        {
            let _writing = self.inner.write_guard()?;
            self.inner.vectors.optimize()?;
            self.inner.vectors.flush()?;
        }
        let mut report = run.report;
        report.seconds = started.elapsed().as_secs_f64();
        report.parse_seconds = run.parsing.as_secs_f64();
        report.embed_seconds = run.embedding.as_secs_f64();
        tracing::info!(
            documents = report.documents,
            indexed = report.indexed,
            unchanged = report.unchanged,
            removed = report.removed,
            skipped = report.skipped.len(),
            interrupted = report.interrupted,
            "library ingest finished"
        );
        Ok(report)
    }
}

impl Run<'_> {
    /// Reads one candidate and stages its changes.
    fn document(&mut self, scope: &str, candidate: &Candidate, batch: &mut Batch) {
        let started = Instant::now();
        let previous = self.registry.documents.get(&candidate.key).cloned();
        let outcome = self.read(scope, candidate, previous.as_ref(), batch);
        self.parsing += started.elapsed();
        let (outcome, passages) = match outcome {
            Ok(outcome) => outcome,
            Err(reason) => {
                let kept_previous = previous.is_some();
                if reason.is_scan() {
                    self.report.scans.push(candidate.origin.clone());
                }
                self.report.skipped.push(Skipped {
                    origin: candidate.origin.clone(),
                    reason,
                    kept_previous,
                });
                let kept = previous.map_or(0, |p| p.passages.len());
                (Outcome::Skipped, kept)
            }
        };
        self.request
            .observer
            .document_done(&candidate.origin, outcome, passages);
    }

    fn read(
        &mut self,
        scope: &str,
        candidate: &Candidate,
        previous: Option<&DocumentRecord>,
        batch: &mut Batch,
    ) -> Result<(Outcome, usize), SkipReason> {
        let bytes = self.load(candidate)?;
        let fingerprint = fingerprint(candidate, &bytes, &self.limits);
        let catalog = self.engine.inner.catalog();
        if let Some(previous) = previous
            && previous.fingerprint == fingerprint
            && previous.scope == scope
            && previous
                .passages
                .iter()
                .all(|id| catalog.entries.contains_key(id))
        {
            self.report.unchanged += 1;
            self.report.passages_unchanged += previous.passages.len();
            return Ok((Outcome::Unchanged, previous.passages.len()));
        }
        let parsed = read_document(candidate, &bytes, &self.limits, &detect_language)?;
        self.report.pages_read += u64::from(parsed.pages.unwrap_or(0));
        self.report
            .warnings
            .extend(parsed.warnings.iter().map(|message| DocumentWarning {
                origin: candidate.origin.clone(),
                message: message.clone(),
            }));
        self.check_faq_topics(candidate, &parsed.passages);
        let ids: Vec<String> = parsed.passages.iter().map(|p| p.id.clone()).collect();
        let kept: HashSet<&str> = ids.iter().map(String::as_str).collect();
        if let Some(previous) = previous {
            batch.remove.extend(
                previous
                    .passages
                    .iter()
                    .filter(|id| !kept.contains(id.as_str()))
                    .cloned(),
            );
        }
        for passage in parsed.passages {
            match catalog.entries.get(&passage.id) {
                Some(entry) if entry.hash == content_hash(&passage) => {
                    self.report.passages_unchanged += 1;
                }
                Some(_) => {
                    self.report.passages_updated += 1;
                    batch.upsert.push(passage);
                }
                None => {
                    self.report.passages_added += 1;
                    batch.upsert.push(passage);
                }
            }
        }
        self.planned = self.report.passages_embedded + batch.upsert.len();
        batch.records.push((
            candidate.key.clone(),
            Some(DocumentRecord {
                scope: scope.to_string(),
                origin: candidate.origin.clone(),
                fingerprint,
                format: parsed.format,
                title: parsed.title,
                passages: ids.clone(),
            }),
        ));
        self.report.indexed += 1;
        Ok((Outcome::Indexed, ids.len()))
    }

    /// The candidate's bytes: a file over the size limit is refused before it is read.
    fn load(&self, candidate: &Candidate) -> Result<Vec<u8>, SkipReason> {
        let limit = self.limits.max_file_bytes;
        match &candidate.location {
            Location::File(path) => {
                let unreadable = |e: std::io::Error| SkipReason::Unreadable {
                    detail: e.to_string(),
                };
                let size = std::fs::metadata(path).map_err(unreadable)?.len();
                if size > limit {
                    return Err(SkipReason::TooLarge { size, limit });
                }
                std::fs::read(path).map_err(unreadable)
            }
            Location::Url(url) => self
                .request
                .fetcher
                .fetch(url, limit)
                .map_err(|detail| SkipReason::NotFetched { detail }),
        }
    }

    /// An FAQ topic defined twice in one language makes citations and gold labels ambiguous.
    fn check_faq_topics(&mut self, candidate: &Candidate, passages: &[Passage]) {
        for passage in passages.iter().filter(|p| p.kind == PassageKind::Faq) {
            let key = (passage.doc_id.clone(), passage.lang);
            match self.faq_topics.get(&key) {
                Some(first) if *first != candidate.origin => {
                    self.report.warnings.push(DocumentWarning {
                        origin: candidate.origin.clone(),
                        message: format!(
                            "{} ({}) is also defined in {first}; topic ids must be unique per language",
                            passage.doc_id, passage.lang
                        ),
                    });
                }
                Some(_) => {}
                None => {
                    self.faq_topics.insert(key, candidate.origin.clone());
                }
            }
        }
    }

    /// Stages the removal of documents of this run's sources that were not found again.
    fn remove_missing(
        &mut self,
        work: &[(String, Vec<Candidate>)],
        seen: &HashSet<String>,
        batch: &mut Batch,
    ) {
        let scopes: HashSet<&str> = work.iter().map(|(scope, _)| scope.as_str()).collect();
        let gone: Vec<(String, DocumentRecord)> = self
            .registry
            .documents
            .iter()
            .filter(|(key, record)| scopes.contains(record.scope.as_str()) && !seen.contains(*key))
            .map(|(key, record)| (key.clone(), record.clone()))
            .collect();
        for (key, record) in gone {
            tracing::info!(document = %record.origin, "removed from its source: removing its passages");
            batch.remove.extend(record.passages);
            batch.records.push((key, None));
            self.report.removed += 1;
        }
    }

    /// Commits a batch: passages to both indexes and the manifest, then the registry.
    fn commit(&mut self, mut batch: Batch) -> Result<(), RetrievalError> {
        if batch.is_empty() {
            return Ok(());
        }
        for (key, record) in std::mem::take(&mut batch.records) {
            match record {
                Some(record) => self.registry.documents.insert(key, record),
                None => self.registry.documents.remove(&key),
            };
        }
        let inner = &self.engine.inner;
        let _writing = inner.write_guard()?;
        let catalog = inner.catalog();
        let owned = self.registry.owned_elsewhere(&HashSet::new());
        let remove: Vec<String> = batch
            .remove
            .into_iter()
            .filter(|id| !owned.contains(id) && catalog.entries.contains_key(id))
            .collect();
        self.report.passages_removed += remove.len();
        let embedded_before = self.report.passages_embedded;
        let planned = self.planned.max(embedded_before + batch.upsert.len());
        // Two documents of one batch may hold the same passage (an FAQ entry copied into two
        // files): index it once.
        let mut unique = HashSet::new();
        batch
            .upsert
            .retain(|passage| unique.insert(passage.id.clone()));
        let observer = self.request.observer;
        let upserted = batch.upsert.len();
        if upserted > 0 || !remove.is_empty() {
            let changes = Changes {
                upsert: batch.upsert,
                remove,
                optimize: false,
            };
            self.embedding += inner.apply(&catalog, changes, &|done, _| {
                observer.embedded(embedded_before + done, planned);
            })?;
        }
        self.report.passages_embedded += upserted;
        self.registry.save(&registry_path(&inner.manifest_path))
    }
}
