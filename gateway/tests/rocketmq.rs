//! The RocketMQ transport against a real Apache RocketMQ (started by `scripts/rocketmq.sh`;
//! `ROCKETMQ_NAMESRV_ADDR` says where). Without it these tests fail on purpose: a silent
//! skip would hide a broken RocketMQ path.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed setup should panic
#![recursion_limit = "256"]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use connect_api::TopicPartition;
use gateway::transport::rocketmq::{RocketMqConfig, RocketMqTransport};
use gateway::transport::{ConsumedMessage, OutboundMessage, RecordTransport, TopicSpec};

fn namesrv() -> String {
    std::env::var("ROCKETMQ_NAMESRV_ADDR").expect(
        "ROCKETMQ_NAMESRV_ADDR is not set: start a broker with `eval \"$(scripts/rocketmq.sh start)\"` (scripts/test.sh does)",
    )
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{}", std::process::id(), nanos % 1_000_000_000)
}

async fn transport() -> Arc<RocketMqTransport> {
    let config = RocketMqConfig {
        namesrv_addr: namesrv(),
        producer_group: unique("test-producer"),
        ..RocketMqConfig::default()
    };
    RocketMqTransport::connect(config).await.unwrap()
}

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
