//! Assign-mode consumer over the embedded log.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use connect_api::TopicPartition;
use tokio::time::Instant;

use super::{Inner, MAX_POLL_BYTES_PER_PARTITION};
use crate::transport::{ConsumedMessage, TransportConsumer, TransportError, TransportResult};

pub struct EmbeddedConsumer {
    inner: Arc<Inner>,
    group: String,
    /// Assigned partitions and the next offset to read from each.
    positions: BTreeMap<TopicPartition, i64>,
    paused: BTreeSet<TopicPartition>,
    /// Rotates which partition is read first, so one busy partition can't starve the rest.
    rotation: usize,
}

impl EmbeddedConsumer {
    pub(super) fn new(inner: Arc<Inner>, group: &str) -> Self {
        EmbeddedConsumer {
            inner,
            group: group.to_string(),
            positions: BTreeMap::new(),
            paused: BTreeSet::new(),
            rotation: 0,
        }
    }

    /// Reads what is available now from unpaused partitions, advancing positions.
    async fn read_available(&mut self, max: usize) -> TransportResult<Vec<ConsumedMessage>> {
        let mut ready: Vec<(TopicPartition, i64)> = self
            .positions
            .iter()
            .filter(|(tp, _)| !self.paused.contains(*tp))
            .filter(|(tp, &pos)| {
                self.inner
                    .partition(tp)
                    .is_some_and(|p| p.end_offset() > pos)
            })
            .map(|(tp, &pos)| (tp.clone(), pos))
            .collect();
        if ready.is_empty() {
            return Ok(Vec::new());
        }
        let shift = self.rotation % ready.len();
        ready.rotate_left(shift);
        self.rotation = self.rotation.wrapping_add(1);

        let inner = self.inner.clone();
        let messages = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for (tp, pos) in ready {
                let room = max - out.len();
                if room == 0 {
                    break;
                }
                let Some(log) = inner.partition(&tp) else {
                    continue;
                };
                for r in log.read(pos, room, MAX_POLL_BYTES_PER_PARTITION)? {
                    out.push(ConsumedMessage {
                        topic: tp.topic.clone(),
                        partition: tp.partition,
                        offset: r.offset,
                        key: r.key,
                        value: r.value,
                        headers: r.headers,
                        timestamp: r.timestamp,
                    });
                }
            }
            Ok::<_, TransportError>(out)
        })
        .await
        .map_err(|e| TransportError::Fatal(format!("embedded log: read task failed: {e}")))??;

        for m in &messages {
            if let Some(pos) = self.positions.get_mut(&m.topic_partition()) {
                *pos = m.offset + 1;
            }
        }
        Ok(messages)
    }
}

#[async_trait]
impl TransportConsumer for EmbeddedConsumer {
    async fn assign(&mut self, partitions: Vec<TopicPartition>) -> TransportResult<()> {
        let committed = self.inner.committed(&self.group);
        let mut positions = BTreeMap::new();
        for tp in partitions {
            // Kept partitions keep their position, like Kafka's `assign`.
            let pos = self
                .positions
                .get(&tp)
                .or_else(|| committed.get(&tp))
                .copied()
                .unwrap_or(0);
            positions.insert(tp, pos);
        }
        self.paused.retain(|tp| positions.contains_key(tp));
        self.positions = positions;
        Ok(())
    }

    fn assignment(&self) -> Vec<TopicPartition> {
        self.positions.keys().cloned().collect()
    }

    /// Ignored for partitions not assigned (Kafka throws there; nothing to move here).
    fn seek(&mut self, tp: &TopicPartition, offset: i64) {
        if let Some(pos) = self.positions.get_mut(tp) {
            *pos = offset.max(0);
        }
    }

    fn position(&self, tp: &TopicPartition) -> Option<i64> {
        self.positions.get(tp).copied()
    }

    fn pause(&mut self, partitions: &[TopicPartition]) {
        for tp in partitions {
            if self.positions.contains_key(tp) {
                self.paused.insert(tp.clone());
            }
        }
    }

    fn resume(&mut self, partitions: &[TopicPartition]) {
        for tp in partitions {
            self.paused.remove(tp);
        }
    }

    async fn poll(
        &mut self,
        max: usize,
        timeout: Duration,
    ) -> TransportResult<Vec<ConsumedMessage>> {
        let deadline = Instant::now() + timeout;
        // Own handle: the `Notified` future borrows it while `self` is borrowed mutably.
        let inner = self.inner.clone();
        loop {
            // Register for the wake-up before looking, so an append landing between the
            // look and the wait is not missed.
            let appended = inner.appended.notified();
            tokio::pin!(appended);
            appended.as_mut().enable();

            if max == 0 {
                return Ok(Vec::new());
            }
            let messages = self.read_available(max).await?;
            if !messages.is_empty() || Instant::now() >= deadline {
                return Ok(messages);
            }
            tokio::select! {
                _ = &mut appended => {}
                _ = tokio::time::sleep_until(deadline) => return Ok(Vec::new()),
            }
        }
    }

    async fn commit(&mut self, offsets: &BTreeMap<TopicPartition, i64>) -> TransportResult<()> {
        self.inner.commit(&self.group, offsets).await
    }
}
