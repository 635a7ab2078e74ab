//! `org.apache.kafka.connect.transforms.ValueToKey`: build the key from value fields.

use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, SchemaBuilder, Transformation, Value,
};

use super::common::{
    build_struct, field_value, map_get, non_empty_list_validator, parse_config,
    replace_null_with_default_key, require_map, require_struct, SchemaCache,
    REPLACE_NULL_WITH_DEFAULT_CONFIG,
};

const FIELDS: &str = "fields";
const PURPOSE: &str = "copying fields from value to key";

pub struct ValueToKey {
    fields: Vec<String>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl Default for ValueToKey {
    fn default() -> Self {
        Self::new()
    }
}

impl ValueToKey {
    pub fn new() -> Self {
        ValueToKey {
            fields: Vec::new(),
            replace_null_with_default: true,
            cache: SchemaCache::default(),
        }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new(
                    FIELDS,
                    ConfigType::List,
                    Importance::High,
                    "Field names on the record value to extract as the record key.",
                )
                .validator(non_empty_list_validator()),
            )
            .define(replace_null_with_default_key())
    }
}

impl Transformation for ValueToKey {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.fields = c.list(FIELDS);
        self.replace_null_with_default =
            c.boolean(REPLACE_NULL_WITH_DEFAULT_CONFIG).unwrap_or(true);
        self.cache = SchemaCache::default();
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        if record.value_schema.is_none() {
            let value = require_map(&record.value, PURPOSE)?;
            let key: Vec<(Value, Value)> = self
                .fields
                .iter()
                .map(|f| {
                    (
                        Value::String(f.clone()),
                        map_get(value, f).cloned().unwrap_or(Value::Null),
                    )
                })
                .collect();
            record.key_schema = None;
            record.key = Value::Map(key);
            return Ok(Some(record));
        }
        let value = require_struct(&record.value, PURPOSE)?;
        let fields = &self.fields;
        let key_schema = self.cache.get_or_build(&value.schema, || {
            let mut b = SchemaBuilder::struct_();
            for name in fields {
                let f = value
                    .schema
                    .field(name)
                    .ok_or_else(|| ConnectError::data(format!("Field does not exist: {name}")))?;
                b = b.field(name.clone(), f.schema.clone());
            }
            Ok(b.build())
        })?;
        let key = build_struct(
            &key_schema,
            self.fields.iter().map(|f| {
                (
                    f.clone(),
                    field_value(value, f, self.replace_null_with_default),
                )
            }),
        )?;
        record.key_schema = Some(key_schema);
        record.key = Value::Struct(key);
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;
    use connect_api::Struct;

    fn configured(fields: &str) -> ValueToKey {
        let mut t = ValueToKey::new();
        t.configure(&props([("fields", fields)])).unwrap();
        t
    }

    #[test]
    fn schemaless_key_is_a_map_of_the_fields() {
        let mut t = configured("a,b");
        let v = Value::Map(vec![
            ("a".into(), Value::Int32(1)),
            ("b".into(), Value::Int32(2)),
            ("c".into(), Value::Int32(3)),
        ]);
        let out = t
            .apply(ConnectRecord::new("t", None, v.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(
            out.key,
            Value::Map(vec![
                ("a".into(), Value::Int32(1)),
                ("b".into(), Value::Int32(2))
            ])
        );
        assert_eq!(out.value, v);
    }

    #[test]
    fn struct_key_has_the_field_schemas() {
        let mut t = configured("id");
        let schema = SchemaBuilder::struct_()
            .field("id", SchemaBuilder::int64().build())
            .field("name", SchemaBuilder::string().build())
            .build();
        let v = Struct::new(schema.clone())
            .put("id", 5i64)
            .unwrap()
            .put("name", "n")
            .unwrap();
        let out = t
            .apply(ConnectRecord::new("t", Some(schema), Value::Struct(v)))
            .unwrap()
            .unwrap();
        let ks = out.key_schema.unwrap();
        assert_eq!(ks.fields.len(), 1);
        assert_eq!(
            out.key.as_struct().unwrap().get("id"),
            Some(&Value::Int64(5))
        );

        let mut t = configured("nope");
        let schema = SchemaBuilder::struct_()
            .field("id", SchemaBuilder::int64().build())
            .build();
        let v = Struct::new(schema.clone()).put("id", 5i64).unwrap();
        let err = t
            .apply(ConnectRecord::new("t", Some(schema), Value::Struct(v)))
            .unwrap_err();
        assert_eq!(err.message, "Field does not exist: nope");
    }

    #[test]
    fn missing_fields_config() {
        let err = ValueToKey::new().configure(&Props::new()).unwrap_err();
        assert!(err.message.contains("\"fields\""));
    }
}
