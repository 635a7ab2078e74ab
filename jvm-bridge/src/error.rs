//! Errors of the bridge and the Java error objects of PROTOCOL.md, turned into the
//! `ConnectError`s the worker understands (the Java stack trace becomes the status `trace`).

use connect_api::{ConnectError, ErrorKind};
use serde::Deserialize;

/// The protocol's `<error>` object: what a Java `Throwable` looked like.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct JavaError {
    pub class: String,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub trace: String,
    #[serde(default)]
    pub retriable: bool,
    /// Set for per-record failures: the stage that failed.
    #[serde(default)]
    pub stage: Option<String>,
}

impl JavaError {
    pub fn message(&self) -> String {
        match &self.message {
            Some(m) if !m.is_empty() => m.clone(),
            _ => self.class.clone(),
        }
    }

    fn kind(&self) -> ErrorKind {
        if self.retriable {
            return ErrorKind::Retriable;
        }
        match self.class.as_str() {
            "org.apache.kafka.connect.errors.DataException" => ErrorKind::Data,
            "org.apache.kafka.common.config.ConfigException" => ErrorKind::Config,
            _ => ErrorKind::Connect,
        }
    }

    pub fn into_connect(self) -> ConnectError {
        let trace = if self.trace.is_empty() {
            format!("{}: {}", self.class, self.message())
        } else {
            self.trace.clone()
        };
        ConnectError::new(self.kind(), self.message()).with_trace(trace)
    }

    /// Parses an error JSON; a malformed one still yields an error that says what came back.
    pub fn parse(json: &str) -> JavaError {
        serde_json::from_str(json).unwrap_or_else(|e| JavaError {
            class: "org.apache.kafka.connect.errors.ConnectException".into(),
            message: Some(format!("unreadable error from the JVM ({e}): {json}")),
            trace: String::new(),
            retriable: false,
            stage: None,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// No JVM could be started; JVM plugins are unavailable, native ones still run.
    #[error("JVM plugins are unavailable: {0}")]
    Unavailable(String),
    /// Java code failed (an answer with `"error"`).
    #[error("{}", .0.message())]
    Java(JavaError),
    /// A Throwable escaped the shim (e.g. OutOfMemoryError), or JNI itself failed.
    #[error("JNI call {call} failed: {message}")]
    Jni {
        call: &'static str,
        message: String,
        trace: Option<String>,
    },
    /// The shim answered something that does not follow PROTOCOL.md.
    #[error("unexpected answer from the JVM shim to {call}: {message}")]
    Protocol { call: &'static str, message: String },
    /// The task's JVM thread has gone (it panicked or the bridge shut down).
    #[error("the JVM thread {0} is gone")]
    ThreadGone(String),
}

impl From<BridgeError> for ConnectError {
    fn from(e: BridgeError) -> Self {
        match e {
            BridgeError::Java(j) => j.into_connect(),
            BridgeError::Jni {
                call,
                message,
                trace,
            } => {
                let err = ConnectError::connect(format!("JNI call {call} failed: {message}"));
                match trace {
                    Some(t) => err.with_trace(t),
                    None => err,
                }
            }
            other => ConnectError::connect(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_errors_keep_their_trace_and_kind() {
        let e = JavaError::parse(
            r#"{"class":"org.apache.kafka.connect.errors.RetriableException","message":"later","trace":"org.apache.kafka.connect.errors.RetriableException: later\n\tat X.poll(X.java:1)","retriable":true}"#,
        );
        let c = e.into_connect();
        assert!(c.is_retriable());
        assert_eq!(c.message, "later");
        assert!(c.trace_text().contains("at X.poll"));
        let bad = JavaError::parse("not json").into_connect();
        assert!(bad.message.contains("not json"));
        let data = JavaError::parse(r#"{"class":"org.apache.kafka.connect.errors.DataException"}"#);
        assert_eq!(data.into_connect().kind, ErrorKind::Data);
    }
}
