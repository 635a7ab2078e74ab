//! Router tests: requests go through `kafka_router` with `oneshot` (no socket) against
//! [`fake::FakeHerder`]; statuses, headers and exact JSON bodies are asserted.

mod connectors;
mod fake;
mod general;
mod loggers;
mod offsets_topics;
mod plugins;
mod rocketmq;
mod tasks;

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use self::fake::FakeHerder;
use super::{kafka_router, rocketmq_router, RestState};
use crate::logging::LoggerControl;

pub struct Harness {
    pub app: Router,
    pub herder: Arc<FakeHerder>,
    pub loggers: Arc<LoggerControl>,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a JSON response with this status and exactly this body.
    #[track_caller]
    pub fn assert_json(&self, status: StatusCode, body: Value) {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), Some("application/json"));
        assert_eq!(self.json(), body);
    }

    /// Asserts Kafka's error shape with `error_code` equal to the status.
    #[track_caller]
    pub fn assert_error(&self, status: StatusCode, message: &str) {
        self.assert_json(
            status,
            json!({"error_code": status.as_u16(), "message": message}),
        );
    }

    /// Asserts a bodiless answer.
    #[track_caller]
    pub fn assert_empty(&self, status: StatusCode) {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(self.body.is_empty(), "unexpected body {:?}", self.body);
    }
}

impl Harness {
    pub fn new() -> Self {
        Self::with(|_| {})
    }

    pub fn with(adjust: impl FnOnce(&mut RestState)) -> Self {
        let herder = Arc::new(FakeHerder::new());
        let loggers = LoggerControl::detached();
        let mut state = RestState::new(herder.clone(), loggers.clone());
        adjust(&mut state);
        Harness {
            app: kafka_router(state),
            herder,
            loggers,
        }
    }

    /// The RocketMQ Connect router over a fresh fake herder.
    pub fn rocketmq() -> Self {
        let herder = Arc::new(FakeHerder::new());
        let loggers = LoggerControl::detached();
        let state = RestState::new(herder.clone(), loggers.clone());
        Harness {
            app: rocketmq_router(state),
            herder,
            loggers,
        }
    }

    /// A request with an `application/json` body when `body` is given.
    pub async fn call(&self, method: &str, uri: &str, body: Option<&str>) -> Resp {
        let builder = Request::builder().method(method).uri(uri);
        let request = match body {
            Some(b) => builder
                .header(CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => builder.body(Body::empty()),
        };
        self.send(request.expect("valid request")).await
    }

    pub async fn send(&self, request: Request<Body>) -> Resp {
        let response = self.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Resp {
            status,
            headers,
            body,
        }
    }
}
