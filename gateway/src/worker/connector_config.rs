//! Framework connector keys (`ConnectorConfig`, `SinkConnectorConfig`,
//! `SourceConnectorConfig`) and the validation pipeline behind `/config/validate` and create.
//!
//! The definitions (documentation, display names, widths, group order) are API data: clients
//! render forms from them, so they are spelled exactly as a Kafka Connect 4.x worker returns
//! them. The validation follows Kafka's `AbstractHerder.validateConnectorConfig`: framework
//! keys (with one group per transformation and predicate alias), then the connector's own
//! keys, then one section per converter the connector sets.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use connect_api::config::{
    java_hash_order, originals_with_prefix, ConfigKey, ConfigType, ConfigValueKind, DefaultValue,
    Importance, Width,
};
use connect_api::{ConfigDef, ConfigValue, ConnectorType, PluginType, Props, Validator};

use crate::herder::{ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigValueInfo, NullableProps};
use crate::worker::plugins::{Plugins, ResolvedClass};

pub const COMMON_GROUP: &str = "Common";
pub const TRANSFORMS_GROUP: &str = "Transforms";
pub const PREDICATES_GROUP: &str = "Predicates";
pub const ERROR_GROUP: &str = "Error Handling";
const TOPIC_CREATION_GROUP: &str = "Topic Creation";
const EXACTLY_ONCE_GROUP: &str = "Exactly Once Support";
const OFFSETS_TOPIC_GROUP: &str = "offsets.topic";

const NULL_VALUE_ERROR: &str = "Null value can not be supplied as the configuration value.";

/// The converter classes a connector gets when it sets none (the worker's `key.converter`,
/// `value.converter` and `header.converter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConverterDefaults {
    pub key: String,
    pub value: String,
    pub header: String,
}

impl Default for ConverterDefaults {
    /// Kafka's worker defaults.
    fn default() -> Self {
        ConverterDefaults {
            key: "org.apache.kafka.connect.json.JsonConverter".into(),
            value: "org.apache.kafka.connect.json.JsonConverter".into(),
            header: "org.apache.kafka.connect.storage.SimpleHeaderConverter".into(),
        }
    }
}

/// The three converter slots of a connector, in the order Kafka reports their sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Header,
    Key,
    Value,
}

impl Slot {
    const ALL: [Slot; 3] = [Slot::Header, Slot::Key, Slot::Value];

    fn key(self) -> &'static str {
        match self {
            Slot::Key => "key.converter",
            Slot::Value => "value.converter",
            Slot::Header => "header.converter",
        }
    }
    fn version_key(self) -> String {
        format!("{}.plugin.version", self.key())
    }
    fn plugin_type(self) -> PluginType {
        match self {
            Slot::Key | Slot::Value => PluginType::Converter,
            Slot::Header => PluginType::HeaderConverter,
        }
    }
    /// The `converter.type` the worker configures the instance with.
    fn converter_type(self) -> &'static str {
        match self {
            Slot::Key => "key",
            Slot::Value => "value",
            Slot::Header => "header",
        }
    }
    fn default_class(self, d: &ConverterDefaults) -> &str {
        match self {
            Slot::Key => &d.key,
            Slot::Value => &d.value,
            Slot::Header => &d.header,
        }
    }
}

fn interface_name(t: PluginType) -> &'static str {
    match t {
        PluginType::Source | PluginType::Sink => "Connector",
        PluginType::Converter => "Converter",
        PluginType::HeaderConverter => "HeaderConverter",
        PluginType::Transformation => "Transformation",
        PluginType::Predicate => "Predicate",
    }
}

/// `NonEmptyStringWithoutControlChars`: null passes, "" and ISO control characters do not.
fn connector_name_validator() -> Validator {
    Validator::custom("non-empty string without ISO control characters", |_, v| {
        let ConfigValueKind::String(s) = v else {
            return Ok(());
        };
        if s.is_empty() {
            return Err("String may not be empty".into());
        }
        let controls: Vec<String> = s
            .chars()
            .filter(|c| c.is_control())
            .map(|c| u32::from(c).to_string())
            .collect();
        if controls.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "String may not contain control sequences but had the following ASCII chars: {}",
                controls.join(", ")
            ))
        }
    })
}

/// The alias lists: no null, no alias twice.
fn alias_list_validator() -> Validator {
    Validator::custom("unique aliases", |_, v| match v {
        ConfigValueKind::Null => Err("entry must be non null".into()),
        ConfigValueKind::List(aliases) => {
            let unique: BTreeSet<&String> = aliases.iter().collect();
            if unique.len() == aliases.len() {
                Ok(())
            } else {
                Err("Duplicate alias provided.".into())
            }
        }
        _ => Ok(()),
    })
}

fn common_keys(connector_version: Option<&str>) -> ConfigDef {
    use Importance::*;
    let version = ConfigKey::new(
        "connector.plugin.version",
        ConfigType::String,
        Medium,
        "Version of the connector.",
    );
    let version = match connector_version {
        Some(v) => version.default_value(v),
        None => version.default_null(),
    };
    let converter_doc = |what: &str| {
        format!(
            "Converter class used to convert between Kafka Connect format and the serialized form \
             that is written to Kafka. This controls the format of the {what} in messages written \
             to or read from Kafka, and since this is independent of connectors it allows any \
             connector to work with any serialization format. Examples of common formats include \
             JSON and Avro."
        )
    };
    ConfigDef::new()
        .define(
            ConfigKey::new(
                "name",
                ConfigType::String,
                High,
                "Globally unique name to use for this connector.",
            )
            .validator(connector_name_validator())
            .group(COMMON_GROUP, 1, Width::Medium, "Connector name"),
        )
        .define(
            ConfigKey::new(
                "connector.class",
                ConfigType::String,
                High,
                "Name or alias of the class for this connector. Must be a subclass of \
                 org.apache.kafka.connect.connector.Connector. If the connector is \
                 org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify \
                 this full name,  or use \"FileStreamSink\" or \"FileStreamSinkConnector\" to \
                 make the configuration a bit shorter",
            )
            .group(COMMON_GROUP, 2, Width::Long, "Connector class"),
        )
        .define(version.group(COMMON_GROUP, 3, Width::Medium, "Connector version"))
        .define(
            ConfigKey::new(
                "tasks.max",
                ConfigType::Int,
                High,
                "Maximum number of tasks to use for this connector.",
            )
            .default_value("1")
            .validator(Validator::at_least(1.0))
            .group(COMMON_GROUP, 4, Width::Short, "Tasks max"),
        )
        .define(
            ConfigKey::new(
                "tasks.max.enforce",
                ConfigType::Boolean,
                Low,
                "(Deprecated) Whether to enforce that the tasks.max property is respected by the \
                 connector. By default, connectors that generate too many tasks will fail, and \
                 existing sets of tasks that exceed the tasks.max property will also be failed. \
                 If this property is set to false, then connectors will be allowed to generate \
                 more than the maximum number of tasks, and existing sets of tasks that exceed \
                 the tasks.max property will be allowed to run. This property is deprecated and \
                 will be removed in an upcoming major release.",
            )
            .default_value("true")
            .group(COMMON_GROUP, 5, Width::Short, "Enforce tasks max"),
        )
        .define(
            ConfigKey::new(
                "key.converter",
                ConfigType::Class,
                Low,
                &converter_doc("keys"),
            )
            .default_null()
            .group(COMMON_GROUP, 6, Width::Short, "Key converter class"),
        )
        .define(
            ConfigKey::new(
                "key.converter.plugin.version",
                ConfigType::String,
                Low,
                "Version of the key converter.",
            )
            .default_null()
            .group(COMMON_GROUP, 7, Width::Short, "Key converter version"),
        )
        .define(
            ConfigKey::new(
                "value.converter",
                ConfigType::Class,
                Low,
                &converter_doc("values"),
            )
            .default_null()
            .group(COMMON_GROUP, 8, Width::Short, "Value converter class"),
        )
        .define(
            ConfigKey::new(
                "value.converter.plugin.version",
                ConfigType::String,
                Low,
                "Version of the value converter.",
            )
            .default_null()
            .group(COMMON_GROUP, 9, Width::Short, "Value converter version"),
        )
        .define(
            ConfigKey::new(
                "header.converter",
                ConfigType::Class,
                Low,
                "HeaderConverter class used to convert between Kafka Connect format and the \
                 serialized form that is written to Kafka. This controls the format of the header \
                 values in messages written to or read from Kafka, and since this is independent \
                 of connectors it allows any connector to work with any serialization format. \
                 Examples of common formats include JSON and Avro. By default, the \
                 SimpleHeaderConverter is used to serialize header values to strings and \
                 deserialize them by inferring the schemas.",
            )
            .default_null()
            .group(COMMON_GROUP, 10, Width::Short, "Header converter class"),
        )
        .define(
            ConfigKey::new(
                "header.converter.plugin.version",
                ConfigType::String,
                Low,
                "Version of the header converter.",
            )
            .default_null()
            .group(COMMON_GROUP, 11, Width::Short, "Header converter version"),
        )
        .define(
            ConfigKey::new(
                "transforms",
                ConfigType::List,
                Low,
                "Aliases for the transformations to be applied to records.",
            )
            .default_value("")
            .validator(alias_list_validator())
            .group(TRANSFORMS_GROUP, 12, Width::Long, "Transforms"),
        )
        .define(
            ConfigKey::new(
                "predicates",
                ConfigType::List,
                Low,
                "Aliases for the predicates used by transformations.",
            )
            .default_value("")
            .validator(alias_list_validator())
            .group(PREDICATES_GROUP, 13, Width::Long, "Predicates"),
        )
        .define(
            ConfigKey::new(
                "config.action.reload",
                ConfigType::String,
                Low,
                "The action that Connect should take on the connector when changes in external \
                 configuration providers result in a change in the connector's configuration \
                 properties. A value of 'none' indicates that Connect will do nothing. A value of \
                 'restart' indicates that Connect should restart/reload the connector with the \
                 updated configuration properties.The restart may actually be scheduled in the \
                 future if the external configuration provider indicates that a configuration \
                 value will expire in the future.",
            )
            .default_value("restart")
            .validator(Validator::one_of(&["none", "restart"]))
            .group(COMMON_GROUP, 14, Width::Medium, "Reload Action"),
        )
        .define(
            ConfigKey::new(
                "errors.retry.timeout",
                ConfigType::Long,
                Medium,
                "The maximum duration in milliseconds that a failed operation will be \
                 reattempted. The default is 0, which means no retries will be attempted. Use -1 \
                 for infinite retries.",
            )
            .default_value("0")
            .group(ERROR_GROUP, 1, Width::Medium, "Retry Timeout for Errors"),
        )
        .define(
            ConfigKey::new(
                "errors.retry.delay.max.ms",
                ConfigType::Long,
                Medium,
                "The maximum duration in milliseconds between consecutive retry attempts. Jitter \
                 will be added to the delay once this limit is reached to prevent thundering herd \
                 issues.",
            )
            .default_value("60000")
            .group(
                ERROR_GROUP,
                2,
                Width::Medium,
                "Maximum Delay Between Retries for Errors",
            ),
        )
        .define(
            ConfigKey::new(
                "errors.tolerance",
                ConfigType::String,
                Medium,
                "Behavior for tolerating errors during connector operation. 'none' is the default \
                 value and signals that any error will result in an immediate connector task \
                 failure; 'all' changes the behavior to skip over problematic records.",
            )
            .default_value("none")
            .validator(Validator::one_of(&["none", "all"]))
            .group(ERROR_GROUP, 3, Width::Short, "Error Tolerance"),
        )
        .define(
            ConfigKey::new(
                "errors.log.enable",
                ConfigType::Boolean,
                Medium,
                "If true, write each error and the details of the failed operation and \
                 problematic record to the Connect application log. This is 'false' by default, \
                 so that only errors that are not tolerated are reported.",
            )
            .default_value("false")
            .group(ERROR_GROUP, 4, Width::Short, "Log Errors"),
        )
        .define(
            ConfigKey::new(
                "errors.log.include.messages",
                ConfigType::Boolean,
                Medium,
                "Whether to include in the log the Connect record that resulted in a failure. For \
                 sink records, the topic, partition, offset, and timestamp will be logged. For \
                 source records, the key and value (and their schemas), all headers, and the \
                 timestamp, Kafka topic, Kafka partition, source partition, and source offset \
                 will be logged. This is 'false' by default, which will prevent record keys, \
                 values, and headers from being written to log files.",
            )
            .default_value("false")
            .group(ERROR_GROUP, 5, Width::Short, "Log Error Details"),
        )
}

fn sink_keys(connector_version: Option<&str>) -> ConfigDef {
    use Importance::*;
    let mut def = common_keys(connector_version);
    def.add(
        ConfigKey::new(
            "topics",
            ConfigType::List,
            High,
            "List of topics to consume, separated by commas",
        )
        .default_value("")
        .group(COMMON_GROUP, 4, Width::Long, "Topics"),
    );
    def.add(
        ConfigKey::new(
            "topics.regex",
            ConfigType::String,
            High,
            "Regular expression giving topics to consume. Under the hood, the regex is compiled \
             to a <code>java.util.regex.Pattern</code>. Only one of topics or topics.regex should \
             be specified.",
        )
        .default_value("")
        .validator(Validator::custom("valid regex", |_, v| match v {
            ConfigValueKind::String(re) if !re.is_empty() => regex::Regex::new(re)
                .map(|_| ())
                .map_err(|e| format!("Invalid regex: {e}")),
            _ => Ok(()),
        }))
        .group(COMMON_GROUP, 4, Width::Long, "Topics regex"),
    );
    def.add(
        ConfigKey::new(
            "errors.deadletterqueue.topic.name",
            ConfigType::String,
            Medium,
            "The name of the topic to be used as the dead letter queue (DLQ) for messages that \
             result in an error when processed by this sink connector, or its transformations or \
             converters. The topic name is blank by default, which means that no messages are to \
             be recorded in the DLQ.",
        )
        .default_value("")
        .group(
            ERROR_GROUP,
            6,
            Width::Medium,
            "Dead Letter Queue Topic Name",
        ),
    );
    def.add(
        ConfigKey::new(
            "errors.deadletterqueue.topic.replication.factor",
            ConfigType::Short,
            Medium,
            "Replication factor used to create the dead letter queue topic when it doesn't \
             already exist.",
        )
        .default_value("3")
        .group(
            ERROR_GROUP,
            7,
            Width::Medium,
            "Dead Letter Queue Topic Replication Factor",
        ),
    );
    def.add(
        ConfigKey::new(
            "errors.deadletterqueue.context.headers.enable",
            ConfigType::Boolean,
            Medium,
            "If true, add headers containing error context to the messages written to the dead \
             letter queue. To avoid clashing with headers from the original record, all error \
             context header keys, all error context header keys will start with \
             <code>__connect.errors.</code>",
        )
        .default_value("false")
        .group(
            ERROR_GROUP,
            8,
            Width::Medium,
            "Enable Error Context Headers",
        ),
    );
    def
}

fn source_keys(connector_version: Option<&str>) -> ConfigDef {
    use Importance::*;
    let mut def = common_keys(connector_version);
    def.add(
        ConfigKey::new(
            "topic.creation.groups",
            ConfigType::List,
            Low,
            "Groups of configurations for topics created by source connectors",
        )
        .default_value("")
        .group(
            TOPIC_CREATION_GROUP,
            1,
            Width::Long,
            "Topic Creation Groups",
        ),
    );
    def.add(
        ConfigKey::new(
            "exactly.once.support",
            ConfigType::String,
            Medium,
            "Permitted values are requested, required. If set to \"required\", forces a \
             preflight check for the connector to ensure that it can provide exactly-once \
             semantics with the given configuration. Some connectors may be capable of providing \
             exactly-once semantics but not signal to Connect that they support this; in that \
             case, documentation for the connector should be consulted carefully before creating \
             it, and the value for this property should be set to \"requested\". Additionally, \
             if the value is set to \"required\" but the worker that performs preflight \
             validation does not have exactly-once support enabled for source connectors, \
             requests to create or validate the connector will fail.",
        )
        .default_value("requested")
        .validator(Validator::one_of_ci(&["requested", "required"]))
        .group(EXACTLY_ONCE_GROUP, 2, Width::Short, "Exactly once support"),
    );
    def.add(
        ConfigKey::new(
            "transaction.boundary",
            ConfigType::String,
            Medium,
            "Permitted values are: poll, interval, connector. If set to 'poll', a new producer \
             transaction will be started and committed for every batch of records that each task \
             from this connector provides to Connect. If set to 'connector', relies on \
             connector-defined transaction boundaries; note that not all connectors are capable \
             of defining their own transaction boundaries, and in that case, attempts to \
             instantiate a connector with this value will fail. Finally, if set to 'interval', \
             commits transactions only after a user-defined time interval has passed.",
        )
        .default_value("poll")
        .validator(Validator::one_of_ci(&["poll", "interval", "connector"]))
        .group(EXACTLY_ONCE_GROUP, 3, Width::Short, "Transaction Boundary"),
    );
    def.add(
        ConfigKey::new(
            "transaction.boundary.interval.ms",
            ConfigType::Long,
            Low,
            "If 'transaction.boundary' is set to 'interval', determines the interval for \
             producer transaction commits by connector tasks. If unset, defaults to the value of \
             the worker-level 'offset.flush.interval.ms' property. It has no effect if a \
             different transaction.boundary is specified.",
        )
        .default_null()
        // Unset is fine (the worker's flush interval applies); a value must not be negative.
        .validator(Validator::custom("null or at least 0", |_, v| match v {
            ConfigValueKind::Int(n) if *n < 0 => Err("Value must be at least 0".into()),
            _ => Ok(()),
        }))
        .group(
            EXACTLY_ONCE_GROUP,
            4,
            Width::Short,
            "Transaction boundary interval",
        ),
    );
    def.add(
        ConfigKey::new(
            "offsets.storage.topic",
            ConfigType::String,
            Low,
            "The name of a separate offsets topic to use for this connector. If empty or not \
             specified, the worker\u{2019}s global offsets topic name will be used. If specified, \
             the offsets topic will be created if it does not already exist on the Kafka cluster \
             targeted by this connector (which may be different from the one used for the \
             worker's global offsets topic if the bootstrap.servers property of the connector's \
             producer has been overridden from the worker's). Only applicable in distributed \
             mode; in standalone mode, setting this property will have no effect.",
        )
        .default_null()
        .group(OFFSETS_TOPIC_GROUP, 1, Width::Long, "Offsets topic"),
    );
    def
}

/// The framework keys for a connector type (Kafka's `SinkConnectorConfig.configDef()` etc.).
/// `connector_version` is the default of `connector.plugin.version`.
pub fn framework_def(t: ConnectorType, connector_version: Option<&str>) -> ConfigDef {
    match t {
        ConnectorType::Sink => sink_keys(connector_version),
        ConnectorType::Source => source_keys(connector_version),
    }
}

/// Kafka's `ConfigDef.sortedConfigs()` order, which `embed` numbers a plugin's keys by:
/// ungrouped keys first, then by group, order in group, required before defaulted,
/// importance (high first) and name.
fn kafka_sorted(def: &ConfigDef) -> Vec<ConfigKey> {
    let groups = def.groups();
    let group_rank = |k: &ConfigKey| {
        k.group
            .as_ref()
            .and_then(|g| groups.iter().position(|x| x == g))
    };
    let importance_rank = |i: Importance| match i {
        Importance::High => 0,
        Importance::Medium => 1,
        Importance::Low => 2,
    };
    let mut keys = def.keys().to_vec();
    keys.sort_by(|a, b| {
        let by_group = match (group_rank(a), group_rank(b)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => x.cmp(&y),
        };
        by_group
            .then(a.order_in_group.cmp(&b.order_in_group))
            .then(a.has_default().cmp(&b.has_default()))
            .then(importance_rank(a.importance).cmp(&importance_rank(b.importance)))
            .then(a.name.cmp(&b.name))
    });
    keys
}

/// The keys a transformation alias gets besides the transformation's own (Kafka's
/// `PredicatedTransformation` settings).
fn predicated_keys() -> [ConfigKey; 2] {
    [
        ConfigKey::new(
            "predicate",
            ConfigType::String,
            Importance::Medium,
            "The alias of a predicate used to determine whether to apply this transformation.",
        )
        .default_null(),
        ConfigKey::new(
            "negate",
            ConfigType::Boolean,
            Importance::Medium,
            "Whether the configured predicate should be negated.",
        )
        .default_value("false"),
    ]
}

/// A transformation or predicate alias as `enrich` sees it.
struct Alias {
    list_key: &'static str,
    kind: PluginType,
    alias: String,
    /// The class `type` resolves to, when it is a plugin of the right kind.
    class: Option<&'static str>,
}

impl Alias {
    fn prefix(&self) -> String {
        format!("{}.{}.", self.list_key, self.alias)
    }
    fn type_key(&self) -> String {
        format!("{}type", self.prefix())
    }
    fn version_key(&self) -> String {
        format!("{}plugin.version", self.prefix())
    }
    fn noun(&self) -> &'static str {
        if self.kind == PluginType::Transformation {
            "transformation"
        } else {
            "predicate"
        }
    }
}

/// The aliases listed in `transforms` and `predicates`, each once, in list order.
fn aliases(config: &NullableProps, plugins: &Plugins) -> Vec<Alias> {
    let mut out = Vec::new();
    for (list_key, kind) in [
        ("transforms", PluginType::Transformation),
        ("predicates", PluginType::Predicate),
    ] {
        let Some(Some(list)) = config.get(list_key) else {
            continue;
        };
        let mut seen = BTreeSet::new();
        for alias in parse_list(list) {
            if !seen.insert(alias.clone()) {
                continue;
            }
            let type_key = format!("{list_key}.{alias}.type");
            let class = match config.get(&type_key) {
                Some(Some(c)) => match plugins.resolve_class(c.trim()) {
                    Some(ResolvedClass::Plugin(c)) if plugins.is_of_type(c, kind) => Some(c),
                    _ => None,
                },
                _ => None,
            };
            out.push(Alias {
                list_key,
                kind,
                alias,
                class,
            });
        }
    }
    out
}

/// Kafka's `ConnectorConfig.enrich`: per alias a group `Transforms: <alias>` (or
/// `Predicates: <alias>`) with `type`, `plugin.version` and, when the class resolves, the
/// plugin's own keys prefixed and numbered from 2 in [`kafka_sorted`] order.
fn enrich(def: &mut ConfigDef, aliases: &[Alias], plugins: &Plugins) {
    for a in aliases {
        let noun = a.noun();
        let title = if a.kind == PluginType::Transformation {
            "Transforms"
        } else {
            "Predicates"
        };
        let kind_title = if a.kind == PluginType::Transformation {
            "Transformation"
        } else {
            "Predicate"
        };
        let group = format!("{title}: {}", a.alias);
        let mut type_key = ConfigKey::new(
            &a.type_key(),
            ConfigType::Class,
            Importance::High,
            &format!("Class for the '{}' {noun}.", a.alias),
        )
        .group(
            &group,
            0,
            Width::Long,
            &format!("{kind_title} type for {}", a.alias),
        );
        type_key.recommended = plugins
            .classes_of(a.kind)
            .into_iter()
            .map(str::to_string)
            .collect();
        def.add(type_key);
        let version = a.class.and_then(|c| plugins.version_of(c, a.kind));
        let version_key = ConfigKey::new(
            &a.version_key(),
            ConfigType::String,
            Importance::High,
            &format!("Version of the '{}' {noun}.", a.alias),
        );
        let mut version_key = match version {
            Some(v) => version_key.default_value(v),
            None => version_key.default_null(),
        }
        .group(
            &group,
            1,
            Width::Long,
            &format!("{kind_title} version for {}", a.alias),
        );
        version_key.recommended = version.map(str::to_string).into_iter().collect();
        def.add(version_key);
        let Some(class) = a.class else { continue };
        let own = match a.kind {
            PluginType::Transformation => plugins.transformation(class).map(|t| {
                let mut d = t.config_def();
                for k in predicated_keys() {
                    d.add(k);
                }
                d
            }),
            _ => plugins.predicate(class).map(|p| p.config_def()),
        };
        let Ok(own) = own else { continue };
        for (i, k) in kafka_sorted(&own).into_iter().enumerate() {
            let mut k = k;
            k.name = format!("{}{}", a.prefix(), k.name);
            k.group = Some(group.clone());
            k.order_in_group = 2 + i as i32;
            def.add(k);
        }
    }
}

pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A LIST value as Kafka parses it: trimmed, split on commas with the spaces around them;
/// empty entries are kept.
fn parse_list(s: &str) -> Vec<String> {
    let s = s.trim();
    if s.is_empty() {
        return Vec::new();
    }
    s.split(',').map(|p| p.trim().to_string()).collect()
}

/// Kafka's `AbstractHerder.validateConnectorConfig`: framework keys, then the connector's
/// own, then converter sections. The connector class must already resolve.
pub fn validate(
    plugins: &Plugins,
    config: &NullableProps,
    converters: &ConverterDefaults,
    worker_group_id: Option<&str>,
) -> Result<ConfigInfos, String> {
    let class = match config.get("connector.class") {
        Some(Some(c)) => c.clone(),
        _ => {
            return Err(format!(
                "Connector config {} contains no connector type",
                render_props(config)
            ))
        }
    };
    let runtime = config
        .get(crate::worker::plugins::RUNTIME_KEY)
        .and_then(|v| v.as_deref());
    let (connector, desc) = plugins.connector(&class, runtime)?;
    let ctype = connector.connector_type();
    let version = desc.version;
    let props: Props = config
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
        .collect();

    // Framework keys, with the converter defaults of this worker and the aliases' groups.
    let mut framework = framework_def(ctype, Some(version));
    let connector_version = framework.key("connector.plugin.version").cloned();
    if let Some(mut k) = connector_version {
        k.recommended = vec![version.to_string()];
        framework.add(k);
    }
    let slots: Vec<(Slot, ConverterSlot)> = Slot::ALL
        .iter()
        .map(|s| (*s, converter_slot(*s, config, converters, plugins)))
        .collect();
    for (slot, info) in &slots {
        if let Some(mut k) = framework.key(slot.key()).cloned() {
            k.default = DefaultValue::Value(info.default_class.clone());
            k.recommended = plugins
                .classes_of(slot.plugin_type())
                .into_iter()
                .map(str::to_string)
                .collect();
            framework.add(k);
        }
        if let Some(mut k) = framework.key(&slot.version_key()).cloned() {
            k.default = match info.default_version {
                Some(v) => DefaultValue::Value(v.to_string()),
                None => DefaultValue::Null,
            };
            k.recommended = info.version.map(str::to_string).into_iter().collect();
            framework.add(k);
        }
    }
    let aliases = aliases(config, plugins);
    enrich(&mut framework, &aliases, plugins);

    let mut values = framework.validate_nullable(config);
    let find =
        |values: &mut Vec<ConfigValue>, name: &str| values.iter().position(|v| v.name == name);

    // CLASS values resolve like a class loader does: unknown names are a parse failure (value
    // null), known classes of the wrong kind keep their value and get an error.
    let mut class_keys: Vec<(String, PluginType)> = slots
        .iter()
        .map(|(s, _)| (s.key().to_string(), s.plugin_type()))
        .collect();
    class_keys.extend(aliases.iter().map(|a| (a.type_key(), a.kind)));
    for (key, kind) in &class_keys {
        let Some(i) = find(&mut values, key) else {
            continue;
        };
        let given = match config.get(key) {
            Some(Some(v)) => v.trim().to_string(),
            Some(None) => continue,
            None => match values[i].value.clone() {
                Some(default) => default,
                None => continue,
            },
        };
        match plugins.resolve_class(&given) {
            None => {
                values[i].value = None;
                values[i].errors.push(format!(
                    "Invalid value {given} for configuration {key}: Class {given} could not be found."
                ));
            }
            Some(resolved) => {
                let fqcn = resolved.class().to_string();
                if !plugins.is_of_type(&fqcn, *kind) {
                    values[i].errors.push(format!(
                        "Class class {fqcn} does not implement the {} interface",
                        interface_name(*kind)
                    ));
                }
                values[i].value = Some(fqcn);
            }
        }
    }
    for (slot, info) in &slots {
        if let Some(i) = find(&mut values, &slot.version_key()) {
            values[i].visible = info.class_value_set;
        }
    }
    for a in &aliases {
        if a.kind != PluginType::Transformation || a.class.is_none() {
            continue;
        }
        let negate = format!("{}negate", a.prefix());
        let predicate = format!("{}predicate", a.prefix());
        if config.contains_key(&negate) && !config.contains_key(&predicate) {
            if let Some(i) = find(&mut values, &a.type_key()) {
                values[i].errors.push(format!(
                    "Config '{negate}' was provided but there is no config '{predicate}' \
                     defining a predicate to be negated."
                ));
            }
        }
    }

    match ctype {
        ConnectorType::Sink => sink_checks(&props, &mut values, worker_group_id),
        ConnectorType::Source => {
            let required = props
                .get("exactly.once.support")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("required"));
            if required {
                if let Some(i) = find(&mut values, "exactly.once.support") {
                    values[i].errors.push(
                        "This worker does not have exactly-once source support enabled.".into(),
                    );
                }
            }
        }
    }

    // A JSON null is reported on each framework key given as one.
    for v in &mut values {
        if matches!(config.get(&v.name), Some(None)) {
            v.errors.push(NULL_VALUE_ERROR.into());
        }
    }

    let mut configs: Vec<ConfigInfo> = Vec::new();
    let mut groups: Vec<String> = framework.groups();
    let mut error_count = 0;
    for v in values {
        error_count += v.errors.len();
        let key = framework.key(&v.name).map(ConfigKeyInfo::from);
        configs.push(ConfigInfo {
            definition: key,
            value: Some(ConfigValueInfo::from(&v)),
        });
    }

    // The connector's own keys, skipping those the framework already reported. A key given
    // as null is validated as null (the connector API only sees the non-null values).
    let own_def = connector.config_def();
    let seen: BTreeSet<String> = configs
        .iter()
        .filter_map(|c| c.value.as_ref().map(|v| v.name.clone()))
        .collect();
    for mut v in connector.validate(&props) {
        if seen.contains(&v.name) {
            continue;
        }
        let key = own_def.key(&v.name);
        if let (Some(k), Some(None)) = (key, config.get(&v.name)) {
            v = k.validate_one(Some(None));
        }
        error_count += v.errors.len();
        configs.push(ConfigInfo {
            definition: key.map(ConfigKeyInfo::from),
            value: Some(ConfigValueInfo::from(&v)),
        });
    }
    push_groups(&mut groups, own_def.groups());

    for (slot, info) in &slots {
        if !info.explicit {
            continue;
        }
        let Some(class) = info.class else { continue };
        if let Some(section) = converter_section(*slot, class, &props, plugins) {
            error_count += section.error_count;
            push_groups(&mut groups, section.groups);
            configs.extend(section.configs);
        }
    }
    Ok(ConfigInfos {
        name: class,
        error_count,
        groups,
        configs,
    })
}

fn push_groups(groups: &mut Vec<String>, more: Vec<String>) {
    for g in more {
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
}

/// What validation needs to know about one converter slot.
struct ConverterSlot {
    /// The connector sets the class itself (its settings are then validated too).
    explicit: bool,
    /// The class in effect, when it is a plugin of the slot's kind.
    class: Option<&'static str>,
    /// Whether the class value is non-null (the version key is only shown then).
    class_value_set: bool,
    /// The `<slot>` key's default in this validation: the worker's converter.
    default_class: String,
    /// The `<slot>.plugin.version` default: the version of the class in effect, or of the
    /// worker's when the connector's is null.
    default_version: Option<&'static str>,
    /// The version of the class the connector's value names.
    version: Option<&'static str>,
}

fn converter_slot(
    slot: Slot,
    config: &NullableProps,
    defaults: &ConverterDefaults,
    plugins: &Plugins,
) -> ConverterSlot {
    let t = slot.plugin_type();
    let resolve = |name: &str| match plugins.resolve_class(name.trim()) {
        Some(ResolvedClass::Plugin(c)) if plugins.is_of_type(c, t) => Some(c),
        _ => None,
    };
    let worker_default = slot.default_class(defaults);
    let default_class = match plugins.resolve_class(worker_default.trim()) {
        Some(r) => r.class().to_string(),
        None => worker_default.to_string(),
    };
    let version_of = |c: Option<&'static str>| c.and_then(|c| plugins.version_of(c, t));
    match config.get(slot.key()) {
        Some(Some(given)) => {
            let class = resolve(given);
            let resolves = plugins.resolve_class(given.trim()).is_some();
            ConverterSlot {
                explicit: true,
                class,
                class_value_set: resolves,
                default_class,
                default_version: version_of(class),
                version: version_of(class),
            }
        }
        Some(None) => ConverterSlot {
            explicit: false,
            class: None,
            class_value_set: false,
            default_class,
            default_version: version_of(resolve(worker_default)),
            version: None,
        },
        None => {
            let class = resolve(worker_default);
            ConverterSlot {
                explicit: false,
                class,
                class_value_set: true,
                default_class,
                default_version: version_of(class),
                version: version_of(class),
            }
        }
    }
}

struct Section {
    configs: Vec<ConfigInfo>,
    groups: Vec<String>,
    error_count: usize,
}

/// The converter's own settings (`value.converter.*`), validated like Kafka does: its
/// `ConfigDef` against the prefixed keys plus `converter.type`, results in the iteration
/// order of the `HashMap` Kafka collects them in, names prefixed back, one error counted per
/// key with errors.
fn converter_section(slot: Slot, class: &str, props: &Props, plugins: &Plugins) -> Option<Section> {
    let def = match slot {
        Slot::Header => plugins.header_converter(class).ok()?.config_def(),
        Slot::Key | Slot::Value => plugins.converter(class).ok()?.config_def(),
    };
    let prefix = format!("{}.", slot.key());
    let mut own = originals_with_prefix(props, &prefix);
    own.entry("converter.type".into())
        .or_insert_with(|| slot.converter_type().to_string());
    let values = def.validate(&own);
    let names: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
    let mut section = Section {
        configs: Vec::new(),
        groups: Vec::new(),
        error_count: 0,
    };
    for i in java_hash_order(&names) {
        let mut v = values[i].clone();
        let key = def.key(&v.name).map(|k| {
            if let Some(g) = &k.group {
                if !section.groups.contains(g) {
                    section.groups.push(g.clone());
                }
            }
            let mut info = ConfigKeyInfo::from(k);
            info.name = format!("{prefix}{}", k.name);
            info
        });
        if !v.errors.is_empty() {
            section.error_count += 1;
        }
        v.name = format!("{prefix}{}", v.name);
        section.configs.push(ConfigInfo {
            definition: key,
            value: Some(ConfigValueInfo::from(&v)),
        });
    }
    Some(section)
}

/// `SinkConnectorConfig.validate`: exactly one of `topics` / `topics.regex`, and the dead
/// letter queue must not be one of the topics consumed.
fn sink_checks(props: &Props, values: &mut Vec<ConfigValue>, worker_group_id: Option<&str>) {
    fn push(values: &mut [ConfigValue], name: &str, message: String) {
        if let Some(v) = values.iter_mut().find(|v| v.name == name) {
            v.errors.push(message);
        }
    }
    // Kafka words this one without the usual "Invalid value ... for configuration" prefix.
    if props
        .get("topics")
        .is_some_and(|s| parse_list(s).iter().any(String::is_empty))
    {
        push(
            values,
            "topics",
            "Configuration 'topics' values must not be empty.".into(),
        );
    }
    let topics: Vec<String> = props
        .get("topics")
        .map(|s| split_list(s))
        .unwrap_or_default();
    let regex = props
        .get("topics.regex")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty());
    match (topics.is_empty(), regex) {
        (false, Some(_)) => {
            let m = "topics and topics.regex are mutually exclusive options, but both are set.";
            push(values, "topics", m.into());
            push(values, "topics.regex", m.into());
        }
        (true, None) => {
            let m = "Must configure one of topics or topics.regex";
            push(values, "topics", m.into());
            push(values, "topics.regex", m.into());
        }
        _ => {}
    }
    if let Some(dlq) = props
        .get("errors.deadletterqueue.topic.name")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        if topics.iter().any(|t| t == dlq) {
            push(
                values,
                "topics",
                format!(
                    "The DLQ topic '{dlq}' may not be included in the list of topics \
                     ('topics=[{}]') consumed by the connector",
                    topics.join(", ")
                ),
            );
        }
        if let Some(re) = regex {
            // Kafka's `Pattern.matcher(dlq).matches()`: the whole name.
            let matches = regex::Regex::new(&format!("^(?:{re})$"))
                .map(|r| r.is_match(dlq))
                .unwrap_or(false);
            if matches {
                push(
                    values,
                    "topics.regex",
                    format!(
                        "The DLQ topic '{dlq}' may not be matched by the regex for the topics \
                         ('topics.regex={re}') consumed by the connector"
                    ),
                );
            }
        }
    }
    if let (Some(g), Some(w)) = (props.get("consumer.override.group.id"), worker_group_id) {
        if g == w {
            let v = ConfigValue {
                errors: vec![
                    "Consumer group for sink connector must be different from the worker's group.id"
                        .into(),
                ],
                ..ConfigValue::new("consumer.override.group.id", Some(g.clone()))
            };
            values.push(v);
        }
    }
}

/// Keys the chain itself interprets, not the SMT.
pub fn strip_chain_keys(mut props: Props) -> Props {
    props.remove("type");
    props.remove("predicate");
    props.remove("negate");
    props
}

fn render_props(config: &NullableProps) -> String {
    let inner: Vec<String> = config
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("null")))
        .collect();
    format!("{{{}}}", inner.join(", "))
}

/// `/connector-plugins/{p}/config` for a connector: its own keys then framework keys it
/// did not define itself.
pub fn connector_plugin_config(
    own: &ConfigDef,
    t: ConnectorType,
    version: &str,
) -> Vec<ConfigKeyInfo> {
    let mut out: Vec<ConfigKeyInfo> = own.keys().iter().map(ConfigKeyInfo::from).collect();
    for k in framework_def(t, Some(version)).keys() {
        if own.key(&k.name).is_none() {
            out.push(ConfigKeyInfo::from(k));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    const SINK: &str = "org.apache.kafka.connect.file.FileStreamSinkConnector";

    fn plugins() -> Plugins {
        Plugins::new(native_connectors::plugins())
    }

    fn config(pairs: &[(&str, Option<&str>)]) -> NullableProps {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect()
    }

    fn source(extra: &[(&str, Option<&str>)]) -> NullableProps {
        let mut c = config(&[
            ("connector.class", Some(SOURCE)),
            ("name", Some("v")),
            ("file", Some("/tmp/in.txt")),
            ("topic", Some("t")),
        ]);
        c.extend(config(extra));
        c
    }

    fn sink(extra: &[(&str, Option<&str>)]) -> NullableProps {
        let mut c = config(&[
            ("connector.class", Some(SINK)),
            ("name", Some("v")),
            ("file", Some("/tmp/out.txt")),
        ]);
        c.extend(config(extra));
        c
    }

    fn run(c: &NullableProps) -> ConfigInfos {
        validate(&plugins(), c, &ConverterDefaults::default(), None).unwrap()
    }

    fn entry<'a>(infos: &'a ConfigInfos, name: &str) -> &'a ConfigInfo {
        infos
            .configs
            .iter()
            .find(|c| c.value.as_ref().is_some_and(|v| v.name == name))
            .unwrap_or_else(|| panic!("no {name}"))
    }

    fn value<'a>(infos: &'a ConfigInfos, name: &str) -> &'a ConfigValueInfo {
        entry(infos, name).value.as_ref().unwrap()
    }

    fn names(infos: &ConfigInfos) -> Vec<String> {
        infos
            .configs
            .iter()
            .filter_map(|c| c.value.as_ref().map(|v| v.name.clone()))
            .collect()
    }

    #[test]
    fn plugin_config_lists_framework_keys_in_kafkas_order() {
        let p = plugins();
        let (c, d) = p.connector(SOURCE, None).unwrap();
        let keys = connector_plugin_config(&c.config_def(), c.connector_type(), d.version);
        let listed: Vec<(&str, i32)> = keys
            .iter()
            .map(|k| (k.name.as_str(), k.order_in_group))
            .collect();
        assert_eq!(
            &listed[3..17],
            &[
                ("name", 1),
                ("connector.class", 2),
                ("connector.plugin.version", 3),
                ("tasks.max", 4),
                ("tasks.max.enforce", 5),
                ("key.converter", 6),
                ("key.converter.plugin.version", 7),
                ("value.converter", 8),
                ("value.converter.plugin.version", 9),
                ("header.converter", 10),
                ("header.converter.plugin.version", 11),
                ("transforms", 12),
                ("predicates", 13),
                ("config.action.reload", 14),
            ]
        );
        let version = &keys[5];
        assert_eq!(version.default_value.as_deref(), Some(d.version));
        assert_eq!(version.display_name, "Connector version");
        assert_eq!(version.width, "MEDIUM");
        let eos = keys
            .iter()
            .find(|k| k.name == "exactly.once.support")
            .unwrap();
        assert_eq!(eos.display_name, "Exactly once support");
        assert_eq!(eos.order_in_group, 2);
        assert!(keys
            .iter()
            .all(|k| k.name != "key.converter" || k.default_value.is_none()));
    }

    #[test]
    fn unset_keys_report_their_defaults_and_the_workers_converters() {
        let infos = run(&source(&[]));
        assert_eq!(infos.error_count, 0);
        assert_eq!(value(&infos, "tasks.max").value.as_deref(), Some("1"));
        assert_eq!(value(&infos, "transforms").value.as_deref(), Some(""));
        assert_eq!(value(&infos, "batch.size").value.as_deref(), Some("2000"));
        assert_eq!(
            value(&infos, "transaction.boundary.interval.ms").value,
            None
        );
        let key = entry(&infos, "key.converter");
        let json = "org.apache.kafka.connect.json.JsonConverter";
        assert_eq!(key.value.as_ref().unwrap().value.as_deref(), Some(json));
        assert_eq!(
            key.definition.as_ref().unwrap().default_value.as_deref(),
            Some(json)
        );
        let recommended = &key.value.as_ref().unwrap().recommended_values;
        assert!(recommended
            .contains(&"org.apache.kafka.connect.converters.BooleanConverter".to_string()));
        assert!(!recommended
            .contains(&"org.apache.kafka.connect.storage.SimpleHeaderConverter".to_string()));
        let header = value(&infos, "header.converter");
        assert_eq!(
            header.value.as_deref(),
            Some("org.apache.kafka.connect.storage.SimpleHeaderConverter")
        );
        assert!(header
            .recommended_values
            .contains(&"org.apache.kafka.connect.storage.SimpleHeaderConverter".to_string()));
        let version = value(&infos, "value.converter.plugin.version");
        assert_eq!(version.value.as_deref(), Some(connect_api::VERSION));
        assert_eq!(version.recommended_values, vec![connect_api::VERSION]);
        assert_eq!(
            infos.groups,
            [
                "Common",
                "Transforms",
                "Predicates",
                "Error Handling",
                "Topic Creation",
                "Exactly Once Support",
                "offsets.topic"
            ]
        );
    }

    #[test]
    fn errors_are_worded_like_kafkas() {
        let infos = run(&source(&[
            ("tasks.max", Some("abc")),
            ("batch.size", Some("-")),
            ("errors.tolerance", Some("ALL")),
        ]));
        let tasks = value(&infos, "tasks.max");
        assert_eq!(tasks.value, None);
        assert_eq!(
            tasks.errors,
            [
                "Invalid value abc for configuration tasks.max: Not a number of type INT",
                "Invalid value null for configuration tasks.max: Value must be non-null"
            ]
        );
        assert_eq!(value(&infos, "batch.size").value, None);
        assert_eq!(
            value(&infos, "errors.tolerance").errors,
            ["Invalid value ALL for configuration errors.tolerance: String must be one of: none, all"]
        );
        assert_eq!(infos.error_count, 4);

        // A JSON null on a connector key is no error; on a framework key it is.
        let infos = run(&source(&[("batch.size", None), ("tasks.max", None)]));
        assert!(value(&infos, "batch.size").errors.is_empty());
        assert_eq!(value(&infos, "batch.size").value, None);
        assert_eq!(
            value(&infos, "tasks.max").errors,
            [
                "Invalid value null for configuration tasks.max: Value must be non-null",
                NULL_VALUE_ERROR
            ]
        );
    }

    #[test]
    fn sink_topic_checks() {
        let both = run(&sink(&[
            ("topics", Some("t")),
            ("topics.regex", Some("t-.*")),
        ]));
        let m = "topics and topics.regex are mutually exclusive options, but both are set.";
        assert_eq!(value(&both, "topics").errors, [m]);
        assert_eq!(value(&both, "topics.regex").errors, [m]);
        assert_eq!(both.error_count, 2);

        let dlq = run(&sink(&[
            ("topics", Some("a, t")),
            ("errors.deadletterqueue.topic.name", Some("t")),
        ]));
        assert_eq!(
            value(&dlq, "topics").errors,
            ["The DLQ topic 't' may not be included in the list of topics ('topics=[a, t]') consumed by the connector"]
        );
        assert!(value(&dlq, "errors.deadletterqueue.topic.name")
            .errors
            .is_empty());
        assert_eq!(value(&dlq, "topics").value.as_deref(), Some("a,t"));
    }

    #[test]
    fn transformation_aliases_get_their_own_group() {
        let infos = run(&source(&[
            ("transforms", Some("ins")),
            (
                "transforms.ins.type",
                Some("org.apache.kafka.connect.transforms.InsertField$Value"),
            ),
            ("transforms.ins.static.field", Some("f")),
        ]));
        assert_eq!(infos.error_count, 0);
        let enriched: Vec<String> = names(&infos)
            .into_iter()
            .filter(|n| n.starts_with("transforms.ins."))
            .collect();
        assert_eq!(
            enriched,
            [
                "transforms.ins.type",
                "transforms.ins.plugin.version",
                "transforms.ins.negate",
                "transforms.ins.offset.field",
                "transforms.ins.partition.field",
                "transforms.ins.predicate",
                "transforms.ins.replace.null.with.default",
                "transforms.ins.static.field",
                "transforms.ins.static.value",
                "transforms.ins.timestamp.field",
                "transforms.ins.topic.field",
            ]
        );
        let t = entry(&infos, "transforms.ins.type")
            .definition
            .clone()
            .unwrap();
        assert_eq!(t.display_name, "Transformation type for ins");
        assert_eq!(t.documentation, "Class for the 'ins' transformation.");
        assert_eq!((t.order_in_group, t.width.as_str()), (0, "LONG"));
        let negate = entry(&infos, "transforms.ins.negate")
            .definition
            .clone()
            .unwrap();
        assert_eq!(negate.display_name, "negate");
        assert_eq!(negate.width, "NONE");
        assert_eq!(negate.group.as_deref(), Some("Transforms: ins"));
        assert_eq!(negate.order_in_group, 2);
        assert_eq!(
            infos.groups.last().map(String::as_str),
            Some("Transforms: ins")
        );
    }

    #[test]
    fn unknown_transformation_class_is_a_parse_failure() {
        let infos = run(&source(&[
            ("transforms", Some("x")),
            ("transforms.x.type", Some("com.example.NoSuchTransform")),
        ]));
        let t = value(&infos, "transforms.x.type");
        assert_eq!(t.value, None);
        assert_eq!(
            t.errors,
            ["Invalid value com.example.NoSuchTransform for configuration transforms.x.type: Class com.example.NoSuchTransform could not be found."]
        );
        assert!(t
            .recommended_values
            .contains(&"org.apache.kafka.connect.transforms.Filter".to_string()));
        assert_eq!(value(&infos, "transforms.x.plugin.version").value, None);
        assert_eq!(infos.error_count, 1);

        // An alias resolves to the full class name.
        let infos = run(&source(&[
            ("transforms", Some("f")),
            ("transforms.f.type", Some("Filter")),
        ]));
        assert_eq!(
            value(&infos, "transforms.f.type").value.as_deref(),
            Some("org.apache.kafka.connect.transforms.Filter")
        );
    }

    #[test]
    fn converter_settings_are_validated_in_their_own_section() {
        let infos = run(&source(&[
            (
                "value.converter",
                Some("org.apache.kafka.connect.json.JsonConverter"),
            ),
            ("value.converter.schemas.enable", Some("false")),
        ]));
        assert_eq!(infos.error_count, 0);
        let section: Vec<String> = names(&infos)
            .into_iter()
            .filter(|n| n.starts_with("value.converter.") && n != "value.converter.plugin.version")
            .collect();
        assert_eq!(
            section,
            [
                "value.converter.decimal.format",
                "value.converter.converter.type",
                "value.converter.schemas.cache.size",
                "value.converter.replace.null.with.default",
                "value.converter.schemas.enable",
                "value.converter.schema.content",
            ]
        );
        assert_eq!(
            value(&infos, "value.converter.converter.type")
                .value
                .as_deref(),
            Some("value")
        );
        assert_eq!(
            value(&infos, "value.converter.schemas.enable")
                .value
                .as_deref(),
            Some("false")
        );
        assert_eq!(&infos.groups[7..], ["Serialization", "Schemas"]);
    }

    #[test]
    fn a_config_without_connector_class_is_refused() {
        let e = validate(
            &plugins(),
            &config(&[("name", Some("v")), ("topic", Some("t"))]),
            &ConverterDefaults::default(),
            None,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "Connector config {name=v, topic=t} contains no connector type"
        );
    }
}
