//! KIP-875 offsets endpoints: `GET`/`PATCH`/`DELETE /connectors/{c}/offsets`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::herder::{ConnectorOffset, ConnectorOffsets, Message};
use crate::rest::error::{RestError, RestResult};
use crate::rest::extract::{Json, Path};
use crate::rest::{herder_call, RestState};

pub fn router() -> Router<RestState> {
    Router::new().route(
        "/connectors/{c}/offsets",
        get(get_offsets).patch(alter_offsets).delete(reset_offsets),
    )
}

async fn get_offsets(
    State(state): State<RestState>,
    Path(c): Path<String>,
) -> RestResult<Response> {
    let offsets = herder_call(state.herder.connector_offsets(&c)).await?;
    Ok(axum::Json(offsets).into_response())
}

/// The PATCH body; `offsets` may be absent or null, which is the same 400 as an empty list.
#[derive(Deserialize)]
struct AlterOffsetsRequest {
    #[serde(default)]
    offsets: Option<Vec<ConnectorOffset>>,
}

async fn alter_offsets(
    State(state): State<RestState>,
    Path(c): Path<String>,
    Json(request): Json<Option<AlterOffsetsRequest>>,
) -> RestResult<Response> {
    let offsets = request.and_then(|r| r.offsets).unwrap_or_default();
    if offsets.is_empty() {
        return Err(RestError::bad_request(
            "Partitions / offsets need to be provided for an alter offsets request",
        ));
    }
    let message = herder_call(
        state
            .herder
            .alter_connector_offsets(&c, ConnectorOffsets { offsets }),
    )
    .await?;
    Ok(axum::Json(Message { message }).into_response())
}

async fn reset_offsets(
    State(state): State<RestState>,
    Path(c): Path<String>,
) -> RestResult<Response> {
    let message = herder_call(state.herder.reset_connector_offsets(&c)).await?;
    Ok(axum::Json(Message { message }).into_response())
}
