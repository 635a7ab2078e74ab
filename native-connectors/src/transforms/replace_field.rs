//! `org.apache.kafka.connect.transforms.ReplaceField$Key` / `$Value`: drop, keep or rename
//! top-level fields.

use std::collections::{HashMap, HashSet};

use connect_api::config::ConfigValueKind;
use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectError, ConnectRecord, ConnectResult, Importance,
    Props, Schema, SchemaBuilder, SchemaRef, Transformation, Validator, Value,
};

use super::common::{
    build_struct, copy_schema_basics, field_value, java_split, parse_config,
    replace_null_with_default_key, require_map, require_struct, SchemaCache, Side,
    REPLACE_NULL_WITH_DEFAULT_CONFIG,
};

const EXCLUDE: &str = "exclude";
const INCLUDE: &str = "include";
const RENAMES: &str = "renames";
const PURPOSE: &str = "field replacement";

fn parse_renames(mappings: &[String]) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for m in mappings {
        let parts = java_split(m, ':');
        if parts.len() != 2 {
            return Err(format!("Invalid rename mapping: {m}"));
        }
        out.insert(parts[0].to_string(), parts[1].to_string());
    }
    Ok(out)
}

pub struct ReplaceField {
    side: Side,
    exclude: HashSet<String>,
    include: HashSet<String>,
    renames: HashMap<String, String>,
    reverse_renames: HashMap<String, String>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl ReplaceField {
    pub fn new(side: Side) -> Self {
        ReplaceField {
            side,
            exclude: HashSet::new(),
            include: HashSet::new(),
            renames: HashMap::new(),
            reverse_renames: HashMap::new(),
            replace_null_with_default: true,
            cache: SchemaCache::default(),
        }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new(
                    EXCLUDE,
                    ConfigType::List,
                    Importance::Medium,
                    "Fields to exclude. This takes precedence over the fields to include.",
                )
                .default_value(""),
            )
            .define(
                ConfigKey::new(
                    INCLUDE,
                    ConfigType::List,
                    Importance::Medium,
                    "Fields to include. If specified, only these fields will be used.",
                )
                .default_value(""),
            )
            .define(
                ConfigKey::new(
                    RENAMES,
                    ConfigType::List,
                    Importance::Medium,
                    "Field rename mappings.",
                )
                .default_value("")
                .validator(Validator::custom(
                    "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>",
                    |_, v| match v {
                        ConfigValueKind::List(l) => parse_renames(l).map(|_| ()),
                        _ => Ok(()),
                    },
                )),
            )
            .define(replace_null_with_default_key())
    }

    fn keep(&self, name: &str) -> bool {
        !self.exclude.contains(name) && (self.include.is_empty() || self.include.contains(name))
    }

    fn renamed<'a>(&'a self, name: &'a str) -> &'a str {
        self.renames.get(name).map(String::as_str).unwrap_or(name)
    }

    fn updated_schema(&self, schema: &Schema) -> SchemaRef {
        let mut b = copy_schema_basics(schema, SchemaBuilder::struct_());
        for f in &schema.fields {
            if self.keep(&f.name) {
                b = b.field(self.renamed(&f.name).to_string(), f.schema.clone());
            }
        }
        b.build()
    }
}

impl Transformation for ReplaceField {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.exclude = c.list(EXCLUDE).into_iter().collect();
        self.include = c.list(INCLUDE).into_iter().collect();
        self.renames = parse_renames(&c.list(RENAMES)).map_err(ConnectError::config)?;
        self.reverse_renames = self
            .renames
            .iter()
            .map(|(k, v)| (v.clone(), k.clone()))
            .collect();
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
        if self.side.schema(&record).is_none() {
            let entries = require_map(value, PURPOSE)?;
            let mut out: Vec<(Value, Value)> = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                // Non-string keys can't be named in the config; keep them unless filtering by include.
                match k.as_str() {
                    Some(name) if self.keep(name) => {
                        out.push((Value::String(self.renamed(name).to_string()), v.clone()))
                    }
                    None if self.include.is_empty() => out.push((k.clone(), v.clone())),
                    _ => {}
                }
            }
            self.side.put(&mut record, None, Value::Map(out));
            return Ok(Some(record));
        }
        let original = require_struct(value, PURPOSE)?;
        let updated = match self.cache.get(&original.schema) {
            Some(u) => u,
            None => {
                let u = self.updated_schema(&original.schema);
                self.cache.put(original.schema.clone(), u.clone());
                u
            }
        };
        let values: Vec<(String, Value)> = updated
            .fields
            .iter()
            .map(|f| {
                let source = self
                    .reverse_renames
                    .get(&f.name)
                    .map(String::as_str)
                    .unwrap_or(&f.name);
                (
                    f.name.clone(),
                    field_value(original, source, self.replace_null_with_default),
                )
            })
            .collect();
        let out = build_struct(&updated, values)?;
        self.side
            .put(&mut record, Some(updated), Value::Struct(out));
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;
    use connect_api::Struct;

    fn configured(side: Side, pairs: &[(&str, &str)]) -> ReplaceField {
        let mut t = ReplaceField::new(side);
        t.configure(&props(pairs.iter().copied())).unwrap();
        t
    }

    #[test]
    fn schemaless_include_exclude_rename() {
        let mut t = configured(
            Side::Value,
            &[("include", "a,b,c"), ("exclude", "c"), ("renames", "a:x")],
        );
        let v = Value::Map(vec![
            ("a".into(), Value::Int32(1)),
            ("b".into(), Value::Int32(2)),
            ("c".into(), Value::Int32(3)),
            ("d".into(), Value::Int32(4)),
        ]);
        let out = t.apply(ConnectRecord::new("t", None, v)).unwrap().unwrap();
        assert_eq!(
            out.value,
            Value::Map(vec![
                ("x".into(), Value::Int32(1)),
                ("b".into(), Value::Int32(2))
            ])
        );
    }

    #[test]
    fn struct_fields_are_filtered_and_renamed() {
        let mut t = configured(
            Side::Key,
            &[("exclude", "secret"), ("renames", "id:key_id")],
        );
        let schema = SchemaBuilder::struct_()
            .name("k")
            .field("id", SchemaBuilder::int64().build())
            .field("secret", SchemaBuilder::string().build())
            .build();
        let k = Struct::new(schema.clone())
            .put("id", 9i64)
            .unwrap()
            .put("secret", "pw")
            .unwrap();
        let r = ConnectRecord::new("t", None, Value::Null).with_key(Some(schema), Value::Struct(k));
        let out = t.apply(r).unwrap().unwrap();
        let ks = out.key_schema.unwrap();
        assert_eq!(ks.name.as_deref(), Some("k"));
        assert_eq!(ks.fields.len(), 1);
        assert_eq!(ks.fields[0].name, "key_id");
        assert_eq!(
            out.key.as_struct().unwrap().get("key_id"),
            Some(&Value::Int64(9))
        );
    }

    #[test]
    fn bad_rename_mapping_is_rejected() {
        let mut t = ReplaceField::new(Side::Value);
        let err = t.configure(&props([("renames", "a:b,c")])).unwrap_err();
        assert!(
            err.message.contains("Invalid rename mapping: c"),
            "{}",
            err.message
        );
        assert!(err.message.contains("renames"));
    }

    #[test]
    fn non_map_is_rejected() {
        let mut t = configured(Side::Value, &[]);
        let err = t
            .apply(ConnectRecord::new("t", None, Value::Int32(1)))
            .unwrap_err();
        assert!(err.message.contains("[field replacement]"));
    }
}
