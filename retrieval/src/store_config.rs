//! Which vector store holds the passage vectors, and how to reach a Qdrant server.
//!
//! Always compiled, whatever stores the build includes: a configuration that names a store this
//! build lacks is refused with a message saying which cargo feature adds it.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::RetrievalError;

/// Where the dense vectors live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VectorStoreKind {
    /// The embedded qdrant-edge shard in the data dir: nothing to run, one machine.
    #[default]
    Edge,
    /// A Qdrant server or cluster (`[retrieval.qdrant]`): several front-ends can share it.
    Qdrant,
}

impl VectorStoreKind {
    /// The name used in the configuration and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            VectorStoreKind::Edge => "edge",
            VectorStoreKind::Qdrant => "qdrant",
        }
    }
}

impl fmt::Display for VectorStoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for VectorStoreKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "edge" => Ok(VectorStoreKind::Edge),
            "qdrant" => Ok(VectorStoreKind::Qdrant),
            other => Err(format!(
                "unknown vector store {other:?}: use edge or qdrant"
            )),
        }
    }
}

/// A secret (the Qdrant API key) that never appears in logs, `Debug` output or serialised
/// settings: only [`ApiKey::expose`] gives the value, to the client that sends it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key itself, for the request header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey(key)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl Serialize for ApiKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("<redacted>")
    }
}

/// How vectors are compressed in the server's RAM (the originals stay, for rescoring).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Quantization {
    /// Full 32-bit floats only.
    #[default]
    None,
    /// 8-bit scalar quantization: a quarter of the RAM, recall almost unchanged after rescoring.
    Scalar,
    /// 1 bit per dimension: a 32nd of the RAM; for large collections, with oversampling.
    Binary,
}

/// The Qdrant server or cluster, when `vector_store = "qdrant"`.
///
/// The collection is created on first use with these settings; an existing collection is used as
/// it is, after checking that its vectors have the model's dimension and cosine distance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QdrantConfig {
    /// The server's gRPC endpoint (port 6334 by default, not the REST port 6333).
    pub url: String,
    /// The server's API key, if it requires one. Set it through `CONSULTA_RETRIEVAL__QDRANT__API_KEY`
    /// (or a file only the service reads), never in a file under version control.
    pub api_key: Option<ApiKey>,
    /// The collection holding Consulta's vectors; one per knowledge base and embedding model.
    pub collection: String,
    /// Shards of a new collection: more spread one collection over more cluster nodes.
    pub shard_number: u32,
    /// Copies of each shard in a new collection: 2 or more survive the loss of a node.
    pub replication_factor: u32,
    /// Keep a new collection's vectors on disk (memory-mapped) instead of in RAM: for collections
    /// larger than the server's memory, at the cost of latency (pair it with quantization).
    pub on_disk: bool,
    /// Vector compression of a new collection.
    pub quantization: Quantization,
    /// Keep the quantized vectors in RAM even when the originals are on disk.
    pub quantization_always_ram: bool,
    /// How long one request may take before it counts as failed (and is retried).
    pub timeout_secs: u64,
    /// How many times a request that failed for a transient reason (server unavailable, timeout,
    /// overload) is retried, with exponential backoff, before the error is reported.
    pub retries: u32,
    /// The first wait before a retry, doubled at each further attempt up to 10 s.
    pub retry_initial_ms: u64,
}

impl Default for QdrantConfig {
    fn default() -> Self {
        QdrantConfig {
            url: "http://localhost:6334".to_string(),
            api_key: None,
            collection: "consulta".to_string(),
            shard_number: 1,
            replication_factor: 1,
            on_disk: false,
            quantization: Quantization::None,
            quantization_always_ram: true,
            timeout_secs: 10,
            retries: 5,
            retry_initial_ms: 200,
        }
    }
}

impl QdrantConfig {
    /// Checks the settings, naming the one that is wrong and what it accepts.
    pub fn validate(&self) -> Result<(), RetrievalError> {
        let fail = |message: String| Err(RetrievalError::InvalidConfig(message));
        if !(self.url.starts_with("http://") || self.url.starts_with("https://")) {
            return fail(format!(
                "qdrant.url = {:?} must start with http:// or https:// (the gRPC port, usually \
                 http://HOST:6334)",
                self.url
            ));
        }
        let valid_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        if self.collection.is_empty() || !self.collection.chars().all(valid_name) {
            return fail(format!(
                "qdrant.collection = {:?} must be a non-empty name of letters, digits, '_', '-' \
                 or '.'",
                self.collection
            ));
        }
        for (name, value) in [
            ("shard_number", self.shard_number),
            ("replication_factor", self.replication_factor),
        ] {
            if value == 0 {
                return fail(format!("qdrant.{name} must be at least 1"));
            }
        }
        if self.timeout_secs == 0 {
            return fail("qdrant.timeout_secs must be at least 1".into());
        }
        Ok(())
    }

    /// The request timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_key_never_shows() {
        let config = QdrantConfig {
            api_key: Some(ApiKey::from("s3cret-key".to_string())),
            ..QdrantConfig::default()
        };
        let debug = format!("{config:?}");
        let json = serde_json::to_string(&config).unwrap();
        for shown in [&debug, &json] {
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
        assert_eq!(config.api_key.unwrap().expose(), "s3cret-key");
    }

    #[test]
    fn settings_are_checked_by_name() {
        QdrantConfig::default().validate().unwrap();
        let cases = [
            (
                QdrantConfig {
                    url: "localhost:6334".into(),
                    ..QdrantConfig::default()
                },
                "qdrant.url",
            ),
            (
                QdrantConfig {
                    collection: "my collection".into(),
                    ..QdrantConfig::default()
                },
                "qdrant.collection",
            ),
            (
                QdrantConfig {
                    replication_factor: 0,
                    ..QdrantConfig::default()
                },
                "qdrant.replication_factor",
            ),
        ];
        for (config, named) in cases {
            let error = config.validate().unwrap_err().to_string();
            assert!(error.contains(named), "{error}");
        }
    }

    #[test]
    fn store_kinds_parse_from_their_names() {
        for kind in [VectorStoreKind::Edge, VectorStoreKind::Qdrant] {
            assert_eq!(kind.as_str().parse::<VectorStoreKind>(), Ok(kind));
        }
        let error = "milvus".parse::<VectorStoreKind>().unwrap_err();
        assert!(error.contains("edge or qdrant"), "{error}");
    }
}
