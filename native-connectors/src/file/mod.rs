//! Kafka's `connect-file` connectors (FileStreamSource / FileStreamSink) with the same class
//! names, config keys, defaults, offsets and task configs.

mod config;
mod sink;
mod source;
#[cfg(test)]
mod tests;

use connect_api::{PluginDesc, PluginFactory, PluginType};

pub use config::{
    sink_config_def, source_config_def, DEFAULT_TASK_BATCH_SIZE, FILENAME_FIELD, FILE_CONFIG,
    POSITION_FIELD, SINK_CONNECTOR_CLASS, SINK_TASK_CLASS, SOURCE_CONNECTOR_CLASS,
    SOURCE_TASK_CLASS, TASK_BATCH_SIZE_CONFIG, TOPIC_CONFIG,
};
pub use sink::{java_string, FileStreamSinkConnector, FileStreamSinkTask};
pub use source::{FileStreamSourceConnector, FileStreamSourceTask};

/// The two connectors and their task classes.
pub fn plugins() -> Vec<PluginDesc> {
    vec![
        PluginDesc {
            class: SOURCE_CONNECTOR_CLASS,
            plugin_type: Some(PluginType::Source),
            version: connect_api::VERSION,
            factory: PluginFactory::Connector(|| Box::<FileStreamSourceConnector>::default()),
        },
        PluginDesc {
            class: SOURCE_TASK_CLASS,
            plugin_type: None,
            version: connect_api::VERSION,
            factory: PluginFactory::SourceTask(|| Box::<FileStreamSourceTask>::default()),
        },
        PluginDesc {
            class: SINK_CONNECTOR_CLASS,
            plugin_type: Some(PluginType::Sink),
            version: connect_api::VERSION,
            factory: PluginFactory::Connector(|| Box::<FileStreamSinkConnector>::default()),
        },
        PluginDesc {
            class: SINK_TASK_CLASS,
            plugin_type: None,
            version: connect_api::VERSION,
            factory: PluginFactory::SinkTask(|| Box::<FileStreamSinkTask>::default()),
        },
    ]
}
