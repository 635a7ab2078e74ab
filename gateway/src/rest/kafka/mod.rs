//! The Kafka Connect REST resources, one router function per resource (as Kafka splits them
//! into `RootResource`, `ConnectorsResource`, `ConnectorPluginsResource`, `LoggingResource`,
//! `InternalConnectResource`). Each returns a `Router<RestState>`; `rest::kafka_router`
//! merges them.

pub mod connectors;
pub mod internal;
pub mod loggers;
pub mod offsets;
pub mod plugins;
pub mod root;
pub mod tasks;
pub mod topics;

use axum::http::header::{HOST, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `UriBuilder.fromUri("/connectors").path(name)`: the name percent-encoded as one path
/// segment (we also encode `/`, so the Location always names the connector, not a sub-path).
pub fn connector_location(name: &str) -> String {
    let mut out = String::from("/connectors/");
    for b in name.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// 201 Created with `Location` and a JSON body. Kafka's Location is absolute, built (like
/// every JAX-RS `UriInfo` URI) from the request: `http://` + its `Host` header + the path.
/// Without a `Host` (HTTP/1.0) only the path can be given.
pub fn created<T: Serialize>(request_headers: &HeaderMap, name: &str, body: &T) -> Response {
    let path = connector_location(name);
    let location = match request_headers.get(HOST).and_then(|h| h.to_str().ok()) {
        Some(host) if !host.is_empty() => format!("http://{host}{path}"),
        _ => path,
    };
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::CREATED, [(LOCATION, value)], axum::Json(body)).into_response(),
        // Unreachable: the encoder only emits visible ASCII. Answer without the header rather
        // than fail the request that already succeeded.
        Err(_) => (StatusCode::CREATED, axum::Json(body)).into_response(),
    }
}
