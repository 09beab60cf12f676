//! [`VectorStore`] on a Qdrant server or cluster, over gRPC (`qdrant-client`): the same named
//! vector, payload and keyword indexes as [`crate::EdgeStore`], so points move between the two.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use qdrant_client::qdrant::point_id::PointIdOptions;
use qdrant_client::qdrant::value::Kind;
use qdrant_client::qdrant::vector_output::Vector;
use qdrant_client::qdrant::vectors_config::Config;
use qdrant_client::qdrant::{
    BinaryQuantizationBuilder, Condition, CountPointsBuilder, CreateCollectionBuilder,
    CreateFieldIndexCollectionBuilder, DeletePointsBuilder, Distance, FieldType, Filter,
    PayloadIncludeSelector, PointId, PointStruct, QuantizationSearchParamsBuilder,
    QueryPointsBuilder, RetrievedPoint, ScalarQuantizationBuilder, ScrollPointsBuilder,
    SearchParamsBuilder, UpsertPointsBuilder, Value, VectorParams, VectorParamsBuilder,
    VectorsConfig, VectorsConfigBuilder, VectorsSelector,
};
use qdrant_client::{Payload, Qdrant, QdrantError};

use crate::qdrant_retry::{Backoff, Failure, UNREACHABLE, classify};
use crate::vector_store::{
    HNSW_EF, INDEXED_FIELDS, PointPage, PointPayload, SCROLL_PAGE, StoredPoint, VECTOR_NAME,
    VectorHit, VectorPoint, point_id,
};
use crate::{QdrantConfig, Quantization, RetrievalError, SearchFilter, VectorStore};

/// Points per upsert request: large enough for bulk speed, small enough (≈ 1 MB at 384-d) to
/// stay far below gRPC's message limit and a request timeout.
const UPSERT_CHUNK: usize = 256;

/// With quantization, candidates fetched per result before rescoring with the full vectors.
const OVERSAMPLING: f64 = 2.0;

/// How the store waits between two attempts of a request: the runtime's timer, or in tests a
/// function that records the wait and makes things happen in it (a server starting) instead of
/// spending it.
pub(crate) type Sleep =
    Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A collection on a Qdrant server holding one cosine-distance vector per passage.
///
/// The trait is synchronous; the client is async. The store owns a small runtime and waits on its
/// own channel, so it can be called from any thread (a `spawn_blocking` task or a plain thread)
/// without nesting runtimes.
pub struct QdrantStore {
    client: Qdrant,
    runtime: Option<tokio::runtime::Runtime>,
    collection: String,
    url: String,
    backoff: Backoff,
    sleep: Sleep,
    quantized: bool,
}

impl std::fmt::Debug for QdrantStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QdrantStore")
            .field("url", &self.url)
            .field("collection", &self.collection)
            .finish_non_exhaustive()
    }
}

impl Drop for QdrantStore {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which panics inside async code (an engine dropped at the
        // end of a server task); letting its threads wind down in the background does not.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl QdrantStore {
    /// Connects to the server and makes sure the collection is usable for `dimension`-dimension
    /// vectors: creates it (with its payload indexes) when absent, checks its vectors when present,
    /// and adds any payload index it lacks. Fails with what to do when the server cannot be
    /// reached or the collection was made for another model.
    pub fn connect(config: &QdrantConfig, dimension: usize) -> Result<QdrantStore, RetrievalError> {
        let sleep: Sleep = Arc::new(|wait| Box::pin(tokio::time::sleep(wait)));
        QdrantStore::connect_sleeping(config, dimension, sleep)
    }

    /// [`Self::connect`], waiting between attempts with `sleep`.
    pub(crate) fn connect_sleeping(
        config: &QdrantConfig,
        dimension: usize,
        sleep: Sleep,
    ) -> Result<QdrantStore, RetrievalError> {
        config.validate()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("consulta-qdrant")
            .enable_all()
            .build()
            .map_err(|e| RetrievalError::VectorStore {
                operation: "connect",
                message: format!("cannot start the Qdrant client's threads: {e}"),
            })?;
        let mut builder = Qdrant::from_url(&config.url)
            .timeout(config.timeout())
            .connect_timeout(config.timeout())
            .skip_compatibility_check();
        if let Some(key) = &config.api_key {
            builder = builder.api_key(key.expose());
        }
        let client = builder.build().map_err(|e| RetrievalError::VectorStore {
            operation: "connect",
            message: format!("qdrant.url = {:?} is not usable: {e}", config.url),
        })?;
        let store = QdrantStore {
            client,
            runtime: Some(runtime),
            collection: config.collection.clone(),
            url: config.url.clone(),
            backoff: Backoff {
                initial: Duration::from_millis(config.retry_initial_ms),
                retries: config.retries,
            },
            sleep,
            quantized: config.quantization != Quantization::None,
        };
        store.prepare_collection(config, dimension)?;
        Ok(store)
    }

    /// The collection's name, for messages.
    pub fn collection(&self) -> &str {
        &self.collection
    }

    fn prepare_collection(
        &self,
        config: &QdrantConfig,
        dimension: usize,
    ) -> Result<(), RetrievalError> {
        let name = self.collection.clone();
        let exists = self.call("connect", {
            let name = name.clone();
            move |client| {
                let name = name.clone();
                async move { client.collection_exists(name).await }
            }
        })?;
        if !exists {
            tracing::info!(collection = %name, url = %self.url, dimension, "creating the Qdrant collection");
            let request = create_request(config, dimension);
            self.call("create collection", move |client| {
                let request = request.clone();
                async move { client.create_collection(request).await }
            })?;
        }
        let info = self.call("collection info", move |client| {
            let name = name.clone();
            async move { client.collection_info(name).await }
        })?;
        let info = info.result.unwrap_or_default();
        let vectors = info
            .config
            .and_then(|c| c.params)
            .and_then(|p| p.vectors_config);
        check_vectors(&self.collection, vectors.as_ref(), dimension).map_err(|message| {
            RetrievalError::VectorStore {
                operation: "schema check",
                message: format!("{message} (server {})", self.url),
            }
        })?;
        for field in INDEXED_FIELDS {
            if info.payload_schema.contains_key(field) {
                continue;
            }
            let collection = self.collection.clone();
            self.call("create payload index", move |client| {
                let request =
                    CreateFieldIndexCollectionBuilder::new(&collection, field, FieldType::Keyword)
                        .wait(true);
                async move { client.create_field_index(request).await }
            })?;
        }
        Ok(())
    }

    /// Runs one request (with retries) on the store's runtime and waits for it.
    fn call<T, F, Fut>(&self, operation: &'static str, request: F) -> Result<T, RetrievalError>
    where
        T: Send + 'static,
        F: Fn(Qdrant) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, QdrantError>> + Send + 'static,
    {
        let runtime = self.runtime.as_ref().expect("the runtime lives until drop");
        let client = self.client.clone();
        let backoff = self.backoff;
        let sleep = self.sleep.clone();
        let (done, outcome) = std::sync::mpsc::sync_channel(1);
        runtime.spawn(async move {
            let result = backoff
                .run(|| request(client.clone()), |wait| sleep(wait))
                .await;
            let _ = done.send(result);
        });
        let result = outcome.recv().map_err(|_| RetrievalError::VectorStore {
            operation,
            message: "the Qdrant client stopped before answering".into(),
        })?;
        result.map_err(|(error, attempts)| self.error(operation, &error, attempts))
    }

    fn error(&self, operation: &'static str, error: &QdrantError, attempts: u32) -> RetrievalError {
        let advice = match error {
            QdrantError::ResponseError { status }
                if status.code() == tonic::Code::Unauthenticated
                    || status.code() == tonic::Code::PermissionDenied =>
            {
                "check the API key (CONSULTA_RETRIEVAL__QDRANT__API_KEY)"
            }
            QdrantError::ResponseError { status } if status.code() == tonic::Code::NotFound => {
                "the collection is gone: restart Consulta to recreate it, then run `consulta ingest`"
            }
            _ if attempts > 1 => {
                "the server stayed unreachable or overloaded: check that it runs and that \
                 qdrant.url names its gRPC port (6334)"
            }
            _ => "see the server's log",
        };
        // Every failure that retrying could not cure is reported as "unreachable", whatever the
        // request was, so that a caller can tell "wait for the server" from "fix the request".
        let (operation, doing) = match classify(error) {
            Failure::Transient { .. } => (UNREACHABLE, format!(" ({operation})")),
            Failure::Permanent => (operation, String::new()),
        };
        RetrievalError::VectorStore {
            operation,
            message: format!(
                "Qdrant at {} (collection {}){doing}, after {attempts} attempt(s): {error}; {advice}",
                self.url, self.collection
            ),
        }
    }
}

/// The collection Consulta creates: one named cosine vector, and the configured layout.
fn create_request(config: &QdrantConfig, dimension: usize) -> CreateCollectionBuilder {
    let mut params =
        VectorParamsBuilder::new(dimension as u64, Distance::Cosine).on_disk(config.on_disk);
    match config.quantization {
        Quantization::None => {}
        Quantization::Scalar => {
            params = params.quantization_config(
                ScalarQuantizationBuilder::default()
                    .quantile(0.99)
                    .always_ram(config.quantization_always_ram),
            );
        }
        Quantization::Binary => {
            params = params.quantization_config(BinaryQuantizationBuilder::new(
                config.quantization_always_ram,
            ));
        }
    }
    let mut vectors = VectorsConfigBuilder::default();
    vectors.add_named_vector_params(VECTOR_NAME, params);
    CreateCollectionBuilder::new(&config.collection)
        .vectors_config(vectors)
        .shard_number(config.shard_number)
        .replication_factor(config.replication_factor)
}

/// Checks that a collection's vectors can hold Consulta's: a vector named [`VECTOR_NAME`] of
/// `dimension` with cosine distance. The message says what was found and what to do.
pub(crate) fn check_vectors(
    collection: &str,
    vectors: Option<&VectorsConfig>,
    dimension: usize,
) -> Result<(), String> {
    let advice = "set qdrant.collection to a new name (Consulta creates it) or delete this \
                  collection, then run `consulta migrate --to qdrant` or `consulta ingest`";
    let params: Option<&VectorParams> = match vectors.and_then(|v| v.config.as_ref()) {
        Some(Config::ParamsMap(map)) => map.map.get(VECTOR_NAME),
        Some(Config::Params(_)) | None => None,
    };
    let Some(params) = params else {
        return Err(format!(
            "the Qdrant collection {collection} has no vector named {VECTOR_NAME:?}: it was not \
             made by Consulta; {advice}"
        ));
    };
    let distance = Distance::try_from(params.distance).unwrap_or(Distance::UnknownDistance);
    if params.size != dimension as u64 || distance != Distance::Cosine {
        return Err(format!(
            "the Qdrant collection {collection} holds {}-dimension vectors with {} distance, but \
             the embedding model makes {dimension}-dimension vectors compared by cosine; {advice}",
            params.size,
            distance.as_str_name(),
        ));
    }
    Ok(())
}

fn payload(point: &PointPayload) -> Payload {
    Payload::from([
        ("passage_id", Value::from(point.passage_id.clone())),
        ("doc_id", Value::from(point.doc_id.clone())),
        ("lang", Value::from(point.lang.code())),
        ("kind", Value::from(point.kind.as_str())),
        ("tags", Value::from(point.tags.clone())),
        ("hash", Value::from(point.content_hash.clone())),
    ])
}

fn text(value: &Value) -> Option<&str> {
    match &value.kind {
        Some(Kind::StringValue(text)) => Some(text),
        _ => None,
    }
}

fn text_field(payload: &HashMap<String, Value>, field: &str) -> Option<String> {
    payload.get(field).and_then(text).map(str::to_string)
}

fn read_payload(payload: &HashMap<String, Value>) -> Option<PointPayload> {
    let tags = payload
        .get("tags")?
        .try_list_iter()?
        .map(|tag| text(tag).map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    PointPayload::from_fields(|field| text_field(payload, field), tags)
}

fn vector_point(point: &RetrievedPoint) -> Option<VectorPoint> {
    let payload = read_payload(&point.payload)?;
    let Vector::Dense(dense) = point.vectors.as_ref()?.get_vector_by_name(VECTOR_NAME)? else {
        return None;
    };
    Some(VectorPoint {
        vector: dense.data,
        payload,
    })
}

fn numeric_id(id: Option<&PointId>) -> Option<u64> {
    match id?.point_id_options.as_ref()? {
        PointIdOptions::Num(n) => Some(*n),
        PointIdOptions::Uuid(_) => None,
    }
}

fn filter(filter: &SearchFilter) -> Option<Filter> {
    let mut conditions = Vec::new();
    let mut any_of = |field: &str, values: Vec<String>| {
        if !values.is_empty() {
            conditions.push(Condition::matches(field, values));
        }
    };
    any_of(
        "lang",
        filter.langs.iter().map(|l| l.code().to_string()).collect(),
    );
    any_of(
        "kind",
        filter
            .kinds
            .iter()
            .map(|k| k.as_str().to_string())
            .collect(),
    );
    any_of("tags", filter.tags.clone());
    any_of("doc_id", filter.doc_ids.clone());
    (!conditions.is_empty()).then(|| Filter::must(conditions))
}

impl VectorStore for QdrantStore {
    fn upsert(&self, points: Vec<VectorPoint>) -> Result<(), RetrievalError> {
        for chunk in points.chunks(UPSERT_CHUNK) {
            let structs: Vec<PointStruct> = chunk
                .iter()
                .map(|point| {
                    let vectors = HashMap::from([(VECTOR_NAME.to_string(), point.vector.clone())]);
                    PointStruct::new(
                        point_id(&point.payload.passage_id),
                        vectors,
                        payload(&point.payload),
                    )
                })
                .collect();
            let collection = self.collection.clone();
            self.call("upsert", move |client| {
                let request = UpsertPointsBuilder::new(&collection, structs.clone()).wait(true);
                async move { client.upsert_points(request).await }
            })?;
        }
        Ok(())
    }

    fn delete(&self, passage_ids: &[String]) -> Result<(), RetrievalError> {
        if passage_ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<PointId> = passage_ids.iter().map(|id| point_id(id).into()).collect();
        let collection = self.collection.clone();
        self.call("delete", move |client| {
            let request = DeletePointsBuilder::new(&collection)
                .points(ids.clone())
                .wait(true);
            async move { client.delete_points(request).await }
        })?;
        Ok(())
    }

    fn search(
        &self,
        vector: &[f32],
        limit: usize,
        search_filter: &SearchFilter,
    ) -> Result<Vec<VectorHit>, RetrievalError> {
        let mut params = SearchParamsBuilder::default().hnsw_ef(HNSW_EF as u64);
        if self.quantized {
            params = params.quantization(
                QuantizationSearchParamsBuilder::default()
                    .rescore(true)
                    .oversampling(OVERSAMPLING),
            );
        }
        let mut request = QueryPointsBuilder::new(&self.collection)
            .query(vector.to_vec())
            .using(VECTOR_NAME)
            .limit(limit as u64)
            .params(params)
            .with_payload(PayloadIncludeSelector::from(vec!["passage_id".to_string()]));
        if let Some(filter) = filter(search_filter) {
            request = request.filter(filter);
        }
        let request = request.build();
        let response = self.call("search", move |client| {
            let request = request.clone();
            async move { client.query(request).await }
        })?;
        Ok(response
            .result
            .into_iter()
            .filter_map(|point| {
                Some(VectorHit {
                    passage_id: text_field(&point.payload, "passage_id")?,
                    score: point.score,
                })
            })
            .collect())
    }

    fn count(&self) -> Result<usize, RetrievalError> {
        let collection = self.collection.clone();
        let response = self.call("count", move |client| {
            let request = CountPointsBuilder::new(&collection).exact(true);
            async move { client.count(request).await }
        })?;
        Ok(response.result.map_or(0, |r| r.count as usize))
    }

    fn list(&self) -> Result<Vec<StoredPoint>, RetrievalError> {
        let mut listed = Vec::new();
        let mut offset: Option<PointId> = None;
        loop {
            let collection = self.collection.clone();
            let from = offset.clone();
            let response = self.call("list", move |client| {
                let mut request = ScrollPointsBuilder::new(&collection)
                    .limit(SCROLL_PAGE as u32)
                    .with_payload(PayloadIncludeSelector::from(vec![
                        "passage_id".to_string(),
                        "hash".to_string(),
                    ]))
                    .with_vectors(false);
                if let Some(from) = from.clone() {
                    request = request.offset(from);
                }
                async move { client.scroll(request).await }
            })?;
            for point in &response.result {
                // A point without our payload was not written by the engine: list it under a name
                // no passage has, so reconciliation deletes it.
                let passage_id = text_field(&point.payload, "passage_id").unwrap_or_else(|| {
                    numeric_id(point.id.as_ref()).map_or_else(String::new, |n| format!("{n:016x}"))
                });
                listed.push(StoredPoint {
                    passage_id,
                    content_hash: text_field(&point.payload, "hash").unwrap_or_default(),
                });
            }
            match response.next_page_offset {
                Some(next) => offset = Some(next),
                None => return Ok(listed),
            }
        }
    }

    fn scroll(&self, from: Option<u64>, limit: usize) -> Result<PointPage, RetrievalError> {
        let collection = self.collection.clone();
        let response = self.call("scroll", move |client| {
            let mut request = ScrollPointsBuilder::new(&collection)
                .limit(limit as u32)
                .with_payload(true)
                .with_vectors(VectorsSelector::from(vec![VECTOR_NAME.to_string()]));
            if let Some(from) = from {
                request = request.offset(from);
            }
            async move { client.scroll(request).await }
        })?;
        let points: Vec<VectorPoint> = response.result.iter().filter_map(vector_point).collect();
        Ok(PointPage {
            foreign: response.result.len() - points.len(),
            points,
            next: numeric_id(response.next_page_offset.as_ref()),
        })
    }

    fn flush(&self) -> Result<(), RetrievalError> {
        // Every write waits for the server's acknowledgement (`wait = true`): it is in the
        // server's write-ahead log when the call returns.
        Ok(())
    }

    fn optimize(&self) -> Result<(), RetrievalError> {
        // The server's optimizer builds the HNSW graph in the background.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use qdrant_client::qdrant::VectorParamsMap;

    use super::*;

    /// A refused connection that stops being refused: the retry after the server starts reaches
    /// it. The server is started by the second wait itself, so no race decides which attempt is
    /// the first to find it.
    #[test]
    fn a_server_that_starts_during_the_retries_is_reached() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicBool::new(false));
        let waits = Arc::new(Mutex::new(Vec::new()));
        let opener = Arc::new(Mutex::new(None));
        let sleep: Sleep = {
            let (accepted, finished) = (accepted.clone(), finished.clone());
            let (waits, opener) = (waits.clone(), opener.clone());
            Arc::new(move |wait| {
                let mut waits = waits.lock().unwrap();
                waits.push(wait);
                if waits.len() == 2 {
                    // Listening before the third attempt starts: the server hangs up on the one
                    // connection it takes, then stops listening. Once the store has given up it
                    // takes what was already queued, and stops looking.
                    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
                    listener.set_nonblocking(true).unwrap();
                    let (accepted, finished) = (accepted.clone(), finished.clone());
                    *opener.lock().unwrap() = Some(std::thread::spawn(move || {
                        loop {
                            let last_look = finished.load(Ordering::SeqCst);
                            match listener.accept() {
                                Ok((connection, _)) => {
                                    accepted.fetch_add(1, Ordering::SeqCst);
                                    drop(connection);
                                    return;
                                }
                                Err(_) if last_look => return,
                                Err(_) => std::thread::sleep(Duration::from_millis(1)),
                            }
                        }
                    }));
                }
                Box::pin(std::future::ready(()))
            })
        };
        let config = QdrantConfig {
            url: format!("http://127.0.0.1:{port}"),
            retries: 4,
            retry_initial_ms: 100,
            timeout_secs: 2,
            ..QdrantConfig::default()
        };
        // The server hangs up, so connecting still fails, but only after a retry reached it.
        let error = QdrantStore::connect_sleeping(&config, 16, sleep).unwrap_err();
        assert!(error.to_string().contains("after 5 attempt(s)"), "{error}");
        finished.store(true, Ordering::SeqCst);
        let opener = opener
            .lock()
            .unwrap()
            .take()
            .expect("the second wait started the server");
        opener.join().unwrap();
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
        assert_eq!(waits.lock().unwrap().len(), 4, "a wait before each retry");
    }

    fn named(size: u64, distance: Distance) -> VectorsConfig {
        let params = VectorParams {
            size,
            distance: distance.into(),
            ..VectorParams::default()
        };
        VectorsConfig {
            config: Some(Config::ParamsMap(VectorParamsMap {
                map: HashMap::from([(VECTOR_NAME.to_string(), params)]),
            })),
        }
    }

    #[test]
    fn a_collection_made_for_this_model_passes() {
        check_vectors("kb", Some(&named(384, Distance::Cosine)), 384).unwrap();
    }

    #[test]
    fn another_dimension_or_distance_is_refused_with_both_shapes() {
        let error = check_vectors("kb", Some(&named(768, Distance::Cosine)), 384).unwrap_err();
        assert!(
            error.contains("768-dimension") && error.contains("384-dimension"),
            "{error}"
        );
        assert!(error.contains("qdrant.collection"), "{error}");
        let error = check_vectors("kb", Some(&named(384, Distance::Dot)), 384).unwrap_err();
        assert!(error.contains("Dot"), "{error}");
    }

    #[test]
    fn a_collection_without_our_vector_is_refused() {
        let unnamed = VectorsConfig {
            config: Some(Config::Params(VectorParams {
                size: 384,
                distance: Distance::Cosine.into(),
                ..VectorParams::default()
            })),
        };
        for vectors in [Some(&unnamed), None] {
            let error = check_vectors("other", vectors, 384).unwrap_err();
            assert!(error.contains("no vector named \"e5\""), "{error}");
        }
    }

    #[test]
    fn payloads_read_back_as_written() {
        let written = PointPayload {
            passage_id: "00000000000000a1".into(),
            doc_id: "faq:itmo".into(),
            lang: consulta_corpus::Lang::Pt,
            kind: consulta_corpus::PassageKind::Curated,
            tags: vec!["6.2".into(), "itmo".into()],
            content_hash: "h1".into(),
        };
        let stored: HashMap<String, Value> = payload(&written).into();
        assert_eq!(read_payload(&stored), Some(written));
        let mut foreign = stored.clone();
        foreign.insert("lang".into(), Value::from("klingon"));
        assert_eq!(read_payload(&foreign), None);
    }

    #[test]
    fn filters_name_each_field_once() {
        assert_eq!(filter(&SearchFilter::default()), None);
        let built = filter(&SearchFilter {
            langs: vec![consulta_corpus::Lang::Es, consulta_corpus::Lang::En],
            tags: vec!["6.4".into()],
            ..SearchFilter::default()
        })
        .unwrap();
        assert_eq!(built.must.len(), 2);
    }
}
