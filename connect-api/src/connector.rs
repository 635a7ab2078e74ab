//! Connectors and tasks with Kafka's lifecycle: a connector splits work into task configs;
//! tasks move records. Contexts are how plugins talk back to the runtime.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::config::{ConfigDef, ConfigValue, Props};
use crate::errors::{ConnectError, ConnectResult};
use crate::offset::OffsetStorageReader;
use crate::record::{
    ConvertedSourceRecord, RecordMetadata, SinkRecord, SourceMap, SourceRecord, TopicPartition,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectorType {
    Source,
    Sink,
}

impl ConnectorType {
    pub fn name(self) -> &'static str {
        match self {
            ConnectorType::Source => "source",
            ConnectorType::Sink => "sink",
        }
    }
}

/// Offsets handed to [`Connector::alter_offsets`]; `None` resets a partition.
#[derive(Debug, Clone, PartialEq)]
pub enum OffsetsToAlter {
    Source(Vec<(SourceMap, Option<SourceMap>)>),
    Sink(Vec<(TopicPartition, Option<i64>)>),
}

/// `ConnectorContext` / `SourceConnectorContext`.
pub trait ConnectorContext: Send + Sync {
    /// Ask the runtime to call `task_configs` again (e.g. the set of inputs changed).
    fn request_task_reconfiguration(&self);
    /// Mark the connector FAILED; its tasks keep running (Kafka's behaviour).
    fn raise_error(&self, error: ConnectError);
    /// Source connectors only.
    fn offset_storage_reader(&self) -> Option<Arc<dyn OffsetStorageReader>>;
}

#[async_trait]
pub trait Connector: Send + Sync {
    fn connector_type(&self) -> ConnectorType;
    fn version(&self) -> String;
    fn config_def(&self) -> ConfigDef;
    /// Multi-key validation; the default checks each key against `config_def`.
    fn validate(&self, props: &Props) -> Vec<ConfigValue> {
        self.config_def().validate(props)
    }
    async fn start(
        &mut self,
        context: Arc<dyn ConnectorContext>,
        props: Props,
    ) -> ConnectResult<()>;
    /// The registered class name of this connector's task (becomes `task.class`).
    fn task_class(&self) -> &'static str;
    async fn task_configs(&mut self, max_tasks: usize) -> ConnectResult<Vec<Props>>;
    async fn stop(&mut self) -> ConnectResult<()>;
    /// Returns true if the connector handled offsets itself (Kafka's `alterOffsets`).
    fn alter_offsets(&self, _config: &Props, _offsets: &OffsetsToAlter) -> ConnectResult<bool> {
        Ok(false)
    }
}

pub trait SourceTaskContext: Send + Sync {
    fn configs(&self) -> Props;
    fn offset_storage_reader(&self) -> Arc<dyn OffsetStorageReader>;
}

#[async_trait]
pub trait SourceTask: Send {
    fn version(&self) -> String;
    async fn start(
        &mut self,
        context: Arc<dyn SourceTaskContext>,
        props: Props,
    ) -> ConnectResult<()>;
    /// `Ok(None)` or an empty batch: nothing now. Should return periodically (about a
    /// second when idle). The worker drops a pending `poll` future when the task is paused or
    /// stopped, so keep read state in `self` rather than across an `.await`.
    async fn poll(&mut self) -> ConnectResult<Option<Vec<SourceRecord>>>;
    /// Called after every successful offset flush.
    async fn commit(&mut self) -> ConnectResult<()> {
        Ok(())
    }
    /// Called once per record: `Some` when the transport acknowledged it, `None` when an SMT
    /// dropped it or its failure was tolerated. Receives the pre-transformation record.
    fn commit_record(
        &mut self,
        _record: &SourceRecord,
        _metadata: Option<&RecordMetadata>,
    ) -> ConnectResult<()> {
        Ok(())
    }
    async fn stop(&mut self) -> ConnectResult<()>;

    /// True for tasks whose host runtime applies SMTs and converters itself (the JVM bridge,
    /// where Kafka's own classes do it): the worker then calls [`poll_converted`] instead of
    /// `poll`, and [`commit_converted`] instead of `commit_record`.
    ///
    /// [`poll_converted`]: SourceTask::poll_converted
    /// [`commit_converted`]: SourceTask::commit_converted
    fn converts_records(&self) -> bool {
        false
    }
    async fn poll_converted(&mut self) -> ConnectResult<Option<Vec<ConvertedSourceRecord>>> {
        Err(crate::errors::ConnectError::connect(
            "this task does not convert its own records",
        ))
    }
    fn commit_converted(
        &mut self,
        _seq: i64,
        _metadata: Option<&RecordMetadata>,
    ) -> ConnectResult<()> {
        Ok(())
    }
}

/// `ErrantRecordReporter`: resolves once the record is in the DLQ / log.
#[async_trait]
pub trait ErrantRecordReporter: Send + Sync {
    async fn report(&self, record: &SinkRecord, error: &ConnectError) -> ConnectResult<()>;
    /// A failure a host runtime met in one of Kafka's stages (`VALUE_CONVERTER`, …) while
    /// running `executing_class`: the DLQ headers name them as Kafka's would.
    async fn report_stage(
        &self,
        record: &SinkRecord,
        error: &ConnectError,
        _stage: &str,
        _executing_class: &str,
    ) -> ConnectResult<()> {
        self.report(record, error).await
    }
}

pub trait SinkTaskContext: Send + Sync {
    fn configs(&self) -> Props;
    /// Rewind/skip: applied before the next poll (and right after `open`).
    fn offset(&self, partition: TopicPartition, offset: i64);
    fn offsets(&self, offsets: BTreeMap<TopicPartition, i64>) {
        for (tp, o) in offsets {
            self.offset(tp, o);
        }
    }
    /// Cap the next poll after a `RetriableException`.
    fn timeout(&self, timeout_ms: u64);
    fn assignment(&self) -> Vec<TopicPartition>;
    fn pause(&self, partitions: &[TopicPartition]) -> ConnectResult<()>;
    fn resume(&self, partitions: &[TopicPartition]) -> ConnectResult<()>;
    fn request_commit(&self);
    /// Some only when a DLQ topic or `errors.log.enable` is configured.
    fn errant_record_reporter(&self) -> Option<Arc<dyn ErrantRecordReporter>>;
}

/// Offsets per partition as the *next* offset to read (Kafka's `OffsetAndMetadata`).
pub type CommitOffsets = BTreeMap<TopicPartition, i64>;

#[async_trait]
pub trait SinkTask: Send {
    fn version(&self) -> String;
    async fn start(&mut self, context: Arc<dyn SinkTaskContext>, props: Props)
        -> ConnectResult<()>;
    async fn open(&mut self, _partitions: &[TopicPartition]) -> ConnectResult<()> {
        Ok(())
    }
    /// Called every loop iteration, even with no records.
    async fn put(&mut self, records: Vec<SinkRecord>) -> ConnectResult<()>;
    async fn flush(&mut self, _offsets: &CommitOffsets) -> ConnectResult<()> {
        Ok(())
    }
    /// What the runtime may commit; the default flushes and returns `offsets`.
    async fn pre_commit(&mut self, offsets: CommitOffsets) -> ConnectResult<CommitOffsets> {
        self.flush(&offsets).await?;
        Ok(offsets)
    }
    async fn close(&mut self, _partitions: &[TopicPartition]) -> ConnectResult<()> {
        Ok(())
    }
    async fn stop(&mut self) -> ConnectResult<()>;

    /// True for tasks whose host runtime applies converters and SMTs itself (the JVM
    /// bridge): `put` then receives records exactly as consumed, key and value as
    /// `Value::Bytes` (or null) and headers as bytes.
    fn converts_records(&self) -> bool {
        false
    }
}
