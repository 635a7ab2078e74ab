//! Checks the Rust converters against vectors produced by Kafka's own classes
//! (`scripts/gen-json-fixtures.sh` → `tests/fixtures/json-converter.json`): our bytes must equal
//! Kafka's, and decoding Kafka's bytes must give the schema and value Kafka decoded.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed setup should panic

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use connect_api::config::DefaultValue;
use connect_api::{
    ConfigDef, Converter, HeaderConverter, Headers, Props, Schema, SchemaAndValue, SchemaBuilder,
    SchemaRef, SchemaType, Struct, Value,
};
use native_connectors::converters::{
    ByteArrayConverter, JsonConverter, SimpleHeaderConverter, StringConverter,
};
use num_bigint::BigInt;
use serde_json::Value as J;

/// Cases where we knowingly differ from Kafka 4.4, with the reason.
const KNOWN_DEVIATIONS: &[(&str, &str)] = &[
    (
        "err-decimal-scale",
        "our Value holds a decimal as unscaled bytes at the schema's scale, so a BigDecimal with another scale can't be built",
    ),
    (
    "sh-parse-04",
    "Kafka's SimpleHeaderConverter throws a NullPointerException on the text `null`; we return a null header",
    ),
];

fn fixtures() -> J {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/json-converter.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture file"))
        .expect("fixture json")
}

fn build_schema(d: &J) -> Option<SchemaRef> {
    if d.is_null() {
        return None;
    }
    let t = d["type"].as_str().expect("type");
    let mut b = match t {
        "array" => {
            let mut s = SchemaBuilder::new(SchemaType::Array).into_schema();
            s.value_schema = build_schema(&d["items"]);
            return Some(finish(s, d));
        }
        "map" => {
            let mut s = SchemaBuilder::new(SchemaType::Map).into_schema();
            s.key_schema = build_schema(&d["keys"]);
            s.value_schema = build_schema(&d["values"]);
            return Some(finish(s, d));
        }
        "struct" => {
            let mut b = SchemaBuilder::struct_();
            for f in d["fields"].as_array().expect("fields") {
                b = b.field(
                    f["name"].as_str().expect("name"),
                    build_schema(&f["schema"]).expect("field schema"),
                );
            }
            b
        }
        other => SchemaBuilder::new(SchemaType::parse(other).expect("known type")),
    };
    b = b.required();
    Some(finish(b.into_schema(), d))
}

fn finish(mut s: Schema, d: &J) -> SchemaRef {
    s.optional = d.get("optional").and_then(J::as_bool).unwrap_or(false);
    s.name = d.get("name").and_then(J::as_str).map(str::to_string);
    s.version = d.get("version").and_then(J::as_i64).map(|v| v as i32);
    s.doc = d.get("doc").and_then(J::as_str).map(str::to_string);
    if let Some(p) = d.get("parameters").and_then(J::as_object) {
        s.parameters = Some(
            p.iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("param").to_string()))
                .collect(),
        );
    }
    if let Some(def) = d.get("default") {
        let partial = Arc::new(s.clone());
        s.default_value = Some(build_value(Some(&partial), def));
    }
    Arc::new(s)
}

fn build_value(schema: Option<&SchemaRef>, d: &J) -> Value {
    if d.is_null() {
        return Value::Null;
    }
    let (tag, v) = d
        .as_object()
        .and_then(|o| o.iter().next())
        .expect("tagged value");
    let int = |v: &J| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .expect("int")
    };
    match tag.as_str() {
        "int8" => Value::Int8(int(v) as i8),
        "int16" => Value::Int16(int(v) as i16),
        "int32" | "date" | "time" => Value::Int32(int(v) as i32),
        "int64" | "timestamp" => Value::Int64(int(v)),
        "float32" => Value::Float32(f32::from_bits(int(v) as i32 as u32)),
        "float64" => Value::Float64(f64::from_bits(int(v) as u64)),
        "boolean" => Value::Boolean(v.as_bool().expect("bool")),
        "string" => Value::String(v.as_str().expect("str").to_string()),
        "bytes" => Value::Bytes(STANDARD.decode(v.as_str().expect("b64")).expect("base64")),
        "decimal" => {
            let u: BigInt = v["unscaled"]
                .as_str()
                .expect("unscaled")
                .parse()
                .expect("bigint");
            Value::Bytes(u.to_signed_bytes_be())
        }
        "array" => {
            let inner = schema.and_then(|s| s.value_schema.as_ref());
            Value::Array(
                v.as_array()
                    .expect("array")
                    .iter()
                    .map(|e| build_value(inner, e))
                    .collect(),
            )
        }
        "map" => {
            let ks = schema.and_then(|s| s.key_schema.as_ref());
            let vs = schema.and_then(|s| s.value_schema.as_ref());
            Value::Map(
                v.as_array()
                    .expect("map")
                    .iter()
                    .map(|p| (build_value(ks, &p[0]), build_value(vs, &p[1])))
                    .collect(),
            )
        }
        "struct" => {
            let s = schema.expect("struct schema");
            let mut st = Struct::new(s.clone());
            for pair in v.as_array().expect("fields") {
                let name = pair[0].as_str().expect("field name");
                let fs = s.field(name).expect("field").schema.clone();
                st.set(name, build_value(Some(&fs), &pair[1]))
                    .expect("valid field");
            }
            Value::Struct(st)
        }
        other => panic!("unknown tag {other}"),
    }
}

/// Kafka decodes maps into a `HashMap`, so entry order carries no meaning.
fn normalize(v: &Value) -> String {
    match v {
        Value::Map(entries) => {
            let mut parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{} => {}", normalize(k), normalize(v)))
                .collect();
            parts.sort();
            format!("Map{{{}}}", parts.join(", "))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(normalize).collect::<Vec<_>>().join(", ")
        ),
        Value::Struct(st) => {
            let parts: Vec<String> = st
                .schema
                .fields
                .iter()
                .map(|f| format!("{}={}", f.name, normalize(st.get_by_index(f.index))))
                .collect();
            format!("Struct{{{}}}", parts.join(", "))
        }
        other => format!("{other:?}"),
    }
}

enum Conv {
    Value(Box<dyn Converter>),
    Header(Box<dyn HeaderConverter>),
}

fn make(case: &J) -> Conv {
    let class = case["class"].as_str().expect("class");
    let header = case["header"].as_bool().unwrap_or(false);
    let is_key = case["isKey"].as_bool().unwrap_or(false);
    let props: Props = case["config"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("string config").to_string()))
                .collect()
        })
        .unwrap_or_default();
    if header {
        let mut c: Box<dyn HeaderConverter> = match class {
            "org.apache.kafka.connect.json.JsonConverter" => Box::new(JsonConverter::new()),
            "org.apache.kafka.connect.storage.StringConverter" => Box::new(StringConverter::new()),
            "org.apache.kafka.connect.converters.ByteArrayConverter" => {
                Box::new(ByteArrayConverter::new())
            }
            "org.apache.kafka.connect.storage.SimpleHeaderConverter" => {
                Box::new(SimpleHeaderConverter::new())
            }
            other => panic!("unknown header converter {other}"),
        };
        c.configure(&props).expect("configure");
        Conv::Header(c)
    } else {
        let mut c: Box<dyn Converter> = match class {
            "org.apache.kafka.connect.json.JsonConverter" => Box::new(JsonConverter::new()),
            "org.apache.kafka.connect.storage.StringConverter" => Box::new(StringConverter::new()),
            "org.apache.kafka.connect.converters.ByteArrayConverter" => {
                Box::new(ByteArrayConverter::new())
            }
            other => panic!("unknown converter {other}"),
        };
        c.configure(&props, is_key).expect("configure");
        Conv::Value(c)
    }
}

fn java_message(e: &str) -> &str {
    e.split_once(": ").map_or(e, |(_, m)| m)
}

fn check_case(case: &J) -> Result<(), String> {
    let name = case["name"].as_str().unwrap_or("?");
    let conv = make(case);
    let headers = Headers::new();
    let mut decode_input: Option<Option<Vec<u8>>> = None;
    if let Some(input) = case.get("input") {
        let schema = build_schema(&input["schema"]);
        let value = build_value(schema.as_ref(), &input["value"]);
        let ours = match &conv {
            Conv::Value(c) => c.from_connect_data("topic", &headers, schema.as_ref(), &value),
            Conv::Header(c) => c.from_connect_header("topic", "h", schema.as_ref(), &value),
        };
        if let Some(err) = case.get("encodeError").and_then(J::as_str) {
            match ours {
                Ok(b) => return Err(format!("{name}: expected error {err:?}, got {b:?}")),
                Err(e) if e.message != java_message(err) => {
                    return Err(format!(
                        "{name}: error {:?} != Kafka's {:?}",
                        e.message,
                        java_message(err)
                    ))
                }
                Err(_) => return Ok(()),
            }
        }
        let kafka = case["bytes"]
            .as_str()
            .map(|b| STANDARD.decode(b).expect("b64"));
        let ours = ours.map_err(|e| format!("{name}: encode failed: {}", e.message))?;
        if ours != kafka {
            return Err(format!(
                "{name}: bytes differ\n  ours:  {:?}\n  kafka: {:?}",
                ours.as_deref().map(String::from_utf8_lossy),
                kafka.as_deref().map(String::from_utf8_lossy)
            ));
        }
        decode_input = Some(kafka);
    } else if let Some(t) = case.get("inputText").and_then(J::as_str) {
        decode_input = Some(Some(t.as_bytes().to_vec()));
    } else if let Some(b) = case.get("inputBase64").and_then(J::as_str) {
        decode_input = Some(Some(STANDARD.decode(b).expect("b64")));
    }
    let Some(bytes) = decode_input else {
        return Ok(());
    };
    if case.get("decoded").is_none() && case.get("decodeError").is_none() {
        return Ok(());
    }
    let ours: Result<SchemaAndValue, _> = match &conv {
        Conv::Value(c) => c.to_connect_data("topic", &headers, bytes.as_deref()),
        Conv::Header(c) => c.to_connect_header("topic", "h", bytes.as_deref()),
    };
    if let Some(err) = case.get("decodeError").and_then(J::as_str) {
        return match ours {
            Ok(sv) => Err(format!("{name}: expected decode error {err:?}, got {sv:?}")),
            Err(e) if e.message != java_message(err) => Err(format!(
                "{name}: decode error {:?} != Kafka's {:?}",
                e.message,
                java_message(err)
            )),
            Err(_) => Ok(()),
        };
    }
    let ours = ours.map_err(|e| format!("{name}: decode failed: {}", e.message))?;
    let expected_schema = build_schema(&case["decoded"]["schema"]);
    let expected_value = build_value(expected_schema.as_ref(), &case["decoded"]["value"]);
    if ours.schema != expected_schema {
        return Err(format!(
            "{name}: schema differs\n  ours:  {:?}\n  kafka: {:?}",
            ours.schema, expected_schema
        ));
    }
    if normalize(&ours.value) != normalize(&expected_value) {
        return Err(format!(
            "{name}: value differs\n  ours:  {}\n  kafka: {}",
            normalize(&ours.value),
            normalize(&expected_value)
        ));
    }
    Ok(())
}

#[test]
fn fixtures_come_from_kafka_4_4() {
    let f = fixtures();
    assert_eq!(f["kafkaVersion"], "4.4.0");
    assert!(f["cases"].as_array().expect("cases").len() >= 30);
}

#[test]
fn converters_match_kafka_bytes_both_ways() {
    let f = fixtures();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in f["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        if KNOWN_DEVIATIONS.iter().any(|(n, _)| *n == name) {
            continue;
        }
        checked += 1;
        if let Err(e) = check_case(case) {
            failures.push(e);
        }
    }
    assert!(checked > 100, "only {checked} cases checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} cases differ from Kafka:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn known_deviation_behaves_as_documented() {
    let c = SimpleHeaderConverter::new();
    let sv = c.to_connect_header("t", "h", Some(b"null")).unwrap();
    assert_eq!(sv, SchemaAndValue::NULL);
}

fn check_config_def(class: &str, def: &ConfigDef, expected: &J) -> Vec<String> {
    let mut errs = Vec::new();
    let expected = expected.as_array().expect("keys");
    if def.keys().len() != expected.len() {
        errs.push(format!(
            "{class}: {} keys, Kafka has {}",
            def.keys().len(),
            expected.len()
        ));
    }
    for e in expected {
        let name = e["name"].as_str().expect("name");
        let Some(k) = def.key(name) else {
            errs.push(format!("{class}: missing key {name}"));
            continue;
        };
        let default = match &k.default {
            DefaultValue::Required => J::from("<required>"),
            DefaultValue::Null => J::Null,
            DefaultValue::Value(v) => J::from(v.clone()),
        };
        let ours = serde_json::json!({
            "name": k.name, "type": k.config_type.name(), "default": default,
            "importance": k.importance.name(), "documentation": k.documentation, "group": k.group,
            "orderInGroup": k.order_in_group, "width": k.width.name(), "displayName": k.display_name,
        });
        for field in [
            "type",
            "default",
            "importance",
            "documentation",
            "group",
            "orderInGroup",
            "width",
            "displayName",
        ] {
            if ours[field] != e[field] {
                errs.push(format!(
                    "{class} {name}.{field}: ours {} != Kafka {}",
                    ours[field], e[field]
                ));
            }
        }
    }
    errs
}

#[test]
fn config_defs_match_kafka() {
    let f = fixtures();
    let defs = &f["configDefs"];
    let mut errs = Vec::new();
    errs.extend(check_config_def(
        "JsonConverter",
        &JsonConverter::config_def(),
        &defs["org.apache.kafka.connect.json.JsonConverter"],
    ));
    errs.extend(check_config_def(
        "StringConverter",
        &StringConverter::config_def(),
        &defs["org.apache.kafka.connect.storage.StringConverter"],
    ));
    errs.extend(check_config_def(
        "ByteArrayConverter",
        &ByteArrayConverter::config_def(),
        &defs["org.apache.kafka.connect.converters.ByteArrayConverter"],
    ));
    errs.extend(check_config_def(
        "SimpleHeaderConverter",
        &HeaderConverter::config_def(&SimpleHeaderConverter::new()),
        &defs["org.apache.kafka.connect.storage.SimpleHeaderConverter"],
    ));
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

/// Truncated and bit-flipped versions of Kafka's own bytes must give errors, never panics.
#[test]
fn mangled_input_never_panics() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let f = fixtures();
    let mut json = JsonConverter::new();
    Converter::configure(&mut json, &Props::new(), false).expect("configure");
    let mut schemaless = JsonConverter::new();
    let off: Props = [("schemas.enable".to_string(), "false".to_string())].into();
    Converter::configure(&mut schemaless, &off, false).expect("configure");
    let header = SimpleHeaderConverter::new();
    let samples: Vec<Vec<u8>> = f["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| {
            c.get("bytes")
                .or(c.get("inputText"))
                .and_then(J::as_str)
                .map(str::to_string)
        })
        .map(|s| STANDARD.decode(&s).unwrap_or_else(|_| s.into_bytes()))
        .collect();
    let headers = Headers::new();
    for _ in 0..3000 {
        let mut b = samples[rng.gen_range(0..samples.len())].clone();
        if !b.is_empty() {
            let cut = rng.gen_range(0..=b.len());
            b.truncate(cut);
        }
        for _ in 0..rng.gen_range(0..3) {
            if !b.is_empty() {
                let i = rng.gen_range(0..b.len());
                b[i] = rng.gen();
            }
        }
        let _ = json.to_connect_data("t", &headers, Some(&b));
        let _ = schemaless.to_connect_data("t", &headers, Some(&b));
        let _ = header.to_connect_header("t", "h", Some(&b));
    }
}
