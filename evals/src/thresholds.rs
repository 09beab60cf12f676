//! Quality floors committed in the repository: `consulta eval` fails when a metric falls below one,
//! so a change that makes answers worse cannot land unnoticed.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// Floors by metric name, as written in `evals/thresholds.toml`:
///
/// ```toml
/// [floors]
/// "hybrid.es.recall_5" = 0.85
/// "escalation.must_escalate_escalated" = 0.85
/// ```
///
/// and ceilings for the metrics where lower is better (`escalation.answerable_escalated`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[serde(default)]
    pub floors: BTreeMap<String, f64>,
    #[serde(default)]
    pub ceilings: BTreeMap<String, f64>,
}

impl Thresholds {
    pub fn load(path: &Path) -> anyhow::Result<Thresholds> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the quality thresholds {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
    }

    /// Every floor or ceiling the metrics break, as readable lines; a metric the report lacks is a failure
    /// too (a renamed metric must not silently stop being checked).
    pub fn violations(&self, metrics: &BTreeMap<String, f64>) -> Vec<String> {
        let mut violations = Vec::new();
        for (name, floor) in &self.floors {
            match metrics.get(name) {
                Some(value) if value >= floor => {}
                Some(value) => {
                    violations.push(format!("{name} = {value:.3}, below the floor {floor:.3}"))
                }
                None => violations.push(format!("{name}: no such metric in the report")),
            }
        }
        for (name, ceiling) in &self.ceilings {
            match metrics.get(name) {
                Some(value) if value <= ceiling => {}
                Some(value) => violations.push(format!(
                    "{name} = {value:.3}, above the ceiling {ceiling:.3}"
                )),
                None => violations.push(format!("{name}: no such metric in the report")),
            }
        }
        violations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_floors_ceilings_and_missing_metrics() {
        let thresholds: Thresholds =
            toml::from_str("[floors]\n\"a\" = 0.9\n\"gone\" = 0.1\n[ceilings]\n\"b\" = 0.1\n")
                .unwrap();
        let metrics = BTreeMap::from([("a".to_string(), 0.8), ("b".to_string(), 0.05)]);
        let violations = thresholds.violations(&metrics);
        assert_eq!(violations.len(), 2, "{violations:?}");
        assert!(violations[0].contains("below the floor"));
        assert!(violations[1].contains("no such metric"));
    }
}
