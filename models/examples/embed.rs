//! Embeds a question and two passages and prints how close each passage is to the question.
//!
//! ```text
//! cargo run --release -p consulta-models --example embed [MODEL_DIR]
//! ```
//! MODEL_DIR defaults to `$CONSULTA_MODEL_DIR`, else `~/.cache/consulta/models`.

use std::path::PathBuf;
use std::time::Instant;

use consulta_models::{E5Embedder, Embedder, ModelError, Role, default_model_dir, dot};

fn main() -> Result<(), ModelError> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(default_model_dir);
    let started = Instant::now();
    let embedder = E5Embedder::load(&dir)?;
    println!("loaded {} in {:.2?}", embedder.name(), started.elapsed());

    let query = "¿Qué es un ajuste correspondiente?";
    let passages = [
        "A corresponding adjustment is an accounting entry: the country that transfers mitigation \
         outcomes adds them to its reported emissions, and the country that uses them subtracts them.",
        "Para hacer pan de masa madre se necesita harina, agua, sal y paciencia.",
    ];
    let started = Instant::now();
    let query_vector = embedder.embed(&[query], Role::Query)?.remove(0);
    let passage_vectors = embedder.embed(&passages, Role::Passage)?;
    println!("embedded 3 texts in {:.2?}\n", started.elapsed());

    println!("query: {query}");
    for (passage, vector) in passages.iter().zip(&passage_vectors) {
        println!("  cosine {:.4}  {passage}", dot(&query_vector, vector));
    }
    Ok(())
}
