use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connect_api::config::props;
use connect_api::data::SchemaBuilder;
use connect_api::{
    ConnectError, ConnectRecord, Connector, ConnectorContext, ErrantRecordReporter, ErrorKind,
    OffsetStorageReader, OffsetsToAlter, PluginFactory, PluginType, Props, SinkRecord, SinkTask,
    SinkTaskContext, SourceMap, SourceRecord, SourceTask, SourceTaskContext, Struct,
    TopicPartition, Value,
};
use serde_json::json;

use super::*;

struct NoopConnectorContext;

impl ConnectorContext for NoopConnectorContext {
    fn request_task_reconfiguration(&self) {}
    fn raise_error(&self, _error: ConnectError) {}
    fn offset_storage_reader(&self) -> Option<Arc<dyn OffsetStorageReader>> {
        None
    }
}

#[derive(Default)]
struct FakeOffsets(Mutex<Vec<(SourceMap, SourceMap)>>);

impl FakeOffsets {
    fn with(partition: serde_json::Value, offset: serde_json::Value) -> Arc<Self> {
        let me = FakeOffsets::default();
        me.0.lock()
            .unwrap()
            .push((as_map(partition), as_map(offset)));
        Arc::new(me)
    }
}

impl OffsetStorageReader for FakeOffsets {
    fn offset(&self, partition: &SourceMap) -> Option<SourceMap> {
        let stored = self.0.lock().unwrap();
        stored
            .iter()
            .find(|(p, _)| p == partition)
            .map(|(_, o)| o.clone())
    }
}

struct FakeSourceContext(Arc<FakeOffsets>);

impl SourceTaskContext for FakeSourceContext {
    fn configs(&self) -> Props {
        Props::new()
    }
    fn offset_storage_reader(&self) -> Arc<dyn OffsetStorageReader> {
        self.0.clone()
    }
}

struct FakeSinkContext;

impl SinkTaskContext for FakeSinkContext {
    fn configs(&self) -> Props {
        Props::new()
    }
    fn offset(&self, _partition: TopicPartition, _offset: i64) {}
    fn timeout(&self, _timeout_ms: u64) {}
    fn assignment(&self) -> Vec<TopicPartition> {
        Vec::new()
    }
    fn pause(&self, _partitions: &[TopicPartition]) -> connect_api::ConnectResult<()> {
        Ok(())
    }
    fn resume(&self, _partitions: &[TopicPartition]) -> connect_api::ConnectResult<()> {
        Ok(())
    }
    fn request_commit(&self) {}
    fn errant_record_reporter(&self) -> Option<Arc<dyn ErrantRecordReporter>> {
        None
    }
}

fn as_map(v: serde_json::Value) -> SourceMap {
    match v {
        serde_json::Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn append(path: &std::path::Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

async fn started_source(
    path: &std::path::Path,
    extra: &[(&str, &str)],
    offsets: Arc<FakeOffsets>,
) -> FileStreamSourceTask {
    let mut p = props([
        ("file", path.to_str().unwrap()),
        ("topic", "lines"),
        ("connector.class", SOURCE_CONNECTOR_CLASS),
    ]);
    for (k, v) in extra {
        p.insert(k.to_string(), v.to_string());
    }
    let mut task = FileStreamSourceTask::default();
    task.start(Arc::new(FakeSourceContext(offsets)), p)
        .await
        .unwrap();
    task
}

fn lines(records: &[SourceRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| r.record.value.as_str().unwrap().to_string())
        .collect()
}

fn positions(records: &[SourceRecord]) -> Vec<i64> {
    records
        .iter()
        .map(|r| r.source_offset["position"].as_i64().unwrap())
        .collect()
}

async fn poll_some(task: &mut FileStreamSourceTask) -> Vec<SourceRecord> {
    task.poll().await.unwrap().expect("records expected")
}

#[test]
fn plugins_register_connectors_and_their_task_classes() {
    let plugins = plugins();
    let find = |c: &str| plugins.iter().find(|p| p.class == c).unwrap();
    assert_eq!(
        find(SOURCE_CONNECTOR_CLASS).plugin_type,
        Some(PluginType::Source)
    );
    assert_eq!(
        find(SINK_CONNECTOR_CLASS).plugin_type,
        Some(PluginType::Sink)
    );
    assert!(matches!(
        find(SOURCE_TASK_CLASS).factory,
        PluginFactory::SourceTask(_)
    ));
    assert!(matches!(
        find(SINK_TASK_CLASS).factory,
        PluginFactory::SinkTask(_)
    ));
    assert_eq!(find(SINK_TASK_CLASS).plugin_type, None);
    for p in &plugins {
        assert_eq!(p.version, connect_api::VERSION);
        if let PluginFactory::Connector(make) = p.factory {
            let task_class = make().task_class();
            assert!(plugins
                .iter()
                .any(|q| q.class == task_class && q.plugin_type.is_none()));
        }
    }
}

#[tokio::test]
async fn source_connector_makes_one_task_config_with_the_connector_props() {
    let p = props([("file", "/tmp/x"), ("topic", "t"), ("tasks.max", "4")]);
    let mut c = FileStreamSourceConnector::default();
    c.start(Arc::new(NoopConnectorContext), p.clone())
        .await
        .unwrap();
    assert_eq!(c.task_configs(4).await.unwrap(), vec![p]);
    assert_eq!(c.task_class(), SOURCE_TASK_CLASS);
}

#[tokio::test]
async fn sink_connector_makes_max_tasks_copies() {
    let p = props([("file", "/tmp/x"), ("topics", "t")]);
    let mut c = FileStreamSinkConnector::default();
    c.start(Arc::new(NoopConnectorContext), p.clone())
        .await
        .unwrap();
    assert_eq!(
        c.task_configs(3).await.unwrap(),
        vec![p.clone(), p.clone(), p]
    );
}

#[tokio::test]
async fn source_config_validation_matches_kafka_keys() {
    let c = FileStreamSourceConnector::default();
    let results = c.validate(&props([("batch.size", "many")]));
    let by_name = |n: &str| results.iter().find(|v| v.name == n).unwrap();
    assert!(by_name("file").errors.is_empty());
    assert_eq!(
        by_name("topic").errors,
        vec!["Missing required configuration \"topic\" which has no default value."]
    );
    assert_eq!(
        by_name("batch.size").errors,
        vec!["Invalid value many for configuration batch.size: Not a number of type INT"]
    );
    let results = c.validate(&props([("topic", "")]));
    assert_eq!(results[1].errors.len(), 1, "{results:?}");
    assert!(results[1].errors[0].contains("String must be non-empty"));

    let def = source_config_def();
    assert_eq!(
        def.key("batch.size").unwrap().default_rendered().as_deref(),
        Some("2000")
    );
    assert_eq!(def.key("file").unwrap().default_rendered(), None);

    let mut c = FileStreamSourceConnector::default();
    let err = c
        .start(Arc::new(NoopConnectorContext), props([("file", "f")]))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
}

#[test]
fn alter_offsets_checks_partition_and_position() {
    let c = FileStreamSourceConnector::default();
    let cfg = props([("file", "/tmp/in.txt"), ("topic", "t")]);
    let alter = |p: serde_json::Value, o: Option<serde_json::Value>| {
        c.alter_offsets(
            &cfg,
            &OffsetsToAlter::Source(vec![(as_map(p), o.map(as_map))]),
        )
    };
    assert_eq!(
        alter(
            json!({"filename": "/tmp/in.txt"}),
            Some(json!({"position": 10}))
        ),
        Ok(true)
    );
    // A reset is allowed even for a partition that isn't ours.
    assert_eq!(alter(json!({"junk": 1}), None), Ok(true));
    let msg = |r: connect_api::ConnectResult<bool>| r.unwrap_err().message;
    assert!(msg(alter(json!({"filename": "f"}), Some(json!({"pos": 1})))).contains("'position'"));
    assert!(msg(alter(
        json!({"filename": "f"}),
        Some(json!({"position": "7"}))
    ))
    .contains("integer"));
    assert!(msg(alter(
        json!({"filename": "f"}),
        Some(json!({"position": 1.5}))
    ))
    .contains("integer"));
    assert!(msg(alter(
        json!({"filename": "f"}),
        Some(json!({"position": -1}))
    ))
    .contains("negative"));
    assert!(msg(alter(json!({"file": "f"}), Some(json!({"position": 1})))).contains("'filename'"));
    // Stdin: offsets are not tracked, so altering them is refused.
    let stdin_cfg = props([("topic", "t")]);
    let err = c
        .alter_offsets(&stdin_cfg, &OffsetsToAlter::Source(vec![]))
        .unwrap_err();
    assert!(err.message.contains("'file'"));
    // The sink accepts any consumer offsets.
    let s = FileStreamSinkConnector::default();
    assert_eq!(
        s.alter_offsets(
            &cfg,
            &OffsetsToAlter::Sink(vec![(TopicPartition::new("t", 0), Some(5))])
        ),
        Ok(true)
    );
}

#[tokio::test]
async fn source_reads_lines_with_kafka_line_endings_and_byte_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.txt");
    append(&path, "a\nb\r\nc\rd");
    let mut task = started_source(&path, &[], Arc::default()).await;
    let recs = poll_some(&mut task).await;
    assert_eq!(lines(&recs), vec!["a", "b", "c"]);
    assert_eq!(positions(&recs), vec![2, 5, 7]);
    let r = &recs[0];
    assert_eq!(r.record.topic, "lines");
    assert_eq!(r.record.key, Value::Null);
    assert_eq!(r.record.key_schema, None);
    assert_eq!(
        r.record.value_schema.as_ref().unwrap().schema_type,
        connect_api::SchemaType::String
    );
    assert_eq!(
        r.source_partition,
        as_map(json!({"filename": path.to_str().unwrap()}))
    );
    assert!(r.record.timestamp.is_some());

    // "d" has no terminator yet: nothing until it arrives.
    assert_eq!(task.poll().await.unwrap(), None);
    // A trailing '\r' may still become "\r\n": wait for the next byte.
    append(&path, "\r");
    assert_eq!(task.poll().await.unwrap(), None);
    append(&path, "\nünï\n");
    let recs = poll_some(&mut task).await;
    assert_eq!(lines(&recs), vec!["d", "ünï"]);
    // Byte positions, not characters: "ünï" is 5 bytes.
    assert_eq!(positions(&recs), vec![10, 16]);
}

#[tokio::test]
async fn source_resumes_from_the_stored_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.txt");
    append(&path, "one\ntwo\nthree\n");
    let offsets = FakeOffsets::with(
        json!({"filename": path.to_str().unwrap()}),
        json!({"position": 4}),
    );
    let mut task = started_source(&path, &[], offsets).await;
    let recs = poll_some(&mut task).await;
    assert_eq!(lines(&recs), vec!["two", "three"]);
    assert_eq!(positions(&recs), vec![8, 14]);

    // An offset of the wrong type fails the task, as in Kafka.
    let bad = FakeOffsets::with(
        json!({"filename": path.to_str().unwrap()}),
        json!({"position": "4"}),
    );
    let mut task = FileStreamSourceTask::default();
    let err = task
        .start(
            Arc::new(FakeSourceContext(bad)),
            props([("file", path.to_str().unwrap()), ("topic", "t")]),
        )
        .await
        .unwrap_err();
    assert!(err.message.contains("position"), "{err:?}");
}

#[tokio::test]
async fn source_returns_at_most_batch_size_records_per_poll() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.txt");
    append(&path, "1\n2\n3\n4\n5\n");
    let mut task = started_source(&path, &[("batch.size", "2")], Arc::default()).await;
    assert_eq!(lines(&poll_some(&mut task).await), vec!["1", "2"]);
    assert_eq!(lines(&poll_some(&mut task).await), vec!["3", "4"]);
    let last = poll_some(&mut task).await;
    assert_eq!(lines(&last), vec!["5"]);
    assert_eq!(positions(&last), vec![10]);
}

#[tokio::test]
async fn idle_poll_waits_about_a_second_and_a_dropped_poll_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.txt");
    append(&path, "x\n");
    let mut task = started_source(&path, &[], Arc::default()).await;
    assert_eq!(lines(&poll_some(&mut task).await), vec!["x"]);

    let t0 = Instant::now();
    assert_eq!(task.poll().await.unwrap(), None);
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(3),
        "{waited:?}"
    );

    // The worker may drop a poll at any await point.
    append(&path, "par");
    let dropped = tokio::time::timeout(Duration::from_millis(150), task.poll()).await;
    assert!(dropped.is_err());
    append(&path, "tial\n");
    let recs = poll_some(&mut task).await;
    assert_eq!(lines(&recs), vec!["partial"]);
    assert_eq!(positions(&recs), vec![10]);
}

#[tokio::test]
async fn missing_or_deleted_file_is_retried_without_failing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("later.txt");
    let mut task = started_source(&path, &[], Arc::default()).await;
    // Not there yet: no records, no error.
    assert_eq!(task.poll().await.unwrap(), None);
    append(&path, "first\n");
    assert_eq!(lines(&poll_some(&mut task).await), vec!["first"]);

    std::fs::remove_file(&path).unwrap();
    assert_eq!(task.poll().await.unwrap(), None);
    assert_eq!(task.poll().await.unwrap(), None);

    // Re-created with the same beginning (e.g. restored): reading continues after "first".
    append(&path, "first\nsecond\n");
    let recs = poll_some(&mut task).await;
    assert_eq!(lines(&recs), vec!["second"]);
    assert_eq!(positions(&recs), vec![13]);
}

fn sink_record(value: Value, offset: i64) -> SinkRecord {
    SinkRecord::new(ConnectRecord::new("t", None, value), 0, offset)
}

#[tokio::test]
async fn sink_appends_value_text_per_record_and_flushes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.txt");
    append(&path, "existing\n");
    let mut task = FileStreamSinkTask::default();
    task.start(
        Arc::new(FakeSinkContext),
        props([("file", path.to_str().unwrap()), ("topics", "t")]),
    )
    .await
    .unwrap();

    let schema = SchemaBuilder::struct_()
        .field("id", SchemaBuilder::int32().build())
        .field("name", SchemaBuilder::string().optional().build())
        .field("ok", SchemaBuilder::boolean().build())
        .build();
    let st = Struct::new(schema)
        .put("id", 7)
        .unwrap()
        .put("ok", true)
        .unwrap();
    task.put(vec![
        sink_record(Value::String("hello".into()), 0),
        sink_record(Value::Int64(42), 1),
        sink_record(Value::Null, 2),
        sink_record(Value::Float64(1.0), 3),
        sink_record(Value::Struct(st), 4),
        sink_record(Value::Bytes(b"raw".to_vec()), 5),
        sink_record(
            Value::Map(vec![(
                Value::from("k"),
                Value::Array(vec![1.into(), 2.into()]),
            )]),
            6,
        ),
    ])
    .await
    .unwrap();
    task.put(Vec::new()).await.unwrap();
    task.flush(&BTreeMap::new()).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "existing\nhello\n42\nnull\n1.0\nStruct{id=7,ok=true}\nraw\n{k=[1, 2]}\n"
    );
    task.stop().await.unwrap();
    // After stop the task refuses to write instead of panicking.
    assert!(task.put(vec![sink_record("late".into(), 7)]).await.is_err());
}

#[tokio::test]
async fn sink_start_fails_cleanly_when_the_file_cannot_be_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/out.txt");
    let mut task = FileStreamSinkTask::default();
    let err = task
        .start(
            Arc::new(FakeSinkContext),
            props([("file", path.to_str().unwrap())]),
        )
        .await
        .unwrap_err();
    assert!(
        err.message.contains("Couldn't find or create file"),
        "{err:?}"
    );
}

#[test]
fn java_like_number_rendering() {
    let render = |v: Value| {
        let mut s = String::new();
        java_string(&v, &mut s);
        s
    };
    assert_eq!(render(Value::Float64(2.5)), "2.5");
    assert_eq!(render(Value::Float64(1e10)), "1.0E10");
    assert_eq!(render(Value::Float64(1.5e-5)), "1.5E-5");
    assert_eq!(render(Value::Float32(3.0)), "3.0");
    assert_eq!(render(Value::Float32(0.1)), "0.1");
    assert_eq!(render(Value::Float64(f64::NEG_INFINITY)), "-Infinity");
    assert_eq!(render(Value::Boolean(false)), "false");
}
