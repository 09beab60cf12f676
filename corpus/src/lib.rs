//! Consulta's knowledge base: reading guides and FAQs from disk and cutting them into passages.
//!
//! A *document* is a Markdown guide (YAML front matter + headings) or an FAQ entry (from a YAML file).
//! A *passage* is the unit that is indexed, retrieved and cited: a guide section or one FAQ entry, with the
//! metadata a practitioner needs to trust it (title, section, source, date).
//!
//! ```
//! use consulta_corpus::{Lang, load_dir};
//!
//! let kb = tempfile::tempdir().unwrap();
//! std::fs::write(kb.path().join("basics.en.yaml"), "\
//! - id: ca-what-is
//!   lang: en
//!   question: What is a corresponding adjustment?
//!   answer: An accounting entry that keeps one tonne from being counted by two countries.
//!   source: Decision 2/CMA.3, annex, chapter III
//!   valid_as_of: 2021-11-13
//!   tags: [6.2]
//! ").unwrap();
//!
//! let loaded = load_dir(kb.path());
//! assert!(loaded.errors.is_empty());
//! assert_eq!(loaded.passages[0].doc_id, "faq:ca-what-is");
//! assert_eq!(loaded.passages[0].lang, Lang::En);
//! ```

mod chunk;
mod date;
mod email;
mod error;
mod faq;
mod glossary;
mod guide;
mod lang;
pub mod library;
mod load;
mod passage;
mod timeline;
mod yaml;

pub use chunk::{ChunkLimits, fold_accent, section_slug};
pub use date::{Date, DateError};
pub use email::is_email_address;
pub use error::CorpusError;
pub use faq::FaqEntry;
pub use glossary::{GLOSSARY_FILE, Glossary, GlossaryTerm};
pub use lang::Lang;
pub use load::{Loaded, load_dir};
pub use passage::{Passage, PassageKind, passage_id};
pub use timeline::{RuleChange, TIMELINE_FILE, Timeline, Topic};
