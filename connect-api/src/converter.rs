//! `Converter` and `HeaderConverter`: Connect data ↔ bytes.

use crate::config::{ConfigDef, Props};
use crate::data::{SchemaRef, Value};
use crate::errors::ConnectResult;
use crate::header::Headers;

/// Kafka's `SchemaAndValue`.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaAndValue {
    pub schema: Option<SchemaRef>,
    pub value: Value,
}

impl SchemaAndValue {
    pub const NULL: SchemaAndValue = SchemaAndValue {
        schema: None,
        value: Value::Null,
    };
    pub fn new(schema: Option<SchemaRef>, value: Value) -> Self {
        SchemaAndValue { schema, value }
    }
}

pub trait Converter: Send + Sync {
    /// Called once with the prefix-stripped settings (`key.converter.*`) before use.
    fn configure(&mut self, props: &Props, is_key: bool) -> ConnectResult<()>;
    fn config_def(&self) -> ConfigDef {
        ConfigDef::new()
    }
    /// `None` means a null payload (a tombstone for values).
    #[allow(clippy::wrong_self_convention)] // Kafka's name
    fn from_connect_data(
        &self,
        topic: &str,
        headers: &Headers,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> ConnectResult<Option<Vec<u8>>>;
    fn to_connect_data(
        &self,
        topic: &str,
        headers: &Headers,
        bytes: Option<&[u8]>,
    ) -> ConnectResult<SchemaAndValue>;
}

pub trait HeaderConverter: Send + Sync {
    fn configure(&mut self, props: &Props) -> ConnectResult<()>;
    fn config_def(&self) -> ConfigDef {
        ConfigDef::new()
    }
    #[allow(clippy::wrong_self_convention)] // Kafka's name
    fn from_connect_header(
        &self,
        topic: &str,
        header_key: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> ConnectResult<Option<Vec<u8>>>;
    fn to_connect_header(
        &self,
        topic: &str,
        header_key: &str,
        bytes: Option<&[u8]>,
    ) -> ConnectResult<SchemaAndValue>;
}
