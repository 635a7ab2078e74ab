//! `StandaloneHerder`: every connector and task runs in this process. Unlike Kafka's
//! standalone mode, connector configs, target states and task configs are persisted
//! (`config.storage.file.filename`) so REST-created connectors survive a restart.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use async_trait::async_trait;
use connect_api::{ConnectorType, OffsetsToAlter, Props, SourceMap, TopicPartition};
use serde_json::{json, Value as Json};
use tokio::sync::{mpsc, Mutex};

use crate::herder::status::StatusStore;
use crate::herder::*;
use crate::storage::{ConfigSnapshot, ConnectorConfigState, FileConfigBackingStore};
use crate::worker::connector_config::{self, connector_plugin_config, ConverterDefaults};
use crate::worker::plugins::ResolvedClass;
use crate::worker::sink_task::sink_group;
use crate::worker::{
    ConnectorRequest, StatusListener, TaskControl, TaskHandle, Worker, WorkerConnector,
};

struct ConnectorEntry {
    config: Props,
    target: TargetState,
    task_configs: Vec<Props>,
    connector_type: Option<ConnectorType>,
    instance: Option<WorkerConnector>,
    tasks: Vec<TaskHandle>,
}

pub struct StandaloneHerder {
    worker: Worker,
    status: Arc<StatusStore>,
    store: FileConfigBackingStore,
    connectors: Mutex<BTreeMap<String, ConnectorEntry>>,
    ready: AtomicBool,
    worker_id: String,
    cluster_id: String,
}

fn not_found(name: &str) -> HerderError {
    HerderError::NotFound(format!("Connector {name} not found"))
}

impl StandaloneHerder {
    /// Builds the herder, restores persisted connectors and starts them; connector requests
    /// (task reconfiguration) are served by a background loop.
    pub async fn start(
        worker_builder: impl FnOnce(mpsc::UnboundedSender<ConnectorRequest>, Arc<StatusStore>) -> Worker,
        store: FileConfigBackingStore,
        snapshot: ConfigSnapshot,
        worker_id: String,
        cluster_id: String,
    ) -> Arc<StandaloneHerder> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let status = Arc::new(StatusStore::new(worker_id.clone()));
        let worker = worker_builder(tx, status.clone());
        status.restore_topics(snapshot.active_topics.clone());
        let herder = Arc::new(StandaloneHerder {
            worker,
            status,
            store,
            connectors: Mutex::new(BTreeMap::new()),
            ready: AtomicBool::new(false),
            worker_id,
            cluster_id,
        });
        let weak: Weak<StandaloneHerder> = Arc::downgrade(&herder);
        tokio::spawn(async move {
            while let Some(ConnectorRequest::Reconfigure(name)) = rx.recv().await {
                let Some(h) = weak.upgrade() else { return };
                let mut map = h.connectors.lock().await;
                if let Some(entry) = map.get_mut(&name) {
                    h.reconfigure_tasks(&name, entry, false).await;
                }
                drop(map);
                h.persist().await;
            }
        });
        {
            let mut map = herder.connectors.lock().await;
            for (name, state) in snapshot.connectors {
                let mut entry = ConnectorEntry {
                    config: state.config,
                    target: state.target_state,
                    task_configs: state.task_configs,
                    connector_type: None,
                    instance: None,
                    tasks: Vec::new(),
                };
                herder.start_entry(&name, &mut entry).await;
                map.insert(name, entry);
            }
        }
        herder.ready.store(true, Ordering::SeqCst);
        herder
    }

    pub fn worker(&self) -> &Worker {
        &self.worker
    }

    /// Stops every task (flushing offsets) and connector; used on SIGTERM.
    pub async fn shutdown(&self) {
        self.ready.store(false, Ordering::SeqCst);
        let mut map = self.connectors.lock().await;
        let names: Vec<String> = map.keys().cloned().collect();
        for name in names {
            if let Some(entry) = map.get_mut(&name) {
                let tasks = std::mem::take(&mut entry.tasks);
                self.worker.stop_tasks(tasks).await;
                if let Some(inst) = entry.instance.as_mut() {
                    inst.stop().await;
                }
            }
        }
        drop(map);
        self.persist().await;
    }

    async fn persist(&self) {
        let map = self.connectors.lock().await;
        let snapshot = ConfigSnapshot {
            connectors: map
                .iter()
                .map(|(n, e)| {
                    (
                        n.clone(),
                        ConnectorConfigState {
                            config: e.config.clone(),
                            target_state: e.target,
                            task_configs: e.task_configs.clone(),
                        },
                    )
                })
                .collect(),
            active_topics: self.status.all_topics(),
        };
        drop(map);
        if let Err(e) = self.store.save(&snapshot).await {
            tracing::error!(error = %e, "failed to persist connector configs");
        }
    }

    /// Creates the connector instance per the entry's target state and starts its tasks.
    async fn start_entry(&self, name: &str, entry: &mut ConnectorEntry) {
        let start = entry.target == TargetState::Started;
        let version = entry
            .config
            .get("connector.class")
            .and_then(|c| {
                self.worker
                    .plugins
                    .connector_desc(
                        c,
                        entry
                            .config
                            .get(crate::worker::plugins::RUNTIME_KEY)
                            .map(String::as_str),
                    )
                    .ok()
            })
            .map(|d| d.version.to_string())
            .unwrap_or_default();
        let initial = match entry.target {
            TargetState::Started => State::Unassigned,
            TargetState::Paused => State::Paused,
            TargetState::Stopped => State::Stopped,
        };
        self.status.track(name, initial, &version);
        match self
            .worker
            .start_connector(name, &entry.config, start)
            .await
        {
            Ok(inst) => {
                entry.connector_type = Some(inst.connector_type);
                entry.instance = Some(inst);
                if start {
                    self.status.connector_state(name, State::Running, None);
                    self.reconfigure_tasks(name, entry, true).await;
                } else if entry.target == TargetState::Paused {
                    // Tasks of a paused connector exist but idle (Kafka keeps them).
                    self.start_tasks(name, entry, TaskControl::Pause);
                }
            }
            Err(e) => {
                tracing::error!(connector = name, error = %e, "connector failed to start");
                entry.connector_type = entry.connector_type.or_else(|| self.type_of(&entry.config));
                self.status
                    .connector_state(name, State::Failed, Some(e.trace_text()));
            }
        }
    }

    fn type_of(&self, config: &Props) -> Option<ConnectorType> {
        let class = config.get("connector.class")?;
        self.worker.plugins.connector_type(class)
    }

    /// Asks the connector for task configs; restarts tasks when they changed (or `force`).
    async fn reconfigure_tasks(&self, name: &str, entry: &mut ConnectorEntry, force: bool) {
        if entry.target != TargetState::Started {
            return;
        }
        let Some(inst) = entry.instance.as_mut() else {
            return;
        };
        if !inst.is_running() {
            return;
        }
        let max = entry
            .config
            .get("tasks.max")
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(1);
        let generated = match inst.task_configs(max).await {
            Ok(c) => c,
            Err(e) => {
                self.status
                    .connector_state(name, State::Failed, Some(e.trace_text()));
                return;
            }
        };
        let enforce = !entry
            .config
            .get("tasks.max.enforce")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"));
        if enforce && generated.len() > max {
            let msg = format!(
                "The connector {name} has generated {} tasks, which is greater than {max}, the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is disallowed. If necessary, it can be permitted by reconfiguring the connector with 'tasks.max.enforce' set to false; however, this option will be removed in a future release of Kafka Connect.",
                generated.len()
            );
            self.status.connector_state(
                name,
                State::Failed,
                Some(format!(
                    "org.apache.kafka.connect.errors.ConnectException: {msg}"
                )),
            );
            let tasks = std::mem::take(&mut entry.tasks);
            self.worker.stop_tasks(tasks).await;
            return;
        }
        let task_class = inst.task_class();
        let ctype = inst.connector_type;
        let new_configs: Vec<Props> = generated
            .into_iter()
            .map(|mut c| {
                c.insert("task.class".into(), task_class.to_string());
                if ctype == ConnectorType::Sink {
                    for k in ["topics", "topics.regex"] {
                        if let Some(v) = entry.config.get(k) {
                            c.insert(k.into(), v.clone());
                        }
                    }
                }
                c
            })
            .collect();
        if !force && new_configs == entry.task_configs && !entry.tasks.is_empty() {
            return;
        }
        let tasks = std::mem::take(&mut entry.tasks);
        self.worker.stop_tasks(tasks).await;
        entry.task_configs = new_configs;
        self.status
            .retain_tasks(name, entry.task_configs.len() as u32);
        self.start_tasks(name, entry, TaskControl::Run);
    }

    fn start_tasks(&self, name: &str, entry: &mut ConnectorEntry, control: TaskControl) {
        let Some(ctype) = entry.connector_type else {
            return;
        };
        let count = entry.task_configs.len() as u32;
        for (i, tc) in entry.task_configs.iter().enumerate() {
            let id = ConnectorTaskId::new(name, i as u32);
            self.status.set_task(&id, State::Unassigned);
            entry.tasks.push(self.worker.start_task(
                id,
                ctype,
                entry.config.clone(),
                tc.clone(),
                count,
                control,
            ));
        }
    }

    /// Stops the instance and tasks of an entry (config kept).
    async fn stop_entry(&self, entry: &mut ConnectorEntry) {
        let tasks = std::mem::take(&mut entry.tasks);
        self.worker.stop_tasks(tasks).await;
        if let Some(inst) = entry.instance.as_mut() {
            inst.stop().await;
        }
        entry.instance = None;
    }

    fn info(&self, name: &str, entry: &ConnectorEntry) -> ConnectorInfo {
        ConnectorInfo {
            name: name.to_string(),
            config: entry.config.clone(),
            tasks: (0..entry.task_configs.len() as u32)
                .map(|i| ConnectorTaskId::new(name, i))
                .collect(),
            connector_type: type_info(entry.connector_type),
        }
    }

    fn state_info(&self, name: &str, entry: &ConnectorEntry) -> HerderResult<ConnectorStateInfo> {
        let connector = self.status.connector(name).ok_or_else(|| {
            HerderError::NotFound(format!("No status found for connector {name}"))
        })?;
        let mut tasks = self.status.tasks(name);
        tasks.sort_by_key(|t| t.id);
        Ok(ConnectorStateInfo {
            name: name.to_string(),
            connector,
            tasks,
            connector_type: type_info(entry.connector_type),
        })
    }

    /// Kafka's create/update validation: everything reported at once as a 400.
    fn validate_for_put(&self, config: &Props) -> HerderResult<ConnectorType> {
        let nullable: NullableProps = config
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        let infos = connector_config::validate(
            &self.worker.plugins,
            &nullable,
            &self.converter_defaults(),
            None,
        )
        .map_err(HerderError::BadRequest)?;
        if infos.error_count > 0 {
            let errs = infos.error_messages();
            return Err(HerderError::BadRequest(format!(
                "Connector configuration is invalid and contains the following {} error(s):\n{}\nYou can also find the above list of errors at the endpoint `/connector-plugins/{{connectorType}}/config/validate`",
                errs.len(),
                errs.join("\n")
            )));
        }
        self.type_of(config)
            .ok_or_else(|| HerderError::BadRequest("Unknown connector type".into()))
    }

    fn converter_defaults(&self) -> ConverterDefaults {
        let c = &self.worker.config;
        ConverterDefaults {
            key: c.key_converter.clone(),
            value: c.value_converter.clone(),
            header: c.header_converter.clone(),
        }
    }

    async fn require_stopped(&self, name: &str) -> HerderResult<(Props, ConnectorType)> {
        let map = self.connectors.lock().await;
        let entry = map.get(name).ok_or_else(|| not_found(name))?;
        if entry.target != TargetState::Stopped || !entry.task_configs.is_empty() {
            return Err(HerderError::BadRequest(format!(
                "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/{name}/stop' endpoint"
            )));
        }
        let t = entry
            .connector_type
            .or_else(|| self.type_of(&entry.config))
            .ok_or_else(|| {
                HerderError::Internal(format!("Cannot determine the type of connector {name}"))
            })?;
        Ok((entry.config.clone(), t))
    }

    async fn alter_offsets_inner(
        &self,
        name: &str,
        offsets: OffsetsToAlter,
        reset: bool,
    ) -> HerderResult<String> {
        let (config, _) = self.require_stopped(name).await?;
        let class = config.get("connector.class").cloned().unwrap_or_default();
        let (connector, _) = self
            .worker
            .plugins
            .connector(
                &class,
                config
                    .get(crate::worker::plugins::RUNTIME_KEY)
                    .map(String::as_str),
            )
            .map_err(HerderError::Internal)?;
        let handled = connector.alter_offsets(&config, &offsets).map_err(|e| {
            HerderError::Internal(format!(
                "Failed to alter offsets for connector {name}: {}",
                e.message
            ))
        })?;
        match offsets {
            OffsetsToAlter::Source(entries) => {
                self.worker.offsets.set(name, entries).await.map_err(|e| {
                    HerderError::Internal(format!(
                        "Failed to write offsets for connector {name}: {e}"
                    ))
                })?;
            }
            OffsetsToAlter::Sink(entries) => {
                let group = sink_group(name, &config);
                if reset {
                    self.worker
                        .transport
                        .delete_group(&group)
                        .await
                        .map_err(|e| {
                            HerderError::Internal(format!(
                                "Failed to reset offsets of group {group}: {e}"
                            ))
                        })?;
                } else {
                    let mut commit = BTreeMap::new();
                    let mut deletes = Vec::new();
                    for (tp, o) in entries {
                        match o {
                            Some(o) => {
                                commit.insert(tp, o);
                            }
                            None => deletes.push(tp),
                        }
                    }
                    if !deletes.is_empty() {
                        // Resetting single partitions: rewrite the group without them.
                        let mut all = self
                            .worker
                            .transport
                            .committed_offsets(&group)
                            .await
                            .map_err(|e| HerderError::Internal(e.to_string()))?;
                        for tp in &deletes {
                            all.remove(tp);
                        }
                        all.extend(commit.clone());
                        self.worker
                            .transport
                            .delete_group(&group)
                            .await
                            .map_err(|e| HerderError::Internal(e.to_string()))?;
                        commit = all;
                    }
                    self.worker
                        .transport
                        .commit_offsets(&group, &commit)
                        .await
                        .map_err(|e| {
                            // Kafka's answer names the connector only; the cause goes to the log.
                            tracing::error!(connector = name, group = %group, error = %e, "altering sink offsets failed");
                            HerderError::Internal(format!(
                                "Failed to alter consumer group offsets for connector {name}"
                            ))
                        })?;
                }
            }
        }
        let verb = if reset { "reset" } else { "altered" };
        Ok(if handled {
            format!("The offsets for this connector have been {verb} successfully")
        } else {
            format!("The Connect framework-managed offsets for this connector have been {verb} successfully. However, if this connector manages offsets externally, they will need to be manually {verb} in the system that the connector uses.")
        })
    }
}

fn type_info(t: Option<ConnectorType>) -> ConnectorTypeInfo {
    match t {
        Some(ConnectorType::Source) => ConnectorTypeInfo::Source,
        Some(ConnectorType::Sink) => ConnectorTypeInfo::Sink,
        None => ConnectorTypeInfo::Unknown,
    }
}

/// `String.valueOf` of a value Jackson read from JSON, as Kafka's offset messages quote it.
fn java_text(v: &Json) -> String {
    match v {
        Json::Null => "null".to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => match (n.is_f64(), n.as_f64()) {
            (true, Some(f)) => connect_api::config::ConfigValueKind::Double(f)
                .to_config_string()
                .unwrap_or_else(|| n.to_string()),
            _ => n.to_string(),
        },
        Json::String(s) => s.clone(),
        Json::Array(a) => format!(
            "[{}]",
            a.iter().map(java_text).collect::<Vec<_>>().join(", ")
        ),
        Json::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}={}", java_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Parses sink offsets in Kafka's REST shape (`SinkUtils.parseSinkConnectorOffsets`): each
/// value is read as its `String.valueOf` text, so `"7"` and `7` are both fine but `7.0`,
/// `" 7"` and `true` are not.
fn parse_sink_offsets(
    offsets: &ConnectorOffsets,
) -> HerderResult<Vec<(TopicPartition, Option<i64>)>> {
    offsets
        .offsets
        .iter()
        .map(|o| {
            let (Some(topic), Some(partition)) =
                (o.partition.get("kafka_topic"), o.partition.get("kafka_partition"))
            else {
                return Err(HerderError::BadRequest("The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'".into()));
            };
            if topic.is_null() {
                return Err(HerderError::BadRequest("Kafka topic names must be valid strings and may not be null".into()));
            }
            if partition.is_null() {
                return Err(HerderError::BadRequest("Kafka partitions must be valid numbers and may not be null".into()));
            }
            let partition_text = java_text(partition);
            let partition: i32 = partition_text.parse().map_err(|_| HerderError::BadRequest(format!("Failed to parse the following Kafka partition value in the provided offsets: '{partition_text}'. Partition values for sink connectors need to be integers.")))?;
            let offset = match &o.offset {
                None => None,
                Some(m) => {
                    let Some(offset) = m.get("kafka_offset") else {
                        return Err(HerderError::BadRequest("The offset for a sink connector should either be null or contain the key 'kafka_offset'".into()));
                    };
                    let text = java_text(offset);
                    Some(text.parse::<i64>().map_err(|_| HerderError::BadRequest(format!("Failed to parse the following Kafka offset value in the provided offsets: '{text}'. Offset values for sink connectors need to be integers.")))?)
                }
            };
            Ok((TopicPartition::new(java_text(topic), partition), offset))
        })
        .collect()
}

/// What Kafka's consumer-group calls would refuse in parsed sink offsets, with the 500 Kafka
/// answers: a negative offset already fails building the request (`OffsetAndMetadata`), an
/// unusable topic partition fails in the admin client.
fn check_sink_offsets(name: &str, offsets: &[(TopicPartition, Option<i64>)]) -> HerderResult<()> {
    if offsets.iter().any(|(_, o)| o.is_some_and(|o| o < 0)) {
        return Err(HerderError::Internal(format!(
            "Failed to modify offsets for sink connector {name}"
        )));
    }
    if offsets
        .iter()
        .any(|(tp, o)| o.is_some() && (tp.topic.is_empty() || tp.partition < 0))
    {
        return Err(HerderError::Internal(format!(
            "Failed to alter consumer group offsets for connector {name}"
        )));
    }
    Ok(())
}

/// Source partitions and offsets may only hold primitive values (Kafka's
/// `OffsetUtils.validateFormat`, a DataException, so a 500).
fn check_source_map(m: &SourceMap) -> HerderResult<()> {
    for (k, v) in m {
        let kind = match v {
            Json::Array(_) => "ARRAY",
            Json::Object(_) => "MAP",
            _ => continue,
        };
        return Err(HerderError::Internal(format!(
            "Offsets may only contain primitive types as values, but field {k} contains {kind}"
        )));
    }
    Ok(())
}

/// The 202 answer to a restart: the status as it was, with the instances about to restart
/// shown as RESTARTING. Their previous trace stays, as in Kafka's `RestartPlan`.
fn restart_snapshot(
    before: &ConnectorStateInfo,
    restart_connector: bool,
    restart_tasks: &[u32],
) -> ConnectorStateInfo {
    let mut snapshot = before.clone();
    if restart_connector {
        snapshot.connector.state = State::Restarting;
    }
    for t in &mut snapshot.tasks {
        if restart_tasks.contains(&t.id) {
            t.state = State::Restarting;
        }
    }
    snapshot
}

#[async_trait]
impl Herder for StandaloneHerder {
    fn worker_id(&self) -> String {
        self.worker_id.clone()
    }

    fn server_info(&self) -> ServerInfo {
        ServerInfo {
            version: crate::KAFKA_COMPAT_VERSION.to_string(),
            commit: crate::GIT_COMMIT.to_string(),
            kafka_cluster_id: self.cluster_id.clone(),
        }
    }

    async fn health(&self) -> WorkerStatus {
        if !self.ready.load(Ordering::SeqCst) {
            return WorkerStatus::starting("");
        }
        match tokio::time::timeout(std::time::Duration::from_secs(10), self.connectors.lock()).await {
            Ok(_) => WorkerStatus::healthy(),
            Err(_) => WorkerStatus {
                status: "unhealthy".into(),
                message: "Worker was unable to handle this request and may be unable to handle other requests.".into(),
            },
        }
    }

    async fn connectors(&self) -> Vec<String> {
        self.connectors.lock().await.keys().cloned().collect()
    }

    async fn connector_info(&self, name: &str) -> HerderResult<ConnectorInfo> {
        let map = self.connectors.lock().await;
        map.get(name)
            .map(|e| self.info(name, e))
            .ok_or_else(|| not_found(name))
    }

    async fn connector_config(&self, name: &str) -> HerderResult<Props> {
        let map = self.connectors.lock().await;
        map.get(name)
            .map(|e| e.config.clone())
            .ok_or_else(|| not_found(name))
    }

    async fn put_connector_config(
        &self,
        name: &str,
        mut config: Props,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> HerderResult<Created<ConnectorInfo>> {
        match config.get("name") {
            Some(n) if n != name => {
                return Err(HerderError::BadRequest(format!(
                    "Connector name configuration ({n}) doesn't match connector name in the URL ({name})"
                )))
            }
            Some(_) => {}
            None => {
                config.insert("name".into(), name.to_string());
            }
        }
        if !config.contains_key("connector.class") {
            let rendered: Vec<String> = config.iter().map(|(k, v)| format!("{k}={v}")).collect();
            return Err(HerderError::BadRequest(format!(
                "Connector config {{{}}} contains no connector type",
                rendered.join(", ")
            )));
        }
        let ctype = self.validate_for_put(&config)?;
        let mut map = self.connectors.lock().await;
        let existing = map.get_mut(name);
        let created = existing.is_none();
        let target = match existing {
            Some(_) if !allow_replace => {
                return Err(HerderError::AlreadyExists(format!(
                    "Connector {name} already exists"
                )))
            }
            Some(entry) => {
                self.stop_entry(entry).await;
                initial_state.unwrap_or(entry.target)
            }
            None => initial_state.unwrap_or(TargetState::Started),
        };
        let mut entry = ConnectorEntry {
            config,
            target,
            task_configs: Vec::new(),
            connector_type: Some(ctype),
            instance: None,
            tasks: Vec::new(),
        };
        self.start_entry(name, &mut entry).await;
        let info = self.info(name, &entry);
        map.insert(name.to_string(), entry);
        drop(map);
        self.persist().await;
        Ok(Created {
            created,
            value: info,
        })
    }

    async fn patch_connector_config(
        &self,
        name: &str,
        patch: NullableProps,
    ) -> HerderResult<ConnectorInfo> {
        let mut config = self.connector_config(name).await?;
        for (k, v) in patch {
            match v {
                Some(v) => {
                    config.insert(k, v);
                }
                None => {
                    config.remove(&k);
                }
            }
        }
        Ok(self
            .put_connector_config(name, config, true, None)
            .await?
            .value)
    }

    async fn delete_connector(&self, name: &str) -> HerderResult<()> {
        let mut map = self.connectors.lock().await;
        let mut entry = map.remove(name).ok_or_else(|| not_found(name))?;
        self.status.forget(name);
        self.stop_entry(&mut entry).await;
        drop(map);
        self.persist().await;
        Ok(())
    }

    async fn connector_status(&self, name: &str) -> HerderResult<ConnectorStateInfo> {
        let map = self.connectors.lock().await;
        let entry = map.get(name).ok_or_else(|| {
            HerderError::NotFound(format!("No status found for connector {name}"))
        })?;
        self.state_info(name, entry)
    }

    async fn task_status(&self, id: &ConnectorTaskId) -> HerderResult<TaskState> {
        self.status
            .task(id)
            .ok_or_else(|| HerderError::NotFound(format!("No status found for task {id}")))
    }

    async fn task_configs(&self, name: &str) -> HerderResult<Vec<TaskInfo>> {
        let map = self.connectors.lock().await;
        let entry = map.get(name).ok_or_else(|| not_found(name))?;
        Ok(entry
            .task_configs
            .iter()
            .enumerate()
            .map(|(i, c)| TaskInfo {
                id: ConnectorTaskId::new(name, i as u32),
                config: c.clone(),
            })
            .collect())
    }

    async fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> HerderResult<Option<ConnectorStateInfo>> {
        let mut map = self.connectors.lock().await;
        let entry = map
            .get_mut(name)
            .ok_or_else(|| HerderError::NotFound(format!("Unknown connector: {name}")))?;
        let legacy = !include_tasks && !only_failed;
        let before = self
            .state_info(name, entry)
            .map_err(|_| HerderError::NotFound(format!("Status for connector {name} not found")))?;
        let restart_connector = !only_failed || before.connector.state == State::Failed;
        let restart_tasks: Vec<u32> = if include_tasks {
            before
                .tasks
                .iter()
                .filter(|t| !only_failed || t.state == State::Failed)
                .map(|t| t.id)
                .collect()
        } else {
            Vec::new()
        };
        let snapshot = restart_snapshot(&before, restart_connector, &restart_tasks);
        if restart_connector {
            if let Some(inst) = entry.instance.as_mut() {
                inst.stop().await;
            }
            entry.instance = None;
            self.status.connector_state(name, State::Restarting, None);
            let start = entry.target == TargetState::Started;
            match self
                .worker
                .start_connector(name, &entry.config, start)
                .await
            {
                Ok(inst) => {
                    entry.instance = Some(inst);
                    let s = match entry.target {
                        TargetState::Started => State::Running,
                        TargetState::Paused => State::Paused,
                        TargetState::Stopped => State::Stopped,
                    };
                    self.status.connector_state(name, s, None);
                }
                Err(e) => self
                    .status
                    .connector_state(name, State::Failed, Some(e.trace_text())),
            }
        }
        if !restart_tasks.is_empty() {
            let control = match entry.target {
                TargetState::Paused => TaskControl::Pause,
                _ => TaskControl::Run,
            };
            let (stop, keep): (Vec<TaskHandle>, Vec<TaskHandle>) = std::mem::take(&mut entry.tasks)
                .into_iter()
                .partition(|h| restart_tasks.contains(&h.id.task));
            entry.tasks = keep;
            self.worker.stop_tasks(stop).await;
            let ctype = entry.connector_type.unwrap_or(ConnectorType::Source);
            let count = entry.task_configs.len() as u32;
            for t in &restart_tasks {
                if let Some(tc) = entry.task_configs.get(*t as usize) {
                    let id = ConnectorTaskId::new(name, *t);
                    self.status.set_task(&id, State::Restarting);
                    entry.tasks.push(self.worker.start_task(
                        id,
                        ctype,
                        entry.config.clone(),
                        tc.clone(),
                        count,
                        control,
                    ));
                }
            }
            entry.tasks.sort_by_key(|h| h.id.task);
        }
        if restart_connector && entry.tasks.is_empty() {
            // A connector that had failed before generating tasks gets them now.
            self.reconfigure_tasks(name, entry, false).await;
        }
        drop(map);
        self.persist().await;
        Ok(if legacy { None } else { Some(snapshot) })
    }

    async fn restart_task(&self, id: &ConnectorTaskId) -> HerderResult<()> {
        let mut map = self.connectors.lock().await;
        let entry = map
            .get_mut(&id.connector)
            .ok_or_else(|| HerderError::NotFound(format!("Unknown connector: {}", id.connector)))?;
        let tc = entry
            .task_configs
            .get(id.task as usize)
            .cloned()
            .ok_or_else(|| HerderError::NotFound(format!("Unknown task: {id}")))?;
        let ctype = entry
            .connector_type
            .ok_or_else(|| HerderError::Internal(format!("Failed to start task: {id}")))?;
        let (stop, keep): (Vec<TaskHandle>, Vec<TaskHandle>) = std::mem::take(&mut entry.tasks)
            .into_iter()
            .partition(|h| h.id == *id);
        entry.tasks = keep;
        self.worker.stop_tasks(stop).await;
        self.status.set_task(id, State::Restarting);
        let control = if entry.target == TargetState::Paused {
            TaskControl::Pause
        } else {
            TaskControl::Run
        };
        let count = entry.task_configs.len() as u32;
        entry.tasks.push(self.worker.start_task(
            id.clone(),
            ctype,
            entry.config.clone(),
            tc,
            count,
            control,
        ));
        entry.tasks.sort_by_key(|h| h.id.task);
        Ok(())
    }

    async fn pause_connector(&self, name: &str) -> HerderResult<()> {
        let mut map = self.connectors.lock().await;
        let entry = map
            .get_mut(name)
            .ok_or_else(|| HerderError::NotFound(format!("Unknown connector {name}")))?;
        if entry.target == TargetState::Stopped {
            // Kafka moves a STOPPED connector to PAUSED without generating tasks.
            entry.target = TargetState::Paused;
            self.status.connector_state(name, State::Paused, None);
        } else if entry.target != TargetState::Paused {
            entry.target = TargetState::Paused;
            if let Some(inst) = entry.instance.as_mut() {
                inst.stop().await;
            }
            for t in &entry.tasks {
                t.set_control(TaskControl::Pause);
            }
            if self.status.current_state(name) != Some(State::Failed) {
                self.status.connector_state(name, State::Paused, None);
            }
        }
        drop(map);
        self.persist().await;
        Ok(())
    }

    async fn resume_connector(&self, name: &str) -> HerderResult<()> {
        let mut map = self.connectors.lock().await;
        let entry = map
            .get_mut(name)
            .ok_or_else(|| HerderError::NotFound(format!("Unknown connector {name}")))?;
        if entry.target != TargetState::Started {
            entry.target = TargetState::Started;
            match entry.instance.as_mut() {
                Some(inst) => {
                    let ctx = self.worker.context(name, inst.connector_type);
                    match inst.start(ctx, entry.config.clone()).await {
                        Ok(()) => {
                            self.status.connector_state(name, State::Running, None);
                            for t in &entry.tasks {
                                t.set_control(TaskControl::Run);
                            }
                            if entry.tasks.is_empty() {
                                self.reconfigure_tasks(name, entry, true).await;
                            } else {
                                self.reconfigure_tasks(name, entry, false).await;
                            }
                        }
                        Err(e) => {
                            self.status
                                .connector_state(name, State::Failed, Some(e.trace_text()))
                        }
                    }
                }
                None => {
                    self.start_entry(name, entry).await;
                }
            }
        }
        drop(map);
        self.persist().await;
        Ok(())
    }

    async fn stop_connector(&self, name: &str) -> HerderResult<()> {
        let mut map = self.connectors.lock().await;
        let entry = map
            .get_mut(name)
            .ok_or_else(|| HerderError::NotFound(format!("Unknown connector {name}")))?;
        self.stop_entry(entry).await;
        entry.task_configs.clear();
        entry.target = TargetState::Stopped;
        self.status.retain_tasks(name, 0);
        self.status.connector_state(name, State::Stopped, None);
        // Keep an unstarted instance so the type stays known.
        if let Ok(inst) = self
            .worker
            .start_connector(name, &entry.config, false)
            .await
        {
            entry.instance = Some(inst);
        }
        drop(map);
        self.persist().await;
        Ok(())
    }

    async fn connector_offsets(&self, name: &str) -> HerderResult<ConnectorOffsets> {
        let (config, ctype) = {
            let map = self.connectors.lock().await;
            let entry = map.get(name).ok_or_else(|| not_found(name))?;
            let t = entry
                .connector_type
                .or_else(|| self.type_of(&entry.config))
                .ok_or_else(|| {
                    HerderError::Internal(format!("Cannot determine the type of connector {name}"))
                })?;
            (entry.config.clone(), t)
        };
        let offsets = match ctype {
            ConnectorType::Source => self
                .worker
                .offsets
                .connector_offsets(name)
                .into_iter()
                .map(|(p, o)| ConnectorOffset {
                    partition: p,
                    offset: Some(o),
                })
                .collect(),
            ConnectorType::Sink => {
                let group = sink_group(name, &config);
                self.worker
                    .transport
                    .committed_offsets(&group)
                    .await
                    .map_err(|e| {
                        HerderError::Internal(format!(
                            "Failed to read offsets of group {group}: {e}"
                        ))
                    })?
                    .into_iter()
                    .map(|(tp, o)| ConnectorOffset {
                        partition:
                            json!({"kafka_topic": tp.topic, "kafka_partition": tp.partition})
                                .as_object()
                                .cloned()
                                .unwrap_or_default(),
                        offset: json!({"kafka_offset": o}).as_object().cloned(),
                    })
                    .collect()
            }
        };
        Ok(ConnectorOffsets { offsets })
    }

    async fn alter_connector_offsets(
        &self,
        name: &str,
        offsets: ConnectorOffsets,
    ) -> HerderResult<String> {
        if offsets.offsets.is_empty() {
            return Err(HerderError::BadRequest(
                "Partitions / offsets need to be provided for an alter offsets request".into(),
            ));
        }
        let (_, ctype) = self.require_stopped(name).await?;
        let alter = match ctype {
            ConnectorType::Sink => {
                let parsed = parse_sink_offsets(&offsets)?;
                check_sink_offsets(name, &parsed)?;
                OffsetsToAlter::Sink(parsed)
            }
            ConnectorType::Source => {
                for o in &offsets.offsets {
                    check_source_map(&o.partition)?;
                    if let Some(off) = &o.offset {
                        check_source_map(off)?;
                    }
                }
                OffsetsToAlter::Source(
                    offsets
                        .offsets
                        .into_iter()
                        .map(|o| (o.partition, o.offset))
                        .collect(),
                )
            }
        };
        self.alter_offsets_inner(name, alter, false).await
    }

    async fn reset_connector_offsets(&self, name: &str) -> HerderResult<String> {
        let (_, ctype) = self.require_stopped(name).await?;
        let alter = match ctype {
            ConnectorType::Source => OffsetsToAlter::Source(
                self.worker
                    .offsets
                    .connector_offsets(name)
                    .into_iter()
                    .map(|(p, _)| (p, None))
                    .collect(),
            ),
            ConnectorType::Sink => OffsetsToAlter::Sink(Vec::new()),
        };
        self.alter_offsets_inner(name, alter, true).await
    }

    async fn active_topics(&self, name: &str) -> HerderResult<Vec<String>> {
        Ok(self.status.topics(name))
    }

    async fn reset_active_topics(&self, name: &str) -> HerderResult<()> {
        self.status.reset_topics(name);
        self.persist().await;
        Ok(())
    }

    fn plugins(&self, connectors_only: bool) -> Vec<PluginInfo> {
        self.worker.plugins.infos(connectors_only)
    }

    /// The name resolves as a Kafka worker loads a plugin class (full name or unique alias);
    /// a class of a type the REST API does not serve is a 400, an unknown name a 404.
    fn plugin_config(&self, plugin: &str) -> HerderResult<Vec<ConfigKeyInfo>> {
        let plugins = &self.worker.plugins;
        let class = match plugins.resolve_class(plugin) {
            Some(ResolvedClass::Plugin(c)) => c,
            Some(ResolvedClass::NonRest(_)) => {
                return Err(HerderError::BadRequest(format!(
                    "Invalid plugin class {plugin}. Valid types are sink, source, converter, header_converter, transformation, predicate."
                )))
            }
            None => return Err(HerderError::NotFound(format!("Unknown plugin {plugin}."))),
        };
        if let Ok((c, d)) = plugins.connector(class, None) {
            return Ok(connector_plugin_config(
                &c.config_def(),
                c.connector_type(),
                d.version,
            ));
        }
        let own = plugins
            .converter(class)
            .map(|c| c.config_def())
            .or_else(|_| plugins.header_converter(class).map(|c| c.config_def()))
            .or_else(|_| plugins.transformation(class).map(|c| c.config_def()))
            .or_else(|_| plugins.predicate(class).map(|c| c.config_def()))
            .map_err(|_| HerderError::NotFound(format!("Unknown plugin {plugin}.")))?;
        Ok(own.keys().iter().map(ConfigKeyInfo::from).collect())
    }

    async fn validate_connector_config(
        &self,
        _plugin: &str,
        config: NullableProps,
    ) -> HerderResult<ConfigInfos> {
        connector_config::validate(
            &self.worker.plugins,
            &config,
            &self.converter_defaults(),
            None,
        )
        .map_err(HerderError::BadRequest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(v: Json) -> ConnectorOffsets {
        serde_json::from_value(json!({ "offsets": v })).unwrap()
    }

    fn sink_error(v: Json) -> String {
        parse_sink_offsets(&offsets(v)).unwrap_err().to_string()
    }

    #[test]
    fn sink_offsets_parse_like_kafka() {
        let parsed = parse_sink_offsets(&offsets(json!([
            {"partition": {"kafka_topic": "t", "kafka_partition": "1"}, "offset": {"kafka_offset": 5}},
            {"partition": {"kafka_topic": 7, "kafka_partition": 0}, "offset": null},
        ])))
        .unwrap();
        assert_eq!(
            parsed,
            [
                (TopicPartition::new("t", 1), Some(5)),
                (TopicPartition::new("7", 0), None)
            ]
        );
        assert_eq!(
            sink_error(json!([{"partition": {"kafka_topic": "t", "kafka_partition": "x"}, "offset": {"kafka_offset": 2}}])),
            "Failed to parse the following Kafka partition value in the provided offsets: 'x'. Partition values for sink connectors need to be integers."
        );
        assert_eq!(
            sink_error(json!([{"partition": {"kafka_topic": "t", "kafka_partition": 1.0}, "offset": {"kafka_offset": 2}}])),
            "Failed to parse the following Kafka partition value in the provided offsets: '1.0'. Partition values for sink connectors need to be integers."
        );
        assert_eq!(
            sink_error(json!([{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": "y"}}])),
            "Failed to parse the following Kafka offset value in the provided offsets: 'y'. Offset values for sink connectors need to be integers."
        );
        assert_eq!(
            sink_error(json!([{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": [1]}}])),
            "Failed to parse the following Kafka offset value in the provided offsets: '[1]'. Offset values for sink connectors need to be integers."
        );
        assert_eq!(
            sink_error(
                json!([{"partition": {"kafka_topic": null, "kafka_partition": 0}, "offset": null}])
            ),
            "Kafka topic names must be valid strings and may not be null"
        );
    }

    #[test]
    fn sink_offsets_kafkas_client_would_refuse() {
        let e = check_sink_offsets("s", &[(TopicPartition::new("t", 0), Some(-1))]).unwrap_err();
        assert_eq!(
            e,
            HerderError::Internal("Failed to modify offsets for sink connector s".into())
        );
        let e = check_sink_offsets("s", &[(TopicPartition::new("t", -1), Some(1))]).unwrap_err();
        assert_eq!(
            e,
            HerderError::Internal("Failed to alter consumer group offsets for connector s".into())
        );
        assert!(check_sink_offsets("s", &[(TopicPartition::new("t", 0), None)]).is_ok());
    }

    #[test]
    fn source_offsets_must_be_primitive() {
        let map = |v: Json| v.as_object().cloned().unwrap();
        assert_eq!(
            check_source_map(&map(json!({"position": {"a": 1}}))).unwrap_err(),
            HerderError::Internal(
                "Offsets may only contain primitive types as values, but field position contains MAP"
                    .into()
            )
        );
        assert_eq!(
            check_source_map(&map(json!({"filename": [1]}))).unwrap_err(),
            HerderError::Internal(
                "Offsets may only contain primitive types as values, but field filename contains ARRAY"
                    .into()
            )
        );
        assert!(check_source_map(&map(json!({"a": 1, "b": "x", "c": null, "d": 1.5}))).is_ok());
    }

    #[test]
    fn restart_snapshot_keeps_the_previous_trace() {
        let task = |id: u32, state: State, trace: Option<&str>| TaskState {
            id,
            state,
            worker_id: "w".into(),
            trace: trace.map(str::to_string),
            version: None,
        };
        let before = ConnectorStateInfo {
            name: "c".into(),
            connector: ConnectorState {
                state: State::Running,
                worker_id: "w".into(),
                trace: None,
                version: None,
            },
            tasks: vec![
                task(0, State::Failed, Some("boom")),
                task(1, State::Running, None),
            ],
            connector_type: ConnectorTypeInfo::Sink,
        };
        let snap = restart_snapshot(&before, false, &[0]);
        assert_eq!(snap.connector.state, State::Running);
        assert_eq!(snap.tasks[0], task(0, State::Restarting, Some("boom")));
        assert_eq!(snap.tasks[1], task(1, State::Running, None));
    }
}
