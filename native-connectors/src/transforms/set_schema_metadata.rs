//! `org.apache.kafka.connect.transforms.SetSchemaMetadata$Key` / `$Value`: override the
//! schema's name and/or version. Struct values are rebuilt against the renamed schema.

use std::sync::Arc;

use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, Transformation, Value,
};

use super::common::{
    build_struct, field_value, parse_config, replace_null_with_default_key, require_schema, Side,
    REPLACE_NULL_WITH_DEFAULT_CONFIG,
};

const SCHEMA_NAME: &str = "schema.name";
const SCHEMA_VERSION: &str = "schema.version";

pub struct SetSchemaMetadata {
    side: Side,
    name: Option<String>,
    version: Option<i32>,
    replace_null_with_default: bool,
}

impl SetSchemaMetadata {
    pub fn new(side: Side) -> Self {
        SetSchemaMetadata {
            side,
            name: None,
            version: None,
            replace_null_with_default: true,
        }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new(
                    SCHEMA_NAME,
                    ConfigType::String,
                    Importance::High,
                    "Schema name to set.",
                )
                .default_null(),
            )
            .define(
                ConfigKey::new(
                    SCHEMA_VERSION,
                    ConfigType::Int,
                    Importance::High,
                    "Schema version to set.",
                )
                .default_null(),
            )
            .define(replace_null_with_default_key())
    }
}

impl Transformation for SetSchemaMetadata {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.name = c.string(SCHEMA_NAME);
        self.version = c.int(SCHEMA_VERSION).and_then(|v| i32::try_from(v).ok());
        self.replace_null_with_default =
            c.boolean(REPLACE_NULL_WITH_DEFAULT_CONFIG).unwrap_or(true);
        if self.name.is_none() && self.version.is_none() {
            return Err(ConnectError::config(
                "Neither schema name nor version configured",
            ));
        }
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let value = self.side.value(&record);
        let schema = self.side.schema(&record);
        if value.is_null() && schema.is_none() {
            return Ok(Some(record));
        }
        let schema = require_schema(schema, "updating schema metadata")?;
        let mut updated = schema.as_ref().clone();
        if let Some(n) = &self.name {
            updated.name = Some(n.clone());
        }
        if let Some(v) = self.version {
            updated.version = Some(v);
        }
        let updated = Arc::new(updated);
        let new_value = match value {
            Value::Struct(s) => Value::Struct(build_struct(
                &updated,
                updated.fields.iter().map(|f| {
                    (
                        f.name.clone(),
                        field_value(s, &f.name, self.replace_null_with_default),
                    )
                }),
            )?),
            other => other.clone(),
        };
        self.side.put(&mut record, Some(updated), new_value);
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;
    use connect_api::{SchemaBuilder, Struct};

    #[test]
    fn renames_struct_schema_and_rebinds_value() {
        let mut t = SetSchemaMetadata::new(Side::Value);
        t.configure(&props([
            ("schema.name", "com.acme.Order"),
            ("schema.version", "3"),
        ]))
        .unwrap();
        let schema = SchemaBuilder::struct_()
            .name("old")
            .field("id", SchemaBuilder::int32().build())
            .build();
        let v = Struct::new(schema.clone()).put("id", 1).unwrap();
        let out = t
            .apply(ConnectRecord::new("t", Some(schema), Value::Struct(v)))
            .unwrap()
            .unwrap();
        let s = out.value_schema.unwrap();
        assert_eq!(s.name.as_deref(), Some("com.acme.Order"));
        assert_eq!(s.version, Some(3));
        let st = out.value.as_struct().unwrap();
        assert_eq!(st.schema, s);
        assert_eq!(st.get("id"), Some(&Value::Int32(1)));
    }

    #[test]
    fn schemaless_needs_a_schema_unless_null() {
        let mut t = SetSchemaMetadata::new(Side::Key);
        t.configure(&props([("schema.version", "2")])).unwrap();
        let r = ConnectRecord::new("t", None, Value::Null);
        assert_eq!(t.apply(r.clone()).unwrap(), Some(r));
        let r = ConnectRecord::new("t", None, Value::Null).with_key(None, Value::Map(vec![]));
        assert_eq!(
            t.apply(r).unwrap_err().message,
            "Schema required for [updating schema metadata]"
        );
    }

    #[test]
    fn needs_name_or_version() {
        let mut t = SetSchemaMetadata::new(Side::Value);
        assert_eq!(
            t.configure(&Props::new()).unwrap_err().message,
            "Neither schema name nor version configured"
        );
        assert!(t.configure(&props([("schema.version", "x")])).is_err());
    }
}
