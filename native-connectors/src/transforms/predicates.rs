//! Predicates from `org.apache.kafka.connect.transforms.predicates`.

use connect_api::config::ConfigValueKind;
use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Predicate, Props, Validator,
};

use super::common::parse_config;
use super::java_regex::JavaPattern;

const PATTERN: &str = "pattern";
const NAME: &str = "name";

/// True when the whole topic name matches `pattern`.
#[derive(Default)]
pub struct TopicNameMatches {
    pattern: Option<JavaPattern>,
}

impl TopicNameMatches {
    pub fn config_def() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new(
                PATTERN,
                ConfigType::String,
                Importance::Medium,
                "A Java regular expression for matching against the name of a record's topic.",
            )
            .validator(Validator::custom(
                "non-empty string, valid regex",
                |_, v| match v {
                    ConfigValueKind::String(s) if s.is_empty() => {
                        Err("String must be non-empty".to_string())
                    }
                    ConfigValueKind::String(s) => JavaPattern::compile(s)
                        .map(|_| ())
                        .map_err(|e| format!("Invalid regex: {e}")),
                    _ => Ok(()),
                },
            )),
        )
    }
}

impl Predicate for TopicNameMatches {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        let p = c.string(PATTERN).unwrap_or_default();
        self.pattern = Some(JavaPattern::compile(&p).map_err(|e| {
            ConnectError::config(format!(
                "Invalid value {p} for configuration {PATTERN}: entry must be a Java-compatible regular expression: {e}"
            ))
        })?);
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn test(&self, record: &ConnectRecord) -> ConnectResult<bool> {
        let p = self
            .pattern
            .as_ref()
            .ok_or_else(|| ConnectError::connect("TopicNameMatches used before configure"))?;
        Ok(p.matches(&record.topic))
    }
}

/// True when the record has at least one header named `name`.
#[derive(Default)]
pub struct HasHeaderKey {
    name: String,
}

impl HasHeaderKey {
    pub fn config_def() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new(
                NAME,
                ConfigType::String,
                Importance::Medium,
                "The header name.",
            )
            .validator(Validator::NonEmptyString),
        )
    }
}

impl Predicate for HasHeaderKey {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.name = c.string(NAME).unwrap_or_default();
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn test(&self, record: &ConnectRecord) -> ConnectResult<bool> {
        Ok(record.headers.all_with_name(&self.name).next().is_some())
    }
}

/// True for tombstones (a null value).
#[derive(Default)]
pub struct RecordIsTombstone;

impl Predicate for RecordIsTombstone {
    fn configure(&mut self, _props: &Props) -> ConnectResult<()> {
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        ConfigDef::new()
    }

    fn test(&self, record: &ConnectRecord) -> ConnectResult<bool> {
        Ok(record.value.is_null())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;
    use connect_api::{SchemaBuilder, Struct, Value};

    #[test]
    fn topic_name_matches_whole_name() {
        let mut p = TopicNameMatches::default();
        p.configure(&props([("pattern", "orders-.*")])).unwrap();
        assert!(p
            .test(&ConnectRecord::new("orders-eu", None, Value::Null))
            .unwrap());
        assert!(!p
            .test(&ConnectRecord::new("old-orders-eu", None, Value::Null))
            .unwrap());
        let err = TopicNameMatches::default()
            .configure(&Props::new())
            .unwrap_err();
        assert!(err.message.contains("\"pattern\""));
        let err = TopicNameMatches::default()
            .configure(&props([("pattern", "[")]))
            .unwrap_err();
        assert!(err.message.contains("pattern"));
        let err = TopicNameMatches::default()
            .configure(&props([("pattern", "")]))
            .unwrap_err();
        assert!(err.message.contains("String must be non-empty"));
    }

    #[test]
    fn has_header_key() {
        let mut p = HasHeaderKey::default();
        p.configure(&props([("name", "trace")])).unwrap();
        let mut r = ConnectRecord::new("t", None, Value::Null);
        assert!(!p.test(&r).unwrap());
        r.headers.add("trace", None, Value::Null);
        assert!(p.test(&r).unwrap());
        assert!(HasHeaderKey::default().configure(&Props::new()).is_err());
    }

    #[test]
    fn record_is_tombstone() {
        let p = RecordIsTombstone;
        assert!(p.test(&ConnectRecord::new("t", None, Value::Null)).unwrap());
        let s = SchemaBuilder::struct_().build();
        let r = ConnectRecord::new("t", Some(s.clone()), Value::Struct(Struct::new(s)));
        assert!(!p.test(&r).unwrap());
        let keyed_tombstone =
            ConnectRecord::new("t", None, Value::Null).with_key(None, Value::from("k"));
        assert!(p.test(&keyed_tombstone).unwrap());
    }
}
