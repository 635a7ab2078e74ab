//! KIP-558 active topics: `GET /connectors/{c}/topics`, `PUT /connectors/{c}/topics/reset`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;

use crate::herder::ActiveTopicsInfo;
use crate::rest::error::{RestError, RestResult};
use crate::rest::extract::Path;
use crate::rest::{herder_call, RestState};

pub fn router() -> Router<RestState> {
    Router::new()
        .route("/connectors/{c}/topics", get(active_topics))
        .route("/connectors/{c}/topics/reset", put(reset_active_topics))
}

fn tracking_disabled() -> RestError {
    RestError::forbidden("Topic tracking is disabled.")
}

/// `{"<c>":{"topics":[...]}}`; an unknown connector is not an error in Kafka (empty list),
/// so the herder is expected to answer `Ok(vec![])` for it.
async fn active_topics(
    State(state): State<RestState>,
    Path(c): Path<String>,
) -> RestResult<Response> {
    if !state.topic_tracking_enable {
        return Err(tracking_disabled());
    }
    let topics = herder_call(state.herder.active_topics(&c)).await?;
    let mut info = ActiveTopicsInfo::new();
    info.insert(c, [("topics".to_string(), topics)].into_iter().collect());
    Ok(axum::Json(info).into_response())
}

async fn reset_active_topics(
    State(state): State<RestState>,
    Path(c): Path<String>,
) -> RestResult<StatusCode> {
    if !state.topic_tracking_enable {
        return Err(tracking_disabled());
    }
    if !state.topic_tracking_allow_reset {
        return Err(RestError::forbidden("Topic tracking reset is disabled."));
    }
    herder_call(state.herder.reset_active_topics(&c)).await?;
    Ok(StatusCode::ACCEPTED)
}
