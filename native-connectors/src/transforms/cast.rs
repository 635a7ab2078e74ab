//! `org.apache.kafka.connect.transforms.Cast$Key` / `$Value`: cast top-level fields (`f:type`)
//! or the whole key/value (`type`) to a primitive type. Bytes only cast to string (base64).

use std::collections::HashMap;

use connect_api::config::ConfigValueKind;
use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, Schema, SchemaRef, SchemaType, Transformation, Validator, Value,
};

use super::common::{
    build_struct, builder_for, copy_schema_basics, field_value, java_split, java_string,
    java_type_name, logical_decimal, map_get, map_put, parse_config, replace_null_with_default_key,
    require_map, require_struct, value_type, SchemaCache, Side, REPLACE_NULL_WITH_DEFAULT_CONFIG,
};

const SPEC: &str = "spec";
const PURPOSE: &str = "cast types";

const INPUT_TYPES: [SchemaType; 9] = [
    SchemaType::Int8,
    SchemaType::Int16,
    SchemaType::Int32,
    SchemaType::Int64,
    SchemaType::Float32,
    SchemaType::Float64,
    SchemaType::Boolean,
    SchemaType::String,
    SchemaType::Bytes,
];
const OUTPUT_TYPES: [SchemaType; 8] = [
    SchemaType::Int8,
    SchemaType::Int16,
    SchemaType::Int32,
    SchemaType::Int64,
    SchemaType::Float32,
    SchemaType::Float64,
    SchemaType::Boolean,
    SchemaType::String,
];

fn type_list(types: &[SchemaType]) -> String {
    let names: Vec<&str> = types.iter().map(|t| java_type_name(*t)).collect();
    format!("[{}]", names.join(", "))
}

/// `Schema.Type.valueOf(upper-cased name)`: only the enum names, not `float`/`double`.
fn parse_type(name: &str) -> Result<SchemaType, String> {
    let upper = name.trim().to_ascii_uppercase();
    let t = [
        SchemaType::Int8,
        SchemaType::Int16,
        SchemaType::Int32,
        SchemaType::Int64,
        SchemaType::Float32,
        SchemaType::Float64,
        SchemaType::Boolean,
        SchemaType::String,
        SchemaType::Bytes,
        SchemaType::Array,
        SchemaType::Map,
        SchemaType::Struct,
    ]
    .into_iter()
    .find(|t| java_type_name(*t) == upper)
    .ok_or_else(|| format!("Invalid type found in casting spec: {}", name.trim()))?;
    if !OUTPUT_TYPES.contains(&t) {
        return Err(format!(
            "Cast transformation does not support casting to {}; supported types are {}",
            java_type_name(t),
            type_list(&OUTPUT_TYPES)
        ));
    }
    Ok(t)
}

#[derive(Debug, Clone, PartialEq)]
enum CastSpec {
    WholeValue(SchemaType),
    Fields(HashMap<String, SchemaType>),
}

fn parse_spec(mappings: &[String]) -> Result<CastSpec, String> {
    if mappings.is_empty() {
        return Err("Must specify at least one field to cast.".to_string());
    }
    let mut fields = HashMap::new();
    let mut whole = None;
    for m in mappings {
        let parts = java_split(m, ':');
        match parts.as_slice() {
            [t] => whole = Some(parse_type(t)?),
            [f, t] => {
                fields.insert(f.trim().to_string(), parse_type(t)?);
            }
            [] => whole = Some(parse_type("")?),
            _ => return Err(format!("Invalid rename mapping: {m}")),
        }
    }
    match whole {
        Some(_) if mappings.len() > 1 => Err("Cast transformations that specify a type to cast \
            the entire value to may only specify a single cast in their spec"
            .to_string()),
        Some(t) => Ok(CastSpec::WholeValue(t)),
        None => Ok(CastSpec::Fields(fields)),
    }
}

/// Java's narrowing of a `Number` to the target width.
fn from_f64(v: f64, target: SchemaType) -> Value {
    match target {
        SchemaType::Int8 => Value::Int8(v as i32 as i8),
        SchemaType::Int16 => Value::Int16(v as i32 as i16),
        SchemaType::Int32 => Value::Int32(v as i32),
        SchemaType::Int64 => Value::Int64(v as i64),
        SchemaType::Float32 => Value::Float32(v as f32),
        SchemaType::Float64 => Value::Float64(v),
        _ => Value::Boolean(v as i64 != 0),
    }
}

fn from_i64(v: i64, target: SchemaType) -> Value {
    match target {
        SchemaType::Int8 => Value::Int8(v as i8),
        SchemaType::Int16 => Value::Int16(v as i16),
        SchemaType::Int32 => Value::Int32(v as i32),
        SchemaType::Int64 => Value::Int64(v),
        SchemaType::Float32 => Value::Float32(v as f32),
        SchemaType::Float64 => Value::Float64(v as f64),
        _ => Value::Boolean(v != 0),
    }
}

fn from_str(s: &str, target: SchemaType) -> ConnectResult<Value> {
    let range = || {
        ConnectError::data(format!(
            "Value ({s}) was out of range for requested data type"
        ))
    };
    Ok(match target {
        SchemaType::Int8 => Value::Int8(s.parse().map_err(|_| range())?),
        SchemaType::Int16 => Value::Int16(s.parse().map_err(|_| range())?),
        SchemaType::Int32 => Value::Int32(s.parse().map_err(|_| range())?),
        SchemaType::Int64 => Value::Int64(s.parse().map_err(|_| range())?),
        SchemaType::Float32 => Value::Float32(s.trim().parse().map_err(|_| range())?),
        SchemaType::Float64 => Value::Float64(s.trim().parse().map_err(|_| range())?),
        SchemaType::Boolean => Value::Boolean(s.eq_ignore_ascii_case("true")),
        _ => Value::String(s.to_string()),
    })
}

fn cast_value(schema: Option<&Schema>, value: &Value, target: SchemaType) -> ConnectResult<Value> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let input = match schema {
        Some(s) => s.schema_type,
        None => value_type(value).ok_or_else(|| {
            ConnectError::data("Cast transformation was passed a null value".to_string())
        })?,
    };
    if !INPUT_TYPES.contains(&input) {
        return Err(ConnectError::data(format!(
            "Cast transformation does not support casting from {}; supported types are {}",
            java_type_name(input),
            type_list(&INPUT_TYPES)
        )));
    }
    if target == SchemaType::String {
        return Ok(Value::String(java_string(schema, value)));
    }
    // Logical decimals are numbers in Java, so they narrow like any other Number.
    if let Some(text) = logical_decimal(schema, value) {
        let d: f64 = text.parse().map_err(|_| {
            ConnectError::data(format!(
                "Value ({text}) was out of range for requested data type"
            ))
        })?;
        return Ok(match target {
            SchemaType::Int64 | SchemaType::Int32 | SchemaType::Int16 | SchemaType::Int8 => {
                let int_part = text.split('.').next().unwrap_or("0");
                match int_part.parse::<i64>() {
                    Ok(i) => from_i64(i, target),
                    Err(_) => from_f64(d, target),
                }
            }
            _ => from_f64(d, target),
        });
    }
    match value {
        Value::Int8(v) => Ok(from_i64(i64::from(*v), target)),
        Value::Int16(v) => Ok(from_i64(i64::from(*v), target)),
        Value::Int32(v) => Ok(from_i64(i64::from(*v), target)),
        Value::Int64(v) => Ok(from_i64(*v, target)),
        Value::Float32(v) => Ok(match target {
            SchemaType::Float32 => Value::Float32(*v),
            _ => from_f64(f64::from(*v), target),
        }),
        Value::Float64(v) => Ok(from_f64(*v, target)),
        Value::Boolean(b) => Ok(from_i64(i64::from(*b), target)),
        Value::String(s) => from_str(s, target),
        other => Err(ConnectError::data(format!(
            "Unexpected type in Cast transformation: class {}",
            other.type_name()
        ))),
    }
}

pub struct Cast {
    side: Side,
    spec: CastSpec,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl Cast {
    pub fn new(side: Side) -> Self {
        Cast {
            side,
            spec: CastSpec::Fields(HashMap::new()),
            replace_null_with_default: true,
            cache: SchemaCache::default(),
        }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new(
                    SPEC,
                    ConfigType::List,
                    Importance::High,
                    "List of fields and the type to cast them to of the form field1:type,field2:type \
                     to cast fields of Maps or Structs. A single type to cast the entire value. \
                     Valid types are int8, int16, int32, int64, float32, float64, boolean, and \
                     string. Note that binary fields can only be cast to string.",
                )
                .validator(Validator::custom(
                    "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>",
                    |_, v| match v {
                        ConfigValueKind::List(l) => parse_spec(l).map(|_| ()),
                        _ => Ok(()),
                    },
                )),
            )
            .define(replace_null_with_default_key())
    }

    fn updated_schema(&self, schema: &Schema) -> ConnectResult<SchemaRef> {
        let mut b = match &self.spec {
            CastSpec::WholeValue(t) => copy_schema_basics(schema, builder_for(*t)),
            CastSpec::Fields(casts) => {
                let mut b = copy_schema_basics(schema, connect_api::SchemaBuilder::struct_());
                for f in &schema.fields {
                    match casts.get(&f.name) {
                        Some(t) => {
                            let mut fb = builder_for(*t);
                            if f.schema.optional {
                                fb = fb.optional();
                            }
                            if let Some(d) = &f.schema.default_value {
                                fb = fb.default_value(cast_value(Some(&f.schema), d, *t)?);
                            }
                            b = b.field(f.name.clone(), fb.build());
                        }
                        None => b = b.field(f.name.clone(), f.schema.clone()),
                    }
                }
                b
            }
        };
        if schema.optional {
            b = b.optional();
        }
        if let (Some(d), CastSpec::WholeValue(t)) = (&schema.default_value, &self.spec) {
            b = b.default_value(cast_value(Some(schema), d, *t)?);
        }
        Ok(b.build())
    }
}

impl Transformation for Cast {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.spec = parse_spec(&c.list(SPEC)).map_err(ConnectError::config)?;
        self.replace_null_with_default =
            c.boolean(REPLACE_NULL_WITH_DEFAULT_CONFIG).unwrap_or(true);
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
                let out = match &self.spec {
                    CastSpec::WholeValue(t) => cast_value(None, value, *t)?,
                    CastSpec::Fields(casts) => {
                        let original = require_map(value, PURPOSE)?;
                        let mut entries = original.to_vec();
                        for (name, t) in casts {
                            let current = map_get(original, name).cloned().unwrap_or(Value::Null);
                            map_put(&mut entries, name, cast_value(None, &current, *t)?);
                        }
                        Value::Map(entries)
                    }
                };
                self.side.put(&mut record, None, out);
            }
            Some(schema) => {
                let updated = match self.cache.get(&schema) {
                    Some(u) => u,
                    None => {
                        let u = self.updated_schema(&schema)?;
                        self.cache.put(schema.clone(), u.clone());
                        u
                    }
                };
                let out = match &self.spec {
                    CastSpec::WholeValue(t) => cast_value(Some(&schema), value, *t)?,
                    CastSpec::Fields(casts) => {
                        let original = require_struct(value, PURPOSE)?;
                        let mut values = Vec::with_capacity(original.schema.fields.len());
                        for f in &original.schema.fields {
                            let v = field_value(original, &f.name, self.replace_null_with_default);
                            let v = match casts.get(&f.name) {
                                Some(t) => cast_value(Some(&f.schema), &v, *t)?,
                                None => v,
                            };
                            values.push((f.name.clone(), v));
                        }
                        Value::Struct(build_struct(&updated, values)?)
                    }
                };
                self.side.put(&mut record, Some(updated), out);
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;
    use connect_api::data::{decimal_to_bytes, primitive_schema};
    use connect_api::{SchemaBuilder, Struct};

    fn configured(side: Side, spec: &str) -> Cast {
        let mut t = Cast::new(side);
        t.configure(&props([("spec", spec)])).unwrap();
        t
    }

    #[test]
    fn whole_value_cast_with_schema() {
        let mut t = configured(Side::Key, "int32");
        let r = ConnectRecord::new("t", None, Value::Null).with_key(
            Some(primitive_schema(SchemaType::Int64, true)),
            Value::Int64(42),
        );
        let out = t.apply(r).unwrap().unwrap();
        assert_eq!(out.key, Value::Int32(42));
        let ks = out.key_schema.unwrap();
        assert_eq!(ks.schema_type, SchemaType::Int32);
        assert!(ks.optional);
    }

    #[test]
    fn schemaless_field_casts() {
        let mut t = configured(Side::Value, "a:string,b:int8,c:boolean,d:float64,e:string");
        let v = Value::Map(vec![
            ("a".into(), Value::Float64(1.0)),
            ("b".into(), Value::from("12")),
            ("c".into(), Value::Int32(0)),
            ("d".into(), Value::Int64(3)),
            ("e".into(), Value::Bytes(b"hi".to_vec())),
        ]);
        let out = t
            .apply(ConnectRecord::new("t", None, v))
            .unwrap()
            .unwrap()
            .value;
        assert_eq!(out.map_get("a"), Some(&Value::from("1.0")));
        assert_eq!(out.map_get("b"), Some(&Value::Int8(12)));
        assert_eq!(out.map_get("c"), Some(&Value::Boolean(false)));
        assert_eq!(out.map_get("d"), Some(&Value::Float64(3.0)));
        assert_eq!(out.map_get("e"), Some(&Value::from("aGk=")));
    }

    #[test]
    fn struct_field_casts_update_schema_and_defaults() {
        let mut t = configured(Side::Value, "n:string,big:int8,dec:float64");
        let schema = SchemaBuilder::struct_()
            .field(
                "n",
                SchemaBuilder::int32()
                    .optional()
                    .default_value(Value::Int32(7))
                    .build(),
            )
            .field("big", SchemaBuilder::int32().build())
            .field("dec", SchemaBuilder::decimal(2).build())
            .field("other", SchemaBuilder::string().build())
            .build();
        let v = Struct::new(schema.clone())
            .put("big", 300)
            .unwrap()
            .put("dec", Value::Bytes(decimal_to_bytes("12.34", 2).unwrap()))
            .unwrap()
            .put("other", "x")
            .unwrap();
        let out = t
            .apply(ConnectRecord::new("t", Some(schema), Value::Struct(v)))
            .unwrap()
            .unwrap();
        let s = out.value_schema.unwrap();
        let n = &s.field("n").unwrap().schema;
        assert_eq!(n.schema_type, SchemaType::String);
        assert!(n.optional);
        assert_eq!(n.default_value, Some(Value::from("7")));
        let st = out.value.as_struct().unwrap();
        assert_eq!(st.get("n"), Some(&Value::from("7")));
        // Java's byteValue() wraps.
        assert_eq!(st.get("big"), Some(&Value::Int8(44)));
        assert_eq!(st.get("dec"), Some(&Value::Float64(12.34)));
        assert_eq!(st.get("other"), Some(&Value::from("x")));
    }

    #[test]
    fn bad_values_are_data_errors() {
        let mut t = configured(Side::Value, "int16");
        let err = t
            .apply(ConnectRecord::new("t", None, Value::from("70000")))
            .unwrap_err();
        assert_eq!(
            err.message,
            "Value (70000) was out of range for requested data type"
        );
        let err = t
            .apply(ConnectRecord::new("t", None, Value::Array(vec![])))
            .unwrap_err();
        assert!(err.message.contains("does not support casting from ARRAY"));
    }

    #[test]
    fn bad_specs() {
        let mut t = Cast::new(Side::Value);
        let err = t.configure(&Props::new()).unwrap_err();
        assert!(err.message.contains("\"spec\""));
        let err = t.configure(&props([("spec", "a:bytes")])).unwrap_err();
        assert!(
            err.message.contains("does not support casting to BYTES"),
            "{}",
            err.message
        );
        let err = t.configure(&props([("spec", "a:float")])).unwrap_err();
        assert!(err
            .message
            .contains("Invalid type found in casting spec: float"));
        let err = t.configure(&props([("spec", "int8,a:int16")])).unwrap_err();
        assert!(err.message.contains("may only specify a single cast"));
        let err = t.configure(&props([("spec", "")])).unwrap_err();
        assert!(err
            .message
            .contains("Must specify at least one field to cast."));
    }
}
