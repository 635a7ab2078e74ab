//! Helpers shared by the SMTs: key/value selection, Kafka's `Requirements` checks and
//! messages, `SchemaUtil.copySchemaBasics`, a small schema-update cache and Java-style
//! rendering of values.

use std::sync::Arc;

use base64::Engine;
use connect_api::config::{ConfigValueKind, ParsedConfig};
use connect_api::data::{
    decimal_from_bytes, DATE_LOGICAL_NAME, DECIMAL_LOGICAL_NAME, DECIMAL_SCALE_PARAM,
    TIMESTAMP_LOGICAL_NAME, TIME_LOGICAL_NAME,
};
use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, Schema, SchemaBuilder, SchemaRef, SchemaType, Struct, Validator, Value,
};

use super::sdf::SimpleDateFormat;

pub const REPLACE_NULL_WITH_DEFAULT_CONFIG: &str = "replace.null.with.default";
pub const REPLACE_NULL_WITH_DEFAULT_DOC: &str = "Whether to replace fields that have \
a default value and that are null to the default value. When set to true, the default value is \
used, otherwise null is used.";

pub const MILLIS_PER_DAY: i64 = 86_400_000;

/// Which half of the record a `$Key` / `$Value` transformation works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Key,
    Value,
}

impl Side {
    pub fn schema(self, r: &ConnectRecord) -> Option<&SchemaRef> {
        match self {
            Side::Key => r.key_schema.as_ref(),
            Side::Value => r.value_schema.as_ref(),
        }
    }

    pub fn value(self, r: &ConnectRecord) -> &Value {
        match self {
            Side::Key => &r.key,
            Side::Value => &r.value,
        }
    }

    pub fn put(self, r: &mut ConnectRecord, schema: Option<SchemaRef>, value: Value) {
        match self {
            Side::Key => {
                r.key_schema = schema;
                r.key = value;
            }
            Side::Value => {
                r.value_schema = schema;
                r.value = value;
            }
        }
    }
}

/// Parses a transformation's config with Kafka's `SimpleConfig` semantics.
pub fn parse_config(def: &ConfigDef, props: &Props) -> ConnectResult<ParsedConfig> {
    def.parse(props)
}

pub fn require_map<'a>(value: &'a Value, purpose: &str) -> ConnectResult<&'a [(Value, Value)]> {
    match value {
        Value::Map(entries) => Ok(entries),
        other => Err(ConnectError::data(format!(
            "Only Map objects supported in absence of schema for [{purpose}], found: {}",
            other.type_name()
        ))),
    }
}

pub fn require_struct<'a>(value: &'a Value, purpose: &str) -> ConnectResult<&'a Struct> {
    match value {
        Value::Struct(s) => Ok(s),
        other => Err(ConnectError::data(format!(
            "Only Struct objects supported for [{purpose}], found: {}",
            other.type_name()
        ))),
    }
}

pub fn require_schema<'a>(
    schema: Option<&'a SchemaRef>,
    purpose: &str,
) -> ConnectResult<&'a SchemaRef> {
    schema.ok_or_else(|| ConnectError::data(format!("Schema required for [{purpose}]")))
}

pub fn map_get<'a>(entries: &'a [(Value, Value)], key: &str) -> Option<&'a Value> {
    entries
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

/// `HashMap.put` on a schemaless map: replaces in place, else appends.
pub fn map_put(entries: &mut Vec<(Value, Value)>, key: &str, value: Value) {
    match entries.iter_mut().find(|(k, _)| k.as_str() == Some(key)) {
        Some(slot) => slot.1 = value,
        None => entries.push((Value::String(key.to_string()), value)),
    }
}

pub fn map_remove(entries: &mut Vec<(Value, Value)>, key: &str) {
    entries.retain(|(k, _)| k.as_str() != Some(key));
}

/// A struct field's value, honouring `replace.null.with.default` (`get` vs `getWithoutDefault`).
pub fn field_value(s: &Struct, name: &str, replace_null_with_default: bool) -> Value {
    if replace_null_with_default {
        return s.get(name).cloned().unwrap_or(Value::Null);
    }
    match s.schema.field(name) {
        Some(f) => s.get_by_index(f.index).clone(),
        None => Value::Null,
    }
}

/// Fills a struct from `(field, value)` pairs, keeping nulls unset so that defaults and
/// optionality are judged by the struct's own schema, as `Struct.put` does.
pub fn build_struct(
    schema: &SchemaRef,
    values: impl IntoIterator<Item = (String, Value)>,
) -> ConnectResult<Struct> {
    let mut out = Struct::new(schema.clone());
    for (name, v) in values {
        if v.is_null() {
            let f = schema
                .field(&name)
                .ok_or_else(|| ConnectError::data(format!("{name} is not a valid field name")))?;
            f.schema.validate_value(&v)?;
            continue;
        }
        out.set(&name, v)?;
    }
    Ok(out)
}

/// `SchemaUtil.copySchemaBasics`: name, version, doc and parameters (not optionality).
pub fn copy_schema_basics(source: &Schema, mut builder: SchemaBuilder) -> SchemaBuilder {
    if let Some(n) = &source.name {
        builder = builder.name(n.clone());
    }
    if let Some(v) = source.version {
        builder = builder.version(v);
    }
    if let Some(d) = &source.doc {
        builder = builder.doc(d.clone());
    }
    if let Some(params) = &source.parameters {
        for (k, v) in params {
            builder = builder.parameter(k.clone(), v.clone());
        }
    }
    builder
}

/// Kafka keeps a 16-entry LRU of input → output schemas; so do we, keyed by pointer first
/// and then by structural equality.
#[derive(Debug, Default)]
pub struct SchemaCache {
    entries: Vec<(SchemaRef, SchemaRef)>,
}

impl SchemaCache {
    const CAPACITY: usize = 16;

    pub fn get(&mut self, key: &SchemaRef) -> Option<SchemaRef> {
        let pos = self
            .entries
            .iter()
            .position(|(k, _)| Arc::ptr_eq(k, key) || k == key)?;
        let hit = self.entries.remove(pos);
        let out = hit.1.clone();
        self.entries.push(hit);
        Some(out)
    }

    pub fn put(&mut self, key: SchemaRef, updated: SchemaRef) {
        if self.entries.len() >= Self::CAPACITY {
            self.entries.remove(0);
        }
        self.entries.push((key, updated));
    }

    pub fn get_or_build(
        &mut self,
        key: &SchemaRef,
        build: impl FnOnce() -> ConnectResult<SchemaRef>,
    ) -> ConnectResult<SchemaRef> {
        if let Some(hit) = self.get(key) {
            return Ok(hit);
        }
        let built = build()?;
        self.put(key.clone(), built.clone());
        Ok(built)
    }
}

/// The `replace.null.with.default` key most SMTs share (BOOLEAN, default true).
pub fn replace_null_with_default_key() -> ConfigKey {
    ConfigKey::new(
        REPLACE_NULL_WITH_DEFAULT_CONFIG,
        ConfigType::Boolean,
        Importance::Medium,
        REPLACE_NULL_WITH_DEFAULT_DOC,
    )
    .default_value("true")
}

pub fn non_empty_list_validator() -> Validator {
    Validator::custom("non-empty list", |_, v| match v {
        ConfigValueKind::List(l) if !l.is_empty() => Ok(()),
        _ => Err("Empty list".to_string()),
    })
}

/// Java's `String.split(":")`: trailing empty parts are dropped.
pub fn java_split(s: &str, sep: char) -> Vec<&str> {
    let mut parts: Vec<&str> = s.split(sep).collect();
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    if parts.len() == 1 && parts[0].is_empty() {
        parts.clear();
    }
    parts
}

/// `Double.toString`: plain between 10^-3 and 10^7, else `d.dddE±n`, always with a fraction.
pub fn java_double_string(v: f64) -> String {
    java_float_text(
        v.is_nan(),
        v.is_infinite(),
        v < 0.0,
        v.abs(),
        format!("{v}"),
        format!("{v:e}"),
    )
}

/// `Float.toString`, with the shortest digits that identify the `f32`.
pub fn java_float_string(v: f32) -> String {
    java_float_text(
        v.is_nan(),
        v.is_infinite(),
        v < 0.0,
        f64::from(v.abs()),
        format!("{v}"),
        format!("{v:e}"),
    )
}

fn java_float_text(
    nan: bool,
    inf: bool,
    neg: bool,
    abs: f64,
    plain: String,
    sci: String,
) -> String {
    if nan {
        return "NaN".to_string();
    }
    if inf {
        return if neg { "-Infinity" } else { "Infinity" }.to_string();
    }
    if abs == 0.0 || (1e-3..1e7).contains(&abs) {
        if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        }
    } else {
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        if mantissa.contains('.') {
            format!("{mantissa}E{exp}")
        } else {
            format!("{mantissa}.0E{exp}")
        }
    }
}

/// Formats a logical Date/Time/Timestamp's millis like `Values.dateFormatFor` (in UTC).
pub fn java_date_string(millis: i64) -> String {
    let pattern = if millis < MILLIS_PER_DAY {
        "HH:mm:ss.SSS'Z'"
    } else if millis % MILLIS_PER_DAY == 0 {
        "yyyy-MM-dd"
    } else {
        "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    };
    SimpleDateFormat::new(pattern)
        .map(|f| f.format(millis))
        .unwrap_or_else(|_| millis.to_string())
}

/// The epoch millis a logical temporal value stands for, when `schema` names one.
pub fn logical_millis(schema: Option<&Schema>, value: &Value) -> Option<i64> {
    let name = schema?.name.as_deref()?;
    match (name, value) {
        (DATE_LOGICAL_NAME, Value::Int32(days)) => Some(i64::from(*days) * MILLIS_PER_DAY),
        (TIME_LOGICAL_NAME, Value::Int32(ms)) => Some(i64::from(*ms)),
        (TIMESTAMP_LOGICAL_NAME, Value::Int64(ms)) => Some(*ms),
        _ => None,
    }
}

/// The decimal text of a logical Decimal value, when `schema` is one.
pub fn logical_decimal(schema: Option<&Schema>, value: &Value) -> Option<String> {
    let s = schema?;
    if !s.is_logical(DECIMAL_LOGICAL_NAME) {
        return None;
    }
    let scale: i32 = s.parameter(DECIMAL_SCALE_PARAM)?.parse().ok()?;
    match value {
        Value::Bytes(b) => Some(decimal_from_bytes(b, scale)),
        _ => None,
    }
}

/// `String.valueOf` of a primitive value as Cast's `castToString` renders it.
pub fn java_string(schema: Option<&Schema>, value: &Value) -> String {
    if let Some(ms) = logical_millis(schema, value) {
        return java_date_string(ms);
    }
    if let Some(d) = logical_decimal(schema, value) {
        return d;
    }
    match value {
        Value::Null => "null".to_string(),
        Value::Int8(v) => v.to_string(),
        Value::Int16(v) => v.to_string(),
        Value::Int32(v) => v.to_string(),
        Value::Int64(v) => v.to_string(),
        Value::Float32(v) => java_float_string(*v),
        Value::Float64(v) => java_double_string(*v),
        Value::Boolean(v) => v.to_string(),
        Value::String(s) => s.clone(),
        Value::Bytes(b) => base64::engine::general_purpose::STANDARD.encode(b),
        Value::Array(_) | Value::Map(_) | Value::Struct(_) => format!("{value:?}"),
    }
}

/// The Connect type of a schemaless value (`ConnectSchema.schemaType`).
pub fn value_type(value: &Value) -> Option<SchemaType> {
    Some(match value {
        Value::Null => return None,
        Value::Int8(_) => SchemaType::Int8,
        Value::Int16(_) => SchemaType::Int16,
        Value::Int32(_) => SchemaType::Int32,
        Value::Int64(_) => SchemaType::Int64,
        Value::Float32(_) => SchemaType::Float32,
        Value::Float64(_) => SchemaType::Float64,
        Value::Boolean(_) => SchemaType::Boolean,
        Value::String(_) => SchemaType::String,
        Value::Bytes(_) => SchemaType::Bytes,
        Value::Array(_) => SchemaType::Array,
        Value::Map(_) => SchemaType::Map,
        Value::Struct(_) => SchemaType::Struct,
    })
}

/// Java's upper-case `Schema.Type` name (`INT32`, `FLOAT64`), as Cast prints it.
pub fn java_type_name(t: SchemaType) -> &'static str {
    match t {
        SchemaType::Int8 => "INT8",
        SchemaType::Int16 => "INT16",
        SchemaType::Int32 => "INT32",
        SchemaType::Int64 => "INT64",
        SchemaType::Float32 => "FLOAT32",
        SchemaType::Float64 => "FLOAT64",
        SchemaType::Boolean => "BOOLEAN",
        SchemaType::String => "STRING",
        SchemaType::Bytes => "BYTES",
        SchemaType::Array => "ARRAY",
        SchemaType::Map => "MAP",
        SchemaType::Struct => "STRUCT",
    }
}

/// A builder for the given primitive type.
pub fn builder_for(t: SchemaType) -> SchemaBuilder {
    SchemaBuilder::new(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_number_rendering() {
        assert_eq!(java_double_string(1.0), "1.0");
        assert_eq!(java_double_string(-0.5), "-0.5");
        assert_eq!(java_double_string(1e7), "1.0E7");
        assert_eq!(java_double_string(1.25e-5), "1.25E-5");
        assert_eq!(java_double_string(1234567.5), "1234567.5");
        assert_eq!(java_float_string(0.1), "0.1");
        assert_eq!(java_float_string(f32::INFINITY), "Infinity");
    }

    #[test]
    fn java_split_drops_trailing_empties() {
        assert_eq!(java_split("a:b", ':'), vec!["a", "b"]);
        assert_eq!(java_split("a:", ':'), vec!["a"]);
        assert_eq!(java_split(":b", ':'), vec!["", "b"]);
        assert_eq!(java_split("a:b:c", ':').len(), 3);
    }

    #[test]
    fn date_rendering_follows_values_date_format_for() {
        assert_eq!(java_date_string(3_723_004), "01:02:03.004Z");
        assert_eq!(java_date_string(19_723 * MILLIS_PER_DAY), "2024-01-01");
        assert_eq!(
            java_date_string(19_723 * MILLIS_PER_DAY + 1),
            "2024-01-01T00:00:00.001Z"
        );
    }
}
