//! `org.apache.kafka.connect.converters.{Short,Integer,Long,Float,Double,Boolean}Converter`:
//! one fixed-width primitive per message, in the byte layout of Kafka's client serializers
//! (big-endian two's complement integers, IEEE 754 floats, one byte for a boolean), so topics
//! written by a JVM worker with these converters read back unchanged and vice versa.
//!
//! `null` is no bytes (a tombstone) in both directions. Like Kafka's, the number converters
//! ignore the schema when serialising and only accept a value of exactly their Java type.

use connect_api::data::primitive_schema;
use connect_api::{
    ConfigDef, ConnectError, ConnectResult, Converter, HeaderConverter, Headers, Props,
    SchemaAndValue, SchemaRef, SchemaType, Value,
};

use super::{converter_type_key, java_class_of};

pub const SHORT_CLASS: &str = "org.apache.kafka.connect.converters.ShortConverter";
pub const INTEGER_CLASS: &str = "org.apache.kafka.connect.converters.IntegerConverter";
pub const LONG_CLASS: &str = "org.apache.kafka.connect.converters.LongConverter";
pub const FLOAT_CLASS: &str = "org.apache.kafka.connect.converters.FloatConverter";
pub const DOUBLE_CLASS: &str = "org.apache.kafka.connect.converters.DoubleConverter";
pub const BOOLEAN_CLASS: &str = "org.apache.kafka.connect.converters.BooleanConverter";

/// The primitive a [`NumberConverter`] carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    Short,
    Integer,
    Long,
    Float,
    Double,
}

impl NumberKind {
    /// The word Kafka's messages use for the type ("Failed to deserialize long: ").
    fn type_name(self) -> &'static str {
        match self {
            NumberKind::Short => "short",
            NumberKind::Integer => "integer",
            NumberKind::Long => "long",
            NumberKind::Float => "float",
            NumberKind::Double => "double",
        }
    }

    /// The name the client deserializer gives itself in its size error (the float and
    /// double ones just say "Deserializer").
    fn deserializer(self) -> &'static str {
        match self {
            NumberKind::Short => "ShortDeserializer",
            NumberKind::Integer => "IntegerDeserializer",
            NumberKind::Long => "LongDeserializer",
            NumberKind::Float | NumberKind::Double => "Deserializer",
        }
    }

    fn java_class(self) -> &'static str {
        match self {
            NumberKind::Short => "java.lang.Short",
            NumberKind::Integer => "java.lang.Integer",
            NumberKind::Long => "java.lang.Long",
            NumberKind::Float => "java.lang.Float",
            NumberKind::Double => "java.lang.Double",
        }
    }

    fn width(self) -> usize {
        match self {
            NumberKind::Short => 2,
            NumberKind::Integer | NumberKind::Float => 4,
            NumberKind::Long | NumberKind::Double => 8,
        }
    }

    fn schema_type(self) -> SchemaType {
        match self {
            NumberKind::Short => SchemaType::Int16,
            NumberKind::Integer => SchemaType::Int32,
            NumberKind::Long => SchemaType::Int64,
            NumberKind::Float => SchemaType::Float32,
            NumberKind::Double => SchemaType::Float64,
        }
    }
}

/// Short, Integer, Long, Float or Double converter (Kafka's `NumberConverter` family).
#[derive(Debug, Clone, Copy)]
pub struct NumberConverter {
    kind: NumberKind,
}

impl NumberConverter {
    pub fn new(kind: NumberKind) -> Self {
        NumberConverter { kind }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new().define(converter_type_key())
    }

    pub fn from_connect(&self, value: &Value) -> ConnectResult<Option<Vec<u8>>> {
        let bytes = match (self.kind, value) {
            (_, Value::Null) => return Ok(None),
            (NumberKind::Short, Value::Int16(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Integer, Value::Int32(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Long, Value::Int64(v)) => v.to_be_bytes().to_vec(),
            // Raw bits: a NaN keeps its payload, as `floatToRawIntBits` does.
            (NumberKind::Float, Value::Float32(v)) => v.to_bits().to_be_bytes().to_vec(),
            (NumberKind::Double, Value::Float64(v)) => v.to_bits().to_be_bytes().to_vec(),
            (kind, other) => {
                return Err(data_error(
                    format!(
                        "Failed to serialize to {} (was {}): ",
                        kind.type_name(),
                        java_class_of(other)
                    ),
                    format!(
                        "java.lang.ClassCastException: {} cannot be cast to {}",
                        java_class_of(other),
                        kind.java_class()
                    ),
                ))
            }
        };
        Ok(Some(bytes))
    }

    pub fn to_connect(&self, bytes: Option<&[u8]>) -> ConnectResult<SchemaAndValue> {
        let schema = primitive_schema(self.kind.schema_type(), true);
        let Some(bytes) = bytes else {
            return Ok(SchemaAndValue::new(Some(schema), Value::Null));
        };
        if bytes.len() != self.kind.width() {
            return Err(data_error(
                format!("Failed to deserialize {}: ", self.kind.type_name()),
                format!(
                    "{SERIALIZATION_EXCEPTION}: Size of data received by {} is not {}",
                    self.kind.deserializer(),
                    self.kind.width()
                ),
            ));
        }
        let value = match self.kind {
            NumberKind::Short => Value::Int16(i16::from_be_bytes([bytes[0], bytes[1]])),
            NumberKind::Integer => Value::Int32(i32::from_be_bytes(fixed(bytes))),
            NumberKind::Long => Value::Int64(i64::from_be_bytes(fixed(bytes))),
            NumberKind::Float => Value::Float32(f32::from_bits(u32::from_be_bytes(fixed(bytes)))),
            NumberKind::Double => Value::Float64(f64::from_bits(u64::from_be_bytes(fixed(bytes)))),
        };
        Ok(SchemaAndValue::new(Some(schema), value))
    }
}

const SERIALIZATION_EXCEPTION: &str = "org.apache.kafka.common.errors.SerializationException";

/// Kafka's `DataException(message, cause)`: the message stays short, the cause only shows
/// in the trace.
fn data_error(message: String, cause: String) -> ConnectError {
    let trace =
        format!("org.apache.kafka.connect.errors.DataException: {message}\nCaused by: {cause}");
    ConnectError::data(message).with_trace(trace)
}

/// Copies a slice whose length was already checked into an array.
fn fixed<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N]);
    out
}

/// `BooleanConverter`: one byte, 1 for true and 0 for false. Unlike the number converters it
/// checks the schema it is given.
#[derive(Debug, Clone, Copy, Default)]
pub struct BooleanConverter;

impl BooleanConverter {
    pub fn new() -> Self {
        BooleanConverter
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new().define(converter_type_key())
    }

    pub fn from_connect(
        &self,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> ConnectResult<Option<Vec<u8>>> {
        if let Some(s) = schema {
            if s.schema_type != SchemaType::Boolean {
                return Err(ConnectError::data(format!(
                    "Invalid schema type for BooleanConverter: {}",
                    s.schema_type.name().to_uppercase()
                )));
            }
        }
        match value {
            Value::Null => Ok(None),
            Value::Boolean(b) => Ok(Some(vec![u8::from(*b)])),
            other => Err(ConnectError::data(format!(
                "BooleanConverter is not compatible with objects of type {}",
                java_class_of(other)
            ))),
        }
    }

    pub fn to_connect(&self, bytes: Option<&[u8]>) -> ConnectResult<SchemaAndValue> {
        let schema = primitive_schema(SchemaType::Boolean, true);
        let value = match bytes {
            None => Value::Null,
            Some([0]) => Value::Boolean(false),
            Some([1]) => Value::Boolean(true),
            Some([other]) => {
                return Err(data_error(
                    "Failed to deserialize boolean: ".to_string(),
                    format!(
                        "{SERIALIZATION_EXCEPTION}: Unexpected byte received by \
                         BooleanDeserializer: {}",
                        // Java bytes are signed.
                        i8::from_be_bytes([*other])
                    ),
                ));
            }
            Some(_) => {
                return Err(data_error(
                    "Failed to deserialize boolean: ".to_string(),
                    format!(
                        "{SERIALIZATION_EXCEPTION}: Size of data received by BooleanDeserializer \
                         is not 1"
                    ),
                ))
            }
        };
        Ok(SchemaAndValue::new(Some(schema), value))
    }
}

impl Converter for NumberConverter {
    fn configure(&mut self, _props: &Props, _is_key: bool) -> ConnectResult<()> {
        Ok(())
    }
    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }
    fn from_connect_data(
        &self,
        _topic: &str,
        _headers: &Headers,
        _schema: Option<&SchemaRef>,
        value: &Value,
    ) -> ConnectResult<Option<Vec<u8>>> {
        self.from_connect(value)
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

impl HeaderConverter for NumberConverter {
    fn configure(&mut self, _props: &Props) -> ConnectResult<()> {
        Ok(())
    }
    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }
    fn from_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        _schema: Option<&SchemaRef>,
        value: &Value,
    ) -> ConnectResult<Option<Vec<u8>>> {
        self.from_connect(value)
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

impl Converter for BooleanConverter {
    fn configure(&mut self, _props: &Props, _is_key: bool) -> ConnectResult<()> {
        Ok(())
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

impl HeaderConverter for BooleanConverter {
    fn configure(&mut self, _props: &Props) -> ConnectResult<()> {
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(kind: NumberKind) -> NumberConverter {
        NumberConverter::new(kind)
    }

    #[test]
    fn numbers_are_big_endian_fixed_width() {
        let cases = [
            (NumberKind::Short, Value::Int16(-2), vec![0xff, 0xfe]),
            (NumberKind::Integer, Value::Int32(258), vec![0, 0, 1, 2]),
            (
                NumberKind::Long,
                Value::Int64(i64::MIN),
                vec![0x80, 0, 0, 0, 0, 0, 0, 0],
            ),
            (
                NumberKind::Float,
                Value::Float32(1.5),
                vec![0x3f, 0xc0, 0, 0],
            ),
            (
                NumberKind::Double,
                Value::Float64(-2.0),
                vec![0xc0, 0, 0, 0, 0, 0, 0, 0],
            ),
        ];
        for (kind, value, bytes) in cases {
            let c = conv(kind);
            assert_eq!(
                c.from_connect(&value).unwrap(),
                Some(bytes.clone()),
                "{kind:?}"
            );
            let back = c.to_connect(Some(&bytes)).unwrap();
            assert_eq!(back.value, value, "{kind:?}");
            let schema = back.schema.unwrap();
            assert_eq!(schema.schema_type, kind.schema_type());
            assert!(schema.optional);
        }
    }

    #[test]
    fn nan_payload_survives() {
        let bits = 0x7fc0_0001_u32;
        let c = conv(NumberKind::Float);
        let bytes = c
            .from_connect(&Value::Float32(f32::from_bits(bits)))
            .unwrap()
            .unwrap();
        assert_eq!(bytes, bits.to_be_bytes());
        match c.to_connect(Some(&bytes)).unwrap().value {
            Value::Float32(f) => assert_eq!(f.to_bits(), bits),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn null_is_a_tombstone_both_ways() {
        for kind in [
            NumberKind::Short,
            NumberKind::Integer,
            NumberKind::Long,
            NumberKind::Float,
            NumberKind::Double,
        ] {
            let c = conv(kind);
            assert_eq!(c.from_connect(&Value::Null).unwrap(), None);
            let sv = c.to_connect(None).unwrap();
            assert_eq!(sv.value, Value::Null);
            assert!(sv.schema.unwrap().optional);
        }
        let b = BooleanConverter::new();
        assert_eq!(b.from_connect(None, &Value::Null).unwrap(), None);
        assert_eq!(b.to_connect(None).unwrap().value, Value::Null);
    }

    #[test]
    fn only_the_exact_type_is_accepted() {
        let e = conv(NumberKind::Long)
            .from_connect(&Value::Int32(1))
            .unwrap_err();
        assert_eq!(
            e.message,
            "Failed to serialize to long (was class java.lang.Integer): "
        );
        let e = conv(NumberKind::Integer)
            .from_connect(&"1".into())
            .unwrap_err();
        assert_eq!(
            e.message,
            "Failed to serialize to integer (was class java.lang.String): "
        );
    }

    #[test]
    fn wrong_sizes_are_reported_like_the_deserializers() {
        let e = conv(NumberKind::Long)
            .to_connect(Some(&[1, 2]))
            .unwrap_err();
        assert_eq!(e.message, "Failed to deserialize long: ");
        assert!(e.trace_text().ends_with(
            "SerializationException: Size of data received by LongDeserializer is not 8"
        ));
        let e = conv(NumberKind::Double).to_connect(Some(&[])).unwrap_err();
        assert_eq!(e.message, "Failed to deserialize double: ");
        assert!(e
            .trace_text()
            .ends_with("SerializationException: Size of data received by Deserializer is not 8"));
    }

    #[test]
    fn boolean_is_one_byte() {
        let b = BooleanConverter::new();
        let schema = primitive_schema(SchemaType::Boolean, false);
        assert_eq!(
            b.from_connect(Some(&schema), &Value::Boolean(true))
                .unwrap(),
            Some(vec![1])
        );
        assert_eq!(
            b.from_connect(None, &Value::Boolean(false)).unwrap(),
            Some(vec![0])
        );
        assert_eq!(
            b.to_connect(Some(&[1])).unwrap().value,
            Value::Boolean(true)
        );
        assert_eq!(
            b.to_connect(Some(&[0])).unwrap().value,
            Value::Boolean(false)
        );
        let e = b.to_connect(Some(&[0xff])).unwrap_err();
        assert_eq!(e.message, "Failed to deserialize boolean: ");
        assert!(e
            .trace_text()
            .ends_with("Unexpected byte received by BooleanDeserializer: -1"));
        let e = b.to_connect(Some(&[1, 0])).unwrap_err();
        assert!(e
            .trace_text()
            .ends_with("Size of data received by BooleanDeserializer is not 1"));
        let e = b
            .from_connect(
                Some(&primitive_schema(SchemaType::Int8, false)),
                &Value::Int8(1),
            )
            .unwrap_err();
        assert_eq!(e.message, "Invalid schema type for BooleanConverter: INT8");
        let e = b.from_connect(None, &Value::Int8(1)).unwrap_err();
        assert_eq!(
            e.message,
            "BooleanConverter is not compatible with objects of type class java.lang.Byte"
        );
    }
}
