//! RocketMQ Connect's response envelope. Success is `{"status":200,"body":...}` and failure
//! `{"errorCode":N,"message":"..."}`; RocketMQ Connect never sets the HTTP status, so a
//! handler's answer always travels as HTTP 200 and clients look at the envelope instead.
//! We keep that (clients written for it ignore the transport status), but `errorCode` carries
//! the herder's meaning (400/404/409/500) rather than RocketMQ Connect's blanket 500.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{json, Value};

use crate::herder::HerderError;
use crate::rest::error::RestError;

/// A failure answered in the RocketMQ Connect error envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RmqError {
    /// Transport status: 200 for handler failures (as RocketMQ Connect), 404/405 for routing.
    http: StatusCode,
    code: u16,
    message: String,
}

impl RmqError {
    /// A handler-level failure: HTTP 200, `errorCode` = `code`.
    pub fn new(code: u16, message: impl Into<String>) -> Self {
        RmqError {
            http: StatusCode::OK,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }

    /// Routing failures keep their real HTTP status, as the Javalin server does for a path
    /// no handler is registered for.
    pub fn routing(status: StatusCode, message: impl Into<String>) -> Self {
        RmqError {
            http: status,
            code: status.as_u16(),
            message: message.into(),
        }
    }
}

impl From<HerderError> for RmqError {
    fn from(e: HerderError) -> Self {
        RmqError::new(e.status(), e.to_string())
    }
}

/// Lets handlers reuse the shared helpers (`herder_call`, extractors) that fail in Kafka's
/// shape: the status becomes the `errorCode`.
impl From<RestError> for RmqError {
    fn from(e: RestError) -> Self {
        RmqError::new(e.status().as_u16(), e.message().unwrap_or_default())
    }
}

impl IntoResponse for RmqError {
    fn into_response(self) -> Response {
        let body = json!({"errorCode": self.code, "message": self.message});
        (self.http, axum::Json(body)).into_response()
    }
}

pub type RmqResult = Result<Response, RmqError>;

/// The success envelope around `body`.
pub fn ok<T: Serialize>(body: T) -> RmqResult {
    let body = serde_json::to_value(body).map_err(|e| RmqError::new(500, e.to_string()))?;
    Ok(axum::Json(json!({"status": 200, "body": body})).into_response())
}

/// The success envelope around a message string.
pub fn ok_message(message: impl Into<String>) -> RmqResult {
    ok(Value::String(message.into()))
}
