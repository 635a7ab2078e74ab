//! `ConnectorPluginsResource`: plugin listing, plugin config definitions and validation.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;

use crate::herder::HerderError;
use crate::rest::error::{RestError, RestResult};
use crate::rest::extract::{ConfigMap, Json, Path, QueryParams};
use crate::rest::RestState;

pub fn router() -> Router<RestState> {
    Router::new()
        .route("/connector-plugins", get(list))
        .route("/connector-plugins/", get(list))
        .route("/connector-plugins/{p}/config", get(config_def))
        .route("/connector-plugins/{p}/config/validate", put(validate))
}

/// `?connectorsOnly=` defaults to true (only source and sink plugins).
async fn list(State(state): State<RestState>, query: QueryParams) -> Response {
    let connectors_only = query.bool_or("connectorsOnly", true);
    axum::Json(state.herder.plugins(connectors_only)).into_response()
}

/// The KIP-891 `version` query param is accepted; version selection is the herder's job once
/// several versions of a plugin can be installed.
async fn config_def(State(state): State<RestState>, Path(p): Path<String>) -> RestResult<Response> {
    let keys = state.herder.plugin_config(&p).map_err(RestError::from)?;
    Ok(axum::Json(keys).into_response())
}

const ALIAS_SUFFIX: &str = "Connector";

/// `FileStreamSinkConnector` → `FileStreamSink`; a bare "Connector" stays as it is.
fn normalized_plugin_name(name: &str) -> &str {
    match name.strip_suffix(ALIAS_SUFFIX) {
        Some(stripped) if !stripped.is_empty() => stripped,
        _ => name,
    }
}

/// `PUT /connector-plugins/{p}/config/validate`: the body's `connector.class` must match `{p}`
/// loosely (both without a trailing `Connector`, the body's value ends with the path's); it is
/// never filled in from the path. 200 even when the config is invalid.
async fn validate(
    State(state): State<RestState>,
    Path(p): Path<String>,
    Json(ConfigMap(config)): Json<ConfigMap>,
) -> RestResult<Response> {
    if let Some(Some(included)) = config.get("connector.class") {
        if !normalized_plugin_name(included).ends_with(normalized_plugin_name(&p)) {
            return Err(RestError::bad_request(format!(
                "Included connector type {included} does not match request type {p}"
            )));
        }
    }
    let infos = tokio::time::timeout(
        crate::rest::REQUEST_TIMEOUT,
        state.herder.validate_connector_config(&p, config),
    )
    .await
    .map_err(|_| RestError::internal("Request timed out"))?
    .map_err(validation_failure)?;
    Ok(axum::Json(infos).into_response())
}

/// Kafka validates on the herder's thread and the resource waits on that future, so a
/// config it cannot validate at all (no or an unknown `connector.class`) reaches the client
/// as the wrapped exception: 500, the exception class, then its message.
fn validation_failure(e: HerderError) -> RestError {
    match e {
        HerderError::BadRequest(m) => RestError::internal(format!(
            "org.apache.kafka.connect.runtime.rest.errors.BadRequestException: {m}"
        )),
        other => RestError::from(other),
    }
}
