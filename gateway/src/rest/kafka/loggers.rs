//! `LoggingResource`: `/admin/loggers` (KIP-495, KIP-976 `scope`). Mounted only when admin
//! endpoints are enabled.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{Map, Value};

use crate::logging::{LoggerControl, LoggerError};
use crate::rest::error::{RestError, RestResult};
use crate::rest::extract::{coerce_to_string, Json, Path, QueryParams};
use crate::rest::RestState;

pub fn router() -> Router<RestState> {
    Router::new()
        .route("/admin/loggers", get(list))
        .route("/admin/loggers/", get(list))
        .route("/admin/loggers/{logger}", get(get_level).put(set_level))
}

async fn list(State(state): State<RestState>) -> Response {
    axum::Json(state.loggers.all_levels()).into_response()
}

async fn get_level(
    State(state): State<RestState>,
    Path(logger): Path<String>,
) -> RestResult<Response> {
    match state.loggers.level(&logger) {
        Some(level) => Ok(axum::Json(level).into_response()),
        None => Err(RestError::not_found(format!("Logger {logger} not found."))),
    }
}

/// `PUT /admin/loggers/{logger}?scope=worker|cluster` with `{"level":"DEBUG"}`.
///
/// worker (default, and any unknown scope): 200 + sorted affected loggers. cluster: 204; with
/// no cluster to tell yet, it is applied to this worker as a standalone Kafka worker does.
async fn set_level(
    State(state): State<RestState>,
    Path(logger): Path<String>,
    query: QueryParams,
    Json(body): Json<Option<Map<String, Value>>>,
) -> RestResult<Response> {
    let level = body
        .as_ref()
        .and_then(|b| b.get("level"))
        .map(coerce_to_string)
        .transpose()
        .map_err(|kind| {
            RestError::bad_request(format!(
                "Cannot deserialize value of type `java.lang.String` from {kind} value (level)"
            ))
        })?
        .flatten();
    let Some(level) = level else {
        return Err(RestError::bad_request(
            "Desired 'level' parameter was not specified in request.",
        ));
    };
    // Kafka answers an unknown level with 404, not 400.
    if !LoggerControl::is_valid_level(&level) {
        return Err(RestError::not_found(format!(
            "invalid log level '{level}'."
        )));
    }
    let cluster = query
        .first("scope")
        .is_some_and(|s| s.eq_ignore_ascii_case("cluster"));
    let affected = state
        .loggers
        .set_level(&logger, &level)
        .map_err(|e| match e {
            LoggerError::InvalidLevel(_) => RestError::not_found(e.to_string()),
            LoggerError::Apply(_) => RestError::internal(e.to_string()),
        })?;
    if cluster {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Ok(axum::Json(affected).into_response())
    }
}
