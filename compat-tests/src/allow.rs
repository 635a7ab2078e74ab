//! The allow-list: every difference the suite accepts, each with what differs and why.

use serde::Deserialize;

use crate::json::{glob, Diff};

/// The allow-list shipped with the crate (`compat-tests/allow-list.toml`).
pub const ALLOW_LIST: &str = include_str!("../allow-list.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    allow: Vec<Entry>,
}

/// One accepted difference.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Short stable name, shown in the table.
    pub id: String,
    /// Scenario name (glob, `*` = any).
    pub scenario: String,
    /// Step names (globs).
    pub steps: Vec<String>,
    /// Where the difference may be: globs over `(status)`, `(location)`, `(content-type)` or a
    /// JSON pointer into the normalised body.
    pub at: Vec<String>,
    /// What differs (Kafka Connect's behaviour vs the gateway's).
    pub differs: String,
    /// Why it is accepted.
    pub reason: String,
}

impl Entry {
    pub fn matches(&self, scenario: &str, step: &str, diff: &Diff) -> bool {
        glob(&self.scenario, scenario)
            && self.steps.iter().any(|p| glob(p, step))
            && self.at.iter().any(|p| glob(p, &diff.at))
    }
}

pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("allow-list: {e}"))?;
    let mut seen = std::collections::HashSet::new();
    for e in &file.allow {
        if !seen.insert(e.id.clone()) {
            return Err(format!("allow-list: duplicate id {}", e.id));
        }
        if e.reason.trim().is_empty()
            || e.differs.trim().is_empty()
            || e.at.is_empty()
            || e.steps.is_empty()
        {
            return Err(format!(
                "allow-list: entry {} needs `differs`, `reason`, at least one `steps` and one `at`",
                e.id
            ));
        }
    }
    Ok(file.allow)
}

pub fn load() -> Result<Vec<Entry>, String> {
    parse(ALLOW_LIST)
}
