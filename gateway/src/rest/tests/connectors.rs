//! `/connectors` CRUD, config, status, restart, pause/resume/stop.

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::{Request, StatusCode};
use serde_json::json;

use super::Harness;
use crate::herder::TargetState;

const SRC: &str = "org.apache.kafka.connect.file.FileStreamSourceConnector";

fn h_with(names: &[&str]) -> Harness {
    let h = Harness::new();
    for n in names {
        h.herder.add(n, SRC, TargetState::Started);
    }
    h
}

#[tokio::test]
async fn list_without_expand_is_a_sorted_array() {
    let h = h_with(&["b", "a"]);
    h.call("GET", "/connectors", None)
        .await
        .assert_json(StatusCode::OK, json!(["a", "b"]));
    h.call("GET", "/connectors/", None)
        .await
        .assert_json(StatusCode::OK, json!(["a", "b"]));
}

#[tokio::test]
async fn list_with_repeated_expand_has_status_and_info() {
    let h = h_with(&["a"]);
    let resp = h
        .call("GET", "/connectors?expand=status&expand=info", None)
        .await;
    resp.assert_json(
        StatusCode::OK,
        json!({"a": {
            "status": {"name":"a","connector":{"state":"RUNNING","worker_id":"fake:8083"},
                       "tasks":[{"id":0,"state":"RUNNING","worker_id":"fake:8083"},
                                {"id":1,"state":"RUNNING","worker_id":"fake:8083"}],
                       "type":"source"},
            "info": {"name":"a","config":{"connector.class":SRC,"name":"a","tasks.max":"2"},
                     "tasks":[{"connector":"a","task":0},{"connector":"a","task":1}],
                     "type":"source"}}}),
    );
}

#[tokio::test]
async fn unknown_expand_still_switches_to_object_form() {
    let h = h_with(&["a", "b"]);
    h.call("GET", "/connectors?expand=bogus", None)
        .await
        .assert_json(StatusCode::OK, json!({"a": {}, "b": {}}));
    let resp = h.call("GET", "/connectors?expand=info", None).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.json()["b"]["info"]["name"], "b");
    assert!(resp.json()["b"].get("status").is_none());
}

#[tokio::test]
async fn create_returns_201_with_location_and_info() {
    let h = Harness::new();
    let body =
        json!({"name":"  my conn  ","config":{"connector.class":SRC,"tasks.max":1,"batch":true}});
    let resp = h.call("POST", "/connectors", Some(&body.to_string())).await;
    resp.assert_json(
        StatusCode::CREATED,
        json!({"name":"my conn",
               "config":{"batch":"true","connector.class":SRC,"name":"my conn","tasks.max":"1"},
               "tasks":[{"connector":"my conn","task":0}],
               "type":"source"}),
    );
    assert_eq!(resp.header("location"), Some("/connectors/my%20conn"));
    assert_eq!(h.herder.calls(), ["put my conn replace=false None"]);
}

/// Kafka's Location is absolute, from the request's Host (the tests above send none).
#[tokio::test]
async fn create_location_is_absolute_from_the_host_header() {
    let h = Harness::new();
    let body = json!({"name":"a b","config":{"connector.class":SRC}}).to_string();
    let request = Request::builder()
        .method("POST")
        .uri("/connectors")
        .header(CONTENT_TYPE, "application/json")
        .header(HOST, "connect.example:8083")
        .body(Body::from(body))
        .unwrap();
    let resp = h.send(request).await;
    assert_eq!(resp.status, StatusCode::CREATED);
    assert_eq!(
        resp.header("location"),
        Some("http://connect.example:8083/connectors/a%20b")
    );
    let request = Request::builder()
        .method("PUT")
        .uri("/connectors/fresh/config")
        .header(CONTENT_TYPE, "application/json")
        .header(HOST, "localhost")
        .body(Body::from(json!({"connector.class":SRC}).to_string()))
        .unwrap();
    let resp = h.send(request).await;
    assert_eq!(resp.status, StatusCode::CREATED);
    assert_eq!(
        resp.header("location"),
        Some("http://localhost/connectors/fresh")
    );
}

#[tokio::test]
async fn create_location_encodes_slashes() {
    let h = Harness::new();
    let body = json!({"name":"a/b","config":{"connector.class":SRC}});
    let resp = h.call("POST", "/connectors", Some(&body.to_string())).await;
    assert_eq!(resp.status, StatusCode::CREATED);
    assert_eq!(resp.header("location"), Some("/connectors/a%2Fb"));
}

#[tokio::test]
async fn create_initial_state_is_case_insensitive() {
    let h = Harness::new();
    for (name, state, expected) in [
        ("s", "stopped", TargetState::Stopped),
        ("p", "Paused", TargetState::Paused),
        ("r", "RUNNING", TargetState::Started),
    ] {
        let body = json!({"name":name,"config":{"connector.class":SRC},"initial_state":state});
        let resp = h.call("POST", "/connectors", Some(&body.to_string())).await;
        assert_eq!(resp.status, StatusCode::CREATED);
        assert_eq!(h.herder.target(name), Some(expected));
    }
    // Created STOPPED → zero tasks.
    let resp = h.call("GET", "/connectors/s", None).await;
    assert_eq!(resp.json()["tasks"], json!([]));
}

#[tokio::test]
async fn create_rejects_unknown_initial_state() {
    let h = Harness::new();
    let body = json!({"name":"x","config":{"connector.class":SRC},"initial_state":"STARTED"});
    h.call("POST", "/connectors", Some(&body.to_string()))
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            "Invalid initial_state 'STARTED'; valid values are RUNNING, PAUSED and STOPPED",
        );
    assert!(h.herder.calls().is_empty());
}

#[tokio::test]
async fn create_name_mismatch_is_400() {
    let h = Harness::new();
    let body = json!({"name":"x","config":{"connector.class":SRC,"name":"y"}});
    h.call("POST", "/connectors", Some(&body.to_string()))
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            "Connector name configuration (y) doesn't match connector name in the URL (x)",
        );
}

#[tokio::test]
async fn create_without_config_is_400() {
    let h = Harness::new();
    h.call("POST", "/connectors", Some(r#"{"name":"x"}"#))
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            "Connector create request must contain a 'config' object",
        );
}

#[tokio::test]
async fn create_with_null_config_value_is_400() {
    let h = Harness::new();
    let body = json!({"name":"x","config":{"connector.class":SRC,"topic":null}});
    h.call("POST", "/connectors", Some(&body.to_string()))
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            "Connector configuration is invalid and contains the following 1 error(s):\n\
             Null value can not be supplied as the configuration value.\n\
             You can also find the above list of errors at the endpoint \
             `/connector-plugins/{connectorType}/config/validate`",
        );
}

#[tokio::test]
async fn create_with_object_config_value_is_400() {
    let h = Harness::new();
    let body = json!({"name":"x","config":{"connector.class":SRC,"nested":{"a":1}}});
    h.call("POST", "/connectors", Some(&body.to_string()))
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            "Cannot deserialize value of type `java.lang.String` from Object value \
             (config key 'nested') at line 1 column 116",
        );
}

#[tokio::test]
async fn create_existing_is_409_and_herder_errors_pass_through() {
    let h = h_with(&["x"]);
    let body = json!({"name":"x","config":{"connector.class":SRC}});
    h.call("POST", "/connectors", Some(&body.to_string()))
        .await
        .assert_error(StatusCode::CONFLICT, "Connector x already exists");
    let body = json!({"name":"y","config":{}});
    h.call("POST", "/connectors", Some(&body.to_string()))
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            r#"Connector config {"name": "y"} contains no connector type"#,
        );
}

#[tokio::test]
async fn get_connector_and_config() {
    let h = h_with(&["a"]);
    h.call("GET", "/connectors/a", None).await.assert_json(
        StatusCode::OK,
        json!({"name":"a","config":{"connector.class":SRC,"name":"a","tasks.max":"2"},
               "tasks":[{"connector":"a","task":0},{"connector":"a","task":1}],"type":"source"}),
    );
    h.call("GET", "/connectors/a/config", None)
        .await
        .assert_json(
            StatusCode::OK,
            json!({"connector.class":SRC,"name":"a","tasks.max":"2"}),
        );
    h.call("GET", "/connectors/zz", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Connector zz not found");
    h.call("GET", "/connectors/zz/config", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Connector zz not found");
}

#[tokio::test]
async fn put_config_creates_with_201_then_updates_with_200() {
    let h = Harness::new();
    let resp = h
        .call(
            "PUT",
            "/connectors/n/config",
            Some(&json!({"connector.class":SRC,"tasks.max":3}).to_string()),
        )
        .await;
    resp.assert_json(
        StatusCode::CREATED,
        json!({"name":"n","config":{"connector.class":SRC,"name":"n","tasks.max":"3"},
               "tasks":[{"connector":"n","task":0},{"connector":"n","task":1},{"connector":"n","task":2}],
               "type":"source"}),
    );
    assert_eq!(resp.header("location"), Some("/connectors/n"));

    let resp = h
        .call(
            "PUT",
            "/connectors/n/config",
            Some(&json!({"connector.class":SRC,"name":"n","tasks.max":"1"}).to_string()),
        )
        .await;
    resp.assert_json(
        StatusCode::OK,
        json!({"name":"n","config":{"connector.class":SRC,"name":"n","tasks.max":"1"},
               "tasks":[{"connector":"n","task":0}],"type":"source"}),
    );
    assert_eq!(resp.header("location"), None);
    assert_eq!(
        h.herder.calls(),
        ["put n replace=true None", "put n replace=true None"]
    );
}

#[tokio::test]
async fn put_config_name_mismatch_is_400() {
    let h = Harness::new();
    h.call(
        "PUT",
        "/connectors/n/config",
        Some(&json!({"connector.class":SRC,"name":"other"}).to_string()),
    )
    .await
    .assert_error(
        StatusCode::BAD_REQUEST,
        "Connector name configuration (other) doesn't match connector name in the URL (n)",
    );
    assert!(h.herder.calls().is_empty());
}

#[tokio::test]
async fn patch_config_merges_and_null_deletes() {
    let h = h_with(&["a"]);
    let resp = h
        .call(
            "PATCH",
            "/connectors/a/config",
            Some(r#"{"tasks.max":null,"file":"/tmp/x","batch.size":10}"#),
        )
        .await;
    resp.assert_json(
        StatusCode::OK,
        json!({"name":"a","config":{"batch.size":"10","connector.class":SRC,"file":"/tmp/x","name":"a"},
               "tasks":[{"connector":"a","task":0}],"type":"source"}),
    );
    h.call("PATCH", "/connectors/zz/config", Some("{}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "Connector zz not found");
}

#[tokio::test]
async fn status_endpoint() {
    let h = h_with(&["a"]);
    h.call("GET", "/connectors/a/status", None)
        .await
        .assert_json(
            StatusCode::OK,
            json!({"name":"a","connector":{"state":"RUNNING","worker_id":"fake:8083"},
               "tasks":[{"id":0,"state":"RUNNING","worker_id":"fake:8083"},
                        {"id":1,"state":"RUNNING","worker_id":"fake:8083"}],
               "type":"source"}),
        );
    h.call("GET", "/connectors/zz/status", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "No status found for connector zz");
}

#[tokio::test]
async fn legacy_restart_is_204() {
    let h = h_with(&["a"]);
    h.call("POST", "/connectors/a/restart", None)
        .await
        .assert_empty(StatusCode::NO_CONTENT);
    h.call(
        "POST",
        "/connectors/a/restart?includeTasks=false&onlyFailed=false",
        None,
    )
    .await
    .assert_empty(StatusCode::NO_CONTENT);
    assert_eq!(
        h.herder.calls(),
        ["restart a false false", "restart a false false"]
    );
}

#[tokio::test]
async fn restart_with_tasks_is_202_with_snapshot() {
    let h = h_with(&["a"]);
    h.call("POST", "/connectors/a/restart?includeTasks=TRUE", None)
        .await
        .assert_json(
            StatusCode::ACCEPTED,
            json!({"name":"a","connector":{"state":"RESTARTING","worker_id":"fake:8083"},
                   "tasks":[{"id":0,"state":"RESTARTING","worker_id":"fake:8083"},
                            {"id":1,"state":"RESTARTING","worker_id":"fake:8083"}],
                   "type":"source"}),
        );
    let resp = h
        .call(
            "POST",
            "/connectors/a/restart?onlyFailed=true&includeTasks=true",
            None,
        )
        .await;
    assert_eq!(resp.status, StatusCode::ACCEPTED);
    assert_eq!(resp.json()["connector"]["state"], "RUNNING");
    assert_eq!(
        h.herder.calls(),
        ["restart a true false", "restart a true true"]
    );
}

#[tokio::test]
async fn restart_unknown_connector_is_404() {
    let h = Harness::new();
    h.call("POST", "/connectors/zz/restart", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Unknown connector: zz");
}

#[tokio::test]
async fn pause_resume_are_202_and_stop_is_204() {
    let h = h_with(&["a"]);
    h.call("PUT", "/connectors/a/pause", None)
        .await
        .assert_empty(StatusCode::ACCEPTED);
    assert_eq!(h.herder.target("a"), Some(TargetState::Paused));
    h.call("PUT", "/connectors/a/resume", None)
        .await
        .assert_empty(StatusCode::ACCEPTED);
    assert_eq!(h.herder.target("a"), Some(TargetState::Started));
    h.call("PUT", "/connectors/a/stop", None)
        .await
        .assert_empty(StatusCode::NO_CONTENT);
    assert_eq!(h.herder.target("a"), Some(TargetState::Stopped));
    for action in ["pause", "resume", "stop"] {
        h.call("PUT", &format!("/connectors/zz/{action}"), None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "Unknown connector zz");
    }
}

#[tokio::test]
async fn delete_is_204_then_404() {
    let h = h_with(&["a"]);
    h.call("DELETE", "/connectors/a", None)
        .await
        .assert_empty(StatusCode::NO_CONTENT);
    assert_eq!(h.herder.config("a"), None);
    h.call("DELETE", "/connectors/a", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Connector a not found");
}
