//! The Connect data model: schemas and values, as in `org.apache.kafka.connect.data`.
//!
//! Logical types (Decimal, Date, Time, Timestamp) keep their *physical* representation in
//! [`Value`] (unscaled big-endian bytes, days, millis-of-day, epoch millis) and are told apart
//! by the schema name, exactly as they travel on the wire. Helpers below convert.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use num_bigint::BigInt;

use crate::errors::ConnectError;

pub type SchemaRef = Arc<Schema>;

pub const DECIMAL_LOGICAL_NAME: &str = "org.apache.kafka.connect.data.Decimal";
pub const DECIMAL_SCALE_PARAM: &str = "scale";
pub const DATE_LOGICAL_NAME: &str = "org.apache.kafka.connect.data.Date";
pub const TIME_LOGICAL_NAME: &str = "org.apache.kafka.connect.data.Time";
pub const TIMESTAMP_LOGICAL_NAME: &str = "org.apache.kafka.connect.data.Timestamp";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaType {
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Boolean,
    String,
    Bytes,
    Array,
    Map,
    Struct,
}

impl SchemaType {
    /// Kafka's lower-case wire name (`int8`, `struct`, ...).
    pub fn name(self) -> &'static str {
        match self {
            SchemaType::Int8 => "int8",
            SchemaType::Int16 => "int16",
            SchemaType::Int32 => "int32",
            SchemaType::Int64 => "int64",
            SchemaType::Float32 => "float",
            SchemaType::Float64 => "double",
            SchemaType::Boolean => "boolean",
            SchemaType::String => "string",
            SchemaType::Bytes => "bytes",
            SchemaType::Array => "array",
            SchemaType::Map => "map",
            SchemaType::Struct => "struct",
        }
    }

    /// Parses the JSON-converter names and the upper-case `Schema.Type` names (`Cast` uses those).
    pub fn parse(s: &str) -> Option<SchemaType> {
        Some(match s.to_ascii_lowercase().as_str() {
            "int8" => SchemaType::Int8,
            "int16" => SchemaType::Int16,
            "int32" => SchemaType::Int32,
            "int64" => SchemaType::Int64,
            "float" | "float32" => SchemaType::Float32,
            "double" | "float64" => SchemaType::Float64,
            "boolean" => SchemaType::Boolean,
            "string" => SchemaType::String,
            "bytes" => SchemaType::Bytes,
            "array" => SchemaType::Array,
            "map" => SchemaType::Map,
            "struct" => SchemaType::Struct,
            _ => return None,
        })
    }

    /// Kafka's `Schema.Type` enum name (`INT32`, `FLOAT64`, ...), used in error messages.
    pub fn kafka_name(self) -> &'static str {
        match self {
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

    pub fn is_primitive(self) -> bool {
        !matches!(
            self,
            SchemaType::Array | SchemaType::Map | SchemaType::Struct
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub index: usize,
    pub schema: SchemaRef,
}

/// A Connect schema. Built with [`SchemaBuilder`]; shared as [`SchemaRef`].
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub schema_type: SchemaType,
    pub optional: bool,
    pub default_value: Option<Value>,
    pub name: Option<String>,
    pub version: Option<i32>,
    pub doc: Option<String>,
    pub parameters: Option<BTreeMap<String, String>>,
    pub fields: Vec<Field>,
    pub key_schema: Option<SchemaRef>,
    pub value_schema: Option<SchemaRef>,
}

impl Schema {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn parameter(&self, key: &str) -> Option<&str> {
        self.parameters.as_ref()?.get(key).map(String::as_str)
    }

    pub fn is_logical(&self, logical_name: &str) -> bool {
        self.name.as_deref() == Some(logical_name)
    }

    /// Checks that `value` conforms to this schema (Kafka's `ConnectSchema.validateValue`).
    pub fn validate_value(&self, value: &Value) -> Result<(), ConnectError> {
        if value.is_null() {
            if self.optional || self.default_value.is_some() {
                return Ok(());
            }
            return Err(ConnectError::data(format!(
                "Invalid value: null used for required field: \"{}\", schema type: {}",
                self.name.as_deref().unwrap_or("null"),
                self.schema_type.kafka_name()
            )));
        }
        let ok = matches!(
            (self.schema_type, value),
            (SchemaType::Int8, Value::Int8(_))
                | (SchemaType::Int16, Value::Int16(_))
                | (SchemaType::Int32, Value::Int32(_))
                | (SchemaType::Int64, Value::Int64(_))
                | (SchemaType::Float32, Value::Float32(_))
                | (SchemaType::Float64, Value::Float64(_))
                | (SchemaType::Boolean, Value::Boolean(_))
                | (SchemaType::String, Value::String(_))
                | (SchemaType::Bytes, Value::Bytes(_))
                | (SchemaType::Array, Value::Array(_))
                | (SchemaType::Map, Value::Map(_))
                | (SchemaType::Struct, Value::Struct(_))
        );
        if !ok {
            return Err(ConnectError::data(format!(
                "Invalid Java object for schema with type {}: {}",
                self.schema_type.kafka_name(),
                value.type_name()
            )));
        }
        match value {
            Value::Array(items) => {
                if let Some(vs) = &self.value_schema {
                    for item in items {
                        vs.validate_value(item)?;
                    }
                }
            }
            Value::Map(entries) => {
                for (k, v) in entries {
                    if let Some(ks) = &self.key_schema {
                        ks.validate_value(k)?;
                    }
                    if let Some(vs) = &self.value_schema {
                        vs.validate_value(v)?;
                    }
                }
            }
            Value::Struct(s) => {
                if s.schema.as_ref() != self {
                    return Err(ConnectError::data(
                        "Struct schemas do not match.".to_string(),
                    ));
                }
                s.validate()?;
            }
            _ => {}
        }
        Ok(())
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "Schema{{{}:{}}}", n, self.schema_type.kafka_name()),
            None => write!(f, "Schema{{{}}}", self.schema_type.kafka_name()),
        }
    }
}

/// Builder in the spirit of Kafka's `SchemaBuilder`.
#[derive(Debug, Clone)]
pub struct SchemaBuilder {
    schema: Schema,
}

impl SchemaBuilder {
    pub fn new(schema_type: SchemaType) -> Self {
        SchemaBuilder {
            schema: Schema {
                schema_type,
                optional: false,
                default_value: None,
                name: None,
                version: None,
                doc: None,
                parameters: None,
                fields: Vec::new(),
                key_schema: None,
                value_schema: None,
            },
        }
    }
    pub fn int8() -> Self {
        Self::new(SchemaType::Int8)
    }
    pub fn int16() -> Self {
        Self::new(SchemaType::Int16)
    }
    pub fn int32() -> Self {
        Self::new(SchemaType::Int32)
    }
    pub fn int64() -> Self {
        Self::new(SchemaType::Int64)
    }
    pub fn float32() -> Self {
        Self::new(SchemaType::Float32)
    }
    pub fn float64() -> Self {
        Self::new(SchemaType::Float64)
    }
    pub fn boolean() -> Self {
        Self::new(SchemaType::Boolean)
    }
    pub fn string() -> Self {
        Self::new(SchemaType::String)
    }
    pub fn bytes() -> Self {
        Self::new(SchemaType::Bytes)
    }
    pub fn struct_() -> Self {
        Self::new(SchemaType::Struct)
    }
    pub fn array(value_schema: SchemaRef) -> Self {
        let mut b = Self::new(SchemaType::Array);
        b.schema.value_schema = Some(value_schema);
        b
    }
    pub fn map(key_schema: SchemaRef, value_schema: SchemaRef) -> Self {
        let mut b = Self::new(SchemaType::Map);
        b.schema.key_schema = Some(key_schema);
        b.schema.value_schema = Some(value_schema);
        b
    }
    /// `Decimal.builder(scale)`.
    pub fn decimal(scale: i32) -> Self {
        Self::bytes()
            .name(DECIMAL_LOGICAL_NAME)
            .version(1)
            .parameter(DECIMAL_SCALE_PARAM, scale.to_string())
    }
    pub fn date() -> Self {
        Self::int32().name(DATE_LOGICAL_NAME).version(1)
    }
    pub fn time() -> Self {
        Self::int32().name(TIME_LOGICAL_NAME).version(1)
    }
    pub fn timestamp() -> Self {
        Self::int64().name(TIMESTAMP_LOGICAL_NAME).version(1)
    }
    pub fn optional(mut self) -> Self {
        self.schema.optional = true;
        self
    }
    pub fn required(mut self) -> Self {
        self.schema.optional = false;
        self
    }
    pub fn default_value(mut self, v: Value) -> Self {
        self.schema.default_value = Some(v);
        self
    }
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.schema.name = Some(n.into());
        self
    }
    pub fn version(mut self, v: i32) -> Self {
        self.schema.version = Some(v);
        self
    }
    pub fn doc(mut self, d: impl Into<String>) -> Self {
        self.schema.doc = Some(d.into());
        self
    }
    pub fn parameter(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.schema
            .parameters
            .get_or_insert_with(BTreeMap::new)
            .insert(k.into(), v.into());
        self
    }
    pub fn field(mut self, name: impl Into<String>, schema: SchemaRef) -> Self {
        let index = self.schema.fields.len();
        self.schema.fields.push(Field {
            name: name.into(),
            index,
            schema,
        });
        self
    }
    pub fn build(self) -> SchemaRef {
        Arc::new(self.schema)
    }
    pub fn into_schema(self) -> Schema {
        self.schema
    }
}

/// Common schemas, like Kafka's `Schema.INT32_SCHEMA` and `Schema.OPTIONAL_STRING_SCHEMA`.
pub fn primitive_schema(t: SchemaType, optional: bool) -> SchemaRef {
    let b = SchemaBuilder::new(t);
    if optional {
        b.optional().build()
    } else {
        b.build()
    }
}

/// A Connect value. `Map` keeps entry order (Kafka uses a `HashMap`; order is not meaningful).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int8(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    Float32(f32),
    Float64(f64),
    Boolean(bool),
    String(String),
    Bytes(Vec<u8>),
    Array(Vec<Value>),
    Map(Vec<(Value, Value)>),
    Struct(Struct),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int8(v) => Some(i64::from(*v)),
            Value::Int16(v) => Some(i64::from(*v)),
            Value::Int32(v) => Some(i64::from(*v)),
            Value::Int64(v) => Some(*v),
            _ => None,
        }
    }

    pub fn as_struct(&self) -> Option<&Struct> {
        match self {
            Value::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// Looks a key up in a map value whose keys are strings (schemaless records).
    pub fn map_get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Kafka's Java class name for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int8(_) => "java.lang.Byte",
            Value::Int16(_) => "java.lang.Short",
            Value::Int32(_) => "java.lang.Integer",
            Value::Int64(_) => "java.lang.Long",
            Value::Float32(_) => "java.lang.Float",
            Value::Float64(_) => "java.lang.Double",
            Value::Boolean(_) => "java.lang.Boolean",
            Value::String(_) => "java.lang.String",
            Value::Bytes(_) => "[B",
            Value::Array(_) => "java.util.ArrayList",
            Value::Map(_) => "java.util.HashMap",
            Value::Struct(_) => "org.apache.kafka.connect.data.Struct",
        }
    }

    /// Infers a schema for a primitive schemaless value (`Values.inferSchema`); None for
    /// null and for containers whose element types can't be inferred.
    pub fn infer_schema(&self) -> Option<SchemaRef> {
        let t = match self {
            Value::Int8(_) => SchemaType::Int8,
            Value::Int16(_) => SchemaType::Int16,
            Value::Int32(_) => SchemaType::Int32,
            Value::Int64(_) => SchemaType::Int64,
            Value::Float32(_) => SchemaType::Float32,
            Value::Float64(_) => SchemaType::Float64,
            Value::Boolean(_) => SchemaType::Boolean,
            Value::String(_) => SchemaType::String,
            Value::Bytes(_) => SchemaType::Bytes,
            Value::Struct(s) => return Some(s.schema.clone()),
            _ => return None,
        };
        Some(primitive_schema(t, false))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int32(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int64(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Boolean(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}

/// A struct value bound to its schema; fields are stored by index.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub schema: SchemaRef,
    values: Vec<Value>,
}

impl Struct {
    pub fn new(schema: SchemaRef) -> Self {
        let n = schema.fields.len();
        Struct {
            schema,
            values: vec![Value::Null; n],
        }
    }

    pub fn put(mut self, field: &str, value: impl Into<Value>) -> Result<Self, ConnectError> {
        self.set(field, value.into())?;
        Ok(self)
    }

    pub fn set(&mut self, field: &str, value: Value) -> Result<(), ConnectError> {
        let f = self
            .schema
            .field(field)
            .ok_or_else(|| ConnectError::data(format!("{field} is not a valid field name")))?;
        f.schema.validate_value(&value)?;
        let idx = f.index;
        self.values[idx] = value;
        Ok(())
    }

    /// The field's value, or the field schema's default when unset (like `Struct.get`).
    pub fn get(&self, field: &str) -> Option<&Value> {
        let f = self.schema.field(field)?;
        let v = &self.values[f.index];
        if v.is_null() {
            if let Some(d) = &f.schema.default_value {
                return Some(d);
            }
        }
        Some(v)
    }

    pub fn get_by_index(&self, idx: usize) -> &Value {
        &self.values[idx]
    }

    /// Every required field without a default has a value.
    pub fn validate(&self) -> Result<(), ConnectError> {
        for f in &self.schema.fields {
            f.schema
                .validate_value(&self.values[f.index])
                .map_err(|e| {
                    ConnectError::data(format!("Invalid value for field {}: {}", f.name, e.message))
                })?;
        }
        Ok(())
    }
}

/// A decimal as the pair Kafka stores: unscaled two's-complement big-endian bytes and a scale.
pub fn decimal_from_bytes(bytes: &[u8], scale: i32) -> String {
    let unscaled = BigInt::from_signed_bytes_be(bytes);
    format_decimal(&unscaled, scale)
}

/// `BigDecimal.toString()`-like plain rendering for scale ≥ 0, scientific when negative.
pub fn format_decimal(unscaled: &BigInt, scale: i32) -> String {
    if scale <= 0 {
        let mut s = unscaled.to_string();
        if scale < 0 {
            s.push_str(&"0".repeat(scale.unsigned_abs() as usize));
        }
        return s;
    }
    let neg = unscaled.sign() == num_bigint::Sign::Minus;
    let digits = unscaled.magnitude().to_string();
    let scale = scale as usize;
    let body = if digits.len() > scale {
        let (i, f) = digits.split_at(digits.len() - scale);
        format!("{i}.{f}")
    } else {
        format!("0.{}{}", "0".repeat(scale - digits.len()), digits)
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

/// Parses a plain decimal string into unscaled bytes at the given scale (rounding is an error).
pub fn decimal_to_bytes(text: &str, scale: i32) -> Result<Vec<u8>, ConnectError> {
    let bad = || ConnectError::data(format!("Invalid decimal: {text}"));
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int_part, frac_part) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad());
    }
    if !int_part
        .chars()
        .chain(frac_part.chars())
        .all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let scale_u = usize::try_from(scale.max(0)).map_err(|_| bad())?;
    let mut frac = frac_part.to_string();
    if frac.len() > scale_u {
        if frac[scale_u..].chars().any(|c| c != '0') {
            return Err(ConnectError::data(format!(
                "Decimal {text} does not fit scale {scale}"
            )));
        }
        frac.truncate(scale_u);
    }
    while frac.len() < scale_u {
        frac.push('0');
    }
    let digits = format!("{int_part}{frac}");
    let mut n: BigInt = if digits.is_empty() {
        BigInt::from(0)
    } else {
        digits.parse().map_err(|_| bad())?
    };
    if neg {
        n = -n;
    }
    Ok(n.to_signed_bytes_be())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_round_trip() {
        let b = decimal_to_bytes("-12.340", 3).unwrap();
        assert_eq!(decimal_from_bytes(&b, 3), "-12.340");
        assert_eq!(decimal_from_bytes(&[0x01], 4), "0.0001");
        assert!(decimal_to_bytes("1.23", 1).is_err());
    }

    #[test]
    fn struct_defaults_and_validation() {
        let s = SchemaBuilder::struct_()
            .field("a", SchemaBuilder::int32().build())
            .field(
                "b",
                SchemaBuilder::string().default_value("x".into()).build(),
            )
            .build();
        let st = Struct::new(s.clone());
        assert!(st.validate().is_err());
        let st = st.put("a", 1).unwrap();
        assert_eq!(st.get("b"), Some(&Value::String("x".into())));
        assert!(st.validate().is_ok());
        assert!(Struct::new(s).put("a", "no").is_err());
    }
}
