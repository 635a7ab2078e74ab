//! REST routers. `kafka_router` serves the Kafka Connect REST API (port 8083 by default)
//! over one `Arc<dyn Herder>`; every error answers `{"error_code","message"}`.
//! `rocketmq::rocketmq_router` serves RocketMQ Connect's REST API over the same herder.

pub mod error;
pub mod extract;
pub mod kafka;
pub mod rocketmq;

#[cfg(test)]
mod tests;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;

use crate::herder::{Herder, HerderError};
use crate::logging::LoggerControl;

pub use error::{RestError, RestResult};
pub use rocketmq::rocketmq_router;

/// How long a herder-backed request may take (`ConnectorsResource.REQUEST_TIMEOUT_MS`).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);
/// How long `/health` waits for the herder (`HealthCheckResource`).
pub const HEALTH_TIMEOUT: Duration = Duration::from_secs(10);

/// What the Kafka routers need. Cheap to clone (everything shared is behind `Arc`).
#[derive(Clone)]
pub struct RestState {
    pub herder: Arc<dyn Herder>,
    pub loggers: Arc<LoggerControl>,
    /// Worker config `topic.tracking.enable` (Kafka default true).
    pub topic_tracking_enable: bool,
    /// Worker config `topic.tracking.allow.reset` (Kafka default true).
    pub topic_tracking_allow_reset: bool,
    /// False when `admin.listeners` is set to an empty string: `/admin/*` then answers 404.
    pub admin_enabled: bool,
}

impl RestState {
    /// A state with Kafka's worker defaults (topic tracking and reset allowed, admin on).
    pub fn new(herder: Arc<dyn Herder>, loggers: Arc<LoggerControl>) -> Self {
        RestState {
            herder,
            loggers,
            topic_tracking_enable: true,
            topic_tracking_allow_reset: true,
            admin_enabled: true,
        }
    }
}

/// The complete Kafka Connect REST API. Unknown paths answer 404 `HTTP 404 Not Found`, known
/// paths with another method 405 `HTTP 405 Method Not Allowed`, both in the error shape.
pub fn kafka_router(state: RestState) -> Router {
    // Every resource but the root one consumes JSON only (see `extract::consumes_json`).
    let consumes_json = axum::middleware::from_fn(extract::consumes_json);
    let mut resources = Router::new()
        .merge(kafka::connectors::router())
        .merge(kafka::tasks::router())
        .merge(kafka::offsets::router())
        .merge(kafka::topics::router())
        .merge(kafka::plugins::router())
        .merge(kafka::internal::router());
    if state.admin_enabled {
        resources = resources.merge(kafka::loggers::router());
    }
    let router = Router::new()
        .merge(kafka::root::router())
        .merge(resources.route_layer(consumes_json));
    router
        // Must come after every route is added: it is applied to the routes present.
        .method_not_allowed_fallback(|| async { RestError::method_not_allowed() })
        .fallback(|| async { RestError::http_not_found() })
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve<F>(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Awaits a herder call for at most [`REQUEST_TIMEOUT`], turning its error into the REST
/// shape; on expiry answers 500 "Request timed out" as Kafka does.
pub(crate) async fn herder_call<T, F>(fut: F) -> RestResult<T>
where
    F: Future<Output = Result<T, HerderError>>,
{
    match tokio::time::timeout(REQUEST_TIMEOUT, fut).await {
        Ok(result) => result.map_err(RestError::from),
        Err(_) => Err(RestError::internal("Request timed out")),
    }
}
