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

use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
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

/// 201 Created with `Location: /connectors/{name}` and a JSON body.
pub fn created<T: Serialize>(name: &str, body: &T) -> Response {
    let location = connector_location(name);
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::CREATED, [(LOCATION, value)], axum::Json(body)).into_response(),
        // Unreachable: the encoder only emits visible ASCII. Answer without the header rather
        // than fail the request that already succeeded.
        Err(_) => (StatusCode::CREATED, axum::Json(body)).into_response(),
    }
}
