//! `org.apache.kafka.connect.storage.StringConverter`: `value.toString()` in a Java charset.

use connect_api::config::{ConfigKey, ConfigType, Importance, Width};
use connect_api::data::{
    primitive_schema, Schema, DATE_LOGICAL_NAME, DECIMAL_LOGICAL_NAME, DECIMAL_SCALE_PARAM,
    TIMESTAMP_LOGICAL_NAME, TIME_LOGICAL_NAME,
};
use connect_api::{
    ConfigDef, ConnectError, ConnectResult, Converter, HeaderConverter, Headers, Props,
    SchemaAndValue, SchemaRef, SchemaType, Value,
};
use num_bigint::BigInt;

use super::converter_type_key;
use super::java_fmt::{
    big_decimal_to_string, double_to_string, float_to_string, java_date_to_string,
};

pub const CLASS: &str = "org.apache.kafka.connect.storage.StringConverter";

/// The Java charsets people actually configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Latin1,
    Ascii,
    /// Java's `UTF-16`: big-endian with a byte-order mark when encoding, BOM-sniffing when decoding.
    Utf16,
    Utf16Be,
    Utf16Le,
}

impl Charset {
    pub fn for_name(name: &str) -> Option<Charset> {
        let n = name.trim().to_ascii_uppercase().replace('_', "-");
        Some(match n.as_str() {
            "UTF8" | "UTF-8" => Charset::Utf8,
            "ISO-8859-1" | "ISO8859-1" | "LATIN1" | "ISO-LATIN-1" | "8859-1" | "CP819" => {
                Charset::Latin1
            }
            "US-ASCII" | "ASCII" | "ISO646-US" => Charset::Ascii,
            "UTF-16" | "UTF16" => Charset::Utf16,
            "UTF-16BE" | "UNICODEBIGUNMARKED" => Charset::Utf16Be,
            "UTF-16LE" | "UNICODELITTLEUNMARKED" => Charset::Utf16Le,
            _ => return None,
        })
    }

    /// `String.getBytes(charset)`: unmappable characters become `?`.
    pub fn encode(self, s: &str) -> Vec<u8> {
        match self {
            Charset::Utf8 => s.as_bytes().to_vec(),
            Charset::Latin1 => s
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect(),
            Charset::Ascii => s
                .chars()
                .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
                .collect(),
            Charset::Utf16 => {
                let mut out = vec![0xFE, 0xFF];
                out.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
                out
            }
            Charset::Utf16Be => s.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            Charset::Utf16Le => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        }
    }

    /// `new String(bytes, charset)`: malformed input becomes U+FFFD.
    pub fn decode(self, b: &[u8]) -> String {
        let utf16 = |b: &[u8], be: bool| {
            let units: Vec<u16> = b
                .chunks(2)
                .map(|c| match (c, be) {
                    ([x, y], true) => u16::from_be_bytes([*x, *y]),
                    ([x, y], false) => u16::from_le_bytes([*x, *y]),
                    _ => 0xFFFD,
                })
                .collect();
            String::from_utf16_lossy(&units)
        };
        match self {
            Charset::Utf8 => String::from_utf8_lossy(b).into_owned(),
            Charset::Latin1 => b.iter().map(|&x| char::from(x)).collect(),
            Charset::Ascii => b
                .iter()
                .map(|&x| {
                    if x.is_ascii() {
                        char::from(x)
                    } else {
                        '\u{FFFD}'
                    }
                })
                .collect(),
            Charset::Utf16 => match b {
                [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
                [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
                _ => utf16(b, true),
            },
            Charset::Utf16Be => utf16(b, true),
            Charset::Utf16Le => utf16(b, false),
        }
    }
}

#[derive(Debug, Clone)]
pub struct StringConverter {
    encoding: Charset,
}

impl Default for StringConverter {
    fn default() -> Self {
        Self::new()
    }
}

impl StringConverter {
    pub fn new() -> Self {
        StringConverter {
            encoding: Charset::Utf8,
        }
    }

    pub fn config_def() -> ConfigDef {
        let mut encoding = ConfigKey::new(
            "converter.encoding",
            ConfigType::String,
            Importance::High,
            "The name of the Java character set to use for encoding strings as byte arrays.",
        )
        .default_value("UTF-8");
        encoding.width = Width::Medium;
        encoding.display_name = "Encoding".into();
        ConfigDef::new()
            .define(converter_type_key())
            .define(encoding)
    }

    /// `serializer.encoding`-style keys win over `converter.encoding`, as in Kafka's
    /// `StringSerializer`/`StringDeserializer`.
    fn configure_with(&mut self, props: &Props, role: &str) -> ConnectResult<()> {
        let name = props
            .get(&format!("{role}.serializer.encoding"))
            .or_else(|| props.get("serializer.encoding"))
            .or_else(|| props.get("converter.encoding"))
            .map(String::as_str)
            .unwrap_or("UTF-8");
        self.encoding = Charset::for_name(name)
            .ok_or_else(|| ConnectError::config(format!("Unsupported encoding {name}")))?;
        Ok(())
    }

    pub fn from_connect(&self, schema: Option<&SchemaRef>, value: &Value) -> Option<Vec<u8>> {
        match value {
            Value::Null => None,
            // Java would print `[B@<hash>`, which helps nobody; raw bytes round-trip instead.
            Value::Bytes(b) if !schema.is_some_and(|s| s.is_logical(DECIMAL_LOGICAL_NAME)) => {
                Some(b.clone())
            }
            v => Some(
                self.encoding
                    .encode(&java_to_string(schema.map(|s| s.as_ref()), v)),
            ),
        }
    }

    pub fn to_connect(&self, bytes: Option<&[u8]>) -> SchemaAndValue {
        SchemaAndValue::new(
            Some(primitive_schema(SchemaType::String, true)),
            bytes.map_or(Value::Null, |b| Value::String(self.encoding.decode(b))),
        )
    }
}

/// `Object.toString()` of the Java object Kafka would hold for this value.
pub fn java_to_string(schema: Option<&Schema>, value: &Value) -> String {
    let logical = schema.and_then(|s| s.name.as_deref());
    match (logical, value) {
        (Some(DECIMAL_LOGICAL_NAME), Value::Bytes(b)) => {
            let scale = schema
                .and_then(|s| s.parameter(DECIMAL_SCALE_PARAM))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            return big_decimal_to_string(&BigInt::from_signed_bytes_be(b), scale);
        }
        (Some(DATE_LOGICAL_NAME), Value::Int32(d)) => {
            return java_date_to_string(i64::from(*d) * 86_400_000)
        }
        (Some(TIME_LOGICAL_NAME), Value::Int32(ms)) => return java_date_to_string(i64::from(*ms)),
        (Some(TIMESTAMP_LOGICAL_NAME), Value::Int64(ms)) => return java_date_to_string(*ms),
        _ => {}
    }
    match value {
        Value::Null => "null".into(),
        Value::Int8(v) => v.to_string(),
        Value::Int16(v) => v.to_string(),
        Value::Int32(v) => v.to_string(),
        Value::Int64(v) => v.to_string(),
        Value::Float32(v) => float_to_string(*v),
        Value::Float64(v) => double_to_string(*v),
        Value::Boolean(v) => v.to_string(),
        Value::String(s) => s.clone(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Array(items) => {
            let inner = schema.and_then(|s| s.value_schema.as_deref());
            let parts: Vec<String> = items.iter().map(|v| java_to_string(inner, v)).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Map(entries) => {
            let ks = schema.and_then(|s| s.key_schema.as_deref());
            let vs = schema.and_then(|s| s.value_schema.as_deref());
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}={}", java_to_string(ks, k), java_to_string(vs, v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Struct(st) => {
            // Struct.toString skips unset fields and ignores defaults.
            let parts: Vec<String> = st
                .schema
                .fields
                .iter()
                .filter(|f| !st.get_by_index(f.index).is_null())
                .map(|f| {
                    format!(
                        "{}={}",
                        f.name,
                        java_to_string(Some(&f.schema), st.get_by_index(f.index))
                    )
                })
                .collect();
            format!("Struct{{{}}}", parts.join(","))
        }
    }
}

impl Converter for StringConverter {
    fn configure(&mut self, props: &Props, is_key: bool) -> ConnectResult<()> {
        self.configure_with(props, if is_key { "key" } else { "value" })
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
        Ok(self.from_connect(schema, value))
    }
    fn to_connect_data(
        &self,
        _topic: &str,
        _headers: &Headers,
        bytes: Option<&[u8]>,
    ) -> ConnectResult<SchemaAndValue> {
        Ok(self.to_connect(bytes))
    }
}

impl HeaderConverter for StringConverter {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        self.configure_with(props, "value")
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
        Ok(self.from_connect(schema, value))
    }
    fn to_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        bytes: Option<&[u8]>,
    ) -> ConnectResult<SchemaAndValue> {
        Ok(self.to_connect(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::{SchemaBuilder, Struct};

    #[test]
    fn renders_java_to_string() {
        let st_schema = SchemaBuilder::struct_()
            .field("a", SchemaBuilder::int32().build())
            .field("b", SchemaBuilder::string().optional().build())
            .field("c", SchemaBuilder::float64().build())
            .build();
        let st = Struct::new(st_schema.clone())
            .put("a", 1)
            .unwrap()
            .put("c", Value::Float64(1e10))
            .unwrap();
        assert_eq!(
            java_to_string(Some(&st_schema), &Value::Struct(st)),
            "Struct{a=1,c=1.0E10}"
        );
        let m = Value::Map(vec![(
            "k".into(),
            Value::Array(vec![Value::Int32(1), Value::Null]),
        )]);
        assert_eq!(java_to_string(None, &m), "{k=[1, null]}");
        let dec = SchemaBuilder::decimal(2).build();
        assert_eq!(
            java_to_string(Some(&dec), &Value::Bytes(vec![0x30, 0x39])),
            "123.45"
        );
        let date = SchemaBuilder::date().build();
        assert_eq!(
            java_to_string(Some(&date), &Value::Int32(0)),
            "Thu Jan 01 00:00:00 UTC 1970"
        );
    }

    #[test]
    fn encodings_and_key_specific_overrides() {
        let mut c = StringConverter::new();
        Converter::configure(
            &mut c,
            &connect_api::config::props([("converter.encoding", "UTF-16LE")]),
            true,
        )
        .unwrap();
        assert_eq!(
            c.from_connect(None, &"hé".into()),
            Some(vec![b'h', 0, 0xE9, 0])
        );
        let p = connect_api::config::props([
            ("converter.encoding", "UTF-16LE"),
            ("key.serializer.encoding", "latin1"),
        ]);
        Converter::configure(&mut c, &p, true).unwrap();
        assert_eq!(c.from_connect(None, &"hé".into()), Some(vec![b'h', 0xE9]));
        assert_eq!(
            c.to_connect(Some(&[b'h', 0xE9])).value,
            Value::String("hé".into())
        );
        let bad = connect_api::config::props([("converter.encoding", "EBCDIC-nope")]);
        assert!(Converter::configure(&mut c, &bad, false).is_err());
        assert_eq!(c.from_connect(None, &Value::Null), None);
    }
}
