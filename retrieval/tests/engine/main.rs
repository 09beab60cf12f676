//! End-to-end tests of the engine with the real model (multilingual-e5-small), tantivy and
//! qdrant-edge. One test binary so the model is loaded once.

mod answers;
mod common;
mod consistency;
mod library;
mod replica;
mod sync;
