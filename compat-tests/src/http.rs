//! A plain blocking HTTP client: the harness sees every target only through its REST port.

use std::time::Duration;

use serde_json::Value;

/// The three workers a scenario runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetKind {
    /// Apache Kafka Connect, distributed worker.
    Distributed,
    /// Apache Kafka Connect, standalone worker.
    Standalone,
    /// Connect Gateway.
    Gateway,
}

impl TargetKind {
    pub const ALL: [TargetKind; 3] = [
        TargetKind::Distributed,
        TargetKind::Standalone,
        TargetKind::Gateway,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TargetKind::Distributed => "kafka-distributed",
            TargetKind::Standalone => "kafka-standalone",
            TargetKind::Gateway => "gateway",
        }
    }

    /// One letter used in connector, topic and logger names, so targets never share state.
    pub fn letter(self) -> char {
        match self {
            TargetKind::Distributed => 'd',
            TargetKind::Standalone => 's',
            TargetKind::Gateway => 'g',
        }
    }
}

/// A worker under test: its kind and REST base URL (no trailing slash).
#[derive(Clone, Debug)]
pub struct Target {
    pub kind: TargetKind,
    pub base: String,
}

impl Target {
    pub fn new(kind: TargetKind, base: &str) -> Target {
        Target {
            kind,
            base: base.trim_end_matches('/').to_string(),
        }
    }
}

/// What a request carries.
#[derive(Clone, Debug)]
pub enum Body {
    None,
    /// Text sent as-is with `Content-Type: application/json` (it need not be valid JSON).
    Json(String),
    /// Text sent with any content type (or none).
    Raw {
        content_type: Option<String>,
        text: String,
    },
}

/// A request template: `{T}` and `{DIR}` are replaced per target before sending.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Body,
}

impl Request {
    pub fn render(&self, token: &str, dir: &str) -> Request {
        let sub = |s: &str| s.replace("{DIR}", dir).replace("{T}", token);
        Request {
            method: self.method.clone(),
            path: sub(&self.path),
            body: match &self.body {
                Body::None => Body::None,
                Body::Json(t) => Body::Json(sub(t)),
                Body::Raw { content_type, text } => Body::Raw {
                    content_type: content_type.clone(),
                    text: sub(text),
                },
            },
        }
    }

    /// `METHOD path` plus the body, for failure messages.
    pub fn describe(&self) -> String {
        let body = match &self.body {
            Body::None => String::new(),
            Body::Json(t) => format!(" (application/json) {t}"),
            Body::Raw { content_type, text } => format!(
                " ({}) {text}",
                content_type.as_deref().unwrap_or("no content type")
            ),
        };
        format!("{} {}{body}", self.method, self.path)
    }
}

/// What came back.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    /// Media type without parameters, lower case.
    pub content_type: Option<String>,
    pub location: Option<String>,
    /// `None` for an empty body; non-JSON text becomes a JSON string prefixed with `<text> `.
    pub body: Option<Value>,
}

impl Response {
    pub fn transport_error(msg: String) -> Response {
        Response {
            status: 0,
            content_type: None,
            location: None,
            body: Some(Value::String(format!("<transport error> {msg}"))),
        }
    }

    pub fn describe(&self) -> String {
        match &self.body {
            None => format!("{} (empty)", self.status),
            Some(b) => format!("{} {}", self.status, b),
        }
    }
}

pub struct Client {
    http: reqwest::blocking::Client,
}

impl Client {
    pub fn new() -> Result<Client, String> {
        // Herder-backed calls may take up to 90 s in Kafka Connect before timing out themselves.
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        Ok(Client { http })
    }

    pub fn send(&self, target: &Target, req: &Request) -> Response {
        let method = match reqwest::Method::from_bytes(req.method.as_bytes()) {
            Ok(m) => m,
            Err(e) => return Response::transport_error(format!("bad method {}: {e}", req.method)),
        };
        let url = format!("{}{}", target.base, req.path);
        let mut builder = self.http.request(method, &url);
        match &req.body {
            Body::None => {}
            Body::Json(text) => {
                builder = builder
                    .header("Content-Type", "application/json")
                    .body(text.clone());
            }
            Body::Raw { content_type, text } => {
                if let Some(ct) = content_type {
                    builder = builder.header("Content-Type", ct.clone());
                }
                builder = builder.body(text.clone());
            }
        }
        let resp = match builder.send() {
            Ok(r) => r,
            Err(e) => return Response::transport_error(format!("{url}: {e}")),
        };
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
        let location = header("location");
        let text = match resp.text() {
            Ok(t) => t,
            Err(e) => return Response::transport_error(format!("{url}: reading body: {e}")),
        };
        let body = if text.is_empty() {
            None
        } else {
            Some(
                serde_json::from_str::<Value>(&text)
                    .unwrap_or_else(|_| Value::String(format!("<text> {text}"))),
            )
        };
        Response {
            status,
            content_type,
            location,
            body,
        }
    }
}
