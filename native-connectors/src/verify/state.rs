//! What the verifying sink has seen: per datagen task, the set of sequence numbers as
//! disjoint intervals, plus duplicate and foreign counts. The same shape is the report file,
//! so saving and loading state is just (de)serialising a [`Report`].

use std::collections::BTreeMap;
use std::path::Path;

use connect_api::{ConnectError, ConnectResult, Headers, Value};
use serde::{Deserialize, Serialize};

use crate::datagen::{SEQ_HEADER, TASK_HEADER};

/// One datagen task's view in a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskReport {
    /// Highest sequence number seen.
    pub max_seq: u64,
    /// Distinct sequence numbers seen.
    pub records: u64,
    /// Deliveries of a number already seen.
    pub duplicates: u64,
    /// Numbers in `0..=max_seq` never seen.
    pub missing: u64,
    /// Seen numbers as inclusive `[first, last]` ranges, ascending.
    pub intervals: Vec<[u64; 2]>,
}

/// The verifying sink's report (also its saved state).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Distinct datagen records seen, over all datagen tasks.
    pub records: u64,
    pub duplicates: u64,
    /// Missing numbers below each task's highest seen one, summed.
    pub gaps: u64,
    /// Records without usable `datagen.task` / `datagen.seq` headers.
    pub foreign: u64,
    /// Keyed by the `datagen.task` header value.
    pub tasks: BTreeMap<String, TaskReport>,
}

impl Report {
    /// Blocking: reads and parses a report file.
    pub fn load(path: impl AsRef<Path>) -> ConnectResult<Report> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| {
            ConnectError::connect(format!("Couldn't read report {}: {e}", path.display()))
        })?;
        serde_json::from_slice(&bytes).map_err(|e| {
            ConnectError::connect(format!("Report {} is not valid: {e}", path.display()))
        })
    }
}

/// Disjoint, non-adjacent inclusive ranges keyed by their first number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeqSet {
    ranges: BTreeMap<u64, u64>,
    distinct: u64,
    duplicates: u64,
}

impl SeqSet {
    /// Records one delivery; true if the number was new.
    pub fn insert(&mut self, seq: u64) -> bool {
        // Fast paths: already inside a range, or extending the range just below (the
        // in-order case, no allocation).
        if let Some((&start, &end)) = self.ranges.range(..=seq).next_back() {
            if end >= seq {
                self.duplicates += 1;
                return false;
            }
            if end.saturating_add(1) == seq && !self.ranges.contains_key(&seq.saturating_add(1)) {
                self.ranges.insert(start, seq);
                self.distinct += 1;
                return true;
            }
        }
        self.insert_range(seq, seq) == 1
    }

    /// Adds `[lo, hi]`, merging touching ranges; returns how many numbers were new. Numbers
    /// already present are not counted as duplicates here (merging uses this).
    pub fn insert_range(&mut self, lo: u64, hi: u64) -> u64 {
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        let touching: Vec<(u64, u64)> = self
            .ranges
            .range(..=hi.saturating_add(1))
            .rev()
            .take_while(|(_, e)| e.saturating_add(1) >= lo)
            .map(|(s, e)| (*s, *e))
            .collect();
        let (mut new_lo, mut new_hi, mut already) = (lo, hi, 0u64);
        for (s, e) in touching {
            self.ranges.remove(&s);
            let (a, b) = (s.max(lo), e.min(hi));
            if a <= b {
                already += b - a + 1;
            }
            new_lo = new_lo.min(s);
            new_hi = new_hi.max(e);
        }
        self.ranges.insert(new_lo, new_hi);
        let added = (hi - lo).saturating_add(1) - already;
        self.distinct += added;
        added
    }

    pub fn max(&self) -> Option<u64> {
        self.ranges.values().next_back().copied()
    }

    pub fn distinct(&self) -> u64 {
        self.distinct
    }

    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }

    pub fn missing(&self) -> u64 {
        self.max()
            .map_or(0, |m| m.saturating_add(1).saturating_sub(self.distinct))
    }

    fn report(&self) -> TaskReport {
        TaskReport {
            max_seq: self.max().unwrap_or(0),
            records: self.distinct,
            duplicates: self.duplicates,
            missing: self.missing(),
            intervals: self.ranges.iter().map(|(s, e)| [*s, *e]).collect(),
        }
    }

    fn from_report(t: &TaskReport) -> SeqSet {
        let mut set = SeqSet::default();
        for [a, b] in &t.intervals {
            set.insert_range(*a, *b);
        }
        set.duplicates = t.duplicates;
        set
    }
}

/// Everything one sink task tracks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VerifyState {
    tasks: BTreeMap<String, SeqSet>,
    foreign: u64,
}

impl VerifyState {
    /// Accounts one record by its headers.
    pub fn observe(&mut self, headers: &Headers) {
        let task = headers
            .last_with_name(TASK_HEADER)
            .and_then(|h| header_text(&h.value));
        let seq = headers
            .last_with_name(SEQ_HEADER)
            .and_then(|h| header_text(&h.value))
            .and_then(|s| s.trim().parse::<u64>().ok());
        match (task, seq) {
            (Some(task), Some(seq)) => {
                self.tasks.entry(task).or_default().insert(seq);
            }
            _ => self.foreign += 1,
        }
    }

    pub fn report(&self) -> Report {
        let tasks: BTreeMap<String, TaskReport> = self
            .tasks
            .iter()
            .map(|(k, v)| (k.clone(), v.report()))
            .collect();
        Report {
            records: tasks.values().map(|t| t.records).sum(),
            duplicates: tasks.values().map(|t| t.duplicates).sum(),
            gaps: tasks.values().map(|t| t.missing).sum(),
            foreign: self.foreign,
            tasks,
        }
    }

    pub fn from_report(r: &Report) -> VerifyState {
        VerifyState {
            tasks: r
                .tasks
                .iter()
                .map(|(k, t)| (k.clone(), SeqSet::from_report(t)))
                .collect(),
            foreign: r.foreign,
        }
    }
}

/// Header values arrive as strings, bytes or (after a header converter guessed a type)
/// numbers; all mean the same text.
fn header_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bytes(b) => std::str::from_utf8(b).ok().map(str::to_string),
        other => other.as_i64().map(|n| n.to_string()),
    }
}

/// Blocking: combines the per-task report files of one verifying sink. A number seen by two
/// tasks (a partition moved between them and was re-delivered) counts as a duplicate.
pub fn merge_reports<P: AsRef<Path>>(paths: &[P]) -> ConnectResult<Report> {
    let mut merged: BTreeMap<String, SeqSet> = BTreeMap::new();
    let mut foreign = 0;
    for path in paths {
        let r = Report::load(path)?;
        foreign += r.foreign;
        for (task, t) in &r.tasks {
            let set = merged.entry(task.clone()).or_default();
            let mut added = 0;
            for [a, b] in &t.intervals {
                added += set.insert_range(*a, *b);
            }
            // What this file saw that others already had is re-delivery across tasks.
            set.duplicates += t.duplicates + t.records.saturating_sub(added);
        }
    }
    Ok(VerifyState {
        tasks: merged,
        foreign,
    }
    .report())
}
