//! Class names, config keys and the `ConfigDef` of the datagen source.

use connect_api::config::{ConfigDef, ConfigKey, ConfigType, Importance, Validator};
use connect_api::{ConnectError, ConnectResult, Props};

pub const CONNECTOR_CLASS: &str = "io.connectgateway.connect.datagen.DatagenSourceConnector";
pub const TASK_CLASS: &str = "io.connectgateway.connect.datagen.DatagenSourceTask";

pub const TOPIC_CONFIG: &str = "topic";
pub const RATE_CONFIG: &str = "rate";
pub const RECORD_SIZE_CONFIG: &str = "record.size";
pub const KEY_CARDINALITY_CONFIG: &str = "key.cardinality";
pub const MAX_RECORDS_CONFIG: &str = "max.records";
pub const BATCH_SIZE_CONFIG: &str = "batch.size";
pub const BINARY_KEYS_CONFIG: &str = "binary.keys";
pub const BINARY_HEADERS_CONFIG: &str = "binary.headers";
pub const TOMBSTONE_EVERY_CONFIG: &str = "tombstone.every";
/// Set by the connector in each task config; not a user setting.
pub const TASK_ID_CONFIG: &str = "task.id";

/// Header naming the generating task (decimal string).
pub const TASK_HEADER: &str = "datagen.task";
/// Header carrying the per-task sequence number (decimal string, from 0).
pub const SEQ_HEADER: &str = "datagen.seq";
/// With `binary.headers`: a header whose value is bytes that are not valid UTF-8.
pub const BINARY_HEADER: &str = "datagen.binary";

/// Source partition key (task id) and offset key (last sequence number sent).
pub const PARTITION_TASK_FIELD: &str = "task";
pub const OFFSET_SEQ_FIELD: &str = "seq";

pub fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(
                TOPIC_CONFIG,
                ConfigType::String,
                Importance::High,
                "The topic to write generated records to",
            )
            .validator(Validator::NonEmptyString),
        )
        .define(
            ConfigKey::new(
                RATE_CONFIG,
                ConfigType::Double,
                Importance::Medium,
                "Records per second each task generates; 0 means as fast as the worker takes them",
            )
            .default_value("0")
            .validator(Validator::at_least(0.0)),
        )
        .define(
            ConfigKey::new(
                RECORD_SIZE_CONFIG,
                ConfigType::Int,
                Importance::Medium,
                "Size of each record value in bytes (the value starts with the sequence number, so it is never shorter than that)",
            )
            .default_value("100")
            .validator(Validator::at_least(0.0)),
        )
        .define(
            ConfigKey::new(
                KEY_CARDINALITY_CONFIG,
                ConfigType::Int,
                Importance::Medium,
                "Number of distinct record keys; record n gets key n modulo this",
            )
            .default_value("100")
            .validator(Validator::at_least(1.0)),
        )
        .define(
            ConfigKey::new(
                MAX_RECORDS_CONFIG,
                ConfigType::Long,
                Importance::Medium,
                "Records each task generates in total (across restarts); -1 for no limit",
            )
            .default_value("-1")
            .validator(Validator::at_least(-1.0)),
        )
        .define(
            ConfigKey::new(
                BATCH_SIZE_CONFIG,
                ConfigType::Int,
                Importance::Low,
                "Most records returned by one poll",
            )
            .default_value("1000")
            .validator(Validator::at_least(1.0)),
        )
        .define(
            ConfigKey::new(
                BINARY_KEYS_CONFIG,
                ConfigType::Boolean,
                Importance::Low,
                "Use raw byte keys that are not valid UTF-8 instead of 'key-<n>' strings",
            )
            .default_value("false"),
        )
        .define(
            ConfigKey::new(
                BINARY_HEADERS_CONFIG,
                ConfigType::Boolean,
                Importance::Low,
                "Add a 'datagen.binary' header whose value is bytes that are not valid UTF-8",
            )
            .default_value("false"),
        )
        .define(
            ConfigKey::new(
                TOMBSTONE_EVERY_CONFIG,
                ConfigType::Long,
                Importance::Low,
                "Every n-th record has a null value (a tombstone); 0 for never",
            )
            .default_value("0")
            .validator(Validator::at_least(0.0)),
        )
}

/// Typed task settings.
#[derive(Debug, Clone, PartialEq)]
pub struct DatagenSettings {
    pub topic: String,
    pub rate: f64,
    pub record_size: usize,
    pub key_cardinality: u64,
    /// `None`: unlimited.
    pub max_records: Option<u64>,
    pub batch_size: usize,
    pub binary_keys: bool,
    pub binary_headers: bool,
    /// `None`: never.
    pub tombstone_every: Option<u64>,
    pub task_id: u32,
}

impl DatagenSettings {
    pub fn parse(props: &Props) -> ConnectResult<Self> {
        let p = config_def().parse(props)?;
        let task_id = match props.get(TASK_ID_CONFIG) {
            None => 0,
            Some(raw) => raw.trim().parse::<u32>().map_err(|_| {
                ConnectError::config(format!(
                    "Invalid value {raw} for configuration {TASK_ID_CONFIG}: expected a task number"
                ))
            })?,
        };
        // The validators above guarantee the ranges, so the conversions can't fail.
        let non_negative = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
        Ok(DatagenSettings {
            topic: p.string(TOPIC_CONFIG).unwrap_or_default(),
            rate: p.double(RATE_CONFIG).unwrap_or(0.0),
            record_size: non_negative(p.int(RECORD_SIZE_CONFIG)).unwrap_or(100) as usize,
            key_cardinality: non_negative(p.int(KEY_CARDINALITY_CONFIG))
                .unwrap_or(100)
                .max(1),
            max_records: non_negative(p.int(MAX_RECORDS_CONFIG)),
            batch_size: non_negative(p.int(BATCH_SIZE_CONFIG))
                .unwrap_or(1000)
                .max(1) as usize,
            binary_keys: p.boolean(BINARY_KEYS_CONFIG).unwrap_or(false),
            binary_headers: p.boolean(BINARY_HEADERS_CONFIG).unwrap_or(false),
            tombstone_every: non_negative(p.int(TOMBSTONE_EVERY_CONFIG)).filter(|n| *n > 0),
            task_id,
        })
    }
}
