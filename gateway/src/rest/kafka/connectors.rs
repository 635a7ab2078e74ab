//! `ConnectorsResource`: connector CRUD, config, status, restart and target-state changes.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use connect_api::Props;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::created;
use crate::herder::{NullableProps, TargetState};
use crate::rest::error::{RestError, RestResult};
use crate::rest::extract::{coerce_to_string, ConfigMap, Json, Path, QueryParams};
use crate::rest::{herder_call, RestState};

pub fn router() -> Router<RestState> {
    Router::new()
        // Jersey serves `@Path("/")` with and without the trailing slash.
        .route("/connectors", get(list).post(create))
        .route("/connectors/", get(list).post(create))
        .route("/connectors/{c}", get(info).delete(delete))
        .route(
            "/connectors/{c}/config",
            get(get_config).put(put_config).patch(patch_config),
        )
        .route("/connectors/{c}/status", get(status))
        .route("/connectors/{c}/restart", post(restart))
        .route("/connectors/{c}/pause", put(pause))
        .route("/connectors/{c}/resume", put(resume))
        .route("/connectors/{c}/stop", put(stop))
}

/// `GET /connectors[?expand=status&expand=info]`. Any `expand` switches to the object form;
/// unknown expansions are ignored; a connector deleted meanwhile (404) is left out.
async fn list(State(state): State<RestState>, query: QueryParams) -> RestResult<Response> {
    let mut names = state.herder.connectors().await;
    names.sort();
    if !query.contains("expand") {
        return Ok(axum::Json(names).into_response());
    }
    let mut out = Map::new();
    'connectors: for name in names {
        let mut expansions = Map::new();
        for expansion in query.all("expand") {
            let value = match expansion {
                "status" => herder_call(state.herder.connector_status(&name))
                    .await
                    .and_then(to_json),
                "info" => herder_call(state.herder.connector_info(&name))
                    .await
                    .and_then(to_json),
                _ => continue,
            };
            match value {
                Ok(v) => {
                    expansions.insert(expansion.to_string(), v);
                }
                Err(e) if e.status() == StatusCode::NOT_FOUND => continue 'connectors,
                Err(e) => return Err(e),
            }
        }
        out.insert(name, Value::Object(expansions));
    }
    Ok(axum::Json(Value::Object(out)).into_response())
}

fn to_json<T: serde::Serialize>(value: T) -> RestResult<Value> {
    serde_json::to_value(value).map_err(|e| RestError::internal(e.to_string()))
}

#[derive(Deserialize)]
struct CreateConnectorRequest {
    #[serde(default)]
    name: Value,
    #[serde(default)]
    config: Option<ConfigMap>,
    #[serde(default)]
    initial_state: Option<String>,
}

/// `POST /connectors` → 201 + `Location`.
async fn create(
    State(state): State<RestState>,
    headers: HeaderMap,
    Json(request): Json<CreateConnectorRequest>,
) -> RestResult<Response> {
    let initial_state = match request.initial_state.as_deref() {
        None => None,
        Some(s) => Some(TargetState::from_initial_state(s).ok_or_else(|| {
            RestError::bad_request(format!(
                "Invalid initial_state '{s}'; valid values are RUNNING, PAUSED and STOPPED"
            ))
        })?),
    };
    // Kafka trims the name and turns a missing one into "" (validation then rejects it).
    let name = match coerce_to_string(&request.name) {
        Ok(name) => name.unwrap_or_default().trim().to_string(),
        Err(kind) => {
            return Err(RestError::bad_request(format!(
                "Cannot deserialize value of type `java.lang.String` from {kind} value (name)"
            )))
        }
    };
    // Kafka answers 500 (a NullPointerException) here; a clear 400 is more useful.
    let Some(ConfigMap(config)) = request.config else {
        return Err(RestError::bad_request(
            "Connector create request must contain a 'config' object",
        ));
    };
    let config = named_config(&name, config)?;
    let created_info = herder_call(state.herder.put_connector_config(
        &name,
        config,
        false,
        initial_state,
    ))
    .await?;
    Ok(created(&headers, &name, &created_info.value))
}

/// Kafka's `checkAndPutConnectorConfigName`: a `name` in the config must equal the connector
/// name; a missing (or null) one is filled in. Then the config must hold no null values:
/// Kafka's validation reports each as an error and rejects the request with this message.
fn named_config(name: &str, mut config: NullableProps) -> RestResult<Props> {
    match config.get("name") {
        Some(Some(included)) if included != name => {
            return Err(RestError::bad_request(format!(
                "Connector name configuration ({included}) doesn't match connector name in \
                 the URL ({name})"
            )));
        }
        Some(Some(_)) => {}
        _ => {
            config.insert("name".into(), Some(name.to_string()));
        }
    }
    let nulls = config.values().filter(|v| v.is_none()).count();
    if nulls > 0 {
        let mut message = format!(
            "Connector configuration is invalid and contains the following {nulls} error(s):\n"
        );
        for _ in 0..nulls {
            message.push_str("Null value can not be supplied as the configuration value.\n");
        }
        message.push_str(
            "You can also find the above list of errors at the endpoint \
             `/connector-plugins/{connectorType}/config/validate`",
        );
        return Err(RestError::bad_request(message));
    }
    Ok(config
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect())
}

async fn info(State(state): State<RestState>, Path(c): Path<String>) -> RestResult<Response> {
    let info = herder_call(state.herder.connector_info(&c)).await?;
    Ok(axum::Json(info).into_response())
}

async fn get_config(State(state): State<RestState>, Path(c): Path<String>) -> RestResult<Response> {
    let config = herder_call(state.herder.connector_config(&c)).await?;
    Ok(axum::Json(config).into_response())
}

/// `PUT /connectors/{c}/config`: 201 + `Location` when it created the connector, else 200.
async fn put_config(
    State(state): State<RestState>,
    Path(c): Path<String>,
    headers: HeaderMap,
    Json(ConfigMap(config)): Json<ConfigMap>,
) -> RestResult<Response> {
    let config = named_config(&c, config)?;
    let result = herder_call(state.herder.put_connector_config(&c, config, true, None)).await?;
    if result.created {
        Ok(created(&headers, &c, &result.value))
    } else {
        Ok(axum::Json(result.value).into_response())
    }
}

/// `PATCH /connectors/{c}/config`: JSON `null` deletes a key; always 200.
async fn patch_config(
    State(state): State<RestState>,
    Path(c): Path<String>,
    Json(ConfigMap(patch)): Json<ConfigMap>,
) -> RestResult<Response> {
    let info = herder_call(state.herder.patch_connector_config(&c, patch)).await?;
    Ok(axum::Json(info).into_response())
}

async fn delete(State(state): State<RestState>, Path(c): Path<String>) -> RestResult<StatusCode> {
    herder_call(state.herder.delete_connector(&c)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn status(State(state): State<RestState>, Path(c): Path<String>) -> RestResult<Response> {
    let status = herder_call(state.herder.connector_status(&c)).await?;
    Ok(axum::Json(status).into_response())
}

/// `POST /connectors/{c}/restart`: both flags false → legacy 204; otherwise 202 with the
/// snapshot in which the instances being restarted show `RESTARTING`.
async fn restart(
    State(state): State<RestState>,
    Path(c): Path<String>,
    query: QueryParams,
) -> RestResult<Response> {
    let include_tasks = query.bool_or("includeTasks", false);
    let only_failed = query.bool_or("onlyFailed", false);
    let snapshot = herder_call(
        state
            .herder
            .restart_connector(&c, include_tasks, only_failed),
    )
    .await?;
    if !include_tasks && !only_failed {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(match snapshot {
        Some(snapshot) => (StatusCode::ACCEPTED, axum::Json(snapshot)).into_response(),
        None => StatusCode::ACCEPTED.into_response(),
    })
}

async fn pause(State(state): State<RestState>, Path(c): Path<String>) -> RestResult<StatusCode> {
    herder_call(state.herder.pause_connector(&c)).await?;
    Ok(StatusCode::ACCEPTED)
}

async fn resume(State(state): State<RestState>, Path(c): Path<String>) -> RestResult<StatusCode> {
    herder_call(state.herder.resume_connector(&c)).await?;
    Ok(StatusCode::ACCEPTED)
}

async fn stop(State(state): State<RestState>, Path(c): Path<String>) -> RestResult<StatusCode> {
    herder_call(state.herder.stop_connector(&c)).await?;
    Ok(StatusCode::NO_CONTENT)
}
