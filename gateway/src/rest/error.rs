//! The one error shape Kafka Connect answers with: `{"error_code":N,"message":"..."}`, where
//! `N` is also the HTTP status (Kafka's `ConnectExceptionMapper` + `ErrorMessage`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::herder::HerderError;

/// A REST failure: the status plus the message shown to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestError {
    status: StatusCode,
    /// Kafka allows `null` here (an exception without a message); we keep that possibility.
    message: Option<String>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error_code: u16,
    message: Option<&'a str>,
}

impl RestError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        RestError {
            status,
            message: Some(message.into()),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// What Jersey answers for a path no resource matches.
    pub fn http_not_found() -> Self {
        Self::not_found("HTTP 404 Not Found")
    }

    /// What Jersey answers for a known path with a method no resource method accepts.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "HTTP 405 Method Not Allowed",
        )
    }

    /// What Jersey answers when a body's `Content-Type` is not `application/json`.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "HTTP 415 Unsupported Media Type",
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl std::fmt::Display for RestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}",
            self.status.as_u16(),
            self.message.as_deref().unwrap_or("")
        )
    }
}

impl std::error::Error for RestError {}

impl From<HerderError> for RestError {
    fn from(e: HerderError) -> Self {
        // `status()` only yields 400/403/404/409/500, all valid codes; fall back to 500 anyway
        // so that a future variant with a bad code can't turn into a panic.
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        RestError::new(status, e.to_string())
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error_code: self.status.as_u16(),
            message: self.message.as_deref(),
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// Handler result type: success or the Kafka error shape.
pub type RestResult<T> = Result<T, RestError>;
