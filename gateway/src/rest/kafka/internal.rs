//! `InternalConnectResource`: worker-to-worker endpoints. A standalone Kafka worker serves the
//! paths but its herder refuses both operations with a 500; we answer the same until the
//! distributed herder exists (then these go through the herder with request signatures).

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::{post, put};
use axum::Router;
use connect_api::Props;

use crate::rest::error::{RestError, RestResult};
use crate::rest::extract::{check_json_content_type, parse_json_body, Path};
use crate::rest::RestState;

pub fn router() -> Router<RestState> {
    Router::new()
        .route("/connectors/{c}/tasks", post(put_task_configs))
        .route("/connectors/{c}/fence", put(fence_zombies))
}

/// `POST /connectors/{c}/tasks`: Kafka parses the body as a list of task configs first, so a
/// malformed body fails before the standalone refusal.
async fn put_task_configs(
    Path(_c): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> RestResult<()> {
    check_json_content_type(&headers)?;
    let _configs: Vec<Props> = parse_json_body(&body)?;
    Err(RestError::internal(
        "Kafka Connect in standalone mode does not support externally setting task \
         configurations.",
    ))
}

/// `PUT /connectors/{c}/fence`: the body only feeds the request signature; not parsed.
async fn fence_zombies(Path(_c): Path<String>, headers: HeaderMap) -> RestResult<()> {
    check_json_content_type(&headers)?;
    Err(RestError::internal(
        "Kafka Connect in standalone mode does not support exactly-once source connectors.",
    ))
}
