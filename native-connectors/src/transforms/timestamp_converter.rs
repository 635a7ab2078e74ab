//! `org.apache.kafka.connect.transforms.TimestampConverter$Key` / `$Value`: convert a field
//! (or the whole key/value) between unix epoch numbers, formatted strings and Connect's
//! Date/Time/Timestamp logical types. All formatting and parsing is in UTC.
//!
//! Schemaless records have no `java.util.Date`: a schemaless Date/Time/Timestamp result is
//! emitted in its physical form (int32 days, int32 millis of day, int64 epoch millis), and
//! schemaless input is read as unix (int64) or string only.

use connect_api::data::primitive_schema;
use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, Schema, SchemaBuilder, SchemaRef, SchemaType, Transformation, Validator, Value,
};

use super::common::{
    build_struct, copy_schema_basics, field_value, logical_millis, map_get, map_put, parse_config,
    replace_null_with_default_key, require_map, require_struct, SchemaCache, Side, MILLIS_PER_DAY,
    REPLACE_NULL_WITH_DEFAULT_CONFIG,
};
use super::sdf::SimpleDateFormat;

const FIELD: &str = "field";
const TARGET_TYPE: &str = "target.type";
const FORMAT: &str = "format";
const UNIX_PRECISION: &str = "unix.precision";
const PURPOSE: &str = "converting timestamp formats";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Unix,
    Date,
    Time,
    Timestamp,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "string" => Kind::String,
            "unix" => Kind::Unix,
            "Date" => Kind::Date,
            "Time" => Kind::Time,
            "Timestamp" => Kind::Timestamp,
            _ => return None,
        })
    }

    fn schema(self, optional: bool) -> SchemaRef {
        let b = match self {
            Kind::String => return primitive_schema(SchemaType::String, optional),
            Kind::Unix => return primitive_schema(SchemaType::Int64, optional),
            Kind::Date => SchemaBuilder::date(),
            Kind::Time => SchemaBuilder::time(),
            Kind::Timestamp => SchemaBuilder::timestamp(),
        };
        if optional { b.optional() } else { b }.build()
    }

    fn of_schema(schema: &Schema) -> ConnectResult<Kind> {
        use connect_api::data::{DATE_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME, TIME_LOGICAL_NAME};
        match schema.name.as_deref() {
            Some(TIMESTAMP_LOGICAL_NAME) => return Ok(Kind::Timestamp),
            Some(DATE_LOGICAL_NAME) => return Ok(Kind::Date),
            Some(TIME_LOGICAL_NAME) => return Ok(Kind::Time),
            _ => {}
        }
        match schema.schema_type {
            SchemaType::String => Ok(Kind::String),
            SchemaType::Int64 => Ok(Kind::Unix),
            _ => Err(ConnectError::connect(format!(
                "Schema {schema} does not correspond to a known timestamp type format"
            ))),
        }
    }
}

pub struct TimestampConverter {
    side: Side,
    field: String,
    target: Kind,
    format: Option<SimpleDateFormat>,
    precision: String,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl TimestampConverter {
    pub fn new(side: Side) -> Self {
        TimestampConverter {
            side,
            field: String::new(),
            target: Kind::Timestamp,
            format: None,
            precision: "milliseconds".to_string(),
            replace_null_with_default: true,
            cache: SchemaCache::default(),
        }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new(
                    FIELD,
                    ConfigType::String,
                    Importance::High,
                    "The field containing the timestamp, or empty if the entire value is a timestamp",
                )
                .default_value(""),
            )
            .define(
                ConfigKey::new(
                    TARGET_TYPE,
                    ConfigType::String,
                    Importance::High,
                    "The desired timestamp representation: string, unix, Date, Time, or Timestamp",
                )
                .validator(Validator::one_of(&[
                    "string",
                    "unix",
                    "Date",
                    "Time",
                    "Timestamp",
                ])),
            )
            .define(
                ConfigKey::new(
                    FORMAT,
                    ConfigType::String,
                    Importance::Medium,
                    "A SimpleDateFormat-compatible format for the timestamp. Used to generate the \
                     output when type=string or used to parse the input if the input is a \
                     string.",
                )
                .default_value(""),
            )
            .define(
                ConfigKey::new(
                    UNIX_PRECISION,
                    ConfigType::String,
                    Importance::Low,
                    "The desired Unix precision for the timestamp: seconds, milliseconds, \
                     microseconds, or nanoseconds. Used to generate the output when type=unix or \
                     used to parse the input if the input is a Long.Note: This SMT will cause \
                     precision loss during conversions from, and to, values with sub-millisecond \
                     components.",
                )
                .default_value("milliseconds")
                .validator(Validator::one_of(&[
                    "nanoseconds",
                    "microseconds",
                    "milliseconds",
                    "seconds",
                ])),
            )
            .define(replace_null_with_default_key())
    }

    /// Converts to epoch millis from the given source representation.
    fn to_raw(
        &self,
        kind: Kind,
        schema_physical: Option<&Schema>,
        v: &Value,
    ) -> ConnectResult<i64> {
        match kind {
            Kind::String => {
                let s = v.as_str().ok_or_else(|| {
                    ConnectError::data(format!(
                        "Expected string timestamp to be a String, but found class {}",
                        v.type_name()
                    ))
                })?;
                let fmt = self.format.as_ref().ok_or_else(|| {
                    ConnectError::data(
                        "TimestampConverter requires format option to be specified when using string timestamps",
                    )
                })?;
                fmt.parse(s).ok_or_else(|| {
                    ConnectError::data(format!(
                        "Could not parse timestamp: value ({s}) does not match pattern ({})",
                        fmt.pattern()
                    ))
                })
            }
            Kind::Unix => {
                let Value::Int64(n) = v else {
                    return Err(ConnectError::data(format!(
                        "Expected Unix timestamp to be a Long, but found class {}",
                        v.type_name()
                    )));
                };
                Ok(match self.precision.as_str() {
                    "seconds" => n.saturating_mul(1000),
                    "microseconds" => n / 1000,
                    "nanoseconds" => n / 1_000_000,
                    _ => *n,
                })
            }
            Kind::Date | Kind::Time | Kind::Timestamp => logical_millis(schema_physical, v)
                .ok_or_else(|| {
                    ConnectError::data(format!(
                        "Expected {kind:?} to be a java.util.Date, but found class {}",
                        v.type_name()
                    ))
                }),
        }
    }

    fn to_target(&self, millis: i64) -> ConnectResult<Value> {
        Ok(match self.target {
            Kind::String => Value::String(
                self.format
                    .as_ref()
                    .map(|f| f.format(millis))
                    .unwrap_or_default(),
            ),
            Kind::Unix => Value::Int64(match self.precision.as_str() {
                "seconds" => millis.div_euclid(1000),
                "microseconds" => millis.saturating_mul(1000),
                "nanoseconds" => millis.saturating_mul(1_000_000),
                _ => millis,
            }),
            Kind::Date => {
                let days = millis.div_euclid(MILLIS_PER_DAY);
                Value::Int32(i32::try_from(days).map_err(|_| {
                    ConnectError::data(format!("Timestamp {millis} is out of range for Date"))
                })?)
            }
            Kind::Time => Value::Int32(millis.rem_euclid(MILLIS_PER_DAY) as i32),
            Kind::Timestamp => Value::Int64(millis),
        })
    }

    fn convert(&self, schema: Option<&Schema>, v: &Value) -> ConnectResult<Value> {
        if v.is_null() {
            return Ok(Value::Null);
        }
        let kind = match schema {
            Some(s) => Kind::of_schema(s)?,
            None => match v {
                Value::Int64(_) => Kind::Unix,
                Value::String(_) => Kind::String,
                other => {
                    return Err(ConnectError::data(format!(
                        "TimestampConverter does not support class {} objects as timestamps",
                        other.type_name()
                    )))
                }
            },
        };
        let millis = self.to_raw(kind, schema, v)?;
        self.to_target(millis)
    }

    fn updated_schema(&self, schema: &Schema) -> ConnectResult<SchemaRef> {
        let mut b = copy_schema_basics(schema, SchemaBuilder::struct_());
        for f in &schema.fields {
            if f.name == self.field {
                b = b.field(f.name.clone(), self.target.schema(f.schema.optional));
            } else {
                b = b.field(f.name.clone(), f.schema.clone());
            }
        }
        if schema.optional {
            b = b.optional();
        }
        Ok(b.build())
    }
}

impl Transformation for TimestampConverter {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.field = c.string(FIELD).unwrap_or_default();
        let target = c.string(TARGET_TYPE).unwrap_or_default();
        self.target = Kind::parse(&target)
            .ok_or_else(|| ConnectError::config(format!("Unsupported timestamp type: {target}")))?;
        self.precision = c
            .string(UNIX_PRECISION)
            .unwrap_or_else(|| "milliseconds".into());
        self.replace_null_with_default =
            c.boolean(REPLACE_NULL_WITH_DEFAULT_CONFIG).unwrap_or(true);
        let pattern = c.string(FORMAT).unwrap_or_default();
        if self.target == Kind::String && pattern.trim().is_empty() {
            return Err(ConnectError::config(
                "TimestampConverter requires format option to be specified when using string timestamps",
            ));
        }
        self.format = if pattern.trim().is_empty() {
            None
        } else {
            Some(SimpleDateFormat::new(&pattern).map_err(|e| {
                ConnectError::config(format!(
                    "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: {pattern} ({e})"
                ))
            })?)
        };
        self.cache = SchemaCache::default();
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let value = self.side.value(&record);
        match self.side.schema(&record).cloned() {
            None => {
                let out = if value.is_null() || self.field.is_empty() {
                    self.convert(None, value)?
                } else {
                    let original = require_map(value, PURPOSE)?;
                    let mut entries = original.to_vec();
                    let current = map_get(original, &self.field)
                        .cloned()
                        .unwrap_or(Value::Null);
                    map_put(&mut entries, &self.field, self.convert(None, &current)?);
                    Value::Map(entries)
                };
                self.side.put(&mut record, None, out);
            }
            Some(schema) if self.field.is_empty() => {
                let out = self.convert(Some(&schema), value)?;
                self.side
                    .put(&mut record, Some(self.target.schema(schema.optional)), out);
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
                let out = match value {
                    Value::Null => Value::Null,
                    v => {
                        let original = require_struct(v, PURPOSE)?;
                        let mut values = Vec::with_capacity(original.schema.fields.len());
                        for f in &original.schema.fields {
                            let fv = field_value(original, &f.name, self.replace_null_with_default);
                            let fv = if f.name == self.field {
                                self.convert(Some(&f.schema), &fv)?
                            } else {
                                fv
                            };
                            values.push((f.name.clone(), fv));
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
    use connect_api::data::TIMESTAMP_LOGICAL_NAME;
    use connect_api::Struct;

    const TS: i64 = 1_709_211_909_007; // 2024-02-29T13:05:09.007Z

    fn configured(side: Side, pairs: &[(&str, &str)]) -> TimestampConverter {
        let mut t = TimestampConverter::new(side);
        t.configure(&props(pairs.iter().copied())).unwrap();
        t
    }

    #[test]
    fn whole_value_unix_to_timestamp_and_string() {
        let mut t = configured(Side::Value, &[("target.type", "Timestamp")]);
        let r = ConnectRecord::new(
            "t",
            Some(primitive_schema(SchemaType::Int64, false)),
            Value::Int64(TS),
        );
        let out = t.apply(r).unwrap().unwrap();
        assert_eq!(out.value, Value::Int64(TS));
        assert!(out.value_schema.unwrap().is_logical(TIMESTAMP_LOGICAL_NAME));

        let mut t = configured(
            Side::Value,
            &[
                ("target.type", "string"),
                ("format", "yyyy-MM-dd HH:mm"),
                ("unix.precision", "seconds"),
            ],
        );
        let out = t
            .apply(ConnectRecord::new("t", None, Value::Int64(TS / 1000)))
            .unwrap()
            .unwrap();
        assert_eq!(out.value, Value::from("2024-02-29 13:05"));
    }

    #[test]
    fn schemaless_field_string_to_unix() {
        let mut t = configured(
            Side::Value,
            &[
                ("field", "at"),
                ("target.type", "unix"),
                ("format", "yyyy-MM-dd'T'HH:mm:ss.SSS"),
            ],
        );
        let v = Value::Map(vec![("at".into(), Value::from("2024-02-29T13:05:09.007"))]);
        let out = t.apply(ConnectRecord::new("t", None, v)).unwrap().unwrap();
        assert_eq!(out.value.map_get("at"), Some(&Value::Int64(TS)));
        let v = Value::Map(vec![("at".into(), Value::from("garbage"))]);
        let err = t.apply(ConnectRecord::new("t", None, v)).unwrap_err();
        assert!(
            err.message.starts_with("Could not parse timestamp"),
            "{}",
            err.message
        );
    }

    #[test]
    fn struct_field_timestamp_to_date() {
        let schema = SchemaBuilder::struct_()
            .field("at", SchemaBuilder::timestamp().optional().build())
            .field("id", SchemaBuilder::int32().build())
            .build();
        let v = Struct::new(schema.clone())
            .put("at", Value::Int64(TS))
            .unwrap()
            .put("id", 1)
            .unwrap();
        let mut t = configured(Side::Value, &[("field", "at"), ("target.type", "Date")]);
        let out = t
            .apply(ConnectRecord::new("t", Some(schema), Value::Struct(v)))
            .unwrap()
            .unwrap();
        let s = out.value_schema.unwrap();
        let at = &s.field("at").unwrap().schema;
        assert!(at.is_logical(connect_api::data::DATE_LOGICAL_NAME));
        assert!(at.optional);
        assert_eq!(
            out.value.as_struct().unwrap().get("at"),
            Some(&Value::Int32(19_782))
        );
    }

    #[test]
    fn bad_configs() {
        let mut t = TimestampConverter::new(Side::Value);
        let err = t.configure(&Props::new()).unwrap_err();
        assert!(err.message.contains("\"target.type\""));
        let err = t
            .configure(&props([("target.type", "string")]))
            .unwrap_err();
        assert!(err.message.contains("requires format option"));
        let err = t.configure(&props([("target.type", "date")])).unwrap_err();
        assert!(err.message.contains("target.type"));
        let err = t
            .configure(&props([
                ("target.type", "unix"),
                ("unix.precision", "hours"),
            ]))
            .unwrap_err();
        assert!(err.message.contains("unix.precision"));
    }
}
