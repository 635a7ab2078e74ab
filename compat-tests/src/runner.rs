//! Runs every scenario on the three targets at once and compares the gateway with Kafka.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::allow::Entry;
use crate::http::{Client, Request, Response, Target, TargetKind};
use crate::json::{diff_bodies, mask_volatile, Diff, DiffKind, Subst};
use crate::scenario::{endpoint, Check, Reference, Scenario, Step, Until};

/// Where the three workers are.
#[derive(Clone, Debug)]
pub struct Targets {
    pub distributed: Target,
    pub standalone: Target,
    pub gateway: Target,
}

impl Targets {
    /// From `KAFKA_CONNECT_URL`, `KAFKA_CONNECT_STANDALONE_URL` and `GATEWAY_URL`.
    pub fn from_env() -> Result<Targets, String> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| name.to_string())
        };
        let (d, s, g) = (
            var("KAFKA_CONNECT_URL"),
            var("KAFKA_CONNECT_STANDALONE_URL"),
            var("GATEWAY_URL"),
        );
        let missing: Vec<String> = [&d, &s, &g]
            .iter()
            .filter_map(|r| r.as_ref().err().cloned())
            .collect();
        match (d, s, g) {
            (Ok(d), Ok(s), Ok(g)) => Ok(Targets {
                distributed: Target::new(TargetKind::Distributed, &d),
                standalone: Target::new(TargetKind::Standalone, &s),
                gateway: Target::new(TargetKind::Gateway, &g),
            }),
            _ => Err(format!(
                "the compatibility suite needs a real Kafka Connect and a gateway, but {} \
                 not set. Run ./scripts/compat.sh (it starts Kafka with scripts/kafka.sh and a \
                 gateway, then runs this suite), or set KAFKA_CONNECT_URL, \
                 KAFKA_CONNECT_STANDALONE_URL and GATEWAY_URL yourself.",
                if missing.len() == 1 {
                    format!("{} is", missing[0])
                } else {
                    format!("{} are", missing.join(", "))
                }
            )),
        }
    }

    fn get(&self, kind: TargetKind) -> &Target {
        match kind {
            TargetKind::Distributed => &self.distributed,
            TargetKind::Standalone => &self.standalone,
            TargetKind::Gateway => &self.gateway,
        }
    }
}

/// A normalised response.
#[derive(Clone, Debug)]
pub struct Observed {
    /// The request as sent (placeholders filled in).
    pub sent: Request,
    pub raw: Response,
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Option<Value>,
}

#[derive(Clone, Debug)]
enum StepObs {
    Nothing,
    Checked(Box<Observed>),
    Waited(Result<(), String>),
}

/// One difference from the reference, and what accepts it.
#[derive(Clone, Debug)]
pub struct Finding {
    pub diff: Diff,
    /// `distributed`, `standalone` or `both`.
    pub against: &'static str,
    /// The allow-list entry that accepts it; `None` = unexplained.
    pub allowed: Option<String>,
}

/// The outcome of one compared step (a check, or a wait that did not end the same way).
#[derive(Clone, Debug)]
pub struct StepResult {
    pub scenario: &'static str,
    pub step: String,
    pub endpoint: String,
    pub reference: Reference,
    pub reference_why: Option<&'static str>,
    /// The request template (`{T}` = the per-target name token, `{DIR}` = its scratch dir).
    pub request: String,
    /// Per target: the request as sent and the raw response.
    pub responses: Vec<(TargetKind, String, String)>,
    pub findings: Vec<Finding>,
    /// Whether Kafka's distributed and standalone workers answered the same (normalised).
    pub kafka_agree: bool,
}

impl StepResult {
    pub fn unexplained(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.allowed.is_none())
    }
}

pub struct SuiteResult {
    pub results: Vec<StepResult>,
    pub allow: Vec<Entry>,
    /// Allow-list entries that accepted nothing in this run.
    pub stale: Vec<Entry>,
    pub elapsed: Duration,
}

impl SuiteResult {
    pub fn unexplained_count(&self) -> usize {
        self.results.iter().map(|r| r.unexplained().count()).sum()
    }

    pub fn passed(&self) -> bool {
        self.unexplained_count() == 0 && self.stale.is_empty()
    }
}

fn run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mixed = (nanos ^ (u128::from(std::process::id()) << 40)) & 0xff_ffff;
    format!("x{mixed:06x}")
}

fn scratch_root() -> PathBuf {
    std::env::temp_dir().join("connect-compat")
}

/// Runs the scenarios (all, or those whose name is in `only`) and compares.
pub fn run_suite(
    targets: &Targets,
    scenarios: &[Scenario],
    allow: Vec<Entry>,
    only: &[String],
) -> Result<SuiteResult, String> {
    let client = Client::new()?;
    for kind in TargetKind::ALL {
        let t = targets.get(kind);
        let r = client.send(t, &crate::scenario::get("/"));
        if r.status != 200 {
            return Err(format!(
                "{} at {} does not answer GET / with 200: {}",
                kind.label(),
                t.base,
                r.describe()
            ));
        }
    }
    let started = Instant::now();
    let run = run_id();
    let mut results = Vec::new();
    for (idx, sc) in scenarios.iter().enumerate() {
        if !only.is_empty() && !only.iter().any(|o| o == sc.name) {
            continue;
        }
        let sc_started = Instant::now();
        let observed = std::thread::scope(|s| {
            let handles: Vec<_> = TargetKind::ALL
                .iter()
                .map(|&kind| {
                    let token = format!("{run}{}{idx:02}", kind.letter());
                    let target = targets.get(kind);
                    let client = &client;
                    s.spawn(move || (kind, run_on_target(client, target, sc, &token)))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| format!("scenario {} panicked", sc.name))
                })
                .collect::<Result<Vec<_>, String>>()
        })?;
        let obs = |kind: TargetKind| -> &Vec<StepObs> {
            // All three kinds were spawned above.
            &observed[TargetKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)].1
        };
        for (i, step) in sc.steps.iter().enumerate() {
            match step {
                Step::Check(check) => {
                    if let (StepObs::Checked(d), StepObs::Checked(s), StepObs::Checked(g)) = (
                        &obs(TargetKind::Distributed)[i],
                        &obs(TargetKind::Standalone)[i],
                        &obs(TargetKind::Gateway)[i],
                    ) {
                        results.push(compare_check(sc, check, d, s, g));
                    }
                }
                Step::Wait { what, req, .. } => {
                    let get = |k: TargetKind| match &obs(k)[i] {
                        StepObs::Waited(r) => r.clone(),
                        _ => Ok(()),
                    };
                    let (d, s, g) = (
                        get(TargetKind::Distributed),
                        get(TargetKind::Standalone),
                        get(TargetKind::Gateway),
                    );
                    if d.is_err() || s.is_err() || g.is_err() {
                        results.push(wait_result(sc, what, req, [d, s, g]));
                    }
                }
                _ => {}
            }
        }
        eprintln!(
            "compat: scenario {:<18} {:>5.1}s",
            sc.name,
            sc_started.elapsed().as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(scratch_root().join(&run));
    // Accept what the allow-list accepts; remember which entries were used.
    let mut used = vec![false; allow.len()];
    for r in &mut results {
        for f in &mut r.findings {
            if let Some(i) = allow
                .iter()
                .position(|e| e.matches(r.scenario, &r.step, &f.diff))
            {
                used[i] = true;
                f.allowed = Some(allow[i].id.clone());
            }
        }
    }
    let ran_all = only.is_empty();
    let stale = allow
        .iter()
        .zip(used)
        .filter(|(_, u)| !u && ran_all)
        .map(|(e, _)| e.clone())
        .collect();
    Ok(SuiteResult {
        results,
        allow,
        stale,
        elapsed: started.elapsed(),
    })
}

fn run_on_target(client: &Client, target: &Target, sc: &Scenario, token: &str) -> Vec<StepObs> {
    let dir_path = scratch_root().join(&token[..7]).join(token);
    let _ = std::fs::remove_dir_all(&dir_path);
    let _ = std::fs::create_dir_all(&dir_path);
    let dir = dir_path.to_string_lossy().to_string();
    let subst = Subst {
        token,
        dir: &dir,
        base: &target.base,
    };
    let mut out = Vec::new();
    for step in &sc.steps {
        let obs = match step {
            Step::Check(c) => {
                let sent = c.req.render(token, &dir);
                let raw = send_retrying(client, target, &sent);
                StepObs::Checked(Box::new(normalise(sent, raw, &subst, c)))
            }
            Step::Do(r) => {
                send_retrying(client, target, &r.render(token, &dir));
                StepObs::Nothing
            }
            Step::Wait {
                what,
                req,
                until,
                secs,
            } => {
                let sent = req.render(token, &dir);
                let deadline = Instant::now() + Duration::from_secs(*secs);
                let mut last;
                loop {
                    let raw = client.send(target, &sent);
                    last = raw.describe();
                    let mut body = raw.body.clone();
                    if let Some(b) = body.as_mut() {
                        subst.apply(b);
                    }
                    if raw.status / 100 == 2 && satisfied(until, body.as_ref()) {
                        break StepObs::Waited(Ok(()));
                    }
                    if Instant::now() >= deadline {
                        break StepObs::Waited(Err(format!(
                            "not {what} after {secs}s; last: {}",
                            truncate(&last, 400)
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
            Step::Write { file, content } => {
                let _ = std::fs::write(dir_path.join(file), content);
                StepObs::Nothing
            }
            Step::Sleep(ms) => {
                std::thread::sleep(Duration::from_millis(*ms));
                StepObs::Nothing
            }
        };
        out.push(obs);
    }
    out
}

/// A distributed worker answers 500 "rebalance is expected" / 409 "Cannot complete request"
/// while it rebalances after a config change (reference §1.2); clients retry those, and so does
/// the harness (for the distributed worker only: the others must never answer them).
fn send_retrying(client: &Client, target: &Target, req: &Request) -> Response {
    let mut raw = client.send(target, req);
    for _ in 0..40 {
        if target.kind != TargetKind::Distributed || !transient_rebalance(&raw) {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
        raw = client.send(target, req);
    }
    raw
}

fn transient_rebalance(r: &Response) -> bool {
    let msg = r
        .body
        .as_ref()
        .and_then(|b| b.get("message"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    (r.status == 500
        && msg.starts_with("Request cannot be completed because a rebalance is expected"))
        || (r.status == 409 && msg.starts_with("Cannot complete request"))
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

fn at<'a>(v: Option<&'a Value>, ptr: &str) -> Option<&'a Value> {
    v.and_then(|b| b.pointer(ptr))
}

fn satisfied(until: &Until, body: Option<&Value>) -> bool {
    match until {
        Until::State { connector, tasks } => {
            let state_ok = at(body, "/connector/state").and_then(Value::as_str) == Some(connector);
            let tasks_ok = match tasks {
                None => true,
                Some(want) => at(body, "/tasks")
                    .and_then(Value::as_array)
                    .is_some_and(|ts| {
                        ts.len() == want.len()
                            && ts
                                .iter()
                                .zip(want.iter())
                                .all(|(t, w)| t.get("state").and_then(Value::as_str) == Some(w))
                    }),
            };
            state_ok && tasks_ok
        }
        Until::NonEmpty(ptr) => at(body, ptr)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty()),
        Until::Equals(ptr, want) => at(body, ptr) == Some(want),
    }
}

fn normalise(sent: Request, raw: Response, subst: &Subst, check: &Check) -> Observed {
    let mut body = raw.body.clone();
    if let Some(b) = body.as_mut() {
        subst.apply(b);
        mask_volatile(b);
        for n in &check.norms {
            n.apply(b);
        }
    }
    Observed {
        status: raw.status,
        content_type: raw.content_type.clone(),
        location: raw.location.as_deref().map(|l| subst.apply_str(l)),
        body,
        sent,
        raw,
    }
}

fn diff_observed(r: &Observed, g: &Observed) -> Vec<Diff> {
    let mut out = Vec::new();
    if r.status != g.status {
        out.push(Diff {
            at: "(status)".into(),
            kind: DiffKind::Status,
            reference: r.status.to_string(),
            gateway: g.status.to_string(),
        });
    }
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "<absent>".into());
    if r.content_type != g.content_type {
        out.push(Diff {
            at: "(content-type)".into(),
            kind: DiffKind::Value,
            reference: opt(&r.content_type),
            gateway: opt(&g.content_type),
        });
    }
    if r.location != g.location {
        out.push(Diff {
            at: "(location)".into(),
            kind: DiffKind::Value,
            reference: opt(&r.location),
            gateway: opt(&g.location),
        });
    }
    diff_bodies(r.body.as_ref(), g.body.as_ref(), &mut out);
    out
}

fn compare_check(
    sc: &Scenario,
    check: &Check,
    d: &Observed,
    s: &Observed,
    g: &Observed,
) -> StepResult {
    let (reference, why) = match check.reference {
        Some((r, why)) => (r, Some(why)),
        None => (sc.reference, None),
    };
    let mut findings: Vec<Finding> = Vec::new();
    let against_d = diff_observed(d, g);
    let against_s = diff_observed(s, g);
    let push = |findings: &mut Vec<Finding>, diffs: Vec<Diff>, label: &'static str| {
        findings.extend(diffs.into_iter().map(|diff| Finding {
            diff,
            against: label,
            allowed: None,
        }))
    };
    match reference {
        Reference::Distributed => push(&mut findings, against_d, "distributed"),
        Reference::Standalone => push(&mut findings, against_s, "standalone"),
        Reference::Both => {
            for diff in against_d {
                let label = if against_s.contains(&diff) {
                    "both"
                } else {
                    "distributed"
                };
                findings.push(Finding {
                    diff,
                    against: label,
                    allowed: None,
                });
            }
            let already: Vec<Diff> = findings.iter().map(|f| f.diff.clone()).collect();
            let only_s: Vec<Diff> = against_s
                .into_iter()
                .filter(|x| !already.contains(x))
                .collect();
            push(&mut findings, only_s, "standalone");
        }
    }
    let kafka_agree = diff_observed(d, s).is_empty();
    StepResult {
        scenario: sc.name,
        step: check.name.to_string(),
        endpoint: endpoint(&check.req),
        reference,
        reference_why: why,
        request: check.req.describe(),
        responses: vec![
            (TargetKind::Distributed, d.sent.describe(), d.raw.describe()),
            (TargetKind::Standalone, s.sent.describe(), s.raw.describe()),
            (TargetKind::Gateway, g.sent.describe(), g.raw.describe()),
        ],
        findings,
        kafka_agree,
    }
}

fn wait_result(
    sc: &Scenario,
    what: &str,
    req: &Request,
    outcomes: [Result<(), String>; 3],
) -> StepResult {
    let text = |r: &Result<(), String>| match r {
        Ok(()) => "reached".to_string(),
        Err(e) => e.clone(),
    };
    let [d, s, g] = outcomes;
    let reference = match sc.reference {
        Reference::Standalone => &s,
        _ => &d,
    };
    let mut findings = Vec::new();
    if reference.is_err() || g.is_err() {
        findings.push(Finding {
            diff: Diff {
                at: "(wait)".into(),
                kind: DiffKind::Status,
                reference: text(reference),
                gateway: text(&g),
            },
            against: sc.reference.label(),
            allowed: None,
        });
    }
    StepResult {
        scenario: sc.name,
        step: format!("wait: {what}"),
        endpoint: endpoint(req),
        reference: sc.reference,
        reference_why: None,
        request: req.describe(),
        responses: vec![
            (TargetKind::Distributed, req.describe(), text(&d)),
            (TargetKind::Standalone, req.describe(), text(&s)),
            (TargetKind::Gateway, req.describe(), text(&g)),
        ],
        findings,
        kafka_agree: d.is_ok() == s.is_ok(),
    }
}
