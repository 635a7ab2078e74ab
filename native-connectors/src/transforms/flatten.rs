//! `org.apache.kafka.connect.transforms.Flatten$Key` / `$Value`: lift nested struct/map
//! fields to the top level, joining names with `delimiter`. Arrays are left as they are.

use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, Schema, SchemaBuilder, SchemaRef, SchemaType, Struct, Transformation, Value,
};

use super::common::{
    build_struct, copy_schema_basics, java_type_name, parse_config, require_map, require_struct,
    SchemaCache, Side,
};

const DELIMITER: &str = "delimiter";
const PURPOSE: &str = "flattening";

pub struct Flatten {
    side: Side,
    delimiter: String,
    cache: SchemaCache,
}

impl Flatten {
    pub fn new(side: Side) -> Self {
        Flatten {
            side,
            delimiter: ".".to_string(),
            cache: SchemaCache::default(),
        }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new(
                DELIMITER,
                ConfigType::String,
                Importance::Medium,
                "Delimiter to insert between field names from the input record when generating \
                 field names for the output record",
            )
            .default_value("."),
        )
    }

    fn name(&self, prefix: &str, field: &str) -> String {
        if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}{}{field}", self.delimiter)
        }
    }

    fn flatten_map(
        &self,
        entries: &[(Value, Value)],
        prefix: &str,
        out: &mut Vec<(Value, Value)>,
    ) -> ConnectResult<()> {
        for (k, v) in entries {
            let key = match k {
                Value::String(s) => s.clone(),
                other => format!("{other:?}"),
            };
            let name = self.name(prefix, &key);
            match v {
                Value::Map(inner) => self.flatten_map(inner, &name, out)?,
                Value::Struct(_) => {
                    return Err(ConnectError::data(format!(
                        "Flatten transformation does not support class {} for record without schemas (for field {name}).",
                        v.type_name()
                    )))
                }
                _ => out.push((Value::String(name), v.clone())),
            }
        }
        Ok(())
    }

    /// Mirrors Kafka: a field is optional when any ancestor is, and inherits a default
    /// from its ancestors' struct defaults when it has none of its own.
    fn flatten_schema(
        &self,
        schema: &Schema,
        prefix: &str,
        mut b: SchemaBuilder,
        optional: bool,
        parent_default: Option<&Struct>,
    ) -> ConnectResult<SchemaBuilder> {
        for f in &schema.fields {
            let name = self.name(prefix, &f.name);
            let field_optional = optional || f.schema.optional;
            let default = f
                .schema
                .default_value
                .clone()
                .or_else(|| parent_default.and_then(|d| d.get(&f.name).cloned()))
                .filter(|v| !v.is_null());
            match f.schema.schema_type {
                SchemaType::Struct => {
                    let d = match &default {
                        Some(Value::Struct(s)) => Some(s),
                        _ => None,
                    };
                    b = self.flatten_schema(&f.schema, &name, b, field_optional, d)?;
                }
                SchemaType::Map => {
                    return Err(ConnectError::data(format!(
                        "Flatten transformation does not support {} for record with schemas (for field {name}).",
                        java_type_name(SchemaType::Map)
                    )))
                }
                t => {
                    let mut fb = copy_schema_basics(
                        &f.schema,
                        match (&f.schema.value_schema, t) {
                            (Some(vs), SchemaType::Array) => SchemaBuilder::array(vs.clone()),
                            _ => SchemaBuilder::new(t),
                        },
                    );
                    if field_optional {
                        fb = fb.optional();
                    }
                    if let Some(d) = default {
                        fb = fb.default_value(d);
                    }
                    b = b.field(name, fb.build());
                }
            }
        }
        Ok(b)
    }

    fn flatten_struct(&self, s: &Struct, prefix: &str, out: &mut Vec<(String, Value)>) {
        for f in &s.schema.fields {
            let name = self.name(prefix, &f.name);
            let v = s.get(&f.name).cloned().unwrap_or(Value::Null);
            match (f.schema.schema_type, v) {
                (SchemaType::Struct, Value::Struct(inner)) => {
                    self.flatten_struct(&inner, &name, out)
                }
                (SchemaType::Struct, _) => {}
                (_, v) => out.push((name, v)),
            }
        }
    }

    fn updated_schema(&self, schema: &Schema) -> ConnectResult<SchemaRef> {
        let default = match &schema.default_value {
            Some(Value::Struct(s)) => Some(s),
            _ => None,
        };
        let b = copy_schema_basics(schema, SchemaBuilder::struct_());
        Ok(self
            .flatten_schema(schema, "", b, schema.optional, default)?
            .build())
    }
}

impl Transformation for Flatten {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.delimiter = c.string(DELIMITER).unwrap_or_else(|| ".".to_string());
        self.cache = SchemaCache::default();
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
                let entries = require_map(value, PURPOSE)?;
                let mut out = Vec::new();
                self.flatten_map(entries, "", &mut out)?;
                self.side.put(&mut record, None, Value::Map(out));
            }
            Some(schema) => {
                let original = require_struct(value, PURPOSE)?;
                let updated = match self.cache.get(&schema) {
                    Some(u) => u,
                    None => {
                        let u = self.updated_schema(&schema)?;
                        self.cache.put(schema.clone(), u.clone());
                        u
                    }
                };
                let mut values = Vec::new();
                self.flatten_struct(original, "", &mut values);
                let s = build_struct(&updated, values)?;
                self.side.put(&mut record, Some(updated), Value::Struct(s));
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;

    #[test]
    fn schemaless_nested_maps() {
        let mut t = Flatten::new(Side::Value);
        t.configure(&props([("delimiter", "_")])).unwrap();
        let v = Value::Map(vec![
            ("a".into(), Value::Map(vec![("b".into(), Value::Int32(1))])),
            ("l".into(), Value::Array(vec![Value::Int32(2)])),
        ]);
        let out = t.apply(ConnectRecord::new("t", None, v)).unwrap().unwrap();
        assert_eq!(
            out.value,
            Value::Map(vec![
                ("a_b".into(), Value::Int32(1)),
                ("l".into(), Value::Array(vec![Value::Int32(2)])),
            ])
        );
    }

    #[test]
    fn struct_flattening_propagates_optionality() {
        let inner = SchemaBuilder::struct_()
            .optional()
            .field("x", SchemaBuilder::int32().build())
            .build();
        let schema = SchemaBuilder::struct_()
            .field("id", SchemaBuilder::int64().build())
            .field("pos", inner.clone())
            .build();
        let v = Struct::new(schema.clone())
            .put("id", 1i64)
            .unwrap()
            .put(
                "pos",
                Value::Struct(Struct::new(inner).put("x", 5).unwrap()),
            )
            .unwrap();
        let mut t = Flatten::new(Side::Value);
        t.configure(&Props::new()).unwrap();
        let out = t
            .apply(ConnectRecord::new("t", Some(schema), Value::Struct(v)))
            .unwrap()
            .unwrap();
        let s = out.value_schema.unwrap();
        let names: Vec<&str> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "pos.x"]);
        assert!(s.field("pos.x").unwrap().schema.optional);
        assert_eq!(
            out.value.as_struct().unwrap().get("pos.x"),
            Some(&Value::Int32(5))
        );
    }

    #[test]
    fn map_fields_with_schema_are_rejected() {
        let schema = SchemaBuilder::struct_()
            .field(
                "m",
                SchemaBuilder::map(
                    SchemaBuilder::string().build(),
                    SchemaBuilder::string().build(),
                )
                .build(),
            )
            .build();
        let v = Struct::new(schema.clone())
            .put("m", Value::Map(vec![]))
            .unwrap();
        let mut t = Flatten::new(Side::Value);
        t.configure(&Props::new()).unwrap();
        let err = t
            .apply(ConnectRecord::new("t", Some(schema), Value::Struct(v)))
            .unwrap_err();
        assert!(
            err.message.contains("does not support MAP"),
            "{}",
            err.message
        );
    }
}
