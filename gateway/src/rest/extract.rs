//! Extractors that answer every rejection in Kafka's `{"error_code","message"}` shape, so a
//! client never sees axum's plain-text rejections (axum `customize-extractor-error` style).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::error::RestError;
use crate::herder::NullableProps;

/// A JSON request body.
///
/// * a `Content-Type` other than `application/json` → 415, like Jersey's `@Consumes`; so is
///   a body without any `Content-Type` (Jersey cannot pick a reader for it). A request with
///   neither body nor `Content-Type` (bare `curl -X PUT`) is let through;
/// * an empty body is deserialised from JSON `null`, so `Json<Option<T>>` sees `None`;
///   for a non-optional `T` it answers 400 "Request body is missing";
/// * malformed JSON → 400 with the parser's message. Kafka answers 500 there (Jackson's
///   exception reaches the catch-all mapper); 400 is what the client did wrong.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = RestError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        check_json_content_type(req.headers())?;
        let declared = req.headers().contains_key(CONTENT_TYPE);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status();
            RestError::new(status, rejection.body_text())
        })?;
        if !declared && !bytes.is_empty() {
            return Err(RestError::unsupported_media_type());
        }
        parse_json_body(&bytes).map(Json)
    }
}

/// Parses a request body as [`Json`] does (exposed for bodies read by hand).
pub fn parse_json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, RestError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return T::deserialize(Value::Null)
            .map_err(|_| RestError::bad_request("Request body is missing"));
    }
    serde_json::from_slice(bytes).map_err(|e| RestError::bad_request(e.to_string()))
}

/// 415 unless the request has no `Content-Type` or declares `application/json`
/// (parameters such as `charset` are allowed).
///
/// Kafka declares `@Consumes(application/json)` on whole resources, so this holds for every
/// request to them, with a body or not ([`consumes_json`]).
pub fn check_json_content_type(headers: &HeaderMap) -> Result<(), RestError> {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = value
        .to_str()
        .ok()
        .and_then(|s| s.split(';').next())
        .map(|s| s.trim().to_ascii_lowercase());
    match essence.as_deref() {
        Some("application/json") => Ok(()),
        _ => Err(RestError::unsupported_media_type()),
    }
}

/// Path parameters, percent-decoded (so `a%2Fb` is the connector `a/b`).
///
/// A parameter that can't be decoded is a 404, as JAX-RS answers when a `@PathParam`
/// can't be converted.
#[derive(Debug, Clone)]
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => {
                let status = rejection.into_response().status();
                if status == StatusCode::INTERNAL_SERVER_ERROR {
                    // Only a routing bug (handler expecting params the route lacks) gets here.
                    Err(RestError::internal("Failed to read path parameters"))
                } else {
                    Err(RestError::http_not_found())
                }
            }
        }
    }
}

/// Every query parameter in order, repeats kept (`expand=status&expand=info`).
///
/// Unknown parameters (like the hidden `forward`) are simply never looked at, which is how
/// JAX-RS treats them.
#[derive(Debug, Clone, Default)]
pub struct QueryParams(pub Vec<(String, String)>);

impl QueryParams {
    /// First value of `name`, as `@QueryParam` binds it.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// A `Boolean` query param the JAX-RS way: absent → `default`, otherwise
    /// `Boolean.valueOf` (true only for a case-insensitive "true"; never an error).
    pub fn bool_or(&self, name: &str, default: bool) -> bool {
        match self.first(name) {
            None => default,
            Some(v) => v.eq_ignore_ascii_case("true"),
        }
    }
}

impl<S> FromRequestParts<S> for QueryParams
where
    S: Send + Sync,
{
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state).await
        {
            Ok(axum::extract::Query(pairs)) => Ok(QueryParams(pairs)),
            Err(rejection) => Err(RestError::bad_request(rejection.body_text())),
        }
    }
}

/// A connector config as Kafka's Jackson reads a `Map<String, String>`: strings as they are,
/// numbers and booleans coerced to their text, `null` kept as `None` (PATCH deletes such keys;
/// validation reports them). Objects and arrays are rejected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigMap(pub NullableProps);

impl<'de> Deserialize<'de> for ConfigMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Map::<String, Value>::deserialize(deserializer)?;
        let mut out = NullableProps::new();
        for (key, value) in raw {
            let value = coerce_to_string(&value).map_err(|kind| {
                serde::de::Error::custom(format!(
                    "Cannot deserialize value of type `java.lang.String` from {kind} value \
                     (config key '{key}')"
                ))
            })?;
            out.insert(key, value);
        }
        Ok(ConfigMap(out))
    }
}

/// Jackson's scalar → `String` coercion; `Err` names the JSON kind that can't be coerced.
pub fn coerce_to_string(value: &Value) -> Result<Option<String>, &'static str> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Array(_) => Err("Array"),
        Value::Object(_) => Err("Object"),
    }
}

/// Route middleware for a resource Kafka annotates `@Consumes(application/json)`: a request
/// declaring another `Content-Type` is refused with 415 before its handler runs, whatever the
/// method (`GET /connectors` with `Content-Type: text/plain` included). Applied as a route
/// layer, so unknown paths (404) and methods (405) are answered first, as Jersey does.
pub async fn consumes_json(req: Request, next: axum::middleware::Next) -> axum::response::Response {
    match check_json_content_type(req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}
