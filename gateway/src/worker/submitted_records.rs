//! `SubmittedRecords`: which source offsets are safe to commit. Records are tracked per
//! source partition in submission order; a partition's committable offset is the offset of
//! the last record such that it and every earlier record of that partition were acknowledged
//! (or dropped/tolerated). Offsets never run ahead of unacknowledged data.

use std::collections::{HashMap, VecDeque};

use connect_api::SourceMap;
use serde_json::Value as Json;

/// Handle for one submitted record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubmittedId(u64);

#[derive(Debug)]
struct Entry {
    id: u64,
    offset: SourceMap,
    acked: bool,
}

#[derive(Debug, Default)]
pub struct SubmittedRecords {
    next_id: u64,
    /// Keyed by the canonical JSON of the source partition.
    partitions: HashMap<String, (SourceMap, VecDeque<Entry>)>,
    /// id → partition key, so acks find their queue.
    index: HashMap<u64, String>,
}

/// Canonical text of a partition map (keys sorted) so equal maps compare equal.
pub fn partition_key(p: &SourceMap) -> String {
    let sorted: std::collections::BTreeMap<&String, &Json> = p.iter().collect();
    serde_json::to_string(&sorted).unwrap_or_default()
}

impl SubmittedRecords {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn submit(&mut self, partition: &SourceMap, offset: SourceMap) -> SubmittedId {
        let id = self.next_id;
        self.next_id += 1;
        let key = partition_key(partition);
        self.partitions
            .entry(key.clone())
            .or_insert_with(|| (partition.clone(), VecDeque::new()))
            .1
            .push_back(Entry {
                id,
                offset,
                acked: false,
            });
        self.index.insert(id, key);
        SubmittedId(id)
    }

    /// Marks a record acknowledged (or dropped). Unknown ids are ignored.
    pub fn ack(&mut self, id: SubmittedId) {
        if let Some(key) = self.index.remove(&id.0) {
            if let Some((_, q)) = self.partitions.get_mut(&key) {
                if let Some(e) = q.iter_mut().find(|e| e.id == id.0) {
                    e.acked = true;
                }
            }
        }
    }

    /// Removes the acknowledged prefix of every partition and returns, per partition, the
    /// offset of the last record removed.
    pub fn committable_offsets(&mut self) -> Vec<(SourceMap, SourceMap)> {
        let mut out = Vec::new();
        self.partitions.retain(|_, (partition, q)| {
            let mut last = None;
            while q.front().is_some_and(|e| e.acked) {
                last = q.pop_front().map(|e| e.offset);
            }
            if let Some(o) = last {
                out.push((partition.clone(), o));
            }
            !q.is_empty()
        });
        out
    }

    /// Records submitted but not yet acknowledged.
    pub fn outstanding(&self) -> usize {
        self.index.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(v: Json) -> SourceMap {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn only_the_contiguous_acked_prefix_commits() {
        let mut s = SubmittedRecords::new();
        let p = m(json!({"f": "a"}));
        let q = m(json!({"f": "b"}));
        let a1 = s.submit(&p, m(json!({"pos": 1})));
        let a2 = s.submit(&p, m(json!({"pos": 2})));
        let b1 = s.submit(&q, m(json!({"pos": 10})));
        let a3 = s.submit(&p, m(json!({"pos": 3})));
        s.ack(a2);
        s.ack(b1);
        // a1 still pending: nothing of p commits, q commits independently.
        assert_eq!(
            s.committable_offsets(),
            vec![(q.clone(), m(json!({"pos": 10})))]
        );
        s.ack(a3);
        assert!(s.committable_offsets().is_empty());
        s.ack(a1);
        assert_eq!(s.committable_offsets(), vec![(p, m(json!({"pos": 3})))]);
        assert_eq!(s.outstanding(), 0);
    }

    #[test]
    fn key_order_does_not_split_partitions() {
        let mut s = SubmittedRecords::new();
        let id1 = s.submit(&m(json!({"a": 1, "b": 2})), m(json!({"o": 1})));
        let id2 = s.submit(&m(json!({"b": 2, "a": 1})), m(json!({"o": 2})));
        s.ack(id2);
        assert!(s.committable_offsets().is_empty());
        s.ack(id1);
        assert_eq!(s.committable_offsets().len(), 1);
    }
}
