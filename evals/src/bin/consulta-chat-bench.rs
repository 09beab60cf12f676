//! Measures what the conversation layer's reads of the desk cost a chat update: since the desk keeps
//! each person's preferences (their `/lang`, their last question), a chat front-end reads them
//! before answering — the adapter once for the language of the bot's words
//! (`Conversation::ui_lang`), the conversation once more for the language of the answer. This bench
//! times that read alone, and a whole `/ask` update through `Conversation::handle` with the reads
//! and without them (a place whose people cannot choose a language, as on the web chat page), on
//! the real engine over the bundled knowledge base and a real desk (sled) holding many people's
//! preferences.
//!
//! ```text
//! consulta-chat-bench [--kb corpus/kb] [--gold evals/gold] [--questions 200] [--people 500]
//! ```
//! Numbers, not assertions: run it in release mode on an otherwise idle machine.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use consulta_bot::assistant::{Assistant, LocalAssistant};
use consulta_bot::chat::{
    Conversation, DeskTexts, FloodConfig, Intent, Languages, Memory, Person, Place, Said, Standing,
};
use consulta_corpus::Lang;
use consulta_desk::{Desk, Identity, Platform, Span};
use consulta_evals::measure::{ms, percentile};
use consulta_models::{E5Embedder, default_model_dir};
use consulta_retrieval::{Engine, RetrievalConfig};
use serde::{Deserialize, Serialize};

/// A chat platform whose people choose the bot's language with `/lang` (Telegram, Discord): the
/// conversation reads their choice from the desk before asking.
#[derive(Serialize, Deserialize)]
struct Chat;

impl Place for Chat {
    type Origin = ();
    fn how_to_answer(words: &DeskTexts) -> &'static str {
        words.how_to_answer_telegram
    }
    fn not_an_expert(words: &DeskTexts) -> &'static str {
        words.not_an_expert_telegram
    }
    fn origin(_: &str, _: &Chat) {}
}

/// The same platform without a language choice (the web chat page): nothing is read first.
#[derive(Serialize, Deserialize)]
struct Page;

impl Place for Page {
    type Origin = ();
    fn how_to_answer(words: &DeskTexts) -> &'static str {
        words.how_to_answer_telegram
    }
    fn not_an_expert(words: &DeskTexts) -> &'static str {
        words.not_an_expert_telegram
    }
    const CHOOSES_LANGUAGE: bool = false;
    fn origin(_: &str, _: &Page) {}
}

const DESK: &str = r#"
groups = [{ name = "andes", chats = ["telegram:-100200"] }]
experts = [{ name = "Ana", identities = ["telegram:7"], groups = ["andes"] }]
"#;

/// The languages people chose, in turn.
const CHOSEN: [Lang; 3] = [Lang::Es, Lang::Pt, Lang::En];

struct Args {
    kb: PathBuf,
    gold: PathBuf,
    questions: usize,
    people: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        kb: PathBuf::from("corpus/kb"),
        gold: PathBuf::from("evals/gold"),
        questions: 200,
        people: 500,
    };
    let mut raw = std::env::args().skip(1);
    while let Some(flag) = raw.next() {
        let mut value = || raw.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--kb" => args.kb = PathBuf::from(value()?),
            "--gold" => args.gold = PathBuf::from(value()?),
            "--questions" => {
                args.questions = value()?.parse().context("--questions takes a number")?
            }
            "--people" => args.people = value()?.parse().context("--people takes a number")?,
            other => bail!("unknown argument {other}; see the doc comment of consulta-chat-bench"),
        }
    }
    if args.people == 0 {
        bail!("--people must be at least 1: the updates come from them");
    }
    Ok(args)
}

/// Someone writing in a private chat, as an adapter describes them.
fn person(n: usize) -> Person {
    Person {
        identity: Identity::new(Platform::Telegram, format!("{}", 1000 + n)),
        lang: Lang::Es,
        locale: None,
        name: format!("Person {n}"),
        standing: Standing {
            experts_role: true,
            member_of: None,
            in_desk_chat: false,
        },
    }
}

/// A question from `by` in their own chat.
fn ask(by: &Person, question: &str) -> Intent {
    Intent::Ask {
        question: question.to_string(),
        chat: by.identity.id.clone(),
        language: None,
        top_k: None,
    }
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let data = tempfile::tempdir()?;
    let embedder = Arc::new(E5Embedder::load(&default_model_dir())?);
    let loaded = consulta_corpus::load_dir(&args.kb);
    if !loaded.errors.is_empty() {
        bail!(
            "{} has errors; run `consulta ingest` to see them",
            args.kb.display()
        );
    }
    let engine = Engine::open(
        &data.path().join("index"),
        embedder,
        RetrievalConfig::default(),
    )?;
    engine.set_glossary(loaded.glossary.clone());
    engine.sync(&loaded.passages, &|_, _| {})?;
    engine.embed_sentences()?;

    let desk = Desk::open(&data.path().join("desk"), toml::from_str(DESK)?)?;
    for n in 0..args.people {
        desk.set_language(&person(n).identity, CHOSEN[n % CHOSEN.len()])?;
    }
    let assistant: Arc<dyn Assistant> = Arc::new(LocalAssistant::new(engine, desk.clone()));
    let memory = Memory::open(&sled::open(data.path().join("front"))?)?;
    let flood = FloodConfig {
        max_questions: 0,
        window: Span::from_secs(60),
    };
    let languages = Languages::default();
    let chat =
        Conversation::<Chat>::new(assistant.clone(), memory.clone(), flood, languages.clone());
    let page = Conversation::<Page>::new(assistant.clone(), memory, flood, languages);

    let gold = consulta_evals::gold::load(&args.gold)?;
    // Each update asks its own question: the engine keeps the vectors of recent questions, so the
    // same question asked twice would make the second update look cheap.
    let questions: Vec<&str> = gold
        .iter()
        .map(|q| q.q.as_str())
        .cycle()
        .take(2 * args.questions + 5)
        .collect();
    let (warm, measured) = questions.split_at(5);
    let (mut read, mut with_reads, mut without) = (Vec::new(), Vec::new(), Vec::new());
    runtime.block_on(async {
        for question in warm {
            chat.handle(&person(0), ask(&person(0), question)).await?;
        }
        // The two updates alternate, and so do the questions they get from each pair, so that
        // neither the desk's growth nor the questions' lengths favour one.
        for (i, pair) in measured.chunks(2).enumerate() {
            let (first, second) = if i % 2 == 0 {
                (pair[0], pair[1])
            } else {
                (pair[1], pair[0])
            };
            let by = person(i % args.people);
            let started = Instant::now();
            assistant.profile(by.identity.clone()).await?;
            read.push(started.elapsed());

            let started = Instant::now();
            let lang = chat.ui_lang(&by.identity, by.locale, None).await?;
            let speaking = Person { lang, ..by.clone() };
            answered(chat.handle(&speaking, ask(&by, first)).await?)?;
            with_reads.push(started.elapsed());

            let started = Instant::now();
            answered(page.handle(&by, ask(&by, second)).await?)?;
            without.push(started.elapsed());
        }
        anyhow::Ok(())
    })?;
    for times in [&mut read, &mut with_reads, &mut without] {
        times.sort();
    }
    println!(
        "| measure ({} updates of each kind, {} people at the desk) | value |",
        args.questions, args.people
    );
    println!("|---|---|");
    row("the desk read of a person's preferences, alone", &read);
    row(
        "`/ask` update through the conversation, with its two reads (ui_lang, answer language)",
        &with_reads,
    );
    row("the same update without the reads", &without);
    let median = |times: &[Duration]| ms(percentile(times, 0.5));
    println!(
        "| the reads' share of the update at the median | {:.3} ms of {:.1} ms ({:.2} %) |",
        median(&with_reads) - median(&without),
        median(&with_reads),
        100.0 * (median(&with_reads) - median(&without)) / median(&with_reads),
    );
    Ok(())
}

/// Fails the bench when the conversation did not answer: a refusal would time something else.
fn answered(said: Said) -> anyhow::Result<()> {
    match said {
        Said::Answer(_) => Ok(()),
        other => bail!("the conversation did not answer: {other:?}"),
    }
}

fn row(measure: &str, sorted: &[Duration]) {
    println!(
        "| {measure} | p50 {:.3} ms · p90 {:.3} ms · p99 {:.3} ms |",
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.90)),
        ms(percentile(sorted, 0.99)),
    );
}
