//! `/admin/loggers`.

use axum::http::StatusCode;
use serde_json::json;

use super::Harness;

#[tokio::test]
async fn list_has_root_and_explicit_loggers() {
    let h = Harness::new();
    h.call("GET", "/admin/loggers", None).await.assert_json(
        StatusCode::OK,
        json!({"root":{"level":"INFO","last_modified":null}}),
    );
    let resp = h
        .call(
            "PUT",
            "/admin/loggers/org.apache.kafka.connect",
            Some(r#"{"level":"debug"}"#),
        )
        .await;
    resp.assert_json(StatusCode::OK, json!(["org.apache.kafka.connect"]));
    let resp = h.call("GET", "/admin/loggers/", None).await;
    assert_eq!(resp.status, StatusCode::OK);
    let all = resp.json();
    assert_eq!(
        all.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec![
            "org.apache.kafka.connect".to_string(),
            "root".to_string()
        ])
    );
    assert_eq!(all["org.apache.kafka.connect"]["level"], "DEBUG");
    assert!(all["org.apache.kafka.connect"]["last_modified"].is_i64());
    // The change reached the filter, in both the Rust and the Java spelling.
    assert_eq!(
        h.loggers.directives(),
        "info,org::apache::kafka::connect=debug,org.apache.kafka.connect=debug"
    );
}

#[tokio::test]
async fn get_one_logger() {
    let h = Harness::new();
    h.call("GET", "/admin/loggers/ROOT", None)
        .await
        .assert_json(StatusCode::OK, json!({"level":"INFO","last_modified":null}));
    h.call("GET", "/admin/loggers/gateway.nothing", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Logger gateway.nothing not found.");
    // A Rust target the subscriber has seen: its effective (inherited) level.
    h.loggers.register_logger("gateway::worker::source");
    h.call("GET", "/admin/loggers/gateway.worker.source", None)
        .await
        .assert_json(StatusCode::OK, json!({"level":"INFO","last_modified":null}));
    h.call("PUT", "/admin/loggers/gateway", Some(r#"{"level":"WARN"}"#))
        .await
        .assert_json(StatusCode::OK, json!(["gateway"]));
    let resp = h
        .call("GET", "/admin/loggers/gateway::worker::source", None)
        .await;
    resp.assert_json(StatusCode::OK, json!({"level":"WARN","last_modified":null}));
}

#[tokio::test]
async fn put_sets_descendants_and_reports_only_changes() {
    let h = Harness::new();
    h.call("PUT", "/admin/loggers/a.b", Some(r#"{"level":"ERROR"}"#))
        .await
        .assert_json(StatusCode::OK, json!(["a.b"]));
    h.call("PUT", "/admin/loggers/a", Some(r#"{"level":"TRACE"}"#))
        .await
        .assert_json(StatusCode::OK, json!(["a", "a.b"]));
    h.call("PUT", "/admin/loggers/a", Some(r#"{"level":"trace"}"#))
        .await
        .assert_json(StatusCode::OK, json!([]));
    h.call("PUT", "/admin/loggers/root", Some(r#"{"level":"fatal"}"#))
        .await
        .assert_json(StatusCode::OK, json!(["a", "a.b", "root"]));
    assert_eq!(h.loggers.directives(), "error,a=error,a::b=error,a.b=error");
    let resp = h.call("GET", "/admin/loggers/root", None).await;
    assert_eq!(resp.json()["level"], "FATAL");
}

#[tokio::test]
async fn cluster_scope_is_204_and_applied_locally() {
    let h = Harness::new();
    h.call(
        "PUT",
        "/admin/loggers/x.y?scope=Cluster",
        Some(r#"{"level":"DEBUG"}"#),
    )
    .await
    .assert_empty(StatusCode::NO_CONTENT);
    assert_eq!(
        h.loggers.level("x.y").map(|l| l.level),
        Some("DEBUG".into())
    );
    // Unknown scopes fall back to worker.
    h.call(
        "PUT",
        "/admin/loggers/x.y?scope=galaxy",
        Some(r#"{"level":"INFO"}"#),
    )
    .await
    .assert_json(StatusCode::OK, json!(["x.y"]));
}

#[tokio::test]
async fn invalid_level_is_404() {
    let h = Harness::new();
    h.call("PUT", "/admin/loggers/root", Some(r#"{"level":"LOUD"}"#))
        .await
        .assert_error(StatusCode::NOT_FOUND, "invalid log level 'LOUD'.");
    assert_eq!(h.loggers.all_levels()["root"].level, "INFO");
}

#[tokio::test]
async fn missing_level_is_400() {
    let h = Harness::new();
    for body in [
        Some("{}"),
        Some(r#"{"level":null}"#),
        Some(r#"{"lvl":"DEBUG"}"#),
        None,
    ] {
        h.call("PUT", "/admin/loggers/root", body)
            .await
            .assert_error(
                StatusCode::BAD_REQUEST,
                "Desired 'level' parameter was not specified in request.",
            );
    }
}
