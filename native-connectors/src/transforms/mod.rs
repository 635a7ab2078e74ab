//! Kafka's `connect-transforms` SMTs and predicates, natively, under Kafka's class names and
//! config keys. `$Key` / `$Value` variants share one implementation parameterised by [`Side`].

mod cast;
mod common;
mod extract_field;
mod field_path;
mod filter;
mod flatten;
mod headers;
mod hoist_field;
mod insert_field;
mod java_regex;
mod mask_field;
mod predicates;
mod replace_field;
mod routers;
mod sdf;
mod set_schema_metadata;
mod timestamp_converter;
mod value_to_key;

pub use cast::Cast;
pub use common::Side;
pub use extract_field::ExtractField;
pub use filter::Filter;
pub use flatten::Flatten;
pub use headers::{DropHeaders, HeaderFrom, InsertHeader};
pub use hoist_field::HoistField;
pub use insert_field::InsertField;
pub use mask_field::MaskField;
pub use predicates::{HasHeaderKey, RecordIsTombstone, TopicNameMatches};
pub use replace_field::ReplaceField;
pub use routers::{RegexRouter, TimestampRouter};
pub use set_schema_metadata::SetSchemaMetadata;
pub use timestamp_converter::TimestampConverter;
pub use value_to_key::ValueToKey;

use connect_api::{PluginDesc, PluginFactory, PluginType, Predicate, Transformation};

fn smt(class: &'static str, f: fn() -> Box<dyn Transformation>) -> PluginDesc {
    PluginDesc {
        class,
        plugin_type: Some(PluginType::Transformation),
        version: connect_api::VERSION,
        factory: PluginFactory::Transformation(f),
    }
}

fn predicate(class: &'static str, f: fn() -> Box<dyn Predicate>) -> PluginDesc {
    PluginDesc {
        class,
        plugin_type: Some(PluginType::Predicate),
        version: connect_api::VERSION,
        factory: PluginFactory::Predicate(f),
    }
}

/// Registers a `$Key` / `$Value` pair built by `$ctor(Side)`.
macro_rules! keyed {
    ($out:ident, $name:literal, $ctor:expr) => {
        $out.push(smt(
            concat!("org.apache.kafka.connect.transforms.", $name, "$Key"),
            || Box::new($ctor(Side::Key)),
        ));
        $out.push(smt(
            concat!("org.apache.kafka.connect.transforms.", $name, "$Value"),
            || Box::new($ctor(Side::Value)),
        ));
    };
}

/// Every native transformation and predicate.
pub fn plugins() -> Vec<PluginDesc> {
    let mut out = Vec::new();
    keyed!(out, "Cast", Cast::new);
    keyed!(out, "ExtractField", ExtractField::new);
    keyed!(out, "Flatten", Flatten::new);
    keyed!(out, "HeaderFrom", HeaderFrom::new);
    keyed!(out, "HoistField", HoistField::new);
    keyed!(out, "InsertField", InsertField::new);
    keyed!(out, "MaskField", MaskField::new);
    keyed!(out, "ReplaceField", ReplaceField::new);
    keyed!(out, "SetSchemaMetadata", SetSchemaMetadata::new);
    keyed!(out, "TimestampConverter", TimestampConverter::new);
    out.push(smt(
        "org.apache.kafka.connect.transforms.DropHeaders",
        || Box::new(DropHeaders::default()),
    ));
    out.push(smt("org.apache.kafka.connect.transforms.Filter", || {
        Box::new(Filter)
    }));
    out.push(smt(
        "org.apache.kafka.connect.transforms.InsertHeader",
        || Box::new(InsertHeader::default()),
    ));
    out.push(smt(
        "org.apache.kafka.connect.transforms.RegexRouter",
        || Box::new(RegexRouter::default()),
    ));
    out.push(smt(
        "org.apache.kafka.connect.transforms.TimestampRouter",
        || Box::new(TimestampRouter::default()),
    ));
    out.push(smt(
        "org.apache.kafka.connect.transforms.ValueToKey",
        || Box::new(ValueToKey::new()),
    ));
    out.push(predicate(
        "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
        || Box::new(HasHeaderKey::default()),
    ));
    out.push(predicate(
        "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
        || Box::new(RecordIsTombstone),
    ));
    out.push(predicate(
        "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
        || Box::new(TopicNameMatches::default()),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;
    use connect_api::{ConnectRecord, Value};

    #[test]
    fn registry_has_kafka_class_names_and_working_factories() {
        let all = plugins();
        let find = |c: &str| all.iter().find(|p| p.class == c).cloned();
        let cast = find("org.apache.kafka.connect.transforms.Cast$Value").expect("Cast$Value");
        assert_eq!(cast.plugin_type, Some(PluginType::Transformation));
        assert_eq!(cast.version, connect_api::VERSION);
        let PluginFactory::Transformation(make) = cast.factory else {
            panic!("not a transformation factory");
        };
        let mut t = make();
        t.configure(&props([("spec", "int64")])).unwrap();
        let out = t
            .apply(ConnectRecord::new("t", None, Value::from("12")))
            .unwrap()
            .unwrap();
        assert_eq!(out.value, Value::Int64(12));

        let p = find("org.apache.kafka.connect.transforms.predicates.TopicNameMatches")
            .expect("TopicNameMatches");
        assert_eq!(p.plugin_type, Some(PluginType::Predicate));
        assert!(find("org.apache.kafka.connect.transforms.InsertField$Key").is_some());
        let mut classes: Vec<&str> = all.iter().map(|p| p.class).collect();
        classes.sort_unstable();
        classes.dedup();
        assert_eq!(classes.len(), all.len(), "duplicate class names");
        assert!(all
            .iter()
            .all(|p| p.class.starts_with("org.apache.kafka.connect.transforms.")));
    }
}
