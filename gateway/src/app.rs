//! Assembles a standalone worker from its config: transport, stores, herder and REST.
//! `main` and the integration tests both go through here.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use connect_api::Props;
use tokio::sync::oneshot;

use crate::herder::standalone::StandaloneHerder;
use crate::herder::{Herder, TargetState};
use crate::logging::LoggerControl;
use crate::rest::{kafka_router, rocketmq_router, serve, RestState};
use crate::storage::{FileConfigBackingStore, FileOffsetBackingStore, OffsetBackingStore};
use crate::transport::embedded::{EmbeddedLog, EmbeddedLogOptions};
use crate::transport::rocketmq::RocketMqTransport;
use crate::transport::RecordTransport;
use crate::worker::{Plugins, StatusListener, Worker};
use crate::worker_config::{read_properties, WorkerConfig};

pub struct StandaloneApp {
    pub herder: Arc<StandaloneHerder>,
    pub rest_addr: SocketAddr,
    /// Where the RocketMQ Connect REST API listens (`rocketmq.rest.listeners`, by default
    /// `http://0.0.0.0:8082`; none when that is empty).
    pub rocketmq_rest_addrs: Vec<SocketAddr>,
    rest_shutdown: Option<oneshot::Sender<()>>,
    rest_task: tokio::task::JoinHandle<()>,
    rocketmq_rest: Vec<(oneshot::Sender<()>, tokio::task::JoinHandle<()>)>,
}

impl StandaloneApp {
    /// Opens stores and the embedded log, binds the REST listener, restores persisted
    /// connectors and starts serving.
    pub async fn start(
        config: WorkerConfig,
        loggers: Arc<LoggerControl>,
    ) -> Result<StandaloneApp, String> {
        Self::start_with_plugins(config, loggers, Vec::new()).await
    }

    /// As [`start`](Self::start), with extra plugins registered (tests add failing ones).
    pub async fn start_with_plugins(
        config: WorkerConfig,
        loggers: Arc<LoggerControl>,
        extra_plugins: Vec<connect_api::PluginDesc>,
    ) -> Result<StandaloneApp, String> {
        let config = Arc::new(config);
        let listener_cfg = config
            .listeners
            .first()
            .ok_or_else(|| "no listener configured".to_string())?;
        let listener = tokio::net::TcpListener::bind(listener_cfg.bind_addr())
            .await
            .map_err(|e| format!("Cannot listen on {}: {e}", listener_cfg.bind_addr()))?;
        let rest_addr = listener.local_addr().map_err(|e| e.to_string())?;
        // Bound up front with the Kafka listener, so a taken port fails startup before any
        // connector runs. It is on by default (8082), so the error names the key to change.
        let mut rocketmq_listeners = Vec::new();
        for l in &config.rocketmq_rest_listeners {
            let listener = tokio::net::TcpListener::bind(l.bind_addr())
                .await
                .map_err(|e| {
                    format!(
                        "Cannot listen on {} (rocketmq.rest.listeners, the RocketMQ Connect \
                         REST API; set it to another port, or empty to turn it off): {e}",
                        l.bind_addr()
                    )
                })?;
            rocketmq_listeners.push(listener);
        }

        let offsets_file = config.offsets_file.clone();
        let configs_file = config.configs_file.clone();
        let plugin_path = config.plugin_path.clone();
        let worker_props = config.originals.clone();
        let embedded = match &config.rocketmq {
            Some(_) => None,
            None => Some((
                config.embedded_log_dir.clone(),
                EmbeddedLogOptions {
                    default_partitions: config.embedded_default_partitions,
                    max_message_bytes: config.embedded_max_message_bytes,
                    fsync: true,
                },
            )),
        };
        // Opening stores reads files: keep it off the async workers.
        let (embedded, offsets, (store, snapshot), plugins) =
            tokio::task::spawn_blocking(move || {
                let embedded = match embedded {
                    Some((dir, options)) => {
                        Some(EmbeddedLog::open(&dir, options).map_err(|e| {
                            format!("Cannot open the embedded log in {}: {e}", dir.display())
                        })?)
                    }
                    None => None,
                };
                let offsets =
                    FileOffsetBackingStore::open(offsets_file).map_err(|e| e.to_string())?;
                let store =
                    FileConfigBackingStore::open(configs_file).map_err(|e| e.to_string())?;
                let mut plugins = Plugins::discover(&plugin_path, &worker_props);
                plugins.extend(extra_plugins);
                Ok::<_, String>((embedded, offsets, store, plugins))
            })
            .await
            .map_err(|e| e.to_string())??;
        let (transport, cluster_id): (Arc<dyn RecordTransport>, String) = match (
            embedded,
            &config.rocketmq,
        ) {
            (Some(log), _) => {
                tracing::info!(dir = %config.embedded_log_dir.display(), "using the embedded log (no RocketMQ name server configured)");
                (
                    log,
                    format!("embedded-{}", short_hash(&config.embedded_log_dir)),
                )
            }
            (None, Some(rmq)) => {
                tracing::info!(namesrv = %rmq.namesrv_addr, "records flow through RocketMQ");
                let cluster = format!("rocketmq-{}", short_hash(Path::new(&rmq.namesrv_addr)));
                (RocketMqTransport::connect(rmq.clone()).await?, cluster)
            }
            (None, None) => return Err("no transport configured".into()),
        };
        let offsets: Arc<dyn OffsetBackingStore> = Arc::new(offsets);
        let plugins = Arc::new(plugins);
        let worker_id = config.worker_id(rest_addr.port());
        let wc = config.clone();
        let herder = StandaloneHerder::start(
            move |requests, status| {
                let status: Arc<dyn StatusListener> = status;
                Worker::new(wc, plugins, transport, offsets, status, requests)
            },
            store,
            snapshot,
            worker_id,
            cluster_id,
        )
        .await;

        let state = RestState {
            herder: herder.clone() as Arc<dyn Herder>,
            loggers,
            topic_tracking_enable: config.topic_tracking_enable,
            topic_tracking_allow_reset: config.topic_tracking_allow_reset,
            admin_enabled: config.admin_enabled,
        };
        let mut rocketmq_rest = Vec::new();
        let mut rocketmq_rest_addrs = Vec::new();
        for listener in rocketmq_listeners {
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            let (tx, rx) = oneshot::channel::<()>();
            let router = rocketmq_router(state.clone());
            let task = tokio::spawn(async move {
                let shutdown = async {
                    let _ = rx.await;
                };
                if let Err(e) = serve(listener, router, shutdown).await {
                    tracing::error!(error = %e, "RocketMQ Connect REST server failed");
                }
            });
            tracing::info!(%addr, "RocketMQ Connect REST API listening");
            rocketmq_rest.push((tx, task));
            rocketmq_rest_addrs.push(addr);
        }
        let (tx, rx) = oneshot::channel::<()>();
        let router = kafka_router(state);
        let rest_task = tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            if let Err(e) = serve(listener, router, shutdown).await {
                tracing::error!(error = %e, "REST server failed");
            }
        });
        tracing::info!(%rest_addr, "Kafka Connect REST API listening");
        Ok(StandaloneApp {
            herder,
            rest_addr,
            rocketmq_rest_addrs,
            rest_shutdown: Some(tx),
            rest_task,
            rocketmq_rest,
        })
    }

    /// Creates or replaces the connectors given on the command line.
    pub async fn submit_connector_files(&self, files: &[PathBuf]) -> Result<(), String> {
        for f in files {
            let (name, config, initial) = read_connector_file(f)?;
            self.herder
                .put_connector_config(&name, config, true, initial)
                .await
                .map_err(|e| format!("{}: failed to create connector {name}: {e}", f.display()))?;
            tracing::info!(connector = %name, file = %f.display(), "connector submitted");
        }
        Ok(())
    }

    /// Stops REST, then every task (flushing offsets) and connector.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.rest_shutdown.take() {
            let _ = tx.send(());
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), &mut self.rest_task).await;
        for (tx, task) in self.rocketmq_rest.drain(..) {
            let _ = tx.send(());
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), task).await;
        }
        self.herder.shutdown().await;
    }
}

fn short_hash(p: &Path) -> String {
    let h = crc32fast::hash(p.to_string_lossy().as_bytes());
    format!("{h:08x}")
}

/// A connector file: Java properties (`name=...`), or JSON either flat or as
/// `{"name":..., "config":{...}, "initial_state":...}` (what `POST /connectors` takes).
pub fn read_connector_file(path: &Path) -> Result<(String, Props, Option<TargetState>), String> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let (config, initial, outer_name) = if is_json {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
        let obj = v
            .as_object()
            .ok_or_else(|| format!("{}: expected a JSON object", path.display()))?;
        let (cfg, initial, name) = match obj.get("config") {
            Some(c) => (
                c.clone(),
                obj.get("initial_state")
                    .and_then(|s| s.as_str())
                    .map(str::to_string),
                obj.get("name").and_then(|s| s.as_str()).map(str::to_string),
            ),
            None => (v.clone(), None, None),
        };
        let map = cfg
            .as_object()
            .ok_or_else(|| format!("{}: \"config\" must be an object", path.display()))?
            .iter()
            .map(|(k, v)| {
                let s = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), s)
            })
            .collect::<Props>();
        let initial = match initial {
            Some(s) => Some(TargetState::from_initial_state(&s).ok_or_else(|| {
                format!(
                    "{}: invalid initial_state '{s}' (expected RUNNING, PAUSED or STOPPED)",
                    path.display()
                )
            })?),
            None => None,
        };
        (map, initial, name)
    } else {
        (read_properties(path)?, None, None)
    };
    let name = outer_name
        .or_else(|| config.get("name").cloned())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| format!("{}: the connector config has no 'name'", path.display()))?;
    Ok((name, config, initial))
}
