//! Class names, config keys and the `ConfigDef` of the verifying sink.

use std::path::PathBuf;

use connect_api::config::{ConfigDef, ConfigKey, ConfigType, Importance, Validator};
use connect_api::{ConnectError, ConnectResult, Props};

pub const CONNECTOR_CLASS: &str = "io.connectgateway.connect.verify.VerifyingSinkConnector";
pub const TASK_CLASS: &str = "io.connectgateway.connect.verify.VerifyingSinkTask";

pub const REPORT_FILE_CONFIG: &str = "report.file";
/// Set by the connector in each task config.
pub const TASK_ID_CONFIG: &str = "task.id";
/// Set by the connector: how many tasks share `report.file`.
pub const TASK_COUNT_CONFIG: &str = "task.count";

pub fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(
            REPORT_FILE_CONFIG,
            ConfigType::String,
            Importance::High,
            "JSON report (and saved state) of the records seen; with several tasks each task \
             writes '<report.file>.<task id>'",
        )
        .validator(Validator::NonEmptyString),
    )
}

/// The report file one task writes: `report.file` itself for a single task, else
/// `<report.file>.<task id>`.
pub fn task_report_path(report_file: &str, task_id: u32, task_count: u32) -> PathBuf {
    if task_count <= 1 {
        PathBuf::from(report_file)
    } else {
        PathBuf::from(format!("{report_file}.{task_id}"))
    }
}

/// Every report file a connector with `task_count` tasks writes (for [`super::merge_reports`]).
pub fn report_paths(report_file: &str, task_count: u32) -> Vec<PathBuf> {
    (0..task_count.max(1))
        .map(|i| task_report_path(report_file, i, task_count))
        .collect()
}

/// The path this task config writes to.
pub fn report_path_for(props: &Props) -> ConnectResult<PathBuf> {
    let parsed = config_def().parse(props)?;
    let file = parsed.string(REPORT_FILE_CONFIG).unwrap_or_default();
    let number = |key: &str, default: u32| -> ConnectResult<u32> {
        match props.get(key) {
            None => Ok(default),
            Some(raw) => raw.trim().parse::<u32>().map_err(|_| {
                ConnectError::config(format!(
                    "Invalid value {raw} for configuration {key}: expected a task number"
                ))
            }),
        }
    };
    Ok(task_report_path(
        &file,
        number(TASK_ID_CONFIG, 0)?,
        number(TASK_COUNT_CONFIG, 1)?,
    ))
}
