//! Aggregates per-question outcomes into the tables `consulta eval` prints and writes.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::run::{LEGS, QuestionOutcome, RankingOutcome};

/// Groups reported, in table order.
const GROUPS: [&str; 5] = ["es", "pt", "en", "cross", "all"];

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

/// Everything `consulta eval` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Flat metrics, keyed `leg.group.metric` and `escalation.*`: what thresholds check.
    pub metrics: BTreeMap<String, f64>,
    /// Questions per group (answerable ones per language and cross-lingual; must-escalate ones).
    pub counts: BTreeMap<String, usize>,
    pub curve: Vec<CurvePoint>,
    /// The lowest threshold that escalates at least 90 % of must-escalate questions while escalating at
    /// most 10 % of answerable ones, when one exists.
    pub suggested_threshold: Option<f32>,
    /// Answerable questions the hybrid leg missed in its top 5, with what it returned instead.
    pub misses: Vec<(String, Vec<String>)>,
}

impl Report {
    pub fn from_outcomes(outcomes: &[QuestionOutcome]) -> Report {
        let mut metrics = BTreeMap::new();
        let mut counts = BTreeMap::new();
        let answerable: Vec<&QuestionOutcome> =
            outcomes.iter().filter(|o| !o.must_escalate).collect();
        let must: Vec<&QuestionOutcome> = outcomes.iter().filter(|o| o.must_escalate).collect();

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

        let curve: Vec<CurvePoint> = (0..=20)
            .map(|step| {
                let threshold = step as f32 * 0.05;
                CurvePoint {
                    threshold,
                    must_escalate_escalated: share(&must, |o| o.confidence < threshold),
                    answerable_escalated: share(&answerable, |o| o.confidence < threshold),
                }
            })
            .collect();
        let suggested_threshold = curve
            .iter()
            .find(|p| p.must_escalate_escalated >= 0.9 && p.answerable_escalated <= 0.1)
            .map(|p| p.threshold);
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
        md.push_str("## Escalation\n\n");
        for key in [
            "escalation.must_escalate_escalated",
            "escalation.answerable_escalated",
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
        if !self.misses.is_empty() {
            md.push_str("\n## Hybrid misses (nothing relevant in the top 5)\n\n");
            for (question, top) in &self.misses {
                let _ = writeln!(md, "- {question} → {}", top.join(", "));
            }
        }
        md
    }
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
