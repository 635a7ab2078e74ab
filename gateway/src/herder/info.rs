//! Kafka Connect's REST entities (`rest/entities/*`), serialised exactly as Kafka does.

use std::collections::BTreeMap;

use connect_api::{ConfigKey, ConfigValue, Props};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerInfo {
    pub version: String,
    pub commit: String,
    pub kafka_cluster_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerStatus {
    pub status: String,
    pub message: String,
}

impl WorkerStatus {
    pub fn healthy() -> Self {
        WorkerStatus {
            status: "healthy".into(),
            message: "Worker has completed startup and is ready to handle requests.".into(),
        }
    }
    pub fn starting(stage: &str) -> Self {
        WorkerStatus {
            status: "starting".into(),
            message: format!("Worker is still starting up. {stage}")
                .trim_end()
                .to_string(),
        }
    }
    pub fn is_healthy(&self) -> bool {
        self.status == "healthy"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConnectorTaskId {
    pub connector: String,
    pub task: u32,
}

impl ConnectorTaskId {
    pub fn new(connector: impl Into<String>, task: u32) -> Self {
        ConnectorTaskId {
            connector: connector.into(),
            task,
        }
    }
}

impl std::fmt::Display for ConnectorTaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.connector, self.task)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectorTypeInfo {
    Source,
    Sink,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorInfo {
    pub name: String,
    pub config: Props,
    pub tasks: Vec<ConnectorTaskId>,
    #[serde(rename = "type")]
    pub connector_type: ConnectorTypeInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub id: ConnectorTaskId,
    pub config: Props,
}

/// Runtime state (`AbstractStatus.State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    Unassigned,
    Running,
    Paused,
    Stopped,
    Failed,
    Restarting,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Unassigned => "UNASSIGNED",
            State::Running => "RUNNING",
            State::Paused => "PAUSED",
            State::Stopped => "STOPPED",
            State::Failed => "FAILED",
            State::Restarting => "RESTARTING",
        }
    }
}

/// What the user asked for (`TargetState`); REST spells `STARTED` as `RUNNING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TargetState {
    Started,
    Paused,
    Stopped,
}

impl TargetState {
    /// `initial_state` parsing: case-insensitive RUNNING / PAUSED / STOPPED.
    pub fn from_initial_state(s: &str) -> Option<TargetState> {
        match s.to_ascii_uppercase().as_str() {
            "RUNNING" => Some(TargetState::Started),
            "PAUSED" => Some(TargetState::Paused),
            "STOPPED" => Some(TargetState::Stopped),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorState {
    pub state: State,
    pub worker_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub trace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskState {
    pub id: u32,
    pub state: State,
    pub worker_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub trace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorStateInfo {
    pub name: String,
    pub connector: ConnectorState,
    pub tasks: Vec<TaskState>,
    #[serde(rename = "type")]
    pub connector_type: ConnectorTypeInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorOffset {
    pub partition: serde_json::Map<String, Json>,
    pub offset: Option<serde_json::Map<String, Json>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorOffsets {
    pub offsets: Vec<ConnectorOffset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginInfo {
    pub class: String,
    #[serde(rename = "type")]
    pub plugin_type: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigKeyInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub config_type: String,
    pub required: bool,
    pub default_value: Option<String>,
    pub importance: String,
    pub documentation: String,
    pub group: Option<String>,
    pub order_in_group: i32,
    pub width: String,
    pub display_name: String,
    pub dependents: Vec<String>,
}

impl From<&ConfigKey> for ConfigKeyInfo {
    fn from(k: &ConfigKey) -> Self {
        ConfigKeyInfo {
            name: k.name.clone(),
            config_type: k.config_type.name().to_string(),
            required: !k.has_default(),
            default_value: k.default_rendered(),
            importance: k.importance.name().to_string(),
            documentation: k.documentation.clone(),
            group: k.group.clone(),
            order_in_group: k.order_in_group,
            width: k.width.name().to_string(),
            display_name: k.display_name.clone(),
            dependents: k.dependents.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigValueInfo {
    pub name: String,
    pub value: Option<String>,
    pub recommended_values: Vec<String>,
    pub errors: Vec<String>,
    pub visible: bool,
}

impl From<&ConfigValue> for ConfigValueInfo {
    fn from(v: &ConfigValue) -> Self {
        ConfigValueInfo {
            name: v.name.clone(),
            value: v.value.clone(),
            recommended_values: v.recommended_values.clone(),
            errors: v.errors.clone(),
            visible: v.visible,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigInfo {
    pub definition: Option<ConfigKeyInfo>,
    pub value: Option<ConfigValueInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigInfos {
    pub name: String,
    pub error_count: usize,
    pub groups: Vec<String>,
    pub configs: Vec<ConfigInfo>,
}

impl ConfigInfos {
    /// Every error message, in order (used for the 400 on create).
    pub fn error_messages(&self) -> Vec<String> {
        self.configs
            .iter()
            .filter_map(|c| c.value.as_ref())
            .flat_map(|v| v.errors.iter().cloned())
            .collect()
    }
}

/// `{"<connector>": {"topics": [...]}}`.
pub type ActiveTopicsInfo = BTreeMap<String, BTreeMap<String, Vec<String>>>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggerLevel {
    pub level: String,
    pub last_modified: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub message: String,
}
