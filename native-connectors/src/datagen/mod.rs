//! Datagen source: numbered records (headers `datagen.task` / `datagen.seq`) at a chosen
//! rate, size and key spread, for loss tests and benchmarks together with `verify`.

mod config;
mod source;
#[cfg(test)]
mod tests;

use connect_api::{PluginDesc, PluginFactory, PluginType};

pub use config::{
    config_def, DatagenSettings, BATCH_SIZE_CONFIG, BINARY_HEADER, BINARY_HEADERS_CONFIG,
    BINARY_KEYS_CONFIG, CONNECTOR_CLASS, KEY_CARDINALITY_CONFIG, MAX_RECORDS_CONFIG,
    OFFSET_SEQ_FIELD, PARTITION_TASK_FIELD, RATE_CONFIG, RECORD_SIZE_CONFIG, SEQ_HEADER,
    TASK_CLASS, TASK_HEADER, TASK_ID_CONFIG, TOMBSTONE_EVERY_CONFIG, TOPIC_CONFIG,
};
pub use source::{binary_key, value_bytes, DatagenSourceConnector, DatagenSourceTask};

pub fn plugins() -> Vec<PluginDesc> {
    vec![
        PluginDesc {
            class: CONNECTOR_CLASS,
            plugin_type: Some(PluginType::Source),
            version: connect_api::VERSION,
            factory: PluginFactory::Connector(|| Box::<DatagenSourceConnector>::default()),
        },
        PluginDesc {
            class: TASK_CLASS,
            plugin_type: None,
            version: connect_api::VERSION,
            factory: PluginFactory::SourceTask(|| Box::<DatagenSourceTask>::default()),
        },
    ]
}
