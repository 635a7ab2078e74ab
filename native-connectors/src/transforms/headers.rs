//! Header SMTs: `InsertHeader`, `DropHeaders` and `HeaderFrom$Key` / `$Value`.

use std::collections::HashSet;

use connect_api::data::primitive_schema;
use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Headers,
    Importance, Props, SchemaBuilder, SchemaRef, SchemaType, Transformation, Validator, Value,
};

use super::common::{
    build_struct, copy_schema_basics, field_value, map_get, map_remove, non_empty_list_validator,
    parse_config, replace_null_with_default_key, require_map, require_struct, SchemaCache, Side,
    REPLACE_NULL_WITH_DEFAULT_CONFIG,
};

const HEADER: &str = "header";
const VALUE_LITERAL: &str = "value.literal";
const HEADERS: &str = "headers";
const FIELDS: &str = "fields";
const OPERATION: &str = "operation";

/// A simplified `Values.parseString`: `true`/`false` become booleans, integral numbers the
/// narrowest of int8..int64, other finite numbers float32 (or float64 when float32
/// overflows), `null` a null value, and everything else (including arrays, maps and ISO
/// dates, which Kafka would also parse) a string.
pub fn parse_literal(text: &str) -> (Option<SchemaRef>, Value) {
    let string = || {
        (
            Some(primitive_schema(SchemaType::String, false)),
            Value::String(text.to_string()),
        )
    };
    let trimmed = text.trim();
    match trimmed {
        "" => return string(),
        "null" => return (None, Value::Null),
        "true" => {
            return (
                Some(primitive_schema(SchemaType::Boolean, false)),
                Value::Boolean(true),
            )
        }
        "false" => {
            return (
                Some(primitive_schema(SchemaType::Boolean, false)),
                Value::Boolean(false),
            )
        }
        _ => {}
    }
    let first = trimmed.chars().next().unwrap_or(' ');
    let numeric_shape = (first.is_ascii_digit() || first == '+' || first == '-')
        && trimmed
            .chars()
            .skip(1)
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !numeric_shape {
        return string();
    }
    if let Ok(i) = trimmed.parse::<i64>() {
        let t = if i8::try_from(i).is_ok() {
            (SchemaType::Int8, Value::Int8(i as i8))
        } else if i16::try_from(i).is_ok() {
            (SchemaType::Int16, Value::Int16(i as i16))
        } else if i32::try_from(i).is_ok() {
            (SchemaType::Int32, Value::Int32(i as i32))
        } else {
            (SchemaType::Int64, Value::Int64(i))
        };
        return (Some(primitive_schema(t.0, false)), t.1);
    }
    match trimmed.parse::<f64>() {
        Ok(d) if d.is_finite() => {
            if d.fract() == 0.0 && d.abs() < 9.2e18 {
                return parse_literal(&format!("{}", d as i64));
            }
            let f = d as f32;
            if f.is_finite() {
                (
                    Some(primitive_schema(SchemaType::Float32, false)),
                    Value::Float32(f),
                )
            } else {
                (
                    Some(primitive_schema(SchemaType::Float64, false)),
                    Value::Float64(d),
                )
            }
        }
        _ => string(),
    }
}

/// Adds one header with a fixed value to every record.
#[derive(Default)]
pub struct InsertHeader {
    header: String,
    literal: Option<(Option<SchemaRef>, Value)>,
}

impl InsertHeader {
    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new(
                    HEADER,
                    ConfigType::String,
                    Importance::High,
                    "The name of the header.",
                )
                .validator(Validator::NonNull),
            )
            .define(
                ConfigKey::new(
                    VALUE_LITERAL,
                    ConfigType::String,
                    Importance::High,
                    "The literal value that is to be set as the header value on all records.",
                )
                .validator(Validator::NonNull),
            )
    }
}

impl Transformation for InsertHeader {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.header = c.string(HEADER).unwrap_or_default();
        self.literal = Some(parse_literal(&c.string(VALUE_LITERAL).unwrap_or_default()));
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let (schema, value) = self
            .literal
            .clone()
            .ok_or_else(|| ConnectError::connect("InsertHeader used before configure"))?;
        record.headers.add(self.header.clone(), schema, value);
        Ok(Some(record))
    }
}

/// Removes every header whose key is listed.
#[derive(Default)]
pub struct DropHeaders {
    headers: HashSet<String>,
}

impl DropHeaders {
    pub fn config_def() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new(
                HEADERS,
                ConfigType::List,
                Importance::High,
                "The name of the headers to be removed.",
            )
            .validator(non_empty_list_validator()),
        )
    }
}

impl Transformation for DropHeaders {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.headers = c.list(HEADERS).into_iter().collect();
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let kept: Headers = record
            .headers
            .iter()
            .filter(|h| !self.headers.contains(&h.key))
            .cloned()
            .collect();
        record.headers = kept;
        Ok(Some(record))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Move,
    Copy,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Move => "move",
            Operation::Copy => "copy",
        }
    }
}

/// Copies or moves fields of the key or value into headers.
pub struct HeaderFrom {
    side: Side,
    fields: Vec<String>,
    headers: Vec<String>,
    operation: Operation,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl HeaderFrom {
    pub fn new(side: Side) -> Self {
        HeaderFrom {
            side,
            fields: Vec::new(),
            headers: Vec::new(),
            operation: Operation::Copy,
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
                    "Field names in the record whose values are to be copied or moved to headers.",
                )
                .validator(non_empty_list_validator()),
            )
            .define(
                ConfigKey::new(
                    HEADERS,
                    ConfigType::List,
                    Importance::High,
                    "Header names, in the same order as the field names listed in the fields \
                     configuration property.",
                )
                .validator(non_empty_list_validator()),
            )
            .define(
                ConfigKey::new(
                    OPERATION,
                    ConfigType::String,
                    Importance::High,
                    "Either <code>move</code> if the fields are to be moved to the headers (removed \
                     from the key/value), or <code>copy</code> if the fields are to be copied to \
                     the headers (retained in the key/value).",
                )
                .validator(Validator::one_of(&["move", "copy"])),
            )
            .define(replace_null_with_default_key())
    }
}

impl Transformation for HeaderFrom {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.fields = c.list(FIELDS);
        self.headers = c.list(HEADERS);
        if self.fields.len() != self.headers.len() {
            return Err(ConnectError::config(format!(
                "'{FIELDS}' config must have the same number of elements as '{HEADERS}' config."
            )));
        }
        self.operation = match c.string(OPERATION).as_deref() {
            Some("move") => Operation::Move,
            _ => Operation::Copy,
        };
        self.replace_null_with_default =
            c.boolean(REPLACE_NULL_WITH_DEFAULT_CONFIG).unwrap_or(true);
        self.cache = SchemaCache::default();
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let purpose = format!("header {}", self.operation.name());
        let value = self.side.value(&record);
        match self.side.schema(&record).cloned() {
            None => {
                let original = require_map(value, &purpose)?;
                let mut entries = original.to_vec();
                let mut added = Vec::new();
                for (field, header) in self.fields.iter().zip(&self.headers) {
                    added.push((
                        header.clone(),
                        map_get(original, field).cloned().unwrap_or(Value::Null),
                    ));
                    if self.operation == Operation::Move {
                        map_remove(&mut entries, field);
                    }
                }
                for (h, v) in added {
                    record.headers.add(h, None, v);
                }
                self.side.put(&mut record, None, Value::Map(entries));
            }
            Some(schema) => {
                let original = require_struct(value, &purpose)?.clone();
                let mut added = Vec::new();
                for (field, header) in self.fields.iter().zip(&self.headers) {
                    let f = schema.field(field).ok_or_else(|| {
                        ConnectError::data(format!("{field} is not a valid field name"))
                    })?;
                    added.push((
                        header.clone(),
                        f.schema.clone(),
                        field_value(&original, field, self.replace_null_with_default),
                    ));
                }
                let (updated_schema, updated_value) = if self.operation == Operation::Move {
                    let updated = match self.cache.get(&schema) {
                        Some(u) => u,
                        None => {
                            let mut b = copy_schema_basics(&schema, SchemaBuilder::struct_());
                            for f in &schema.fields {
                                if !self.fields.contains(&f.name) {
                                    b = b.field(f.name.clone(), f.schema.clone());
                                }
                            }
                            let u = b.build();
                            self.cache.put(schema.clone(), u.clone());
                            u
                        }
                    };
                    let values: Vec<(String, Value)> = updated
                        .fields
                        .iter()
                        .map(|f| {
                            (
                                f.name.clone(),
                                field_value(&original, &f.name, self.replace_null_with_default),
                            )
                        })
                        .collect();
                    let s = build_struct(&updated, values)?;
                    (updated, Value::Struct(s))
                } else {
                    (schema.clone(), Value::Struct(original))
                };
                for (h, s, v) in added {
                    record.headers.add(h, Some(s), v);
                }
                self.side
                    .put(&mut record, Some(updated_schema), updated_value);
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;
    use connect_api::Struct;

    #[test]
    fn literal_parsing() {
        assert_eq!(parse_literal("42").1, Value::Int8(42));
        assert_eq!(parse_literal("1000").1, Value::Int16(1000));
        assert_eq!(parse_literal("-70000").1, Value::Int32(-70000));
        assert_eq!(parse_literal("5000000000").1, Value::Int64(5_000_000_000));
        assert_eq!(parse_literal("1.5").1, Value::Float32(1.5));
        assert_eq!(parse_literal("2.0").1, Value::Int8(2));
        assert_eq!(parse_literal("true").1, Value::Boolean(true));
        assert_eq!(parse_literal("null"), (None, Value::Null));
        let (s, v) = parse_literal("hello world");
        assert_eq!(s.unwrap().schema_type, SchemaType::String);
        assert_eq!(v, Value::from("hello world"));
        assert_eq!(parse_literal("12abc").1, Value::from("12abc"));
        assert_eq!(parse_literal("").1, Value::from(""));
    }

    #[test]
    fn insert_header_adds_a_header() {
        let mut t = InsertHeader::default();
        t.configure(&props([("header", "source"), ("value.literal", "db1")]))
            .unwrap();
        let mut r = ConnectRecord::new("t", None, Value::Null);
        r.headers.add_string("source", "old");
        let out = t.apply(r).unwrap().unwrap();
        assert_eq!(out.headers.len(), 2);
        assert_eq!(
            out.headers.last_with_name("source").unwrap().value,
            Value::from("db1")
        );
        let err = InsertHeader::default()
            .configure(&props([("header", "x")]))
            .unwrap_err();
        assert!(err.message.contains("\"value.literal\""));
    }

    #[test]
    fn drop_headers_removes_all_occurrences() {
        let mut t = DropHeaders::default();
        t.configure(&props([("headers", "a,b")])).unwrap();
        let mut r = ConnectRecord::new("t", None, Value::Null);
        r.headers.add_string("a", "1");
        r.headers.add_string("c", "2");
        r.headers.add_string("a", "3");
        let out = t.apply(r).unwrap().unwrap();
        let keys: Vec<&str> = out.headers.iter().map(|h| h.key.as_str()).collect();
        assert_eq!(keys, ["c"]);
        assert!(DropHeaders::default().configure(&Props::new()).is_err());
    }

    #[test]
    fn header_from_schemaless_move() {
        let mut t = HeaderFrom::new(Side::Value);
        t.configure(&props([
            ("fields", "a,b"),
            ("headers", "ha,hb"),
            ("operation", "move"),
        ]))
        .unwrap();
        let v = Value::Map(vec![
            ("a".into(), Value::Int32(1)),
            ("c".into(), Value::Int32(3)),
        ]);
        let out = t.apply(ConnectRecord::new("t", None, v)).unwrap().unwrap();
        assert_eq!(out.value, Value::Map(vec![("c".into(), Value::Int32(3))]));
        assert_eq!(
            out.headers.last_with_name("ha").unwrap().value,
            Value::Int32(1)
        );
        assert_eq!(out.headers.last_with_name("hb").unwrap().value, Value::Null);
    }

    #[test]
    fn header_from_struct_copy_and_move() {
        let schema = SchemaBuilder::struct_()
            .field("id", SchemaBuilder::int32().build())
            .field("name", SchemaBuilder::string().build())
            .build();
        let v = Struct::new(schema.clone())
            .put("id", 1)
            .unwrap()
            .put("name", "n")
            .unwrap();
        let rec = ConnectRecord::new("t", Some(schema.clone()), Value::Struct(v));

        let mut copy = HeaderFrom::new(Side::Value);
        copy.configure(&props([
            ("fields", "id"),
            ("headers", "h"),
            ("operation", "copy"),
        ]))
        .unwrap();
        let out = copy.apply(rec.clone()).unwrap().unwrap();
        assert_eq!(out.value_schema, Some(schema));
        let h = out.headers.last_with_name("h").unwrap();
        assert_eq!(h.value, Value::Int32(1));
        assert_eq!(h.schema.as_ref().unwrap().schema_type, SchemaType::Int32);

        let mut mv = HeaderFrom::new(Side::Value);
        mv.configure(&props([
            ("fields", "id"),
            ("headers", "h"),
            ("operation", "move"),
        ]))
        .unwrap();
        let out = mv.apply(rec).unwrap().unwrap();
        assert_eq!(out.value_schema.unwrap().fields.len(), 1);
        assert_eq!(
            out.value.as_struct().unwrap().get("name"),
            Some(&Value::from("n"))
        );
    }

    #[test]
    fn header_from_bad_configs() {
        let mut t = HeaderFrom::new(Side::Key);
        let err = t
            .configure(&props([
                ("fields", "a,b"),
                ("headers", "h"),
                ("operation", "copy"),
            ]))
            .unwrap_err();
        assert_eq!(
            err.message,
            "'fields' config must have the same number of elements as 'headers' config."
        );
        let err = t
            .configure(&props([
                ("fields", "a"),
                ("headers", "h"),
                ("operation", "cut"),
            ]))
            .unwrap_err();
        assert!(err.message.contains("String must be one of: move, copy"));
        let err = t
            .configure(&props([("fields", "a"), ("headers", "h")]))
            .unwrap_err();
        assert!(err.message.contains("\"operation\""));
    }
}
