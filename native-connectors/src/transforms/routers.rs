//! Topic routers: `org.apache.kafka.connect.transforms.RegexRouter` and `TimestampRouter`.

use connect_api::config::ConfigValueKind;
use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, Transformation, Validator,
};

use super::common::parse_config;
use super::java_regex::JavaPattern;
use super::sdf::SimpleDateFormat;

const REGEX: &str = "regex";
const REPLACEMENT: &str = "replacement";
const TOPIC_FORMAT: &str = "topic.format";
const TIMESTAMP_FORMAT: &str = "timestamp.format";

pub fn regex_validator() -> Validator {
    Validator::custom("valid regex", |_, v| match v {
        ConfigValueKind::String(s) => JavaPattern::compile(s)
            .map(|_| ())
            .map_err(|e| format!("Invalid regex: {e}")),
        _ => Ok(()),
    })
}

/// Renames the topic with `replaceFirst` when the whole topic matches `regex`.
#[derive(Default)]
pub struct RegexRouter {
    regex: Option<JavaPattern>,
    replacement: String,
}

impl RegexRouter {
    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new(
                    REGEX,
                    ConfigType::String,
                    Importance::High,
                    "Regular expression to use for matching.",
                )
                .validator(regex_validator()),
            )
            .define(ConfigKey::new(
                REPLACEMENT,
                ConfigType::String,
                Importance::High,
                "Replacement string.",
            ))
    }
}

impl Transformation for RegexRouter {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        let regex = c.string(REGEX).unwrap_or_default();
        self.regex = Some(JavaPattern::compile(&regex).map_err(|e| {
            ConnectError::config(format!(
                "Invalid value {regex} for configuration {REGEX}: Invalid regex: {e}"
            ))
        })?);
        self.replacement = c.string(REPLACEMENT).unwrap_or_default();
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let regex = self
            .regex
            .as_ref()
            .ok_or_else(|| ConnectError::connect("RegexRouter used before configure"))?;
        if regex.matches(&record.topic) {
            record.topic = regex
                .replace_first(&record.topic, &self.replacement)
                .map_err(ConnectError::data)?;
        }
        Ok(Some(record))
    }
}

/// Rewrites the topic from `topic.format`, with `${timestamp}` rendered in UTC.
#[derive(Default)]
pub struct TimestampRouter {
    topic_format: String,
    timestamp_format: Option<SimpleDateFormat>,
}

impl TimestampRouter {
    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new(
                    TOPIC_FORMAT,
                    ConfigType::String,
                    Importance::High,
                    "Format string which can contain <code>${topic}</code> and \
                     <code>${timestamp}</code> as placeholders for the topic and timestamp, \
                     respectively.",
                )
                .default_value("${topic}-${timestamp}"),
            )
            .define(
                ConfigKey::new(
                    TIMESTAMP_FORMAT,
                    ConfigType::String,
                    Importance::High,
                    "Format string for the timestamp that is compatible with \
                     <code>java.text.SimpleDateFormat</code>.",
                )
                .default_value("yyyyMMdd"),
            )
    }
}

impl Transformation for TimestampRouter {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.topic_format = c.string(TOPIC_FORMAT).unwrap_or_default();
        let pattern = c.string(TIMESTAMP_FORMAT).unwrap_or_default();
        self.timestamp_format = Some(SimpleDateFormat::new(&pattern).map_err(|e| {
            ConnectError::config(format!(
                "Invalid value {pattern} for configuration {TIMESTAMP_FORMAT}: {e}"
            ))
        })?);
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let fmt = self
            .timestamp_format
            .as_ref()
            .ok_or_else(|| ConnectError::connect("TimestampRouter used before configure"))?;
        let ts = record.timestamp.ok_or_else(|| {
            ConnectError::data(format!("Timestamp missing on record: {record:?}"))
        })?;
        let formatted = fmt.format(ts);
        // `${topic}` first, then `${timestamp}`, like Kafka: a topic containing the literal
        // `${timestamp}` is therefore expanded too.
        record.topic = self
            .topic_format
            .replace("${topic}", &record.topic)
            .replace("${timestamp}", &formatted);
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;
    use connect_api::Value;

    #[test]
    fn regex_router_rewrites_matching_topics() {
        let mut t = RegexRouter::default();
        t.configure(&props([
            ("regex", "(.*)-(\\d+)"),
            ("replacement", "$1_v$2"),
        ]))
        .unwrap();
        let out = t
            .apply(ConnectRecord::new("orders-2", None, Value::Null))
            .unwrap()
            .unwrap();
        assert_eq!(out.topic, "orders_v2");
        let out = t
            .apply(ConnectRecord::new("orders", None, Value::Null))
            .unwrap()
            .unwrap();
        assert_eq!(out.topic, "orders");
    }

    #[test]
    fn regex_router_bad_configs() {
        let mut t = RegexRouter::default();
        let err = t.configure(&props([("regex", "x")])).unwrap_err();
        assert!(err.message.contains("\"replacement\""));
        let err = t
            .configure(&props([("regex", "(unclosed"), ("replacement", "x")]))
            .unwrap_err();
        assert!(err.message.contains("Invalid regex"), "{}", err.message);
    }

    #[test]
    fn timestamp_router_defaults() {
        let mut t = TimestampRouter::default();
        t.configure(&Props::new()).unwrap();
        let r =
            ConnectRecord::new("logs", None, Value::Null).with_timestamp(Some(1_709_211_909_007));
        assert_eq!(t.apply(r).unwrap().unwrap().topic, "logs-20240229");
        let err = t
            .apply(ConnectRecord::new("logs", None, Value::Null))
            .unwrap_err();
        assert!(err.message.starts_with("Timestamp missing on record"));
    }

    #[test]
    fn timestamp_router_custom_format() {
        let mut t = TimestampRouter::default();
        t.configure(&props([
            ("topic.format", "${timestamp}.${topic}"),
            ("timestamp.format", "yyyy-MM-dd'T'HH"),
        ]))
        .unwrap();
        let r =
            ConnectRecord::new("logs", None, Value::Null).with_timestamp(Some(1_709_211_909_007));
        assert_eq!(t.apply(r).unwrap().unwrap().topic, "2024-02-29T13.logs");
        let err = t
            .configure(&props([("timestamp.format", "yyyy-qq")]))
            .unwrap_err();
        assert!(err.message.contains("timestamp.format"));
    }
}
