//! Records: the part every record shares ([`ConnectRecord`], what SMTs see) plus the
//! source- and sink-specific coordinates.

use serde_json::{Map, Value as Json};

use crate::data::{SchemaRef, Value};
use crate::header::Headers;

/// A source partition or offset map: string keys, primitive JSON values (Kafka's rule).
pub type SourceMap = Map<String, Json>;

/// What Kafka's `ConnectRecord<R>` carries; transformations work on this.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectRecord {
    pub topic: String,
    pub kafka_partition: Option<i32>,
    pub key_schema: Option<SchemaRef>,
    pub key: Value,
    pub value_schema: Option<SchemaRef>,
    pub value: Value,
    /// Epoch millis; `None` when the record has none.
    pub timestamp: Option<i64>,
    pub headers: Headers,
    /// The offset of a sink record (`SinkRecord.kafkaOffset()`); `None` for source records,
    /// so SMTs can tell the two apart as Kafka's `requireSinkRecord` does.
    pub kafka_offset: Option<i64>,
}

impl ConnectRecord {
    pub fn new(topic: impl Into<String>, value_schema: Option<SchemaRef>, value: Value) -> Self {
        ConnectRecord {
            topic: topic.into(),
            kafka_partition: None,
            key_schema: None,
            key: Value::Null,
            value_schema,
            value,
            timestamp: None,
            headers: Headers::new(),
            kafka_offset: None,
        }
    }

    pub fn with_key(mut self, key_schema: Option<SchemaRef>, key: Value) -> Self {
        self.key_schema = key_schema;
        self.key = key;
        self
    }

    pub fn with_timestamp(mut self, ts: Option<i64>) -> Self {
        self.timestamp = ts;
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    pub source_partition: SourceMap,
    pub source_offset: SourceMap,
    pub record: ConnectRecord,
}

impl SourceRecord {
    pub fn new(
        source_partition: SourceMap,
        source_offset: SourceMap,
        record: ConnectRecord,
    ) -> Self {
        SourceRecord {
            source_partition,
            source_offset,
            record,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampType {
    NoTimestampType,
    CreateTime,
    LogAppendTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SinkRecord {
    pub record: ConnectRecord,
    pub kafka_offset: i64,
    pub timestamp_type: TimestampType,
    /// Coordinates before any SMT ran: offsets are committed against these.
    pub original_topic: String,
    pub original_kafka_partition: i32,
    pub original_kafka_offset: i64,
}

impl SinkRecord {
    pub fn new(record: ConnectRecord, partition: i32, offset: i64) -> Self {
        SinkRecord {
            original_topic: record.topic.clone(),
            original_kafka_partition: partition,
            original_kafka_offset: offset,
            record: ConnectRecord {
                kafka_partition: Some(partition),
                kafka_offset: Some(offset),
                ..record
            },
            kafka_offset: offset,
            timestamp_type: TimestampType::CreateTime,
        }
    }

    pub fn topic_partition(&self) -> TopicPartition {
        TopicPartition::new(self.original_topic.clone(), self.original_kafka_partition)
    }
}

/// Kafka's `TopicPartition`; for RocketMQ a stable mapping of a message queue.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: i32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl std::fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// What the transport reports when it acknowledged a source record (Kafka's `RecordMetadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMetadata {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub timestamp: Option<i64>,
}

/// A source record whose host runtime (the JVM bridge) already ran the transformation chain
/// and the converters: the worker only sends it and tracks its offset.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertedSourceRecord {
    /// The host's id of the pre-transformation record, handed back on commit.
    pub seq: i64,
    pub source_partition: SourceMap,
    pub source_offset: SourceMap,
    pub outcome: Converted,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Converted {
    Message {
        topic: String,
        partition: Option<i32>,
        key: Option<Vec<u8>>,
        value: Option<Vec<u8>>,
        headers: Vec<(String, Option<Vec<u8>>)>,
        timestamp: Option<i64>,
    },
    /// A transformation or predicate dropped it.
    Dropped,
    /// A stage failed and `errors.tolerance=all` skipped it. `stage` is Kafka's name of it
    /// (`TRANSFORMATION`, `KEY_CONVERTER`, `VALUE_CONVERTER`, `HEADER_CONVERTER`).
    Tolerated {
        stage: String,
        error: crate::errors::ConnectError,
    },
}
