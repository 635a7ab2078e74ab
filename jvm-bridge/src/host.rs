//! The bridge's process-wide state: the JVM, its control thread and the plugins Kafka's own
//! `Plugins` found on `plugin.path`, registered as gateway plugins.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use connect_api::{
    Connector, ConnectorType, HostedConnector, HostedTaskSpec, PluginDesc, PluginFactory,
    PluginType, Props, SinkTask, SourceTask,
};
use serde::Deserialize;
use serde_json::json;

use crate::config::JvmConfig;
use crate::connector::JvmConnector;
use crate::error::BridgeError;
use crate::runtime::{self, call_str, JvmThread};
use crate::sink::JvmSinkTask;
use crate::source::JvmSourceTask;

pub struct Host {
    pub jvm: Arc<runtime::Jvm>,
    /// Plugin-level calls (init, config definitions, validation) run here, one at a time.
    pub control: JvmThread,
    pub worker: Props,
}

static HOST: OnceLock<Host> = OnceLock::new();

/// The host, once [`discover`] started it.
pub fn host() -> Result<&'static Host, BridgeError> {
    HOST.get().ok_or_else(|| {
        BridgeError::Unavailable("the JVM was not started (no plugin.path configured)".into())
    })
}

#[derive(Debug, Deserialize)]
struct InitAnswer {
    #[serde(default)]
    kafka_version: String,
    plugins: Vec<FoundPlugin>,
    #[serde(default)]
    warnings: Vec<PathWarning>,
}

/// A plugin.path location (or a jar in it) Kafka's scan could not use.
#[derive(Debug, Deserialize)]
struct PathWarning {
    location: String,
    message: String,
}

#[derive(Debug, Deserialize)]
struct FoundPlugin {
    class: String,
    #[serde(rename = "type")]
    plugin_type: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    location: String,
}

fn plugin_type(name: &str) -> Option<PluginType> {
    Some(match name {
        "source" => PluginType::Source,
        "sink" => PluginType::Sink,
        "converter" => PluginType::Converter,
        "header_converter" => PluginType::HeaderConverter,
        "transformation" => PluginType::Transformation,
        "predicate" => PluginType::Predicate,
        _ => return None,
    })
}

/// Names live as long as the process (the registry hands out `&'static str`); interning
/// keeps a restarted connector from leaking its task class again.
pub fn intern(s: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(n) = names.get(s) {
        return n;
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Starts the JVM (once) and lists the plugins on `plugin.path`. Without a `plugin.path`
/// no JVM starts; without a JDK or the shim the reason is logged and native plugins run alone.
pub fn discover(plugin_path: &[PathBuf], worker: &Props) -> Vec<PluginDesc> {
    if plugin_path.is_empty() {
        return Vec::new();
    }
    match try_discover(plugin_path, worker) {
        Ok(descs) => descs,
        Err(e) => {
            tracing::warn!(error = %e, "JVM plugins on plugin.path are unavailable; native plugins still run");
            Vec::new()
        }
    }
}

fn try_discover(plugin_path: &[PathBuf], worker: &Props) -> Result<Vec<PluginDesc>, BridgeError> {
    let host = match HOST.get() {
        Some(h) => h,
        None => {
            let jvm = runtime::jvm(&JvmConfig::from_worker(worker))?;
            let control = JvmThread::spawn(jvm.clone(), "connect-jvm-control".into())?;
            let _ = HOST.set(Host {
                jvm,
                control,
                worker: worker.clone(),
            });
            host()?
        }
    };
    let input = json!({
        "plugin_path": plugin_path.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>(),
        "worker": worker,
    })
    .to_string();
    let answer = host
        .control
        .call_blocking(move |env, bridge| call_str(env, bridge, "init", &input))??;
    let init: InitAnswer = serde_json::from_value(answer).map_err(|e| BridgeError::Protocol {
        call: "init",
        message: e.to_string(),
    })?;
    // Kafka skips a corrupt jar or a jar without plugins silently; name it, so an operator
    // learns why a connector they dropped on plugin.path is missing.
    for w in &init.warnings {
        tracing::warn!(location = %w.location, "plugin.path entry: {}", w.message);
    }
    let mut out = Vec::new();
    for p in init.plugins {
        // Classes on the host class path (Kafka's own SMTs and converters) run natively
        // for native connectors and inside Java for JVM ones; only plugin.path is listed.
        if p.location == "classpath" {
            continue;
        }
        let Some(t) = plugin_type(&p.plugin_type) else {
            continue;
        };
        let class = intern(&p.class);
        let version = intern(p.version.as_deref().unwrap_or("undefined"));
        let factory = match t {
            PluginType::Source | PluginType::Sink => {
                let ctype = if t == PluginType::Source {
                    ConnectorType::Source
                } else {
                    ConnectorType::Sink
                };
                PluginFactory::HostedConnector(Arc::new(JvmPlugin {
                    class,
                    version,
                    connector_type: ctype,
                }))
            }
            _ => PluginFactory::Hosted,
        };
        tracing::info!(class, version, location = %p.location, "JVM plugin");
        out.push(PluginDesc {
            class,
            plugin_type: Some(t),
            version,
            factory,
        });
    }
    tracing::info!(
        kafka = %init.kafka_version,
        plugins = out.len(),
        "plugin.path scanned by Kafka's plugin loader"
    );
    Ok(out)
}

/// One connector class from `plugin.path`.
pub struct JvmPlugin {
    pub class: &'static str,
    pub version: &'static str,
    pub connector_type: ConnectorType,
}

impl HostedConnector for JvmPlugin {
    fn connector(&self) -> Box<dyn Connector> {
        Box::new(JvmConnector::new(
            self.class,
            self.version,
            self.connector_type,
        ))
    }
    fn source_task(&self, spec: &HostedTaskSpec<'_>) -> Box<dyn SourceTask> {
        Box::new(JvmSourceTask::new(TaskSpec::from_spec(self.class, spec)))
    }
    fn sink_task(&self, spec: &HostedTaskSpec<'_>) -> Box<dyn SinkTask> {
        Box::new(JvmSinkTask::new(TaskSpec::from_spec(self.class, spec)))
    }
}

/// What `taskCreate` needs, owned.
#[derive(Debug, Clone)]
pub struct TaskSpec {
    pub connector: String,
    pub task_id: u32,
    pub connector_class: String,
    pub task_class: String,
    pub connector_config: Props,
    pub worker_config: Props,
}

impl TaskSpec {
    fn from_spec(connector_class: &str, spec: &HostedTaskSpec<'_>) -> Self {
        TaskSpec {
            connector: spec.connector.to_string(),
            task_id: spec.task_id,
            connector_class: connector_class.to_string(),
            task_class: spec.task_class.to_string(),
            connector_config: spec.connector_config.clone(),
            worker_config: spec.worker_config.clone(),
        }
    }

    pub fn thread_name(&self) -> String {
        format!("task-{}-{}", self.connector, self.task_id)
    }

    pub fn create_json(&self, kind: &str, task_config: &Props) -> String {
        json!({
            "kind": kind,
            "connector": self.connector,
            "task_id": self.task_id,
            "connector_class": self.connector_class,
            "task_class": self.task_class,
            "connector_config": self.connector_config,
            "task_config": task_config,
            "worker": self.worker_config,
        })
        .to_string()
    }
}
