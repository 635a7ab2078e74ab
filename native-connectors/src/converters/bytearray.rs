//! `org.apache.kafka.connect.converters.ByteArrayConverter`: bytes pass through untouched.

use connect_api::{
    ConfigDef, ConnectError, ConnectResult, Converter, HeaderConverter, Headers, Props,
    SchemaAndValue, SchemaRef, SchemaType, Value,
};

use super::{converter_type_key, java_class_of};

pub const CLASS: &str = "org.apache.kafka.connect.converters.ByteArrayConverter";

#[derive(Debug, Clone, Default)]
pub struct ByteArrayConverter;

impl ByteArrayConverter {
    pub fn new() -> Self {
        ByteArrayConverter
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
            if s.schema_type != SchemaType::Bytes {
                return Err(ConnectError::data(format!(
                    "Invalid schema type for ByteArrayConverter: {}",
                    s.schema_type.name().to_uppercase()
                )));
            }
        }
        match value {
            Value::Null => Ok(None),
            Value::Bytes(b) => Ok(Some(b.clone())),
            other => Err(ConnectError::data(format!(
                "ByteArrayConverter is not compatible with objects of type {}",
                java_class_of(other)
            ))),
        }
    }

    pub fn to_connect(&self, bytes: Option<&[u8]>) -> SchemaAndValue {
        SchemaAndValue::new(
            Some(connect_api::data::primitive_schema(SchemaType::Bytes, true)),
            bytes.map_or(Value::Null, |b| Value::Bytes(b.to_vec())),
        )
    }
}

impl Converter for ByteArrayConverter {
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
        Ok(self.to_connect(bytes))
    }
}

impl HeaderConverter for ByteArrayConverter {
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
        Ok(self.to_connect(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::data::primitive_schema;

    #[test]
    fn passes_bytes_and_rejects_other_types() {
        let c = ByteArrayConverter::new();
        let bytes = primitive_schema(SchemaType::Bytes, false);
        assert_eq!(
            c.from_connect(Some(&bytes), &Value::Bytes(vec![0, 255]))
                .unwrap(),
            Some(vec![0, 255])
        );
        assert_eq!(c.from_connect(None, &Value::Null).unwrap(), None);
        let e = c
            .from_connect(
                Some(&primitive_schema(SchemaType::String, false)),
                &"x".into(),
            )
            .unwrap_err();
        assert_eq!(
            e.message,
            "Invalid schema type for ByteArrayConverter: STRING"
        );
        let e = c.from_connect(None, &Value::Int32(1)).unwrap_err();
        assert_eq!(
            e.message,
            "ByteArrayConverter is not compatible with objects of type class java.lang.Integer"
        );
        let sv = c.to_connect(Some(b"ab"));
        assert_eq!(sv.value, Value::Bytes(b"ab".to_vec()));
        assert!(sv.schema.unwrap().optional);
        assert_eq!(c.to_connect(None).value, Value::Null);
    }
}
