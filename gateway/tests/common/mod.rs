//! Helpers for tests that run the real `connect-gateway` binary.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // each test file uses a subset

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use gateway::transport::rocketmq::{RocketMqConfig, RocketMqTransport};
use native_connectors::verify::{merge_reports, Report};

pub const BIN: &str = env!("CARGO_BIN_EXE_connect-gateway");

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `connect-gateway standalone <args>` with stdout and stderr appended to `log`.
pub fn spawn(args: &[&Path], log: &Path) -> Child {
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    Command::new(BIN)
        .arg("standalone")
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap()
}

pub fn sigterm(child: &Child) {
    let ok = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(ok.success());
}

pub fn wait_exit(child: &mut Child, timeout: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(start.elapsed() < timeout, "process did not exit in time");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// SIGTERM, then SIGKILL if it has not exited after 30 s.
pub fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The last 40 lines of a log, for failure messages.
pub fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// Polls `probe` until it yields a value; on timeout panics with the log's tail.
pub fn wait_until<T>(
    what: &str,
    timeout: Duration,
    log: &Path,
    mut probe: impl FnMut() -> Option<T>,
) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = probe() {
            return v;
        }
        if start.elapsed() > timeout {
            panic!("timed out waiting for {what}\n--- log ---\n{}", tail(log));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A verifying sink's report: `report.file` itself for one task, else the merged
/// `<report.file>.<task>` files.
pub fn report(path: &Path) -> Option<Report> {
    if path.exists() {
        return merge_reports(&[path]).ok();
    }
    let files: Vec<PathBuf> = (0..8)
        .map(|t| PathBuf::from(format!("{}.{t}", path.display())))
        .filter(|p| p.exists())
        .collect();
    if files.is_empty() {
        return None;
    }
    merge_reports(&files).ok()
}

/// Polls a verifying sink until both datagen tasks delivered every sequence number.
pub fn wait_all_seqs(report_file: &Path, per_task: u64, log: &Path, secs: u64) -> Report {
    wait_until(
        "every sequence number",
        Duration::from_secs(secs),
        log,
        || {
            report(report_file).filter(|r| {
                r.tasks.len() == 2
                    && r.tasks
                        .values()
                        .all(|t| t.max_seq == per_task - 1 && t.missing == 0)
            })
        },
    )
}

/// The name server `scripts/rocketmq.sh start` printed (`ROCKETMQ_NAMESRV_ADDR`). Without it
/// the RocketMQ tests fail on purpose: a silent skip would hide a broken RocketMQ path.
pub fn namesrv() -> String {
    std::env::var("ROCKETMQ_NAMESRV_ADDR")
        .ok()
        .filter(|v| !v.is_empty())
        .expect(
            "ROCKETMQ_NAMESRV_ADDR is not set: start a broker with `eval \"$(scripts/rocketmq.sh start)\"` (scripts/test.sh does)",
        )
}

/// A name no other test run uses: `<prefix>-<pid>-<nanos>`.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{}", std::process::id(), nanos % 1_000_000_000)
}

/// A RocketMQ client of our own transport, to write or read topics beside the worker.
pub async fn transport() -> std::sync::Arc<RocketMqTransport> {
    let config = RocketMqConfig {
        namesrv_addr: namesrv(),
        producer_group: unique("test-producer"),
        ..RocketMqConfig::default()
    };
    RocketMqTransport::connect(config).await.unwrap()
}

/// `curl -s <args>`, the answer as JSON.
pub fn curl(args: &[&str]) -> Option<serde_json::Value> {
    let out = Command::new("curl").args(["-s"]).args(args).output().ok()?;
    serde_json::from_slice(&out.stdout).ok()
}

/// GET `path` on the REST port, as JSON (`None` on an HTTP error).
pub fn get(port: u16, path: &str) -> Option<serde_json::Value> {
    curl(&["-f", &format!("http://127.0.0.1:{port}{path}")])
}

/// A worker process of a test. A test that panics before it stops the worker would leave it
/// running (with its JVM, and threads that never end in the blocked-poll test): dropping
/// this kills it.
pub struct Worker(Option<Child>);

impl Worker {
    /// `connect-gateway standalone <args>`, logging to `log`.
    pub fn start(args: &[&Path], log: &Path) -> Worker {
        Worker(Some(spawn(args, log)))
    }

    pub fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("the worker was stopped")
    }

    pub fn id(&self) -> u32 {
        self.0.as_ref().map_or(0, Child::id)
    }

    /// SIGTERM and wait (SIGKILL after 30 s), as [`stop`].
    pub fn stop(mut self) {
        if let Some(child) = self.0.take() {
            stop(child);
        }
    }

    /// SIGKILL: no flush, no goodbye.
    pub fn kill9(mut self) {
        if let Some(mut child) = self.0.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Writes `dir/worker.properties`: the REST API on `port` (the RocketMQ Connect API off),
/// offsets in `dir`, then the test's own `settings` (properties lines).
pub fn worker_properties(dir: &Path, port: u16, settings: &str) -> PathBuf {
    let p = dir.join("worker.properties");
    std::fs::write(
        &p,
        format!(
            "listeners=http://127.0.0.1:{port}\n\
             rocketmq.rest.listeners=\n\
             offset.storage.file.filename={}\n{settings}",
            dir.join("connect.offsets").display()
        ),
    )
    .unwrap();
    p
}
