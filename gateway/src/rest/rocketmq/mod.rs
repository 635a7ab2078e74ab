//! The RocketMQ Connect REST API (`rocketmq.rest.listeners`, by default `http://0.0.0.0:8082`
//! as in RocketMQ Connect; empty turns it off), over the same `Arc<dyn Herder>` as the Kafka
//! router, so both APIs see and change the same connectors. One module per concern: the
//! envelope, key spellings, entity shapes, connectors, cluster and plugins.
//!
//! Differences from RocketMQ Connect are deliberate and documented where they are made:
//! `errorCode` carries the herder's status (404 for an unknown connector, not 500), unknown
//! paths answer 404 in the error envelope, `/plugin/reload` is refused, and `/plugin/config`
//! and `/plugin/config/validate` work instead of being stubs.

pub mod cluster;
pub mod connectors;
pub mod entities;
pub mod envelope;
pub mod keys;
pub mod plugins;

use axum::http::StatusCode;
use axum::Router;

use self::envelope::RmqError;
use super::RestState;

/// Every RocketMQ Connect endpoint. Unknown paths answer 404 and known paths with another
/// method 405, both in RocketMQ Connect's error envelope.
pub fn rocketmq_router(state: RestState) -> Router {
    Router::new()
        .merge(connectors::router())
        .merge(cluster::router())
        .merge(plugins::router())
        .method_not_allowed_fallback(|| async {
            RmqError::routing(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
        })
        .fallback(|| async { RmqError::routing(StatusCode::NOT_FOUND, "Not found") })
        .with_state(state)
}
