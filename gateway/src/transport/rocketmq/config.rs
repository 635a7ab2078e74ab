//! RocketMQ settings of the worker (`rocketmq.*` keys, plus the worker-level `producer.*`
//! and `consumer.*` keys that have a RocketMQ meaning).

use std::path::PathBuf;

use connect_api::Props;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RocketMqConfig {
    /// `host:port;host:port` (RocketMQ's separator; commas are accepted too).
    pub namesrv_addr: String,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub producer_group: String,
    pub send_timeout_ms: u32,
    /// Largest message body the gateway sends; larger records are rejected before sending.
    pub max_message_size: u32,
    /// Bytes per batch request to one queue (RocketMQ checks a batch against its max size).
    pub max_batch_bytes: usize,
    pub max_batch_messages: usize,
    /// Queues of topics created without `topic.creation.*` settings.
    pub default_queues: u32,
    pub auto_create_topics: bool,
    pub topic_mapping: String,
    pub registry_file: Option<PathBuf>,
    pub pull_batch_size: i32,
}

impl Default for RocketMqConfig {
    fn default() -> Self {
        RocketMqConfig {
            namesrv_addr: "127.0.0.1:9876".into(),
            access_key: None,
            secret_key: None,
            producer_group: "connect-gateway".into(),
            send_timeout_ms: 3_000,
            max_message_size: 4 * 1024 * 1024,
            max_batch_bytes: 1024 * 1024,
            max_batch_messages: 1_000,
            default_queues: 4,
            auto_create_topics: true,
            topic_mapping: String::new(),
            registry_file: None,
            pull_batch_size: 500,
        }
    }
}

/// The worker keys this module reads; `worker_config` declares them.
pub const KEYS: &[(&str, &str)] = &[
    ("rocketmq.namesrv.addr", "Name server addresses (host:port, separated by ';' or ','). Set: records flow through RocketMQ; unset: the embedded log."),
    ("rocketmq.access.key", "ACL access key; with rocketmq.secret.key every request is signed."),
    ("rocketmq.secret.key", "ACL secret key."),
    ("rocketmq.producer.group", "Producer group of the worker's producer (default connect-gateway-<group.id>)."),
    ("rocketmq.send.timeout.ms", "Timeout of one send request (default 3000; producer.request.timeout.ms also sets it)."),
    ("rocketmq.max.message.bytes", "Largest record value sent (default 4194304, the broker's default maxMessageSize; producer.max.request.size also sets it)."),
    ("rocketmq.batch.max.bytes", "Bytes per batch request to one queue (default 1048576)."),
    ("rocketmq.topic.default.queues", "Queues of topics created without topic.creation.* (default 4)."),
    ("rocketmq.topic.auto.create", "Create missing topics on first send (default true)."),
    ("rocketmq.topic.mapping", "Overrides of the topic name rule: kafka.topic:ROCKETMQ_TOPIC,..."),
    ("rocketmq.queue.registry.file", "Where the partition -> queue registry is kept (default next to the offsets file)."),
    ("rocketmq.pull.batch.size", "Messages per pull request of sink consumers (default 500; consumer.max.poll.records also sets it)."),
];

fn parse<T: std::str::FromStr>(props: &Props, key: &str) -> Result<Option<T>, String> {
    match props.get(key) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("Invalid value {v} for configuration {key}")),
    }
}

impl RocketMqConfig {
    /// `None` when no name server is configured (the worker keeps the embedded log).
    pub fn from_worker_props(
        props: &Props,
        default_registry_dir: &std::path::Path,
    ) -> Result<Option<RocketMqConfig>, String> {
        let Some(addr) = props.get("rocketmq.namesrv.addr").map(|a| a.trim()) else {
            return Ok(None);
        };
        if addr.is_empty() {
            return Ok(None);
        }
        let addrs: Vec<&str> = addr
            .split([';', ','])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        for a in &addrs {
            let ok = a
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
            if !ok {
                return Err(format!(
                    "Invalid value {addr} for configuration rocketmq.namesrv.addr: '{a}' is not host:port"
                ));
            }
        }
        let mut c = RocketMqConfig {
            namesrv_addr: addrs.join(";"),
            ..RocketMqConfig::default()
        };
        c.access_key = props.get("rocketmq.access.key").cloned();
        c.secret_key = props.get("rocketmq.secret.key").cloned();
        if c.access_key.is_some() != c.secret_key.is_some() {
            return Err(
                "rocketmq.access.key and rocketmq.secret.key must be set together".to_string(),
            );
        }
        let group = props
            .get("group.id")
            .map(String::as_str)
            .unwrap_or("standalone");
        c.producer_group = props
            .get("rocketmq.producer.group")
            .cloned()
            .unwrap_or_else(|| format!("connect-gateway-{group}"));
        if let Some(v) = parse(props, "producer.request.timeout.ms")? {
            c.send_timeout_ms = v;
        }
        if let Some(v) = parse(props, "rocketmq.send.timeout.ms")? {
            c.send_timeout_ms = v;
        }
        if let Some(v) = parse(props, "producer.max.request.size")? {
            c.max_message_size = v;
        }
        if let Some(v) = parse(props, "rocketmq.max.message.bytes")? {
            c.max_message_size = v;
        }
        if let Some(v) = parse(props, "rocketmq.batch.max.bytes")? {
            c.max_batch_bytes = v;
        }
        c.max_batch_bytes = c.max_batch_bytes.min(c.max_message_size as usize).max(1);
        if let Some(v) = parse::<u32>(props, "rocketmq.topic.default.queues")? {
            c.default_queues = v.max(1);
        }
        if let Some(v) = parse(props, "rocketmq.topic.auto.create")? {
            c.auto_create_topics = v;
        }
        if let Some(v) = props.get("rocketmq.topic.mapping") {
            c.topic_mapping = v.clone();
        }
        c.registry_file = Some(
            props
                .get("rocketmq.queue.registry.file")
                .map(PathBuf::from)
                .unwrap_or_else(|| default_registry_dir.join("rocketmq-queues.json")),
        );
        if let Some(v) = parse(props, "consumer.max.poll.records")? {
            c.pull_batch_size = v;
        }
        if let Some(v) = parse(props, "rocketmq.pull.batch.size")? {
            c.pull_batch_size = v;
        }
        // Fail at start, not at the first record.
        super::naming::TopicNaming::from_overrides(&c.topic_mapping)?;
        Ok(Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Props {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn no_name_server_means_embedded() {
        let dir = std::path::Path::new("/tmp");
        assert_eq!(
            RocketMqConfig::from_worker_props(&props(&[]), dir),
            Ok(None)
        );
    }

    #[test]
    fn several_name_servers_and_overrides() {
        let dir = std::path::Path::new("/data");
        let c = RocketMqConfig::from_worker_props(
            &props(&[
                ("rocketmq.namesrv.addr", "a:9876, b:9877"),
                ("producer.max.request.size", "1000"),
                ("consumer.max.poll.records", "7"),
                ("group.id", "g"),
            ]),
            dir,
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.namesrv_addr, "a:9876;b:9877");
        assert_eq!(c.max_message_size, 1000);
        assert_eq!(c.max_batch_bytes, 1000);
        assert_eq!(c.pull_batch_size, 7);
        assert_eq!(c.producer_group, "connect-gateway-g");
        assert_eq!(
            c.registry_file,
            Some(PathBuf::from("/data/rocketmq-queues.json"))
        );
    }

    #[test]
    fn bad_values_are_named() {
        let dir = std::path::Path::new("/tmp");
        let err = RocketMqConfig::from_worker_props(
            &props(&[("rocketmq.namesrv.addr", "nohostport")]),
            dir,
        )
        .unwrap_err();
        assert!(err.contains("rocketmq.namesrv.addr"), "{err}");
        let err = RocketMqConfig::from_worker_props(
            &props(&[
                ("rocketmq.namesrv.addr", "a:1"),
                ("rocketmq.access.key", "ak"),
            ]),
            dir,
        )
        .unwrap_err();
        assert!(err.contains("together"), "{err}");
        let err = RocketMqConfig::from_worker_props(
            &props(&[
                ("rocketmq.namesrv.addr", "a:1"),
                ("rocketmq.topic.mapping", "x"),
            ]),
            dir,
        )
        .unwrap_err();
        assert!(err.contains("rocketmq.topic.mapping"), "{err}");
    }
}
