//! Task configs, task status and task restart.

use axum::http::StatusCode;
use serde_json::json;

use super::Harness;
use crate::herder::TargetState;

fn h() -> Harness {
    let h = Harness::new();
    h.herder.add("a", "FileStreamSource", TargetState::Started);
    h
}

#[tokio::test]
async fn task_configs() {
    let h = h();
    h.call("GET", "/connectors/a/tasks", None)
        .await
        .assert_json(
            StatusCode::OK,
            json!([{"id":{"connector":"a","task":0},"config":{"task.class":"FakeTask"}},
               {"id":{"connector":"a","task":1},"config":{"task.class":"FakeTask"}}]),
        );
    h.call("GET", "/connectors/zz/tasks", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Connector zz not found");
}

#[tokio::test]
async fn task_status() {
    let h = h();
    h.call("GET", "/connectors/a/tasks/1/status", None)
        .await
        .assert_json(
            StatusCode::OK,
            json!({"id":1,"state":"RUNNING","worker_id":"fake:8083"}),
        );
    h.call("GET", "/connectors/a/tasks/7/status", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "No status found for task a-7");
    h.call("GET", "/connectors/a/tasks/-1/status", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "No status found for task a--1");
}

#[tokio::test]
async fn non_integer_task_id_is_jersey_404() {
    let h = h();
    h.call("GET", "/connectors/a/tasks/one/status", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "HTTP 404 Not Found");
    h.call("POST", "/connectors/a/tasks/99999999999/restart", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "HTTP 404 Not Found");
    assert!(h.herder.calls().is_empty());
}

#[tokio::test]
async fn task_restart() {
    let h = h();
    h.call("POST", "/connectors/a/tasks/0/restart?forward=true", None)
        .await
        .assert_empty(StatusCode::NO_CONTENT);
    assert_eq!(h.herder.calls(), ["restart-task a-0"]);
    h.call("POST", "/connectors/a/tasks/5/restart", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Unknown task: a-5");
    h.call("POST", "/connectors/zz/tasks/0/restart", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Unknown connector: zz");
}
