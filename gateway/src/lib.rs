//! Connect Gateway: a Kafka Connect compatible worker whose records flow through a
//! [`transport::RecordTransport`] (the embedded log by default, Apache RocketMQ in production).

// The RocketMQ client's nested async state machines need a deeper layout query limit.
#![recursion_limit = "256"]

pub mod app;
pub mod herder;
pub mod logging;
pub mod rest;
pub mod storage;
pub mod transport;
pub mod worker;
pub mod worker_config;

/// The Kafka Connect version whose REST contract and behaviour we follow (shown at `/`).
pub const KAFKA_COMPAT_VERSION: &str = "4.4.0";

/// Build identifier shown at `/` as `commit`.
pub const GIT_COMMIT: &str = match option_env!("CONNECT_GATEWAY_COMMIT") {
    Some(c) => c,
    None => concat!("connect-gateway-", env!("CARGO_PKG_VERSION")),
};
