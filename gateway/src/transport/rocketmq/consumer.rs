//! Sink-side consumer: a lite-pull consumer in assign mode (assign, seek, explicit commit),
//! which keeps Kafka's per-partition order and offset semantics. The push consumer is not
//! used: it commits by itself and reorders retried messages.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::Duration;

use async_trait::async_trait;
use cheetah_string::CheetahString;
use connect_api::TopicPartition;
use rocketmq_client_rust::DefaultLitePullConsumer;
use rocketmq_model::common::message::message_queue::MessageQueue;

use super::{codec, Client, Shared};
use crate::transport::{ConsumedMessage, TransportConsumer, TransportError, TransportResult};

pub(crate) struct RocketMqConsumer {
    shared: Shared,
    group: String,
    consumer: DefaultLitePullConsumer,
    queues: BTreeMap<TopicPartition, MessageQueue>,
    /// Next offset to hand out per partition; messages below it are stale prefetches.
    positions: HashMap<TopicPartition, i64>,
    pending_seeks: Vec<(TopicPartition, i64)>,
    paused: HashSet<TopicPartition>,
    pause_changed: bool,
    buffer: VecDeque<ConsumedMessage>,
}

impl RocketMqConsumer {
    pub(crate) async fn start(shared: Shared, group: &str) -> TransportResult<Self> {
        let config = &shared.client.config;
        let mut builder = DefaultLitePullConsumer::builder(shared.client.runtime.clone())
            .consumer_group(group)
            .name_server_addr(config.namesrv_addr.as_str())
            .auto_commit(false)
            .pull_batch_size(config.pull_batch_size.max(1));
        if let Some(hook) = Client::rpc_hook(config) {
            builder = builder.rpc_hook(hook);
        }
        let consumer = builder
            .build()
            .map_err(|e| super::classify(&e, "create the consumer"))?;
        consumer
            .start()
            .await
            .map_err(|e| super::classify(&e, "start the consumer"))?;
        Ok(RocketMqConsumer {
            shared,
            group: group.to_string(),
            consumer,
            queues: BTreeMap::new(),
            positions: HashMap::new(),
            pending_seeks: Vec::new(),
            paused: HashSet::new(),
            pause_changed: false,
            buffer: VecDeque::new(),
        })
    }

    /// Where a newly assigned partition starts: the group's committed offset, else the
    /// earliest message (Kafka Connect's `auto.offset.reset=earliest`).
    async fn start_offset(&self, mq: &MessageQueue) -> TransportResult<i64> {
        let min = self.shared.client.min_offset(mq).await?;
        let committed = self.consumer.committed(mq).await.unwrap_or(-1);
        Ok(if committed < min { min } else { committed })
    }

    async fn apply_pending(&mut self) -> TransportResult<()> {
        for (tp, offset) in std::mem::take(&mut self.pending_seeks) {
            let Some(mq) = self.queues.get(&tp) else {
                continue;
            };
            if let Err(e) = self.consumer.seek(mq, offset).await {
                // Out of range: like Kafka's reset policy, restart from the earliest.
                tracing::warn!(topic = %tp.topic, partition = tp.partition, offset, error = %e, "seek failed; starting from the earliest offset");
                let start = self.start_offset(mq).await?;
                self.consumer
                    .seek(mq, start)
                    .await
                    .map_err(|e| super::classify(&e, "seek"))?;
                self.positions.insert(tp.clone(), start);
            }
            self.buffer
                .retain(|m| m.partition != tp.partition || m.topic != tp.topic);
        }
        if self.pause_changed {
            self.pause_changed = false;
            let (paused, running): (Vec<_>, Vec<_>) = self
                .queues
                .iter()
                .partition(|(tp, _)| self.paused.contains(*tp));
            let paused: Vec<MessageQueue> = paused.into_iter().map(|(_, q)| q.clone()).collect();
            let running: Vec<MessageQueue> = running.into_iter().map(|(_, q)| q.clone()).collect();
            if !paused.is_empty() {
                self.consumer.pause(paused).await;
            }
            if !running.is_empty() {
                self.consumer.resume(running).await;
            }
        }
        Ok(())
    }

    fn take_ready(&mut self, max: usize) -> Vec<ConsumedMessage> {
        let mut out = Vec::new();
        let mut kept = VecDeque::new();
        while let Some(m) = self.buffer.pop_front() {
            let tp = m.topic_partition();
            if out.len() >= max || self.paused.contains(&tp) {
                kept.push_back(m);
                continue;
            }
            match self.positions.get(&tp) {
                Some(&pos) if m.offset < pos => continue, // already handed out
                Some(_) => {}
                None => continue, // no longer assigned
            }
            self.positions.insert(tp, m.offset + 1);
            out.push(m);
        }
        self.buffer = kept;
        out
    }
}

#[async_trait]
impl TransportConsumer for RocketMqConsumer {
    async fn assign(&mut self, partitions: Vec<TopicPartition>) -> TransportResult<()> {
        let mut queues = BTreeMap::new();
        for tp in &partitions {
            queues.insert(tp.clone(), self.shared.queue_for(tp).await?);
        }
        self.consumer
            .assign(queues.values().cloned().collect())
            .await
            .map_err(|e| super::classify(&e, "assign queues"))?;
        let old = std::mem::replace(&mut self.queues, queues);
        self.positions.retain(|tp, _| self.queues.contains_key(tp));
        self.paused.retain(|tp| self.queues.contains_key(tp));
        self.buffer
            .retain(|m| self.queues.contains_key(&m.topic_partition()));
        for (tp, mq) in &self.queues {
            if old.contains_key(tp) {
                continue;
            }
            let start = self.start_offset(mq).await?;
            self.positions.insert(tp.clone(), start);
            self.pending_seeks.push((tp.clone(), start));
        }
        self.apply_pending().await
    }

    fn assignment(&self) -> Vec<TopicPartition> {
        self.queues.keys().cloned().collect()
    }

    fn seek(&mut self, tp: &TopicPartition, offset: i64) {
        if self.queues.contains_key(tp) {
            self.positions.insert(tp.clone(), offset);
            self.pending_seeks.push((tp.clone(), offset));
        }
    }

    fn position(&self, tp: &TopicPartition) -> Option<i64> {
        self.positions.get(tp).copied()
    }

    fn pause(&mut self, partitions: &[TopicPartition]) {
        for tp in partitions {
            self.pause_changed |= self.paused.insert(tp.clone());
        }
    }

    fn resume(&mut self, partitions: &[TopicPartition]) {
        for tp in partitions {
            self.pause_changed |= self.paused.remove(tp);
        }
    }

    async fn poll(
        &mut self,
        max: usize,
        timeout: Duration,
    ) -> TransportResult<Vec<ConsumedMessage>> {
        self.apply_pending().await?;
        let ready = self.take_ready(max);
        if !ready.is_empty() || self.queues.is_empty() {
            if ready.is_empty() {
                tokio::time::sleep(timeout).await;
            }
            return Ok(ready);
        }
        let timeout_ms = u64::try_from(timeout.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        for msg in self.consumer.poll_with_timeout_zero_copy(timeout_ms).await {
            let Some(tp) = self.shared.partition_of(&MessageQueue::from_parts(
                msg.topic().clone(),
                CheetahString::from(msg.broker_name()),
                msg.queue_id(),
            )) else {
                continue;
            };
            self.buffer
                .push_back(codec::decode(&msg, tp.topic.clone(), tp.partition));
        }
        Ok(self.take_ready(max))
    }

    async fn commit(&mut self, offsets: &BTreeMap<TopicPartition, i64>) -> TransportResult<()> {
        let mut map = HashMap::new();
        for (tp, offset) in offsets {
            match self.queues.get(tp) {
                Some(mq) => {
                    map.insert(mq.clone(), *offset);
                }
                None => {
                    return Err(TransportError::Rejected(format!(
                        "cannot commit {tp}: partition is not assigned to this consumer"
                    )))
                }
            }
        }
        for (mq, offset) in &map {
            self.shared.commit_offset(&self.group, mq, *offset).await?;
        }
        // Keep the client's own offset table in step, so its periodic persistence never
        // writes back an older position.
        if !map.is_empty() {
            self.consumer.commit_sync_with_map(map, false).await;
        }
        Ok(())
    }
}

impl Drop for RocketMqConsumer {
    fn drop(&mut self) {
        // Leave the group promptly so a rebalance does not wait for the heartbeat timeout.
        let consumer = self.consumer.clone();
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move { consumer.shutdown().await });
        }
    }
}
