//! The BM25 leg: one tantivy index with a text field per language.
//!
//! A passage's text goes into the field of its language, analysed by that language's analyzer
//! ([`crate::analysis`]). Queries are built term by term from analysed tokens, never parsed, so no
//! user input (quotes, colons, `AND`, a lone `-`) can make a search fail.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use consulta_corpus::{Lang, Passage};
use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{Analyzers, analyzer_name};
use crate::{RetrievalError, SearchFilter};

/// Memory for the single indexing thread; tantivy's minimum is 15 MB, and a knowledge base of a
/// few thousand passages never fills more.
const WRITER_MEMORY: usize = 30_000_000;

/// A field-weighted set of terms to look for; any term may match (a disjunction).
#[derive(Debug, Default)]
pub(crate) struct Bm25Query {
    /// (field language, analysed term) → boost. One entry per term keeps repeated words from
    /// counting twice.
    terms: HashMap<(Lang, String), f32>,
}

impl Bm25Query {
    /// Adds `term` on the field of `lang`, keeping the higher boost when it is already there.
    pub(crate) fn add(&mut self, lang: Lang, term: String, boost: f32) {
        let entry = self.terms.entry((lang, term)).or_insert(boost);
        *entry = entry.max(boost);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    hash: Field,
    lang: Field,
    kind: Field,
    doc_id: Field,
    tags: Field,
    es: Field,
    pt: Field,
    en: Field,
}

impl Fields {
    fn text(&self, lang: Lang) -> Field {
        match lang {
            Lang::Es => self.es,
            Lang::Pt => self.pt,
            Lang::En => self.en,
        }
    }
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |lang| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer_name(lang))
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED | FAST),
        hash: builder.add_text_field("hash", STRING | STORED | FAST),
        lang: builder.add_text_field("lang", STRING),
        kind: builder.add_text_field("kind", STRING),
        doc_id: builder.add_text_field("doc_id", STRING),
        tags: builder.add_text_field("tags", STRING),
        es: builder.add_text_field("text_es", text(Lang::Es)),
        pt: builder.add_text_field("text_pt", text(Lang::Pt)),
        en: builder.add_text_field("text_en", text(Lang::En)),
    };
    (builder.build(), fields)
}

/// The full-text index of the passages.
pub(crate) struct Bm25Index {
    path: PathBuf,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

impl Bm25Index {
    /// Opens the index in `dir`, creating it when absent.
    pub(crate) fn open(dir: &Path, analyzers: &Analyzers) -> Result<Bm25Index, RetrievalError> {
        std::fs::create_dir_all(dir).map_err(|source| RetrievalError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let error = |source| RetrievalError::FullText {
            path: dir.to_path_buf(),
            source,
        };
        let (schema, fields) = schema();
        let directory = MmapDirectory::open(dir).map_err(|e| error(e.into()))?;
        let index = Index::open_or_create(directory, schema).map_err(error)?;
        analyzers.register(index.tokenizers());
        let writer = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(error)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(error)?;
        Ok(Bm25Index {
            path: dir.to_path_buf(),
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    fn error(&self, source: tantivy::TantivyError) -> RetrievalError {
        RetrievalError::FullText {
            path: self.path.clone(),
            source,
        }
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        // A panic while holding the writer leaves uncommitted operations at worst, which the next
        // commit or a reopen's reconciliation sorts out.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stages `passages` (with their content hashes) for the next [`Self::commit`].
    pub(crate) fn add(&self, passages: &[(&Passage, &str)]) -> Result<(), RetrievalError> {
        let writer = self.writer();
        let f = self.fields;
        for (passage, hash) in passages {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, &passage.id);
            doc.add_text(f.hash, hash);
            doc.add_text(f.lang, passage.lang.code());
            doc.add_text(f.kind, passage.kind.as_str());
            doc.add_text(f.doc_id, &passage.doc_id);
            for tag in &passage.tags {
                doc.add_text(f.tags, tag);
            }
            doc.add_text(f.text(passage.lang), passage.indexable_text());
            writer.add_document(doc).map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    /// Stages the deletion of every document of these passages for the next [`Self::commit`].
    pub(crate) fn delete(&self, passage_ids: &[String]) {
        let writer = self.writer();
        for id in passage_ids {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
    }

    /// Makes staged changes durable and visible to searches.
    pub(crate) fn commit(&self) -> Result<(), RetrievalError> {
        self.writer().commit().map_err(|e| self.error(e))?;
        self.reader.reload().map_err(|e| self.error(e))
    }

    /// Drops changes staged since the last commit, so a failed write cannot ride along with the
    /// next successful one.
    pub(crate) fn rollback(&self) {
        if let Err(error) = self.writer().rollback() {
            tracing::error!(%error, path = %self.path.display(), "cannot roll back staged full-text changes");
        }
    }

    /// Every indexed (passage id, content hash) pair.
    pub(crate) fn list(&self) -> Result<Vec<(String, String)>, RetrievalError> {
        let searcher = self.reader.searcher();
        let mut listed = Vec::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let (Some(ids), Some(hashes)) = (
                fast.str("id").map_err(|e| self.error(e))?,
                fast.str("hash").map_err(|e| self.error(e))?,
            ) else {
                continue;
            };
            let read =
                |column: &tantivy::columnar::StrColumn, doc| -> Result<String, RetrievalError> {
                    let mut value = String::new();
                    if let Some(ord) = column.term_ords(doc).next() {
                        column
                            .ord_to_str(ord, &mut value)
                            .map_err(|e| self.error(e.into()))?;
                    }
                    Ok(value)
                };
            for doc in segment.doc_ids_alive() {
                listed.push((read(&ids, doc)?, read(&hashes, doc)?));
            }
        }
        Ok(listed)
    }

    /// How many passages are indexed.
    pub(crate) fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// How much finding `term` (an analysed term of `lang`) in a passage says about it: its inverse
    /// document frequency, as BM25 weighs it. A word every passage has ("artículo") says little; a
    /// rare one ("financiada") says much.
    pub(crate) fn idf(&self, lang: Lang, term: &str) -> f32 {
        let searcher = self.reader.searcher();
        let docs = searcher.num_docs() as f32;
        let with_term = searcher
            .doc_freq(&Term::from_field_text(self.fields.text(lang), term))
            .unwrap_or(0) as f32;
        (1.0 + (docs - with_term + 0.5) / (with_term + 0.5)).ln()
    }

    /// Whether some passage of `lang` has `term` (an analysed term).
    pub(crate) fn knows(&self, lang: Lang, term: &str) -> bool {
        self.reader
            .searcher()
            .doc_freq(&Term::from_field_text(self.fields.text(lang), term))
            .is_ok_and(|docs| docs > 0)
    }

    /// The `limit` best passages for `query` among those `filter` admits, with their BM25 scores.
    pub(crate) fn search(
        &self,
        query: &Bm25Query,
        filter: &SearchFilter,
        limit: usize,
    ) -> Result<Vec<(String, f32)>, RetrievalError> {
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let f = self.fields;
        let clauses: Vec<(Occur, Box<dyn Query>)> = query
            .terms
            .iter()
            .map(|((lang, term), boost)| {
                let term = TermQuery::new(
                    Term::from_field_text(f.text(*lang), term),
                    IndexRecordOption::WithFreqs,
                );
                let clause: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), *boost));
                (Occur::Should, clause)
            })
            .collect();
        let mut required: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(clauses)))];
        let mut any_of = |field: Field, values: Vec<&str>| {
            if values.is_empty() {
                return;
            }
            let options: Vec<(Occur, Box<dyn Query>)> = values
                .into_iter()
                .map(|value| {
                    let term = TermQuery::new(
                        Term::from_field_text(field, value),
                        IndexRecordOption::Basic,
                    );
                    (Occur::Should, Box::new(term) as Box<dyn Query>)
                })
                .collect();
            // A filter admits or rejects; it must not add to the relevance score.
            let admit = ConstScoreQuery::new(Box::new(BooleanQuery::new(options)), 0.0);
            required.push((Occur::Must, Box::new(admit)));
        };
        any_of(f.lang, filter.langs.iter().map(|l| l.code()).collect());
        any_of(f.kind, filter.kinds.iter().map(|k| k.as_str()).collect());
        any_of(f.tags, filter.tags.iter().map(String::as_str).collect());
        any_of(
            f.doc_id,
            filter.doc_ids.iter().map(String::as_str).collect(),
        );

        let searcher = self.reader.searcher();
        let top = searcher
            .search(
                &BooleanQuery::new(required),
                &TopDocs::with_limit(limit).order_by_score(),
            )
            .map_err(|e| self.error(e))?;
        top.into_iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).map_err(|e| self.error(e))?;
                let id = doc
                    .get_first(f.id)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                Ok((id, score))
            })
            .collect()
    }
}
