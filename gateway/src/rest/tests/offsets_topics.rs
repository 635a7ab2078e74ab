//! Offsets (KIP-875) and active topics (KIP-558).

use axum::http::StatusCode;
use serde_json::json;

use super::Harness;
use crate::herder::TargetState;

const BODY: &str = r#"{"offsets":[
    {"partition":{"kafka_topic":"orders","kafka_partition":2},"offset":{"kafka_offset":1500}},
    {"partition":{"filename":"/data/in.txt"},"offset":null}]}"#;

#[tokio::test]
async fn offsets_round_trip_when_stopped() {
    let h = Harness::new();
    h.herder.add("a", "FileStreamSource", TargetState::Stopped);
    h.call("GET", "/connectors/a/offsets", None)
        .await
        .assert_json(StatusCode::OK, json!({"offsets":[]}));
    h.call("PATCH", "/connectors/a/offsets?forward=true", Some(BODY))
        .await
        .assert_json(
            StatusCode::OK,
            json!({"message":"The offsets for this connector have been altered successfully"}),
        );
    h.call("GET", "/connectors/a/offsets", None)
        .await
        .assert_json(
            StatusCode::OK,
            json!({"offsets":[
                {"partition":{"kafka_topic":"orders","kafka_partition":2},"offset":{"kafka_offset":1500}},
                {"partition":{"filename":"/data/in.txt"},"offset":null}]}),
        );
    h.call("DELETE", "/connectors/a/offsets", None)
        .await
        .assert_json(
            StatusCode::OK,
            json!({"message":"The offsets for this connector have been reset successfully"}),
        );
    assert_eq!(h.herder.offsets("a"), Some(vec![]));
}

#[tokio::test]
async fn empty_or_missing_offsets_are_400() {
    let h = Harness::new();
    h.herder.add("a", "FileStreamSource", TargetState::Stopped);
    for body in [
        Some(r#"{"offsets":[]}"#),
        Some("{}"),
        Some(r#"{"offsets":null}"#),
        None,
    ] {
        h.call("PATCH", "/connectors/a/offsets", body)
            .await
            .assert_error(
                StatusCode::BAD_REQUEST,
                "Partitions / offsets need to be provided for an alter offsets request",
            );
    }
    assert!(h.herder.calls().is_empty());
}

#[tokio::test]
async fn offsets_with_bad_shape_are_400() {
    let h = Harness::new();
    h.herder.add("a", "FileStreamSource", TargetState::Stopped);
    let resp = h
        .call(
            "PATCH",
            "/connectors/a/offsets",
            Some(r#"{"offsets":[{"offset":{"a":1}}]}"#),
        )
        .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert!(
        resp.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("missing field `partition`")),
        "{:?}",
        resp.json()
    );
}

#[tokio::test]
async fn offsets_errors_from_herder() {
    let h = Harness::new();
    h.herder
        .add("run", "FileStreamSource", TargetState::Started);
    let msg = "Connectors must be in the STOPPED state before their offsets can be modified. \
               This can be done for the specified connector by issuing a 'PUT' request to the \
               '/connectors/run/stop' endpoint";
    h.call("PATCH", "/connectors/run/offsets", Some(BODY))
        .await
        .assert_error(StatusCode::BAD_REQUEST, msg);
    h.call("DELETE", "/connectors/run/offsets", None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, msg);
    h.call("GET", "/connectors/zz/offsets", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Connector zz not found");
    h.call("DELETE", "/connectors/zz/offsets", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Connector zz not found");
}

#[tokio::test]
async fn active_topics_and_reset() {
    let h = Harness::new();
    h.herder.add("a", "FileStreamSource", TargetState::Started);
    h.call("GET", "/connectors/a/topics", None)
        .await
        .assert_json(
            StatusCode::OK,
            json!({"a":{"topics":["orders","payments"]}}),
        );
    h.call("PUT", "/connectors/a/topics/reset", None)
        .await
        .assert_empty(StatusCode::ACCEPTED);
    h.call("GET", "/connectors/a/topics", None)
        .await
        .assert_json(StatusCode::OK, json!({"a":{"topics":[]}}));
    // Unknown connector: not a 404 in Kafka.
    h.call("GET", "/connectors/zz/topics", None)
        .await
        .assert_json(StatusCode::OK, json!({"zz":{"topics":[]}}));
}

#[tokio::test]
async fn topic_tracking_disabled_is_403() {
    let h = Harness::with(|s| s.topic_tracking_enable = false);
    h.call("GET", "/connectors/a/topics", None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "Topic tracking is disabled.");
    h.call("PUT", "/connectors/a/topics/reset", None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "Topic tracking is disabled.");
}

#[tokio::test]
async fn topic_tracking_reset_disabled_is_403() {
    let h = Harness::with(|s| s.topic_tracking_allow_reset = false);
    h.herder.add("a", "FileStreamSource", TargetState::Started);
    assert_eq!(
        h.call("GET", "/connectors/a/topics", None).await.status,
        StatusCode::OK
    );
    h.call("PUT", "/connectors/a/topics/reset", None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "Topic tracking reset is disabled.");
    assert!(h.herder.calls().is_empty());
}
