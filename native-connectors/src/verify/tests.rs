use std::collections::BTreeMap;
use std::sync::Arc;

use connect_api::config::props;
use connect_api::data::{primitive_schema, SchemaType};
use connect_api::{
    ConnectError, ConnectRecord, Connector, ConnectorContext, ErrantRecordReporter, ErrorKind,
    Headers, OffsetStorageReader, Props, SinkRecord, SinkTask, SinkTaskContext, TopicPartition,
    Value,
};

use super::*;

struct NoopConnectorContext;

impl ConnectorContext for NoopConnectorContext {
    fn request_task_reconfiguration(&self) {}
    fn raise_error(&self, _error: ConnectError) {}
    fn offset_storage_reader(&self) -> Option<Arc<dyn OffsetStorageReader>> {
        None
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

/// A record as datagen would send it, with header values as strings.
fn rec(task: &str, seq: u64) -> SinkRecord {
    let mut r = ConnectRecord::new("gen", None, Value::Bytes(format!("{seq}|").into_bytes()));
    r.headers.add_string(crate::datagen::TASK_HEADER, task);
    r.headers
        .add_string(crate::datagen::SEQ_HEADER, seq.to_string());
    SinkRecord::new(r, 0, seq as i64)
}

fn recs(task: &str, seqs: impl IntoIterator<Item = u64>) -> Vec<SinkRecord> {
    seqs.into_iter().map(|s| rec(task, s)).collect()
}

async fn started(extra: &[(&str, &str)], report: &std::path::Path) -> VerifyingSinkTask {
    let mut p = props([("report.file", report.to_str().unwrap())]);
    for (k, v) in extra {
        p.insert(k.to_string(), v.to_string());
    }
    let mut t = VerifyingSinkTask::default();
    t.start(Arc::new(FakeSinkContext), p).await.unwrap();
    t
}

#[test]
fn seq_set_merges_ranges_and_counts_duplicates() {
    let mut s = SeqSet::default();
    for n in [0, 1, 2, 5, 4, 9] {
        assert!(s.insert(n));
    }
    assert!(!s.insert(4));
    assert!(!s.insert(0));
    assert_eq!(s.distinct(), 6);
    assert_eq!(s.duplicates(), 2);
    assert_eq!(s.max(), Some(9));
    // Missing: 3, 6, 7, 8.
    assert_eq!(s.missing(), 4);
    assert!(s.insert(3));
    let mut st = VerifyState::default();
    let mut h = Headers::new();
    h.add_string(crate::datagen::TASK_HEADER, "0");
    for n in [0u64, 1, 2, 3, 4, 5, 9] {
        let mut h = h.clone();
        h.add_string(crate::datagen::SEQ_HEADER, n.to_string());
        st.observe(&h);
    }
    assert_eq!(st.report().tasks["0"].intervals, vec![[0, 5], [9, 9]]);

    // Range inserts report only what was new.
    let mut s = SeqSet::default();
    assert_eq!(s.insert_range(10, 19), 10);
    assert_eq!(s.insert_range(15, 25), 6);
    assert_eq!(s.insert_range(0, 9), 10);
    assert_eq!(s.distinct(), 26);
    assert_eq!(s.missing(), 0);
}

#[tokio::test]
async fn connector_assigns_task_ids_and_validates_report_file() {
    let mut c = VerifyingSinkConnector::default();
    let err = c
        .start(Arc::new(NoopConnectorContext), props([("topics", "gen")]))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
    let v = c.validate(&props([("report.file", "")]));
    assert_eq!(v[0].errors.len(), 1);

    c.start(
        Arc::new(NoopConnectorContext),
        props([("topics", "gen"), ("report.file", "/tmp/r.json")]),
    )
    .await
    .unwrap();
    let cfgs = c.task_configs(2).await.unwrap();
    assert_eq!(cfgs.len(), 2);
    assert_eq!(cfgs[1]["task.id"], "1");
    assert_eq!(cfgs[1]["task.count"], "2");
    assert_eq!(c.task_class(), TASK_CLASS);
    assert_eq!(
        report_paths("/tmp/r.json", 2),
        vec![
            std::path::PathBuf::from("/tmp/r.json.0"),
            std::path::PathBuf::from("/tmp/r.json.1")
        ]
    );
    assert_eq!(
        report_paths("/tmp/r.json", 1),
        vec![std::path::PathBuf::from("/tmp/r.json")]
    );
}

#[tokio::test]
async fn detects_gaps_duplicates_and_foreign_records_from_any_header_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let mut t = started(&[], &path).await;

    let mut batch = recs("0", [0, 1, 3, 5, 3]);
    // Header converters may hand the values over as bytes or numbers.
    let mut r = ConnectRecord::new("gen", None, Value::Null);
    r.headers.add(
        crate::datagen::TASK_HEADER,
        Some(primitive_schema(SchemaType::Bytes, false)),
        Value::Bytes(b"1".to_vec()),
    );
    r.headers.add(
        crate::datagen::SEQ_HEADER,
        Some(primitive_schema(SchemaType::Int64, false)),
        Value::Int64(0),
    );
    batch.push(SinkRecord::new(r, 0, 10));
    // No datagen headers, or an unreadable sequence number: foreign.
    batch.push(SinkRecord::new(
        ConnectRecord::new("gen", None, "x".into()),
        0,
        11,
    ));
    let mut bad = ConnectRecord::new("gen", None, Value::Null);
    bad.headers.add_string(crate::datagen::TASK_HEADER, "0");
    bad.headers.add_string(crate::datagen::SEQ_HEADER, "seven");
    batch.push(SinkRecord::new(bad, 0, 12));
    t.put(batch).await.unwrap();

    let r = t.report();
    assert_eq!(r.records, 5);
    assert_eq!(r.duplicates, 1);
    assert_eq!(r.gaps, 2);
    assert_eq!(r.foreign, 2);
    assert_eq!(
        r.tasks["0"],
        TaskReport {
            max_seq: 5,
            records: 4,
            duplicates: 1,
            missing: 2,
            intervals: vec![[0, 1], [3, 3], [5, 5]],
        }
    );
    assert_eq!(r.tasks["1"].records, 1);

    t.flush(&BTreeMap::new()).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        vec!["records", "duplicates", "gaps", "foreign", "tasks"]
    );
    assert_eq!(json["tasks"]["0"]["missing"], 2);
    assert!(!dir.path().join("report.json.tmp").exists());
}

#[tokio::test]
async fn state_saved_at_flush_survives_a_crash_and_redelivery_counts_as_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let mut t = started(&[], &path).await;
    t.put(recs("0", 0..5)).await.unwrap();
    // pre_commit saves before handing back the offsets to commit.
    let offsets = BTreeMap::from([(TopicPartition::new("gen", 0), 5)]);
    assert_eq!(t.pre_commit(offsets.clone()).await.unwrap(), offsets);
    // Put but never committed, then kill -9.
    t.put(recs("0", 5..8)).await.unwrap();
    drop(t);

    let mut t = started(&[], &path).await;
    let r = t.report();
    assert_eq!((r.records, r.duplicates, r.gaps), (5, 0, 0));
    // The runtime re-delivers from the committed offset, plus some overlap.
    t.put(recs("0", 3..10)).await.unwrap();
    let r = t.report();
    assert_eq!((r.records, r.duplicates, r.gaps), (10, 2, 0));
    t.flush(&BTreeMap::new()).await.unwrap();
    t.stop().await.unwrap();

    let saved = Report::load(&path).unwrap();
    assert_eq!(saved, r);
}

#[tokio::test]
async fn corrupt_state_fails_start_instead_of_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, b"{ not json").unwrap();
    let mut t = VerifyingSinkTask::default();
    let err = t
        .start(
            Arc::new(FakeSinkContext),
            props([("report.file", path.to_str().unwrap())]),
        )
        .await
        .unwrap_err();
    assert!(err.message.contains("not valid"), "{err:?}");
}

#[tokio::test]
async fn several_tasks_write_own_files_and_merge_counts_cross_task_redelivery() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("r.json");
    let mut a = started(&[("task.id", "0"), ("task.count", "2")], &base).await;
    let mut b = started(&[("task.id", "1"), ("task.count", "2")], &base).await;
    a.put(recs("0", 0..6)).await.unwrap();
    a.put(recs("1", [0, 1])).await.unwrap();
    // A partition moved from task a to b: 4 and 5 are delivered again, 7 leaves a gap at 6.
    b.put(recs("0", [4, 5, 7])).await.unwrap();
    b.put(recs("1", [2, 2])).await.unwrap();
    a.flush(&BTreeMap::new()).await.unwrap();
    b.flush(&BTreeMap::new()).await.unwrap();
    assert!(!base.exists());

    let paths = report_paths(base.to_str().unwrap(), 2);
    let merged = merge_reports(&paths).unwrap();
    assert_eq!(merged.tasks["0"].intervals, vec![[0, 5], [7, 7]]);
    assert_eq!(merged.tasks["0"].duplicates, 2);
    assert_eq!(merged.tasks["0"].missing, 1);
    assert_eq!(merged.tasks["1"].records, 3);
    assert_eq!(merged.tasks["1"].duplicates, 1);
    assert_eq!(
        (
            merged.records,
            merged.duplicates,
            merged.gaps,
            merged.foreign
        ),
        (10, 3, 1, 0)
    );
    assert!(merge_reports(&[dir.path().join("absent.json")]).is_err());
}
