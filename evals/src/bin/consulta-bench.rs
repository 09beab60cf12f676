//! Measures what the README's Performance section reports, on the embedded default, in one run:
//! embedding throughput of candle-side Consulta and of PyTorch sentence-transformers on the same
//! passages and weights, agreement with the reference fixture, ingest, question embedding and
//! `ask` latency, cold start and peak memory of the real binary, and the memory of
//! `consulta serve` after answering.
//!
//! ```text
//! consulta-bench [--consulta PATH] [--kb corpus/kb] [--gold evals/gold] [--questions 200]
//!                [--passages 200] [--python PATH] [--fixture PATH]
//! ```
//! PyTorch runs only when `--python` (default: `$BENCH_PYTHON`, then `python3`) can
//! import `sentence_transformers`; `evals/pytorch/README.md` says how to set one up. It is never
//! needed by the product or the tests. Numbers, not assertions: run it in release mode on an
//! otherwise idle machine (`make bench`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nix::sys::resource::{UsageWho, getrusage};
use serde::Deserialize;

use consulta_evals::measure::{cpu_time, ms, percentile, process_status_kib, status_kib};
use consulta_evals::served::Served;
use consulta_models::{E5Embedder, Embedder, LoadOptions, Role, default_model_dir};
use consulta_retrieval::{AskOptions, Engine, RetrievalConfig};

/// Passages for the throughput comparison are at least this long, like the issue's ~300.
const PASSAGE_TOKENS: usize = 300;

struct Args {
    consulta: Option<PathBuf>,
    kb: PathBuf,
    gold: PathBuf,
    questions: usize,
    passages: usize,
    python: String,
    fixture: PathBuf,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        consulta: None,
        kb: PathBuf::from("corpus/kb"),
        gold: PathBuf::from("evals/gold"),
        questions: 200,
        passages: 200,
        python: std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".into()),
        fixture: PathBuf::from("../shared/fixtures/e5-small-reference.json"),
    };
    let mut raw = std::env::args().skip(1);
    while let Some(flag) = raw.next() {
        let mut value = || raw.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--consulta" => args.consulta = Some(PathBuf::from(value()?)),
            "--kb" => args.kb = PathBuf::from(value()?),
            "--gold" => args.gold = PathBuf::from(value()?),
            "--questions" => {
                args.questions = value()?.parse().context("--questions takes a number")?
            }
            "--passages" => {
                args.passages = value()?.parse().context("--passages takes a number")?
            }
            "--python" => args.python = value()?,
            "--fixture" => args.fixture = PathBuf::from(value()?),
            other => bail!("unknown argument {other}; see the doc comment of consulta-bench"),
        }
    }
    Ok(args)
}

fn main() -> anyhow::Result<ExitCode> {
    let mut raw = std::env::args().skip(1);
    if raw.next().as_deref() == Some("--measure-child") {
        return measure_child(raw.collect());
    }
    let args = parse_args()?;
    let data = tempfile::tempdir()?;
    println!("| measure | value |\n|---|---|");

    let started = Instant::now();
    let embedder = Arc::new(E5Embedder::load(&default_model_dir())?);
    row(
        "model load (in process)",
        format!("{:.2} s", started.elapsed().as_secs_f64()),
    );

    let loaded = consulta_corpus::load_dir(&args.kb);
    if !loaded.errors.is_empty() {
        bail!(
            "{} has errors; run `consulta ingest` to see them",
            args.kb.display()
        );
    }
    let texts: Vec<String> = loaded.passages.iter().map(|p| p.text.clone()).collect();
    let passages = long_passages(&embedder, &texts, args.passages)?;
    compare_throughput(&embedder, &passages, &args.python)?;
    if args.fixture.is_file() {
        row(
            "largest difference from the PyTorch reference fixture (12 texts)",
            format!(
                "{:.1e}",
                fixture_difference(embedder.as_ref(), &args.fixture)?
            ),
        );
    }

    // `consulta --data-dir D` keeps its indexes in `D/index`: the cold-start runs below read them.
    let engine = Engine::open(
        &data.path().join("index"),
        embedder.clone(),
        RetrievalConfig::default(),
    )?;
    if let Some(glossary) = loaded.glossary.clone() {
        engine.set_glossary(Some(glossary));
    }
    let started = Instant::now();
    let report = engine.sync(&loaded.passages, &|_, _| {})?;
    let ingest = started.elapsed();
    row(
        "ingest the knowledge base",
        format!(
            "{} passages in {:.1} s = {:.1} passages/s",
            report.added,
            ingest.as_secs_f64(),
            report.added as f64 / ingest.as_secs_f64()
        ),
    );
    // As `consulta ingest` does: answers then score sentences without embedding them.
    let started = Instant::now();
    let sentences = engine.embed_sentences()?;
    let embedding_sentences = started.elapsed();
    row(
        "embed the sentences answers may quote",
        format!(
            "{} sentences in {:.1} s = {:.1} sentences/s",
            sentences.embedded,
            embedding_sentences.as_secs_f64(),
            sentences.embedded as f64 / embedding_sentences.as_secs_f64()
        ),
    );

    let gold = consulta_evals::gold::load(&args.gold)?;
    let questions: Vec<&str> = gold
        .iter()
        .map(|q| q.q.as_str())
        .cycle()
        .take(args.questions)
        .collect();
    for question in questions.iter().take(5) {
        engine.ask(question, &AskOptions::default())?;
    }
    let embedding = timed(&questions, |q| {
        embedder.embed(&[q], Role::Query)?;
        Ok(())
    })?;
    row(
        &format!("question embedding alone, {} questions", questions.len()),
        latency(&embedding),
    );
    let asking = timed(&questions, |q| {
        engine.ask(q, &AskOptions::default())?;
        Ok(())
    })?;
    row(
        &format!("`ask` latency, {} questions", questions.len()),
        latency(&asking),
    );
    row(
        "peak RSS, bench process (model, indexes, ingest, asks)",
        mib(status_kib("VmHWM")?),
    );
    drop(engine);

    if let Some(binary) = &args.consulta {
        let (cold, rss) = cold_start(binary, data.path())?;
        row(
            "cold start `consulta ask` (process start → answer), median of 3",
            format!("{:.2} s", cold.as_secs_f64()),
        );
        row("peak RSS, `consulta ask`", mib(rss));
        let rss = serve_memory(binary, data.path(), &questions)?;
        row(
            &format!(
                "peak RSS, `consulta serve` after {} answers",
                questions.len()
            ),
            mib(rss),
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn row(measure: &str, value: String) {
    println!("| {measure} | {value} |");
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn latency(sorted: &[Duration]) -> String {
    format!(
        "p50 {:.1} ms · p90 {:.1} ms · p99 {:.1} ms · max {:.1} ms",
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.90)),
        ms(percentile(sorted, 0.99)),
        ms(*sorted.last().unwrap_or(&Duration::ZERO)),
    )
}

/// The time of each call, sorted.
fn timed(
    questions: &[&str],
    mut call: impl FnMut(&str) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(questions.len());
    for question in questions {
        let started = Instant::now();
        call(question)?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times)
}

/// `count` texts of at least [`PASSAGE_TOKENS`] tokens, each a run of consecutive knowledge-base
/// passages: real text in the three languages, the length the throughput target is stated for.
fn long_passages(
    embedder: &E5Embedder,
    texts: &[String],
    count: usize,
) -> anyhow::Result<Vec<String>> {
    let lengths = embedder.token_ids(
        &texts.iter().map(String::as_str).collect::<Vec<_>>(),
        Role::Passage,
    )?;
    let mut passages = Vec::with_capacity(count);
    let mut next = 0;
    while passages.len() < count && !texts.is_empty() {
        let (mut passage, mut tokens) = (String::new(), 0);
        while tokens < PASSAGE_TOKENS {
            let i = next % texts.len();
            passage.push_str(&texts[i]);
            passage.push(' ');
            tokens += lengths[i].len();
            next += 1;
        }
        passages.push(passage.trim_end().to_owned());
    }
    Ok(passages)
}

/// What the PyTorch script reports (see `evals/pytorch/embed_bench.py`).
#[derive(Deserialize)]
struct TorchRun {
    wall_seconds: f64,
    cpu_seconds: f64,
    threads: usize,
    torch: String,
    sentence_transformers: String,
    vectors: Vec<Vec<f32>>,
}

fn compare_throughput(
    embedder: &E5Embedder,
    passages: &[String],
    python: &str,
) -> anyhow::Result<()> {
    let texts: Vec<&str> = passages.iter().map(String::as_str).collect();
    let tokens: usize = embedder
        .token_ids(&texts, Role::Passage)?
        .iter()
        .map(Vec::len)
        .sum();
    let threads = LoadOptions::default().threads;
    embedder.embed(&texts[..threads.min(texts.len())], Role::Passage)?;
    let (wall, cpu) = (Instant::now(), cpu_time());
    let ours = embedder.embed(&texts, Role::Passage)?;
    let (wall, cpu) = (
        wall.elapsed().as_secs_f64(),
        (cpu_time() - cpu).as_secs_f64(),
    );
    let count = texts.len() as f64;
    row(
        &format!(
            "embedding, Consulta ({} passages, {:.0} tokens on average, {threads} threads)",
            texts.len(),
            tokens as f64 / count
        ),
        format!(
            "{:.2} passages per CPU-second · {:.2} passages/s",
            count / cpu,
            count / wall
        ),
    );
    match run_torch(python, passages) {
        Ok(torch) => {
            row(
                &format!(
                    "embedding, PyTorch {} + sentence-transformers {} ({} threads)",
                    torch.torch, torch.sentence_transformers, torch.threads
                ),
                format!(
                    "{:.2} passages per CPU-second · {:.2} passages/s",
                    count / torch.cpu_seconds,
                    count / torch.wall_seconds
                ),
            );
            row(
                "Consulta ÷ PyTorch",
                format!(
                    "**{:.2}×** per CPU-second · {:.2}× per wall-second",
                    torch.cpu_seconds / cpu,
                    torch.wall_seconds / wall
                ),
            );
            let difference = ours
                .iter()
                .zip(&torch.vectors)
                .map(|(a, b)| max_abs_difference(a, b))
                .fold(0.0f32, f32::max);
            row(
                "largest difference between the two engines' vectors",
                format!("{difference:.1e}"),
            );
        }
        Err(why) => row("embedding, PyTorch", format!("not run: {why}")),
    }
    Ok(())
}

/// Runs `evals/pytorch/embed_bench.py` on the passages, prefixed as e5 wants them.
fn run_torch(python: &str, passages: &[String]) -> anyhow::Result<TorchRun> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("pytorch/embed_bench.py");
    let request = serde_json::json!({
        "model_dir": default_model_dir().join("multilingual-e5-small"),
        "texts": passages.iter().map(|p| format!("{}{p}", Role::Passage.prefix())).collect::<Vec<_>>(),
        "batch_size": 16,
    });
    let mut child = Command::new(python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {python}; see evals/pytorch/README.md"))?;
    child
        .stdin
        .take()
        .context("no stdin")?
        .write_all(request.to_string().as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("no message");
        bail!("{python} failed ({last}); see evals/pytorch/README.md");
    }
    serde_json::from_slice(&output.stdout).context("the PyTorch script printed no result")
}

fn max_abs_difference(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// The reference embeddings computed by PyTorch from the same weights.
#[derive(Deserialize)]
struct Fixture {
    texts: Vec<String>,
    embeddings: Vec<Vec<f32>>,
}

fn fixture_difference(embedder: &dyn Embedder, path: &Path) -> anyhow::Result<f32> {
    let fixture: Fixture = serde_json::from_slice(&std::fs::read(path)?)
        .with_context(|| format!("{} is not the reference fixture", path.display()))?;
    let mut worst = 0.0f32;
    for (text, want) in fixture.texts.iter().zip(&fixture.embeddings) {
        let (role, body) = [Role::Query, Role::Passage]
            .into_iter()
            .find_map(|role| Some((role, text.strip_prefix(role.prefix())?)))
            .with_context(|| format!("fixture text without an e5 prefix: {text:?}"))?;
        let got = embedder.embed(&[body], role)?;
        worst = worst.max(max_abs_difference(&got[0], want));
    }
    Ok(worst)
}

/// Runs the real binary three times on the ingested data, through this bench started afresh as
/// a launcher (`--measure-child`): a child's peak RSS as the kernel reports it includes the
/// memory of the process that spawned it, so the spawning process must be small.
fn cold_start(binary: &Path, data: &Path) -> anyhow::Result<(Duration, u64)> {
    let launcher = std::env::current_exe()?;
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..3 {
        let output = Command::new(&launcher)
            .arg("--measure-child")
            .arg(binary)
            .arg("--data-dir")
            .arg(data)
            .args(["ask", "--json", "¿Qué es un ajuste correspondiente?"])
            .output()?;
        if !output.status.success() {
            bail!(
                "{} ask failed: {}",
                binary.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let report = String::from_utf8(output.stdout)?;
        let (micros, kib) = report
            .trim()
            .split_once(' ')
            .context("the launcher printed no measurement")?;
        times.push(Duration::from_micros(micros.parse()?));
        peak = peak.max(kib.parse()?);
    }
    times.sort();
    Ok((times[1], peak))
}

/// `--measure-child PROGRAM ARGS...`: runs the program with its output discarded and prints
/// "WALL_MICROSECONDS PEAK_RSS_KIB"; fails when the program does.
fn measure_child(command: Vec<String>) -> anyhow::Result<ExitCode> {
    let (program, args) = command
        .split_first()
        .context("--measure-child needs a program")?;
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("cannot run {program}"))?;
    let wall = started.elapsed();
    if !status.success() {
        return Ok(ExitCode::FAILURE);
    }
    // This launcher reaps one child only, so the children's peak is that program's.
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).context("getrusage failed")?;
    println!("{} {}", wall.as_micros(), usage.max_rss());
    Ok(ExitCode::SUCCESS)
}

/// Peak RSS of `consulta serve` on the data after it answered every question over HTTP.
fn serve_memory(binary: &Path, data: &Path, questions: &[&str]) -> anyhow::Result<u64> {
    let served = Served::start(binary, data)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let session = consulta_evals::load::new_session(&client, &served.url).await?;
        for question in questions {
            client
                .post(format!("{}/v1/ask", served.url))
                .json(&serde_json::json!({ "question": question, "session": session }))
                .send()
                .await?
                .error_for_status()?;
        }
        anyhow::Ok(())
    })?;
    process_status_kib(served.pid(), "VmHWM")
}
