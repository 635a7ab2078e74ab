//! Connector queries and lifecycle. Every mutation is a GET (RocketMQ Connect's API), and
//! `stop` deletes: RocketMQ Connect has no delete endpoint (apache/rocketmq-connect#204),
//! so on this router only `/connectors/{name}/stop` means Kafka's `DELETE`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Router;
use connect_api::Props;
use serde_json::{Map, Value};

use super::entities::{RmqConnectorStateInfo, RmqTaskState};
use super::envelope::{ok, ok_message, RmqError, RmqResult};
use super::keys;
use crate::herder::ConnectorTaskId;
use crate::rest::error::RestError;
use crate::rest::extract::{Path, QueryParams};
use crate::rest::{herder_call, RestState};

pub fn router() -> Router<RestState> {
    Router::new()
        .route("/connectors/list", get(list))
        .route("/connectors/stop/all", get(stop_all))
        .route("/connectors/pause/all", get(pause_all))
        .route("/connectors/resume/all", get(resume_all))
        .route("/connectors/{c}", get(create).post(create))
        .route("/connectors/{c}/config", get(info))
        .route("/connectors/{c}/status", get(status))
        .route("/connectors/{c}/tasks", get(task_configs))
        .route("/connectors/{c}/tasks/{t}/status", get(task_status))
        .route("/connectors/{c}/tasks/{t}/restart", get(restart_task))
        .route("/connectors/{c}/stop", get(stop))
        .route("/connectors/{c}/restart", get(restart))
        .route("/connectors/{c}/pause", get(pause))
        .route("/connectors/{c}/resume", get(resume))
}

type PathResult<T> = Result<Path<T>, RestError>;

/// Sorted names: the herder's order is unspecified and a stable answer is easier to read.
async fn names(state: &RestState) -> Vec<String> {
    let mut names = state.herder.connectors().await;
    names.sort();
    names
}

/// `{name: {status, info}}`; a connector deleted while listing is left out.
async fn list(State(state): State<RestState>) -> RmqResult {
    let mut out = Map::new();
    for name in names(&state).await {
        let status = match herder_call(state.herder.connector_status(&name)).await {
            Ok(s) => s,
            Err(e) if e.status().as_u16() == 404 => continue,
            Err(e) => return Err(e.into()),
        };
        let info = match herder_call(state.herder.connector_info(&name)).await {
            Ok(i) => i,
            Err(e) if e.status().as_u16() == 404 => continue,
            Err(e) => return Err(e.into()),
        };
        let entry = serde_json::json!({
            "status": RmqConnectorStateInfo::from(&status),
            "info": info,
        });
        out.insert(name, entry);
    }
    ok(Value::Object(out))
}

/// `GET /connectors/{c}?config=<json>` or `POST /connectors/{c}` with the JSON config as the
/// body: creates the connector, or replaces its config. Answers the config as submitted.
async fn create(
    State(state): State<RestState>,
    method: Method,
    c: PathResult<String>,
    query: Result<QueryParams, RestError>,
    body: Bytes,
) -> RmqResult {
    let Path(name) = c?;
    let raw = if method == Method::POST {
        String::from_utf8_lossy(&body).into_owned()
    } else {
        query?.first("config").unwrap_or_default().to_string()
    };
    if raw.trim().is_empty() {
        return Err(RmqError::bad_request(
            "The connector config is required: the 'config' query parameter (GET) or a \
             JSON body (POST)",
        ));
    }
    let submitted: Map<String, Value> = serde_json::from_str(&raw).map_err(|e| {
        RmqError::bad_request(format!("The connector config is not a JSON object: {e}"))
    })?;
    let config = kafka_config(&name, &submitted)?;
    // RocketMQ Connect refuses to re-submit an identical config (nothing would change);
    // a different one replaces the existing config.
    if let Ok(existing) = herder_call(state.herder.connector_config(&name)).await {
        if existing == config {
            return Err(RmqError::new(
                409,
                format!("Connector {name} already exists with this config"),
            ));
        }
    }
    herder_call(state.herder.put_connector_config(&name, config, true, None)).await?;
    ok(Value::Object(submitted))
}

/// The submitted JSON as the herder's Kafka config: scalars as text (RocketMQ Connect calls
/// `toString()` on each value, so nested JSON stays JSON text), keys mapped, the name filled
/// in, and `connector.class` required up front for a clear message.
fn kafka_config(name: &str, submitted: &Map<String, Value>) -> Result<Props, RmqError> {
    let mut config = Props::new();
    for (key, value) in submitted {
        let text = match value {
            Value::Null => {
                return Err(RmqError::bad_request(format!(
                    "Config key '{key}' has a null value"
                )))
            }
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        config.insert(key.clone(), text);
    }
    let mut config = keys::to_kafka(config).map_err(RmqError::bad_request)?;
    if !config.contains_key("connector.class") {
        return Err(RmqError::bad_request("'connector.class' is required"));
    }
    match config.get("name") {
        Some(included) if included != name => {
            return Err(RmqError::bad_request(format!(
                "Connector name in the config ({included}) doesn't match the name in the URL \
                 ({name})"
            )))
        }
        Some(_) => {}
        None => {
            config.insert("name".into(), name.to_string());
        }
    }
    Ok(config)
}

async fn info(State(state): State<RestState>, c: PathResult<String>) -> RmqResult {
    let Path(name) = c?;
    ok(herder_call(state.herder.connector_info(&name)).await?)
}

async fn status(State(state): State<RestState>, c: PathResult<String>) -> RmqResult {
    let Path(name) = c?;
    let status = herder_call(state.herder.connector_status(&name)).await?;
    ok(RmqConnectorStateInfo::from(&status))
}

async fn task_configs(State(state): State<RestState>, c: PathResult<String>) -> RmqResult {
    let Path(name) = c?;
    ok(herder_call(state.herder.task_configs(&name)).await?)
}

fn task_id(name: String, task: &str) -> Result<ConnectorTaskId, RmqError> {
    let task = task
        .parse::<u32>()
        .map_err(|_| RmqError::bad_request(format!("Task id '{task}' is not a number")))?;
    Ok(ConnectorTaskId::new(name, task))
}

async fn task_status(State(state): State<RestState>, p: PathResult<(String, String)>) -> RmqResult {
    let Path((name, task)) = p?;
    let id = task_id(name, &task)?;
    let task = herder_call(state.herder.task_status(&id)).await?;
    ok(RmqTaskState::from(&task))
}

async fn restart_task(
    State(state): State<RestState>,
    p: PathResult<(String, String)>,
) -> RmqResult {
    let Path((name, task)) = p?;
    let id = task_id(name, &task)?;
    herder_call(state.herder.restart_task(&id)).await?;
    ok_message(format!("Task {id} restarted"))
}

/// Deletes the connector (see the module comment).
async fn stop(State(state): State<RestState>, c: PathResult<String>) -> RmqResult {
    let Path(name) = c?;
    herder_call(state.herder.delete_connector(&name)).await?;
    ok_message(format!("Connector {name} deleted"))
}

async fn restart(State(state): State<RestState>, c: PathResult<String>) -> RmqResult {
    let Path(name) = c?;
    herder_call(state.herder.restart_connector(&name, false, false)).await?;
    ok_message(format!("Connector {name} restarted"))
}

async fn pause(State(state): State<RestState>, c: PathResult<String>) -> RmqResult {
    let Path(name) = c?;
    herder_call(state.herder.pause_connector(&name)).await?;
    ok_message(format!("Connector {name} paused"))
}

async fn resume(State(state): State<RestState>, c: PathResult<String>) -> RmqResult {
    let Path(name) = c?;
    herder_call(state.herder.resume_connector(&name)).await?;
    ok_message(format!("Connector {name} resumed"))
}

/// Deletes every connector. A connector deleted meanwhile (404) is not an error.
async fn stop_all(State(state): State<RestState>) -> RmqResult {
    let names = names(&state).await;
    if names.is_empty() {
        return ok_message("There are no connectors to delete");
    }
    for name in &names {
        match herder_call(state.herder.delete_connector(name)).await {
            Ok(()) => {}
            Err(e) if e.status().as_u16() == 404 => {}
            Err(e) => return Err(e.into()),
        }
    }
    ok_message(format!("Deleted connectors: {}", names.join(", ")))
}

async fn pause_all(State(state): State<RestState>) -> RmqResult {
    let names = names(&state).await;
    if names.is_empty() {
        return ok_message("There are no connectors to pause");
    }
    for name in &names {
        herder_call(state.herder.pause_connector(name)).await?;
    }
    ok_message(format!("Paused {} connectors", names.len()))
}

async fn resume_all(State(state): State<RestState>) -> RmqResult {
    let names = names(&state).await;
    if names.is_empty() {
        return ok_message("There are no connectors to resume");
    }
    for name in &names {
        herder_call(state.herder.resume_connector(name)).await?;
    }
    ok_message(format!("Resumed {} connectors", names.len()))
}
