//! Errors a connector, converter or transformation can raise, mirroring Kafka's
//! `ConnectException` family. `kind` decides how the runtime reacts.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `ConnectException`: the task or connector fails.
    Connect,
    /// `RetriableException`: the runtime retries (poll again, redeliver the batch).
    Retriable,
    /// `DataException`: bad data; tolerable per `errors.tolerance`.
    Data,
    /// Configuration rejected (`ConfigException`).
    Config,
    /// Something the runtime itself failed at (I/O, transport).
    Runtime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectError {
    pub kind: ErrorKind,
    pub message: String,
    /// A stack-trace-like text for the status `trace` (Java traces come from the JVM bridge).
    pub trace: Option<String>,
}

impl ConnectError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ConnectError {
            kind,
            message: message.into(),
            trace: None,
        }
    }
    pub fn connect(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Connect, message)
    }
    pub fn retriable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Retriable, message)
    }
    pub fn data(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Data, message)
    }
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }
    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Runtime, message)
    }
    pub fn with_trace(mut self, trace: impl Into<String>) -> Self {
        self.trace = Some(trace.into());
        self
    }
    pub fn is_retriable(&self) -> bool {
        self.kind == ErrorKind::Retriable
    }

    /// Kafka-style exception class name used in traces and DLQ headers.
    pub fn class_name(&self) -> &'static str {
        match self.kind {
            ErrorKind::Connect | ErrorKind::Runtime => {
                "org.apache.kafka.connect.errors.ConnectException"
            }
            ErrorKind::Retriable => "org.apache.kafka.connect.errors.RetriableException",
            ErrorKind::Data => "org.apache.kafka.connect.errors.DataException",
            ErrorKind::Config => "org.apache.kafka.common.config.ConfigException",
        }
    }

    /// The text shown as `trace` in a status: the Java trace if there is one, else
    /// `<class>: <message>` like the first line of a Java trace.
    pub fn trace_text(&self) -> String {
        match &self.trace {
            Some(t) => t.clone(),
            None => format!("{}: {}", self.class_name(), self.message),
        }
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConnectError {}

impl From<std::io::Error> for ConnectError {
    fn from(e: std::io::Error) -> Self {
        ConnectError::runtime(e.to_string())
    }
}

impl From<serde_json::Error> for ConnectError {
    fn from(e: serde_json::Error) -> Self {
        ConnectError::data(e.to_string())
    }
}

pub type ConnectResult<T> = Result<T, ConnectError>;
