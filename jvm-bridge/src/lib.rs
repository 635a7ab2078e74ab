//! Hosts JVM Kafka Connect plugins in-process through JNI. The Java half is the shim in
//! `java/`; the contract between the two is `PROTOCOL.md`.

pub mod config;
pub mod connector;
pub mod error;
pub mod host;
pub mod runtime;
pub mod sink;
pub mod source;
pub mod task;
pub mod wire;

pub use config::JvmConfig;
pub use error::{BridgeError, JavaError};
pub use host::discover;
