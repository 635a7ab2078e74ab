//! Worker configuration with Kafka Connect's key names (`WorkerConfig`,
//! `StandaloneConfig`), parsed from a `.properties` file.
//!
//! Kafka merely warns about unknown keys; we reject keys that neither Kafka Connect nor the
//! gateway knows, because a typo in `offset.flush.interval.ms` should not pass silently.
//! Keys Kafka knows but the gateway does not use are accepted and logged once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use connect_api::config::{ConfigDef, ConfigKey, ConfigType, Importance, ParsedConfig, Validator};
use connect_api::Props;

/// Keys whose whole prefix is passed through (client overrides, TLS listeners, providers...).
const PASS_THROUGH_PREFIXES: &[&str] = &[
    "producer.",
    "consumer.",
    "admin.",
    "key.converter.",
    "value.converter.",
    "header.converter.",
    "config.providers.",
    "listeners.https.",
    "admin.listeners.https.",
    "ssl.",
    "sasl.",
    "metrics.",
    "metric.",
    "security.",
    "bootstrap.",
    "client.",
    "rest.",
    "embedded.",
];

/// Kafka Connect worker keys the gateway accepts but does not act on (yet).
const KAFKA_KEYS_WITHOUT_EFFECT: &[&str] = &[
    "bootstrap.servers",
    "client.dns.lookup",
    "access.control.allow.origin",
    "access.control.allow.methods",
    "response.http.headers.config",
    "rest.extension.classes",
    "connector.client.config.override.policy",
    "config.providers",
    "metric.reporters",
    "auto.include.jmx.reporter",
    "group.id",
    "config.storage.topic",
    "offset.storage.topic",
    "status.storage.topic",
    "config.storage.replication.factor",
    "offset.storage.replication.factor",
    "status.storage.replication.factor",
    "offset.storage.partitions",
    "status.storage.partitions",
    "exactly.once.source.support",
    "inter.worker.key.generation.algorithm",
    "inter.worker.signature.algorithm",
    "inter.worker.verification.algorithms",
    "inter.worker.key.size",
    "inter.worker.key.ttl.ms",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "rebalance.timeout.ms",
    "scheduled.rebalance.max.delay.ms",
    "connect.protocol",
    "worker.sync.timeout.ms",
    "worker.unsync.backoff.ms",
    "internal.key.converter",
    "internal.value.converter",
    "request.timeout.ms",
    "retry.backoff.ms",
    "reconnect.backoff.ms",
    "receive.buffer.bytes",
    "send.buffer.bytes",
];

pub fn worker_config_def() -> ConfigDef {
    use Importance::*;
    let mut def = ConfigDef::new()
        .define(
            ConfigKey::new(
                "listeners",
                ConfigType::List,
                High,
                "Comma-separated URIs the Kafka Connect REST API listens on, e.g. http://:8083.",
            )
            .default_value("http://:8083"),
        )
        .define(
            ConfigKey::new(
                "admin.listeners",
                ConfigType::List,
                Low,
                "Listeners for /admin endpoints. Unset: the main listener; empty: admin endpoints disabled.",
            )
            .default_null(),
        )
        .define(
            ConfigKey::new(
                "rest.advertised.host.name",
                ConfigType::String,
                Low,
                "Host name shown as worker_id in statuses.",
            )
            .default_null(),
        )
        .define(
            ConfigKey::new(
                "rest.advertised.port",
                ConfigType::Int,
                Low,
                "Port shown as worker_id in statuses.",
            )
            .default_null(),
        )
        .define(
            ConfigKey::new(
                "rocketmq.rest.listeners",
                ConfigType::List,
                Low,
                "Listeners of the RocketMQ Connect REST API (RocketMQ Connect's port 8082); empty disables it.",
            )
            .default_value("http://0.0.0.0:8082"),
        )
        .define(
            ConfigKey::new(
                "plugin.path",
                ConfigType::List,
                Low,
                "Directories or jars holding JVM plugins (Kafka's plugin.path rules).",
            )
            .default_value(""),
        )
        .define(
            ConfigKey::new(
                "key.converter",
                ConfigType::Class,
                High,
                "Default key converter for connectors that set none.",
            )
            .default_value("org.apache.kafka.connect.json.JsonConverter"),
        )
        .define(
            ConfigKey::new(
                "value.converter",
                ConfigType::Class,
                High,
                "Default value converter for connectors that set none.",
            )
            .default_value("org.apache.kafka.connect.json.JsonConverter"),
        )
        .define(
            ConfigKey::new(
                "header.converter",
                ConfigType::Class,
                Low,
                "Default header converter.",
            )
            .default_value("org.apache.kafka.connect.storage.SimpleHeaderConverter"),
        )
        .define(
            ConfigKey::new(
                "offset.storage.file.filename",
                ConfigType::String,
                High,
                "Standalone: file that stores source offsets.",
            )
            .default_value("/tmp/connect.offsets"),
        )
        .define(
            ConfigKey::new(
                "config.storage.file.filename",
                ConfigType::String,
                Medium,
                "Standalone: file that keeps connector configs across restarts (gateway extension; default: next to the offsets file).",
            )
            .default_null(),
        )
        .define(
            ConfigKey::new(
                "offset.flush.interval.ms",
                ConfigType::Long,
                Low,
                "How often source offsets and sink positions are committed.",
            )
            .default_value("60000")
            .validator(Validator::at_least(1.0)),
        )
        .define(
            ConfigKey::new(
                "offset.flush.timeout.ms",
                ConfigType::Long,
                Low,
                "How long a flush may wait for outstanding acknowledgements.",
            )
            .default_value("5000")
            .validator(Validator::at_least(0.0)),
        )
        .define(
            ConfigKey::new(
                "task.shutdown.graceful.timeout.ms",
                ConfigType::Long,
                Low,
                "How long tasks get to stop before they are abandoned.",
            )
            .default_value("5000")
            .validator(Validator::at_least(0.0)),
        )
        .define(
            ConfigKey::new(
                "topic.tracking.enable",
                ConfigType::Boolean,
                Low,
                "Record the topics each connector uses.",
            )
            .default_value("true"),
        )
        .define(
            ConfigKey::new(
                "topic.tracking.allow.reset",
                ConfigType::Boolean,
                Low,
                "Allow resetting tracked topics over REST.",
            )
            .default_value("true"),
        )
        .define(
            ConfigKey::new(
                "topic.creation.enable",
                ConfigType::Boolean,
                Low,
                "Let source connectors create topics from their topic.creation.* settings.",
            )
            .default_value("true"),
        )
        .define(
            ConfigKey::new(
                "embedded.log.dir",
                ConfigType::String,
                Medium,
                "Directory of the embedded log used when no RocketMQ name server is configured (default: next to the offsets file).",
            )
            .default_null(),
        )
        .define(
            ConfigKey::new(
                "embedded.default.partitions",
                ConfigType::Int,
                Low,
                "Partitions of topics the embedded log creates on first use.",
            )
            .default_value("1")
            .validator(Validator::at_least(1.0)),
        )
        .define(
            ConfigKey::new(
                "embedded.max.message.bytes",
                ConfigType::Int,
                Low,
                "Largest message the embedded log accepts.",
            )
            .default_value("4194304")
            .validator(Validator::at_least(1.0)),
        );
    for (name, doc) in jvm_bridge::config::KEYS {
        def = def.define(ConfigKey::new(name, ConfigType::String, Low, doc).default_null());
    }
    def = def.define(
        ConfigKey::new(
            "plugin.discovery",
            ConfigType::String,
            Low,
            "How Kafka's plugin loader finds JVM plugins on plugin.path: only_scan, hybrid_warn, hybrid_fail or service_load.",
        )
        .default_value("hybrid_warn")
        .validator(Validator::one_of_ci(&["only_scan", "hybrid_warn", "hybrid_fail", "service_load"])),
    );
    for (name, doc) in crate::transport::rocketmq::config::KEYS {
        let secret = name.ends_with("secret.key");
        let key = ConfigKey::new(
            name,
            if secret {
                ConfigType::Password
            } else {
                ConfigType::String
            },
            Medium,
            doc,
        )
        .default_null();
        def = def.define(key);
    }
    def
}

/// The worker settings the gateway acts on.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub listeners: Vec<Listener>,
    pub admin_enabled: bool,
    pub advertised_host: Option<String>,
    pub advertised_port: Option<u16>,
    pub rocketmq_rest_listeners: Vec<Listener>,
    pub plugin_path: Vec<PathBuf>,
    pub key_converter: String,
    pub value_converter: String,
    pub header_converter: String,
    pub offsets_file: PathBuf,
    pub configs_file: PathBuf,
    pub embedded_log_dir: PathBuf,
    pub embedded_default_partitions: u32,
    pub embedded_max_message_bytes: usize,
    /// `Some` when `rocketmq.namesrv.addr` is set: records flow through RocketMQ.
    pub rocketmq: Option<crate::transport::rocketmq::RocketMqConfig>,
    pub offset_flush_interval: Duration,
    pub offset_flush_timeout: Duration,
    pub task_shutdown_timeout: Duration,
    pub topic_tracking_enable: bool,
    pub topic_tracking_allow_reset: bool,
    pub topic_creation_enable: bool,
    /// Every key as given, for converter defaults (`key.converter.*`) and later issues.
    pub originals: Props,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub host: String,
    pub port: u16,
}

impl Listener {
    /// `http://host:port`; an empty host binds all interfaces, like Kafka.
    pub fn parse(s: &str) -> Result<Listener, String> {
        let rest = s.strip_prefix("http://").ok_or_else(|| {
            format!("Invalid listener '{s}': only http:// listeners are supported")
        })?;
        let (host, port) = rest
            .rsplit_once(':')
            .ok_or_else(|| format!("Invalid listener '{s}': expected http://host:port"))?;
        let port: u16 = port
            .trim_end_matches('/')
            .parse()
            .map_err(|_| format!("Invalid listener '{s}': port is not a number"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        Ok(Listener {
            host: if host.is_empty() {
                "0.0.0.0".to_string()
            } else {
                host.to_string()
            },
            port,
        })
    }

    pub fn bind_addr(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl WorkerConfig {
    pub fn from_props(props: &Props) -> Result<WorkerConfig, String> {
        let def = worker_config_def();
        check_keys(&def, props)?;
        let parsed = def.parse(props).map_err(|e| e.message)?;
        Self::from_parsed(&parsed)
    }

    pub fn load(path: &Path) -> Result<WorkerConfig, String> {
        let props = read_properties(path)?;
        Self::from_props(&props).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn from_parsed(p: &ParsedConfig) -> Result<WorkerConfig, String> {
        let listeners = p
            .list("listeners")
            .iter()
            .map(|l| Listener::parse(l))
            .collect::<Result<Vec<_>, _>>()?;
        if listeners.is_empty() {
            return Err(
                "Invalid value for configuration listeners: at least one listener is required"
                    .into(),
            );
        }
        let admin_enabled = !matches!(p.get("admin.listeners"), Some(v) if v.as_list().is_some_and(<[String]>::is_empty));
        let rocketmq_rest_listeners = p
            .list("rocketmq.rest.listeners")
            .iter()
            .map(|l| Listener::parse(l))
            .collect::<Result<Vec<_>, _>>()?;
        let offsets_file =
            PathBuf::from(p.string("offset.storage.file.filename").unwrap_or_default());
        let base = offsets_file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let stem = offsets_file
            .file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "connect".into());
        let configs_file = p
            .string("config.storage.file.filename")
            .map(PathBuf::from)
            .unwrap_or_else(|| base.join(format!("{stem}.connectors.json")));
        let embedded_log_dir = p
            .string("embedded.log.dir")
            .map(PathBuf::from)
            .unwrap_or_else(|| base.join(format!("{stem}.log")));
        let ms = |k: &str| Duration::from_millis(p.int(k).unwrap_or(0).max(0) as u64);
        let advertised_port = match p.int("rest.advertised.port") {
            Some(v) => Some(u16::try_from(v).map_err(|_| {
                format!("Invalid value {v} for configuration rest.advertised.port: not a port")
            })?),
            None => None,
        };
        let rocketmq =
            crate::transport::rocketmq::RocketMqConfig::from_worker_props(p.originals(), &base)?;
        if rocketmq.is_some() {
            // Worker-level producer.* / consumer.* keys: checked once here, then trusted.
            crate::worker::client_overrides::check_worker(p.originals())?;
        }
        Ok(WorkerConfig {
            rocketmq,
            listeners,
            admin_enabled,
            advertised_host: p.string("rest.advertised.host.name"),
            advertised_port,
            rocketmq_rest_listeners,
            plugin_path: p
                .list("plugin.path")
                .into_iter()
                .map(PathBuf::from)
                .collect(),
            key_converter: p.string("key.converter").unwrap_or_default(),
            value_converter: p.string("value.converter").unwrap_or_default(),
            header_converter: p.string("header.converter").unwrap_or_default(),
            offsets_file,
            configs_file,
            embedded_log_dir,
            embedded_default_partitions: p.int("embedded.default.partitions").unwrap_or(1).max(1)
                as u32,
            embedded_max_message_bytes: p
                .int("embedded.max.message.bytes")
                .unwrap_or(4 << 20)
                .max(1) as usize,
            offset_flush_interval: ms("offset.flush.interval.ms"),
            offset_flush_timeout: ms("offset.flush.timeout.ms"),
            task_shutdown_timeout: ms("task.shutdown.graceful.timeout.ms"),
            topic_tracking_enable: p.boolean("topic.tracking.enable").unwrap_or(true),
            topic_tracking_allow_reset: p.boolean("topic.tracking.allow.reset").unwrap_or(true),
            topic_creation_enable: p.boolean("topic.creation.enable").unwrap_or(true),
            originals: p.originals().clone(),
        })
    }

    /// `host:port` for statuses (Kafka's `worker_id`).
    pub fn worker_id(&self, bound_port: u16) -> String {
        let host = self.advertised_host.clone().unwrap_or_else(|| {
            match self.listeners.first().map(|l| l.host.as_str()) {
                Some("0.0.0.0") | Some("::") | None => local_host_name(),
                Some(h) => h.to_string(),
            }
        });
        format!("{}:{}", host, self.advertised_port.unwrap_or(bound_port))
    }
}

fn local_host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// Rejects keys nobody knows, suggesting the closest known key.
fn check_keys(def: &ConfigDef, props: &Props) -> Result<(), String> {
    for key in props.keys() {
        if def.key(key).is_some() || KAFKA_KEYS_WITHOUT_EFFECT.contains(&key.as_str()) {
            if KAFKA_KEYS_WITHOUT_EFFECT.contains(&key.as_str()) {
                tracing::info!(key = %key, "worker config key is accepted for Kafka compatibility but has no effect in connect-gateway");
            }
            continue;
        }
        if PASS_THROUGH_PREFIXES.iter().any(|p| key.starts_with(p)) {
            continue;
        }
        let known = def
            .keys()
            .iter()
            .map(|k| k.name.as_str())
            .chain(KAFKA_KEYS_WITHOUT_EFFECT.iter().copied());
        let suggestion = known
            .map(|k| (strsim::levenshtein(k, key), k))
            .min()
            .filter(|(d, _)| *d <= 3)
            .map(|(_, k)| format!(" Did you mean '{k}'?"))
            .unwrap_or_default();
        return Err(format!("Unknown worker configuration '{key}'.{suggestion}"));
    }
    Ok(())
}

/// Reads a Java `.properties` file (escapes, continuation lines, `:` or `=`).
pub fn read_properties(path: &Path) -> Result<Props, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
    let map = java_properties::read(std::io::BufReader::new(file))
        .map_err(|e| format!("Cannot parse {}: {e}", path.display()))?;
    Ok(map.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;

    #[test]
    fn defaults_like_kafka() {
        let c =
            WorkerConfig::from_props(&props([("offset.storage.file.filename", "/x/o.offsets")]))
                .unwrap();
        assert_eq!(
            c.listeners,
            vec![Listener {
                host: "0.0.0.0".into(),
                port: 8083
            }]
        );
        assert_eq!(
            c.rocketmq_rest_listeners,
            vec![Listener {
                host: "0.0.0.0".into(),
                port: 8082
            }]
        );
        assert_eq!(c.offset_flush_interval, Duration::from_secs(60));
        assert_eq!(
            c.configs_file,
            PathBuf::from("/x/o.offsets.connectors.json")
        );
    }

    #[test]
    fn empty_rocketmq_rest_listeners_turn_the_api_off() {
        let c = WorkerConfig::from_props(&props([("rocketmq.rest.listeners", "")])).unwrap();
        assert!(c.rocketmq_rest_listeners.is_empty());
        let e = WorkerConfig::from_props(&props([("rocketmq.rest.listeners", "tcp://x:1")]))
            .unwrap_err();
        assert!(e.contains("tcp://x:1"), "{e}");
    }

    #[test]
    fn rocketmq_worker_refuses_kafka_client_keys_it_cannot_honour() {
        let base = [
            ("offset.storage.file.filename", "/x/o.offsets"),
            ("rocketmq.namesrv.addr", "127.0.0.1:9876"),
        ];
        let e = WorkerConfig::from_props(&props(
            base.into_iter().chain([("producer.transactional.id", "t")]),
        ))
        .unwrap_err();
        assert!(e.contains("producer.transactional.id"), "{e}");
        let ok = WorkerConfig::from_props(&props(
            base.into_iter()
                .chain([("consumer.max.poll.records", "10")]),
        ))
        .unwrap();
        assert!(ok.rocketmq.is_some());
    }

    #[test]
    fn typo_is_named_with_a_suggestion() {
        let e =
            WorkerConfig::from_props(&props([("offset.flush.intervall.ms", "10")])).unwrap_err();
        assert!(e.contains("'offset.flush.intervall.ms'"), "{e}");
        assert!(e.contains("Did you mean 'offset.flush.interval.ms'"), "{e}");
    }

    #[test]
    fn bad_value_is_named() {
        let e =
            WorkerConfig::from_props(&props([("offset.flush.interval.ms", "soon")])).unwrap_err();
        assert!(e.contains("offset.flush.interval.ms"), "{e}");
        let e = WorkerConfig::from_props(&props([("listeners", "ftp://x:1")])).unwrap_err();
        assert!(e.contains("ftp://x:1"), "{e}");
    }

    #[test]
    fn kafka_keys_pass() {
        WorkerConfig::from_props(&props([
            ("bootstrap.servers", "localhost:9092"),
            ("key.converter.schemas.enable", "false"),
            ("producer.override.linger.ms", "5"),
        ]))
        .unwrap();
    }
}
