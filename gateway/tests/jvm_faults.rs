//! Bad input and faults of the JVM bridge, against the real binary and a real Apache RocketMQ:
//! junk on `plugin.path`, two plugins bundling different versions of one library, Java
//! exceptions in a constructor, `start`, `poll` and `put`, a `poll` that never returns, and an
//! `OutOfMemoryError`.
//!
//! The plugins are our own, tiny, one job each (`jvm-bridge/test-plugins`), compiled by
//! `scripts/jvm.sh test-plugins` (`CONNECT_GATEWAY_TEST_PLUGIN_PATH`); connect-file comes from
//! `scripts/jvm.sh plugins` (`CONNECT_GATEWAY_PLUGIN_PATH`); the broker from
//! `scripts/rocketmq.sh start` (`ROCKETMQ_NAMESRV_ADDR`). `scripts/test.sh` prepares all three.
//! Healthy pipelines (a test source → RocketMQ → Kafka's FileStreamSink, all in the JVM) run
//! beside the faulty connectors to show the worker and the JVM keep working.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed setup should panic
#![recursion_limit = "256"]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    curl, free_port, get, namesrv, sigterm, tail, unique, wait_exit, wait_until, worker_properties,
    Worker,
};
use serde_json::{json, Value};

const FAULTY_SOURCE: &str = "io.connectgateway.testplugins.faulty.FaultySourceConnector";
const FAULTY_SINK: &str = "io.connectgateway.testplugins.faulty.FaultySinkConnector";
const GREETER_A: &str = "io.connectgateway.testplugins.greetera.GreeterASourceConnector";
const GREETER_B: &str = "io.connectgateway.testplugins.greeterb.GreeterBSourceConnector";

fn env_dir(var: &str, must_hold: &str, how: &str) -> PathBuf {
    let dir = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{var} is not set (run `export {var}=\"$({how})\"`)"));
    assert!(
        dir.join(must_hold).exists(),
        "no {must_hold} in {} (run {how})",
        dir.display()
    );
    dir
}

/// `plugin.path`: connect-file's directory and the test plugins' (Kafka's comma-separated list).
fn plugin_path() -> String {
    let connect_file = env_dir(
        "CONNECT_GATEWAY_PLUGIN_PATH",
        "connect-file",
        "scripts/jvm.sh plugins",
    );
    let tests = env_dir(
        "CONNECT_GATEWAY_TEST_PLUGIN_PATH",
        "faulty",
        "scripts/jvm.sh test-plugins",
    );
    format!("{},{}", connect_file.display(), tests.display())
}

fn test_plugins_dir() -> PathBuf {
    env_dir(
        "CONNECT_GATEWAY_TEST_PLUGIN_PATH",
        "faulty",
        "scripts/jvm.sh test-plugins",
    )
}

/// A worker on [`plugin_path`] with the given `jvm.options` and extra lines.
fn start_worker(dir: &Path, jvm_options: &str, extra: &str) -> (Worker, u16, PathBuf) {
    start_worker_on(dir, &plugin_path(), jvm_options, extra)
}

/// A worker with the given `plugin.path`, `jvm.options` and extra lines, once its REST API
/// answers. `plugin.discovery=service_load` unless `extra` says otherwise: Kafka's default
/// (`hybrid_warn`) also scans reflectively, 3-5 s per plugin location on a busy 2-core machine
/// (it walks the whole host class path for each), and every test plugin has ServiceLoader
/// manifests.
fn start_worker_on(
    dir: &Path,
    plugin_path: &str,
    jvm_options: &str,
    extra: &str,
) -> (Worker, u16, PathBuf) {
    let port = free_port();
    let log = dir.join("gateway.log");
    let discovery = if extra.contains("plugin.discovery=") {
        ""
    } else {
        "plugin.discovery=service_load\n"
    };
    let worker = worker_properties(
        dir,
        port,
        &format!(
            "offset.flush.interval.ms=300\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             rocketmq.namesrv.addr={}\n\
             rocketmq.topic.default.queues=1\n\
             plugin.path={plugin_path}\n\
             jvm.options={jvm_options}\n{discovery}{extra}",
            namesrv(),
        ),
    );
    let process = Worker::start(&[&worker], &log);
    wait_until("the REST API", Duration::from_secs(90), &log, || {
        get(port, "/connector-plugins")
    });
    (process, port, log)
}

fn put_config(port: u16, name: &str, config: Value) {
    let answer = curl(&[
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-d",
        &config.to_string(),
        &format!("http://127.0.0.1:{port}/connectors/{name}/config"),
    ])
    .unwrap_or_default();
    assert_eq!(answer["name"], name, "creating {name}: {answer}");
}

/// `curl -X <method>` without a body; the HTTP status.
fn send(port: u16, method: &str, path: &str) -> u16 {
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method])
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).parse().unwrap_or(0)
}

/// (state, trace) of the connector, or of task `task` when given.
fn state(port: u16, name: &str, task: Option<usize>) -> Option<(String, String)> {
    let s = get(port, &format!("/connectors/{name}/status"))?;
    let v = match task {
        Some(t) => s["tasks"].get(t)?.clone(),
        None => s["connector"].clone(),
    };
    Some((
        v["state"].as_str()?.to_string(),
        v["trace"].as_str().unwrap_or_default().to_string(),
    ))
}

fn wait_state(port: u16, name: &str, task: Option<usize>, want: &str, log: &Path) -> String {
    let what = format!("{name} {task:?} {want}");
    wait_until(&what, Duration::from_secs(40), log, || {
        state(port, name, task).filter(|(s, _)| s == want)
    })
    .1
}

/// Waits for a FAILED connector (`task` None) or task and checks its trace is the Java stack
/// trace: the exception line and the frame it was thrown from.
fn assert_failed_with(
    port: u16,
    name: &str,
    task: Option<usize>,
    exception: &str,
    frame: &str,
    log: &Path,
) {
    let trace = wait_state(port, name, task, "FAILED", log);
    assert!(
        trace.contains(exception) && trace.contains(&format!("\tat {frame}(")),
        "{name} {task:?}: the status trace is not the Java stack trace of {exception} at {frame}:\n{trace}\n--- log ---\n{}",
        tail(log)
    );
}

/// A source of our faulty plugin that is healthy, writing to `topic`, and Kafka's FileStreamSink
/// writing that topic to `out`: the pipeline that must keep flowing while others fail.
fn healthy_pipeline(port: u16, topic: &str, out: &Path, tasks: u32, log: &Path) {
    put_config(
        port,
        "healthy-src",
        json!({"connector.class": FAULTY_SOURCE, "topic": topic, "tasks.max": tasks.to_string()}),
    );
    put_config(
        port,
        "healthy-sink",
        json!({"connector.class": "FileStreamSink", "connector.runtime": "jvm",
            "file": out.display().to_string(), "topics": topic}),
    );
    wait_until("the healthy pipeline", Duration::from_secs(60), log, || {
        (line_count(out) > 0).then_some(())
    });
}

fn line_count(file: &Path) -> usize {
    std::fs::read_to_string(file)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

/// The healthy pipeline is still moving: more lines than now, from every healthy task.
fn assert_still_flowing(port: u16, out: &Path, tasks: u32, log: &Path) {
    let before = line_count(out);
    wait_until(
        "the healthy pipeline to keep flowing",
        Duration::from_secs(30),
        log,
        || (line_count(out) >= before + 10).then_some(()),
    );
    let text = std::fs::read_to_string(out).unwrap();
    let recent: Vec<&str> = text.lines().skip(before).collect();
    for t in 0..tasks {
        assert!(
            recent
                .iter()
                .any(|l| l.starts_with(&format!("healthy-src-{t} "))),
            "no new record from healthy-src task {t}: {recent:?}"
        );
        assert_eq!(
            state(port, "healthy-src", Some(t as usize)).map(|s| s.0),
            Some("RUNNING".to_string())
        );
    }
    assert_eq!(
        state(port, "healthy-sink", Some(0)).map(|s| s.0),
        Some("RUNNING".to_string())
    );
}

/// `jcmd <pid> <command…>`: the JDK's own view into the embedded JVM (its attach listener runs
/// although the JVM was started with -Xrs).
fn jcmd(pid: u32, args: &[&str]) -> String {
    let jcmd = std::env::var_os("JAVA_HOME")
        .map(|h| PathBuf::from(h).join("bin/jcmd"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("jcmd"));
    let out = Command::new(&jcmd)
        .arg(pid.to_string())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", jcmd.display()));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Live instances of `class` after a full GC (`GC.class_histogram` collects first).
fn live_instances(pid: u32, class: &str) -> usize {
    jcmd(pid, &["GC.class_histogram"])
        .lines()
        .find(|l| l.split_whitespace().nth(3) == Some(class))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// Whether a Java thread named `name` sits in `frame` (a stack dump of the embedded JVM).
fn thread_in(pid: u32, name: &str, frame: &str) -> bool {
    jcmd(pid, &["Thread.print"])
        .split("\n\n")
        .any(|t| t.starts_with(&format!("\"{name}\"")) && t.contains(frame))
}

#[test]
fn a_jar_without_plugins_and_a_corrupt_jar_on_plugin_path_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    // A plugin.path of its own: the two junk jars and one real plugin. Kafka's default
    // discovery (hybrid_warn: the reflective scan and the ServiceLoader one), as a worker without
    // plugin.discovery runs it; few locations, since the reflective scan is slow per location.
    let tests = test_plugins_dir();
    let plugins = dir.path().join("plugins");
    std::fs::create_dir_all(plugins.join("faulty")).unwrap();
    for jar in ["corrupt.jar", "not-a-plugin.jar", "faulty/faulty.jar"] {
        std::fs::copy(tests.join(jar), plugins.join(jar)).unwrap();
    }
    let (worker, port, log) = start_worker_on(
        dir.path(),
        &plugins.display().to_string(),
        "-Xms64m -Xmx256m",
        "plugin.discovery=hybrid_warn\n",
    );

    // Each junk jar is named in a warning, with the reason.
    let text = std::fs::read_to_string(&log).unwrap();
    let warned = |jar: &str, reason: &str| {
        let path = plugins.join(jar).display().to_string();
        text.lines().any(|l| {
            l.contains("WARN")
                && l.contains("plugin.path entry")
                && l.contains(&path)
                && l.contains(reason)
        })
    };
    assert!(
        warned("corrupt.jar", "skipped: not a readable jar"),
        "no warning for the corrupt jar:\n{}",
        tail(&log)
    );
    assert!(
        warned("not-a-plugin.jar", "skipped: no connector"),
        "no warning for the jar without plugins:\n{}",
        tail(&log)
    );
    assert!(!warned("faulty", ""), "{}", tail(&log));

    // The real plugin beside them loads and runs: its records reach a (native) FileStreamSink
    // through RocketMQ.
    let listed = get(port, "/connector-plugins").unwrap();
    assert!(listed.to_string().contains(FAULTY_SOURCE), "{listed}");
    let topic = unique("beside-junk");
    let out = dir.path().join("out.txt");
    put_config(
        port,
        "src",
        json!({"connector.class": FAULTY_SOURCE, "topic": topic}),
    );
    put_config(
        port,
        "sink",
        json!({"connector.class": "FileStreamSink", "file": out.display().to_string(), "topics": topic}),
    );
    wait_until(
        "records of the plugin",
        Duration::from_secs(60),
        &log,
        || {
            std::fs::read_to_string(&out)
                .ok()?
                .starts_with("src-0 0\n")
                .then_some(())
        },
    );
    worker.stop();
}

#[test]
fn two_plugins_bundling_different_versions_of_a_library_each_see_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let (worker, port, log) = start_worker(dir.path(), "-Xms64m -Xmx256m", "");
    let tests = test_plugins_dir();

    // Kafka asks each connector its version at discovery: each answers with its own library's.
    let plugins = get(port, "/connector-plugins").unwrap();
    let version_of = |class: &str| {
        plugins
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["class"] == class)
            .map(|p| p["version"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(
        version_of(GREETER_A).as_deref(),
        Some("demo-lib 1.0"),
        "{plugins}"
    );
    assert_eq!(
        version_of(GREETER_B).as_deref(),
        Some("demo-lib 2.0"),
        "{plugins}"
    );

    // Both run at once, each through RocketMQ into a file (Kafka's FileStreamSink, in the same
    // JVM), and each sees the com.example.lib.Greeting of its own demo-lib.jar (greeter-b calls a
    // method only 2.0 has: with 1.0 it would fail with NoSuchMethodError).
    for (greeter, class) in [("a", GREETER_A), ("b", GREETER_B)] {
        let topic = unique(&format!("greeter-{greeter}"));
        put_config(
            port,
            &format!("greeter-{greeter}"),
            json!({"connector.class": class, "topic": topic}),
        );
        put_config(
            port,
            &format!("greeter-{greeter}-sink"),
            json!({"connector.class": "FileStreamSink", "connector.runtime": "jvm",
                "file": dir.path().join(format!("{greeter}.txt")).display().to_string(),
                "topics": topic}),
        );
    }
    let first_line = |greeter: &str| {
        wait_until(
            &format!("a record of greeter-{greeter}"),
            Duration::from_secs(60),
            &log,
            || {
                let text =
                    std::fs::read_to_string(dir.path().join(format!("{greeter}.txt"))).ok()?;
                text.lines().next().map(str::to_string)
            },
        )
    };
    let jar = |greeter: &str| {
        tests
            .join(format!("greeter-{greeter}/demo-lib.jar"))
            .display()
            .to_string()
    };
    assert_eq!(
        first_line("a"),
        format!("greeter-a sees demo-lib 1.0 from {} #0", jar("a"))
    );
    assert_eq!(
        first_line("b"),
        format!(
            "greeter-b sees hello greeter-b from demo-lib 2.0 from {} #0",
            jar("b")
        )
    );
    for name in ["greeter-a", "greeter-b"] {
        assert_eq!(
            state(port, name, Some(0)).map(|s| s.0).as_deref(),
            Some("RUNNING")
        );
    }
    worker.stop();
}

#[test]
fn a_java_exception_in_a_constructor_start_poll_or_put_fails_only_that_connector_or_task_with_the_java_trace(
) {
    let dir = tempfile::tempdir().unwrap();
    // A connector's constructor has no config: the faulty connectors' constructors throw while
    // this file exists (created only after the plugin was discovered and validated).
    let marker = dir.path().join("constructors-fail");
    let (worker, port, log) = start_worker(
        dir.path(),
        &format!(
            "-Xms64m -Xmx256m -Dfaulty.constructor.marker={}",
            marker.display()
        ),
        "",
    );
    let pid = worker.id();
    let topic = unique("faults");
    let out = dir.path().join("out.txt");
    healthy_pipeline(port, &topic, &out, 1, &log);

    let faulty = |name: &str, class: &str, fail_in: &str| {
        let mut config = json!({"connector.class": class, "fail.in": fail_in});
        if class == FAULTY_SINK {
            // Reads the healthy topic, so its put gets records.
            config["topics"] = json!(topic);
        } else {
            config["topic"] = json!(unique("faulty-out"));
        }
        put_config(port, name, config);
    };
    faulty("f-connector-start", FAULTY_SOURCE, "connector-start");
    faulty("f-task-constructor", FAULTY_SOURCE, "task-constructor");
    faulty("f-task-start", FAULTY_SOURCE, "task-start");
    faulty("f-poll", FAULTY_SOURCE, "poll");
    faulty("f-put", FAULTY_SINK, "put");
    faulty("f-constructor", FAULTY_SOURCE, "none");

    let ise = "java.lang.IllegalStateException: faulty: deliberate failure in";
    let at = |class: &str, method: &str| {
        format!("io.connectgateway.testplugins.faulty.{class}.{method}")
    };
    assert_failed_with(
        port,
        "f-connector-start",
        None,
        &format!("{ise} connector-start"),
        &at("FaultySourceConnector", "start"),
        &log,
    );
    // Kafka wraps a task constructor's exception ("Instantiation error"); the cause is in the trace.
    assert_failed_with(
        port,
        "f-task-constructor",
        Some(0),
        &format!("{ise} the task constructor"),
        &at("UnconstructibleSourceTask", "<init>"),
        &log,
    );
    assert_failed_with(
        port,
        "f-task-start",
        Some(0),
        &format!("{ise} task-start"),
        &at("FaultySourceTask", "start"),
        &log,
    );
    assert_failed_with(
        port,
        "f-poll",
        Some(0),
        &format!("{ise} poll"),
        &at("FaultySourceTask", "poll"),
        &log,
    );
    assert_failed_with(
        port,
        "f-put",
        Some(0),
        &format!("{ise} put"),
        &at("FaultySinkTask", "put"),
        &log,
    );
    // A failed task leaves its connector running, as in Kafka.
    for name in ["f-task-constructor", "f-task-start", "f-poll", "f-put"] {
        assert_eq!(
            state(port, name, None).map(|s| s.0).as_deref(),
            Some("RUNNING"),
            "{name}"
        );
    }

    // The connector constructor: a restart makes a new instance, which now throws; once the
    // cause is gone, a restart brings it back.
    wait_state(port, "f-constructor", None, "RUNNING", &log);
    std::fs::write(&marker, b"").unwrap();
    assert_eq!(send(port, "POST", "/connectors/f-constructor/restart"), 204);
    assert_failed_with(
        port,
        "f-constructor",
        None,
        "faulty: deliberate failure in the constructor of io.connectgateway.testplugins.faulty.FaultySourceConnector",
        &at("FaultySourceConnector", "<init>"),
        &log,
    );
    std::fs::remove_file(&marker).unwrap();
    assert_eq!(send(port, "POST", "/connectors/f-constructor/restart"), 204);
    wait_state(port, "f-constructor", None, "RUNNING", &log);

    // Restarting a task that fails in start fails it again the same way, and releases what each
    // attempt built in the JVM (task, converters, metrics): the live source task drivers are
    // those of the running source tasks (healthy-src and f-constructor), nothing more.
    for _ in 0..3 {
        assert_eq!(
            send(port, "POST", "/connectors/f-task-start/tasks/0/restart"),
            204
        );
        assert_failed_with(
            port,
            "f-task-start",
            Some(0),
            &format!("{ise} task-start"),
            &at("FaultySourceTask", "start"),
            &log,
        );
    }
    wait_state(port, "f-constructor", Some(0), "RUNNING", &log);
    wait_until(
        "failed tasks released in the JVM",
        Duration::from_secs(20),
        &log,
        || {
            let sources = live_instances(pid, "io.connectgateway.bridge.SourceTaskDriver");
            let sinks = live_instances(pid, "io.connectgateway.bridge.SinkTaskDriver");
            (sources == 2 && sinks == 1).then_some(())
        },
    );

    // The worker and the other connectors kept running through all of it.
    assert_still_flowing(port, &out, 1, &log);
    worker.stop();
}

#[test]
fn a_task_blocked_in_poll_is_abandoned_after_the_shutdown_timeout_and_delete_and_sigterm_complete()
{
    let dir = tempfile::tempdir().unwrap();
    let (mut worker, port, log) = start_worker(
        dir.path(),
        "-Xms64m -Xmx256m",
        "task.shutdown.graceful.timeout.ms=1000\n",
    );
    let pid = worker.id();
    let topic = unique("blocked");
    let out = dir.path().join("out.txt");
    healthy_pipeline(port, &topic, &out, 1, &log);

    let blocked = |name: &str| {
        put_config(
            port,
            name,
            json!({"connector.class": FAULTY_SOURCE, "fail.in": "block-poll", "topic": unique("never")}),
        );
        wait_state(port, name, Some(0), "RUNNING", &log);
        // Really stuck in Java, not merely slow: the JVM's own thread dump shows it waiting.
        wait_until(
            &format!("task-{name}-0 blocked in poll"),
            Duration::from_secs(20),
            &log,
            || thread_in(pid, &format!("task-{name}-0"), "Faults.blockForever").then_some(()),
        );
    };

    // DELETE answers once the task had its graceful timeout (1 s), as Kafka cancels a task
    // that does not stop; its Java thread stays stuck, abandoned.
    blocked("stuck");
    let started = Instant::now();
    assert_eq!(send(port, "DELETE", "/connectors/stuck"), 204);
    let deleted_in = started.elapsed();
    assert!(
        deleted_in < Duration::from_secs(10),
        "DELETE took {deleted_in:?}"
    );
    assert_eq!(send(port, "GET", "/connectors/stuck/status"), 404);
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .any(|l| l.contains("abandoning it") && l.contains("stuck-0")),
        "{}",
        tail(&log)
    );
    assert!(thread_in(pid, "task-stuck-0", "Faults.blockForever"));
    assert_still_flowing(port, &out, 1, &log);

    // SIGTERM with two Java threads stuck for ever (the abandoned one and a new one): the JVM is
    // never destroyed, so nothing waits for them and the process exits after the timeout.
    blocked("stuck-again");
    assert!(thread_in(pid, "task-stuck-0", "Faults.blockForever"));
    let started = Instant::now();
    sigterm(worker.child());
    let status = wait_exit(worker.child(), Duration::from_secs(30));
    let exited_in = started.elapsed();
    assert!(status.success(), "{status:?}\n{}", tail(&log));
    assert!(
        exited_in < Duration::from_secs(15),
        "exit took {exited_in:?}"
    );
    eprintln!("DELETE of a blocked connector: {deleted_in:?}; SIGTERM to exit: {exited_in:?}");
}

#[test]
fn an_out_of_memory_error_in_one_task_fails_that_task_and_the_others_keep_running() {
    let dir = tempfile::tempdir().unwrap();
    // A small heap; the hog allocates 16 MiB arrays until one does not fit, so what it leaves
    // free is enough for the small allocations of the other tasks meanwhile.
    let (worker, port, log) = start_worker(dir.path(), "-Xms32m -Xmx64m", "");
    let topic = unique("oom");
    let out = dir.path().join("out.txt");
    healthy_pipeline(port, &topic, &out, 2, &log);

    put_config(
        port,
        "hog",
        json!({"connector.class": FAULTY_SOURCE, "fail.in": "oom", "topic": unique("never")}),
    );
    let oom = "java.lang.OutOfMemoryError: Java heap space";
    let frame = "io.connectgateway.testplugins.faulty.Faults.exhaustHeap";
    assert_failed_with(port, "hog", Some(0), oom, frame, &log);
    assert_still_flowing(port, &out, 2, &log);

    // Again and again: each time only the hog fails, and the JVM still starts new work.
    // HotSpot fills in the stack of only its first few OutOfMemoryErrors (it preallocates a
    // handful with room for a backtrace; later ones are a shared instance without frames),
    // so from here on the trace is the exception line alone, as a Kafka worker would show it.
    for _ in 0..3 {
        assert_eq!(send(port, "POST", "/connectors/hog/tasks/0/restart"), 204);
        let trace = wait_state(port, "hog", Some(0), "FAILED", &log);
        assert!(trace.starts_with(oom), "{trace}");
    }
    put_config(
        port,
        "after-oom",
        json!({"connector.class": FAULTY_SOURCE, "topic": topic}),
    );
    wait_until(
        "records of a connector created after the OOM",
        Duration::from_secs(30),
        &log,
        || {
            std::fs::read_to_string(&out)
                .ok()?
                .contains("after-oom-0 ")
                .then_some(())
        },
    );
    assert_still_flowing(port, &out, 2, &log);
    worker.stop();
}
