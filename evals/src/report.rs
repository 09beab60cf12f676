//! Aggregates per-question outcomes into the tables `consulta eval` prints and writes.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::run::{LEGS, QuestionOutcome, RankingOutcome};

/// Groups reported, in table order.
const GROUPS: [&str; 5] = ["es", "pt", "en", "cross", "all"];

/// How deep the composer quotes from: a required fact further down was not within its reach.
const FACTS_DEPTH: usize = 5;

/// Reads one metric off a question's ranking outcome.
type MetricOf = fn(&RankingOutcome) -> f64;

/// The ranking metrics, by the names used in metric keys and thresholds.
const RANKING_METRICS: [(&str, MetricOf); 5] = [
    ("recall_1", |r| r.recall_1),
    ("recall_5", |r| r.recall_5),
    ("recall_10", |r| r.recall_10),
    ("mrr_10", |r| r.mrr_10),
    ("ndcg_10", |r| r.ndcg_10),
];

/// One point of the escalation threshold curve.
#[derive(Debug, Clone, Serialize)]
pub struct CurvePoint {
    pub threshold: f32,
    /// Share of must-escalate questions whose confidence is below the threshold.
    pub must_escalate_escalated: f64,
    /// Share of answerable questions whose confidence is below the threshold.
    pub answerable_escalated: f64,
}

/// One bin of the reliability table: how often answers with this confidence answer the question.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationBin {
    /// The bin holds confidences in `[low, low + 0.1)` (the last one includes 1).
    pub low: f32,
    /// Answerable questions with required facts whose confidence falls here.
    pub answerable: usize,
    /// Of those, the share whose shown text says every required fact.
    pub answered: f64,
    /// Must-escalate questions whose confidence falls here.
    pub must_escalate: usize,
}

/// Everything `consulta eval` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Flat metrics, keyed `leg.group.metric` and `escalation.*`: what thresholds check.
    pub metrics: BTreeMap<String, f64>,
    /// Questions per group (answerable ones per language and cross-lingual; must-escalate ones).
    pub counts: BTreeMap<String, usize>,
    /// Escalation shares by threshold, on the tuning questions (not the held-out ones).
    pub curve: Vec<CurvePoint>,
    /// The lowest threshold that, on the tuning questions, escalates at least 90 % of must-escalate
    /// questions while escalating at most 5 % of answerable ones, when one exists.
    pub suggested_threshold: Option<f32>,
    /// The same shares at the suggested threshold on the held-out questions, which played no part
    /// in choosing it.
    pub heldout_at_suggested: Option<CurvePoint>,
    /// Confidence against correctness: does a higher confidence mean a better answer?
    pub calibration: Vec<CalibrationBin>,
    /// Answerable questions whose shown text lacks a required fact: the question, what was shown,
    /// and the facts missing.
    pub unanswered: Vec<(String, String, Vec<String>)>,
    /// Answerable questions the hybrid leg missed in its top 5, with what it returned instead.
    pub misses: Vec<(String, Vec<String>)>,
}

impl Report {
    pub fn from_outcomes(outcomes: &[QuestionOutcome]) -> Report {
        let mut metrics = BTreeMap::new();
        let mut counts = BTreeMap::new();
        let tuning: Vec<&QuestionOutcome> = outcomes.iter().filter(|o| !o.heldout).collect();
        let heldout: Vec<&QuestionOutcome> = outcomes.iter().filter(|o| o.heldout).collect();
        let answerable: Vec<&QuestionOutcome> = tuning
            .iter()
            .copied()
            .filter(|o| !o.must_escalate)
            .collect();
        let must: Vec<&QuestionOutcome> =
            tuning.iter().copied().filter(|o| o.must_escalate).collect();
        let heldout_answerable: Vec<&QuestionOutcome> = heldout
            .iter()
            .copied()
            .filter(|o| !o.must_escalate)
            .collect();
        let heldout_must: Vec<&QuestionOutcome> = heldout
            .iter()
            .copied()
            .filter(|o| o.must_escalate)
            .collect();

        for group in GROUPS {
            let members: Vec<&&QuestionOutcome> = answerable
                .iter()
                .filter(|o| group == "all" || o.group == group)
                .collect();
            counts.insert(format!("answerable.{group}"), members.len());
            if members.is_empty() {
                continue;
            }
            for leg in LEGS {
                for (name, metric) in RANKING_METRICS {
                    let values: Vec<f64> = members
                        .iter()
                        .filter_map(|o| o.rankings.iter().find(|(l, _)| l == leg.name()))
                        .map(|(_, r)| metric(r))
                        .collect();
                    metrics.insert(format!("{}.{group}.{name}", leg.name()), mean(&values));
                }
            }
        }
        counts.insert("must_escalate".into(), must.len());
        metrics.insert(
            "escalation.must_escalate_escalated".into(),
            share(&must, |o| o.escalated),
        );
        metrics.insert(
            "escalation.answerable_escalated".into(),
            share(&answerable, |o| o.escalated),
        );

        counts.insert("heldout.answerable".into(), heldout_answerable.len());
        counts.insert("heldout.must_escalate".into(), heldout_must.len());
        if !heldout_must.is_empty() {
            metrics.insert(
                "escalation.heldout.must_escalate_escalated".into(),
                share(&heldout_must, |o| o.escalated),
            );
        }
        if !heldout_answerable.is_empty() {
            metrics.insert(
                "escalation.heldout.answerable_escalated".into(),
                share(&heldout_answerable, |o| o.escalated),
            );
        }
        answer_metrics(&mut metrics, &mut counts, &answerable, &heldout_answerable);

        let curve: Vec<CurvePoint> = (0..=20)
            .map(|step| curve_point(step as f32 * 0.05, &must, &answerable))
            .collect();
        let suggested_threshold = curve
            .iter()
            .find(|p| p.must_escalate_escalated >= 0.9 && p.answerable_escalated <= 0.05)
            .map(|p| p.threshold);
        let heldout_at_suggested = suggested_threshold
            .filter(|_| !heldout.is_empty())
            .map(|threshold| curve_point(threshold, &heldout_must, &heldout_answerable));
        let everything: Vec<&QuestionOutcome> = outcomes.iter().collect();
        let calibration = calibration(&everything);
        let unanswered = outcomes
            .iter()
            .filter(|o| o.answered == Some(false))
            .map(|o| (o.question.clone(), o.shown.clone(), o.missing.clone()))
            .collect();
        let misses = answerable
            .iter()
            .filter(|o| {
                o.rankings
                    .iter()
                    .any(|(leg, r)| leg == "hybrid" && r.recall_5 == 0.0)
            })
            .map(|o| (o.question.clone(), o.hybrid_top.clone()))
            .collect();
        Report {
            metrics,
            counts,
            curve,
            suggested_threshold,
            heldout_at_suggested,
            calibration,
            unanswered,
            misses,
        }
    }

    /// The report as Markdown: one table per leg, then escalation and the threshold curve.
    pub fn to_markdown(&self) -> String {
        let mut md = String::from("# Retrieval quality\n\n");
        let _ = writeln!(
            md,
            "Recall@k is the share of questions with a relevant passage in the first k results. \
             Answerable questions: {}; must-escalate questions: {}.\n",
            self.counts.get("answerable.all").copied().unwrap_or(0),
            self.counts.get("must_escalate").copied().unwrap_or(0),
        );
        for leg in LEGS {
            let _ = writeln!(md, "## {}\n", leg.name());
            md.push_str("| group | n | R@1 | R@5 | R@10 | MRR@10 | nDCG@10 |\n|---|---|---|---|---|---|---|\n");
            for group in GROUPS {
                let n = self
                    .counts
                    .get(&format!("answerable.{group}"))
                    .copied()
                    .unwrap_or(0);
                if n == 0 {
                    continue;
                }
                let _ = write!(md, "| {group} | {n} ");
                for (name, _) in RANKING_METRICS {
                    let value = self.metrics.get(&format!("{}.{group}.{name}", leg.name()));
                    let _ = write!(md, "| {:.3} ", value.copied().unwrap_or(f64::NAN));
                }
                md.push_str("|\n");
            }
            md.push('\n');
        }
        self.answers_markdown(&mut md);
        md.push_str("## Escalation\n\n");
        let _ = writeln!(
            md,
            "Tuning questions: {} must-escalate. Held out (new wording, never used to tune): {} \
             must-escalate, {} answerable.\n",
            self.counts.get("must_escalate").copied().unwrap_or(0),
            self.counts
                .get("heldout.must_escalate")
                .copied()
                .unwrap_or(0),
            self.counts.get("heldout.answerable").copied().unwrap_or(0),
        );
        for key in [
            "escalation.must_escalate_escalated",
            "escalation.answerable_escalated",
            "escalation.heldout.must_escalate_escalated",
            "escalation.heldout.answerable_escalated",
        ] {
            let _ = writeln!(
                md,
                "- {key}: {:.3}",
                self.metrics.get(key).copied().unwrap_or(f64::NAN)
            );
        }
        let _ = writeln!(
            md,
            "- suggested threshold: {}\n",
            self.suggested_threshold
                .map_or("none meets both targets".to_string(), |t| format!("{t:.2}"))
        );
        if let Some(point) = &self.heldout_at_suggested {
            let _ = writeln!(
                md,
                "- held out at the suggested threshold: must-escalate escalated {:.3}, answerable \
                 escalated {:.3}\n",
                point.must_escalate_escalated, point.answerable_escalated
            );
        }
        md.push_str(
            "| threshold | must-escalate escalated | answerable escalated |\n|---|---|---|\n",
        );
        for point in &self.curve {
            let _ = writeln!(
                md,
                "| {:.2} | {:.3} | {:.3} |",
                point.threshold, point.must_escalate_escalated, point.answerable_escalated
            );
        }
        md.push_str(
            "\n## Confidence against correctness\n\nAll questions. Answered: the shown text says \
             every required fact.\n\n| confidence | answerable | answered | must-escalate |\n\
             |---|---|---|---|\n",
        );
        for bin in &self.calibration {
            let _ = writeln!(
                md,
                "| {:.1}–{:.1} | {} | {:.3} | {} |",
                bin.low,
                bin.low + 0.1,
                bin.answerable,
                bin.answered,
                bin.must_escalate
            );
        }
        if !self.unanswered.is_empty() {
            md.push_str("\n## Answers that miss a required fact\n\n");
            for (question, shown, missing) in &self.unanswered {
                let shown = if shown.is_empty() {
                    "(escalated)"
                } else {
                    shown.as_str()
                };
                let _ = writeln!(md, "- {question} → lacks {}: {shown}", missing.join(", "));
            }
        }
        if !self.misses.is_empty() {
            md.push_str("\n## Hybrid misses (nothing relevant in the top 5)\n\n");
            for (question, top) in &self.misses {
                let _ = writeln!(md, "- {question} → {}", top.join(", "));
            }
        }
        md
    }
}

impl Report {
    fn answers_markdown(&self, md: &mut String) {
        md.push_str(
            "## Answers\n\nAnswered: the share of answerable questions whose shown text (the \
             sentences a person reads, before citations) says every fact the gold set requires. \
             Retrieved: the share whose facts one of the first five passages retrieved says; \
             answered when retrieved: the share of those the shown text answers (the sentence \
             choice's part). Length: mean characters shown. Mixed: answers quoting passages in two \
             languages.\n\n\
             | group | n | answered | retrieved | answered when retrieved |\n|---|---|---|---|---|\n",
        );
        for group in GROUPS.iter().copied().chain(["heldout"]) {
            let n = self
                .counts
                .get(&format!("answer.{group}"))
                .copied()
                .unwrap_or(0);
            if n == 0 {
                continue;
            }
            let metric = |name: &str| {
                self.metrics
                    .get(&format!("answer.{group}.{name}"))
                    .copied()
                    .unwrap_or(f64::NAN)
            };
            let _ = writeln!(
                md,
                "| {group} | {n} | {:.3} | {:.3} | {:.3} |",
                metric("answered"),
                metric("facts_retrieved"),
                metric("answered_when_retrieved"),
            );
        }
        let _ = writeln!(
            md,
            "\n- mean length: {:.0} characters\n- mixed language: {:.3}\n- other language than \
             the asker's: {:.3}\n",
            self.metrics
                .get("answer.all.mean_chars")
                .copied()
                .unwrap_or(f64::NAN),
            self.metrics
                .get("answer.all.mixed_language")
                .copied()
                .unwrap_or(f64::NAN),
            self.metrics
                .get("answer.all.other_language")
                .copied()
                .unwrap_or(f64::NAN)
        );
    }
}

/// `answer.<group>.answered` over the questions that name required facts, with the share whose facts
/// were retrieved and how many of those the shown text answers, plus the mean length
/// and the shares of mixed-language and other-language answers among the answers shown.
fn answer_metrics(
    metrics: &mut BTreeMap<String, f64>,
    counts: &mut BTreeMap<String, usize>,
    answerable: &[&QuestionOutcome],
    heldout: &[&QuestionOutcome],
) {
    let labelled = |o: &&&QuestionOutcome| o.answered.is_some();
    let mut answered_in = |group: &str, members: &[&QuestionOutcome]| {
        counts.insert(format!("answer.{group}"), members.len());
        if members.is_empty() {
            return;
        }
        metrics.insert(
            format!("answer.{group}.answered"),
            share(members, |o| o.answered == Some(true)),
        );
        metrics.insert(
            format!("answer.{group}.facts_retrieved"),
            share(members, facts_retrieved),
        );
        let retrieved: Vec<&QuestionOutcome> = members
            .iter()
            .copied()
            .filter(|o| facts_retrieved(o))
            .collect();
        if !retrieved.is_empty() {
            metrics.insert(
                format!("answer.{group}.answered_when_retrieved"),
                share(&retrieved, |o| o.answered == Some(true)),
            );
        }
    };
    for group in GROUPS {
        let members: Vec<&QuestionOutcome> = answerable
            .iter()
            .filter(labelled)
            .filter(|o| group == "all" || o.group == group)
            .copied()
            .collect();
        answered_in(group, &members);
    }
    let heldout: Vec<&QuestionOutcome> = heldout.iter().filter(labelled).copied().collect();
    answered_in("heldout", &heldout);
    let shown: Vec<&QuestionOutcome> = answerable
        .iter()
        .chain(&heldout)
        .filter(|o| !o.escalated)
        .copied()
        .collect();
    let lengths: Vec<f64> = shown
        .iter()
        .map(|o| o.shown.chars().count() as f64)
        .collect();
    metrics.insert("answer.all.mean_chars".into(), mean(&lengths));
    metrics.insert(
        "answer.all.mixed_language".into(),
        share(&shown, |o| o.mixed_language),
    );
    metrics.insert(
        "answer.all.other_language".into(),
        share(&shown, |o| o.other_language),
    );
}

/// Whether one of the first [`FACTS_DEPTH`] passages retrieved says every fact the question
/// requires: then an unanswered question is the composer's miss, not retrieval's.
fn facts_retrieved(outcome: &QuestionOutcome) -> bool {
    outcome.facts_rank.is_some_and(|rank| rank <= FACTS_DEPTH)
}

fn curve_point(
    threshold: f32,
    must: &[&QuestionOutcome],
    answerable: &[&QuestionOutcome],
) -> CurvePoint {
    CurvePoint {
        threshold,
        must_escalate_escalated: share(must, |o| o.confidence < threshold),
        answerable_escalated: share(answerable, |o| o.confidence < threshold),
    }
}

/// Ten bins of confidence, each with how often its answerable questions were answered.
fn calibration(outcomes: &[&QuestionOutcome]) -> Vec<CalibrationBin> {
    (0..10)
        .map(|bin| {
            let low = bin as f32 / 10.0;
            let inside = |o: &QuestionOutcome| {
                let step = ((o.confidence * 10.0).floor() as i32).clamp(0, 9);
                step == bin
            };
            let answerable: Vec<&QuestionOutcome> = outcomes
                .iter()
                .filter(|o| inside(o) && o.answered.is_some())
                .copied()
                .collect();
            CalibrationBin {
                low,
                answerable: answerable.len(),
                answered: share(&answerable, |o| o.answered == Some(true)),
                must_escalate: outcomes
                    .iter()
                    .filter(|o| inside(o) && o.must_escalate)
                    .count(),
            }
        })
        .collect()
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn share(outcomes: &[&QuestionOutcome], predicate: impl Fn(&QuestionOutcome) -> bool) -> f64 {
    if outcomes.is_empty() {
        return 0.0;
    }
    outcomes.iter().filter(|o| predicate(o)).count() as f64 / outcomes.len() as f64
}
