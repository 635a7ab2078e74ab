//! Verifying sink: checks datagen records for loss and duplication, for tests and
//! benchmarks. See [`Report`] for what it writes and [`merge_reports`] to combine tasks.

mod config;
mod sink;
mod state;
#[cfg(test)]
mod tests;

use connect_api::{PluginDesc, PluginFactory, PluginType};

pub use config::{
    config_def, report_paths, task_report_path, CONNECTOR_CLASS, REPORT_FILE_CONFIG, TASK_CLASS,
    TASK_COUNT_CONFIG, TASK_ID_CONFIG,
};
pub use sink::{VerifyingSinkConnector, VerifyingSinkTask};
pub use state::{merge_reports, Report, SeqSet, TaskReport, VerifyState};

pub fn plugins() -> Vec<PluginDesc> {
    vec![
        PluginDesc {
            class: CONNECTOR_CLASS,
            plugin_type: Some(PluginType::Sink),
            version: connect_api::VERSION,
            factory: PluginFactory::Connector(|| Box::<VerifyingSinkConnector>::default()),
        },
        PluginDesc {
            class: TASK_CLASS,
            plugin_type: None,
            version: connect_api::VERSION,
            factory: PluginFactory::SinkTask(|| Box::<VerifyingSinkTask>::default()),
        },
    ]
}
