//! A standalone worker in-process on the embedded log: real connectors, real files, real
//! HTTP. Each test gets its own temp dir and port.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed setup should panic
#![recursion_limit = "256"]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use connect_api::config::props;
use connect_api::{
    ConfigDef, ConnectError, ConnectResult, Connector, ConnectorContext, ConnectorType, PluginDesc,
    PluginFactory, PluginType, Props, SourceRecord, SourceTask, SourceTaskContext,
};
use gateway::app::StandaloneApp;
use gateway::herder::{Herder, HerderError, State, TargetState};
use gateway::logging::LoggerControl;
use gateway::worker_config::WorkerConfig;
use serde_json::{json, Value};

fn worker_config(dir: &Path) -> WorkerConfig {
    WorkerConfig::from_props(&props([
        ("listeners", "http://127.0.0.1:0".to_string()),
        // Off: parallel tests (and whatever else runs here) must not fight over 8082.
        ("rocketmq.rest.listeners", String::new()),
        (
            "offset.storage.file.filename",
            dir.join("connect.offsets").display().to_string(),
        ),
        ("offset.flush.interval.ms", "200".to_string()),
        (
            "key.converter",
            "org.apache.kafka.connect.storage.StringConverter".to_string(),
        ),
        (
            "value.converter",
            "org.apache.kafka.connect.storage.StringConverter".to_string(),
        ),
    ]))
    .unwrap()
}

async fn start(dir: &Path) -> StandaloneApp {
    StandaloneApp::start_with_plugins(
        worker_config(dir),
        LoggerControl::detached(),
        test_plugins(),
    )
    .await
    .unwrap()
}

async fn wait_for<F: FnMut() -> bool>(what: &str, timeout: Duration, mut f: F) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_state(herder: &dyn Herder, name: &str, want: State, task: Option<u32>) -> Value {
    let start = Instant::now();
    loop {
        if let Ok(s) = herder.connector_status(name).await {
            let state = match task {
                None => Some(s.connector.state),
                Some(t) => s.tasks.iter().find(|x| x.id == t).map(|x| x.state),
            };
            if state == Some(want) {
                return serde_json::to_value(&s).unwrap();
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{name} never reached {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn file_source(file: &Path, topic: &str) -> Props {
    props([
        ("connector.class", "FileStreamSource".to_string()),
        ("file", file.display().to_string()),
        ("topic", topic.to_string()),
    ])
}

fn file_sink(file: &Path, topic: &str) -> Props {
    props([
        (
            "connector.class",
            "org.apache.kafka.connect.file.FileStreamSinkConnector".to_string(),
        ),
        ("file", file.display().to_string()),
        ("topics", topic.to_string()),
    ])
}

fn sample_lines(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| {
            format!(
                "line {i} — ünïcödé, tabs\tand \"quotes\" {}\n",
                "x".repeat(i % 17)
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_pipeline_output_equals_input_and_resumes_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    std::fs::write(&input, sample_lines(0, 2000)).unwrap();

    let app = start(dir.path()).await;
    let h = app.herder.clone();
    let created = h
        .put_connector_config("src", file_source(&input, "lines"), false, None)
        .await
        .unwrap();
    assert!(created.created);
    assert_eq!(created.value.tasks.len(), 1);
    h.put_connector_config("sink", file_sink(&output, "lines"), false, None)
        .await
        .unwrap();
    let expected = std::fs::read(&input).unwrap();
    wait_for("sink output", Duration::from_secs(30), || {
        std::fs::read(&output)
            .map(|o| o == expected)
            .unwrap_or(false)
    })
    .await;

    // Source offsets are Kafka's shape, and reach the end of the file once flushed.
    let len = expected.len() as u64;
    let began = Instant::now();
    loop {
        let offsets = serde_json::to_value(h.connector_offsets("src").await.unwrap()).unwrap();
        if offsets
            == json!({"offsets":[{"partition":{"filename": input.display().to_string()},"offset":{"position": len}}]})
        {
            break;
        }
        assert!(
            began.elapsed() < Duration::from_secs(10),
            "offsets never reached {len}: {offsets}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(h.active_topics("src").await.unwrap(), vec!["lines"]);
    app.shutdown().await;

    // More input while stopped; the restarted worker restores both connectors from its
    // config file and resumes from the stored offsets: no line twice, none missing.
    let mut more = expected.clone();
    more.extend_from_slice(sample_lines(2000, 500).as_bytes());
    std::fs::write(&input, &more).unwrap();
    let app = start(dir.path()).await;
    let mut names = app.herder.connectors().await;
    names.sort();
    assert_eq!(names, vec!["sink", "src"]);
    wait_for("resumed output", Duration::from_secs(30), || {
        std::fs::read(&output).map(|o| o == more).unwrap_or(false)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        std::fs::read(&output).unwrap(),
        more,
        "no duplicates after settling"
    );
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_pause_resume_stop_offsets_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, sample_lines(0, 10)).unwrap();
    let app = start(dir.path()).await;
    let h: Arc<dyn Herder> = app.herder.clone();
    h.put_connector_config("src", file_source(&input, "t"), false, None)
        .await
        .unwrap();
    wait_state(&*h, "src", State::Running, Some(0)).await;

    h.pause_connector("src").await.unwrap();
    wait_state(&*h, "src", State::Paused, Some(0)).await;
    assert_eq!(
        h.connector_status("src").await.unwrap().connector.state,
        State::Paused
    );
    h.resume_connector("src").await.unwrap();
    wait_state(&*h, "src", State::Running, Some(0)).await;

    // Offsets can't change unless STOPPED.
    let body: gateway::herder::ConnectorOffsets = serde_json::from_value(json!({
        "offsets":[{"partition":{"filename": input.display().to_string()},"offset":{"position": 3}}]
    }))
    .unwrap();
    let err = h
        .alter_connector_offsets("src", body.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, HerderError::BadRequest(ref m) if m.contains("STOPPED")),
        "{err:?}"
    );

    h.stop_connector("src").await.unwrap();
    let s = h.connector_status("src").await.unwrap();
    assert_eq!(s.connector.state, State::Stopped);
    assert!(s.tasks.is_empty());
    assert!(h.task_configs("src").await.unwrap().is_empty());
    let msg = h.alter_connector_offsets("src", body).await.unwrap();
    assert_eq!(
        msg,
        "The offsets for this connector have been altered successfully"
    );
    let got = serde_json::to_value(h.connector_offsets("src").await.unwrap()).unwrap();
    assert_eq!(got["offsets"][0]["offset"], json!({"position": 3}));
    let msg = h.reset_connector_offsets("src").await.unwrap();
    assert!(msg.contains("reset successfully"), "{msg}");
    assert_eq!(
        serde_json::to_value(h.connector_offsets("src").await.unwrap()).unwrap(),
        json!({"offsets": []})
    );

    h.resume_connector("src").await.unwrap();
    wait_state(&*h, "src", State::Running, Some(0)).await;
    let snap = h
        .restart_connector("src", true, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snap.connector.state, State::Restarting);
    assert_eq!(snap.tasks[0].state, State::Restarting);
    wait_state(&*h, "src", State::Running, Some(0)).await;
    assert!(h
        .restart_connector("src", false, false)
        .await
        .unwrap()
        .is_none());

    // Created STOPPED: no tasks until resumed.
    h.put_connector_config(
        "later",
        file_source(&input, "t2"),
        false,
        Some(TargetState::Stopped),
    )
    .await
    .unwrap();
    assert_eq!(
        h.connector_status("later").await.unwrap().connector.state,
        State::Stopped
    );
    assert!(h.task_configs("later").await.unwrap().is_empty());

    h.delete_connector("src").await.unwrap();
    assert!(matches!(
        h.connector_info("src").await,
        Err(HerderError::NotFound(_))
    ));
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configs_are_400_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let h = app.herder.clone();
    let input = dir.path().join("in.txt");
    let mut c = file_source(&input, "t");
    c.insert("tasks.max".into(), "0".into());
    let e = h
        .put_connector_config("x", c.clone(), false, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, HerderError::BadRequest(m) if m.contains("Invalid value 0 for configuration tasks.max: Value must be at least 1")),
        "{e:?}"
    );
    c.insert("tasks.max".into(), "many".into());
    let e = h
        .put_connector_config("x", c, false, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, HerderError::BadRequest(m) if m.contains("Not a number of type INT")),
        "{e:?}"
    );
    let mut c = file_source(&input, "t");
    c.insert("connector.class".into(), "FileStreamSorce".into());
    let e = h
        .put_connector_config("x", c, false, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, HerderError::BadRequest(m) if m.contains("Did you mean org.apache.kafka.connect.file.FileStreamSourceConnector")),
        "{e:?}"
    );
    let e = h
        .put_connector_config("x", props([("topic", "t")]), false, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, HerderError::BadRequest(m) if m.contains("contains no connector type")),
        "{e:?}"
    );
    h.put_connector_config("x", file_source(&input, "t"), false, None)
        .await
        .unwrap();
    let e = h
        .put_connector_config("x", file_source(&input, "t"), false, None)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        HerderError::AlreadyExists("Connector x already exists".into())
    );
    assert!(h.connectors().await == vec!["x"]);
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_connector_and_panicking_task_do_not_hurt_others() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    std::fs::write(&input, "a\nb\n").unwrap();
    let app = start(dir.path()).await;
    let h = app.herder.clone();
    h.put_connector_config("good-src", file_source(&input, "g"), false, None)
        .await
        .unwrap();
    h.put_connector_config("good-sink", file_sink(&output, "g"), false, None)
        .await
        .unwrap();

    let failing = props([
        ("connector.class", "test.FailingStartConnector"),
        ("topic", "x"),
    ]);
    let info = h
        .put_connector_config("bad", failing, false, None)
        .await
        .unwrap();
    assert!(info.created);
    let s = wait_state(&*h, "bad", State::Failed, None).await;
    assert!(
        s["connector"]["trace"]
            .as_str()
            .unwrap()
            .contains("refusing to start"),
        "{s}"
    );

    let panicking = props([
        ("connector.class", "test.PanickingTaskConnector"),
        ("topic", "x"),
    ]);
    h.put_connector_config("panics", panicking, false, None)
        .await
        .unwrap();
    let s = wait_state(&*h, "panics", State::Failed, Some(0)).await;
    assert!(
        s["tasks"][0]["trace"]
            .as_str()
            .unwrap()
            .contains("poll exploded"),
        "{s}"
    );
    assert_eq!(s["connector"]["state"], "RUNNING");

    // The worker and the other pipeline are unaffected.
    wait_for("good pipeline", Duration::from_secs(20), || {
        std::fs::read_to_string(&output)
            .map(|o| o == "a\nb\n")
            .unwrap_or(false)
    })
    .await;
    assert_eq!(
        h.connector_status("good-src")
            .await
            .unwrap()
            .connector
            .state,
        State::Running
    );
    let url = format!("http://{}/connectors/bad/status", app.rest_addr);
    let body: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(body["connector"]["state"], "FAILED");

    // A restart of only failed instances brings a fresh task (which panics again).
    let snap = h
        .restart_connector("panics", true, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snap.connector.state, State::Running);
    assert_eq!(snap.tasks[0].state, State::Restarting);
    app.shutdown().await;
}

// ---- test plugins ----

/// A source connector whose `start` fails (`fail_start`) or whose task panics in `poll`.
struct TestConnector {
    fail_start: bool,
}
struct PanickingTask;

#[async_trait]
impl Connector for TestConnector {
    fn connector_type(&self) -> ConnectorType {
        ConnectorType::Source
    }
    fn version(&self) -> String {
        "1.0".into()
    }
    fn config_def(&self) -> ConfigDef {
        ConfigDef::new()
    }
    async fn start(&mut self, _: Arc<dyn ConnectorContext>, _: Props) -> ConnectResult<()> {
        if self.fail_start {
            return Err(ConnectError::connect("refusing to start"));
        }
        Ok(())
    }
    fn task_class(&self) -> &'static str {
        "test.PanickingTask"
    }
    async fn task_configs(&mut self, _: usize) -> ConnectResult<Vec<Props>> {
        Ok(vec![Props::new()])
    }
    async fn stop(&mut self) -> ConnectResult<()> {
        Ok(())
    }
}

#[async_trait]
impl SourceTask for PanickingTask {
    fn version(&self) -> String {
        "1.0".into()
    }
    async fn start(&mut self, _: Arc<dyn SourceTaskContext>, _: Props) -> ConnectResult<()> {
        Ok(())
    }
    async fn poll(&mut self) -> ConnectResult<Option<Vec<SourceRecord>>> {
        panic!("poll exploded");
    }
    async fn stop(&mut self) -> ConnectResult<()> {
        Ok(())
    }
}

fn test_plugins() -> Vec<PluginDesc> {
    vec![
        PluginDesc {
            class: "test.FailingStartConnector",
            plugin_type: Some(PluginType::Source),
            version: "1.0",
            factory: PluginFactory::Connector(|| Box::new(TestConnector { fail_start: true })),
        },
        PluginDesc {
            class: "test.PanickingTaskConnector",
            plugin_type: Some(PluginType::Source),
            version: "1.0",
            factory: PluginFactory::Connector(|| Box::new(TestConnector { fail_start: false })),
        },
        PluginDesc {
            class: "test.PanickingTask",
            plugin_type: None,
            version: "1.0",
            factory: PluginFactory::SourceTask(|| Box::new(PanickingTask)),
        },
    ]
}

/// The REST router over the real herder, through a socket, as a curl user sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_over_the_real_herder() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "x\n").unwrap();
    let app = start(dir.path()).await;
    let base = format!("http://{}", app.rest_addr);
    let http = reqwest::Client::new();
    let body = json!({"name": "fs", "config": {"connector.class": "FileStreamSource", "file": input.display().to_string(), "topic": "t"}});

    let r = http
        .post(format!("{base}/connectors"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    // Kafka answers an absolute URL built from the request.
    assert_eq!(
        r.headers()["location"],
        format!("{base}/connectors/fs").as_str()
    );
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["type"], "source");
    assert_eq!(info["tasks"], json!([{"connector": "fs", "task": 0}]));

    let r = http
        .post(format!("{base}/connectors"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error_code": 409, "message": "Connector fs already exists"})
    );

    let r = http
        .get(format!("{base}/connectors/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error_code": 404, "message": "Connector nope not found"})
    );

    let mut bad = body.clone();
    bad["name"] = json!("bad");
    bad["config"]["tasks.max"] = json!("0");
    let r = http
        .post(format!("{base}/connectors"))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let msg = r.json::<Value>().await.unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.starts_with(
            "Connector configuration is invalid and contains the following 1 error(s):"
        ),
        "{msg}"
    );

    let tasks: Value = http
        .get(format!("{base}/connectors/fs/tasks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        tasks[0]["config"]["task.class"],
        "org.apache.kafka.connect.file.FileStreamSourceTask"
    );

    let r = http
        .put(format!("{base}/connectors/fs/stop"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = http
        .delete(format!("{base}/connectors/fs/offsets"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = http
        .get(format!("{base}/connectors?expand=status&expand=info"))
        .send()
        .await
        .unwrap();
    let all: Value = r.json().await.unwrap();
    assert_eq!(all["fs"]["status"]["connector"]["state"], "STOPPED");
    assert_eq!(all["fs"]["info"]["tasks"], json!([]));
    let r = http
        .delete(format!("{base}/connectors/fs"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        http.get(format!("{base}/connectors"))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap(),
        json!([])
    );
    app.shutdown().await;
}

/// The RocketMQ Connect REST API on its own listener, over the same real herder: a
/// FileStreamSource created with RocketMQ Connect's GET `?config=` and key spellings is read
/// back through the Kafka API with Kafka's keys, and RocketMQ Connect's `stop` deletes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rocketmq_rest_over_the_real_herder() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "x\n").unwrap();
    let mut config = worker_config(dir.path());
    // Port 0, not RocketMQ Connect's 8082: parallel tests must not fight over one port.
    config.rocketmq_rest_listeners =
        vec![gateway::worker_config::Listener::parse("http://127.0.0.1:0").unwrap()];
    let app = StandaloneApp::start_with_plugins(config, LoggerControl::detached(), test_plugins())
        .await
        .unwrap();
    assert_eq!(app.rocketmq_rest_addrs.len(), 1);
    let rmq = format!("http://{}", app.rocketmq_rest_addrs[0]);
    let kafka = format!("http://{}", app.rest_addr);
    let http = reqwest::Client::new();

    let submitted = json!({
        "connector.class": "FileStreamSource",
        "file": input.display().to_string(),
        "connect.topicname": "fileTopic",
        "max.tasks": "1",
    });
    let r = http
        .get(format!("{rmq}/connectors/fs"))
        .query(&[("config", submitted.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"status": 200, "body": submitted})
    );

    let r = http
        .get(format!("{kafka}/connectors/fs/config"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"connector.class": "FileStreamSource", "file": input.display().to_string(),
               "topic": "fileTopic", "tasks.max": "1", "name": "fs"})
    );
    wait_state(app.herder.as_ref(), "fs", State::Running, Some(0)).await;

    let r = http
        .get(format!("{rmq}/connectors/fs/status"))
        .send()
        .await
        .unwrap();
    let status: Value = r.json().await.unwrap();
    assert_eq!(status["status"], 200);
    assert_eq!(status["body"]["tasks"][0]["state"], "RUNNING");
    assert!(status["body"]["tasks"][0]["workerId"].is_string());

    let r = http
        .get(format!("{rmq}/connectors/fs/stop"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"status": 200, "body": "Connector fs deleted"})
    );
    let r = http
        .get(format!("{kafka}/connectors/fs"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    app.shutdown().await;
}

/// A taken RocketMQ Connect port fails startup with an error that names the key to change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rocketmq_rest_port_taken_fails_startup_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut config = worker_config(dir.path());
    config.rocketmq_rest_listeners =
        vec![gateway::worker_config::Listener::parse(&format!("http://127.0.0.1:{port}")).unwrap()];
    let Err(e) =
        StandaloneApp::start_with_plugins(config, LoggerControl::detached(), test_plugins()).await
    else {
        panic!("started on a taken port");
    };
    assert!(
        e.starts_with(&format!(
            "Cannot listen on 127.0.0.1:{port} (rocketmq.rest.listeners"
        )),
        "{e}"
    );
    assert!(e.contains("empty to turn it off"), "{e}");
    drop(taken);
}
