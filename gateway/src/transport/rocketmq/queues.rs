//! Kafka partition ↔ RocketMQ queue: a registry, not arithmetic.
//!
//! A topic's queues are `(brokerName, queueId)` pairs that can live on several brokers.
//! The first time a topic is seen its queues are numbered in `(brokerName, queueId)`
//! order; queues that appear later (a broker added, queues raised) get the next numbers.
//! Numbers are never reused or reordered, so a partition keeps its meaning for source
//! offsets, sink commits and keyed partitioning. With a registry file the numbering also
//! survives restarts.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QueueRef {
    pub broker: String,
    pub queue_id: i32,
}

#[derive(Debug, Default)]
pub struct QueueRegistry {
    topics: Mutex<BTreeMap<String, Vec<QueueRef>>>,
    file: Option<PathBuf>,
}

impl QueueRegistry {
    pub fn in_memory() -> Self {
        QueueRegistry::default()
    }

    /// Loads the registry kept in `file` (missing file = empty registry).
    pub fn open(file: PathBuf) -> Result<Self, String> {
        let topics = match std::fs::read(&file) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("corrupt RocketMQ queue registry {}: {e}", file.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", file.display())),
        };
        Ok(QueueRegistry {
            topics: Mutex::new(topics),
            file: Some(file),
        })
    }

    /// Merges the queues the route shows now and returns the partition → queue table.
    pub fn register(&self, topic: &str, mut current: Vec<QueueRef>) -> Vec<QueueRef> {
        current.sort();
        let mut topics = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        let known = topics.entry(topic.to_string()).or_default();
        let before = known.len();
        for q in current {
            if !known.contains(&q) {
                known.push(q);
            }
        }
        let table = known.clone();
        if table.len() != before {
            if let Some(file) = &self.file {
                // Best effort: a lost write only means the next start numbers new queues
                // the same deterministic way.
                match serde_json::to_vec_pretty(&*topics) {
                    Ok(bytes) => {
                        if let Err(e) = crate::storage::atomic::write_atomic(file, &bytes) {
                            tracing::warn!(file = %file.display(), error = %e, "cannot persist the RocketMQ queue registry");
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot encode the RocketMQ queue registry")
                    }
                }
            }
        }
        table
    }

    pub fn known(&self, topic: &str) -> Option<Vec<QueueRef>> {
        let topics = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        topics.get(topic).cloned()
    }

    pub fn partition_of(&self, topic: &str, queue: &QueueRef) -> Option<i32> {
        let topics = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        let pos = topics.get(topic)?.iter().position(|q| q == queue)?;
        i32::try_from(pos).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(broker: &str, id: i32) -> QueueRef {
        QueueRef {
            broker: broker.into(),
            queue_id: id,
        }
    }

    #[test]
    fn first_sight_is_sorted_later_queues_append() {
        let r = QueueRegistry::in_memory();
        let t = r.register("T", vec![q("b", 1), q("a", 0), q("b", 0)]);
        assert_eq!(t, vec![q("a", 0), q("b", 0), q("b", 1)]);
        // A new broker whose name sorts first must not renumber existing partitions.
        let t = r.register("T", vec![q("0", 0), q("a", 0), q("b", 0), q("b", 1)]);
        assert_eq!(t, vec![q("a", 0), q("b", 0), q("b", 1), q("0", 0)]);
        assert_eq!(r.partition_of("T", &q("0", 0)), Some(3));
        assert_eq!(r.partition_of("T", &q("z", 0)), None);
    }

    #[test]
    fn numbering_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("queues.json");
        let r = QueueRegistry::open(file.clone()).unwrap();
        r.register("T", vec![q("b", 0), q("a", 0)]);
        r.register("T", vec![q("0", 0)]);
        let again = QueueRegistry::open(file.clone()).unwrap();
        assert_eq!(
            again.known("T").unwrap(),
            vec![q("a", 0), q("b", 0), q("0", 0)]
        );
        std::fs::write(&file, b"{not json").unwrap();
        assert!(QueueRegistry::open(file).unwrap_err().contains("corrupt"));
    }
}
