//! The RocketMQ transport against a real Apache RocketMQ (started by `scripts/rocketmq.sh`;
//! `ROCKETMQ_NAMESRV_ADDR` says where). Without it these tests fail on purpose: a silent
//! skip would hide a broken RocketMQ path.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed setup should panic
#![recursion_limit = "256"]

mod common;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    free_port, get, namesrv, report, spawn, stop, transport, unique, wait_all_seqs, wait_until,
    worker_properties,
};

use connect_api::TopicPartition;
use gateway::transport::{ConsumedMessage, OutboundMessage, RecordTransport, TopicSpec};

fn message(
    topic: &str,
    partition: Option<i32>,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: Vec<(&str, Option<&[u8]>)>,
    timestamp: Option<i64>,
) -> OutboundMessage {
    OutboundMessage {
        topic: topic.to_string(),
        partition,
        key: key.map(<[u8]>::to_vec),
        value: value.map(<[u8]>::to_vec),
        headers: headers
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.map(<[u8]>::to_vec)))
            .collect(),
        timestamp,
    }
}

async fn drain(
    consumer: &mut Box<dyn gateway::transport::TransportConsumer>,
    want: usize,
    timeout: Duration,
) -> Vec<ConsumedMessage> {
    let start = Instant::now();
    let mut got = Vec::new();
    while got.len() < want && start.elapsed() < timeout {
        got.extend(
            consumer
                .poll(1000, Duration::from_millis(500))
                .await
                .unwrap(),
        );
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_round_trip_exactly_with_offsets_and_partitions() {
    let t = transport().await;
    // A dotted Kafka name exercises the reversible name rule.
    let topic = format!("{}.orders", unique("rt"));
    assert!(t
        .create_topic(&topic, &TopicSpec::with_partitions(3))
        .await
        .unwrap());
    assert!(!t
        .create_topic(&topic, &TopicSpec::with_partitions(3))
        .await
        .unwrap());
    assert_eq!(t.partition_count(&topic).await.unwrap(), Some(3));
    assert!(t.list_topics().await.unwrap().contains(&topic));

    let big = vec![7u8; 200_000];
    let sent = vec![
        message(
            &topic,
            Some(0),
            Some(b"text-key"),
            Some(b"v1"),
            vec![("h", Some(b"x"))],
            Some(1_000),
        ),
        message(
            &topic,
            Some(0),
            Some(&[0xff, 0, 1]),
            Some(&[0, 1, 2, 255]),
            vec![("bin", Some(&[0xff, 0])), ("bin", None)],
            Some(2_000),
        ),
        message(&topic, Some(1), Some(b""), Some(b""), vec![], None),
        message(
            &topic,
            Some(1),
            None,
            None,
            vec![("tomb", Some(b"stone"))],
            Some(3_000),
        ),
        message(&topic, Some(2), Some(b"k"), Some(&big), vec![], Some(4_000)),
        message(
            &topic,
            None,
            Some(b"keyed"),
            Some(b"by murmur2"),
            vec![],
            Some(5_000),
        ),
    ];
    let results = t.send(sent.clone().into()).await;
    let metas: Vec<_> = results.into_iter().map(|r| r.unwrap()).collect();
    // Same queue, same batch: contiguous offsets in send order.
    assert_eq!(metas[0].partition, 0);
    assert_eq!(metas[1].offset, metas[0].offset + 1);
    assert_eq!(metas[3].offset, metas[2].offset + 1);
    assert_eq!(
        metas[5].partition,
        gateway::transport::partition_for_key(b"keyed", 3),
        "keyed records land where Kafka's partitioner puts them"
    );

    let group = unique("connect-rt");
    let mut consumer = t.consumer(&group).await.unwrap();
    let all: Vec<_> = (0..3)
        .map(|p| TopicPartition::new(topic.clone(), p))
        .collect();
    consumer.assign(all.clone()).await.unwrap();
    let got = drain(&mut consumer, sent.len(), Duration::from_secs(30)).await;
    assert_eq!(got.len(), sent.len(), "{got:?}");
    for (s, m) in sent.iter().zip(&metas) {
        let r = got
            .iter()
            .find(|g| g.partition == m.partition && g.offset == m.offset)
            .unwrap_or_else(|| panic!("record at {m:?} not consumed"));
        assert_eq!(r.topic, topic);
        assert_eq!(r.key, s.key, "key at {m:?}");
        assert_eq!(r.value, s.value, "value at {m:?}");
        assert_eq!(r.headers, s.headers, "headers at {m:?}");
        if s.timestamp.is_some() {
            assert_eq!(r.timestamp, s.timestamp);
        }
    }

    // Commit half, then a new consumer of the group resumes after it.
    let committed: BTreeMap<_, _> = [(all[0].clone(), metas[0].offset + 1)].into();
    consumer.commit(&committed).await.unwrap();
    drop(consumer);
    let start = Instant::now();
    loop {
        let offsets = t.committed_offsets(&group).await.unwrap();
        if offsets.get(&all[0]) == Some(&(metas[0].offset + 1)) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "commit not visible: {offsets:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // One message of partition 0 is not committed yet: a lag of one, per queue.
    assert_eq!(t.consumer_lag(&group).await.unwrap().get(&all[0]), Some(&1));
    let mut again = t.consumer(&group).await.unwrap();
    again.assign(vec![all[0].clone()]).await.unwrap();
    assert_eq!(again.position(&all[0]), Some(metas[0].offset + 1));
    let rest = drain(&mut again, 1, Duration::from_secs(20)).await;
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].offset, metas[1].offset);

    // Seek back redelivers.
    again.seek(&all[0], metas[0].offset);
    let replay = drain(&mut again, 2, Duration::from_secs(20)).await;
    assert_eq!(
        replay.iter().map(|m| m.offset).collect::<Vec<_>>(),
        vec![metas[0].offset, metas[1].offset]
    );
    drop(again);

    // Admin-side offsets (the REST offsets endpoints use these).
    let end = t.end_offset(&all[0]).await.unwrap();
    assert_eq!(end, metas[1].offset + 1);
    let reset: BTreeMap<_, _> = [(all[1].clone(), 0)].into();
    t.commit_offsets(&group, &reset).await.unwrap();
    assert_eq!(
        t.committed_offsets(&group).await.unwrap().get(&all[1]),
        Some(&0)
    );
    t.delete_group(&group).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_unmappable_records_are_rejected_not_retried() {
    let t = transport().await;
    let topic = unique("big");
    let huge = vec![1u8; 5 * 1024 * 1024];
    let long_name = "x".repeat(200);
    let results = t
        .send(
            vec![
                message(&topic, None, None, Some(&huge), vec![], None),
                message(&long_name, None, None, Some(b"v"), vec![], None),
                message(&topic, None, None, Some(b"small"), vec![], None),
            ]
            .into(),
        )
        .await;
    let err = results[0].as_ref().unwrap_err();
    assert!(!err.is_retriable(), "{err}");
    assert!(err.to_string().contains("maximum message size"), "{err}");
    let err = results[1].as_ref().unwrap_err();
    assert!(!err.is_retriable(), "{err}");
    assert!(err.to_string().contains("rocketmq.topic.mapping"), "{err}");
    assert!(results[2].is_ok(), "{:?}", results[2]);
}

// ---------------------------------------------------------------------------------------
// The real binary on RocketMQ.

fn write_worker(dir: &Path, port: u16, namesrv: &str, extra: &str) -> PathBuf {
    worker_properties(
        dir,
        port,
        &format!(
            "offset.flush.interval.ms=300\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             rocketmq.namesrv.addr={namesrv}\n\
             rocketmq.topic.default.queues=3\n{extra}"
        ),
    )
}

/// A dedicated RocketMQ for fault tests (they kill it), on its own ports and state dir.
struct Broker {
    namesrv: String,
    env: Vec<(String, String)>,
}

impl Broker {
    fn plan(name: &str) -> Broker {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let namesrv_port = free_port();
        // The broker uses port-2 .. port+1; pick a free base away from the name server.
        let broker_port = loop {
            let p = free_port();
            if p > 1024 + 2 && (p - 2..=p + 1).all(|q| TcpListener::bind(("127.0.0.1", q)).is_ok())
            {
                break p;
            }
        };
        let state = root
            .join("target")
            .join(format!("rocketmq-{name}-{}", std::process::id()));
        Broker {
            namesrv: format!("127.0.0.1:{namesrv_port}"),
            env: vec![
                ("ROCKETMQ_STATE_DIR".into(), state.display().to_string()),
                ("ROCKETMQ_NAMESRV_PORT".into(), namesrv_port.to_string()),
                ("ROCKETMQ_BROKER_PORT".into(), broker_port.to_string()),
                ("ROCKETMQ_STOP_TIMEOUT".into(), "5".into()),
            ],
        }
    }

    fn run(&self, args: &[&str]) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let out = Command::new(root.join("scripts/rocketmq.sh"))
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "rocketmq.sh {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let _ = Command::new(root.join("scripts/rocketmq.sh"))
            .arg("stop")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output();
    }
}

fn datagen_json(dir: &Path, topic: &str, per_task: u64, rate: u64, extra: &str) -> PathBuf {
    let p = dir.join("datagen.json");
    std::fs::write(
        &p,
        format!(
            r#"{{"name":"datagen","config":{{"connector.class":"io.connectgateway.connect.datagen.DatagenSourceConnector","tasks.max":"2","topic":"{topic}","rate":"{rate}","record.size":"64","key.cardinality":"50","max.records":"{per_task}","binary.keys":"true","binary.headers":"true","tombstone.every":"97"{extra}}}}}"#
        ),
    )
    .unwrap();
    p
}

fn verify_props(dir: &Path, topic: &str) -> (PathBuf, PathBuf) {
    let report = dir.join("verify.json");
    let p = dir.join("verify.properties");
    std::fs::write(
        &p,
        format!(
            "name=verify\nconnector.class=io.connectgateway.connect.verify.VerifyingSinkConnector\ntasks.max=2\ntopics={topic}\nreport.file={}\n",
            report.display()
        ),
    )
    .unwrap();
    (p, report)
}

#[test]
fn file_stream_pipeline_is_byte_exact_through_rocketmq() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let topic = format!("{}.lines", unique("fs"));
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let text: String = (0..5_000)
        .map(|i| {
            format!(
                "line {i}: ünïcödé, tabs\tand \"quotes\" {}\n",
                "x".repeat(i % 50)
            )
        })
        .collect();
    std::fs::write(&input, &text).unwrap();
    let worker = write_worker(
        dir.path(),
        free_port(),
        &namesrv(),
        "value.converter=org.apache.kafka.connect.storage.StringConverter\n",
    );
    let source = dir.path().join("source.properties");
    std::fs::write(
        &source,
        format!(
            // One queue: a RocketMQ queue, like a Kafka partition, orders its messages.
            "name=fs-source\nconnector.class=FileStreamSource\nfile={}\ntopic={topic}\ntopic.creation.default.partitions=1\ntopic.creation.default.replication.factor=1\n",
            input.display()
        ),
    )
    .unwrap();
    let sink = dir.path().join("sink.properties");
    std::fs::write(
        &sink,
        format!(
            "name=fs-sink\nconnector.class=FileStreamSink\nfile={}\ntopics={topic}\n",
            output.display()
        ),
    )
    .unwrap();
    let child = spawn(&[&worker, &source, &sink], &log);
    wait_until(
        "the sink file to equal the input",
        Duration::from_secs(60),
        &log,
        || {
            let got = std::fs::read_to_string(&output).ok()?;
            if got.len() < text.len() {
                return None;
            }
            assert!(got == text, "output differs from the input byte for byte");
            Some(())
        },
    );
    stop(child);
}

#[test]
fn kill_9_mid_stream_on_rocketmq_loses_nothing_and_the_sink_resumes() {
    const PER_TASK: u64 = 30_000;
    const RATE: u64 = 6_000;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let topic = unique("kill9");
    let worker = write_worker(dir.path(), free_port(), &namesrv(), "");
    let source = datagen_json(dir.path(), &topic, PER_TASK, RATE, "");
    let (sink, report_file) = verify_props(dir.path(), &topic);

    let mut child = spawn(&[&worker, &source, &sink], &log);
    let before = wait_until(
        "records before the kill",
        Duration::from_secs(60),
        &log,
        || report(&report_file).filter(|r| r.records > 12_000),
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        before.records < 2 * PER_TASK,
        "the kill must happen mid-stream"
    );

    let child = spawn(&[&worker, &source, &sink], &log);
    let done = wait_all_seqs(&report_file, PER_TASK, &log, 120);
    stop(child);
    assert_eq!(done.gaps, 0, "{done:?}");
    assert_eq!(done.records, 2 * PER_TASK);
    assert_eq!(done.foreign, 0);
    // Duplicates come from the source's unflushed offsets and the sink's uncommitted queue
    // offsets: about one flush interval of traffic each. A sink that restarted from the
    // beginning instead of its committed offsets would re-see everything before the kill.
    assert!(
        done.duplicates <= 2 * RATE,
        "too many duplicates: {} (records before kill {})",
        done.duplicates,
        before.records
    );
    println!(
        "kill -9 on RocketMQ: {} records before the kill, {} duplicates, 0 lost",
        before.records, done.duplicates
    );
}

fn status(port: u16, connector: &str) -> Option<serde_json::Value> {
    get(port, &format!("/connectors/{connector}/status"))
}

fn task_state(port: u16, connector: &str) -> Option<(String, String)> {
    let s = status(port, connector)?;
    let t = s["tasks"].get(0)?;
    Some((
        t["state"].as_str()?.to_string(),
        t["trace"].as_str().unwrap_or_default().to_string(),
    ))
}

#[test]
fn oversized_record_fails_the_task_or_is_skipped_per_errors_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let topic = unique("oversized");
    let input = dir.path().join("in.txt");
    let mut text = String::from("small-1\n");
    text.push_str(&"y".repeat(5 * 1024 * 1024));
    text.push_str("\nsmall-2\n");
    std::fs::write(&input, &text).unwrap();
    let worker = write_worker(
        dir.path(),
        port,
        &namesrv(),
        "value.converter=org.apache.kafka.connect.storage.StringConverter\n",
    );
    let strict = dir.path().join("strict.properties");
    std::fs::write(
        &strict,
        format!(
            "name=strict\nconnector.class=FileStreamSource\nfile={}\ntopic={topic}-a\n",
            input.display()
        ),
    )
    .unwrap();
    let lenient = dir.path().join("lenient.properties");
    std::fs::write(
        &lenient,
        format!(
            "name=lenient\nconnector.class=FileStreamSource\nfile={}\ntopic={topic}-b\nerrors.tolerance=all\nerrors.log.enable=true\n",
            input.display()
        ),
    )
    .unwrap();
    let output = dir.path().join("out.txt");
    let sink = dir.path().join("sink.properties");
    std::fs::write(
        &sink,
        format!(
            "name=sink\nconnector.class=FileStreamSink\nfile={}\ntopics={topic}-b\n",
            output.display()
        ),
    )
    .unwrap();
    let child = spawn(&[&worker, &strict, &lenient, &sink], &log);
    let (state, trace) = wait_until(
        "the strict task to fail",
        Duration::from_secs(60),
        &log,
        || task_state(port, "strict").filter(|(s, _)| s == "FAILED"),
    );
    assert_eq!(state, "FAILED");
    assert!(trace.contains("maximum message size"), "{trace}");
    // errors.tolerance=all: the big line is skipped (and logged), the others arrive.
    wait_until("the small lines", Duration::from_secs(60), &log, || {
        let got = std::fs::read_to_string(&output).ok()?;
        (got == "small-1\nsmall-2\n").then_some(())
    });
    assert_eq!(task_state(port, "lenient").unwrap().0, "RUNNING");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("maximum message size"),
        "the skipped record must be logged"
    );
    stop(child);
}

#[test]
fn dead_letter_queue_gets_bad_records_with_error_context() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let topic = unique("dlq-in");
    let dlq = unique("dlq");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let t = rt.block_on(transport());
    rt.block_on(t.create_topic(&topic, &TopicSpec::with_partitions(1)))
        .unwrap();
    let records: Vec<OutboundMessage> = [
        &br#"{"ok":1}"#[..],
        b"not json \xff",
        br#"{"ok":2}"#,
        b"{broken",
    ]
    .iter()
    .map(|v| {
        message(
            &topic,
            Some(0),
            Some(b"k"),
            Some(v),
            vec![("origin", Some(b"test"))],
            None,
        )
    })
    .collect();
    for r in rt.block_on(t.send(records.into())) {
        r.unwrap();
    }
    let worker = write_worker(dir.path(), port, &namesrv(), "");
    let output = dir.path().join("out.txt");
    let sink = dir.path().join("sink.properties");
    std::fs::write(
        &sink,
        format!(
            "name=json-sink\nconnector.class=FileStreamSink\nfile={}\ntopics={topic}\n\
             value.converter=org.apache.kafka.connect.json.JsonConverter\nvalue.converter.schemas.enable=false\n\
             errors.tolerance=all\nerrors.deadletterqueue.topic.name={dlq}\n\
             errors.deadletterqueue.context.headers.enable=true\n",
            output.display()
        ),
    )
    .unwrap();
    let child = spawn(&[&worker, &sink], &log);
    wait_until("the good records", Duration::from_secs(60), &log, || {
        let got = std::fs::read_to_string(&output).ok()?;
        (got.lines().count() == 2).then_some(got)
    });
    let dead = rt.block_on(async {
        let mut c = t.consumer(&unique("dlq-reader")).await.unwrap();
        c.assign(vec![TopicPartition::new(dlq.clone(), 0)])
            .await
            .unwrap();
        drain(&mut c, 2, Duration::from_secs(30)).await
    });
    stop(child);
    assert_eq!(dead.len(), 2, "{dead:?}");
    assert_eq!(
        dead[0].value.as_deref(),
        Some(&b"not json \xff"[..]),
        "original bytes"
    );
    assert_eq!(dead[1].value.as_deref(), Some(&b"{broken"[..]));
    let header = |m: &ConsumedMessage, name: &str| {
        m.headers
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.clone())
            .map(|v| String::from_utf8(v).unwrap())
    };
    assert_eq!(header(&dead[0], "origin").as_deref(), Some("test"));
    assert_eq!(
        header(&dead[0], "__connect.errors.topic").as_deref(),
        Some(topic.as_str())
    );
    assert_eq!(
        header(&dead[0], "__connect.errors.offset").as_deref(),
        Some("1")
    );
    assert_eq!(
        header(&dead[1], "__connect.errors.offset").as_deref(),
        Some("3")
    );
    assert_eq!(
        header(&dead[0], "__connect.errors.stage").as_deref(),
        Some("VALUE_CONVERTER")
    );
    assert_eq!(
        header(&dead[0], "__connect.errors.connector.name").as_deref(),
        Some("json-sink")
    );
    assert_eq!(
        header(&dead[0], "__connect.errors.class.name").as_deref(),
        Some("org.apache.kafka.connect.json.JsonConverter")
    );
    assert!(header(&dead[0], "__connect.errors.exception.message").is_some());
}

#[test]
fn name_server_down_at_start_then_up_recovers_without_loss() {
    const PER_TASK: u64 = 3_000;
    let broker = Broker::plan("nsdown");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let topic = unique("nsdown");
    let worker = write_worker(dir.path(), port, &broker.namesrv, "");
    let source = datagen_json(dir.path(), &topic, PER_TASK, 1_000, "");
    let (sink, report_file) = verify_props(dir.path(), &topic);
    let child = spawn(&[&worker, &source, &sink], &log);
    // The worker is up and answers while RocketMQ is unreachable.
    let root = wait_until("the REST API", Duration::from_secs(30), &log, || {
        get(port, "/")
    });
    assert!(root["version"].is_string());
    let (state, _) = wait_until(
        "datagen's task status",
        Duration::from_secs(30),
        &log,
        || task_state(port, "datagen"),
    );
    assert!(state == "RUNNING" || state == "FAILED", "{state}");
    std::thread::sleep(Duration::from_secs(3));
    assert!(report(&report_file).is_none_or(|r| r.records == 0));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("retrying"),
        "the outage must be logged as retried"
    );

    broker.run(&["start"]);
    let done = wait_all_seqs(&report_file, PER_TASK, &log, 150);
    stop(child);
    assert_eq!(done.gaps, 0);
    assert_eq!(done.records, 2 * PER_TASK);
}

#[test]
fn broker_killed_and_restarted_mid_stream_loses_nothing() {
    const PER_TASK: u64 = 30_000;
    let broker = Broker::plan("brokerkill");
    broker.run(&["start"]);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let topic = unique("brokerkill");
    let worker = write_worker(dir.path(), free_port(), &broker.namesrv, "");
    let source = datagen_json(dir.path(), &topic, PER_TASK, 1_500, "");
    let (sink, report_file) = verify_props(dir.path(), &topic);
    let child = spawn(&[&worker, &source, &sink], &log);
    let before = wait_until(
        "records before the broker dies",
        Duration::from_secs(60),
        &log,
        || report(&report_file).filter(|r| r.records > 4_000),
    );
    broker.run(&["kill-broker"]);
    std::thread::sleep(Duration::from_secs(2));
    broker.run(&["start-broker"]);
    let done = wait_all_seqs(&report_file, PER_TASK, &log, 180);
    stop(child);
    assert!(
        before.records < 2 * PER_TASK,
        "the kill must happen mid-stream"
    );
    assert_eq!(done.gaps, 0, "{done:?}");
    assert_eq!(done.records, 2 * PER_TASK);
    println!(
        "broker kill -9: {} records before, {} duplicates after recovery, 0 lost",
        before.records, done.duplicates
    );
}

#[test]
fn acl_right_secret_flows_and_wrong_secret_is_a_clear_error() {
    let broker = Broker::plan("acl");
    broker.run(&["start", "--acl"]);
    let dir = tempfile::tempdir().unwrap();
    let ok_dir = dir.path().join("ok");
    let bad_dir = dir.path().join("bad");
    std::fs::create_dir_all(&ok_dir).unwrap();
    std::fs::create_dir_all(&bad_dir).unwrap();
    let topic = unique("acl");
    let (ok_port, bad_port) = (free_port(), free_port());
    let ok_worker = write_worker(
        &ok_dir,
        ok_port,
        &broker.namesrv,
        "rocketmq.access.key=gateway\nrocketmq.secret.key=gateway-secret-123\n",
    );
    let bad_worker = write_worker(
        &bad_dir,
        bad_port,
        &broker.namesrv,
        "rocketmq.access.key=gateway\nrocketmq.secret.key=wrong-secret\nproducer.delivery.timeout.ms=5000\n",
    );
    let ok_source = datagen_json(&ok_dir, &topic, 500, 500, "");
    let (ok_sink, report_file) = verify_props(&ok_dir, &topic);
    let bad_source = datagen_json(&bad_dir, &topic, 500, 500, "");
    let ok_log = ok_dir.join("gateway.log");
    let bad_log = bad_dir.join("gateway.log");
    let ok = spawn(&[&ok_worker, &ok_source, &ok_sink], &ok_log);
    let bad = spawn(&[&bad_worker, &bad_source], &bad_log);
    wait_all_seqs(&report_file, 500, &ok_log, 90);
    let (state, trace) = wait_until(
        "the wrong secret to fail the task",
        Duration::from_secs(90),
        &bad_log,
        || task_state(bad_port, "datagen").filter(|(s, _)| s == "FAILED"),
    );
    stop(ok);
    stop(bad);
    assert_eq!(state, "FAILED");
    assert!(
        trace.contains("rocketmq.secret.key"),
        "the trace must say why: {trace}"
    );
}

#[test]
fn a_plain_rocketmq_client_sees_the_key_and_headers_as_properties() {
    // RocketMQ's own admin tool (Java), not our client, reads the stored message.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let t = rt.block_on(transport());
    let topic = format!("{}.plain", unique("plain"));
    rt.block_on(t.create_topic(&topic, &TopicSpec::with_partitions(1)))
        .unwrap();
    let sent = rt.block_on(
        t.send(
            vec![message(
                &topic,
                Some(0),
                Some(b"order-42"),
                Some(b"{\"total\":9}"),
                vec![("trace-id", Some(b"abc-123"))],
                Some(1_234),
            )]
            .into(),
        ),
    );
    let meta = sent.into_iter().next().unwrap().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = std::process::Command::new(root.join("scripts/rocketmq.sh"))
        .args([
            "admin",
            "queryMsgByOffset",
            "-t",
            &topic.replace('.', "|"),
            "-b",
            &std::env::var("ROCKETMQ_BROKER_NAME").unwrap_or_else(|_| "broker-a".into()),
            "-i",
            "0",
            "-o",
            &meta.offset.to_string(),
        ])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Keys:                [order-42]"), "{text}");
    assert!(text.contains("trace-id=abc-123"), "{text}");
    assert!(text.contains("CONNECT_TS=1234"), "{text}");
}
