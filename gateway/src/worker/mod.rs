//! The `Worker`: instantiates connectors and tasks and runs each task on its own tokio task.
//! It knows nothing of REST or config persistence; the herder tells it what to run.

pub mod client_overrides;
pub mod connector_config;
pub mod dead_letter_queue;
pub mod plugins;
pub mod retry_with_tolerance;
pub mod sink_task;
pub mod source_task;
pub mod submitted_records;
pub mod task_env;
pub mod transformation_chain;

use std::sync::Arc;

use connect_api::{
    ConnectError, Connector, ConnectorContext, ConnectorType, OffsetStorageReader, Props,
};
use futures::FutureExt;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::herder::{ConnectorTaskId, State};
use crate::storage::{ConnectorOffsetReader, OffsetBackingStore};
use crate::transport::RecordTransport;
use crate::worker_config::WorkerConfig;

pub use plugins::Plugins;
pub use task_env::{StatusListener, TaskControl, TaskEnv};

/// Requests a running connector makes of the herder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectorRequest {
    Reconfigure(String),
}

pub struct Worker {
    pub config: Arc<WorkerConfig>,
    pub plugins: Arc<Plugins>,
    pub transport: Arc<dyn RecordTransport>,
    pub offsets: Arc<dyn OffsetBackingStore>,
    pub status: Arc<dyn StatusListener>,
    requests: mpsc::UnboundedSender<ConnectorRequest>,
}

/// A running task: its control channel and the tokio task running its loop.
pub struct TaskHandle {
    pub id: ConnectorTaskId,
    control: watch::Sender<TaskControl>,
    join: JoinHandle<()>,
}

impl TaskHandle {
    pub fn set_control(&self, c: TaskControl) {
        self.control.send_replace(c);
    }
}

struct Context {
    name: String,
    status: Arc<dyn StatusListener>,
    requests: mpsc::UnboundedSender<ConnectorRequest>,
    reader: Option<Arc<dyn OffsetStorageReader>>,
}

impl ConnectorContext for Context {
    fn request_task_reconfiguration(&self) {
        // The herder may be shutting down; then there is nothing left to reconfigure.
        let _ = self
            .requests
            .send(ConnectorRequest::Reconfigure(self.name.clone()));
    }
    fn raise_error(&self, error: ConnectError) {
        tracing::error!(connector = %self.name, error = %error, "connector raised an error");
        self.status
            .connector_state(&self.name, State::Failed, Some(error.trace_text()));
    }
    fn offset_storage_reader(&self) -> Option<Arc<dyn OffsetStorageReader>> {
        self.reader.clone()
    }
}

/// A started connector instance (`WorkerConnector`). A new one is made for every start.
pub struct WorkerConnector {
    pub name: String,
    pub connector_type: ConnectorType,
    pub version: String,
    connector: Box<dyn Connector>,
    running: bool,
}

impl WorkerConnector {
    pub fn task_class(&self) -> &'static str {
        self.connector.task_class()
    }

    pub async fn task_configs(&mut self, max_tasks: usize) -> Result<Vec<Props>, ConnectError> {
        guard(self.connector.task_configs(max_tasks)).await
    }

    /// `Connector::stop`, on pause, stop, delete, reconfiguration and shutdown.
    pub async fn stop(&mut self) {
        if self.running {
            self.running = false;
            if let Err(e) = guard(self.connector.stop()).await {
                tracing::warn!(connector = %self.name, error = %e, "connector stop failed");
            }
        }
    }

    /// Resume after pause: the same instance is started again.
    pub async fn start(
        &mut self,
        ctx: Arc<dyn ConnectorContext>,
        config: Props,
    ) -> Result<(), ConnectError> {
        guard(self.connector.start(ctx, config)).await?;
        self.running = true;
        Ok(())
    }

    pub fn is_running(&self) -> bool {
        self.running
    }
}

/// Runs a plugin future, turning a panic into an error with a trace.
async fn guard<T>(
    f: impl std::future::Future<Output = Result<T, ConnectError>>,
) -> Result<T, ConnectError> {
    match std::panic::AssertUnwindSafe(f).catch_unwind().await {
        Ok(r) => r,
        Err(p) => {
            Err(ConnectError::connect("plugin panicked").with_trace(task_env::panic_trace(p)))
        }
    }
}

impl Worker {
    pub fn new(
        config: Arc<WorkerConfig>,
        plugins: Arc<Plugins>,
        transport: Arc<dyn RecordTransport>,
        offsets: Arc<dyn OffsetBackingStore>,
        status: Arc<dyn StatusListener>,
        requests: mpsc::UnboundedSender<ConnectorRequest>,
    ) -> Self {
        Worker {
            config,
            plugins,
            transport,
            offsets,
            status,
            requests,
        }
    }

    pub fn context(&self, name: &str, connector_type: ConnectorType) -> Arc<dyn ConnectorContext> {
        let reader = (connector_type == ConnectorType::Source).then(|| {
            Arc::new(ConnectorOffsetReader::new(self.offsets.clone(), name))
                as Arc<dyn OffsetStorageReader>
        });
        Arc::new(Context {
            name: name.to_string(),
            status: self.status.clone(),
            requests: self.requests.clone(),
            reader,
        })
    }

    /// A new connector instance, started unless the target state says otherwise.
    /// On failure the connector is reported FAILED and the error returned.
    pub async fn start_connector(
        &self,
        name: &str,
        config: &Props,
        start: bool,
    ) -> Result<WorkerConnector, ConnectError> {
        let class = config.get("connector.class").cloned().unwrap_or_default();
        let (connector, desc) = self
            .plugins
            .connector(&class, config.get(plugins::RUNTIME_KEY).map(String::as_str))
            .map_err(ConnectError::config)?;
        let mut wc = WorkerConnector {
            name: name.to_string(),
            connector_type: connector.connector_type(),
            version: desc.version.to_string(),
            connector,
            running: false,
        };
        if start {
            let ctx = self.context(name, wc.connector_type);
            wc.start(ctx, config.clone()).await?;
        }
        Ok(wc)
    }

    /// Spawns a task's loop. Its status moves to RUNNING once `start` succeeded, and to
    /// FAILED (with a trace) on error or panic; the worker and other tasks are unaffected.
    pub fn start_task(
        &self,
        id: ConnectorTaskId,
        connector_type: ConnectorType,
        connector_config: Props,
        task_config: Props,
        task_count: u32,
        initial: TaskControl,
    ) -> TaskHandle {
        let (tx, rx) = watch::channel(initial);
        let env = TaskEnv {
            id: id.clone(),
            task_count,
            connector_config,
            task_config,
            plugins: self.plugins.clone(),
            transport: self.transport.clone(),
            offsets: self.offsets.clone(),
            worker: self.config.clone(),
            status: self.status.clone(),
            control: rx,
        };
        let status = self.status.clone();
        let task_id = id.clone();
        let join = tokio::spawn(async move {
            let run = run_task(env, connector_type);
            let outcome = std::panic::AssertUnwindSafe(run).catch_unwind().await;
            match outcome {
                Ok(Ok(())) => status.task_state(&task_id, State::Unassigned, None),
                Ok(Err(e)) => {
                    tracing::error!(task = %task_id, error = %e, "task failed");
                    status.task_state(&task_id, State::Failed, Some(e.trace_text()));
                }
                Err(p) => {
                    let trace = task_env::panic_trace(p);
                    tracing::error!(task = %task_id, trace = %trace, "task panicked");
                    status.task_state(&task_id, State::Failed, Some(trace));
                }
            }
        });
        TaskHandle {
            id,
            control: tx,
            join,
        }
    }

    /// Asks tasks to stop and waits up to `task.shutdown.graceful.timeout.ms` in total;
    /// tasks still running then are abandoned, as Kafka cancels them.
    pub async fn stop_tasks(&self, handles: Vec<TaskHandle>) {
        for h in &handles {
            h.set_control(TaskControl::Stop);
        }
        let deadline = tokio::time::Instant::now() + self.config.task_shutdown_timeout;
        for h in handles {
            let abort = h.join.abort_handle();
            if tokio::time::timeout_at(deadline, h.join).await.is_err() {
                tracing::warn!(task = %h.id, "task did not stop in time; abandoning it");
                abort.abort();
            }
        }
    }
}

fn task_spec<'a>(env: &'a TaskEnv, task_class: &'a str) -> connect_api::HostedTaskSpec<'a> {
    connect_api::HostedTaskSpec {
        connector: &env.id.connector,
        task_id: env.id.task,
        task_class,
        connector_config: &env.connector_config,
        worker_config: &env.worker.originals,
    }
}

async fn run_task(env: TaskEnv, connector_type: ConnectorType) -> Result<(), ConnectError> {
    let class = env
        .task_config
        .get("task.class")
        .cloned()
        .ok_or_else(|| ConnectError::config("Task config has no task.class"))?;
    match connector_type {
        ConnectorType::Source => {
            let task = env
                .plugins
                .source_task(&task_spec(&env, &class))
                .map_err(ConnectError::config)?;
            source_task::WorkerSourceTask::new(env, task)?.run().await
        }
        ConnectorType::Sink => {
            let task = env
                .plugins
                .sink_task(&task_spec(&env, &class))
                .map_err(ConnectError::config)?;
            sink_task::WorkerSinkTask::new(env, task)?.run().await
        }
    }
}
