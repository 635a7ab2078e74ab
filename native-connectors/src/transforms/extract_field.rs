//! `org.apache.kafka.connect.transforms.ExtractField$Key` / `$Value`: replace the key or
//! value with one of its fields (nested with `field.syntax.version=V2`). Nulls pass through.

use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, Transformation, Value,
};

use super::common::{
    parse_config, replace_null_with_default_key, Side, REPLACE_NULL_WITH_DEFAULT_CONFIG,
};
use super::field_path::{FieldSyntaxVersion, SingleFieldPath, FIELD_SYNTAX_VERSION_CONFIG};

const FIELD: &str = "field";
const PURPOSE: &str = "field extraction";

pub struct ExtractField {
    side: Side,
    original_path: String,
    path: Option<SingleFieldPath>,
    replace_null_with_default: bool,
}

impl ExtractField {
    pub fn new(side: Side) -> Self {
        ExtractField {
            side,
            original_path: String::new(),
            path: None,
            replace_null_with_default: true,
        }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(ConfigKey::new(
                FIELD,
                ConfigType::String,
                Importance::Medium,
                "Field name to extract.",
            ))
            .define(replace_null_with_default_key())
            .define(FieldSyntaxVersion::config_key())
    }
}

impl Transformation for ExtractField {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.original_path = c.string(FIELD).unwrap_or_default();
        let version =
            FieldSyntaxVersion::from_config(c.string(FIELD_SYNTAX_VERSION_CONFIG).as_deref())?;
        self.path = Some(SingleFieldPath::new(&self.original_path, version)?);
        self.replace_null_with_default =
            c.boolean(REPLACE_NULL_WITH_DEFAULT_CONFIG).unwrap_or(true);
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let path = self
            .path
            .as_ref()
            .ok_or_else(|| ConnectError::connect("ExtractField used before configure"))?;
        let value = self.side.value(&record);
        match self.side.schema(&record).cloned() {
            None => {
                let extracted = match value {
                    Value::Null => Value::Null,
                    Value::Map(entries) => path.value_from_map(entries)?,
                    other => {
                        return Err(ConnectError::data(format!(
                            "Only Map objects supported in absence of schema for [{PURPOSE}], found: {}",
                            other.type_name()
                        )))
                    }
                };
                self.side.put(&mut record, None, extracted);
            }
            Some(schema) => {
                let extracted = match value {
                    Value::Null => Value::Null,
                    Value::Struct(s) => {
                        path.value_from_struct(s, self.replace_null_with_default)?
                    }
                    other => {
                        return Err(ConnectError::data(format!(
                            "Only Struct objects supported for [{PURPOSE}], found: {}",
                            other.type_name()
                        )))
                    }
                };
                let field = path.field_from(&schema).ok_or_else(|| {
                    ConnectError::data(format!("Unknown field: {}", self.original_path))
                })?;
                let field_schema = field.schema.clone();
                self.side.put(&mut record, Some(field_schema), extracted);
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;
    use connect_api::{SchemaBuilder, Struct};

    fn configured(side: Side, pairs: &[(&str, &str)]) -> ExtractField {
        let mut t = ExtractField::new(side);
        t.configure(&props(pairs.iter().copied())).unwrap();
        t
    }

    #[test]
    fn schemaless_top_level_and_nested() {
        let inner = Value::Map(vec![("b".into(), Value::Int32(2))]);
        let v = Value::Map(vec![("a".into(), inner), ("a.b".into(), Value::Int32(9))]);
        let mut v1 = configured(Side::Value, &[("field", "a.b")]);
        let out = v1
            .apply(ConnectRecord::new("t", None, v.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(out.value, Value::Int32(9));
        let mut v2 = configured(
            Side::Value,
            &[("field", "a.b"), ("field.syntax.version", "v2")],
        );
        let out = v2
            .apply(ConnectRecord::new("t", None, v.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(out.value, Value::Int32(2));
        let mut missing = configured(Side::Value, &[("field", "zzz")]);
        let out = missing
            .apply(ConnectRecord::new("t", None, v))
            .unwrap()
            .unwrap();
        assert_eq!(out.value, Value::Null);
    }

    #[test]
    fn struct_extraction_uses_field_schema() {
        let inner_schema = SchemaBuilder::struct_()
            .field("id", SchemaBuilder::int64().build())
            .build();
        let schema = SchemaBuilder::struct_()
            .field("after", inner_schema.clone())
            .field(
                "op",
                SchemaBuilder::string()
                    .optional()
                    .default_value("c".into())
                    .build(),
            )
            .build();
        let inner = Struct::new(inner_schema).put("id", 4i64).unwrap();
        let v = Struct::new(schema.clone())
            .put("after", Value::Struct(inner))
            .unwrap();
        let rec = ConnectRecord::new("t", Some(schema.clone()), Value::Struct(v));

        let mut t = configured(
            Side::Value,
            &[("field", "after.id"), ("field.syntax.version", "V2")],
        );
        let out = t.apply(rec.clone()).unwrap().unwrap();
        assert_eq!(out.value, Value::Int64(4));
        assert_eq!(
            out.value_schema.unwrap().schema_type,
            connect_api::SchemaType::Int64
        );

        let mut t = configured(Side::Value, &[("field", "op")]);
        assert_eq!(
            t.apply(rec.clone()).unwrap().unwrap().value,
            Value::from("c")
        );
        let mut t = configured(
            Side::Value,
            &[("field", "op"), ("replace.null.with.default", "false")],
        );
        assert_eq!(t.apply(rec.clone()).unwrap().unwrap().value, Value::Null);

        let mut t = configured(Side::Value, &[("field", "nope")]);
        assert_eq!(t.apply(rec).unwrap_err().message, "Unknown field: nope");
    }

    #[test]
    fn key_side_null_passes() {
        let mut t = configured(Side::Key, &[("field", "a")]);
        let out = t
            .apply(ConnectRecord::new("t", None, Value::from("v")))
            .unwrap()
            .unwrap();
        assert_eq!(out.key, Value::Null);
        assert_eq!(out.value, Value::from("v"));
    }

    #[test]
    fn bad_configs() {
        let mut t = ExtractField::new(Side::Value);
        let err = t.configure(&Props::new()).unwrap_err();
        assert!(err.message.contains("\"field\""));
        let err = t
            .configure(&props([("field", "a"), ("field.syntax.version", "V3")]))
            .unwrap_err();
        assert!(
            err.message.contains("field.syntax.version"),
            "{}",
            err.message
        );
        let err = t
            .configure(&props([("field", "`a.b"), ("field.syntax.version", "V2")]))
            .unwrap_err();
        assert!(err.message.contains("Incomplete backtick pair"));
    }
}
