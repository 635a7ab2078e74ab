//! Root, health, routing errors, content negotiation and the internal endpoints.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use super::Harness;
use crate::herder::{TargetState, WorkerStatus};

#[tokio::test]
async fn root_returns_server_info() {
    let h = Harness::new();
    h.call("GET", "/", None).await.assert_json(
        StatusCode::OK,
        json!({"version":"4.4.0","commit":"cafebabe","kafka_cluster_id":"fake-cluster"}),
    );
}

#[tokio::test]
async fn health_is_200_when_healthy() {
    let h = Harness::new();
    h.call("GET", "/health", None).await.assert_json(
        StatusCode::OK,
        json!({"status":"healthy",
               "message":"Worker has completed startup and is ready to handle requests."}),
    );
}

#[tokio::test]
async fn health_is_503_with_worker_status_while_starting() {
    let h = Harness::new();
    *h.herder.health.lock().expect("lock") = WorkerStatus::starting("Reading the config log.");
    h.call("GET", "/health", None).await.assert_json(
        StatusCode::SERVICE_UNAVAILABLE,
        json!({"status":"starting","message":"Worker is still starting up. Reading the config log."}),
    );
}

#[tokio::test]
async fn health_is_500_when_unhealthy() {
    let h = Harness::new();
    let unhealthy = WorkerStatus {
        status: "unhealthy".into(),
        message: "stuck".into(),
    };
    *h.herder.health.lock().expect("lock") = unhealthy;
    h.call("GET", "/health", None).await.assert_json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"status":"unhealthy","message":"stuck"}),
    );
}

#[tokio::test]
async fn unknown_paths_are_404_in_error_shape() {
    let h = Harness::new();
    for path in [
        "/nope",
        "/connectors/a/b/c",
        "/connector-plugins/x",
        "/admin",
    ] {
        h.call("GET", path, None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "HTTP 404 Not Found");
    }
}

#[tokio::test]
async fn tasks_config_was_removed_in_kafka_4() {
    let h = Harness::new();
    h.herder.add("c", "FileStreamSource", TargetState::Started);
    h.call("GET", "/connectors/c/tasks-config", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "HTTP 404 Not Found");
}

#[tokio::test]
async fn wrong_method_is_405_in_error_shape() {
    let h = Harness::new();
    h.herder.add("c", "FileStreamSource", TargetState::Started);
    for (method, path) in [
        ("DELETE", "/connectors"),
        ("POST", "/connectors/c"),
        ("POST", "/connectors/c/config"),
        ("GET", "/connectors/c/pause"),
        ("GET", "/connectors/c/restart"),
        ("PUT", "/connectors/c/tasks"),
        ("POST", "/connectors/c/offsets"),
        ("POST", "/connector-plugins"),
        ("GET", "/connector-plugins/x/config/validate"),
        ("POST", "/admin/loggers/root"),
        ("PUT", "/"),
    ] {
        let resp = h.call(method, path, None).await;
        assert_eq!(
            resp.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        resp.assert_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "HTTP 405 Method Not Allowed",
        );
    }
    // The herder was never reached.
    assert!(h.herder.calls().is_empty());
}

#[tokio::test]
async fn non_json_content_type_is_415() {
    let h = Harness::new();
    for (method, path) in [
        ("POST", "/connectors"),
        ("PUT", "/connectors/c/config"),
        ("PATCH", "/connectors/c/config"),
        ("PATCH", "/connectors/c/offsets"),
        ("PUT", "/connector-plugins/FileStreamSink/config/validate"),
        ("PUT", "/admin/loggers/root"),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("{}"))
            .expect("request");
        h.send(request).await.assert_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "HTTP 415 Unsupported Media Type",
        );
    }
    assert!(h.herder.calls().is_empty());
}

#[tokio::test]
async fn json_with_charset_is_accepted() {
    let h = Harness::new();
    let request = Request::builder()
        .method("PUT")
        .uri("/connectors/a/config")
        .header("content-type", "application/json; charset=UTF-8")
        .body(Body::from(r#"{"connector.class":"FileStreamSource"}"#))
        .expect("request");
    assert_eq!(h.send(request).await.status, StatusCode::CREATED);
}

/// Kafka (Jersey) refuses a body that comes without any Content-Type.
#[tokio::test]
async fn body_without_content_type_is_415() {
    let h = Harness::new();
    for (method, path) in [
        ("POST", "/connectors"),
        ("PUT", "/connectors/b/config"),
        ("PATCH", "/connectors/b/config"),
        ("PUT", "/connector-plugins/FileStreamSink/config/validate"),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::from(
                r#"{"name":"b","config":{"connector.class":"FileStreamSource"}}"#,
            ))
            .expect("request");
        h.send(request).await.assert_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "HTTP 415 Unsupported Media Type",
        );
    }
    assert!(h.herder.calls().is_empty());
}

/// Kafka's resources consume JSON as a whole: another declared Content-Type is a 415 even
/// on requests without a body, but not on the root resource, and not before 404/405.
#[tokio::test]
async fn declared_non_json_content_type_is_415_on_every_resource_but_root() {
    let h = Harness::new();
    h.herder.add(
        "c",
        "org.apache.kafka.connect.file.FileStreamSourceConnector",
        TargetState::Started,
    );
    let send = |method: &str, path: &str| {
        Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "text/plain")
            .body(Body::empty())
            .expect("request")
    };
    for (method, path) in [
        ("GET", "/connectors"),
        ("GET", "/connectors/c/status"),
        ("PUT", "/connectors/c/pause"),
        ("GET", "/connector-plugins"),
        ("GET", "/admin/loggers"),
    ] {
        h.send(send(method, path)).await.assert_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "HTTP 415 Unsupported Media Type",
        );
    }
    assert!(h.herder.calls().is_empty());
    assert_eq!(h.send(send("GET", "/")).await.status, StatusCode::OK);
    assert_eq!(
        h.send(send("GET", "/nope")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.send(send("DELETE", "/connector-plugins")).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    // No Content-Type and no body: fine.
    let request = Request::builder()
        .method("PUT")
        .uri("/connectors/c/pause")
        .body(Body::empty())
        .expect("request");
    assert_eq!(h.send(request).await.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn malformed_json_is_400_with_parser_message() {
    let h = Harness::new();
    let resp = h
        .call("POST", "/connectors", Some(r#"{"name": "x", "config": {"#))
        .await;
    resp.assert_error(
        StatusCode::BAD_REQUEST,
        "EOF while parsing an object at line 1 column 25",
    );
    let resp = h
        .call("PUT", "/connectors/x/config", Some(r#"["not","a","map"]"#))
        .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert_eq!(resp.json()["error_code"], 400);
    assert!(h.herder.calls().is_empty());
}

#[tokio::test]
async fn missing_body_is_400() {
    let h = Harness::new();
    h.call("PUT", "/connectors/x/config", None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "Request body is missing");
    h.call("POST", "/connectors", None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "Request body is missing");
}

#[tokio::test]
async fn hidden_forward_param_is_ignored() {
    let h = Harness::new();
    h.herder.add("c", "FileStreamSource", TargetState::Started);
    h.call("PUT", "/connectors/c/stop?forward=true", None)
        .await
        .assert_empty(StatusCode::NO_CONTENT);
    h.call("DELETE", "/connectors/c?forward=false", None)
        .await
        .assert_empty(StatusCode::NO_CONTENT);
    let body = r#"{"name":"d","config":{"connector.class":"FileStreamSource"}}"#;
    assert_eq!(
        h.call("POST", "/connectors?forward=false", Some(body))
            .await
            .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn url_encoded_connector_names_are_decoded() {
    let h = Harness::new();
    h.herder
        .add("my conn", "FileStreamSource", TargetState::Started);
    h.herder.add("a/b", "FileStreamSink", TargetState::Started);
    let resp = h.call("GET", "/connectors/my%20conn/config", None).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.json()["name"], "my conn");
    let resp = h.call("GET", "/connectors/a%2Fb", None).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.json()["name"], "a/b");
    assert_eq!(resp.json()["type"], "sink");
    h.call("PUT", "/connectors/a%2Fb/pause", None)
        .await
        .assert_empty(StatusCode::ACCEPTED);
    assert_eq!(h.herder.target("a/b"), Some(TargetState::Paused));
}

#[tokio::test]
async fn admin_endpoints_are_404_when_disabled() {
    let h = Harness::with(|s| s.admin_enabled = false);
    h.call("GET", "/admin/loggers", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "HTTP 404 Not Found");
    h.call("PUT", "/admin/loggers/root", Some(r#"{"level":"DEBUG"}"#))
        .await
        .assert_error(StatusCode::NOT_FOUND, "HTTP 404 Not Found");
    assert_eq!(h.loggers.all_levels()["root"].level, "INFO");
}

#[tokio::test]
async fn internal_task_configs_endpoint_answers_like_standalone_kafka() {
    let h = Harness::new();
    h.herder.add("c", "FileStreamSource", TargetState::Started);
    h.call(
        "POST",
        "/connectors/c/tasks?forward=true",
        Some(r#"[{"k":"v"}]"#),
    )
    .await
    .assert_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Kafka Connect in standalone mode does not support externally setting task configurations.",
    );
    h.call("POST", "/connectors/c/tasks", Some(r#"{"k":"v"}"#))
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            "invalid type: map, expected a sequence at line 1 column 0",
        );
}

#[tokio::test]
async fn internal_fence_endpoint_answers_like_standalone_kafka() {
    let h = Harness::new();
    h.call("PUT", "/connectors/c/fence", None)
        .await
        .assert_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Kafka Connect in standalone mode does not support exactly-once source connectors.",
        );
    h.call("GET", "/connectors/c/fence", None)
        .await
        .assert_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "HTTP 405 Method Not Allowed",
        );
}
