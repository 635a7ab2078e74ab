//! Cluster membership and what this worker runs (`/getClusterInfo`, `/allocated/*`).

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

use super::entities::RmqTaskState;
use super::envelope::{ok, RmqResult};
use crate::herder::State as RunState;
use crate::rest::{herder_call, RestState};

pub fn router() -> Router<RestState> {
    Router::new()
        .route("/getClusterInfo", get(cluster_info))
        .route("/allocated/connectors", get(allocated_connectors))
        .route("/allocated/tasks", get(allocated_tasks))
}

/// The alive workers. The `Herder` trait exposes only this worker's id; a standalone worker
/// is the whole cluster, and a distributed herder will need a membership call for the rest.
async fn cluster_info(State(state): State<RestState>) -> RmqResult {
    ok(vec![state.herder.worker_id()])
}

/// Connectors whose connector instance runs on this worker: `{name: config}`.
async fn allocated_connectors(State(state): State<RestState>) -> RmqResult {
    let me = state.herder.worker_id();
    let mut out = Map::new();
    for name in state.herder.connectors().await {
        // A connector deleted while listing is simply not allocated any more.
        let Ok(status) = herder_call(state.herder.connector_status(&name)).await else {
            continue;
        };
        if status.connector.worker_id != me {
            continue;
        }
        if let Ok(config) = herder_call(state.herder.connector_config(&name)).await {
            out.insert(name, json!(config));
        }
    }
    ok(Value::Object(out))
}

/// This worker's tasks grouped as RocketMQ Connect's worker groups them. Our states map as:
/// UNASSIGNED/RESTARTING → pending, RUNNING/PAUSED → running (a paused task is still
/// assigned and alive), STOPPED → stopped, FAILED → error. The herder has no "stopping"
/// state, so `stoppingTasks` is always empty.
async fn allocated_tasks(State(state): State<RestState>) -> RmqResult {
    let me = state.herder.worker_id();
    let mut groups: [(&str, Vec<Value>); 5] = [
        ("pendingTasks", vec![]),
        ("runningTasks", vec![]),
        ("stoppingTasks", vec![]),
        ("stoppedTasks", vec![]),
        ("errorTasks", vec![]),
    ];
    let mut names = state.herder.connectors().await;
    names.sort();
    for name in names {
        let Ok(status) = herder_call(state.herder.connector_status(&name)).await else {
            continue;
        };
        for task in status.tasks.iter().filter(|t| t.worker_id == me) {
            let group = match task.state {
                RunState::Unassigned | RunState::Restarting => 0,
                RunState::Running | RunState::Paused => 1,
                RunState::Stopped => 3,
                RunState::Failed => 4,
            };
            let mut entry = json!(RmqTaskState::from(task));
            if let Value::Object(fields) = &mut entry {
                fields.insert("connector".into(), Value::String(name.clone()));
            }
            groups[group].1.push(entry);
        }
    }
    let out: Map<String, Value> = groups
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::Array(v)))
        .collect();
    ok(Value::Object(out))
}
