//! The record transport seam: what the worker needs from a log. The embedded log
//! implements it for the no-broker default; RocketMQ implements the same trait.
//!
//! Partitions are Kafka-visible integers everywhere above this trait; an implementation maps
//! them to its own queues (RocketMQ: a stable registry of `(brokerName, queueId)`).

pub mod embedded;
pub mod rocketmq;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use connect_api::{RecordMetadata, TopicPartition};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Worth retrying (broker unavailable, timeout, throttled).
    #[error("{0}")]
    Retriable(String),
    /// The record can never be accepted (too large, invalid topic name).
    #[error("{0}")]
    Rejected(String),
    #[error("unknown topic {0}")]
    UnknownTopic(String),
    #[error("{0}")]
    Fatal(String),
}

impl TransportError {
    pub fn is_retriable(&self) -> bool {
        matches!(self, TransportError::Retriable(_))
    }
}

pub type TransportResult<T> = Result<T, TransportError>;

/// A header value crosses as raw bytes (`None` = a null header value).
pub type RawHeader = (String, Option<Vec<u8>>);

/// A record after conversion, ready for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMessage {
    pub topic: String,
    /// `None`: the transport picks (murmur2 of the key like Kafka, round-robin without a key).
    pub partition: Option<i32>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<RawHeader>,
    pub timestamp: Option<i64>,
}

/// A record read from the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumedMessage {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<RawHeader>,
    pub timestamp: Option<i64>,
}

impl ConsumedMessage {
    pub fn topic_partition(&self) -> TopicPartition {
        TopicPartition::new(self.topic.clone(), self.partition)
    }
}

/// How to create a topic (from `topic.creation.*` or worker defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub partitions: u32,
    /// Extra topic configs; a transport keeps those it understands.
    pub configs: BTreeMap<String, String>,
}

impl TopicSpec {
    pub fn with_partitions(partitions: u32) -> Self {
        TopicSpec {
            partitions,
            configs: BTreeMap::new(),
        }
    }
}

#[async_trait]
pub trait RecordTransport: Send + Sync + 'static {
    /// Short name for logs and `/` (`embedded`, `rocketmq`).
    fn kind(&self) -> &'static str;

    /// Creates the topic if missing. Returns true when this call created it.
    async fn create_topic(&self, topic: &str, spec: &TopicSpec) -> TransportResult<bool>;

    /// Number of partitions, or `None` when the topic does not exist.
    async fn partition_count(&self, topic: &str) -> TransportResult<Option<u32>>;

    async fn list_topics(&self) -> TransportResult<Vec<String>>;

    /// Sends a batch. Resolves once every message is durably acknowledged or has failed;
    /// results are in input order. Callers bound how many batches are in flight. The batch
    /// is shared so a caller can resend failed messages without copying every payload first.
    async fn send(&self, batch: Arc<[OutboundMessage]>) -> Vec<TransportResult<RecordMetadata>>;

    /// A consumer for `group` with nothing assigned yet.
    async fn consumer(&self, group: &str) -> TransportResult<Box<dyn TransportConsumer>>;

    /// The group's committed next-offsets.
    async fn committed_offsets(
        &self,
        group: &str,
    ) -> TransportResult<BTreeMap<TopicPartition, i64>>;

    /// Overwrites committed offsets (used by the offsets REST endpoints too).
    async fn commit_offsets(
        &self,
        group: &str,
        offsets: &BTreeMap<TopicPartition, i64>,
    ) -> TransportResult<()>;

    /// Forgets a group's offsets; a missing group is not an error.
    async fn delete_group(&self, group: &str) -> TransportResult<()>;

    /// The offset the next appended message will get.
    async fn end_offset(&self, tp: &TopicPartition) -> TransportResult<i64>;

    /// Messages not yet committed by `group`, per partition it has committed on
    /// (Kafka's consumer lag; per queue on RocketMQ).
    async fn consumer_lag(&self, group: &str) -> TransportResult<BTreeMap<TopicPartition, i64>> {
        let mut lag = BTreeMap::new();
        for (tp, committed) in self.committed_offsets(group).await? {
            let end = self.end_offset(&tp).await?;
            lag.insert(tp, (end - committed).max(0));
        }
        Ok(lag)
    }
}

/// Assign-mode consumer (Kafka `assign`/`seek`/`commitSync`, RocketMQ lite-pull).
#[async_trait]
pub trait TransportConsumer: Send {
    /// Replaces the assignment. New partitions start at the committed offset, or at the
    /// beginning when the group has none (Kafka Connect's `auto.offset.reset=earliest`).
    async fn assign(&mut self, partitions: Vec<TopicPartition>) -> TransportResult<()>;
    fn assignment(&self) -> Vec<TopicPartition>;
    fn seek(&mut self, tp: &TopicPartition, offset: i64);
    fn position(&self, tp: &TopicPartition) -> Option<i64>;
    fn pause(&mut self, partitions: &[TopicPartition]);
    fn resume(&mut self, partitions: &[TopicPartition]);
    /// Up to `max` messages from unpaused partitions; waits at most `timeout` when none.
    async fn poll(
        &mut self,
        max: usize,
        timeout: Duration,
    ) -> TransportResult<Vec<ConsumedMessage>>;
    async fn commit(&mut self, offsets: &BTreeMap<TopicPartition, i64>) -> TransportResult<()>;
}

/// Retries messages that failed with a retriable error (broker restarting, name server
/// unreachable) until `delivery_timeout`, so an outage shorter than that loses nothing and
/// fails nothing; permanent rejections are returned as they are. Failed messages are resent
/// in their original order, so a partition's order holds.
pub async fn send_with_retry(
    transport: &dyn RecordTransport,
    messages: Arc<[OutboundMessage]>,
    delivery_timeout: Duration,
) -> Vec<TransportResult<RecordMetadata>> {
    let deadline = std::time::Instant::now() + delivery_timeout;
    let mut results = transport.send(messages.clone()).await;
    let mut backoff = Duration::from_millis(100);
    let mut logged = false;
    while std::time::Instant::now() + backoff < deadline {
        let retry: Vec<usize> = results
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, Err(e) if e.is_retriable()))
            .map(|(i, _)| i)
            .collect();
        if retry.is_empty() {
            break;
        }
        if !logged {
            if let Some(Err(e)) = results.get(retry[0]) {
                tracing::warn!(error = %e, records = retry.len(), "send failed; retrying until the delivery timeout");
            }
            logged = true;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
        // Only the failed messages are copied, and only when a retry is needed.
        let again: Arc<[OutboundMessage]> = retry.iter().map(|&i| messages[i].clone()).collect();
        for (i, r) in retry.into_iter().zip(transport.send(again).await) {
            results[i] = r;
        }
    }
    results
}

/// Kafka's murmur2 (the default partitioner's hash), so keyed records land on the
/// partition a Kafka producer would choose.
pub fn murmur2(data: &[u8]) -> i32 {
    let length = data.len() as i32;
    let seed: u32 = 0x9747_b28c;
    let m: u32 = 0x5bd1_e995;
    let r = 24;
    let mut h: u32 = seed ^ (length as u32);
    let chunks = data.len() / 4;
    for i in 0..chunks {
        let i4 = i * 4;
        let mut k = u32::from(data[i4])
            | (u32::from(data[i4 + 1]) << 8)
            | (u32::from(data[i4 + 2]) << 16)
            | (u32::from(data[i4 + 3]) << 24);
        k = k.wrapping_mul(m);
        k ^= k >> r;
        k = k.wrapping_mul(m);
        h = h.wrapping_mul(m);
        h ^= k;
    }
    let tail = chunks * 4;
    let rem = data.len() % 4;
    if rem == 3 {
        h ^= u32::from(data[tail + 2]) << 16;
    }
    if rem >= 2 {
        h ^= u32::from(data[tail + 1]) << 8;
    }
    if rem >= 1 {
        h ^= u32::from(data[tail]);
        h = h.wrapping_mul(m);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(m);
    h ^= h >> 15;
    h as i32
}

/// `Utils.toPositive(murmur2(key)) % n`.
pub fn partition_for_key(key: &[u8], partitions: u32) -> i32 {
    let positive = (murmur2(key) & 0x7fff_ffff) as u32;
    (positive % partitions.max(1)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur2_matches_kafka_vectors() {
        // Values from Kafka's UtilsTest.testMurmur2.
        assert_eq!(murmur2(b"21"), -973932308);
        assert_eq!(murmur2(b"foobar"), -790332482);
        assert_eq!(murmur2(b"a-little-bit-long-string"), -985981536);
        assert_eq!(murmur2(b"a-little-bit-longer-string"), -1486304829);
        assert_eq!(
            murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"),
            -58897971
        );
        assert_eq!(murmur2(b"abc"), 479470107);
    }
}
