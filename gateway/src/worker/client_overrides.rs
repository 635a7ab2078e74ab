//! Kafka client settings on a RocketMQ worker: `producer.*` / `consumer.*` (worker) and
//! `producer.override.*` / `consumer.override.*` (connector, KIP-458).
//!
//! There is no Kafka client underneath, so each key either has a RocketMQ meaning (applied),
//! is a Kafka tuning knob with no effect on correctness (accepted, ignored), or promises
//! something this worker cannot give (rejected with the reason, never silently dropped).

use std::time::Duration;

use connect_api::Props;

/// What the task runners apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOverrides {
    /// How long a failed send is retried (`delivery.timeout.ms`, default two minutes).
    pub delivery_timeout: Duration,
    /// Largest serialized value a source may send (`max.request.size`), if narrowed.
    pub max_request_size: Option<usize>,
    /// Records per sink poll (`max.poll.records`, default 500).
    pub max_poll_records: usize,
}

impl Default for ClientOverrides {
    fn default() -> Self {
        ClientOverrides {
            delivery_timeout: Duration::from_secs(120),
            max_request_size: None,
            max_poll_records: 500,
        }
    }
}

/// Kafka tuning keys that change batching or buffering only.
const NO_EFFECT: &[&str] = &[
    "client.id",
    "acks",
    "batch.size",
    "linger.ms",
    "buffer.memory",
    "compression.type",
    "compression.gzip.level",
    "compression.lz4.level",
    "compression.zstd.level",
    "max.in.flight.requests.per.connection",
    "retries",
    "retry.backoff.ms",
    "retry.backoff.max.ms",
    "request.timeout.ms",
    "send.buffer.bytes",
    "receive.buffer.bytes",
    "metadata.max.age.ms",
    "partitioner.class",
    "partitioner.ignore.keys",
    "fetch.min.bytes",
    "fetch.max.bytes",
    "fetch.max.wait.ms",
    "max.partition.fetch.bytes",
    "max.poll.interval.ms",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "isolation.level",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "check.crcs",
    "connections.max.idle.ms",
    "reconnect.backoff.ms",
    "reconnect.backoff.max.ms",
    "default.api.timeout.ms",
    "interceptor.classes",
    "metric.reporters",
    "metrics.num.samples",
    "metrics.recording.level",
    "metrics.sample.window.ms",
    "client.dns.lookup",
    "enable.idempotence",
];

fn parse_u64(key: &str, v: &str) -> Result<u64, String> {
    v.trim().parse().map_err(|_| {
        format!("Invalid value {v} for configuration {key}: Not a number of type LONG")
    })
}

fn apply(
    out: &mut ClientOverrides,
    role: &str,
    name: &str,
    full_key: &str,
    value: &str,
) -> Result<(), String> {
    match (role, name) {
        ("producer", "delivery.timeout.ms") => {
            out.delivery_timeout = Duration::from_millis(parse_u64(full_key, value)?)
        }
        ("producer", "max.request.size") => {
            out.max_request_size = Some(parse_u64(full_key, value)? as usize)
        }
        ("consumer", "max.poll.records") => {
            out.max_poll_records = (parse_u64(full_key, value)? as usize).max(1)
        }
        ("consumer", "group.id") => {} // the sink's consumer group, applied by the sink task
        ("consumer", "auto.offset.reset") => {
            if !value.trim().eq_ignore_ascii_case("earliest") {
                return Err(format!(
                    "{full_key}={value} is not supported on RocketMQ: a sink without committed offsets starts at the earliest message (earliest is the only value)"
                ));
            }
        }
        ("producer", "transactional.id") | ("producer", "transaction.timeout.ms") => {
            return Err(format!(
                "{full_key} is not supported on RocketMQ: exactly-once source delivery is not available (records are delivered at least once)"
            ))
        }
        (_, "bootstrap.servers") => {
            return Err(format!(
                "{full_key} has no meaning here: records flow through RocketMQ (worker key rocketmq.namesrv.addr)"
            ))
        }
        (_, n) if n.starts_with("ssl.") || n.starts_with("sasl.") || n == "security.protocol" => {
            return Err(format!(
                "{full_key} has no meaning on RocketMQ: authenticate with the worker keys rocketmq.access.key and rocketmq.secret.key"
            ))
        }
        (_, n) if NO_EFFECT.contains(&n) => {}
        _ => {
            return Err(format!(
                "{full_key} has no meaning on RocketMQ; remove it (supported: producer delivery.timeout.ms and max.request.size, consumer group.id, max.poll.records and auto.offset.reset=earliest)"
            ))
        }
    }
    Ok(())
}

/// Worker-level client keys first, then the connector's overrides on top (Kafka's order).
pub fn resolve(worker: &Props, connector: &Props) -> Result<ClientOverrides, String> {
    let mut out = ClientOverrides::default();
    for role in ["producer", "consumer"] {
        let worker_prefix = format!("{role}.");
        for (k, v) in worker {
            if let Some(name) = k.strip_prefix(&worker_prefix) {
                // Checked by `check_worker` when a RocketMQ worker starts.
                let _ = apply(&mut out, role, name, k, v);
            }
        }
        let prefix = format!("{role}.override.");
        for (k, v) in connector {
            if let Some(name) = k.strip_prefix(&prefix) {
                apply(&mut out, role, name, k, v)?;
            }
        }
    }
    Ok(out)
}

/// The worker's own `producer.*` / `consumer.*` keys, checked at start.
pub fn check_worker(worker: &Props) -> Result<(), String> {
    let mut out = ClientOverrides::default();
    for (k, v) in worker {
        for role in ["producer", "consumer"] {
            if let Some(name) = k.strip_prefix(&format!("{role}.")) {
                if name.starts_with("override.") {
                    continue;
                }
                apply(&mut out, role, name, k, v)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;

    #[test]
    fn meaningful_keys_apply_connector_over_worker() {
        let worker = props([("producer.delivery.timeout.ms", "5000")]);
        let o = resolve(&worker, &Props::new()).unwrap();
        assert_eq!(o.delivery_timeout, Duration::from_secs(5));
        let o = resolve(
            &worker,
            &props([
                ("producer.override.delivery.timeout.ms", "7000"),
                ("producer.override.max.request.size", "1000"),
                ("consumer.override.max.poll.records", "20"),
                ("producer.override.linger.ms", "5"),
                ("consumer.override.auto.offset.reset", "earliest"),
            ]),
        )
        .unwrap();
        assert_eq!(o.delivery_timeout, Duration::from_secs(7));
        assert_eq!(o.max_request_size, Some(1000));
        assert_eq!(o.max_poll_records, 20);
    }

    #[test]
    fn keys_without_a_rocketmq_meaning_are_refused_with_the_reason() {
        for (key, value, says) in [
            ("producer.override.transactional.id", "t", "exactly-once"),
            ("consumer.override.auto.offset.reset", "latest", "earliest"),
            (
                "producer.override.bootstrap.servers",
                "k:9092",
                "rocketmq.namesrv.addr",
            ),
            (
                "consumer.override.sasl.mechanism",
                "PLAIN",
                "rocketmq.access.key",
            ),
            (
                "producer.override.no.such.key",
                "x",
                "no meaning on RocketMQ",
            ),
            (
                "producer.override.delivery.timeout.ms",
                "soon",
                "Not a number",
            ),
        ] {
            let err = resolve(&Props::new(), &props([(key, value)])).unwrap_err();
            assert!(err.contains(key) || err.contains(value), "{err}");
            assert!(err.contains(says), "{key}: {err}");
        }
        assert!(check_worker(&props([("producer.transactional.id", "x")])).is_err());
        assert!(check_worker(&props([("consumer.max.poll.records", "10")])).is_ok());
    }
}
