//! An in-memory `Herder` that behaves (and fails) the way Kafka's standalone herder does, so
//! router tests can check every status and message end to end.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use connect_api::Props;

use crate::herder::*;

pub const WORKER: &str = "fake:8083";

#[derive(Debug, Clone)]
struct Conn {
    config: Props,
    target: TargetState,
    offsets: Vec<ConnectorOffset>,
    topics: Vec<String>,
}

pub struct FakeHerder {
    conns: Mutex<BTreeMap<String, Conn>>,
    pub health: Mutex<WorkerStatus>,
    /// Every mutating call, for asserting that the router reached (or didn't reach) the herder.
    pub calls: Mutex<Vec<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl FakeHerder {
    pub fn new() -> Self {
        FakeHerder {
            conns: Mutex::new(BTreeMap::new()),
            health: Mutex::new(WorkerStatus::healthy()),
            calls: Mutex::new(Vec::new()),
        }
    }

    pub fn calls(&self) -> Vec<String> {
        lock(&self.calls).clone()
    }

    fn record(&self, call: String) {
        lock(&self.calls).push(call);
    }

    /// Adds a connector directly (test setup).
    pub fn add(&self, name: &str, class: &str, target: TargetState) {
        let config: Props = [
            ("connector.class".to_string(), class.to_string()),
            ("name".to_string(), name.to_string()),
            ("tasks.max".to_string(), "2".to_string()),
        ]
        .into_iter()
        .collect();
        lock(&self.conns).insert(
            name.to_string(),
            Conn {
                config,
                target,
                offsets: vec![],
                topics: vec!["orders".into(), "payments".into()],
            },
        );
    }

    pub fn target(&self, name: &str) -> Option<TargetState> {
        lock(&self.conns).get(name).map(|c| c.target)
    }

    pub fn config(&self, name: &str) -> Option<Props> {
        lock(&self.conns).get(name).map(|c| c.config.clone())
    }

    pub fn offsets(&self, name: &str) -> Option<Vec<ConnectorOffset>> {
        lock(&self.conns).get(name).map(|c| c.offsets.clone())
    }

    fn get(&self, name: &str, not_found: String) -> HerderResult<Conn> {
        lock(&self.conns)
            .get(name)
            .cloned()
            .ok_or(HerderError::NotFound(not_found))
    }
}

fn conn_type(config: &Props) -> ConnectorTypeInfo {
    match config.get("connector.class") {
        Some(c) if c.contains("Sink") => ConnectorTypeInfo::Sink,
        Some(_) => ConnectorTypeInfo::Source,
        None => ConnectorTypeInfo::Unknown,
    }
}

fn task_count(conn: &Conn) -> u32 {
    if conn.target == TargetState::Stopped {
        return 0;
    }
    conn.config
        .get("tasks.max")
        .and_then(|t| t.parse().ok())
        .unwrap_or(1)
}

fn info(name: &str, conn: &Conn) -> ConnectorInfo {
    ConnectorInfo {
        name: name.to_string(),
        config: conn.config.clone(),
        tasks: (0..task_count(conn))
            .map(|t| ConnectorTaskId::new(name, t))
            .collect(),
        connector_type: conn_type(&conn.config),
    }
}

fn state_of(target: TargetState) -> State {
    match target {
        TargetState::Started => State::Running,
        TargetState::Paused => State::Paused,
        TargetState::Stopped => State::Stopped,
    }
}

fn task_state(id: u32, state: State) -> TaskState {
    TaskState {
        id,
        state,
        worker_id: WORKER.into(),
        trace: None,
        version: None,
    }
}

fn status(name: &str, conn: &Conn) -> ConnectorStateInfo {
    let task_st = match conn.target {
        TargetState::Paused => State::Paused,
        _ => State::Running,
    };
    ConnectorStateInfo {
        name: name.to_string(),
        connector: ConnectorState {
            state: state_of(conn.target),
            worker_id: WORKER.into(),
            trace: None,
            version: None,
        },
        tasks: (0..task_count(conn))
            .map(|t| task_state(t, task_st))
            .collect(),
        connector_type: conn_type(&conn.config),
    }
}

#[async_trait]
impl Herder for FakeHerder {
    fn worker_id(&self) -> String {
        WORKER.into()
    }

    fn server_info(&self) -> ServerInfo {
        ServerInfo {
            version: "4.4.0".into(),
            commit: "cafebabe".into(),
            kafka_cluster_id: "fake-cluster".into(),
        }
    }

    async fn health(&self) -> WorkerStatus {
        lock(&self.health).clone()
    }

    async fn connectors(&self) -> Vec<String> {
        // Reverse order, so tests see that the router sorts.
        lock(&self.conns).keys().rev().cloned().collect()
    }

    async fn connector_info(&self, name: &str) -> HerderResult<ConnectorInfo> {
        let conn = self.get(name, format!("Connector {name} not found"))?;
        Ok(info(name, &conn))
    }

    async fn connector_config(&self, name: &str) -> HerderResult<Props> {
        Ok(self
            .get(name, format!("Connector {name} not found"))?
            .config)
    }

    async fn put_connector_config(
        &self,
        name: &str,
        config: Props,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> HerderResult<Created<ConnectorInfo>> {
        self.record(format!(
            "put {name} replace={allow_replace} {initial_state:?}"
        ));
        if !config.contains_key("connector.class") {
            return Err(HerderError::BadRequest(format!(
                "Connector config {config:?} contains no connector type"
            )));
        }
        let mut conns = lock(&self.conns);
        let existed = conns.contains_key(name);
        if existed && !allow_replace {
            return Err(HerderError::AlreadyExists(format!(
                "Connector {name} already exists"
            )));
        }
        let conn = Conn {
            config,
            target: initial_state.unwrap_or(TargetState::Started),
            offsets: vec![],
            topics: vec![],
        };
        let value = info(name, &conn);
        conns.insert(name.to_string(), conn);
        Ok(Created {
            created: !existed,
            value,
        })
    }

    async fn patch_connector_config(
        &self,
        name: &str,
        patch: NullableProps,
    ) -> HerderResult<ConnectorInfo> {
        let mut conns = lock(&self.conns);
        let conn = conns
            .get_mut(name)
            .ok_or_else(|| HerderError::NotFound(format!("Connector {name} not found")))?;
        for (k, v) in patch {
            match v {
                Some(v) => {
                    conn.config.insert(k, v);
                }
                None => {
                    conn.config.remove(&k);
                }
            }
        }
        Ok(info(name, conn))
    }

    async fn delete_connector(&self, name: &str) -> HerderResult<()> {
        self.record(format!("delete {name}"));
        lock(&self.conns)
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| HerderError::NotFound(format!("Connector {name} not found")))
    }

    async fn connector_status(&self, name: &str) -> HerderResult<ConnectorStateInfo> {
        let conn = self.get(name, format!("No status found for connector {name}"))?;
        Ok(status(name, &conn))
    }

    async fn task_status(&self, id: &ConnectorTaskId) -> HerderResult<TaskState> {
        let missing = || HerderError::NotFound(format!("No status found for task {id}"));
        let conn = self
            .get(&id.connector, String::new())
            .map_err(|_| missing())?;
        status(&id.connector, &conn)
            .tasks
            .into_iter()
            .find(|t| t.id == id.task)
            .ok_or_else(missing)
    }

    async fn task_configs(&self, name: &str) -> HerderResult<Vec<TaskInfo>> {
        let conn = self.get(name, format!("Connector {name} not found"))?;
        Ok((0..task_count(&conn))
            .map(|t| TaskInfo {
                id: ConnectorTaskId::new(name, t),
                config: [("task.class".to_string(), "FakeTask".to_string())]
                    .into_iter()
                    .collect(),
            })
            .collect())
    }

    async fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> HerderResult<Option<ConnectorStateInfo>> {
        self.record(format!("restart {name} {include_tasks} {only_failed}"));
        let conn = self.get(name, format!("Unknown connector: {name}"))?;
        if !include_tasks && !only_failed {
            return Ok(None);
        }
        // Nothing is FAILED in the fake, so onlyFailed restarts nothing.
        let mut snapshot = status(name, &conn);
        if !only_failed {
            snapshot.connector.state = State::Restarting;
            if include_tasks {
                for t in &mut snapshot.tasks {
                    t.state = State::Restarting;
                }
            }
        }
        Ok(Some(snapshot))
    }

    async fn restart_task(&self, id: &ConnectorTaskId) -> HerderResult<()> {
        self.record(format!("restart-task {id}"));
        let conn = self.get(
            &id.connector,
            format!("Unknown connector: {}", id.connector),
        )?;
        if id.task >= task_count(&conn) {
            return Err(HerderError::NotFound(format!("Unknown task: {id}")));
        }
        Ok(())
    }

    async fn pause_connector(&self, name: &str) -> HerderResult<()> {
        self.set_target(name, TargetState::Paused)
    }

    async fn resume_connector(&self, name: &str) -> HerderResult<()> {
        self.set_target(name, TargetState::Started)
    }

    async fn stop_connector(&self, name: &str) -> HerderResult<()> {
        self.set_target(name, TargetState::Stopped)
    }

    async fn connector_offsets(&self, name: &str) -> HerderResult<ConnectorOffsets> {
        let conn = self.get(name, format!("Connector {name} not found"))?;
        Ok(ConnectorOffsets {
            offsets: conn.offsets,
        })
    }

    async fn alter_connector_offsets(
        &self,
        name: &str,
        offsets: ConnectorOffsets,
    ) -> HerderResult<String> {
        self.record(format!("alter-offsets {name}"));
        let mut conns = lock(&self.conns);
        let conn = conns
            .get_mut(name)
            .ok_or_else(|| HerderError::NotFound(format!("Connector {name} not found")))?;
        if conn.target != TargetState::Stopped {
            return Err(not_stopped(name));
        }
        conn.offsets = offsets.offsets;
        Ok("The offsets for this connector have been altered successfully".into())
    }

    async fn reset_connector_offsets(&self, name: &str) -> HerderResult<String> {
        let mut conns = lock(&self.conns);
        let conn = conns
            .get_mut(name)
            .ok_or_else(|| HerderError::NotFound(format!("Connector {name} not found")))?;
        if conn.target != TargetState::Stopped {
            return Err(not_stopped(name));
        }
        conn.offsets.clear();
        Ok("The offsets for this connector have been reset successfully".into())
    }

    async fn active_topics(&self, name: &str) -> HerderResult<Vec<String>> {
        Ok(lock(&self.conns)
            .get(name)
            .map(|c| c.topics.clone())
            .unwrap_or_default())
    }

    async fn reset_active_topics(&self, name: &str) -> HerderResult<()> {
        self.record(format!("reset-topics {name}"));
        if let Some(c) = lock(&self.conns).get_mut(name) {
            c.topics.clear();
        }
        Ok(())
    }

    fn plugins(&self, connectors_only: bool) -> Vec<PluginInfo> {
        let mut out = vec![
            PluginInfo {
                class: "org.apache.kafka.connect.file.FileStreamSinkConnector".into(),
                plugin_type: "sink".into(),
                version: Some("4.4.0".into()),
            },
            PluginInfo {
                class: "org.example.NoVersionSourceConnector".into(),
                plugin_type: "source".into(),
                version: None,
            },
        ];
        if !connectors_only {
            out.push(PluginInfo {
                class: "org.apache.kafka.connect.storage.StringConverter".into(),
                plugin_type: "converter".into(),
                version: Some("4.4.0".into()),
            });
        }
        out
    }

    fn plugin_config(&self, plugin: &str) -> HerderResult<Vec<ConfigKeyInfo>> {
        match plugin {
            "FileStreamSink" | "org.apache.kafka.connect.file.FileStreamSinkConnector" => {
                Ok(vec![ConfigKeyInfo {
                    name: "file".into(),
                    config_type: "STRING".into(),
                    required: false,
                    default_value: None,
                    importance: "HIGH".into(),
                    documentation: "Destination filename.".into(),
                    group: None,
                    order_in_group: -1,
                    width: "NONE".into(),
                    display_name: "file".into(),
                    dependents: vec![],
                }])
            }
            "FileConfigProvider" => Err(HerderError::BadRequest(format!(
                "Invalid plugin class {plugin}. Valid types are sink, source, converter, \
                 header_converter, transformation, predicate."
            ))),
            _ => Err(HerderError::NotFound(format!("Unknown plugin {plugin}."))),
        }
    }

    async fn validate_connector_config(
        &self,
        _plugin: &str,
        config: NullableProps,
    ) -> HerderResult<ConfigInfos> {
        let Some(Some(class)) = config.get("connector.class").cloned() else {
            return Err(HerderError::BadRequest(
                "Connector config contains no connector type".into(),
            ));
        };
        let configs: Vec<ConfigInfo> =
            config
                .iter()
                .map(|(k, v)| ConfigInfo {
                    definition: None,
                    value: Some(ConfigValueInfo {
                        name: k.clone(),
                        value: v.clone(),
                        recommended_values: vec![],
                        errors: match v {
                            None => {
                                vec!["Null value can not be supplied as the configuration value."
                                    .into()]
                            }
                            Some(_) => vec![],
                        },
                        visible: true,
                    }),
                })
                .collect();
        let error_count = configs
            .iter()
            .filter_map(|c| c.value.as_ref())
            .map(|v| v.errors.len())
            .sum();
        Ok(ConfigInfos {
            name: class,
            error_count,
            groups: vec!["Common".into()],
            configs,
        })
    }
}

impl FakeHerder {
    fn set_target(&self, name: &str, target: TargetState) -> HerderResult<()> {
        self.record(format!("target {name} {target:?}"));
        let mut conns = lock(&self.conns);
        let conn = conns
            .get_mut(name)
            .ok_or_else(|| HerderError::NotFound(format!("Unknown connector {name}")))?;
        conn.target = target;
        Ok(())
    }
}

fn not_stopped(name: &str) -> HerderError {
    HerderError::BadRequest(format!(
        "Connectors must be in the STOPPED state before their offsets can be modified. This \
         can be done for the specified connector by issuing a 'PUT' request to the \
         '/connectors/{name}/stop' endpoint"
    ))
}
