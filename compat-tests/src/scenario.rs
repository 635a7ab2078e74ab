//! The scenario language: requests, checks (compared), setup steps and waits (not compared).

use serde_json::Value;

use crate::http::{Body, Request};
use crate::json::Norm;

/// Which Kafka Connect worker a check is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    Distributed,
    Standalone,
    /// Both Kafka workers: the gateway must match each (so they must agree).
    Both,
}

impl Reference {
    pub fn label(self) -> &'static str {
        match self {
            Reference::Distributed => "distributed",
            Reference::Standalone => "standalone",
            Reference::Both => "both",
        }
    }
}

/// A compared request.
#[derive(Clone, Debug)]
pub struct Check {
    pub name: &'static str,
    pub req: Request,
    /// Overrides the scenario's reference, with the reason.
    pub reference: Option<(Reference, &'static str)>,
    pub norms: Vec<Norm>,
}

impl Check {
    /// Compare with another Kafka worker than the scenario's, saying why.
    pub fn reference(&mut self, r: Reference, why: &'static str) -> &mut Check {
        self.reference = Some((r, why));
        self
    }

    pub fn norm(&mut self, n: Norm) -> &mut Check {
        self.norms.push(n);
        self
    }

    pub fn sort(&mut self, ptr: &'static str) -> &mut Check {
        self.norm(Norm::Sort(ptr))
    }

    pub fn key_by(
        &mut self,
        ptr: &'static str,
        fields: &'static [&'static str],
        ordered: bool,
    ) -> &mut Check {
        self.norm(Norm::KeyBy {
            ptr,
            fields,
            ordered,
        })
    }

    pub fn only_token(&mut self, ptr: &'static str) -> &mut Check {
        self.norm(Norm::OnlyToken(ptr))
    }
}

/// What a wait polls for (on the normalised response).
#[derive(Clone, Debug)]
pub enum Until {
    /// `GET …/status` shows this connector state and, if given, exactly these task states.
    State {
        connector: &'static str,
        tasks: Option<&'static [&'static str]>,
    },
    /// The value at this pointer is a non-empty array.
    NonEmpty(&'static str),
    /// The value at this pointer equals this.
    Equals(&'static str, Value),
}

#[derive(Clone, Debug)]
pub enum Step {
    Check(Check),
    /// Setup or cleanup: sent to every target, not compared.
    Do(Request),
    /// Poll until the condition holds (every 200 ms, at most `secs`). A target that never gets
    /// there is reported as a difference at `(wait)`.
    Wait {
        what: String,
        req: Request,
        until: Until,
        secs: u64,
    },
    /// Write a file (relative to the target's scratch directory).
    Write {
        file: &'static str,
        content: String,
    },
    Sleep(u64),
}

pub struct Scenario {
    pub name: &'static str,
    pub about: &'static str,
    pub reference: Reference,
    pub steps: Vec<Step>,
}

/// Builds a scenario's steps.
pub struct Steps(pub Vec<Step>);

impl Steps {
    pub fn new() -> Steps {
        Steps(Vec::new())
    }

    pub fn check(&mut self, name: &'static str, req: Request) -> &mut Check {
        self.0.push(Step::Check(Check {
            name,
            req,
            reference: None,
            norms: Vec::new(),
        }));
        match self.0.last_mut() {
            Some(Step::Check(c)) => c,
            _ => unreachable!("a check was just pushed"),
        }
    }

    pub fn run(&mut self, req: Request) {
        self.0.push(Step::Do(req));
    }

    pub fn write(&mut self, file: &'static str, content: &str) {
        self.0.push(Step::Write {
            file,
            content: content.to_string(),
        });
    }

    pub fn sleep(&mut self, ms: u64) {
        self.0.push(Step::Sleep(ms));
    }

    pub fn wait(&mut self, what: &str, req: Request, until: Until) {
        self.0.push(Step::Wait {
            what: what.to_string(),
            req,
            until,
            secs: 60,
        });
    }

    /// Wait for a connector state (and task states, if given).
    pub fn wait_state(
        &mut self,
        connector: &str,
        state: &'static str,
        tasks: Option<&'static [&'static str]>,
    ) {
        let what = match tasks {
            Some(t) => format!("{connector} {state} with tasks {t:?}"),
            None => format!("{connector} {state}"),
        };
        self.wait(
            &what,
            get(&format!("/connectors/{connector}/status")),
            Until::State {
                connector: state,
                tasks,
            },
        );
    }

    pub fn delete_connectors(&mut self, names: &[&str]) {
        for n in names {
            self.run(delete(&format!("/connectors/{n}")));
        }
    }
}

impl Default for Steps {
    fn default() -> Self {
        Steps::new()
    }
}

fn req(method: &str, path: &str, body: Body) -> Request {
    Request {
        method: method.to_string(),
        path: path.to_string(),
        body,
    }
}

pub fn get(path: &str) -> Request {
    req("GET", path, Body::None)
}

pub fn delete(path: &str) -> Request {
    req("DELETE", path, Body::None)
}

/// A request without a body (PUT pause/resume/stop, POST restart, …).
pub fn bare(method: &str, path: &str) -> Request {
    req(method, path, Body::None)
}

pub fn post(path: &str, json: &str) -> Request {
    req("POST", path, Body::Json(json.to_string()))
}

pub fn put(path: &str, json: &str) -> Request {
    req("PUT", path, Body::Json(json.to_string()))
}

pub fn patch(path: &str, json: &str) -> Request {
    req("PATCH", path, Body::Json(json.to_string()))
}

pub fn raw(method: &str, path: &str, content_type: Option<&str>, text: &str) -> Request {
    req(
        method,
        path,
        Body::Raw {
            content_type: content_type.map(str::to_string),
            text: text.to_string(),
        },
    )
}

/// `METHOD /path/pattern?query`: path parameters replaced by `{c}`, `{t}`, `{p}`, `{logger}`.
pub fn endpoint(req: &Request) -> String {
    let (path, query) = match req.path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (req.path.as_str(), None),
    };
    let segs: Vec<&str> = path.split('/').collect();
    let mut out: Vec<String> = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        let prev = if i > 0 { segs[i - 1] } else { "" };
        let prev2 = if i > 1 { segs[i - 2] } else { "" };
        let s = if seg.is_empty() {
            String::new()
        } else if prev == "connectors" && i == 2 {
            "{c}".to_string()
        } else if prev == "tasks" && !prev2.is_empty() && seg.chars().all(|c| c.is_ascii_digit()) {
            "{t}".to_string()
        } else if prev == "connector-plugins" && i == 2 {
            "{p}".to_string()
        } else if prev == "loggers" && prev2 == "admin" {
            "{logger}".to_string()
        } else {
            seg.to_string()
        };
        out.push(s);
    }
    let mut e = format!("{} {}", req.method, out.join("/"));
    if e.ends_with(' ') {
        e.push('/');
    }
    if let Some(q) = query {
        e.push('?');
        e.push_str(q);
    }
    e
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(endpoint(&get("/")), "GET /");
        assert_eq!(
            endpoint(&get("/connectors/src-{T}/tasks/0/status")),
            "GET /connectors/{c}/tasks/{t}/status"
        );
        assert_eq!(
            endpoint(&bare("POST", "/connectors/a/restart?includeTasks=true")),
            "POST /connectors/{c}/restart?includeTasks=true"
        );
        assert_eq!(
            endpoint(&get("/connector-plugins/X/config")),
            "GET /connector-plugins/{p}/config"
        );
        assert_eq!(
            endpoint(&get("/admin/loggers/org.x")),
            "GET /admin/loggers/{logger}"
        );
        assert_eq!(endpoint(&get("/connectors/")), "GET /connectors/");
        assert_eq!(
            endpoint(&get("/connectors/x/tasks")),
            "GET /connectors/{c}/tasks"
        );
    }
}
