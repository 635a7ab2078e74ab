//! RocketMQ Connect's spellings of the herder's entities. Its status entities name the
//! worker `workerId` (Kafka: `worker_id`) and always carry `trace`; its plugin entity is
//! `{className, type, version}`. Connector and task infos have Kafka's shape already.

use serde::Serialize;

use crate::herder::{ConnectorStateInfo, ConnectorTypeInfo, PluginInfo, TaskState};

#[derive(Debug, Clone, Serialize)]
pub struct RmqConnectorState {
    pub state: String,
    pub trace: Option<String>,
    #[serde(rename = "workerId")]
    pub worker_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RmqTaskState {
    pub id: u32,
    pub state: String,
    pub trace: Option<String>,
    #[serde(rename = "workerId")]
    pub worker_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RmqConnectorStateInfo {
    pub name: String,
    pub connector: RmqConnectorState,
    pub tasks: Vec<RmqTaskState>,
    #[serde(rename = "type")]
    pub connector_type: ConnectorTypeInfo,
}

impl From<&TaskState> for RmqTaskState {
    fn from(t: &TaskState) -> Self {
        RmqTaskState {
            id: t.id,
            state: t.state.name().to_string(),
            trace: t.trace.clone(),
            worker_id: t.worker_id.clone(),
        }
    }
}

impl From<&ConnectorStateInfo> for RmqConnectorStateInfo {
    fn from(s: &ConnectorStateInfo) -> Self {
        RmqConnectorStateInfo {
            name: s.name.clone(),
            connector: RmqConnectorState {
                state: s.connector.state.name().to_string(),
                trace: s.connector.trace.clone(),
                worker_id: s.connector.worker_id.clone(),
            },
            tasks: s.tasks.iter().map(RmqTaskState::from).collect(),
            connector_type: s.connector_type,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RmqPluginInfo {
    #[serde(rename = "className")]
    pub class_name: String,
    /// RocketMQ Connect's `PluginType` names are upper case (`SOURCE`, `SINK`, ...).
    #[serde(rename = "type")]
    pub plugin_type: String,
    pub version: Option<String>,
}

impl From<&PluginInfo> for RmqPluginInfo {
    fn from(p: &PluginInfo) -> Self {
        RmqPluginInfo {
            class_name: p.class.clone(),
            plugin_type: p.plugin_type.to_ascii_uppercase(),
            version: p.version.clone(),
        }
    }
}
