//! `ConfigDef`: typed config keys with defaults, docs, validators, groups and dependents.
//! One definition per plugin feeds both `/connector-plugins/{p}/config` and `/config/validate`,
//! and [`ConfigDef::parse`] reads flat string maps into typed values (unknown keys are fine).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use regex::Regex;

use crate::errors::ConnectError;

/// Flat string map, the shape of every Kafka Connect config.
pub type Props = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigType {
    Boolean,
    String,
    Int,
    Short,
    Long,
    Double,
    List,
    Class,
    Password,
}

impl ConfigType {
    pub fn name(self) -> &'static str {
        match self {
            ConfigType::Boolean => "BOOLEAN",
            ConfigType::String => "STRING",
            ConfigType::Int => "INT",
            ConfigType::Short => "SHORT",
            ConfigType::Long => "LONG",
            ConfigType::Double => "DOUBLE",
            ConfigType::List => "LIST",
            ConfigType::Class => "CLASS",
            ConfigType::Password => "PASSWORD",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importance {
    High,
    Medium,
    Low,
}

impl Importance {
    pub fn name(self) -> &'static str {
        match self {
            Importance::High => "HIGH",
            Importance::Medium => "MEDIUM",
            Importance::Low => "LOW",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    None,
    Short,
    Medium,
    Long,
}

impl Width {
    pub fn name(self) -> &'static str {
        match self {
            Width::None => "NONE",
            Width::Short => "SHORT",
            Width::Medium => "MEDIUM",
            Width::Long => "LONG",
        }
    }
}

/// A parsed config value.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigValueKind {
    Null,
    Boolean(bool),
    String(String),
    Int(i64),
    Double(f64),
    List(Vec<String>),
}

impl ConfigValueKind {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ConfigValueKind::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            ConfigValueKind::Int(v) => Some(*v),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            ConfigValueKind::Boolean(v) => Some(*v),
            _ => None,
        }
    }
    pub fn as_list(&self) -> Option<&[String]> {
        match self {
            ConfigValueKind::List(v) => Some(v),
            _ => None,
        }
    }
}

type CustomCheck = Arc<dyn Fn(&str, &ConfigValueKind) -> Result<(), String> + Send + Sync>;

/// Validators with Kafka's wording.
#[derive(Clone)]
pub enum Validator {
    /// `ConfigDef.Range.atLeast / between`.
    Range { min: Option<f64>, max: Option<f64> },
    /// `ConfigDef.ValidString.in(...)` (case-sensitive).
    ValidString(Vec<String>),
    /// `CaseInsensitiveValidString`.
    CaseInsensitiveValidString(Vec<String>),
    /// `NonEmptyString`.
    NonEmptyString,
    /// `NonNullValidator` (needed when a key's default is null but null is not allowed).
    NonNull,
    Custom {
        description: String,
        check: CustomCheck,
    },
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e18 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

impl Validator {
    pub fn at_least(min: f64) -> Self {
        Validator::Range {
            min: Some(min),
            max: None,
        }
    }
    pub fn between(min: f64, max: f64) -> Self {
        Validator::Range {
            min: Some(min),
            max: Some(max),
        }
    }
    pub fn one_of(values: &[&str]) -> Self {
        Validator::ValidString(values.iter().map(|s| s.to_string()).collect())
    }
    pub fn one_of_ci(values: &[&str]) -> Self {
        Validator::CaseInsensitiveValidString(values.iter().map(|s| s.to_string()).collect())
    }
    pub fn custom(
        description: impl Into<String>,
        check: impl Fn(&str, &ConfigValueKind) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        Validator::Custom {
            description: description.into(),
            check: Arc::new(check),
        }
    }

    /// The text Kafka appends to documentation (`Valid Values: ...`).
    pub fn describe(&self) -> String {
        match self {
            Validator::Range { min, max } => match (min, max) {
                (Some(a), Some(b)) => format!("[{},...,{}]", fmt_num(*a), fmt_num(*b)),
                (Some(a), None) => format!("[{},...]", fmt_num(*a)),
                (None, Some(b)) => format!("[...,{}]", fmt_num(*b)),
                (None, None) => "[...]".to_string(),
            },
            Validator::ValidString(v) | Validator::CaseInsensitiveValidString(v) => {
                format!("[{}]", v.join(", "))
            }
            Validator::NonEmptyString => "non-empty string".to_string(),
            Validator::NonNull => "non-null value".to_string(),
            Validator::Custom { description, .. } => description.clone(),
        }
    }

    /// Checks a parsed value; the error is Kafka's reason text (after "Invalid value X for configuration K: ").
    pub fn check(&self, name: &str, value: &ConfigValueKind) -> Result<(), String> {
        match self {
            Validator::Range { min, max } => {
                let n = match value {
                    ConfigValueKind::Int(v) => *v as f64,
                    ConfigValueKind::Double(v) => *v,
                    ConfigValueKind::Null => return Err("Value must be non-null".to_string()),
                    _ => return Ok(()),
                };
                if let Some(a) = min {
                    if n < *a {
                        return Err(match max {
                            Some(b) => format!(
                                "Value must be no less than {} and no more than {}",
                                fmt_num(*a),
                                fmt_num(*b)
                            ),
                            None => format!("Value must be at least {}", fmt_num(*a)),
                        });
                    }
                }
                if let Some(b) = max {
                    if n > *b {
                        return Err(match min {
                            Some(a) => format!(
                                "Value must be no less than {} and no more than {}",
                                fmt_num(*a),
                                fmt_num(*b)
                            ),
                            None => format!("Value must be no more than {}", fmt_num(*b)),
                        });
                    }
                }
                Ok(())
            }
            Validator::ValidString(allowed) => match value {
                ConfigValueKind::String(s) if allowed.iter().any(|a| a == s) => Ok(()),
                _ => Err(format!("String must be one of: {}", allowed.join(", "))),
            },
            Validator::CaseInsensitiveValidString(allowed) => match value {
                ConfigValueKind::String(s) if allowed.iter().any(|a| a.eq_ignore_ascii_case(s)) => {
                    Ok(())
                }
                _ => Err(format!(
                    "String must be one of (case insensitive): {}",
                    allowed.join(", ")
                )),
            },
            Validator::NonEmptyString => match value {
                ConfigValueKind::String(s) if !s.is_empty() => Ok(()),
                _ => Err("String must be non-empty".to_string()),
            },
            Validator::NonNull => match value {
                ConfigValueKind::Null => Err("Value must be non-null".to_string()),
                _ => Ok(()),
            },
            Validator::Custom { check, .. } => check(name, value),
        }
    }
}

/// A key's default: none (the key is required), `null`, or a value in Kafka's string form.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Required,
    Null,
    Value(String),
}

#[derive(Debug, Clone)]
pub struct ConfigKey {
    pub name: String,
    pub config_type: ConfigType,
    pub default: DefaultValue,
    pub validator: Option<Validator>,
    pub importance: Importance,
    pub documentation: String,
    pub group: Option<String>,
    pub order_in_group: i32,
    pub width: Width,
    pub display_name: String,
    pub dependents: Vec<String>,
    /// Values offered in `recommended_values` by validation.
    pub recommended: Vec<String>,
}

impl ConfigKey {
    pub fn new(name: &str, config_type: ConfigType, importance: Importance, doc: &str) -> Self {
        ConfigKey {
            name: name.to_string(),
            config_type,
            default: DefaultValue::Required,
            validator: None,
            importance,
            documentation: doc.to_string(),
            group: None,
            order_in_group: -1,
            width: Width::None,
            display_name: name.to_string(),
            dependents: Vec::new(),
            recommended: Vec::new(),
        }
    }
    pub fn default_value(mut self, v: impl Into<String>) -> Self {
        self.default = DefaultValue::Value(v.into());
        self
    }
    pub fn default_null(mut self) -> Self {
        self.default = DefaultValue::Null;
        self
    }
    pub fn validator(mut self, v: Validator) -> Self {
        self.validator = Some(v);
        self
    }
    pub fn group(mut self, group: &str, order: i32, width: Width, display_name: &str) -> Self {
        self.group = Some(group.to_string());
        self.order_in_group = order;
        self.width = width;
        self.display_name = display_name.to_string();
        self
    }
    pub fn dependents(mut self, deps: &[&str]) -> Self {
        self.dependents = deps.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn recommended(mut self, values: &[&str]) -> Self {
        self.recommended = values.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn has_default(&self) -> bool {
        self.default != DefaultValue::Required
    }

    /// The `default_value` field of `ConfigKeyInfo`.
    pub fn default_rendered(&self) -> Option<String> {
        match &self.default {
            DefaultValue::Required | DefaultValue::Null => None,
            DefaultValue::Value(_) if self.config_type == ConfigType::Password => {
                Some("[hidden]".to_string())
            }
            DefaultValue::Value(v) => Some(v.clone()),
        }
    }

    /// Parses one raw string as this key's type (Kafka's `ConfigDef.parseType`).
    pub fn parse_value(&self, raw: Option<&str>) -> Result<ConfigValueKind, String> {
        let raw = match raw {
            None => return Ok(ConfigValueKind::Null),
            Some(r) => r,
        };
        let trimmed = raw.trim();
        let not_a = |t: &str| {
            format!(
                "Invalid value {} for configuration {}: Not a number of type {}",
                trimmed, self.name, t
            )
        };
        Ok(match self.config_type {
            ConfigType::Boolean => match trimmed.to_ascii_lowercase().as_str() {
                "true" => ConfigValueKind::Boolean(true),
                "false" => ConfigValueKind::Boolean(false),
                _ => {
                    return Err(format!(
                        "Invalid value {} for configuration {}: Expected value to be either true or false",
                        trimmed, self.name
                    ))
                }
            },
            ConfigType::String | ConfigType::Password => ConfigValueKind::String(raw.to_string()),
            ConfigType::Class => ConfigValueKind::String(trimmed.to_string()),
            ConfigType::Int => {
                ConfigValueKind::Int(i64::from(trimmed.parse::<i32>().map_err(|_| not_a("INT"))?))
            }
            ConfigType::Short => {
                ConfigValueKind::Int(i64::from(trimmed.parse::<i16>().map_err(|_| not_a("SHORT"))?))
            }
            ConfigType::Long => {
                ConfigValueKind::Int(trimmed.parse::<i64>().map_err(|_| not_a("LONG"))?)
            }
            ConfigType::Double => {
                ConfigValueKind::Double(trimmed.parse::<f64>().map_err(|_| not_a("DOUBLE"))?)
            }
            ConfigType::List => {
                if trimmed.is_empty() {
                    ConfigValueKind::List(Vec::new())
                } else {
                    ConfigValueKind::List(
                        COMMA_RE
                            .get_or_init(|| Regex::new(r"\s*,\s*").expect("static regex"))
                            .split(trimmed)
                            .map(str::to_string)
                            .collect(),
                    )
                }
            }
        })
    }
}

static COMMA_RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();

/// One key's validation result (`ConfigValue`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigValue {
    pub name: String,
    pub value: Option<String>,
    pub recommended_values: Vec<String>,
    pub errors: Vec<String>,
    pub visible: bool,
}

impl ConfigValue {
    pub fn new(name: impl Into<String>, value: Option<String>) -> Self {
        ConfigValue {
            name: name.into(),
            value,
            recommended_values: Vec::new(),
            errors: Vec::new(),
            visible: true,
        }
    }
}

/// An ordered set of [`ConfigKey`]s.
#[derive(Debug, Clone, Default)]
pub struct ConfigDef {
    keys: Vec<ConfigKey>,
}

impl ConfigDef {
    pub fn new() -> Self {
        ConfigDef { keys: Vec::new() }
    }

    /// Adds a key; a second definition of the same name replaces the first (used when
    /// merging framework keys with a plugin's own).
    pub fn define(mut self, key: ConfigKey) -> Self {
        self.add(key);
        self
    }

    pub fn add(&mut self, key: ConfigKey) {
        if let Some(existing) = self.keys.iter_mut().find(|k| k.name == key.name) {
            *existing = key;
        } else {
            self.keys.push(key);
        }
    }

    pub fn keys(&self) -> &[ConfigKey] {
        &self.keys
    }

    pub fn key(&self, name: &str) -> Option<&ConfigKey> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// Groups in first-seen order.
    pub fn groups(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for k in &self.keys {
            if let Some(g) = &k.group {
                if !out.contains(g) {
                    out.push(g.clone());
                }
            }
        }
        out
    }

    /// Validates `props` against every key (Kafka's `ConfigDef.validate`): one result per
    /// defined key, in definition order.
    pub fn validate(&self, props: &Props) -> Vec<ConfigValue> {
        self.keys
            .iter()
            .map(|key| {
                let raw = props.get(&key.name).cloned();
                let mut cv = ConfigValue::new(&key.name, raw.clone());
                cv.recommended_values = key.recommended.clone();
                let effective = match (&raw, &key.default) {
                    (Some(v), _) => Some(v.clone()),
                    (None, DefaultValue::Value(d)) => Some(d.clone()),
                    (None, DefaultValue::Null) => None,
                    (None, DefaultValue::Required) => {
                        cv.errors.push(format!(
                            "Missing required configuration \"{}\" which has no default value.",
                            key.name
                        ));
                        return cv;
                    }
                };
                match key.parse_value(effective.as_deref()) {
                    Err(e) => cv.errors.push(e),
                    Ok(parsed) => {
                        if let Some(v) = &key.validator {
                            if let Err(reason) = v.check(&key.name, &parsed) {
                                cv.errors.push(format!(
                                    "Invalid value {} for configuration {}: {}",
                                    effective.as_deref().unwrap_or("null"),
                                    key.name,
                                    reason
                                ));
                            }
                        }
                    }
                }
                if key.config_type == ConfigType::Password && cv.value.is_some() {
                    cv.value = Some("[hidden]".to_string());
                }
                cv
            })
            .collect()
    }

    /// Parses `props` into typed values, failing on the first error (Kafka's `AbstractConfig`).
    pub fn parse(&self, props: &Props) -> Result<ParsedConfig, ConnectError> {
        let mut values = BTreeMap::new();
        for cv in self.validate(props) {
            if let Some(e) = cv.errors.first() {
                return Err(ConnectError::config(e.clone()));
            }
            let _ = cv;
        }
        for key in &self.keys {
            let raw = props
                .get(&key.name)
                .map(String::as_str)
                .or(match &key.default {
                    DefaultValue::Value(d) => Some(d.as_str()),
                    _ => None,
                });
            let parsed = key.parse_value(raw).map_err(ConnectError::config)?;
            values.insert(key.name.clone(), parsed);
        }
        Ok(ParsedConfig {
            values,
            originals: props.clone(),
        })
    }
}

/// Typed view of a parsed config, with the original map kept for prefix lookups.
#[derive(Debug, Clone)]
pub struct ParsedConfig {
    values: BTreeMap<String, ConfigValueKind>,
    originals: Props,
}

impl ParsedConfig {
    pub fn get(&self, key: &str) -> Option<&ConfigValueKind> {
        self.values.get(key)
    }
    pub fn string(&self, key: &str) -> Option<String> {
        self.get(key).and_then(|v| v.as_str()).map(str::to_string)
    }
    pub fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(ConfigValueKind::as_i64)
    }
    pub fn boolean(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(ConfigValueKind::as_bool)
    }
    pub fn double(&self, key: &str) -> Option<f64> {
        match self.get(key) {
            Some(ConfigValueKind::Double(d)) => Some(*d),
            _ => None,
        }
    }
    pub fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .and_then(ConfigValueKind::as_list)
            .map(<[String]>::to_vec)
            .unwrap_or_default()
    }
    pub fn originals(&self) -> &Props {
        &self.originals
    }
    /// Keys under `prefix`, with the prefix stripped (`originalsWithPrefix`).
    pub fn with_prefix(&self, prefix: &str) -> Props {
        originals_with_prefix(&self.originals, prefix)
    }
}

pub fn originals_with_prefix(props: &Props, prefix: &str) -> Props {
    props
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).map(|s| (s.to_string(), v.clone())))
        .collect()
}

/// Builds a [`Props`] from pairs; handy in tests and connectors.
pub fn props<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Props {
    pairs
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new("tasks.max", ConfigType::Int, Importance::High, "Max tasks")
                    .default_value("1")
                    .validator(Validator::at_least(1.0)),
            )
            .define(ConfigKey::new(
                "file",
                ConfigType::String,
                Importance::High,
                "File",
            ))
            .define(
                ConfigKey::new("topics", ConfigType::List, Importance::High, "Topics")
                    .default_value(""),
            )
    }

    #[test]
    fn kafka_wording_for_errors() {
        let r = def().validate(&props([("tasks.max", "0")]));
        assert_eq!(
            r[0].errors,
            vec!["Invalid value 0 for configuration tasks.max: Value must be at least 1"]
        );
        assert_eq!(
            r[1].errors,
            vec!["Missing required configuration \"file\" which has no default value."]
        );
        let r = def().validate(&props([("tasks.max", "x"), ("file", "f")]));
        assert_eq!(
            r[0].errors,
            vec!["Invalid value x for configuration tasks.max: Not a number of type INT"]
        );
    }

    #[test]
    fn parse_lists_and_defaults() {
        let p = def()
            .parse(&props([("file", "a"), ("topics", "a, b ,c")]))
            .unwrap();
        assert_eq!(p.int("tasks.max"), Some(1));
        assert_eq!(p.list("topics"), vec!["a", "b", "c"]);
    }
}
