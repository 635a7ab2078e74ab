//! `SubmittedRecords`: which source offsets are safe to commit. Records are tracked per
//! source partition in submission order; a partition's committable offset is the offset of
//! the last record such that it and every earlier record of that partition were acknowledged
//! (or dropped/tolerated). Offsets never run ahead of unacknowledged data.

use std::collections::{HashMap, VecDeque};

use connect_api::SourceMap;

use crate::storage::partition_key;

/// Handle for one submitted record: its id and the slot of its source partition, so an
/// ack goes straight to its queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubmittedId {
    id: u64,
    slot: usize,
}

#[derive(Debug)]
struct Entry {
    id: u64,
    offset: SourceMap,
    acked: bool,
}

#[derive(Debug, Default)]
pub struct SubmittedRecords {
    next_id: u64,
    /// One slot per source partition ever seen; queues hold ids in increasing order.
    partitions: Vec<(SourceMap, VecDeque<Entry>)>,
    /// Canonical partition text → slot.
    slots: HashMap<String, usize>,
    /// The slot of the previous submit: sources mostly submit runs of one partition, and
    /// comparing maps is cheaper than building the canonical text per record.
    last_slot: Option<usize>,
    outstanding: usize,
}

impl SubmittedRecords {
    pub fn new() -> Self {
        Self::default()
    }

    fn slot_of(&mut self, partition: &SourceMap) -> usize {
        if let Some(slot) = self.last_slot {
            if self.partitions[slot].0 == *partition {
                return slot;
            }
        }
        let next = self.partitions.len();
        let slot = *self.slots.entry(partition_key(partition)).or_insert(next);
        if slot == next {
            self.partitions.push((partition.clone(), VecDeque::new()));
        }
        self.last_slot = Some(slot);
        slot
    }

    pub fn submit(&mut self, partition: &SourceMap, offset: SourceMap) -> SubmittedId {
        let id = self.next_id;
        self.next_id += 1;
        let slot = self.slot_of(partition);
        self.partitions[slot].1.push_back(Entry {
            id,
            offset,
            acked: false,
        });
        self.outstanding += 1;
        SubmittedId { id, slot }
    }

    /// Marks a record acknowledged (or dropped). Unknown ids are ignored.
    pub fn ack(&mut self, id: SubmittedId) {
        let Some((_, q)) = self.partitions.get_mut(id.slot) else {
            return;
        };
        if let Ok(i) = q.binary_search_by_key(&id.id, |e| e.id) {
            if !q[i].acked {
                q[i].acked = true;
                self.outstanding -= 1;
            }
        }
    }

    /// Removes the acknowledged prefix of every partition and returns, per partition, the
    /// offset of the last record removed.
    pub fn committable_offsets(&mut self) -> Vec<(SourceMap, SourceMap)> {
        let mut out = Vec::new();
        for (partition, q) in &mut self.partitions {
            let mut last = None;
            while q.front().is_some_and(|e| e.acked) {
                last = q.pop_front().map(|e| e.offset);
            }
            if let Some(o) = last {
                out.push((partition.clone(), o));
            }
        }
        out
    }

    /// Records submitted but not yet acknowledged.
    pub fn outstanding(&self) -> usize {
        self.outstanding
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value as Json};

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
