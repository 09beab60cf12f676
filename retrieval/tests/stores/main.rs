//! The vector stores through the `VectorStore` trait: copying between real qdrant-edge shards
//! (`consulta migrate`'s batching, resume and verification), the Qdrant client's behaviour when
//! no server answers, and — when `QDRANT_URL` names a server — the server backend itself.

mod common;
mod migrate;
#[cfg(feature = "qdrant")]
mod qdrant_server;
#[cfg(feature = "qdrant")]
mod qdrant_unreachable;
