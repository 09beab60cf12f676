//! Measures load time and embedding throughput on ~300-token passages.
//!
//! ```text
//! cargo run --release -p consulta-models --example throughput -- [BATCH_TOKENS] [THREADS] [PASSAGES]
//! ```
//! Reports wall time and CPU time (user + system, all threads, from /proc/self/stat), so the
//! number is comparable across machines with different core counts: passages per CPU-second.

use std::path::Path;
use std::time::Instant;

use consulta_models::{E5Embedder, Embedder, LoadOptions, ModelError, Role, default_model_dir};

/// A paragraph of ~100 tokens in each corpus language; three make a ~300-token passage.
const PARAGRAPHS: [&str; 3] = [
    "Under Article 6.2 of the Paris Agreement, Parties may engage on a voluntary basis in \
     cooperative approaches that involve the use of internationally transferred mitigation \
     outcomes towards nationally determined contributions. Participating Parties must ensure \
     environmental integrity and transparency, apply robust accounting, and avoid double \
     counting through corresponding adjustments reported in their biennial transparency reports.",
    "El mecanismo del artículo 6.4 es supervisado por un Órgano de Supervisión que aprueba \
     metodologías, registra actividades y expide reducciones de emisiones. Los países anfitriones \
     deben autorizar las actividades y especificar si las reducciones se usarán para contribuciones \
     determinadas a nivel nacional u otros fines de mitigación internacional, incluida la aviación.",
    "O relatório inicial deve ser apresentado antes da primeira transferência de resultados de \
     mitigação e descreve a participação do país, as métricas utilizadas, o método de aplicação \
     dos ajustes correspondentes e a forma como a abordagem cooperativa promove o desenvolvimento \
     sustentável, a integridade ambiental e a transparência, inclusive na governança.",
];

/// CPU seconds used by this process so far (all threads), from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let after_name = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Linux reports in USER_HZ, which is 100 on every mainstream architecture.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> Result<(), ModelError> {
    let mut args = std::env::args().skip(1);
    let defaults = LoadOptions::default();
    let batch_tokens = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(defaults.batch_tokens);
    let threads = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(defaults.threads);
    let count = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);
    let dir = default_model_dir();

    let tokenizer_path = dir.join("multilingual-e5-small").join("tokenizer.json");
    if Path::new(&tokenizer_path).is_file() {
        let started = Instant::now();
        let parsed = tokenizers::Tokenizer::from_file(&tokenizer_path);
        println!(
            "tokenizer.json parse alone: {:.2?} (ok: {})",
            started.elapsed(),
            parsed.is_ok()
        );
    }

    let (wall, cpu) = (Instant::now(), cpu_seconds());
    let options = LoadOptions {
        batch_tokens,
        threads,
    };
    let embedder = E5Embedder::load_with(&dir, options)?;
    println!(
        "load {}: {:.2?} wall, {:.2} CPU-s",
        embedder.name(),
        wall.elapsed(),
        cpu_seconds() - cpu
    );

    let passages: Vec<String> = (0..count)
        .map(|i| {
            // Rotate the paragraphs so passages differ and vary a little in length.
            let mut text = String::new();
            for j in 0..3 {
                text.push_str(PARAGRAPHS[(i + j) % 3]);
                text.push(' ');
            }
            format!("{} (passage {i})", text.trim_end())
        })
        .collect();
    let texts: Vec<&str> = passages.iter().map(String::as_str).collect();
    let tokens: usize = embedder
        .token_ids(&texts, Role::Passage)?
        .iter()
        .map(Vec::len)
        .sum();
    println!(
        "{count} passages, {:.0} tokens on average, {batch_tokens} tokens per pass, {threads} threads",
        tokens as f64 / count as f64
    );

    // One warm-up pass so allocation and thread-pool start-up are not measured.
    embedder.embed(&texts[..threads.min(count)], Role::Passage)?;
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    let vectors = embedder.embed(&texts, Role::Passage)?;
    let (wall, cpu) = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    assert_eq!(vectors.len(), count);
    println!(
        "embed: {wall:.2} s wall, {cpu:.2} CPU-s -> {:.2} passages/s, {:.2} passages/CPU-s",
        count as f64 / wall,
        count as f64 / cpu
    );
    Ok(())
}
