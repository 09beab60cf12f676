//! The outcomes report: how questions ended, how long askers waited for an expert, the busiest topics
//! and the coverage gaps over a period. What an operator reads to see whether the desk and the
//! knowledge base are doing their job.

use std::collections::HashMap;
use std::fmt;

use consulta_corpus::Lang;
use serde::Serialize;

use super::desk::Desk;
use super::error::DeskError;
use super::gaps::{cluster, dot, normalised};
use super::question::{QuestionRecord, Resolution};
use super::time::{Span, Timestamp};

/// Questions embedded per call: bounds memory while keeping the model's batching benefit.
const EMBED_BATCH: usize = 32;

/// Places questions in a vector space, so the gap report can group questions on one subject. A trait
/// so the desk does not link the model: the caller wraps its embedder (in the bot crate, the
/// multilingual model, with which questions in different languages on one subject land together).
pub trait QuestionEmbedder: Send + Sync {
    /// One vector per question, in order, all of one dimension; the error says what failed.
    fn embed_questions(&self, questions: &[&str]) -> Result<Vec<Vec<f32>>, String>;
}
/// Rows in each busiest-tags table.
const TOP_TAGS: usize = 10;

/// A reporting window, `since` inclusive and `until` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First instant included.
    pub since: Timestamp,
    /// First instant excluded.
    pub until: Timestamp,
}

impl Period {
    /// Whether `at` falls in the period.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.since <= at && at < self.until
    }
}

/// How the period's questions ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ResolutionCounts {
    /// Rated 👍.
    pub confirmed: usize,
    /// Silence for `resolution_after` after the answer.
    pub assumed: usize,
    /// Rated 👎 or followed up.
    pub unresolved: usize,
    /// Too early to tell, or the expert has not answered yet.
    pub pending: usize,
}

/// How long askers waited for the first expert response (claim or answer) on tickets of the period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ResponseTimes {
    /// Tickets with a response.
    pub count: usize,
    /// Median wait, in minutes.
    pub median_minutes: f64,
    /// 90th percentile (nearest rank), in minutes: the wait most askers stay under.
    pub p90_minutes: f64,
    /// Mean wait, in minutes.
    pub mean_minutes: f64,
}

/// A tag and how many of the period's questions carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagCount {
    /// The tag.
    pub tag: String,
    /// Questions carrying it.
    pub count: usize,
}

/// A coverage gap: similar questions Consulta escalated or answered with low confidence. Each is a
/// candidate for a new guide section or FAQ entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Questions in the cluster.
    pub size: usize,
    /// Representative questions, closest to the cluster's centre first.
    pub examples: Vec<String>,
    /// Languages the questions were asked in.
    pub languages: Vec<Lang>,
    /// How many of them were escalated.
    pub escalated: usize,
    /// Their mean answer confidence.
    pub mean_confidence: f32,
}

/// Outcomes over a period, and where the knowledge base falls short.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The window reported on.
    pub period: Period,
    /// When the report was made: "assumed resolved" depends on it.
    pub generated_at: Timestamp,
    /// Questions asked in the period.
    pub questions: usize,
    /// Of those, escalated to experts (advised or ticketed).
    pub escalated: usize,
    /// Of those, where an expert took part.
    pub involved: usize,
    /// Tickets opened in the period.
    pub tickets: usize,
    /// Outcome counts.
    pub resolution: ResolutionCounts,
    /// `escalated / questions`.
    pub escalation_rate: Option<f64>,
    /// `involved / questions`.
    pub involvement_rate: Option<f64>,
    /// `(confirmed + assumed) / (questions - pending)`: among questions whose outcome is known.
    pub resolution_rate: Option<f64>,
    /// Time to first expert response.
    pub first_response: Option<ResponseTimes>,
    /// Most frequent topic tags.
    pub busiest_topics: Vec<TagCount>,
    /// Most frequent country tags.
    pub busiest_countries: Vec<TagCount>,
    /// Questions considered for gaps (escalated or below `low_confidence`, text still held).
    pub gap_questions: usize,
    /// Clusters of those, largest first.
    pub gaps: Vec<Gap>,
}

fn rate(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn busiest<'a>(tags: impl Iterator<Item = &'a String>) -> Vec<TagCount> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for tag in tags {
        *counts.entry(tag.as_str()).or_default() += 1;
    }
    let mut rows: Vec<TagCount> = counts
        .into_iter()
        .map(|(tag, count)| TagCount {
            tag: tag.to_string(),
            count,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
    rows.truncate(TOP_TAGS);
    rows
}

fn response_times(mut waits: Vec<Span>) -> Option<ResponseTimes> {
    if waits.is_empty() {
        return None;
    }
    waits.sort();
    let minutes = |s: Span| s.as_minutes_f64();
    let nearest_rank =
        |p: f64| waits[((p * waits.len() as f64).ceil() as usize).clamp(1, waits.len()) - 1];
    let mean = waits.iter().map(|&w| minutes(w)).sum::<f64>() / waits.len() as f64;
    Some(ResponseTimes {
        count: waits.len(),
        median_minutes: minutes(nearest_rank(0.5)),
        p90_minutes: minutes(nearest_rank(0.9)),
        mean_minutes: mean,
    })
}

impl Desk {
    /// Outcome rates, busiest tags and coverage gaps over `period`. `embedder` places gap questions in a
    /// shared space (questions in different languages on one subject cluster together with a
    /// multilingual model).
    pub fn report(
        &self,
        period: Period,
        embedder: &dyn QuestionEmbedder,
    ) -> Result<Report, DeskError> {
        let now = self.now();
        let config = self.config();
        let records: Vec<QuestionRecord> = self
            .questions()?
            .into_iter()
            .filter(|r| period.contains(r.at))
            .collect();
        let mut resolution = ResolutionCounts::default();
        for record in &records {
            match record.resolution(now, config.resolution_after) {
                Resolution::Confirmed => resolution.confirmed += 1,
                Resolution::Assumed => resolution.assumed += 1,
                Resolution::Unresolved => resolution.unresolved += 1,
                Resolution::Pending => resolution.pending += 1,
            }
        }
        let escalated = records.iter().filter(|r| r.escalated).count();
        let involved = records.iter().filter(|r| r.involved_expert()).count();
        let waits = records
            .iter()
            .filter_map(|r| Some(r.first_response_at?.since(r.ticket_opened_at?)))
            .collect();
        let tickets = self
            .tickets()?
            .iter()
            .filter(|t| period.contains(t.created_at))
            .count();
        let gap_records: Vec<&QuestionRecord> = records
            .iter()
            .filter(|r| r.text.is_some() && (r.escalated || r.confidence < config.low_confidence))
            .collect();
        let gaps = self.gaps(&gap_records, embedder)?;
        let decided = records.len() - resolution.pending;
        Ok(Report {
            period,
            generated_at: now,
            questions: records.len(),
            escalated,
            involved,
            tickets,
            resolution,
            escalation_rate: rate(escalated, records.len()),
            involvement_rate: rate(involved, records.len()),
            resolution_rate: rate(resolution.confirmed + resolution.assumed, decided),
            first_response: response_times(waits),
            busiest_topics: busiest(records.iter().flat_map(|r| &r.tags.topics)),
            busiest_countries: busiest(records.iter().flat_map(|r| &r.tags.countries)),
            gap_questions: gap_records.len(),
            gaps,
        })
    }

    fn gaps(
        &self,
        records: &[&QuestionRecord],
        embedder: &dyn QuestionEmbedder,
    ) -> Result<Vec<Gap>, DeskError> {
        let texts: Vec<&str> = records.iter().filter_map(|r| r.text.as_deref()).collect();
        let mut vectors = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(EMBED_BATCH) {
            let embedded = embedder
                .embed_questions(chunk)
                .map_err(DeskError::Embedding)?;
            vectors.extend(embedded.iter().map(|v| normalised(v)));
        }
        let config = self.config();
        let gaps = cluster(&vectors, config.gap_similarity)
            .into_iter()
            .map(|members| {
                let dimension = vectors.first().map_or(0, Vec::len);
                let mut centre = vec![0.0; dimension];
                for &m in &members {
                    for (c, x) in centre.iter_mut().zip(&vectors[m]) {
                        *c += x;
                    }
                }
                let centre = normalised(&centre);
                let mut by_closeness = members.clone();
                by_closeness.sort_by(|&a, &b| {
                    dot(&vectors[b], &centre).total_cmp(&dot(&vectors[a], &centre))
                });
                let mut examples: Vec<String> = Vec::new();
                for &m in &by_closeness {
                    let text = texts[m].trim().to_string();
                    if examples.len() < config.gap_examples && !examples.contains(&text) {
                        examples.push(text);
                    }
                }
                let mut languages: Vec<Lang> =
                    members.iter().map(|&m| records[m].language).collect();
                languages.sort();
                languages.dedup();
                Gap {
                    size: members.len(),
                    examples,
                    languages,
                    escalated: members.iter().filter(|&&m| records[m].escalated).count(),
                    mean_confidence: members.iter().map(|&m| records[m].confidence).sum::<f32>()
                        / members.len() as f32,
                }
            })
            .collect();
        Ok(gaps)
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "n/a".to_string(), |r| format!("{:.1}%", r * 100.0))
}

impl fmt::Display for Report {
    /// The plain-text report `consulta report` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Consulta desk report, {} to {} (generated {})",
            self.period.since, self.period.until, self.generated_at
        )?;
        writeln!(f, "Questions asked:   {}", self.questions)?;
        writeln!(f, "Tickets opened:    {}", self.tickets)?;
        writeln!(
            f,
            "Escalation rate:   {} ({})",
            percent(self.escalation_rate),
            self.escalated
        )?;
        writeln!(
            f,
            "Expert involved:   {} ({})",
            percent(self.involvement_rate),
            self.involved
        )?;
        let r = &self.resolution;
        writeln!(
            f,
            "Resolution rate:   {} (confirmed {}, assumed {}, unresolved {}, pending {})",
            percent(self.resolution_rate),
            r.confirmed,
            r.assumed,
            r.unresolved,
            r.pending
        )?;
        match &self.first_response {
            Some(t) => writeln!(
                f,
                "First response:    median {:.0} min, p90 {:.0} min, mean {:.0} min ({} tickets)",
                t.median_minutes, t.p90_minutes, t.mean_minutes, t.count
            )?,
            None => writeln!(f, "First response:    n/a")?,
        }
        for (title, rows) in [
            ("Busiest topics", &self.busiest_topics),
            ("Busiest countries", &self.busiest_countries),
        ] {
            let list: Vec<String> = rows
                .iter()
                .map(|r| format!("{} ({})", r.tag, r.count))
                .collect();
            let list = if list.is_empty() {
                "n/a".to_string()
            } else {
                list.join(", ")
            };
            writeln!(f, "{title}: {list}")?;
        }
        writeln!(
            f,
            "\nCoverage gaps: {} clusters from {} escalated or low-confidence questions",
            self.gaps.len(),
            self.gap_questions
        )?;
        for (i, gap) in self.gaps.iter().enumerate() {
            let languages: Vec<&str> = gap.languages.iter().map(|l| l.code()).collect();
            writeln!(
                f,
                "{}. {} question(s), {} escalated, mean confidence {:.2}, in {}",
                i + 1,
                gap.size,
                gap.escalated,
                gap.mean_confidence,
                languages.join("/")
            )?;
            for example in &gap.examples {
                writeln!(f, "   - {example}")?;
            }
        }
        Ok(())
    }
}
