//! `/connector-plugins`.

use axum::http::StatusCode;
use serde_json::json;

use super::Harness;

#[tokio::test]
async fn plugin_list_defaults_to_connectors_only() {
    let h = Harness::new();
    let connectors = json!([
        {"class":"org.apache.kafka.connect.file.FileStreamSinkConnector","type":"sink","version":"4.4.0"},
        {"class":"org.example.NoVersionSourceConnector","type":"source"}]);
    h.call("GET", "/connector-plugins", None)
        .await
        .assert_json(StatusCode::OK, connectors.clone());
    h.call("GET", "/connector-plugins/?connectorsOnly=true", None)
        .await
        .assert_json(StatusCode::OK, connectors);
    let resp = h
        .call("GET", "/connector-plugins?connectorsOnly=false", None)
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.json().as_array().map(Vec::len), Some(3));
    assert_eq!(resp.json()[2]["type"], "converter");
}

#[tokio::test]
async fn plugin_config_definition() {
    let h = Harness::new();
    h.call("GET", "/connector-plugins/FileStreamSink/config", None)
        .await
        .assert_json(
            StatusCode::OK,
            json!([{"name":"file","type":"STRING","required":false,"default_value":null,
                    "importance":"HIGH","documentation":"Destination filename.","group":null,
                    "order_in_group":-1,"width":"NONE","display_name":"file","dependents":[]}]),
        );
    h.call("GET", "/connector-plugins/Nope/config", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "Unknown plugin Nope.");
    h.call("GET", "/connector-plugins/FileConfigProvider/config", None)
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            "Invalid plugin class FileConfigProvider. Valid types are sink, source, converter, \
             header_converter, transformation, predicate.",
        );
}

#[tokio::test]
async fn validate_returns_config_infos() {
    let h = Harness::new();
    let body = r#"{"connector.class":"org.apache.kafka.connect.file.FileStreamSinkConnector","topics":null,"tasks.max":1}"#;
    h.call(
        "PUT",
        "/connector-plugins/FileStreamSinkConnector/config/validate",
        Some(body),
    )
    .await
    .assert_json(
        StatusCode::OK,
        json!({"name":"org.apache.kafka.connect.file.FileStreamSinkConnector","error_count":1,
               "groups":["Common"],
               "configs":[
                 {"definition":null,"value":{"name":"connector.class",
                   "value":"org.apache.kafka.connect.file.FileStreamSinkConnector",
                   "recommended_values":[],"errors":[],"visible":true}},
                 {"definition":null,"value":{"name":"tasks.max","value":"1",
                   "recommended_values":[],"errors":[],"visible":true}},
                 {"definition":null,"value":{"name":"topics","value":null,"recommended_values":[],
                   "errors":["Null value can not be supplied as the configuration value."],
                   "visible":true}}]}),
    );
}

#[tokio::test]
async fn validate_matches_path_and_body_class_loosely() {
    let h = Harness::new();
    for path in [
        "FileStreamSink",
        "FileStreamSinkConnector",
        "org.apache.kafka.connect.file.FileStreamSinkConnector",
    ] {
        let resp = h
            .call(
                "PUT",
                &format!("/connector-plugins/{path}/config/validate"),
                Some(r#"{"connector.class":"org.apache.kafka.connect.file.FileStreamSinkConnector"}"#),
            )
            .await;
        assert_eq!(resp.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn validate_class_mismatch_is_400() {
    let h = Harness::new();
    h.call(
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        Some(r#"{"connector.class":"org.apache.kafka.connect.file.FileStreamSinkConnector"}"#),
    )
    .await
    .assert_error(
        StatusCode::BAD_REQUEST,
        "Included connector type org.apache.kafka.connect.file.FileStreamSinkConnector does \
         not match request type FileStreamSource",
    );
}

/// Kafka answers 500 with the wrapped BadRequestException when it cannot validate at all.
#[tokio::test]
async fn validate_without_connector_class_is_kafkas_wrapped_500() {
    let h = Harness::new();
    h.call(
        "PUT",
        "/connector-plugins/FileStreamSink/config/validate",
        Some(r#"{"topics":"a"}"#),
    )
    .await
    .assert_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "org.apache.kafka.connect.runtime.rest.errors.BadRequestException: Connector config \
         contains no connector type",
    );
}
