//! `/plugin/*`: listing, config definitions and validation.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use connect_api::Props;
use serde_json::{Map, Value};

use super::entities::RmqPluginInfo;
use super::envelope::{ok, RmqError, RmqResult};
use super::keys;
use crate::herder::NullableProps;
use crate::rest::error::RestError;
use crate::rest::extract::QueryParams;
use crate::rest::RestState;

pub fn router() -> Router<RestState> {
    Router::new()
        .route("/plugin/reload", get(reload))
        .route("/plugin/list", get(list_all))
        .route("/plugin/list/connectors", get(list_connectors))
        .route("/plugin/config", get(config_def))
        .route("/plugin/config/validate", get(validate))
}

/// Plugins are discovered once at startup (native connectors are compiled in, JVM plugins
/// are scanned from `plugin.path`), so there is nothing to reload without a restart; saying
/// so beats pretending it worked.
async fn reload() -> RmqResult {
    Err(RmqError::new(
        501,
        "Plugin reload is not supported: plugins are discovered when the worker starts; \
         restart it to pick up new plugins",
    ))
}

fn plugins(state: &RestState, connectors_only: bool) -> RmqResult {
    let list: Vec<RmqPluginInfo> = state
        .herder
        .plugins(connectors_only)
        .iter()
        .map(RmqPluginInfo::from)
        .collect();
    ok(list)
}

async fn list_all(State(state): State<RestState>) -> RmqResult {
    plugins(&state, false)
}

async fn list_connectors(State(state): State<RestState>) -> RmqResult {
    plugins(&state, true)
}

/// `?plugin=<class or alias>`: the plugin's config definition (RocketMQ Connect leaves this
/// unimplemented; the herder has it, so we answer it).
async fn config_def(
    State(state): State<RestState>,
    query: Result<QueryParams, RestError>,
) -> RmqResult {
    let query = query?;
    let Some(plugin) = query.first("plugin").filter(|p| !p.is_empty()) else {
        return Err(RmqError::bad_request(
            "The 'plugin' query parameter is required",
        ));
    };
    ok(state.herder.plugin_config(plugin)?)
}

/// `?config=<json>`: validates a connector config (RocketMQ Connect spellings accepted) for
/// the plugin named by its `connector.class`.
async fn validate(
    State(state): State<RestState>,
    query: Result<QueryParams, RestError>,
) -> RmqResult {
    let query = query?;
    let raw = query.first("config").unwrap_or_default();
    if raw.trim().is_empty() {
        return Err(RmqError::bad_request(
            "The 'config' query parameter is required",
        ));
    }
    let submitted: Map<String, Value> = serde_json::from_str(raw).map_err(|e| {
        RmqError::bad_request(format!("The connector config is not a JSON object: {e}"))
    })?;
    let config: Props = submitted
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    let config = keys::to_kafka(config).map_err(RmqError::bad_request)?;
    let Some(plugin) = config.get("connector.class").cloned() else {
        return Err(RmqError::bad_request("'connector.class' is required"));
    };
    let nullable: NullableProps = config.into_iter().map(|(k, v)| (k, Some(v))).collect();
    let infos = tokio::time::timeout(
        crate::rest::REQUEST_TIMEOUT,
        state.herder.validate_connector_config(&plugin, nullable),
    )
    .await
    .map_err(|_| RmqError::new(500, "Request timed out"))??;
    ok(infos)
}
