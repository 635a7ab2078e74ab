//! Task endpoints of `ConnectorsResource`: task configs, task status and task restart.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::herder::ConnectorTaskId;
use crate::rest::error::{RestError, RestResult};
use crate::rest::extract::Path;
use crate::rest::{herder_call, RestState};

pub fn router() -> Router<RestState> {
    Router::new()
        .route("/connectors/{c}/tasks", get(task_configs))
        .route("/connectors/{c}/tasks/{t}/status", get(task_status))
        .route("/connectors/{c}/tasks/{t}/restart", post(restart_task))
}

/// The `{t}` segment, bound like JAX-RS binds an `Integer` path param: not an integer → 404
/// `HTTP 404 Not Found`. `Ok(None)` is a well-formed but negative id, which no task has.
fn parse_task(t: &str) -> RestResult<Option<u32>> {
    let id: i32 = t.parse().map_err(|_| RestError::http_not_found())?;
    Ok(u32::try_from(id).ok())
}

async fn task_configs(
    State(state): State<RestState>,
    Path(c): Path<String>,
) -> RestResult<Response> {
    let tasks = herder_call(state.herder.task_configs(&c)).await?;
    Ok(axum::Json(tasks).into_response())
}

async fn task_status(
    State(state): State<RestState>,
    Path((c, t)): Path<(String, String)>,
) -> RestResult<Response> {
    let Some(task) = parse_task(&t)? else {
        return Err(RestError::not_found(format!(
            "No status found for task {c}-{t}"
        )));
    };
    let status = herder_call(state.herder.task_status(&ConnectorTaskId::new(c, task))).await?;
    Ok(axum::Json(status).into_response())
}

async fn restart_task(
    State(state): State<RestState>,
    Path((c, t)): Path<(String, String)>,
) -> RestResult<StatusCode> {
    let Some(task) = parse_task(&t)? else {
        return Err(RestError::not_found(format!("Unknown task: {c}-{t}")));
    };
    herder_call(state.herder.restart_task(&ConnectorTaskId::new(c, task))).await?;
    Ok(StatusCode::NO_CONTENT)
}
