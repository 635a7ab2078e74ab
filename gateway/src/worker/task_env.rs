//! What every task runner gets from the worker, and the control signal the herder drives.

use std::sync::Arc;

use connect_api::config::originals_with_prefix;
use connect_api::{ConnectError, ConnectResult, Converter, HeaderConverter, Props};
use tokio::sync::watch;

use crate::herder::{ConnectorTaskId, State};
use crate::storage::OffsetBackingStore;
use crate::transport::RecordTransport;
use crate::worker::plugins::Plugins;
use crate::worker_config::WorkerConfig;

/// Target state of a running task, as set by pause/resume/stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskControl {
    Run,
    Pause,
    Stop,
}

/// Where tasks and connectors report state changes (the status backing store).
pub trait StatusListener: Send + Sync {
    fn connector_state(&self, connector: &str, state: State, trace: Option<String>);
    fn task_state(&self, id: &ConnectorTaskId, state: State, trace: Option<String>);
    /// Topic tracking (KIP-558): a task produced to or consumed from `topic`.
    fn topic_used(&self, connector: &str, topic: &str);
}

#[derive(Clone)]
pub struct TaskEnv {
    pub id: ConnectorTaskId,
    /// How many tasks the connector has (sink tasks split partitions by it).
    pub task_count: u32,
    pub connector_config: Props,
    pub task_config: Props,
    pub plugins: Arc<Plugins>,
    pub transport: Arc<dyn RecordTransport>,
    pub offsets: Arc<dyn OffsetBackingStore>,
    pub worker: Arc<WorkerConfig>,
    pub status: Arc<dyn StatusListener>,
    pub control: watch::Receiver<TaskControl>,
}

/// The converters a task uses, chosen like Kafka: the connector's own class (configured from
/// its prefixed keys) or else the worker's.
pub struct Converters {
    pub key: Box<dyn Converter>,
    pub value: Box<dyn Converter>,
    pub header: Box<dyn HeaderConverter>,
}

impl Converters {
    pub fn build(
        connector: &Props,
        worker: &WorkerConfig,
        plugins: &Plugins,
    ) -> ConnectResult<Self> {
        let pick = |key: &str, worker_class: &str| -> (String, Props) {
            let prefix = format!("{key}.");
            match connector.get(key) {
                Some(c) => (c.clone(), originals_with_prefix(connector, &prefix)),
                None => (
                    worker_class.to_string(),
                    originals_with_prefix(&worker.originals, &prefix),
                ),
            }
        };
        let (kc, kp) = pick("key.converter", &worker.key_converter);
        let (vc, vp) = pick("value.converter", &worker.value_converter);
        let (hc, mut hp) = pick("header.converter", &worker.header_converter);
        let mut key = plugins.converter(&kc).map_err(ConnectError::config)?;
        key.configure(&kp, true)?;
        let mut value = plugins.converter(&vc).map_err(ConnectError::config)?;
        value.configure(&vp, false)?;
        let mut header = plugins
            .header_converter(&hc)
            .map_err(ConnectError::config)?;
        hp.insert("converter.type".into(), "header".into());
        header.configure(&hp)?;
        Ok(Converters { key, value, header })
    }
}

impl Converters {
    /// Bytes in, bytes out: for tasks whose host converts records itself (the JVM bridge).
    pub fn pass_through() -> Self {
        use native_connectors::converters::ByteArrayConverter;
        Converters {
            key: Box::new(ByteArrayConverter::new()),
            value: Box::new(ByteArrayConverter::new()),
            header: Box::new(ByteArrayConverter::new()),
        }
    }
}

/// Text for a status `trace` from a caught panic.
pub fn panic_trace(payload: Box<dyn std::any::Any + Send>) -> String {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("org.apache.kafka.connect.errors.ConnectException: task panicked: {msg}")
}
