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

    /// The value as validation reports it (Kafka's `ConfigDef.convertToString` of the parsed
    /// value): lists joined with ",", numbers and booleans canonical, `None` for null.
    pub fn to_config_string(&self) -> Option<String> {
        match self {
            ConfigValueKind::Null => None,
            ConfigValueKind::Boolean(b) => Some(b.to_string()),
            ConfigValueKind::String(s) => Some(s.clone()),
            ConfigValueKind::Int(v) => Some(v.to_string()),
            ConfigValueKind::Double(v) => Some(java_double_string(*v)),
            ConfigValueKind::List(v) => Some(v.join(",")),
        }
    }
}

/// `Double.toString`: at least one decimal, and scientific notation outside [1e-3, 1e7).
fn java_double_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let abs = v.abs();
    if abs == 0.0 || (1e-3..1e7).contains(&abs) {
        let s = v.to_string();
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    // Rust's `{:e}` gives the shortest round-tripping digits, like Java's algorithm.
    let e = format!("{v:e}");
    let (mantissa, exponent) = e.split_once('e').unwrap_or((e.as_str(), "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    format!("{mantissa}E{exponent}")
}

/// The order in which a `java.util.HashMap` (or `HashSet`) with default settings iterates
/// over these keys once all are inserted in the given order. Kafka Connect answers some lists
/// in that order (a converter's validation results, the values of a case-insensitive
/// validator), so reproducing it is what makes those answers byte-identical.
pub fn java_hash_order<T: AsRef<str>>(keys: &[T]) -> Vec<usize> {
    // Capacity doubles from 16 whenever the size passes three quarters of it.
    let mut capacity: usize = 16;
    while keys.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let bucket = |key: &str| {
        let h = java_string_hash(key) as u32;
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    let mut order: Vec<usize> = (0..keys.len()).collect();
    // Stable: keys sharing a bucket stay in insertion order, as its chain does.
    order.sort_by_key(|&i| bucket(keys[i].as_ref()));
    order
}

/// `String.hashCode()`, over UTF-16 code units.
fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
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
                // Kafka keeps the upper-cased values in a HashSet and lists them from it.
                _ => {
                    let upper: Vec<String> = allowed.iter().map(|a| a.to_uppercase()).collect();
                    let listed: Vec<&str> = java_hash_order(&upper)
                        .into_iter()
                        .map(|i| upper[i].as_str())
                        .collect();
                    Err(format!(
                        "String must be one of (case insensitive): {}",
                        listed.join(", ")
                    ))
                }
            },
            // A null passes: only an empty string is refused.
            Validator::NonEmptyString => match value {
                ConfigValueKind::String(s) if s.is_empty() => {
                    Err("String must be non-empty".to_string())
                }
                _ => Ok(()),
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

    /// Validates one key the way Kafka's `ConfigDef.parseForValidate` does. `given` is `None`
    /// when the key is absent and `Some(None)` when it was given as null.
    ///
    /// The reported value is the parsed value rendered back to text (the default when the key
    /// is absent), or null when it does not parse. The validator always runs, on null when
    /// parsing failed or there is no value: that is how a bad `tasks.max` collects both "Not a
    /// number" and "Value must be non-null", exactly as Kafka reports it.
    pub fn validate_one(&self, given: Option<Option<&str>>) -> ConfigValue {
        let mut cv = ConfigValue::new(&self.name, None);
        cv.recommended_values = self.recommended.clone();
        let parsed = match given {
            Some(raw) => self.parse_value(raw).unwrap_or_else(|e| {
                cv.errors.push(e);
                ConfigValueKind::Null
            }),
            None => match &self.default {
                DefaultValue::Required => {
                    cv.errors.push(format!(
                        "Missing required configuration \"{}\" which has no default value.",
                        self.name
                    ));
                    ConfigValueKind::Null
                }
                DefaultValue::Null => ConfigValueKind::Null,
                DefaultValue::Value(d) => self.parse_value(Some(d)).unwrap_or_else(|e| {
                    cv.errors.push(e);
                    ConfigValueKind::Null
                }),
            },
        };
        if let Some(v) = &self.validator {
            if let Err(reason) = v.check(&self.name, &parsed) {
                let shown = match &parsed {
                    ConfigValueKind::Null => "null".to_string(),
                    // Kafka prints the parsed object: a list as `[a, b]`.
                    ConfigValueKind::List(l) => format!("[{}]", l.join(", ")),
                    other => other.to_config_string().unwrap_or_default(),
                };
                cv.errors.push(format!(
                    "Invalid value {shown} for configuration {}: {reason}",
                    self.name
                ));
            }
        }
        cv.value = match (self.config_type, parsed.to_config_string()) {
            (ConfigType::Password, Some(_)) => Some("[hidden]".to_string()),
            (_, v) => v,
        };
        cv
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
            ConfigType::String | ConfigType::Password | ConfigType::Class => {
                ConfigValueKind::String(trimmed.to_string())
            }
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
            .map(|key| key.validate_one(props.get(&key.name).map(|v| Some(v.as_str()))))
            .collect()
    }

    /// [`ConfigDef::validate`] for a map that may hold JSON nulls, as a REST request does:
    /// a key given as null is neither missing nor defaulted, it is validated as null.
    pub fn validate_nullable(&self, props: &BTreeMap<String, Option<String>>) -> Vec<ConfigValue> {
        self.keys
            .iter()
            .map(|key| key.validate_one(props.get(&key.name).map(Option::as_deref)))
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
        // Kafka runs the validator on null after a parse failure, so both errors show.
        let r = def().validate(&props([("tasks.max", "x"), ("file", "f")]));
        assert_eq!(
            r[0].errors,
            vec![
                "Invalid value x for configuration tasks.max: Not a number of type INT",
                "Invalid value null for configuration tasks.max: Value must be non-null"
            ]
        );
        assert_eq!(r[0].value, None);
    }

    #[test]
    fn values_are_reported_parsed_or_defaulted() {
        let r = def().validate(&props([("file", " f "), ("topics", " a , b ")]));
        assert_eq!(r[0].value.as_deref(), Some("1"), "default");
        assert_eq!(r[1].value.as_deref(), Some("f"), "strings are trimmed");
        assert_eq!(r[2].value.as_deref(), Some("a,b"), "lists re-joined");
        let r = def().validate(&props([("tasks.max", " 07 ")]));
        assert_eq!(r[0].value.as_deref(), Some("7"));
        assert_eq!(r[1].value, None, "missing, no default");
    }

    #[test]
    fn nulls_are_validated_as_null() {
        let given: BTreeMap<String, Option<String>> =
            [("tasks.max".to_string(), None), ("file".to_string(), None)].into();
        let r = def().validate_nullable(&given);
        assert_eq!(
            r[0].errors,
            vec!["Invalid value null for configuration tasks.max: Value must be non-null"]
        );
        assert!(r[1].errors.is_empty(), "given as null is not missing");
        assert_eq!(r[1].value, None);
    }

    #[test]
    fn case_insensitive_choices_are_listed_in_hash_set_order() {
        let v = Validator::one_of_ci(&["poll", "interval", "connector"]);
        assert_eq!(
            v.check("k", &ConfigValueKind::String("x".into())),
            Err("String must be one of (case insensitive): INTERVAL, POLL, CONNECTOR".into())
        );
        assert!(v
            .check("k", &ConfigValueKind::String("Poll".into()))
            .is_ok());
        let v = Validator::one_of_ci(&["requested", "required"]);
        assert_eq!(
            v.check("k", &ConfigValueKind::Null),
            Err("String must be one of (case insensitive): REQUIRED, REQUESTED".into())
        );
    }

    #[test]
    fn java_hash_map_iteration_order() {
        let keys = [
            "converter.type",
            "schemas.enable",
            "schemas.cache.size",
            "schema.content",
            "decimal.format",
            "replace.null.with.default",
        ];
        let order: Vec<&str> = java_hash_order(&keys)
            .into_iter()
            .map(|i| keys[i])
            .collect();
        assert_eq!(
            order,
            [
                "decimal.format",
                "converter.type",
                "schemas.cache.size",
                "replace.null.with.default",
                "schemas.enable",
                "schema.content"
            ]
        );
    }

    #[test]
    fn doubles_render_like_java() {
        let s = |v: f64| ConfigValueKind::Double(v).to_config_string();
        assert_eq!(s(1.0).as_deref(), Some("1.0"));
        assert_eq!(s(0.5).as_deref(), Some("0.5"));
        assert_eq!(s(1e10).as_deref(), Some("1.0E10"));
        assert_eq!(s(1.5e-5).as_deref(), Some("1.5E-5"));
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
