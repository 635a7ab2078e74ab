//! `org.apache.kafka.connect.json.JsonConverter`, byte-compatible with Kafka's connect-json.

use std::collections::BTreeMap;
use std::sync::Arc;

use connect_api::config::{ConfigKey, ConfigType, Importance, Validator, Width};
use connect_api::data::{
    Field, Schema, DATE_LOGICAL_NAME, DECIMAL_LOGICAL_NAME, DECIMAL_SCALE_PARAM,
    TIMESTAMP_LOGICAL_NAME, TIME_LOGICAL_NAME,
};
use connect_api::{
    ConfigDef, ConnectError, ConnectResult, Converter, HeaderConverter, Headers, Props,
    SchemaAndValue, SchemaRef, SchemaType, Struct, Value,
};
use num_bigint::BigInt;

use super::java_fmt::BigDec;
use super::json_text::{self, JsonNode};
use super::{converter_type_key, java_class_of, ConverterType};

pub const CLASS: &str = "org.apache.kafka.connect.json.JsonConverter";

const SERIALIZATION_ERROR: &str =
    "Converting byte[] to Kafka Connect data failed due to serialization error: ";
const ENVELOPE_ERROR: &str = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.";
const MILLIS_PER_DAY: i64 = 86_400_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalFormat {
    Base64,
    Numeric,
}

/// Kafka's JSON converter: key, value or header converter depending on `converter.type`.
#[derive(Debug, Clone)]
pub struct JsonConverter {
    schemas_enable: bool,
    decimal_format: DecimalFormat,
    replace_null_with_default: bool,
    /// `schema.content`: a fixed schema for every message, whose bytes are then just the payload.
    fixed_schema: Option<SchemaRef>,
    converter_type: ConverterType,
}

impl Default for JsonConverter {
    fn default() -> Self {
        Self::new()
    }
}

impl JsonConverter {
    pub fn new() -> Self {
        JsonConverter {
            schemas_enable: true,
            decimal_format: DecimalFormat::Base64,
            replace_null_with_default: true,
            fixed_schema: None,
            converter_type: ConverterType::Value,
        }
    }

    pub fn config_def() -> ConfigDef {
        let in_group = |key: ConfigKey, group: &str, order: i32, display: &str| {
            key.group(group, order, Width::Medium, display)
        };
        ConfigDef::new()
            .define(converter_type_key())
            .define(in_group(
                ConfigKey::new(
                    "schemas.enable",
                    ConfigType::Boolean,
                    Importance::High,
                    "Include schemas within each of the serialized values and keys.",
                )
                .default_value("true"),
                "Schemas",
                0,
                "Enable Schemas",
            ))
            .define(in_group(
                ConfigKey::new(
                    "schemas.cache.size",
                    ConfigType::Int,
                    Importance::High,
                    "The maximum number of schemas that can be cached in this converter instance.",
                )
                .default_value("1000"),
                "Schemas",
                1,
                "Schema Cache Size",
            ))
            .define(in_group(
                ConfigKey::new(
                    "schema.content",
                    ConfigType::String,
                    Importance::High,
                    "When set, this is used as the schema for all messages, and the schemas within each of the message will be ignored.Otherwise, the schema will be included in the content of each message. This configuration applies only 'schemas.enable' is true, and it exclusively affects the sink connector.",
                )
                .default_null(),
                "Schemas",
                2,
                "Schema Content",
            ))
            .define(in_group(
                ConfigKey::new(
                    "decimal.format",
                    ConfigType::String,
                    Importance::Low,
                    "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
                )
                .default_value("BASE64")
                .validator(Validator::one_of_ci(&["NUMERIC", "BASE64"])),
                "Serialization",
                0,
                "Decimal Format",
            ))
            .define(in_group(
                ConfigKey::new(
                    "replace.null.with.default",
                    ConfigType::Boolean,
                    Importance::Low,
                    "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
                )
                .default_value("true"),
                "Serialization",
                1,
                "Replace null with default",
            ))
    }

    /// `configure(Map)`: `converter.type` must be present (the typed entry points add it).
    pub fn configure_props(&mut self, props: &Props) -> ConnectResult<()> {
        let parsed = Self::config_def().parse(props)?;
        self.converter_type =
            ConverterType::parse(&parsed.string("converter.type").unwrap_or_default())?;
        self.schemas_enable = parsed.boolean("schemas.enable").unwrap_or(true);
        self.replace_null_with_default =
            parsed.boolean("replace.null.with.default").unwrap_or(true);
        self.decimal_format = match parsed
            .string("decimal.format")
            .map(|s| s.to_ascii_uppercase())
            .as_deref()
        {
            Some("NUMERIC") => DecimalFormat::Numeric,
            _ => DecimalFormat::Base64,
        };
        self.fixed_schema = match parsed.string("schema.content") {
            Some(text) => {
                let node = json_text::parse(text.as_bytes()).map_err(|e| {
                    ConnectError::data(
                        "Failed to parse schema in converter config due to serialization error: ",
                    )
                    .with_trace(e)
                })?;
                self.as_connect_schema(&node)?
            }
            None => None,
        };
        Ok(())
    }

    pub fn converter_type(&self) -> ConverterType {
        self.converter_type
    }

    // ---------------------------------------------------------------- Connect -> JSON

    pub fn from_connect(
        &self,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> ConnectResult<Option<Vec<u8>>> {
        if schema.is_none() && value.is_null() {
            return Ok(None);
        }
        let payload = self.convert_to_json(schema.map(|s| s.as_ref()), value)?;
        let node = if self.schemas_enable {
            let schema_node = match schema {
                Some(s) => as_json_schema(s, self)?,
                None => JsonNode::Null,
            };
            JsonNode::Object(vec![
                ("schema".into(), schema_node),
                ("payload".into(), payload),
            ])
        } else {
            payload
        };
        Ok(Some(node.to_bytes()))
    }

    fn convert_to_json(&self, schema: Option<&Schema>, value: &Value) -> ConnectResult<JsonNode> {
        if value.is_null() {
            let Some(schema) = schema else {
                return Ok(JsonNode::Null);
            };
            if let (Some(default), true) = (&schema.default_value, self.replace_null_with_default) {
                return self.convert_to_json(Some(schema), default);
            }
            if schema.optional {
                return Ok(JsonNode::Null);
            }
            return Err(ConnectError::data(
                "Conversion error: null value for field that is required and has no default value",
            ));
        }
        if let Some(node) = self.logical_to_json(schema, value)? {
            return Ok(node);
        }
        let schema_type = match schema {
            Some(s) => s.schema_type,
            None => match value_schema_type(value) {
                Some(t) => t,
                None => {
                    return Err(ConnectError::data(format!(
                        "Java class {} does not have corresponding schema type.",
                        java_class_of(value)
                    )))
                }
            },
        };
        let mismatch = || {
            ConnectError::data(format!(
                "Invalid type for {}: {}",
                schema
                    .map(|s| s.schema_type.name().to_uppercase())
                    .unwrap_or_else(|| "unknown schema".into()),
                java_class_of(value)
            ))
        };
        Ok(match (schema_type, value) {
            (SchemaType::Int8, Value::Int8(v)) => JsonNode::Int(i64::from(*v)),
            (SchemaType::Int16, Value::Int16(v)) => JsonNode::Int(i64::from(*v)),
            (SchemaType::Int32, Value::Int32(v)) => JsonNode::Int(i64::from(*v)),
            (SchemaType::Int64, Value::Int64(v)) => JsonNode::Int(*v),
            (SchemaType::Float32, Value::Float32(v)) => JsonNode::Float(*v),
            (SchemaType::Float64, Value::Float64(v)) => JsonNode::Double(*v),
            (SchemaType::Boolean, Value::Boolean(v)) => JsonNode::Bool(*v),
            (SchemaType::String, Value::String(v)) => JsonNode::Text(v.clone()),
            (SchemaType::Bytes, Value::Bytes(v)) => JsonNode::Binary(v.clone()),
            (SchemaType::Bytes, _) => {
                return Err(ConnectError::data(format!(
                    "Invalid type for bytes type: {}",
                    java_class_of(value)
                )))
            }
            (SchemaType::Array, Value::Array(items)) => {
                let item_schema = schema.and_then(|s| s.value_schema.as_deref());
                JsonNode::Array(
                    items
                        .iter()
                        .map(|v| self.convert_to_json(item_schema, v))
                        .collect::<ConnectResult<_>>()?,
                )
            }
            (SchemaType::Map, Value::Map(entries)) => {
                let object_mode = match schema {
                    None => entries.iter().all(|(k, _)| matches!(k, Value::String(_))),
                    Some(s) => s
                        .key_schema
                        .as_ref()
                        .is_some_and(|k| k.schema_type == SchemaType::String),
                };
                let key_schema = schema.and_then(|s| s.key_schema.as_deref());
                let val_schema = schema.and_then(|s| s.value_schema.as_deref());
                if object_mode {
                    let mut fields: Vec<(String, JsonNode)> = Vec::with_capacity(entries.len());
                    for (k, v) in entries {
                        let key = match self.convert_to_json(key_schema, k)? {
                            JsonNode::Text(t) => t,
                            other => String::from_utf8_lossy(&other.to_bytes()).into_owned(),
                        };
                        let v = self.convert_to_json(val_schema, v)?;
                        match fields.iter_mut().find(|(fk, _)| *fk == key) {
                            Some(slot) => slot.1 = v,
                            None => fields.push((key, v)),
                        }
                    }
                    JsonNode::Object(fields)
                } else {
                    JsonNode::Array(
                        entries
                            .iter()
                            .map(|(k, v)| {
                                Ok(JsonNode::Array(vec![
                                    self.convert_to_json(key_schema, k)?,
                                    self.convert_to_json(val_schema, v)?,
                                ]))
                            })
                            .collect::<ConnectResult<_>>()?,
                    )
                }
            }
            (SchemaType::Struct, Value::Struct(st)) => {
                if schema != Some(st.schema.as_ref()) {
                    return Err(ConnectError::data("Mismatching schema."));
                }
                let mut fields = Vec::with_capacity(st.schema.fields.len());
                for f in &st.schema.fields {
                    fields.push((
                        f.name.clone(),
                        self.convert_to_json(Some(&f.schema), st.get_by_index(f.index))?,
                    ));
                }
                JsonNode::Object(fields)
            }
            _ => return Err(mismatch()),
        })
    }

    fn logical_to_json(
        &self,
        schema: Option<&Schema>,
        value: &Value,
    ) -> ConnectResult<Option<JsonNode>> {
        let Some(name) = schema.and_then(|s| s.name.as_deref()) else {
            return Ok(None);
        };
        let schema = schema.ok_or_else(|| ConnectError::data("missing schema"))?;
        Ok(Some(match name {
            DECIMAL_LOGICAL_NAME => {
                let Value::Bytes(b) = value else {
                    return Err(ConnectError::data(format!(
                        "Invalid type for Decimal, expected BigDecimal but was {}",
                        java_class_of(value)
                    )));
                };
                let scale = decimal_scale(schema)?;
                let unscaled = BigInt::from_signed_bytes_be(b);
                match self.decimal_format {
                    DecimalFormat::Numeric => JsonNode::Decimal(BigDec { unscaled, scale }),
                    // Kafka re-derives the bytes from the BigDecimal, so they come out minimal.
                    DecimalFormat::Base64 => JsonNode::Binary(unscaled.to_signed_bytes_be()),
                }
            }
            DATE_LOGICAL_NAME => match value {
                Value::Int32(days) => JsonNode::Int(i64::from(*days)),
                _ => {
                    return Err(ConnectError::data(format!(
                        "Invalid type for Date, expected Date but was {}",
                        java_class_of(value)
                    )))
                }
            },
            TIME_LOGICAL_NAME => match value {
                Value::Int32(ms) if (0..MILLIS_PER_DAY).contains(&i64::from(*ms)) => JsonNode::Int(i64::from(*ms)),
                Value::Int32(_) => {
                    return Err(ConnectError::data(
                        "Kafka Connect Time type should not have any date fields set to non-zero values.",
                    ))
                }
                _ => {
                    return Err(ConnectError::data(format!(
                        "Invalid type for Time, expected Date but was {}",
                        java_class_of(value)
                    )))
                }
            },
            TIMESTAMP_LOGICAL_NAME => match value {
                Value::Int64(ms) => JsonNode::Int(*ms),
                _ => {
                    return Err(ConnectError::data(format!(
                        "Invalid type for Timestamp, expected Date but was {}",
                        java_class_of(value)
                    )))
                }
            },
            _ => return Ok(None),
        }))
    }

    // ---------------------------------------------------------------- JSON -> Connect

    pub fn to_connect(&self, bytes: Option<&[u8]>) -> ConnectResult<SchemaAndValue> {
        let Some(bytes) = bytes else {
            return Ok(SchemaAndValue::NULL);
        };
        let node = json_text::parse(bytes).map_err(|e| {
            ConnectError::data(SERIALIZATION_ERROR)
                .with_trace(format!("org.apache.kafka.connect.errors.DataException: {SERIALIZATION_ERROR}\nCaused by: {e}"))
        })?;
        if self.schemas_enable {
            if let Some(schema) = &self.fixed_schema {
                let value = self.convert_to_connect(Some(schema), Some(&node))?;
                return Ok(SchemaAndValue::new(Some(schema.clone()), value));
            }
            let is_envelope = matches!(&node, JsonNode::Object(f) if f.len() == 2)
                && node.get("schema").is_some()
                && node.get("payload").is_some();
            if !is_envelope {
                return Err(ConnectError::data(ENVELOPE_ERROR));
            }
            let schema = match node.get("schema") {
                Some(s) => self.as_connect_schema(s)?,
                None => None,
            };
            let value = self.convert_to_connect(schema.as_ref(), node.get("payload"))?;
            Ok(SchemaAndValue::new(schema, value))
        } else {
            let value = self.convert_to_connect(None, Some(&node))?;
            Ok(SchemaAndValue::new(None, value))
        }
    }

    /// `asConnectSchema`: `None` for a JSON null schema.
    pub fn as_connect_schema(&self, node: &JsonNode) -> ConnectResult<Option<SchemaRef>> {
        if matches!(node, JsonNode::Null) {
            return Ok(None);
        }
        let type_name = match node.get("type") {
            Some(JsonNode::Text(t)) => t.as_str(),
            _ => return Err(ConnectError::data("Schema must contain 'type' field")),
        };
        let mut schema = match type_name {
            "boolean" | "int8" | "int16" | "int32" | "int64" | "float" | "double" | "bytes"
            | "string" => empty_schema(SchemaType::parse(type_name).unwrap_or(SchemaType::String)),
            "array" => {
                let items = match node.get("items") {
                    Some(n) if !matches!(n, JsonNode::Null) => self.as_connect_schema(n)?,
                    _ => None,
                };
                let Some(items) = items else {
                    return Err(ConnectError::data(
                        "Array schema did not specify the element type",
                    ));
                };
                let mut s = empty_schema(SchemaType::Array);
                s.value_schema = Some(items);
                s
            }
            "map" => {
                let keys = match node.get("keys") {
                    Some(n) => self.as_connect_schema(n)?,
                    None => None,
                };
                let Some(keys) = keys else {
                    return Err(ConnectError::data(
                        "Map schema did not specify the key type",
                    ));
                };
                let values = match node.get("values") {
                    Some(n) => self.as_connect_schema(n)?,
                    None => None,
                };
                let Some(values) = values else {
                    return Err(ConnectError::data(
                        "Map schema did not specify the value type",
                    ));
                };
                let mut s = empty_schema(SchemaType::Map);
                s.key_schema = Some(keys);
                s.value_schema = Some(values);
                s
            }
            "struct" => {
                let Some(JsonNode::Array(fields)) = node.get("fields") else {
                    return Err(ConnectError::data(
                        "Struct schema's \"fields\" argument is not an array.",
                    ));
                };
                let mut s = empty_schema(SchemaType::Struct);
                for f in fields {
                    let Some(JsonNode::Text(name)) = f.get("field") else {
                        return Err(ConnectError::data(
                            "Struct schema's field name not specified properly",
                        ));
                    };
                    let Some(field_schema) = self.as_connect_schema(f)? else {
                        return Err(ConnectError::data("Schema must contain 'type' field"));
                    };
                    if s.fields.iter().any(|x| x.name == *name) {
                        return Err(ConnectError::data(format!(
                            "Cannot create field because of field name duplication {name}"
                        )));
                    }
                    let index = s.fields.len();
                    s.fields.push(Field {
                        name: name.clone(),
                        index,
                        schema: field_schema,
                    });
                }
                s
            }
            other => return Err(ConnectError::data(format!("Unknown schema type: {other}"))),
        };
        schema.optional = matches!(node.get("optional"), Some(JsonNode::Bool(true)));
        if let Some(JsonNode::Text(n)) = node.get("name") {
            schema.name = Some(n.clone());
        }
        if let Some(v) = node.get("version").filter(|v| v.is_integral()) {
            schema.version = Some(v.int_value());
        }
        if let Some(JsonNode::Text(d)) = node.get("doc") {
            schema.doc = Some(d.clone());
        }
        if let Some(JsonNode::Object(params)) = node.get("parameters") {
            let mut map = BTreeMap::new();
            for (k, v) in params {
                let JsonNode::Text(v) = v else {
                    return Err(ConnectError::data(
                        "Schema parameters must have string values.",
                    ));
                };
                map.insert(k.clone(), v.clone());
            }
            schema.parameters = Some(map);
        }
        if let Some(default_node) = node.get("default") {
            let partial = Arc::new(schema.clone());
            let default = self.convert_to_connect(Some(&partial), Some(default_node))?;
            if !default.is_null() {
                if partial.validate_value(&default).is_err() {
                    return Err(ConnectError::data("Invalid default value"));
                }
                schema.default_value = Some(default);
            }
        }
        Ok(Some(Arc::new(schema)))
    }

    /// `convertToConnect`, including Jackson's leniency (`intValue()` of a string is 0, etc.).
    fn convert_to_connect(
        &self,
        schema: Option<&SchemaRef>,
        node: Option<&JsonNode>,
    ) -> ConnectResult<Value> {
        let schema_type = match schema {
            Some(s) => {
                if node.is_none_or(JsonNode::is_null_or_missing) {
                    if let (Some(d), true) = (&s.default_value, self.replace_null_with_default) {
                        return Ok(d.clone());
                    }
                    if s.optional {
                        return Ok(Value::Null);
                    }
                    return Err(ConnectError::data(format!(
                        "Invalid null value for required {} field",
                        s.schema_type.name().to_uppercase()
                    )));
                }
                s.schema_type
            }
            None => match node {
                None | Some(JsonNode::Null) | Some(JsonNode::Missing) => return Ok(Value::Null),
                Some(JsonNode::Bool(_)) => SchemaType::Boolean,
                Some(n) if n.is_integral() => SchemaType::Int64,
                Some(n) if n.is_number() => SchemaType::Float64,
                Some(JsonNode::Array(_)) => SchemaType::Array,
                Some(JsonNode::Object(_)) => SchemaType::Map,
                Some(JsonNode::Text(_)) => SchemaType::String,
                Some(_) => return Err(ConnectError::data("Unknown schema type: null")),
            },
        };
        let node = node.unwrap_or(&JsonNode::Null);
        if let Some(s) = schema {
            if let Some(v) = logical_to_connect(s, node)? {
                return Ok(v);
            }
        }
        Ok(match schema_type {
            SchemaType::Boolean => Value::Boolean(matches!(node, JsonNode::Bool(true))),
            SchemaType::Int8 => Value::Int8(node.int_value() as i8),
            SchemaType::Int16 => Value::Int16(node.int_value() as i16),
            SchemaType::Int32 => Value::Int32(node.int_value()),
            SchemaType::Int64 => Value::Int64(node.long_value()),
            SchemaType::Float32 => Value::Float32(node.float_value()),
            SchemaType::Float64 => Value::Float64(node.double_value()),
            SchemaType::String => match node {
                JsonNode::Text(t) => Value::String(t.clone()),
                _ => Value::Null,
            },
            SchemaType::Bytes => match node.binary_value() {
                Ok(Some(b)) => Value::Bytes(b),
                Ok(None) => Value::Null,
                Err(e) => return Err(ConnectError::data("Invalid bytes field").with_trace(e)),
            },
            SchemaType::Array => {
                let item_schema = schema.and_then(|s| s.value_schema.as_ref());
                let items: Vec<&JsonNode> = match node {
                    JsonNode::Array(items) => items.iter().collect(),
                    JsonNode::Object(fields) => fields.iter().map(|(_, v)| v).collect(),
                    _ => Vec::new(),
                };
                Value::Array(
                    items
                        .into_iter()
                        .map(|n| self.convert_to_connect(item_schema, Some(n)))
                        .collect::<ConnectResult<_>>()?,
                )
            }
            SchemaType::Map => {
                let key_schema = schema.and_then(|s| s.key_schema.as_ref());
                let val_schema = schema.and_then(|s| s.value_schema.as_ref());
                let string_keys = schema.is_none()
                    || key_schema.is_some_and(|k| k.schema_type == SchemaType::String);
                let mut entries = Vec::new();
                if string_keys {
                    let JsonNode::Object(fields) = node else {
                        return Err(ConnectError::data(format!(
                            "Maps with string fields should be encoded as JSON objects, but found {}",
                            node.node_type()
                        )));
                    };
                    for (k, v) in fields {
                        entries.push((
                            Value::String(k.clone()),
                            self.convert_to_connect(val_schema, Some(v))?,
                        ));
                    }
                } else {
                    let JsonNode::Array(pairs) = node else {
                        return Err(ConnectError::data(format!(
                            "Maps with non-string fields should be encoded as JSON array of tuples, but found {}",
                            node.node_type()
                        )));
                    };
                    for pair in pairs {
                        let JsonNode::Array(kv) = pair else {
                            return Err(ConnectError::data(format!(
                                "Found invalid map entry instead of array tuple: {}",
                                pair.node_type()
                            )));
                        };
                        if kv.len() != 2 {
                            return Err(ConnectError::data(format!(
                                "Found invalid map entry, expected length 2 but found :{}",
                                kv.len()
                            )));
                        }
                        let k = self.convert_to_connect(key_schema, Some(&kv[0]))?;
                        let v = self.convert_to_connect(val_schema, Some(&kv[1]))?;
                        // A HashMap keeps one entry per key, the last one written.
                        match entries.iter_mut().find(|(ek, _)| *ek == k) {
                            Some(slot) => slot.1 = v,
                            None => entries.push((k, v)),
                        }
                    }
                }
                Value::Map(entries)
            }
            SchemaType::Struct => {
                let JsonNode::Object(_) = node else {
                    return Err(ConnectError::data(format!(
                        "Structs should be encoded as JSON objects, but found {}",
                        node.node_type()
                    )));
                };
                let s = schema.ok_or_else(|| ConnectError::data("Unknown schema type: null"))?;
                let mut st = Struct::new(s.clone());
                for f in &s.fields {
                    let v = self.convert_to_connect(Some(&f.schema), node.get(&f.name))?;
                    st.set(&f.name, v)?;
                }
                Value::Struct(st)
            }
        })
    }
}

fn empty_schema(t: SchemaType) -> Schema {
    connect_api::SchemaBuilder::new(t).into_schema()
}

fn decimal_scale(schema: &Schema) -> ConnectResult<i32> {
    schema
        .parameter(DECIMAL_SCALE_PARAM)
        .ok_or_else(|| ConnectError::data("Invalid Decimal schema: scale parameter not found."))?
        .parse()
        .map_err(|_| ConnectError::data("Invalid scale parameter found in Decimal schema: "))
}

fn logical_to_connect(schema: &Schema, node: &JsonNode) -> ConnectResult<Option<Value>> {
    let Some(name) = schema.name.as_deref() else {
        return Ok(None);
    };
    Ok(Some(match name {
        DECIMAL_LOGICAL_NAME => {
            let scale = decimal_scale(schema)?;
            if let Some(d) = node.decimal_value() {
                // Kafka keeps the JSON number's own scale; our physical form is fixed to the
                // schema's, so only exact rescaling is accepted.
                let unscaled = d.with_scale_exact(scale).ok_or_else(|| {
                    ConnectError::data(
                        "BigDecimal has mismatching scale value for given Decimal schema",
                    )
                })?;
                Value::Bytes(unscaled.to_signed_bytes_be())
            } else if matches!(node, JsonNode::Text(_) | JsonNode::Binary(_)) {
                match node.binary_value() {
                    Ok(Some(b)) if !b.is_empty() => {
                        Value::Bytes(BigInt::from_signed_bytes_be(&b).to_signed_bytes_be())
                    }
                    Ok(_) => {
                        return Err(ConnectError::data("Invalid bytes for Decimal field")
                            .with_trace("Zero length BigInteger"))
                    }
                    Err(e) => {
                        return Err(
                            ConnectError::data("Invalid bytes for Decimal field").with_trace(e)
                        )
                    }
                }
            } else {
                return Err(ConnectError::data(format!(
                    "Invalid type for Decimal, underlying representation should be numeric or bytes but was {}",
                    node.node_type()
                )));
            }
        }
        DATE_LOGICAL_NAME => {
            if !node.is_int() {
                return Err(ConnectError::data(format!(
                    "Invalid type for Date, underlying representation should be integer but was {}",
                    node.node_type()
                )));
            }
            Value::Int32(node.int_value())
        }
        TIME_LOGICAL_NAME => {
            if !node.is_int() {
                return Err(ConnectError::data(format!(
                    "Invalid type for Time, underlying representation should be integer but was {}",
                    node.node_type()
                )));
            }
            let ms = node.int_value();
            if !(0..=MILLIS_PER_DAY).contains(&i64::from(ms)) {
                return Err(ConnectError::data(
                    "Time values must use number of milliseconds greater than 0 and less than 86400000",
                ));
            }
            Value::Int32(ms)
        }
        TIMESTAMP_LOGICAL_NAME => {
            if !node.is_integral() {
                return Err(ConnectError::data(format!(
                    "Invalid type for Timestamp, underlying representation should be integral but was {}",
                    node.node_type()
                )));
            }
            Value::Int64(node.long_value())
        }
        _ => return Ok(None),
    }))
}

/// `ConnectSchema.schemaType(value.getClass())` for schemaless values.
fn value_schema_type(value: &Value) -> Option<SchemaType> {
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

/// `asJsonSchema`, with Kafka's field order: type, children, optional, name, version, doc,
/// parameters, default (and `field` last for struct members).
fn as_json_schema(schema: &Schema, conv: &JsonConverter) -> ConnectResult<JsonNode> {
    let mut o: Vec<(String, JsonNode)> = vec![(
        "type".into(),
        JsonNode::Text(schema.schema_type.name().into()),
    )];
    match schema.schema_type {
        SchemaType::Struct => {
            let mut fields = Vec::with_capacity(schema.fields.len());
            for f in &schema.fields {
                let mut fj = as_json_schema(&f.schema, conv)?;
                if let JsonNode::Object(entries) = &mut fj {
                    entries.push(("field".into(), JsonNode::Text(f.name.clone())));
                }
                fields.push(fj);
            }
            o.push(("fields".into(), JsonNode::Array(fields)));
        }
        SchemaType::Array => {
            let items = schema.value_schema.as_ref().ok_or_else(|| {
                ConnectError::data("Array schema did not specify the element type")
            })?;
            o.push(("items".into(), as_json_schema(items, conv)?));
        }
        SchemaType::Map => {
            let (Some(k), Some(v)) = (&schema.key_schema, &schema.value_schema) else {
                return Err(ConnectError::data(
                    "Map schema did not specify the key and value types",
                ));
            };
            o.push(("keys".into(), as_json_schema(k, conv)?));
            o.push(("values".into(), as_json_schema(v, conv)?));
        }
        _ => {}
    }
    o.push(("optional".into(), JsonNode::Bool(schema.optional)));
    if let Some(n) = &schema.name {
        o.push(("name".into(), JsonNode::Text(n.clone())));
    }
    if let Some(v) = schema.version {
        o.push(("version".into(), JsonNode::Int(i64::from(v))));
    }
    if let Some(d) = &schema.doc {
        o.push(("doc".into(), JsonNode::Text(d.clone())));
    }
    if let Some(p) = &schema.parameters {
        o.push((
            "parameters".into(),
            JsonNode::Object(
                p.iter()
                    .map(|(k, v)| (k.clone(), JsonNode::Text(v.clone())))
                    .collect(),
            ),
        ));
    }
    if let Some(d) = &schema.default_value {
        o.push(("default".into(), conv.convert_to_json(Some(schema), d)?));
    }
    Ok(JsonNode::Object(o))
}

impl Converter for JsonConverter {
    fn configure(&mut self, props: &Props, is_key: bool) -> ConnectResult<()> {
        let mut p = props.clone();
        p.insert(
            "converter.type".into(),
            if is_key { "key" } else { "value" }.into(),
        );
        self.configure_props(&p)
    }
    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }
    fn from_connect_data(
        &self,
        _topic: &str,
        _headers: &Headers,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> ConnectResult<Option<Vec<u8>>> {
        self.from_connect(schema, value)
    }
    fn to_connect_data(
        &self,
        _topic: &str,
        _headers: &Headers,
        bytes: Option<&[u8]>,
    ) -> ConnectResult<SchemaAndValue> {
        self.to_connect(bytes)
    }
}

impl HeaderConverter for JsonConverter {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let mut p = props.clone();
        p.entry("converter.type".into())
            .or_insert_with(|| "header".into());
        self.configure_props(&p)
    }
    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }
    fn from_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> ConnectResult<Option<Vec<u8>>> {
        self.from_connect(schema, value)
    }
    fn to_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        bytes: Option<&[u8]>,
    ) -> ConnectResult<SchemaAndValue> {
        self.to_connect(bytes)
    }
}
