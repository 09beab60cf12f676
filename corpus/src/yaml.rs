//! Leniency where YAML surprises authors.

use serde::{Deserialize, Deserializer};

/// A list of short labels. YAML reads `tags: [6.2, 6.4]` as numbers; authors mean the labels "6.2" and
/// "6.4", so scalars of any type are taken as written.
pub(crate) fn string_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    let values = Vec::<serde_yaml::Value>::deserialize(deserializer)?;
    values
        .into_iter()
        .map(|value| match value {
            serde_yaml::Value::String(s) => Ok(s),
            serde_yaml::Value::Number(n) => Ok(n.to_string()),
            serde_yaml::Value::Bool(b) => Ok(b.to_string()),
            other => Err(serde::de::Error::custom(format!(
                "expected a label, found {other:?}"
            ))),
        })
        .collect()
}
