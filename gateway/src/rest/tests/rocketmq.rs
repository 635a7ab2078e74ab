//! The RocketMQ Connect router: its envelope (`{"status":200,"body":...}` /
//! `{"errorCode":N,"message":...}`, HTTP 200 either way), GET mutations, `?config=` create,
//! stop-as-delete, the bulk endpoints and the key spellings, against the fake herder.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::fake::WORKER;
use super::{Harness, Resp};
use crate::herder::TargetState;

const SRC: &str = "org.apache.kafka.connect.file.FileStreamSourceConnector";

fn h_with(names: &[&str]) -> Harness {
    let h = Harness::rocketmq();
    for n in names {
        h.herder.add(n, SRC, TargetState::Started);
    }
    h
}

/// Percent-encodes a query parameter value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[track_caller]
fn assert_ok(resp: &Resp, body: Value) {
    resp.assert_json(StatusCode::OK, json!({"status": 200, "body": body}));
}

#[track_caller]
fn assert_err(resp: &Resp, code: u16, message: &str) {
    resp.assert_json(
        StatusCode::OK,
        json!({"errorCode": code, "message": message}),
    );
}

#[tokio::test]
async fn cluster_info_lists_this_worker() {
    let h = Harness::rocketmq();
    assert_ok(
        &h.call("GET", "/getClusterInfo", None).await,
        json!([WORKER]),
    );
}

#[tokio::test]
async fn get_with_config_query_creates_with_mapped_keys_and_echoes() {
    let h = Harness::rocketmq();
    let submitted = json!({
        "connector.class": SRC,
        "max.tasks": 2,
        "connect.topicname": "fileTopic",
        "transforms": "r",
        "transforms.r.class": "org.example.Route",
    });
    let uri = format!("/connectors/fs?config={}", enc(&submitted.to_string()));
    assert_ok(&h.call("GET", &uri, None).await, submitted);
    assert_eq!(h.herder.calls(), vec!["put fs replace=true None"]);
    let config = h.herder.config("fs").unwrap();
    assert_eq!(
        json!(config),
        json!({"connector.class": SRC, "name": "fs", "tasks.max": "2", "topic": "fileTopic",
               "transforms": "r", "transforms.r.type": "org.example.Route"})
    );
}

#[tokio::test]
async fn post_body_creates_replaces_and_refuses_the_same_config() {
    let h = Harness::rocketmq();
    let sink = json!({"connector.class": "org.example.FileSinkConnector",
                      "connect.topicnames": "a;b"});
    let body = sink.to_string();
    assert_ok(
        &h.call("POST", "/connectors/s", Some(&body)).await,
        sink.clone(),
    );
    assert_eq!(h.herder.config("s").unwrap()["topics"], "a,b");

    assert_err(
        &h.call("POST", "/connectors/s", Some(&body)).await,
        409,
        "Connector s already exists with this config",
    );
    let changed = json!({"connector.class": "org.example.FileSinkConnector",
                         "connect.topicnames": "c"});
    assert_ok(
        &h.call("POST", "/connectors/s", Some(&changed.to_string()))
            .await,
        changed,
    );
    assert_eq!(h.herder.config("s").unwrap()["topics"], "c");
    assert_eq!(
        h.herder.calls(),
        vec!["put s replace=true None", "put s replace=true None"]
    );
}

#[tokio::test]
async fn bad_create_requests_never_reach_the_herder() {
    let h = Harness::rocketmq();
    let missing = "The connector config is required: the 'config' query parameter (GET) or a \
                   JSON body (POST)";
    assert_err(&h.call("GET", "/connectors/x", None).await, 400, missing);
    assert_err(
        &h.call("GET", "/connectors/x?config=", None).await,
        400,
        missing,
    );
    let resp = h.call("GET", "/connectors/x?config=%7Bnope", None).await;
    assert_eq!(resp.json()["errorCode"], 400);
    assert!(resp.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("The connector config is not a JSON object"));
    assert_err(
        &h.call("POST", "/connectors/x", Some(r#"{"max.tasks":"1"}"#))
            .await,
        400,
        "'connector.class' is required",
    );
    assert_err(
        &h.call(
            "POST",
            "/connectors/x",
            Some(&json!({"connector.class": SRC, "task.group.id": "g"}).to_string()),
        )
        .await,
        400,
        "Config key 'task.group.id' is not supported: sink consumer groups are named \
         connect-<connector>; set consumer.override.group.id instead",
    );
    assert_err(
        &h.call(
            "POST",
            "/connectors/x",
            Some(&json!({"connector.class": SRC, "name": "y"}).to_string()),
        )
        .await,
        400,
        "Connector name in the config (y) doesn't match the name in the URL (x)",
    );
    assert!(h.herder.calls().is_empty());
}

#[tokio::test]
async fn queries_use_rocketmq_shapes() {
    let h = h_with(&["a"]);
    assert_ok(
        &h.call("GET", "/connectors/a/config", None).await,
        json!({"name": "a", "config": {"connector.class": SRC, "name": "a", "tasks.max": "2"},
               "tasks": [{"connector": "a", "task": 0}, {"connector": "a", "task": 1}],
               "type": "source"}),
    );
    let task = |id: u32| json!({"id": id, "state": "RUNNING", "trace": null, "workerId": WORKER});
    assert_ok(
        &h.call("GET", "/connectors/a/status", None).await,
        json!({"name": "a",
               "connector": {"state": "RUNNING", "trace": null, "workerId": WORKER},
               "tasks": [task(0), task(1)], "type": "source"}),
    );
    assert_ok(
        &h.call("GET", "/connectors/a/tasks", None).await,
        json!([{"id": {"connector": "a", "task": 0}, "config": {"task.class": "FakeTask"}},
               {"id": {"connector": "a", "task": 1}, "config": {"task.class": "FakeTask"}}]),
    );
    assert_ok(
        &h.call("GET", "/connectors/a/tasks/1/status", None).await,
        task(1),
    );
    assert_ok(
        &h.call("GET", "/connectors/list", None).await,
        json!({"a": {
            "status": {"name": "a",
                       "connector": {"state": "RUNNING", "trace": null, "workerId": WORKER},
                       "tasks": [task(0), task(1)], "type": "source"},
            "info": {"name": "a",
                     "config": {"connector.class": SRC, "name": "a", "tasks.max": "2"},
                     "tasks": [{"connector": "a", "task": 0}, {"connector": "a", "task": 1}],
                     "type": "source"}}}),
    );
}

#[tokio::test]
async fn unknown_connectors_and_tasks_answer_the_error_envelope() {
    let h = h_with(&["a"]);
    assert_err(
        &h.call("GET", "/connectors/nope/config", None).await,
        404,
        "Connector nope not found",
    );
    assert_err(
        &h.call("GET", "/connectors/nope/status", None).await,
        404,
        "No status found for connector nope",
    );
    assert_err(
        &h.call("GET", "/connectors/a/tasks/9/status", None).await,
        404,
        "No status found for task a-9",
    );
    assert_err(
        &h.call("GET", "/connectors/a/tasks/x/status", None).await,
        400,
        "Task id 'x' is not a number",
    );
    assert_err(
        &h.call("GET", "/connectors/nope/stop", None).await,
        404,
        "Connector nope not found",
    );
}

#[tokio::test]
async fn stop_deletes_the_connector() {
    let h = h_with(&["a", "b"]);
    assert_ok(
        &h.call("GET", "/connectors/a/stop", None).await,
        json!("Connector a deleted"),
    );
    assert_eq!(h.herder.calls(), vec!["delete a"]);
    assert!(h.herder.config("a").is_none());
    assert!(h.herder.config("b").is_some());
}

#[tokio::test]
async fn pause_resume_and_restarts() {
    let h = h_with(&["a"]);
    assert_ok(
        &h.call("GET", "/connectors/a/pause", None).await,
        json!("Connector a paused"),
    );
    assert_eq!(h.herder.target("a"), Some(TargetState::Paused));
    assert_ok(
        &h.call("GET", "/connectors/a/resume", None).await,
        json!("Connector a resumed"),
    );
    assert_ok(
        &h.call("GET", "/connectors/a/restart", None).await,
        json!("Connector a restarted"),
    );
    assert_ok(
        &h.call("GET", "/connectors/a/tasks/1/restart", None).await,
        json!("Task a-1 restarted"),
    );
    assert_eq!(
        h.herder.calls(),
        vec![
            "target a Paused",
            "target a Started",
            "restart a false false",
            "restart-task a-1"
        ]
    );
}

#[tokio::test]
async fn bulk_endpoints_act_on_every_connector() {
    let h = h_with(&["b", "a"]);
    assert_ok(
        &h.call("GET", "/connectors/pause/all", None).await,
        json!("Paused 2 connectors"),
    );
    assert_ok(
        &h.call("GET", "/connectors/resume/all", None).await,
        json!("Resumed 2 connectors"),
    );
    assert_ok(
        &h.call("GET", "/connectors/stop/all", None).await,
        json!("Deleted connectors: a, b"),
    );
    assert_eq!(
        h.herder.calls(),
        vec![
            "target a Paused",
            "target b Paused",
            "target a Started",
            "target b Started",
            "delete a",
            "delete b"
        ]
    );
    assert_ok(
        &h.call("GET", "/connectors/stop/all", None).await,
        json!("There are no connectors to delete"),
    );
    assert_ok(
        &h.call("GET", "/connectors/pause/all", None).await,
        json!("There are no connectors to pause"),
    );
    assert_ok(
        &h.call("GET", "/connectors/resume/all", None).await,
        json!("There are no connectors to resume"),
    );
    assert_eq!(h.herder.calls().len(), 6);
}

#[tokio::test]
async fn allocated_connectors_and_tasks() {
    let h = h_with(&["a"]);
    h.herder.add("p", SRC, TargetState::Paused);
    h.herder.add("s", SRC, TargetState::Stopped);
    assert_ok(
        &h.call("GET", "/allocated/connectors", None).await,
        json!({"a": {"connector.class": SRC, "name": "a", "tasks.max": "2"},
               "p": {"connector.class": SRC, "name": "p", "tasks.max": "2"},
               "s": {"connector.class": SRC, "name": "s", "tasks.max": "2"}}),
    );
    let task = |c: &str, id: u32, state: &str| json!({"connector": c, "id": id, "state": state, "trace": null, "workerId": WORKER});
    assert_ok(
        &h.call("GET", "/allocated/tasks", None).await,
        json!({"pendingTasks": [],
               "runningTasks": [task("a", 0, "RUNNING"), task("a", 1, "RUNNING"),
                                task("p", 0, "PAUSED"), task("p", 1, "PAUSED")],
               "stoppingTasks": [], "stoppedTasks": [], "errorTasks": []}),
    );
}

#[tokio::test]
async fn plugin_endpoints() {
    let h = Harness::rocketmq();
    let sink = json!({"className": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                      "type": "SINK", "version": "4.4.0"});
    let source = json!({"className": "org.example.NoVersionSourceConnector",
                        "type": "SOURCE", "version": null});
    assert_ok(
        &h.call("GET", "/plugin/list/connectors", None).await,
        json!([sink, source]),
    );
    let all = h.call("GET", "/plugin/list", None).await;
    assert_eq!(all.json()["body"].as_array().unwrap().len(), 3);
    assert_eq!(all.json()["body"][2]["type"], "CONVERTER");
    assert_err(
        &h.call("GET", "/plugin/reload", None).await,
        501,
        "Plugin reload is not supported: plugins are discovered when the worker starts; \
         restart it to pick up new plugins",
    );
    let def = h
        .call("GET", "/plugin/config?plugin=FileStreamSink", None)
        .await;
    assert_eq!(def.json()["status"], 200);
    assert_eq!(def.json()["body"][0]["name"], "file");
    assert_err(
        &h.call("GET", "/plugin/config", None).await,
        400,
        "The 'plugin' query parameter is required",
    );
    assert_err(
        &h.call("GET", "/plugin/config?plugin=Nope", None).await,
        404,
        "Unknown plugin Nope.",
    );
    let config = json!({"connector.class": "FileStreamSink", "max.tasks": "1"});
    let uri = format!(
        "/plugin/config/validate?config={}",
        enc(&config.to_string())
    );
    let v = h.call("GET", &uri, None).await;
    assert_eq!(v.json()["body"]["name"], "FileStreamSink");
    let body = v.json();
    let names: Vec<&str> = body["body"]["configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["connector.class", "tasks.max"]);
    assert_err(
        &h.call("GET", "/plugin/config/validate", None).await,
        400,
        "The 'config' query parameter is required",
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_keep_their_http_status() {
    let h = h_with(&["a"]);
    h.call("GET", "/nope", None).await.assert_json(
        StatusCode::NOT_FOUND,
        json!({"errorCode": 404, "message": "Not found"}),
    );
    h.call("DELETE", "/connectors/a", None).await.assert_json(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({"errorCode": 405, "message": "Method not allowed"}),
    );
    // The Kafka API's paths are not served here.
    h.call("GET", "/connectors", None).await.assert_json(
        StatusCode::NOT_FOUND,
        json!({"errorCode": 404, "message": "Not found"}),
    );
    assert!(h.herder.calls().is_empty());
}
