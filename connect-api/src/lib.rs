//! Connect Gateway's connector API: Kafka Connect's connector, task, record, data, converter,
//! transformation and config model, in Rust. No runtime, transport or JVM lives here.

pub mod config;
pub mod connector;
pub mod converter;
pub mod data;
pub mod errors;
pub mod header;
pub mod offset;
pub mod plugin;
pub mod record;
pub mod transforms;

pub use config::{
    ConfigDef, ConfigKey, ConfigType, ConfigValue, Importance, Props, Validator, Width,
};
pub use connector::{
    CommitOffsets, Connector, ConnectorContext, ConnectorType, ErrantRecordReporter,
    OffsetsToAlter, SinkTask, SinkTaskContext, SourceTask, SourceTaskContext,
};
pub use converter::{Converter, HeaderConverter, SchemaAndValue};
pub use data::{Schema, SchemaBuilder, SchemaRef, SchemaType, Struct, Value};
pub use errors::{ConnectError, ConnectResult, ErrorKind};
pub use header::{Header, Headers};
pub use offset::OffsetStorageReader;
pub use plugin::{HostedConnector, HostedTaskSpec, PluginDesc, PluginFactory, PluginType};
pub use record::{
    ConnectRecord, Converted, ConvertedSourceRecord, RecordMetadata, SinkRecord, SourceMap,
    SourceRecord, TopicPartition,
};
pub use transforms::{Predicate, Transformation};

/// The version every native plugin reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
