//! `org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`.
//!
//! Offsets: `offset.field` is filled from `ConnectRecord::kafka_offset`, which only sink
//! records carry; on a source record it fails as Kafka's `requireSinkRecord` does.

use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, SchemaBuilder, SchemaType, Transformation, Value,
};

use super::common::{
    build_struct, copy_schema_basics, field_value, map_put, parse_config, require_map,
    require_struct, SchemaCache, Side, REPLACE_NULL_WITH_DEFAULT_CONFIG,
    REPLACE_NULL_WITH_DEFAULT_DOC,
};
use connect_api::data::primitive_schema;

const TOPIC_FIELD: &str = "topic.field";
const PARTITION_FIELD: &str = "partition.field";
const OFFSET_FIELD: &str = "offset.field";
const TIMESTAMP_FIELD: &str = "timestamp.field";
const STATIC_FIELD: &str = "static.field";
const STATIC_VALUE: &str = "static.value";
const PURPOSE: &str = "field insertion";
const OPTIONALITY: &str = "Suffix with <code>!</code> to make this a required field, or \
<code>?</code> to keep it optional (the default).";

#[derive(Debug, Clone, PartialEq)]
struct InsertionSpec {
    name: String,
    optional: bool,
}

impl InsertionSpec {
    fn parse(spec: Option<String>) -> Option<InsertionSpec> {
        let spec = spec?;
        Some(if let Some(n) = spec.strip_suffix('?') {
            InsertionSpec {
                name: n.to_string(),
                optional: true,
            }
        } else if let Some(n) = spec.strip_suffix('!') {
            InsertionSpec {
                name: n.to_string(),
                optional: false,
            }
        } else {
            InsertionSpec {
                name: spec,
                optional: true,
            }
        })
    }
}

pub struct InsertField {
    side: Side,
    topic: Option<InsertionSpec>,
    partition: Option<InsertionSpec>,
    offset: Option<InsertionSpec>,
    timestamp: Option<InsertionSpec>,
    static_field: Option<InsertionSpec>,
    static_value: Option<String>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl InsertField {
    pub fn new(side: Side) -> Self {
        InsertField {
            side,
            topic: None,
            partition: None,
            offset: None,
            timestamp: None,
            static_field: None,
            static_value: None,
            replace_null_with_default: true,
            cache: SchemaCache::default(),
        }
    }

    pub fn config_def() -> ConfigDef {
        let field = |name: &str, doc: String| {
            ConfigKey::new(name, ConfigType::String, Importance::Medium, &doc).default_null()
        };
        ConfigDef::new()
            .define(field(
                TOPIC_FIELD,
                format!("Field name for Kafka topic. {OPTIONALITY}"),
            ))
            .define(field(
                PARTITION_FIELD,
                format!("Field name for Kafka partition. {OPTIONALITY}"),
            ))
            .define(field(
                OFFSET_FIELD,
                format!(
                    "Field name for Kafka offset - only applicable to sink connectors.<br/>\
                     {OPTIONALITY}"
                ),
            ))
            .define(field(
                TIMESTAMP_FIELD,
                format!("Field name for record timestamp. {OPTIONALITY}"),
            ))
            .define(field(
                STATIC_FIELD,
                format!("Field name for static data field. {OPTIONALITY}"),
            ))
            .define(field(
                STATIC_VALUE,
                "Static field value, if field name configured.".to_string(),
            ))
            .define(
                ConfigKey::new(
                    REPLACE_NULL_WITH_DEFAULT_CONFIG,
                    ConfigType::Boolean,
                    Importance::Medium,
                    REPLACE_NULL_WITH_DEFAULT_DOC,
                )
                .default_value("true"),
            )
    }

    fn updated_schema(&self, schema: &connect_api::Schema) -> connect_api::SchemaRef {
        let mut b = copy_schema_basics(schema, SchemaBuilder::struct_());
        for f in &schema.fields {
            b = b.field(f.name.clone(), f.schema.clone());
        }
        let add = |b: SchemaBuilder, spec: &Option<InsertionSpec>, t: SchemaType| match spec {
            Some(s) => b.field(s.name.clone(), primitive_schema(t, s.optional)),
            None => b,
        };
        b = add(b, &self.topic, SchemaType::String);
        b = add(b, &self.partition, SchemaType::Int32);
        b = add(b, &self.offset, SchemaType::Int64);
        if let Some(s) = &self.timestamp {
            let ts = SchemaBuilder::timestamp();
            b = b.field(
                s.name.clone(),
                if s.optional { ts.optional() } else { ts }.build(),
            );
        }
        add(b, &self.static_field, SchemaType::String).build()
    }

    /// The (field, value) pairs to insert, in Kafka's order.
    fn insertions(&self, record: &ConnectRecord) -> ConnectResult<Vec<(String, Value)>> {
        let mut out = Vec::new();
        if let Some(s) = &self.topic {
            out.push((s.name.clone(), Value::String(record.topic.clone())));
        }
        if let (Some(s), Some(p)) = (&self.partition, record.kafka_partition) {
            out.push((s.name.clone(), Value::Int32(p)));
        }
        if let Some(s) = &self.offset {
            // Kafka's requireSinkRecord: offsets exist only on sink records.
            let offset = record.kafka_offset.ok_or_else(|| {
                ConnectError::data(format!(
                    "Only SinkRecord supported for [{PURPOSE}], found: org.apache.kafka.connect.source.SourceRecord"
                ))
            })?;
            out.push((s.name.clone(), Value::Int64(offset)));
        }
        if let (Some(s), Some(ts)) = (&self.timestamp, record.timestamp) {
            out.push((s.name.clone(), Value::Int64(ts)));
        }
        if let (Some(s), Some(v)) = (&self.static_field, &self.static_value) {
            out.push((s.name.clone(), Value::String(v.clone())));
        }
        Ok(out)
    }
}

impl Transformation for InsertField {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.topic = InsertionSpec::parse(c.string(TOPIC_FIELD));
        self.partition = InsertionSpec::parse(c.string(PARTITION_FIELD));
        self.offset = InsertionSpec::parse(c.string(OFFSET_FIELD));
        self.timestamp = InsertionSpec::parse(c.string(TIMESTAMP_FIELD));
        self.static_field = InsertionSpec::parse(c.string(STATIC_FIELD));
        self.static_value = c.string(STATIC_VALUE);
        self.replace_null_with_default =
            c.boolean(REPLACE_NULL_WITH_DEFAULT_CONFIG).unwrap_or(true);
        if self.topic.is_none()
            && self.partition.is_none()
            && self.offset.is_none()
            && self.timestamp.is_none()
            && self.static_field.is_none()
        {
            return Err(ConnectError::config("No field insertion configured"));
        }
        if let (Some(s), None) = (&self.static_field, &self.static_value) {
            return Err(ConnectError::config(format!(
                "Invalid value null for configuration {STATIC_VALUE}: No value specified for static field: {}",
                s.name
            )));
        }
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
                let mut entries = require_map(value, PURPOSE)?.to_vec();
                for (k, v) in self.insertions(&record)? {
                    map_put(&mut entries, &k, v);
                }
                self.side.put(&mut record, None, Value::Map(entries));
            }
            Some(_) => {
                let original = require_struct(value, PURPOSE)?;
                let updated = match self.cache.get(&original.schema) {
                    Some(u) => u,
                    None => {
                        let u = self.updated_schema(&original.schema);
                        self.cache.put(original.schema.clone(), u.clone());
                        u
                    }
                };
                let mut values: Vec<(String, Value)> = original
                    .schema
                    .fields
                    .iter()
                    .map(|f| {
                        (
                            f.name.clone(),
                            field_value(original, &f.name, self.replace_null_with_default),
                        )
                    })
                    .collect();
                values.extend(self.insertions(&record)?);
                let out = build_struct(&updated, values)?;
                self.side
                    .put(&mut record, Some(updated), Value::Struct(out));
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

    fn configured(side: Side, pairs: &[(&str, &str)]) -> InsertField {
        let mut t = InsertField::new(side);
        t.configure(&props(pairs.iter().copied())).unwrap();
        t
    }

    fn rec(value_schema: Option<connect_api::SchemaRef>, value: Value) -> ConnectRecord {
        let mut r = ConnectRecord::new("orders", value_schema, value).with_timestamp(Some(1234));
        r.kafka_partition = Some(3);
        r
    }

    #[test]
    fn schemaless_value_gets_metadata_fields() {
        let mut t = configured(
            Side::Value,
            &[
                ("topic.field", "t"),
                ("partition.field", "p!"),
                ("timestamp.field", "ts?"),
                ("static.field", "s"),
                ("static.value", "hi"),
            ],
        );
        let v = Value::Map(vec![("a".into(), Value::Int32(1))]);
        let out = t.apply(rec(None, v)).unwrap().unwrap();
        assert_eq!(out.value.map_get("a"), Some(&Value::Int32(1)));
        assert_eq!(out.value.map_get("t"), Some(&Value::from("orders")));
        assert_eq!(out.value.map_get("p"), Some(&Value::Int32(3)));
        assert_eq!(out.value.map_get("ts"), Some(&Value::Int64(1234)));
        assert_eq!(out.value.map_get("s"), Some(&Value::from("hi")));
        assert!(out.value_schema.is_none());
    }

    #[test]
    fn struct_value_gets_updated_schema() {
        let mut t = configured(
            Side::Value,
            &[
                ("topic.field", "t!"),
                ("timestamp.field", "ts"),
                ("offset.field", "o"),
            ],
        );
        let schema = SchemaBuilder::struct_()
            .name("rec")
            .field("a", SchemaBuilder::int32().build())
            .build();
        let v = Struct::new(schema.clone()).put("a", 7).unwrap();
        // A source record has no offset: Kafka rejects it.
        let err = t
            .apply(rec(Some(schema.clone()), Value::Struct(v.clone())))
            .unwrap_err();
        assert!(err.message.contains("Only SinkRecord supported"), "{err}");
        let mut sink_rec = rec(Some(schema), Value::Struct(v));
        sink_rec.kafka_offset = Some(42);
        let out = t.apply(sink_rec).unwrap().unwrap();
        let s = out.value_schema.clone().unwrap();
        assert_eq!(s.name.as_deref(), Some("rec"));
        let names: Vec<&str> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "t", "o", "ts"]);
        assert!(!s.field("t").unwrap().schema.optional);
        assert!(s.field("o").unwrap().schema.optional);
        assert!(s
            .field("ts")
            .unwrap()
            .schema
            .is_logical(TIMESTAMP_LOGICAL_NAME));
        let st = out.value.as_struct().unwrap();
        assert_eq!(st.get("a"), Some(&Value::Int32(7)));
        assert_eq!(st.get("t"), Some(&Value::from("orders")));
        assert_eq!(st.get("ts"), Some(&Value::Int64(1234)));
        assert_eq!(st.get("o"), Some(&Value::Int64(42)));
    }

    #[test]
    fn key_side_and_tombstones() {
        let mut t = configured(Side::Key, &[("topic.field", "t")]);
        let r = ConnectRecord::new("x", None, Value::Null).with_key(None, Value::Map(vec![]));
        let out = t.apply(r).unwrap().unwrap();
        assert_eq!(out.key.map_get("t"), Some(&Value::from("x")));
        // A null key passes through untouched.
        let r = ConnectRecord::new("x", None, Value::from("v"));
        assert_eq!(t.apply(r.clone()).unwrap(), Some(r));
    }

    #[test]
    fn wrong_value_type_is_a_data_error() {
        let mut t = configured(Side::Value, &[("topic.field", "t")]);
        let err = t.apply(rec(None, Value::from("plain"))).unwrap_err();
        assert_eq!(
            err.message,
            "Only Map objects supported in absence of schema for [field insertion], found: java.lang.String"
        );
    }

    #[test]
    fn bad_configs() {
        let mut t = InsertField::new(Side::Value);
        let err = t.configure(&Props::new()).unwrap_err();
        assert_eq!(err.message, "No field insertion configured");
        let err = t.configure(&props([("static.field", "s")])).unwrap_err();
        assert!(err.message.contains("static.value"), "{}", err.message);
        let err = t
            .configure(&props([
                ("topic.field", "t"),
                ("replace.null.with.default", "maybe"),
            ]))
            .unwrap_err();
        assert!(err.message.contains("replace.null.with.default"));
    }

    #[test]
    fn replace_null_with_default_controls_copied_fields() {
        let schema = SchemaBuilder::struct_()
            .field(
                "a",
                SchemaBuilder::int32()
                    .optional()
                    .default_value(Value::Int32(5))
                    .build(),
            )
            .build();
        let v = Value::Struct(Struct::new(schema.clone()));
        let mut on = configured(Side::Value, &[("topic.field", "t")]);
        let out = on
            .apply(rec(Some(schema.clone()), v.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(
            out.value.as_struct().unwrap().get_by_index(0),
            &Value::Int32(5)
        );
        let mut off = configured(
            Side::Value,
            &[("topic.field", "t"), ("replace.null.with.default", "false")],
        );
        let out = off.apply(rec(Some(schema), v)).unwrap().unwrap();
        assert_eq!(out.value.as_struct().unwrap().get_by_index(0), &Value::Null);
    }
}
