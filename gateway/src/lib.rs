//! Connect Gateway: a Kafka Connect compatible worker whose records flow through a
//! [`transport::RecordTransport`] (the embedded log by default, Apache RocketMQ in production).

pub mod herder;
pub mod rest;
pub mod storage;
pub mod transport;
pub mod worker;
