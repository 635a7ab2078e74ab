//! Class names, config keys and `ConfigDef`s of Kafka's `connect-file` connectors, plus the
//! offset checks `FileStreamSourceConnector.alterOffsets` performs.

use connect_api::config::{ConfigDef, ConfigKey, ConfigType, Importance, Validator};
use connect_api::{ConnectError, ConnectResult, OffsetsToAlter, Props};

pub const SOURCE_CONNECTOR_CLASS: &str = "org.apache.kafka.connect.file.FileStreamSourceConnector";
pub const SOURCE_TASK_CLASS: &str = "org.apache.kafka.connect.file.FileStreamSourceTask";
pub const SINK_CONNECTOR_CLASS: &str = "org.apache.kafka.connect.file.FileStreamSinkConnector";
pub const SINK_TASK_CLASS: &str = "org.apache.kafka.connect.file.FileStreamSinkTask";

pub const FILE_CONFIG: &str = "file";
pub const TOPIC_CONFIG: &str = "topic";
pub const TASK_BATCH_SIZE_CONFIG: &str = "batch.size";
pub const DEFAULT_TASK_BATCH_SIZE: i64 = 2000;

/// Source partition key: the configured path (`null` for stdin).
pub const FILENAME_FIELD: &str = "filename";
/// Source offset key: byte position just after the last emitted line.
pub const POSITION_FIELD: &str = "position";

/// Same keys, types, defaults, importance and validators as Kafka's source `CONFIG_DEF`, so
/// `/config` and `/config/validate` answer alike. Kafka types `topic` as a STRING with only a
/// non-empty check: one topic name, no list splitting.
pub fn source_config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(
                FILE_CONFIG,
                ConfigType::String,
                Importance::High,
                "Source filename. If not specified, the standard input will be used",
            )
            .default_null(),
        )
        .define(
            ConfigKey::new(
                TOPIC_CONFIG,
                ConfigType::String,
                Importance::High,
                "The topic to publish data to",
            )
            .validator(Validator::NonEmptyString),
        )
        .define(
            ConfigKey::new(
                TASK_BATCH_SIZE_CONFIG,
                ConfigType::Int,
                Importance::Low,
                "The maximum number of records the source task can read from the file each time it is polled",
            )
            .default_value(DEFAULT_TASK_BATCH_SIZE.to_string()),
        )
}

pub fn sink_config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(
            FILE_CONFIG,
            ConfigType::String,
            Importance::High,
            "Destination filename. If not specified, the standard output will be used",
        )
        .default_null(),
    )
}

/// The typed source settings shared by connector and task.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSettings {
    /// `None`: read standard input.
    pub filename: Option<String>,
    pub topic: String,
    pub batch_size: i64,
}

impl SourceSettings {
    pub fn parse(props: &Props) -> ConnectResult<Self> {
        let parsed = source_config_def().parse(props)?;
        Ok(SourceSettings {
            filename: non_empty(parsed.string(FILE_CONFIG)),
            topic: parsed.string(TOPIC_CONFIG).unwrap_or_default(),
            batch_size: parsed
                .int(TASK_BATCH_SIZE_CONFIG)
                .unwrap_or(DEFAULT_TASK_BATCH_SIZE),
        })
    }
}

/// `None` means standard output.
pub fn sink_filename(props: &Props) -> ConnectResult<Option<String>> {
    let parsed = sink_config_def().parse(props)?;
    Ok(non_empty(parsed.string(FILE_CONFIG)))
}

/// Kafka treats an empty `file` like an absent one (stdin / stdout).
fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|f| !f.is_empty())
}

/// Kafka's `FileStreamSourceConnector.alterOffsets` rules: offsets can only be altered when a
/// real file is configured; a reset (`None`) is always allowed so stale partitions can be
/// cleaned up; otherwise the offset needs a non-negative integer `position` and the partition
/// a `filename`.
pub fn check_source_offsets(config: &Props, offsets: &OffsetsToAlter) -> ConnectResult<()> {
    let settings = source_config_def().parse(config)?;
    if non_empty(settings.string(FILE_CONFIG)).is_none() {
        return Err(ConnectError::connect(format!(
            "Offsets cannot be modified if the '{FILE_CONFIG}' configuration is unspecified, \
             because standard input is read and its offsets are not tracked."
        )));
    }
    let entries = match offsets {
        OffsetsToAlter::Source(entries) => entries,
        OffsetsToAlter::Sink(_) => {
            return Err(ConnectError::connect(
                "Sink offsets were given to a source connector",
            ))
        }
    };
    for (partition, offset) in entries {
        let Some(offset) = offset else { continue };
        let position = offset.get(POSITION_FIELD).ok_or_else(|| {
            ConnectError::connect(format!(
                "An offset must be null (a reset) or contain the key '{POSITION_FIELD}'"
            ))
        })?;
        // A JSON integer that fits i64 is what Kafka's `instanceof Long` accepts.
        let position = position.as_i64().ok_or_else(|| {
            ConnectError::connect(format!(
                "The offset's '{POSITION_FIELD}' must be an integer (a byte position in the file)"
            ))
        })?;
        if position < 0 {
            return Err(ConnectError::connect(format!(
                "The offset's '{POSITION_FIELD}' must not be negative"
            )));
        }
        if !partition.contains_key(FILENAME_FIELD) {
            return Err(ConnectError::connect(format!(
                "A source partition must contain the key '{FILENAME_FIELD}'"
            )));
        }
    }
    Ok(())
}
