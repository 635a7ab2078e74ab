//! Kafka's converters and header converters, with their class names, config keys and bytes:
//! `JsonConverter`, `StringConverter`, `ByteArrayConverter`, `SimpleHeaderConverter` and the
//! fixed-width `Short`/`Integer`/`Long`/`Float`/`Double`/`BooleanConverter`s.

mod bytearray;
mod java_fmt;
mod json;
mod json_text;
mod number;
mod string;
mod values;

pub use bytearray::ByteArrayConverter;
pub use json::{DecimalFormat, JsonConverter};
pub use number::{BooleanConverter, NumberConverter, NumberKind};
pub use string::StringConverter;
pub use values::{convert_to_string, parse_string, SimpleHeaderConverter};

use connect_api::config::{ConfigKey, ConfigType, Importance, Validator};
use connect_api::{
    ConnectError, ConnectResult, Converter, HeaderConverter, PluginDesc, PluginFactory, PluginType,
    Value,
};

/// `converter.type`, which the worker sets to say how a converter instance is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConverterType {
    Key,
    Value,
    Header,
}

impl ConverterType {
    pub fn parse(s: &str) -> ConnectResult<ConverterType> {
        match s {
            "key" => Ok(ConverterType::Key),
            "value" => Ok(ConverterType::Value),
            "header" => Ok(ConverterType::Header),
            other => Err(ConnectError::config(format!(
                "Invalid value {other} for configuration converter.type: String must be one of: key, value, header"
            ))),
        }
    }
}

/// `ConverterConfig`'s only key.
pub(crate) fn converter_type_key() -> ConfigKey {
    ConfigKey::new(
        "converter.type",
        ConfigType::String,
        Importance::Low,
        "How this converter will be used.",
    )
    .validator(Validator::one_of(&["key", "value", "header"]))
}

/// `value.getClass()` as Java prints it in exception messages (`class java.lang.String`).
pub(crate) fn java_class_of(value: &Value) -> String {
    format!("class {}", value.type_name())
}

fn json_converter() -> Box<dyn Converter> {
    Box::new(JsonConverter::new())
}
fn json_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(JsonConverter::new())
}
fn string_converter() -> Box<dyn Converter> {
    Box::new(StringConverter::new())
}
fn string_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(StringConverter::new())
}
fn byte_array_converter() -> Box<dyn Converter> {
    Box::new(ByteArrayConverter::new())
}
fn byte_array_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(ByteArrayConverter::new())
}
fn simple_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(SimpleHeaderConverter::new())
}
fn short_converter() -> Box<dyn Converter> {
    Box::new(NumberConverter::new(NumberKind::Short))
}
fn short_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(NumberConverter::new(NumberKind::Short))
}
fn integer_converter() -> Box<dyn Converter> {
    Box::new(NumberConverter::new(NumberKind::Integer))
}
fn integer_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(NumberConverter::new(NumberKind::Integer))
}
fn long_converter() -> Box<dyn Converter> {
    Box::new(NumberConverter::new(NumberKind::Long))
}
fn long_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(NumberConverter::new(NumberKind::Long))
}
fn float_converter() -> Box<dyn Converter> {
    Box::new(NumberConverter::new(NumberKind::Float))
}
fn float_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(NumberConverter::new(NumberKind::Float))
}
fn double_converter() -> Box<dyn Converter> {
    Box::new(NumberConverter::new(NumberKind::Double))
}
fn double_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(NumberConverter::new(NumberKind::Double))
}
fn boolean_converter() -> Box<dyn Converter> {
    Box::new(BooleanConverter::new())
}
fn boolean_header_converter() -> Box<dyn HeaderConverter> {
    Box::new(BooleanConverter::new())
}

fn desc(class: &'static str, plugin_type: PluginType, factory: PluginFactory) -> PluginDesc {
    PluginDesc {
        class,
        plugin_type: Some(plugin_type),
        version: connect_api::VERSION,
        factory,
    }
}

/// One entry per (class, plugin type): Kafka lists a class that is both a converter and a
/// header converter twice.
pub fn plugins() -> Vec<PluginDesc> {
    let both = |class: &'static str,
                converter: fn() -> Box<dyn Converter>,
                header: fn() -> Box<dyn HeaderConverter>| {
        [
            desc(
                class,
                PluginType::Converter,
                PluginFactory::Converter(converter),
            ),
            desc(
                class,
                PluginType::HeaderConverter,
                PluginFactory::HeaderConverter(header),
            ),
        ]
    };
    let mut out = vec![
        desc(
            json::CLASS,
            PluginType::Converter,
            PluginFactory::Converter(json_converter),
        ),
        desc(
            json::CLASS,
            PluginType::HeaderConverter,
            PluginFactory::HeaderConverter(json_header_converter),
        ),
        desc(
            string::CLASS,
            PluginType::Converter,
            PluginFactory::Converter(string_converter),
        ),
        desc(
            string::CLASS,
            PluginType::HeaderConverter,
            PluginFactory::HeaderConverter(string_header_converter),
        ),
        desc(
            bytearray::CLASS,
            PluginType::Converter,
            PluginFactory::Converter(byte_array_converter),
        ),
        desc(
            bytearray::CLASS,
            PluginType::HeaderConverter,
            PluginFactory::HeaderConverter(byte_array_header_converter),
        ),
        desc(
            values::CLASS,
            PluginType::HeaderConverter,
            PluginFactory::HeaderConverter(simple_header_converter),
        ),
    ];
    out.extend(both(
        number::SHORT_CLASS,
        short_converter,
        short_header_converter,
    ));
    out.extend(both(
        number::INTEGER_CLASS,
        integer_converter,
        integer_header_converter,
    ));
    out.extend(both(
        number::LONG_CLASS,
        long_converter,
        long_header_converter,
    ));
    out.extend(both(
        number::FLOAT_CLASS,
        float_converter,
        float_header_converter,
    ));
    out.extend(both(
        number::DOUBLE_CLASS,
        double_converter,
        double_header_converter,
    ));
    out.extend(both(
        number::BOOLEAN_CLASS,
        boolean_converter,
        boolean_header_converter,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_is_registered_per_role() {
        let p = plugins();
        assert_eq!(p.len(), 19);
        let roles = |c: &str| p.iter().filter(|d| d.class == c).count();
        assert_eq!(roles("org.apache.kafka.connect.json.JsonConverter"), 2);
        assert_eq!(
            roles("org.apache.kafka.connect.storage.SimpleHeaderConverter"),
            1
        );
        for number in ["Short", "Integer", "Long", "Float", "Double", "Boolean"] {
            assert_eq!(
                roles(&format!(
                    "org.apache.kafka.connect.converters.{number}Converter"
                )),
                2
            );
        }
        for d in &p {
            match (d.plugin_type, &d.factory) {
                (Some(PluginType::Converter), PluginFactory::Converter(f)) => drop(f()),
                (Some(PluginType::HeaderConverter), PluginFactory::HeaderConverter(f)) => drop(f()),
                other => panic!("bad entry {:?}", other.0),
            }
        }
    }
}
