//! Framework connector keys (`ConnectorConfig`, `SinkConnectorConfig`,
//! `SourceConnectorConfig`) and the validation pipeline behind `/config/validate` and create.

use std::collections::BTreeSet;

use connect_api::config::{originals_with_prefix, ConfigKey, ConfigType, Importance, Width};
use connect_api::{ConfigDef, ConfigValue, ConnectorType, PluginType, Props, Validator};

use crate::herder::{ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigValueInfo, NullableProps};
use crate::worker::plugins::Plugins;

pub const COMMON_GROUP: &str = "Common";
pub const TRANSFORMS_GROUP: &str = "Transforms";
pub const PREDICATES_GROUP: &str = "Predicates";
pub const ERROR_GROUP: &str = "Error Handling";

fn common_keys() -> ConfigDef {
    use Importance::*;
    ConfigDef::new()
        .define(
            ConfigKey::new("name", ConfigType::String, High, "Globally unique name to use for this connector.")
                .validator(Validator::custom("non-empty string without ISO control characters", |_, v| {
                    match v.as_str() {
                        Some("") => Err("String may not be empty".into()),
                        Some(s) if !s.chars().any(char::is_control) => Ok(()),
                        _ => Err("String may not contain control characters".into()),
                    }
                }))
                .group(COMMON_GROUP, 1, Width::Medium, "Connector name"),
        )
        .define(
            ConfigKey::new(
                "connector.class",
                ConfigType::String,
                High,
                "Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector.",
            )
            .group(COMMON_GROUP, 2, Width::Long, "Connector class"),
        )
        .define(
            ConfigKey::new("tasks.max", ConfigType::Int, High, "Maximum number of tasks to use for this connector.")
                .default_value("1")
                .validator(Validator::at_least(1.0))
                .group(COMMON_GROUP, 3, Width::Short, "Tasks max"),
        )
        .define(
            ConfigKey::new(
                "tasks.max.enforce",
                ConfigType::Boolean,
                Low,
                "(Deprecated) Whether to enforce that the tasks.max property is respected by the connector.",
            )
            .default_value("true")
            .group(COMMON_GROUP, 4, Width::Short, "Enforce tasks max"),
        )
        .define(
            ConfigKey::new("key.converter", ConfigType::Class, Low, "Converter class used to convert between Kafka Connect format and the serialized form. Overrides the worker's key.converter.")
                .default_null()
                .group(COMMON_GROUP, 5, Width::Short, "Key converter class"),
        )
        .define(
            ConfigKey::new("value.converter", ConfigType::Class, Low, "Converter class used to convert between Kafka Connect format and the serialized form. Overrides the worker's value.converter.")
                .default_null()
                .group(COMMON_GROUP, 6, Width::Short, "Value converter class"),
        )
        .define(
            ConfigKey::new("header.converter", ConfigType::Class, Low, "HeaderConverter class used to convert between Kafka Connect format and the serialized form. Overrides the worker's header.converter.")
                .default_null()
                .group(COMMON_GROUP, 7, Width::Short, "Header converter class"),
        )
        .define(
            ConfigKey::new("config.action.reload", ConfigType::String, Low, "The action to take when a config provider reports a change: none or restart.")
                .default_value("restart")
                .validator(Validator::one_of_ci(&["none", "restart"]))
                .group(COMMON_GROUP, 8, Width::Medium, "Reload Action"),
        )
        .define(
            ConfigKey::new("transforms", ConfigType::List, Low, "Aliases for the transformations to be applied to records.")
                .default_value("")
                .group(TRANSFORMS_GROUP, 1, Width::Long, "Transforms"),
        )
        .define(
            ConfigKey::new("predicates", ConfigType::List, Low, "Aliases for the predicates used by transformations.")
                .default_value("")
                .group(PREDICATES_GROUP, 1, Width::Long, "Predicates"),
        )
        .define(
            ConfigKey::new("errors.retry.timeout", ConfigType::Long, Medium, "The maximum duration in milliseconds that a failed operation will be reattempted. 0 disables retries, -1 retries forever.")
                .default_value("0")
                .group(ERROR_GROUP, 1, Width::Medium, "Retry Timeout for Errors"),
        )
        .define(
            ConfigKey::new("errors.retry.delay.max.ms", ConfigType::Long, Medium, "The maximum duration in milliseconds between consecutive retry attempts.")
                .default_value("60000")
                .group(ERROR_GROUP, 2, Width::Medium, "Maximum Delay Between Retries for Errors"),
        )
        .define(
            ConfigKey::new("errors.tolerance", ConfigType::String, Medium, "Behavior for tolerating errors during connector operation: 'none' fails the task, 'all' skips problematic records.")
                .default_value("none")
                .validator(Validator::one_of_ci(&["none", "all"]))
                .group(ERROR_GROUP, 3, Width::Short, "Error Tolerance"),
        )
        .define(
            ConfigKey::new("errors.log.enable", ConfigType::Boolean, Medium, "If true, write each error and the details of the failed operation to the log.")
                .default_value("false")
                .group(ERROR_GROUP, 4, Width::Short, "Log Errors"),
        )
        .define(
            ConfigKey::new("errors.log.include.messages", ConfigType::Boolean, Medium, "Whether to include the record that caused a failure in the log.")
                .default_value("false")
                .group(ERROR_GROUP, 5, Width::Short, "Log Error Details"),
        )
}

fn sink_keys() -> ConfigDef {
    use Importance::*;
    let mut def = common_keys();
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
            "Regular expression giving topics to consume.",
        )
        .default_value("")
        .group(COMMON_GROUP, 4, Width::Long, "Topics regex"),
    );
    def.add(
        ConfigKey::new("errors.deadletterqueue.topic.name", ConfigType::String, Medium, "The name of the topic to be used as the dead letter queue for messages that result in an error when processed by this sink connector.")
            .default_value("")
            .group(ERROR_GROUP, 6, Width::Medium, "Dead Letter Queue Topic Name"),
    );
    def.add(
        ConfigKey::new("errors.deadletterqueue.topic.replication.factor", ConfigType::Short, Medium, "Replication factor used to create the dead letter queue topic when it doesn't already exist.")
            .default_value("3")
            .group(ERROR_GROUP, 7, Width::Medium, "Dead Letter Queue Topic Replication Factor"),
    );
    def.add(
        ConfigKey::new("errors.deadletterqueue.context.headers.enable", ConfigType::Boolean, Medium, "If true, add headers containing error context to the messages written to the dead letter queue.")
            .default_value("false")
            .group(ERROR_GROUP, 8, Width::Medium, "Enable Error Context Headers"),
    );
    def
}

fn source_keys() -> ConfigDef {
    use Importance::*;
    let mut def = common_keys();
    def.add(
        ConfigKey::new(
            "topic.creation.groups",
            ConfigType::List,
            Low,
            "Groups of configurations for topics created by source connectors",
        )
        .default_value("")
        .group("Topic Creation", 1, Width::Long, "Topic Creation Groups"),
    );
    def.add(
        ConfigKey::new(
            "exactly.once.support",
            ConfigType::String,
            Medium,
            "Whether exactly-once support is required for the connector: requested or required.",
        )
        .default_value("requested")
        .validator(Validator::one_of_ci(&["requested", "required"]))
        .group(
            "Exactly Once Support",
            1,
            Width::Short,
            "Exactly once support level",
        ),
    );
    def.add(
        ConfigKey::new(
            "transaction.boundary",
            ConfigType::String,
            Medium,
            "How transaction boundaries are defined: poll, interval or connector.",
        )
        .default_value("poll")
        .validator(Validator::one_of_ci(&["poll", "interval", "connector"]))
        .group(
            "Exactly Once Support",
            2,
            Width::Short,
            "Transaction Boundary",
        ),
    );
    def.add(
        ConfigKey::new(
            "transaction.boundary.interval.ms",
            ConfigType::Long,
            Low,
            "Transaction commit interval when transaction.boundary=interval.",
        )
        .default_null()
        .group(
            "Exactly Once Support",
            3,
            Width::Short,
            "Transaction boundary interval",
        ),
    );
    def.add(
        ConfigKey::new(
            "offsets.storage.topic",
            ConfigType::String,
            Low,
            "The name of a separate offsets topic to use for this connector.",
        )
        .default_null()
        .group("offsets.topic", 1, Width::Long, "Offsets topic"),
    );
    def
}

/// The framework keys for a connector type (Kafka's `SinkConnectorConfig.configDef()` etc.).
pub fn framework_def(t: ConnectorType) -> ConfigDef {
    match t {
        ConnectorType::Sink => sink_keys(),
        ConnectorType::Source => source_keys(),
    }
}

/// Adds one group per `transforms.<alias>` / `predicates.<alias>` with `type`, and the
/// plugin's own keys prefixed (Kafka's `ConnectorConfig.enrich`).
fn enrich(def: &mut ConfigDef, props: &Props, plugins: &Plugins) {
    for (list_key, kind) in [
        ("transforms", PluginType::Transformation),
        ("predicates", PluginType::Predicate),
    ] {
        let aliases = split_list(props.get(list_key).map(String::as_str).unwrap_or(""));
        for alias in aliases {
            let prefix = format!("{list_key}.{alias}.");
            let group = format!(
                "{}: {alias}",
                if kind == PluginType::Transformation {
                    "Transforms"
                } else {
                    "Predicates"
                }
            );
            let type_key = format!("{prefix}type");
            def.add(
                ConfigKey::new(
                    &type_key,
                    ConfigType::Class,
                    Importance::High,
                    "Class for the transformation or predicate.",
                )
                .group(&group, 0, Width::Long, &type_key),
            );
            if kind == PluginType::Transformation {
                def.add(
                    ConfigKey::new(&format!("{prefix}predicate"), ConfigType::String, Importance::Medium, "The alias of a predicate used to determine whether to apply this transformation.")
                        .default_null()
                        .group(&group, 1, Width::Long, &format!("{prefix}predicate")),
                );
                def.add(
                    ConfigKey::new(
                        &format!("{prefix}negate"),
                        ConfigType::Boolean,
                        Importance::Medium,
                        "Whether the configured predicate should be negated.",
                    )
                    .default_value("false")
                    .group(&group, 2, Width::Long, &format!("{prefix}negate")),
                );
            }
            let own = props.get(&type_key).and_then(|class| match kind {
                PluginType::Transformation => {
                    plugins.transformation(class).ok().map(|t| t.config_def())
                }
                _ => plugins.predicate(class).ok().map(|p| p.config_def()),
            });
            if let Some(own) = own {
                for (i, k) in own.keys().iter().enumerate() {
                    let mut k = k.clone();
                    k.name = format!("{prefix}{}", k.name);
                    k.group = Some(group.clone());
                    k.order_in_group = 3 + i as i32;
                    def.add(k);
                }
            }
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

/// Kafka's `AbstractHerder.validateConnectorConfig`: framework keys, then the connector's
/// own, then converter sections. The connector class must already resolve.
pub fn validate(
    plugins: &Plugins,
    config: &NullableProps,
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
    let (connector, _) = plugins.connector(&class)?;
    let ctype = connector.connector_type();
    let props: Props = config
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
        .collect();

    let mut framework = framework_def(ctype);
    enrich(&mut framework, &props, plugins);
    let mut values = framework.validate(&props);
    let null_keys: BTreeSet<&String> = config
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k)
        .collect();

    // Cross-key framework checks.
    let find =
        |values: &mut Vec<ConfigValue>, name: &str| values.iter().position(|v| v.name == name);
    if ctype == ConnectorType::Sink {
        let topics = props
            .get("topics")
            .map(|s| !split_list(s).is_empty())
            .unwrap_or(false);
        let regex = props
            .get("topics.regex")
            .map(|s| !s.trim().is_empty())
            .unwrap_or(false);
        let msg = if topics && regex {
            Some("Must configure one of topics or topics.regex, not both")
        } else if !topics && !regex {
            Some("Must configure one of topics or topics.regex")
        } else {
            None
        };
        if let Some(m) = msg {
            for key in ["topics", "topics.regex"] {
                if let Some(i) = find(&mut values, key) {
                    values[i].errors.push(m.to_string());
                }
            }
        }
        if let Some(re) = props.get("topics.regex").filter(|s| !s.trim().is_empty()) {
            if let Err(e) = regex::Regex::new(re) {
                if let Some(i) = find(&mut values, "topics.regex") {
                    values[i].errors.push(format!("Invalid regex: {e}"));
                }
            }
        }
        if let Some(dlq) = props
            .get("errors.deadletterqueue.topic.name")
            .filter(|s| !s.trim().is_empty())
        {
            if props
                .get("topics")
                .is_some_and(|t| split_list(t).iter().any(|t| t == dlq.trim()))
            {
                if let Some(i) = find(&mut values, "errors.deadletterqueue.topic.name") {
                    values[i].errors.push(format!(
                        "The DLQ topic '{}' may not be included in the list of topics ('topics'=...) consumed by the connector",
                        dlq.trim()
                    ));
                }
            }
        }
        if let (Some(g), Some(w)) = (props.get("consumer.override.group.id"), worker_group_id) {
            if g == w {
                values.push(ConfigValue {
                    errors: vec!["Consumer group for sink connector must be different from the worker's group.id".into()],
                    ..ConfigValue::new("consumer.override.group.id", Some(g.clone()))
                });
            }
        }
    }
    // Transform / predicate aliases must resolve to plugins and reference known predicates.
    let predicates = split_list(props.get("predicates").map(String::as_str).unwrap_or(""));
    for (list_key, kind) in [
        ("transforms", PluginType::Transformation),
        ("predicates", PluginType::Predicate),
    ] {
        let aliases = split_list(props.get(list_key).map(String::as_str).unwrap_or(""));
        let unique: BTreeSet<&String> = aliases.iter().collect();
        if unique.len() != aliases.len() {
            if let Some(i) = find(&mut values, list_key) {
                values[i]
                    .errors
                    .push(format!("Duplicate alias provided in {list_key}"));
            }
        }
        for alias in &aliases {
            let type_key = format!("{list_key}.{alias}.type");
            if let Some(class) = props.get(&type_key) {
                // One instance per alias: it must load and accept its own settings.
                let own = strip_chain_keys(originals_with_prefix(
                    &props,
                    &format!("{list_key}.{alias}."),
                ));
                let err = match kind {
                    PluginType::Transformation => plugins
                        .transformation(class)
                        .and_then(|mut t| t.configure(&own).map_err(|e| e.message)),
                    _ => plugins
                        .predicate(class)
                        .and_then(|mut p| p.configure(&own).map_err(|e| e.message)),
                }
                .err();
                if let Some(e) = err {
                    if let Some(i) = find(&mut values, &type_key) {
                        values[i].errors.push(e);
                    }
                }
            }
            if kind == PluginType::Transformation {
                let pkey = format!("transforms.{alias}.predicate");
                match props.get(&pkey) {
                    Some(p) if !predicates.contains(p) => {
                        if let Some(i) = find(&mut values, &pkey) {
                            values[i].errors.push(format!("Invalid value {p} for configuration {pkey}: Predicate '{p}' is not defined in predicates"));
                        }
                    }
                    None if props.contains_key(&format!("transforms.{alias}.negate")) => {
                        let nkey = format!("transforms.{alias}.negate");
                        if let Some(i) = find(&mut values, &nkey) {
                            values[i].errors.push(format!("Invalid value for configuration {nkey}: negate can only be used with a predicate"));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    for key in ["key.converter", "value.converter"] {
        if let Some(class) = props.get(key) {
            if let Err(e) = plugins.converter(class) {
                if let Some(i) = find(&mut values, key) {
                    values[i].errors.push(e);
                }
            }
        }
    }
    if let Some(class) = props.get("header.converter") {
        if let Err(e) = plugins.header_converter(class) {
            if let Some(i) = find(&mut values, "header.converter") {
                values[i].errors.push(e);
            }
        }
    }

    let mut configs: Vec<ConfigInfo> = Vec::new();
    let mut groups: Vec<String> = framework.groups();
    let push = |key: Option<&ConfigKey>, mut v: ConfigValue, configs: &mut Vec<ConfigInfo>| {
        if null_keys.contains(&v.name) {
            v.errors
                .push("Null value can not be supplied as the configuration value.".into());
        }
        configs.push(ConfigInfo {
            definition: key.map(ConfigKeyInfo::from),
            value: Some(ConfigValueInfo::from(&v)),
        });
    };
    let mut framework_errors = 0;
    for v in values {
        framework_errors += v.errors.len() + usize::from(null_keys.contains(&v.name));
        let key = framework.key(&v.name).cloned();
        push(key.as_ref(), v, &mut configs);
    }
    // The connector's own keys, skipping those the framework already reported.
    let own_def = connector.config_def();
    let seen: BTreeSet<String> = configs
        .iter()
        .filter_map(|c| c.value.as_ref().map(|v| v.name.clone()))
        .collect();
    let mut connector_errors = 0;
    for v in connector.validate(&props) {
        if seen.contains(&v.name) {
            continue;
        }
        connector_errors += v.errors.len() + usize::from(null_keys.contains(&v.name));
        let key = own_def.key(&v.name).cloned();
        push(key.as_ref(), v, &mut configs);
    }
    for g in own_def.groups() {
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    Ok(ConfigInfos {
        name: class,
        error_count: framework_errors + connector_errors,
        groups,
        configs,
    })
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
pub fn connector_plugin_config(own: &ConfigDef, t: ConnectorType) -> Vec<ConfigKeyInfo> {
    let mut out: Vec<ConfigKeyInfo> = own.keys().iter().map(ConfigKeyInfo::from).collect();
    for k in framework_def(t).keys() {
        if own.key(&k.name).is_none() {
            out.push(ConfigKeyInfo::from(k));
        }
    }
    out
}
