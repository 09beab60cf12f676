//! [`VectorStore`] on an embedded Qdrant shard (`qdrant-edge`): no server to run, data in one
//! directory under the engine's data dir.

use std::path::{Path, PathBuf};

use qdrant_edge::{
    AcornSearchParams, Condition, CountRequestBuilder, CreateIndex, Distance, EdgeConfigBuilder,
    EdgeShard, EdgeVectorParamsBuilder, FieldCondition, FieldIndexOperations, Filter,
    HnswIndexConfig, JsonPath, Match, NamedQuery, OperationError, Payload, PayloadFieldSchema,
    PayloadSchemaType, PointId, PointInsertOperations, PointOperations, PointStruct, QueryEnum,
    QueryRequestBuilder, ScoringQuery, ScrollRequestBuilder, SearchParams, UpdateOperation,
    VectorInternal, VectorStructInternal, Vectors, WithPayloadInterface, WithVector,
};
use serde_json::{Value, json};

use crate::vector_store::{
    HNSW_EF, INDEXED_FIELDS, PointPage, PointPayload, SCROLL_PAGE, StoredPoint, VECTOR_NAME,
    VectorHit, VectorPoint, point_id,
};
use crate::{RetrievalError, SearchFilter, VectorStore};

/// A qdrant-edge shard holding one cosine-distance vector per passage.
#[derive(Debug)]
pub struct EdgeStore {
    shard: EdgeShard,
    path: PathBuf,
}

/// Whether opening failed because another process holds the shard's write-ahead log: qdrant-edge
/// locks it without blocking and reports only the I/O kind, inside its message.
fn is_held_by_another_process(error: &OperationError) -> bool {
    error.to_string().contains("WouldBlock")
}

impl EdgeStore {
    /// Opens the shard in `dir`, or creates it (with its payload indexes) when `dir` holds none.
    ///
    /// `dimension` must match the shard's vectors: reopening a shard with another dimension fails,
    /// and the message says to rebuild it.
    pub fn open(dir: &Path, dimension: usize) -> Result<EdgeStore, RetrievalError> {
        let config = EdgeConfigBuilder::new()
            .vector(
                VECTOR_NAME,
                EdgeVectorParamsBuilder::new(dimension, Distance::Cosine).build(),
            )
            .hnsw_config(graph_config())
            .build();
        let exists = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
        let store_error = |e: OperationError| RetrievalError::VectorStore {
            operation: "open",
            message: if is_held_by_another_process(&e) {
                format!(
                    "{} is in use: a running `consulta` (serve, a bot or an ingest) holds this \
                     data directory. Stop it first, or ask through it (its API, chat page or bots); \
                     nothing needs to be deleted",
                    dir.display()
                )
            } else {
                format!(
                    "{} cannot be opened as a {dimension}-dimension vector shard: {e}. If it is \
                     damaged or was built for another model, delete it: it is rebuilt from the \
                     passage manifest on the next start",
                    dir.display()
                )
            },
        };
        let shard = if exists {
            EdgeShard::load(dir, Some(config)).map_err(store_error)?
        } else {
            let shard = EdgeShard::new(dir, config).map_err(store_error)?;
            for field in INDEXED_FIELDS {
                shard
                    .update(UpdateOperation::FieldIndexOperation(
                        FieldIndexOperations::CreateIndex(CreateIndex {
                            field_name: key(field),
                            field_schema: Some(PayloadFieldSchema::FieldType(
                                PayloadSchemaType::Keyword,
                            )),
                        }),
                    ))
                    .map_err(store_error)?;
            }
            shard
        };
        Ok(EdgeStore {
            shard,
            path: dir.to_path_buf(),
        })
    }

    fn error(&self, operation: &'static str, e: OperationError) -> RetrievalError {
        RetrievalError::VectorStore {
            operation,
            message: format!("{} (shard at {})", e, self.path.display()),
        }
    }
}

/// The HNSW graph: Qdrant's defaults without the extra payload-aware links. Those links are built
/// once per value of every indexed field holding more points than the full-scan threshold, so with
/// our few languages, kinds and tags they multiplied the graph-building work several times over
/// (100k passages took 731 s to build with them and 186 s without; 1M took 769 s without them
/// and did not finish in two hours with them).
/// Filtered searches make up for the missing links with ACORN (two-hop exploration) when the
/// filter admits under 40 % of the points, and a narrow filter (one document) is answered from the
/// payload index without the graph; `consulta-scale-bench` measures the filtered recall.
fn graph_config() -> HnswIndexConfig {
    HnswIndexConfig {
        payload_m: Some(0),
        ..HnswIndexConfig::default()
    }
}

fn payload_json(payload: &PointPayload) -> Value {
    json!({
        "passage_id": payload.passage_id,
        "doc_id": payload.doc_id,
        "lang": payload.lang.code(),
        "kind": payload.kind.as_str(),
        "tags": payload.tags,
        "hash": payload.content_hash,
    })
}

/// The top-level payload key `field` (our keys are plain names, never nested paths).
fn key(field: &str) -> JsonPath {
    JsonPath {
        first_key: field.to_string(),
        rest: Vec::new(),
    }
}

fn any_of(field: &str, values: Vec<String>) -> Condition {
    Condition::Field(FieldCondition::new_match(key(field), Match::from(values)))
}

fn edge_filter(filter: &SearchFilter) -> Option<Filter> {
    let mut conditions = Vec::new();
    if !filter.langs.is_empty() {
        let langs = filter.langs.iter().map(|l| l.code().to_string()).collect();
        conditions.push(any_of("lang", langs));
    }
    if !filter.kinds.is_empty() {
        let kinds = filter
            .kinds
            .iter()
            .map(|k| k.as_str().to_string())
            .collect();
        conditions.push(any_of("kind", kinds));
    }
    if !filter.tags.is_empty() {
        conditions.push(any_of("tags", filter.tags.clone()));
    }
    if !filter.doc_ids.is_empty() {
        conditions.push(any_of("doc_id", filter.doc_ids.clone()));
    }
    (!conditions.is_empty()).then(|| Filter {
        must: Some(conditions),
        ..Filter::default()
    })
}

fn string_field<'a>(payload: &'a Payload, field: &str) -> Option<&'a str> {
    payload.0.get(field).and_then(Value::as_str)
}

/// Our payload and dense vector of a scrolled record; `None` for a point Consulta did not write.
fn vector_point(
    payload: Option<&Payload>,
    vector: Option<VectorStructInternal>,
) -> Option<VectorPoint> {
    let payload = payload?;
    let tags = payload
        .0
        .get("tags")?
        .as_array()?
        .iter()
        .map(|tag| tag.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    let payload = PointPayload::from_fields(
        |field| string_field(payload, field).map(str::to_string),
        tags,
    )?;
    let VectorStructInternal::Named(mut named) = vector? else {
        return None;
    };
    let VectorInternal::Dense(vector) = named.remove(VECTOR_NAME)? else {
        return None;
    };
    Some(VectorPoint { vector, payload })
}

fn numeric_id(id: PointId) -> Option<u64> {
    match id {
        PointId::NumId(n) => Some(n),
        PointId::Uuid(_) => None,
    }
}

impl VectorStore for EdgeStore {
    fn upsert(&self, points: Vec<VectorPoint>) -> Result<(), RetrievalError> {
        if points.is_empty() {
            return Ok(());
        }
        let points = points
            .into_iter()
            .map(|point| {
                let id = PointId::NumId(point_id(&point.payload.passage_id));
                let vectors = Vectors::new_named([(VECTOR_NAME, point.vector)]);
                PointStruct::new(id, vectors, payload_json(&point.payload)).into()
            })
            .collect();
        self.shard
            .update(UpdateOperation::PointOperation(
                PointOperations::UpsertPoints(PointInsertOperations::PointsList(points)),
            ))
            .map_err(|e| self.error("upsert", e))
    }

    fn delete(&self, passage_ids: &[String]) -> Result<(), RetrievalError> {
        if passage_ids.is_empty() {
            return Ok(());
        }
        let ids = passage_ids
            .iter()
            .map(|id| PointId::NumId(point_id(id)))
            .collect();
        self.shard
            .update(UpdateOperation::PointOperation(
                PointOperations::DeletePoints { ids },
            ))
            .map_err(|e| self.error("delete", e))
    }

    fn search(
        &self,
        vector: &[f32],
        limit: usize,
        filter: &SearchFilter,
    ) -> Result<Vec<VectorHit>, RetrievalError> {
        let filter = edge_filter(filter);
        let mut request = QueryRequestBuilder::new(limit)
            .query(ScoringQuery::Vector(QueryEnum::Nearest(NamedQuery::new(
                VectorInternal::from(vector.to_vec()),
                VECTOR_NAME,
            ))))
            .params(SearchParams {
                hnsw_ef: Some(HNSW_EF),
                // The graph has no payload-aware links (see `graph_config`): a filtered search
                // looks two hops away for neighbours the filter admits.
                acorn: filter.is_some().then_some(AcornSearchParams {
                    enable: true,
                    max_selectivity: None,
                }),
                ..SearchParams::default()
            })
            .with_payload(WithPayloadInterface::Bool(true));
        if let Some(filter) = filter {
            request = request.filter(filter);
        }
        let points = self
            .shard
            .query(request.build())
            .map_err(|e| self.error("search", e))?;
        Ok(points
            .into_iter()
            .filter_map(|point| {
                let payload = point.payload?;
                Some(VectorHit {
                    passage_id: string_field(&payload, "passage_id")?.to_string(),
                    score: point.score,
                })
            })
            .collect())
    }

    fn count(&self) -> Result<usize, RetrievalError> {
        self.shard
            .count(CountRequestBuilder::new().exact(true).build())
            .map_err(|e| self.error("count", e))
    }

    fn list(&self) -> Result<Vec<StoredPoint>, RetrievalError> {
        let mut listed = Vec::new();
        let mut offset = None;
        loop {
            let mut request = ScrollRequestBuilder::new()
                .limit(SCROLL_PAGE)
                .with_payload(WithPayloadInterface::Bool(true));
            if let Some(offset) = offset {
                request = request.offset(offset);
            }
            let (records, next) = self
                .shard
                .scroll(request.build())
                .map_err(|e| self.error("list", e))?;
            for record in records {
                let stored = record.payload.as_ref().and_then(|payload| {
                    Some(StoredPoint {
                        passage_id: string_field(payload, "passage_id")?.to_string(),
                        content_hash: string_field(payload, "hash")?.to_string(),
                    })
                });
                // A point without our payload was not written by the engine: list it under a
                // name no passage has, so reconciliation deletes it.
                listed.push(stored.unwrap_or_else(|| StoredPoint {
                    passage_id: foreign_point_name(record.id),
                    content_hash: String::new(),
                }));
            }
            match next {
                Some(next) => offset = Some(next),
                None => return Ok(listed),
            }
        }
    }

    fn scroll(&self, from: Option<u64>, limit: usize) -> Result<PointPage, RetrievalError> {
        let mut request = ScrollRequestBuilder::new()
            .limit(limit)
            .with_payload(WithPayloadInterface::Bool(true))
            .with_vector(WithVector::Selector(vec![VECTOR_NAME.into()]));
        if let Some(from) = from {
            request = request.offset(PointId::NumId(from));
        }
        let (records, next) = self
            .shard
            .scroll(request.build())
            .map_err(|e| self.error("scroll", e))?;
        let read = records.len();
        let points: Vec<VectorPoint> = records
            .into_iter()
            .filter_map(|record| vector_point(record.payload.as_ref(), record.vector))
            .collect();
        Ok(PointPage {
            foreign: read - points.len(),
            points,
            next: next.and_then(numeric_id),
        })
    }

    fn flush(&self) -> Result<(), RetrievalError> {
        self.shard.flush().map_err(|e| self.error("flush", e))
    }

    fn optimize(&self) -> Result<(), RetrievalError> {
        self.shard
            .optimize()
            .map(|_| ())
            .map_err(|e| self.error("optimize", e))
    }
}

fn foreign_point_name(id: PointId) -> String {
    match id {
        PointId::NumId(n) => format!("{n:016x}"),
        PointId::Uuid(uuid) => uuid.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use consulta_corpus::{Lang, PassageKind};

    use super::*;

    fn unit(values: &[f32]) -> Vec<f32> {
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
        values.iter().map(|v| v / norm).collect()
    }

    fn point(id: &str, lang: Lang, tags: &[&str], vector: &[f32]) -> VectorPoint {
        VectorPoint {
            vector: unit(vector),
            payload: PointPayload {
                passage_id: id.to_string(),
                doc_id: format!("faq:{id}"),
                lang,
                kind: PassageKind::Faq,
                tags: tags.iter().map(|t| t.to_string()).collect(),
                content_hash: format!("hash-{id}"),
            },
        }
    }

    fn store(dir: &Path) -> EdgeStore {
        let store = EdgeStore::open(dir, 3).unwrap();
        store
            .upsert(vec![
                point("00000000000000a1", Lang::Es, &["6.2"], &[1.0, 0.0, 0.0]),
                point("00000000000000a2", Lang::Pt, &["6.4"], &[0.9, 0.1, 0.0]),
                point(
                    "00000000000000a3",
                    Lang::En,
                    &["6.2", "6.4"],
                    &[0.0, 0.0, 1.0],
                ),
            ])
            .unwrap();
        store
    }

    #[test]
    fn searches_by_cosine_with_filters() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let query = unit(&[1.0, 0.05, 0.0]);

        let hits = store.search(&query, 3, &SearchFilter::default()).unwrap();
        let ids: Vec<&str> = hits.iter().map(|h| h.passage_id.as_str()).collect();
        assert_eq!(
            ids,
            ["00000000000000a1", "00000000000000a2", "00000000000000a3"]
        );
        assert!(
            hits[0].score > 0.99 && hits[2].score.abs() < 0.01,
            "{hits:?}"
        );

        let only_pt = SearchFilter {
            langs: vec![Lang::Pt],
            ..SearchFilter::default()
        };
        let hits = store.search(&query, 3, &only_pt).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].passage_id, "00000000000000a2");

        let tag_64 = SearchFilter {
            tags: vec!["6.4".into()],
            ..SearchFilter::default()
        };
        let mut ids: Vec<String> = store
            .search(&query, 3, &tag_64)
            .unwrap()
            .into_iter()
            .map(|h| h.passage_id)
            .collect();
        ids.sort();
        assert_eq!(ids, ["00000000000000a2", "00000000000000a3"]);
    }

    #[test]
    fn deletes_lists_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = store(dir.path());
            store.delete(&["00000000000000a2".to_string()]).unwrap();
            store.optimize().unwrap();
            store.flush().unwrap();
        }
        let store = EdgeStore::open(dir.path(), 3).unwrap();
        assert_eq!(store.count().unwrap(), 2);
        let mut listed = store.list().unwrap();
        listed.sort();
        assert_eq!(
            listed,
            [
                StoredPoint {
                    passage_id: "00000000000000a1".into(),
                    content_hash: "hash-00000000000000a1".into()
                },
                StoredPoint {
                    passage_id: "00000000000000a3".into(),
                    content_hash: "hash-00000000000000a3".into()
                },
            ]
        );
        let filtered = store
            .search(
                &unit(&[0.0, 0.0, 1.0]),
                5,
                &SearchFilter {
                    langs: vec![Lang::En],
                    ..SearchFilter::default()
                },
            )
            .unwrap();
        assert_eq!(filtered.len(), 1, "payload indexes survive reopening");
    }

    #[test]
    fn wrong_dimension_on_reopen_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        drop(store(dir.path()));
        let error = EdgeStore::open(dir.path(), 4).unwrap_err().to_string();
        assert!(error.contains("delete it"), "{error}");
    }
}
