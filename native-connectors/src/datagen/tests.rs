use std::sync::Arc;
use std::time::{Duration, Instant};

use connect_api::config::props;
use connect_api::{
    ConnectError, Connector, ConnectorContext, ErrorKind, OffsetStorageReader, PluginFactory,
    Props, SourceMap, SourceRecord, SourceTask, SourceTaskContext, Value,
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

/// Offset store with at most one stored (partition, offset) pair.
struct FakeOffsets(Option<(SourceMap, SourceMap)>);

impl OffsetStorageReader for FakeOffsets {
    fn offset(&self, partition: &SourceMap) -> Option<SourceMap> {
        self.0
            .as_ref()
            .filter(|(p, _)| p == partition)
            .map(|(_, o)| o.clone())
    }
}

struct FakeContext(Arc<FakeOffsets>);

impl SourceTaskContext for FakeContext {
    fn configs(&self) -> Props {
        Props::new()
    }
    fn offset_storage_reader(&self) -> Arc<dyn OffsetStorageReader> {
        self.0.clone()
    }
}

fn obj(v: serde_json::Value) -> SourceMap {
    v.as_object().cloned().unwrap()
}

async fn task_with(
    extra: &[(&str, &str)],
    stored: Option<(SourceMap, SourceMap)>,
) -> DatagenSourceTask {
    let mut p = props([("topic", "gen")]);
    for (k, v) in extra {
        p.insert(k.to_string(), v.to_string());
    }
    let mut t = DatagenSourceTask::default();
    t.start(Arc::new(FakeContext(Arc::new(FakeOffsets(stored)))), p)
        .await
        .unwrap();
    t
}

fn header(r: &SourceRecord, key: &str) -> Value {
    r.record.headers.last_with_name(key).unwrap().value.clone()
}

fn seqs(records: &[SourceRecord]) -> Vec<u64> {
    records
        .iter()
        .map(|r| header(r, SEQ_HEADER).as_str().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn plugins_register_connector_and_task() {
    let plugins = plugins();
    assert_eq!(plugins.len(), 2);
    let PluginFactory::Connector(make) = plugins[0].factory else {
        panic!("first entry is the connector")
    };
    assert_eq!(make().task_class(), TASK_CLASS);
    assert_eq!(plugins[1].class, TASK_CLASS);
    assert!(plugins[1].plugin_type.is_none());
}

#[tokio::test]
async fn task_configs_carry_a_task_id_each() {
    let mut c = DatagenSourceConnector::default();
    let p = props([("topic", "gen"), ("rate", "10")]);
    c.start(Arc::new(NoopConnectorContext), p).await.unwrap();
    let configs = c.task_configs(3).await.unwrap();
    assert_eq!(configs.len(), 3);
    for (i, cfg) in configs.iter().enumerate() {
        assert_eq!(cfg.get("task.id"), Some(&i.to_string()));
        assert_eq!(cfg.get("rate").map(String::as_str), Some("10"));
    }
}

#[tokio::test]
async fn config_validation_rejects_bad_values() {
    let c = DatagenSourceConnector::default();
    let results = c.validate(&props([
        ("rate", "-1"),
        ("key.cardinality", "0"),
        ("batch.size", "0"),
        ("binary.keys", "maybe"),
    ]));
    let errors = |n: &str| results.iter().find(|v| v.name == n).unwrap().errors.clone();
    assert_eq!(errors("topic").len(), 1);
    assert_eq!(errors("rate").len(), 1);
    assert_eq!(errors("key.cardinality").len(), 1);
    assert_eq!(errors("batch.size").len(), 1);
    assert_eq!(errors("binary.keys").len(), 1);
    assert!(errors("record.size").is_empty());

    let mut c = DatagenSourceConnector::default();
    let err = c
        .start(Arc::new(NoopConnectorContext), props([("rate", "1")]))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);

    let mut t = DatagenSourceTask::default();
    let err = t
        .start(
            Arc::new(FakeContext(Arc::new(FakeOffsets(None)))),
            props([("topic", "gen"), ("task.id", "x")]),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
}

#[tokio::test]
async fn numbered_records_in_batches_up_to_max_records() {
    let mut t = task_with(
        &[
            ("task.id", "2"),
            ("batch.size", "5"),
            ("max.records", "12"),
            ("record.size", "20"),
            ("key.cardinality", "4"),
        ],
        None,
    )
    .await;
    let a = t.poll().await.unwrap().unwrap();
    let b = t.poll().await.unwrap().unwrap();
    let c = t.poll().await.unwrap().unwrap();
    assert_eq!(seqs(&a), vec![0, 1, 2, 3, 4]);
    assert_eq!(seqs(&b), vec![5, 6, 7, 8, 9]);
    assert_eq!(seqs(&c), vec![10, 11]);
    let t0 = Instant::now();
    assert_eq!(t.poll().await.unwrap(), None);
    assert!(t0.elapsed() >= Duration::from_millis(900));

    let r = &b[2];
    assert_eq!(r.record.topic, "gen");
    assert_eq!(header(r, TASK_HEADER), Value::String("2".into()));
    assert_eq!(r.source_partition, obj(json!({"task": 2})));
    assert_eq!(r.source_offset, obj(json!({"seq": 7})));
    assert_eq!(r.record.key, Value::String("key-3".into()));
    let Value::Bytes(v) = &r.record.value else {
        panic!("bytes value expected")
    };
    assert_eq!(v.len(), 20);
    assert!(v.starts_with(b"7|"));
    assert!(r.record.headers.last_with_name(BINARY_HEADER).is_none());
}

#[tokio::test]
async fn resumes_after_the_stored_sequence_number() {
    let stored = (obj(json!({"task": 1})), obj(json!({"seq": 41})));
    let mut t = task_with(&[("task.id", "1"), ("batch.size", "3")], Some(stored)).await;
    assert_eq!(seqs(&t.poll().await.unwrap().unwrap()), vec![42, 43, 44]);

    // Another task's offset is not ours: task 0 starts from 0.
    let stored = (obj(json!({"task": 1})), obj(json!({"seq": 41})));
    let mut t = task_with(&[("task.id", "0"), ("batch.size", "2")], Some(stored)).await;
    assert_eq!(seqs(&t.poll().await.unwrap().unwrap()), vec![0, 1]);

    // max.records counts across restarts.
    let stored = (obj(json!({"task": 0})), obj(json!({"seq": 8})));
    let mut t = task_with(&[("max.records", "10")], Some(stored)).await;
    assert_eq!(seqs(&t.poll().await.unwrap().unwrap()), vec![9]);
}

#[tokio::test]
async fn tombstones_binary_keys_and_binary_headers() {
    let mut t = task_with(
        &[
            ("batch.size", "9"),
            ("tombstone.every", "3"),
            ("binary.keys", "true"),
            ("binary.headers", "true"),
            ("record.size", "1"),
        ],
        None,
    )
    .await;
    let recs = t.poll().await.unwrap().unwrap();
    let nulls: Vec<usize> = recs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.record.value.is_null())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(nulls, vec![2, 5, 8]);
    // record.size smaller than the prefix: the value is just the prefix.
    assert_eq!(recs[0].record.value, Value::Bytes(b"0|".to_vec()));
    assert!(recs[0].record.value_schema.as_ref().unwrap().optional);
    for r in &recs {
        let Value::Bytes(k) = &r.record.key else {
            panic!("binary key expected")
        };
        assert!(std::str::from_utf8(k).is_err());
        let Value::Bytes(h) = header(r, BINARY_HEADER) else {
            panic!("binary header expected")
        };
        assert!(std::str::from_utf8(&h).is_err());
        // The seq header stays a readable string.
        assert!(header(r, SEQ_HEADER).as_str().is_some());
    }
    assert_eq!(recs[3].record.key, Value::Bytes(binary_key(3)));
}

#[tokio::test]
async fn rate_limit_spreads_records_without_spinning() {
    let mut t = task_with(&[("rate", "40"), ("batch.size", "1000")], None).await;
    let start = Instant::now();
    let mut count = 0;
    let mut polls = 0;
    while start.elapsed() < Duration::from_millis(500) {
        if let Some(r) = t.poll().await.unwrap() {
            count += r.len();
        }
        polls += 1;
    }
    // ~20 records in 0.5 s at 40/s (plus the first one right away).
    assert!((12..=30).contains(&count), "{count} records");
    // Each poll waited for its record instead of returning empty in a tight loop.
    assert!(polls <= count + 2, "{polls} polls for {count} records");
    // Sequence stays contiguous.
    let next = t.poll().await.unwrap().unwrap();
    assert_eq!(seqs(&next)[0], count as u64);
}

#[tokio::test]
async fn a_tiny_rate_neither_panics_nor_spins() {
    let mut t = task_with(&[("rate", "0.000000001")], None).await;
    assert_eq!(seqs(&t.poll().await.unwrap().unwrap()), vec![0]);
    let t0 = Instant::now();
    assert_eq!(t.poll().await.unwrap(), None);
    assert!(t0.elapsed() >= Duration::from_millis(900));
}
