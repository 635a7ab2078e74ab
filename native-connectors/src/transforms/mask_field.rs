//! `org.apache.kafka.connect.transforms.MaskField$Key` / `$Value`: replace fields with the
//! type's "empty" value, or with a configured replacement for numbers and strings.
//! Null keys/values pass through unchanged (a tombstone has nothing to mask).

use std::collections::HashSet;

use connect_api::data::{decimal_to_bytes, DECIMAL_LOGICAL_NAME, DECIMAL_SCALE_PARAM};
use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, Schema, Transformation, Validator, Value,
};

use super::common::{
    build_struct, field_value, map_get, map_put, non_empty_list_validator, parse_config,
    replace_null_with_default_key, require_map, require_struct, Side,
    REPLACE_NULL_WITH_DEFAULT_CONFIG,
};

const FIELDS: &str = "fields";
const REPLACEMENT: &str = "replacement";
const PURPOSE: &str = "mask fields";

pub struct MaskField {
    side: Side,
    fields: HashSet<String>,
    /// Kept in config order so that schemaless output is deterministic.
    ordered: Vec<String>,
    replacement: Option<String>,
    replace_null_with_default: bool,
}

fn type_class(v: &Value) -> String {
    format!("class {}", v.type_name())
}

impl MaskField {
    pub fn new(side: Side) -> Self {
        MaskField {
            side,
            fields: HashSet::new(),
            ordered: Vec::new(),
            replacement: None,
            replace_null_with_default: true,
        }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new(
                    FIELDS,
                    ConfigType::List,
                    Importance::High,
                    "Names of fields to mask.",
                )
                .validator(non_empty_list_validator()),
            )
            .define(
                ConfigKey::new(
                    REPLACEMENT,
                    ConfigType::String,
                    Importance::Low,
                    "Custom value replacement, that will be applied to all 'fields' values \
                     (numeric or non-empty string values only).",
                )
                .default_null()
                .validator(Validator::custom("non-empty string", |_, v| match v {
                    connect_api::config::ConfigValueKind::String(s) if s.is_empty() => {
                        Err("String must be non-empty".to_string())
                    }
                    _ => Ok(()),
                })),
            )
            .define(replace_null_with_default_key())
    }

    fn masked(&self, schema: Option<&Schema>, value: Value) -> ConnectResult<Value> {
        if value.is_null() {
            return Ok(Value::Null);
        }
        let decimal_scale = schema
            .filter(|s| s.is_logical(DECIMAL_LOGICAL_NAME))
            .and_then(|s| s.parameter(DECIMAL_SCALE_PARAM))
            .and_then(|p| p.parse::<i32>().ok());
        match &self.replacement {
            None => Ok(match (&value, decimal_scale) {
                (Value::Bytes(_), Some(_)) => Value::Bytes(vec![0]),
                (Value::Boolean(_), _) => Value::Boolean(false),
                (Value::Int8(_), _) => Value::Int8(0),
                (Value::Int16(_), _) => Value::Int16(0),
                (Value::Int32(_), _) => Value::Int32(0),
                (Value::Int64(_), _) => Value::Int64(0),
                (Value::Float32(_), _) => Value::Float32(0.0),
                (Value::Float64(_), _) => Value::Float64(0.0),
                (Value::String(_), _) => Value::String(String::new()),
                (Value::Array(_), _) => Value::Array(Vec::new()),
                (Value::Map(_), _) => Value::Map(Vec::new()),
                _ => {
                    return Err(ConnectError::data(format!(
                        "Cannot mask value of type: {}",
                        type_class(&value)
                    )))
                }
            }),
            Some(r) => {
                let bad_number = || {
                    ConnectError::data(format!(
                        "Unable to convert {r} (class java.lang.String) to number"
                    ))
                };
                let t = r.trim();
                Ok(match (&value, decimal_scale) {
                    (Value::Bytes(_), Some(scale)) => {
                        Value::Bytes(decimal_to_bytes(t, scale).map_err(|_| bad_number())?)
                    }
                    (Value::Int8(_), _) => Value::Int8(t.parse().map_err(|_| bad_number())?),
                    (Value::Int16(_), _) => Value::Int16(t.parse().map_err(|_| bad_number())?),
                    (Value::Int32(_), _) => Value::Int32(t.parse().map_err(|_| bad_number())?),
                    (Value::Int64(_), _) => Value::Int64(t.parse().map_err(|_| bad_number())?),
                    (Value::Float32(_), _) => Value::Float32(t.parse().map_err(|_| bad_number())?),
                    (Value::Float64(_), _) => Value::Float64(t.parse().map_err(|_| bad_number())?),
                    (Value::String(_), _) => Value::String(r.clone()),
                    _ => {
                        return Err(ConnectError::data(format!(
                            "Cannot mask value of type {} with custom replacement.",
                            type_class(&value)
                        )))
                    }
                })
            }
        }
    }
}

impl Transformation for MaskField {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.ordered = c.list(FIELDS);
        self.fields = self.ordered.iter().cloned().collect();
        self.replacement = c.string(REPLACEMENT);
        self.replace_null_with_default =
            c.boolean(REPLACE_NULL_WITH_DEFAULT_CONFIG).unwrap_or(true);
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let value = self.side.value(&record);
        if value.is_null() {
            return Ok(Some(record));
        }
        match self.side.schema(&record).cloned() {
            None => {
                let original = require_map(value, PURPOSE)?;
                let mut entries = original.to_vec();
                for name in &self.ordered {
                    let current = map_get(original, name).cloned().unwrap_or(Value::Null);
                    map_put(&mut entries, name, self.masked(None, current)?);
                }
                self.side.put(&mut record, None, Value::Map(entries));
            }
            Some(schema) => {
                let original = require_struct(value, PURPOSE)?;
                let mut values = Vec::with_capacity(original.schema.fields.len());
                for f in &original.schema.fields {
                    let v = field_value(original, &f.name, self.replace_null_with_default);
                    let v = if self.fields.contains(&f.name) {
                        self.masked(Some(&f.schema), v)?
                    } else {
                        v
                    };
                    values.push((f.name.clone(), v));
                }
                let out = build_struct(&original.schema, values)?;
                self.side.put(&mut record, Some(schema), Value::Struct(out));
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

    fn configured(pairs: &[(&str, &str)]) -> MaskField {
        let mut t = MaskField::new(Side::Value);
        t.configure(&props(pairs.iter().copied())).unwrap();
        t
    }

    #[test]
    fn schemaless_masks_with_empty_values() {
        let mut t = configured(&[("fields", "n,s,b,l,missing")]);
        let v = Value::Map(vec![
            ("n".into(), Value::Int64(42)),
            ("s".into(), Value::from("secret")),
            ("b".into(), Value::Boolean(true)),
            ("l".into(), Value::Array(vec![Value::Int32(1)])),
            ("keep".into(), Value::from("x")),
        ]);
        let out = t
            .apply(ConnectRecord::new("t", None, v))
            .unwrap()
            .unwrap()
            .value;
        assert_eq!(out.map_get("n"), Some(&Value::Int64(0)));
        assert_eq!(out.map_get("s"), Some(&Value::from("")));
        assert_eq!(out.map_get("b"), Some(&Value::Boolean(false)));
        assert_eq!(out.map_get("l"), Some(&Value::Array(vec![])));
        assert_eq!(out.map_get("keep"), Some(&Value::from("x")));
        assert_eq!(out.map_get("missing"), Some(&Value::Null));
    }

    #[test]
    fn struct_masks_with_replacement() {
        let mut t = configured(&[("fields", "ssn,age"), ("replacement", "99")]);
        let schema = SchemaBuilder::struct_()
            .field("ssn", SchemaBuilder::string().build())
            .field("age", SchemaBuilder::int32().build())
            .field("name", SchemaBuilder::string().build())
            .build();
        let v = Struct::new(schema.clone())
            .put("ssn", "123")
            .unwrap()
            .put("age", 30)
            .unwrap()
            .put("name", "ann")
            .unwrap();
        let out = t
            .apply(ConnectRecord::new(
                "t",
                Some(schema.clone()),
                Value::Struct(v),
            ))
            .unwrap()
            .unwrap();
        assert_eq!(out.value_schema, Some(schema));
        let s = out.value.as_struct().unwrap();
        assert_eq!(s.get("ssn"), Some(&Value::from("99")));
        assert_eq!(s.get("age"), Some(&Value::Int32(99)));
        assert_eq!(s.get("name"), Some(&Value::from("ann")));
    }

    #[test]
    fn unusable_replacement_is_a_data_error() {
        let mut t = configured(&[("fields", "a,b"), ("replacement", "abc")]);
        let v = Value::Map(vec![("a".into(), Value::Int32(1))]);
        let err = t.apply(ConnectRecord::new("t", None, v)).unwrap_err();
        assert!(
            err.message.contains("Unable to convert abc"),
            "{}",
            err.message
        );
        let v = Value::Map(vec![("b".into(), Value::Boolean(true))]);
        let err = t.apply(ConnectRecord::new("t", None, v)).unwrap_err();
        assert_eq!(
            err.message,
            "Cannot mask value of type class java.lang.Boolean with custom replacement."
        );
    }

    #[test]
    fn bad_configs() {
        let mut t = MaskField::new(Side::Value);
        let err = t.configure(&Props::new()).unwrap_err();
        assert_eq!(
            err.message,
            "Missing required configuration \"fields\" which has no default value."
        );
        let err = t.configure(&props([("fields", "")])).unwrap_err();
        assert!(err.message.contains("Empty list"));
        let err = t
            .configure(&props([("fields", "a"), ("replacement", "")]))
            .unwrap_err();
        assert!(err.message.contains("replacement"));
    }
}
