//! `RootResource` (`GET /`) and `HealthCheckResource` (`GET /health`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::herder::WorkerStatus;
use crate::rest::{RestState, HEALTH_TIMEOUT};

pub fn router() -> Router<RestState> {
    Router::new()
        .route("/", get(server_info))
        .route("/health", get(health))
}

async fn server_info(State(state): State<RestState>) -> Response {
    Json(state.herder.server_info()).into_response()
}

/// 200 when healthy, 503 while starting, 500 when the herder is unhealthy or doesn't answer
/// within 10 s. The body is always a WorkerStatus, never the error shape (as in Kafka).
async fn health(State(state): State<RestState>) -> Response {
    let status = match tokio::time::timeout(HEALTH_TIMEOUT, state.herder.health()).await {
        Ok(status) => status,
        Err(_) => WorkerStatus {
            status: "unhealthy".into(),
            message: "Worker was unable to handle this request and may be unable to handle \
                      other requests."
                .into(),
        },
    };
    let code = match status.status.as_str() {
        "healthy" => StatusCode::OK,
        "starting" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (code, Json(status)).into_response()
}
