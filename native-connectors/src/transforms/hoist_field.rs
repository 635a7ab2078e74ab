//! `org.apache.kafka.connect.transforms.HoistField$Key` / `$Value`: wrap the whole key or
//! value in a single-field struct (or map when schemaless).

use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConnectRecord, ConnectResult, Importance, Props,
    SchemaBuilder, Transformation, Value,
};

use super::common::{build_struct, parse_config, SchemaCache, Side};

const FIELD: &str = "field";

pub struct HoistField {
    side: Side,
    field: String,
    cache: SchemaCache,
}

impl HoistField {
    pub fn new(side: Side) -> Self {
        HoistField {
            side,
            field: String::new(),
            cache: SchemaCache::default(),
        }
    }

    pub fn config_def() -> ConfigDef {
        ConfigDef::new().define(ConfigKey::new(
            FIELD,
            ConfigType::String,
            Importance::Medium,
            "Field name for the single field that will be created in the resulting Struct or Map.",
        ))
    }
}

impl Transformation for HoistField {
    fn configure(&mut self, props: &Props) -> ConnectResult<()> {
        let c = parse_config(&Self::config_def(), props)?;
        self.field = c.string(FIELD).unwrap_or_default();
        self.cache = SchemaCache::default();
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        Self::config_def()
    }

    fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        let value = self.side.value(&record).clone();
        match self.side.schema(&record).cloned() {
            None => {
                let wrapped = Value::Map(vec![(Value::String(self.field.clone()), value)]);
                self.side.put(&mut record, None, wrapped);
            }
            Some(schema) => {
                let field = self.field.clone();
                let updated = self.cache.get_or_build(&schema, || {
                    Ok(SchemaBuilder::struct_()
                        .field(field, schema.clone())
                        .build())
                })?;
                let s = build_struct(&updated, [(self.field.clone(), value)])?;
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
    use connect_api::data::primitive_schema;
    use connect_api::SchemaType;

    fn configured(side: Side) -> HoistField {
        let mut t = HoistField::new(side);
        t.configure(&props([("field", "wrapped")])).unwrap();
        t
    }

    #[test]
    fn schemaless_wraps_in_a_map() {
        let mut t = configured(Side::Key);
        let r = ConnectRecord::new("t", None, Value::Null).with_key(None, Value::Int32(7));
        let out = t.apply(r).unwrap().unwrap();
        assert_eq!(
            out.key,
            Value::Map(vec![("wrapped".into(), Value::Int32(7))])
        );
        assert_eq!(out.value, Value::Null);
    }

    #[test]
    fn schema_wraps_in_a_struct() {
        let mut t = configured(Side::Value);
        let s = primitive_schema(SchemaType::String, false);
        let out = t
            .apply(ConnectRecord::new("t", Some(s.clone()), Value::from("x")))
            .unwrap()
            .unwrap();
        let vs = out.value_schema.unwrap();
        assert_eq!(vs.field("wrapped").unwrap().schema, s);
        assert_eq!(
            out.value.as_struct().unwrap().get("wrapped"),
            Some(&Value::from("x"))
        );
        // A required inner schema can't hold null.
        assert!(t
            .apply(ConnectRecord::new("t", Some(s), Value::Null))
            .is_err());
    }

    #[test]
    fn field_is_required() {
        let err = HoistField::new(Side::Value)
            .configure(&Props::new())
            .unwrap_err();
        assert_eq!(
            err.message,
            "Missing required configuration \"field\" which has no default value."
        );
    }
}
