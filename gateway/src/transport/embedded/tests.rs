use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use connect_api::TopicPartition;

use super::*;
use crate::transport::{ConsumedMessage, OutboundMessage, RecordTransport, TopicSpec};

fn opts() -> EmbeddedLogOptions {
    EmbeddedLogOptions::default()
}

fn open(dir: &Path) -> Arc<EmbeddedLog> {
    EmbeddedLog::open(dir, opts()).unwrap()
}

fn msg(topic: &str, key: Option<&[u8]>, value: Option<&[u8]>) -> OutboundMessage {
    OutboundMessage {
        topic: topic.into(),
        partition: None,
        key: key.map(<[u8]>::to_vec),
        value: value.map(<[u8]>::to_vec),
        headers: vec![],
        timestamp: None,
    }
}

fn to_partition(m: OutboundMessage, p: i32) -> OutboundMessage {
    OutboundMessage {
        partition: Some(p),
        ..m
    }
}

async fn send_ok(log: &EmbeddedLog, batch: Vec<OutboundMessage>) -> Vec<RecordMetadata> {
    log.send(batch.into())
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect()
}

/// Everything from the start of each given partition.
async fn read_all(log: &EmbeddedLog, tps: Vec<TopicPartition>) -> Vec<ConsumedMessage> {
    let mut expected = 0;
    for tp in &tps {
        expected += log.end_offset(tp).await.unwrap();
    }
    let mut c = log.consumer("reader").await.unwrap();
    c.assign(tps.clone()).await.unwrap();
    for tp in &tps {
        c.seek(tp, 0);
    }
    let mut out = Vec::new();
    while (out.len() as i64) < expected {
        let got = c.poll(100, Duration::from_secs(1)).await.unwrap();
        assert!(!got.is_empty(), "ran dry after {} of {expected}", out.len());
        out.extend(got);
    }
    out
}

fn tp(topic: &str, p: i32) -> TopicPartition {
    TopicPartition::new(topic, p)
}

#[tokio::test]
async fn acknowledged_records_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    assert!(log
        .create_topic("orders", &TopicSpec::with_partitions(3))
        .await
        .unwrap());
    let mut sent = Vec::new();
    for round in 0..5u8 {
        let batch: Vec<_> = (0..20u8)
            .map(|i| {
                let key = [round, i];
                msg(
                    "orders",
                    (i % 2 == 0).then_some(&key[..]),
                    Some(&[i, round][..]),
                )
            })
            .collect();
        let acks = send_ok(&log, batch.clone()).await;
        sent.extend(batch.into_iter().zip(acks));
    }
    drop(log);

    let log = open(dir.path());
    assert_eq!(log.partition_count("orders").await.unwrap(), Some(3));
    let read = read_all(&log, (0..3).map(|p| tp("orders", p)).collect()).await;
    assert_eq!(read.len(), sent.len());
    let by_coord: BTreeMap<(i32, i64), &ConsumedMessage> =
        read.iter().map(|m| ((m.partition, m.offset), m)).collect();
    for (m, ack) in &sent {
        let got = by_coord[&(ack.partition, ack.offset)];
        assert_eq!((&got.key, &got.value), (&m.key, &m.value));
    }
    // Offsets continue where they stopped.
    let end = log.end_offset(&tp("orders", 0)).await.unwrap();
    let ack = send_ok(&log, vec![to_partition(msg("orders", None, Some(b"x")), 0)]).await;
    assert_eq!(ack[0].offset, end);
}

#[tokio::test]
async fn torn_or_corrupt_tail_is_cut_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    let batch = (0..3u8)
        .map(|i| msg("t", None, Some(&[i; 10][..])))
        .collect();
    send_ok(&log, batch).await;
    drop(log);
    let log_path = dir.path().join("topics/t/0.log");
    let idx_path = dir.path().join("topics/t/0.idx");
    let full = std::fs::read(&log_path).unwrap();

    // A write torn inside the last record's payload: that record is gone, the rest stays.
    std::fs::write(&log_path, &full[..full.len() - 4]).unwrap();
    let log = open(dir.path());
    assert_eq!(log.end_offset(&tp("t", 0)).await.unwrap(), 2);
    assert_eq!(read_all(&log, vec![tp("t", 0)]).await.len(), 2);
    drop(log);

    // A torn append: half a frame header after the three good records.
    let mut torn = full.clone();
    torn.extend_from_slice(&[0, 0, 0]);
    std::fs::write(&log_path, &torn).unwrap();
    std::fs::write(&idx_path, b"garbage").unwrap();
    let log = open(dir.path());
    assert_eq!(log.end_offset(&tp("t", 0)).await.unwrap(), 3);
    assert_eq!(std::fs::read(&log_path).unwrap(), full);
    assert_eq!(std::fs::metadata(&idx_path).unwrap().len(), 3 * 8);
    drop(log);

    // A flipped bit in the last record: that record must not be served.
    let mut corrupt = full.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0x40;
    std::fs::write(&log_path, &corrupt).unwrap();
    let log = open(dir.path());
    assert_eq!(log.end_offset(&tp("t", 0)).await.unwrap(), 2);
    let read = read_all(&log, vec![tp("t", 0)]).await;
    let values: Vec<_> = read.iter().map(|m| m.value.clone().unwrap()).collect();
    assert_eq!(values, vec![vec![0u8; 10], vec![1u8; 10]]);
    // The log is writable again at the cut, and the new record survives a reopen.
    let ack = send_ok(&log, vec![msg("t", None, Some(b"new"))]).await;
    assert_eq!(ack[0].offset, 2);
    drop(log);
    let log = open(dir.path());
    let read = read_all(&log, vec![tp("t", 0)]).await;
    assert_eq!(read.len(), 3);
    assert_eq!(read[2].value.as_deref(), Some(&b"new"[..]));
}

#[tokio::test]
async fn corrupt_record_in_place_is_never_served() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    send_ok(
        &log,
        vec![msg("t", None, Some(b"aaaa")), msg("t", None, Some(b"bbbb"))],
    )
    .await;
    // Rot a byte while the log is open: the read path checks CRCs too.
    let log_path = dir.path().join("topics/t/0.log");
    let mut bytes = std::fs::read(&log_path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&log_path, &bytes).unwrap();
    let mut c = log.consumer("g").await.unwrap();
    c.assign(vec![tp("t", 0)]).await.unwrap();
    let good = c.poll(10, Duration::from_millis(100)).await.unwrap();
    assert_eq!(good.len(), 1);
    assert_eq!(good[0].value.as_deref(), Some(&b"aaaa"[..]));
    let err = c.poll(10, Duration::from_millis(100)).await.unwrap_err();
    assert!(
        matches!(err, TransportError::Fatal(ref m) if m.contains("corrupt record at offset 1")),
        "{err:?}"
    );
    assert_eq!(c.position(&tp("t", 0)), Some(1));
}

#[tokio::test]
async fn binary_keys_headers_and_nulls_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let all_bytes: Vec<u8> = (0..=255u8).collect();
    let original = vec![
        OutboundMessage {
            topic: "bin".into(),
            partition: Some(0),
            key: Some(all_bytes.clone()),
            value: None,
            headers: vec![
                ("h-bin".into(), Some(vec![0, 0xff, 0x80, 0])),
                ("h-null".into(), None),
                ("h-empty".into(), Some(vec![])),
                ("h-bin".into(), Some(vec![1])),
            ],
            timestamp: Some(1_700_000_000_123),
        },
        OutboundMessage {
            topic: "bin".into(),
            partition: Some(0),
            key: Some(vec![]),
            value: Some(vec![]),
            headers: vec![],
            timestamp: None,
        },
        OutboundMessage {
            topic: "bin".into(),
            partition: Some(0),
            key: None,
            value: Some(all_bytes),
            headers: vec![],
            timestamp: Some(-1),
        },
    ];
    let log = open(dir.path());
    send_ok(&log, original.clone()).await;
    drop(log);
    let log = open(dir.path());
    let read = read_all(&log, vec![tp("bin", 0)]).await;
    let got: Vec<_> = read
        .into_iter()
        .map(|m| OutboundMessage {
            topic: m.topic,
            partition: Some(m.partition),
            key: m.key,
            value: m.value,
            headers: m.headers,
            timestamp: m.timestamp,
        })
        .collect();
    assert_eq!(got, original);
}

#[tokio::test]
async fn offsets_are_contiguous_in_input_order_under_concurrency() {
    let dir = tempfile::tempdir().unwrap();
    let log = EmbeddedLog::open(
        dir.path(),
        EmbeddedLogOptions {
            fsync: false,
            ..opts()
        },
    )
    .unwrap();
    let mut tasks = Vec::new();
    for producer in 0..4u8 {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            let mut acks = Vec::new();
            for batch in 0..10u8 {
                let msgs: Arc<[OutboundMessage]> = (0..10u8)
                    .map(|i| msg("seq", None, Some(&[producer, batch, i][..])))
                    .collect();
                acks.extend(log.send(msgs).await.into_iter().map(|r| r.unwrap().offset));
            }
            acks
        }));
    }
    let mut all = BTreeSet::new();
    for t in tasks {
        let acks = t.await.unwrap();
        // Each producer's own records got increasing offsets in the order it sent them.
        assert!(acks.windows(2).all(|w| w[0] < w[1]), "{acks:?}");
        all.extend(acks);
    }
    assert_eq!(all, (0..400).collect::<BTreeSet<i64>>());
    let read = read_all(&log, vec![tp("seq", 0)]).await;
    let offsets: Vec<i64> = read.iter().map(|m| m.offset).collect();
    assert_eq!(offsets, (0..400).collect::<Vec<_>>());
    // Per producer, values come back in send order.
    for producer in 0..4u8 {
        let seq: Vec<(u8, u8)> = read
            .iter()
            .filter_map(|m| m.value.as_ref())
            .filter(|v| v[0] == producer)
            .map(|v| (v[1], v[2]))
            .collect();
        let mut sorted = seq.clone();
        sorted.sort();
        assert_eq!(seq, sorted);
        assert_eq!(seq.len(), 100);
    }
}

#[tokio::test]
async fn partitioning_by_key_and_round_robin() {
    let dir = tempfile::tempdir().unwrap();
    let log = EmbeddedLog::open(
        dir.path(),
        EmbeddedLogOptions {
            default_partitions: 4,
            ..opts()
        },
    )
    .unwrap();
    let keyed = send_ok(&log, vec![msg("auto", Some(b"foobar"), Some(b"v")); 3]).await;
    let expected = crate::transport::partition_for_key(b"foobar", 4);
    assert!(keyed.iter().all(|a| a.partition == expected));
    assert_eq!(
        keyed.iter().map(|a| a.offset).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    let unkeyed = send_ok(&log, vec![msg("auto", None, Some(b"v")); 8]).await;
    let mut per_partition = BTreeMap::new();
    for a in &unkeyed {
        *per_partition.entry(a.partition).or_insert(0) += 1;
    }
    assert_eq!(per_partition, (0..4).map(|p| (p, 2)).collect());
    assert_eq!(log.partition_count("auto").await.unwrap(), Some(4));
}

#[tokio::test]
async fn rejections_name_the_problem_and_spare_the_rest_of_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let log = EmbeddedLog::open(
        dir.path(),
        EmbeddedLogOptions {
            max_message_bytes: 1000,
            ..opts()
        },
    )
    .unwrap();
    let long_name = "a".repeat(250);
    let results = log
        .send(Arc::from(vec![
            msg("ok", None, Some(b"1")),
            msg("bad/name", None, Some(b"x")),
            msg("..", None, Some(b"x")),
            msg("", None, Some(b"x")),
            msg(&long_name, None, Some(b"x")),
            msg("ok", None, Some(&[0u8; 2000][..])),
            to_partition(msg("ok", None, Some(b"x")), 7),
            msg("ok", None, Some(b"2")),
        ]))
        .await;
    assert_eq!(results.len(), 8);
    assert_eq!(results[0].as_ref().unwrap().offset, 0);
    assert_eq!(results[7].as_ref().unwrap().offset, 1);
    let msg_of = |i: usize| match &results[i] {
        Err(TransportError::Rejected(m)) => m.clone(),
        other => panic!("{i}: expected Rejected, got {other:?}"),
    };
    assert!(msg_of(1).contains("bad/name"), "{}", msg_of(1));
    assert!(msg_of(2).contains("\"..\""), "{}", msg_of(2));
    assert!(msg_of(3).contains("empty"), "{}", msg_of(3));
    assert!(msg_of(4).contains("249"), "{}", msg_of(4));
    let too_big = msg_of(5);
    assert!(
        too_big.contains("2030 bytes") && too_big.contains("1000"),
        "{too_big}"
    );
    assert!(msg_of(6).contains("[0...1)"), "{}", msg_of(6));
    // Nothing was created for the rejected names.
    assert_eq!(log.list_topics().await.unwrap(), vec!["ok".to_string()]);
    assert!(matches!(
        log.create_topic("has space", &TopicSpec::with_partitions(1))
            .await,
        Err(TransportError::Rejected(_))
    ));
    assert!(matches!(
        log.create_topic("zero", &TopicSpec::with_partitions(0))
            .await,
        Err(TransportError::Rejected(_))
    ));
    assert!(matches!(
        log.end_offset(&tp("missing", 0)).await,
        Err(TransportError::UnknownTopic(_))
    ));
}

#[tokio::test]
async fn create_topic_is_idempotent_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    assert!(log
        .create_topic("b.t_1-x", &TopicSpec::with_partitions(2))
        .await
        .unwrap());
    assert!(!log
        .create_topic("b.t_1-x", &TopicSpec::with_partitions(5))
        .await
        .unwrap());
    assert!(log
        .create_topic("a", &TopicSpec::with_partitions(1))
        .await
        .unwrap());
    assert_eq!(log.partition_count("b.t_1-x").await.unwrap(), Some(2));
    assert_eq!(log.partition_count("nope").await.unwrap(), None);
    assert_eq!(
        log.list_topics().await.unwrap(),
        vec!["a".to_string(), "b.t_1-x".to_string()]
    );
    // A directory left by an interrupted creation (no meta.json) is not a topic.
    std::fs::create_dir_all(dir.path().join("topics/half")).unwrap();
    drop(log);
    let log = open(dir.path());
    assert_eq!(
        log.list_topics().await.unwrap(),
        vec!["a".to_string(), "b.t_1-x".to_string()]
    );
    assert_eq!(log.partition_count("b.t_1-x").await.unwrap(), Some(2));
}

#[tokio::test]
async fn group_offsets_persist_and_position_new_assignments() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    log.create_topic("t", &TopicSpec::with_partitions(2))
        .await
        .unwrap();
    let batch = (0..5u8)
        .flat_map(|i| {
            [
                to_partition(msg("t", None, Some(&[i][..])), 0),
                to_partition(msg("t", None, Some(&[i][..])), 1),
            ]
        })
        .collect();
    send_ok(&log, batch).await;
    let group = "connect-my sink/ä.."; // not file-name safe on purpose
    let mut c = log.consumer(group).await.unwrap();
    c.assign(vec![tp("t", 0)]).await.unwrap();
    let got = c.poll(2, Duration::from_secs(1)).await.unwrap();
    assert_eq!(got.iter().map(|m| m.offset).collect::<Vec<_>>(), vec![0, 1]);
    c.commit(&BTreeMap::from([(tp("t", 0), 2)])).await.unwrap();
    log.commit_offsets(group, &BTreeMap::from([(tp("t", 1), 4)]))
        .await
        .unwrap();
    assert!(log
        .commit_offsets(group, &BTreeMap::from([(tp("t", 1), -1)]))
        .await
        .is_err());
    drop(c);
    drop(log);

    let log = open(dir.path());
    let committed = log.committed_offsets(group).await.unwrap();
    assert_eq!(
        committed,
        BTreeMap::from([(tp("t", 0), 2), (tp("t", 1), 4)])
    );
    let mut c = log.consumer(group).await.unwrap();
    c.assign(vec![tp("t", 0), tp("t", 1)]).await.unwrap();
    assert_eq!(c.position(&tp("t", 0)), Some(2));
    assert_eq!(c.position(&tp("t", 1)), Some(4));
    let mut got = Vec::new();
    while got.len() < 4 {
        got.extend(c.poll(10, Duration::from_secs(1)).await.unwrap());
    }
    let coords: BTreeSet<_> = got.iter().map(|m| (m.partition, m.offset)).collect();
    assert_eq!(coords, BTreeSet::from([(0, 2), (0, 3), (0, 4), (1, 4)]));

    log.delete_group(group).await.unwrap();
    log.delete_group("never-existed").await.unwrap();
    assert!(log.committed_offsets(group).await.unwrap().is_empty());
    drop(c);
    drop(log);
    let log = open(dir.path());
    assert!(log.committed_offsets(group).await.unwrap().is_empty());
    assert!(matches!(
        log.consumer("").await,
        Err(TransportError::Rejected(_))
    ));
}

#[tokio::test]
async fn poll_wakes_on_append_and_times_out_when_idle() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    log.create_topic("live", &TopicSpec::with_partitions(1))
        .await
        .unwrap();
    let mut c = log.consumer("g").await.unwrap();
    c.assign(vec![tp("live", 0)]).await.unwrap();

    let started = Instant::now();
    assert!(c
        .poll(10, Duration::from_millis(200))
        .await
        .unwrap()
        .is_empty());
    let idle = started.elapsed();
    assert!(idle >= Duration::from_millis(190), "{idle:?}");

    let producer = log.clone();
    let send = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        producer
            .send(Arc::from(vec![msg("live", None, Some(b"hi"))]))
            .await
    });
    let started = Instant::now();
    let got = c.poll(10, Duration::from_secs(20)).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].value.as_deref(), Some(&b"hi"[..]));
    assert_eq!(c.position(&tp("live", 0)), Some(1));
    send.await.unwrap()[0].as_ref().unwrap();
}

#[tokio::test]
async fn pause_resume_seek_and_max() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    log.create_topic("t", &TopicSpec::with_partitions(2))
        .await
        .unwrap();
    let batch = (0..3u8)
        .flat_map(|i| {
            [
                to_partition(msg("t", None, Some(&[i][..])), 0),
                to_partition(msg("t", None, Some(&[10 + i][..])), 1),
            ]
        })
        .collect();
    send_ok(&log, batch).await;
    let mut c = log.consumer("g").await.unwrap();
    c.assign(vec![tp("t", 0), tp("t", 1)]).await.unwrap();
    c.pause(&[tp("t", 0)]);
    let got = c.poll(100, Duration::from_millis(100)).await.unwrap();
    assert!(
        got.iter().all(|m| m.partition == 1) && got.len() == 3,
        "{got:?}"
    );
    assert!(c
        .poll(100, Duration::from_millis(50))
        .await
        .unwrap()
        .is_empty());
    c.resume(&[tp("t", 0)]);
    let got = c.poll(2, Duration::from_millis(100)).await.unwrap();
    assert_eq!(
        got.iter()
            .map(|m| (m.partition, m.offset))
            .collect::<Vec<_>>(),
        vec![(0, 0), (0, 1)]
    );
    c.seek(&tp("t", 1), 1);
    let got = c.poll(100, Duration::from_millis(100)).await.unwrap();
    let coords: BTreeSet<_> = got.iter().map(|m| (m.partition, m.offset)).collect();
    assert_eq!(coords, BTreeSet::from([(0, 2), (1, 1), (1, 2)]));
    // Re-assigning keeps the position of a kept partition and forgets the other.
    c.assign(vec![tp("t", 1)]).await.unwrap();
    assert_eq!(c.assignment(), vec![tp("t", 1)]);
    assert_eq!(c.position(&tp("t", 1)), Some(3));
    assert_eq!(c.position(&tp("t", 0)), None);
}

#[test]
fn group_file_names_are_safe_and_distinct() {
    assert_eq!(group_file_name("connect-sink_1"), "connect-sink_1.json");
    assert_eq!(group_file_name(".."), "%2E%2E.json");
    assert_eq!(group_file_name("a/b"), "a%2Fb.json");
    assert_ne!(group_file_name("a.b"), group_file_name("a%2Eb"));
}

/// Child half of `acknowledged_records_survive_kill_9`: appends forever, printing each ack.
#[tokio::test]
#[ignore = "helper process, started by acknowledged_records_survive_kill_9"]
async fn kill9_child_writer() {
    use std::io::Write;
    let Some(dir) = std::env::var_os("EMBEDDED_KILL9_DIR") else {
        return;
    };
    let log = open(Path::new(&dir));
    let mut next: u64 = 0;
    loop {
        let batch = (next..next + 10)
            .map(|i| msg("k9", None, Some(&i.to_be_bytes()[..])))
            .collect();
        for ack in send_ok(&log, batch).await {
            let mut out = std::io::stdout().lock();
            writeln!(out, "ACK {}", ack.offset).unwrap();
            out.flush().unwrap();
        }
        next += 10;
        // Backstop in case the parent died without killing us (a closed stdout also
        // stops us: the write above fails).
        if next > 1_000_000 {
            return;
        }
    }
}

#[tokio::test]
async fn acknowledged_records_survive_kill_9() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "transport::embedded::tests::kill9_child_writer",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("EMBEDDED_KILL9_DIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut max_acked = -1i64;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(offset) = line.strip_prefix("ACK ") {
            max_acked = offset.parse().unwrap();
            if max_acked >= 300 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructors, no flushing
    child.wait().unwrap();
    assert!(max_acked >= 300, "child stopped early at {max_acked}");

    let log = open(dir.path());
    let end = log.end_offset(&tp("k9", 0)).await.unwrap();
    assert!(end > max_acked, "acked {max_acked} but log ends at {end}");
    let read = read_all(&log, vec![tp("k9", 0)]).await;
    for (i, m) in read.iter().enumerate() {
        assert_eq!(m.offset, i as i64);
        assert_eq!(m.value.as_deref(), Some(&(i as u64).to_be_bytes()[..]));
    }
}
