//! `org.apache.kafka.connect.storage.SimpleHeaderConverter` and the parts of Kafka's `Values`
//! it relies on: `convertToString` (values to text) and `parseString` (text back to a value,
//! inferring a schema).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use connect_api::data::{
    primitive_schema, Schema, DATE_LOGICAL_NAME, DECIMAL_LOGICAL_NAME, DECIMAL_SCALE_PARAM,
    TIMESTAMP_LOGICAL_NAME, TIME_LOGICAL_NAME,
};
use connect_api::{
    ConfigDef, ConnectError, ConnectResult, HeaderConverter, Props, SchemaAndValue, SchemaBuilder,
    SchemaRef, SchemaType, Value,
};
use num_bigint::BigInt;

use super::java_fmt::{big_decimal_to_string, double_to_string, float_to_string, BigDec};

pub const CLASS: &str = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

const MILLIS_PER_DAY: i64 = 86_400_000;

#[derive(Debug, Clone, Default)]
pub struct SimpleHeaderConverter;

impl SimpleHeaderConverter {
    pub fn new() -> Self {
        SimpleHeaderConverter
    }
}

impl HeaderConverter for SimpleHeaderConverter {
    fn configure(&mut self, _props: &Props) -> ConnectResult<()> {
        Ok(())
    }
    fn config_def(&self) -> ConfigDef {
        ConfigDef::new()
    }
    fn from_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> ConnectResult<Option<Vec<u8>>> {
        if value.is_null() {
            return Ok(None);
        }
        Ok(convert_to_string(schema.map(|s| s.as_ref()), value).map(String::into_bytes))
    }
    fn to_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        bytes: Option<&[u8]>,
    ) -> ConnectResult<SchemaAndValue> {
        let Some(bytes) = bytes else {
            return Ok(SchemaAndValue::NULL);
        };
        let text = String::from_utf8_lossy(bytes);
        if text.is_empty() {
            return Ok(SchemaAndValue::new(
                Some(primitive_schema(SchemaType::String, false)),
                Value::String(String::new()),
            ));
        }
        // Kafka 4.4 trips over the literal `null` (NullPointerException); a null header is the
        // evident intent. Parse failures fall back to raw bytes, as Kafka does.
        Ok(match parse_string(&text) {
            Ok(Some(sv)) => sv,
            Ok(None) => SchemaAndValue::NULL,
            Err(_) => SchemaAndValue::new(
                Some(primitive_schema(SchemaType::Bytes, false)),
                Value::Bytes(bytes.to_vec()),
            ),
        })
    }
}

// ------------------------------------------------------------------ Values.convertToString

/// `Values.convertToString(schema, value)`; `None` for null.
pub fn convert_to_string(schema: Option<&Schema>, value: &Value) -> Option<String> {
    if value.is_null() {
        return None;
    }
    let mut out = String::new();
    append(&mut out, schema, value, false);
    Some(out)
}

/// `Values.dateFormatFor`: time-of-day below one day, a date on exact day boundaries,
/// otherwise a full timestamp (all UTC).
fn format_date(ms: i64) -> String {
    let Some(dt) = chrono::DateTime::from_timestamp_millis(ms) else {
        return ms.to_string();
    };
    if ms < MILLIS_PER_DAY {
        dt.format("%H:%M:%S%.3fZ").to_string()
    } else if ms % MILLIS_PER_DAY == 0 {
        dt.format("%Y-%m-%d").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn append(out: &mut String, schema: Option<&Schema>, value: &Value, embedded: bool) {
    let logical = schema.and_then(|s| s.name.as_deref());
    match (logical, value) {
        (Some(DECIMAL_LOGICAL_NAME), Value::Bytes(b)) => {
            let scale = schema
                .and_then(|s| s.parameter(DECIMAL_SCALE_PARAM))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            out.push_str(&big_decimal_to_string(
                &BigInt::from_signed_bytes_be(b),
                scale,
            ));
            return;
        }
        (Some(DATE_LOGICAL_NAME), Value::Int32(d)) => {
            out.push_str(&format_date(i64::from(*d) * MILLIS_PER_DAY));
            return;
        }
        (Some(TIME_LOGICAL_NAME), Value::Int32(ms)) => {
            out.push_str(&format_date(i64::from(*ms)));
            return;
        }
        (Some(TIMESTAMP_LOGICAL_NAME), Value::Int64(ms)) => {
            out.push_str(&format_date(*ms));
            return;
        }
        _ => {}
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Int8(v) => out.push_str(&v.to_string()),
        Value::Int16(v) => out.push_str(&v.to_string()),
        Value::Int32(v) => out.push_str(&v.to_string()),
        Value::Int64(v) => out.push_str(&v.to_string()),
        Value::Float32(v) => out.push_str(&float_to_string(*v)),
        Value::Float64(v) => out.push_str(&double_to_string(*v)),
        Value::Boolean(v) => out.push_str(if *v { "true" } else { "false" }),
        Value::String(s) if embedded => {
            out.push('"');
            out.push_str(&escape(s));
            out.push('"');
        }
        Value::String(s) => out.push_str(s),
        Value::Bytes(b) if embedded => {
            out.push('"');
            out.push_str(&STANDARD.encode(b));
            out.push('"');
        }
        Value::Bytes(b) => out.push_str(&STANDARD.encode(b)),
        Value::Array(items) => {
            let inner = schema.and_then(|s| s.value_schema.as_deref());
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                append(out, inner, v, true);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            let ks = schema.and_then(|s| s.key_schema.as_deref());
            let vs = schema.and_then(|s| s.value_schema.as_deref());
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                append(out, ks, k, true);
                out.push(':');
                append(out, vs, v, true);
            }
            out.push('}');
        }
        Value::Struct(st) => {
            out.push('{');
            for (i, f) in st.schema.fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                append(out, None, &Value::String(f.name.clone()), true);
                out.push(':');
                let v = st.get(&f.name).unwrap_or(&Value::Null);
                append(out, Some(&f.schema), v, true);
            }
            out.push('}');
        }
    }
}

// ------------------------------------------------------------------ Values.parseString

/// `Values.parseString`: `Ok(None)` for the literal `null`. Errors only for inputs Kafka
/// also rejects; the header converter turns those into raw bytes.
pub fn parse_string(text: &str) -> ConnectResult<Option<SchemaAndValue>> {
    if text.is_empty() {
        return Ok(Some(string_sv(String::new())));
    }
    let mut p = ValueParser {
        t: Tokenizer::new(text),
        depth: 0,
    };
    p.parse(false)
}

fn string_sv(s: String) -> SchemaAndValue {
    SchemaAndValue::new(
        Some(primitive_schema(SchemaType::String, false)),
        Value::String(s),
    )
}

fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// Java's `String.trim()`: strips code points ≤ U+0020.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Splits on unescaped `: , { } [ ] "`; everything else (spaces too) stays inside tokens.
struct Tokenizer {
    chars: Vec<char>,
    idx: usize,
    next_token: Option<String>,
    previous: Option<String>,
}

impl Tokenizer {
    fn new(s: &str) -> Self {
        Tokenizer {
            chars: s.chars().collect(),
            idx: 0,
            next_token: None,
            previous: None,
        }
    }

    fn original(&self) -> String {
        self.chars.iter().collect()
    }

    fn substring(&self, a: usize, b: usize) -> String {
        self.chars[a..b].iter().collect()
    }

    fn mark(&self) -> usize {
        self.idx - self.next_token.as_ref().map_or(0, |t| t.chars().count())
    }

    fn rewind_to(&mut self, pos: usize) {
        self.idx = pos;
        self.next_token = None;
        self.previous = None;
    }

    fn can_consume_next_token(&self) -> bool {
        self.idx < self.chars.len()
    }

    fn has_next(&self) -> bool {
        self.next_token.is_some() || self.can_consume_next_token()
    }

    fn consume_next_token(&mut self) -> String {
        let mut escaped = false;
        let start = self.idx;
        while self.can_consume_next_token() {
            let c = self.chars[self.idx];
            match c {
                '\\' => escaped = !escaped,
                ':' | ',' | '{' | '}' | '[' | ']' | '"' => {
                    if !escaped {
                        if start < self.idx {
                            return self.substring(start, self.idx);
                        }
                        self.idx += 1;
                        return c.to_string();
                    }
                    escaped = false;
                }
                _ => escaped = false,
            }
            self.idx += 1;
        }
        self.substring(start, self.idx)
    }

    fn next(&mut self) -> String {
        let t = match self.next_token.take() {
            Some(t) => t,
            None => self.consume_next_token(),
        };
        self.previous = Some(t.clone());
        t
    }

    fn next_n(&mut self, n: usize) -> Option<String> {
        let start = self.mark();
        for _ in 0..n {
            if !self.has_next() {
                self.rewind_to(start);
                return None;
            }
            self.next();
        }
        Some(self.substring(start, self.idx))
    }

    fn is_next(&mut self, expected: &str) -> bool {
        if self.next_token.is_none() {
            if !self.has_next() {
                return false;
            }
            self.next_token = Some(self.consume_next_token());
        }
        while self.next_token.as_deref().is_some_and(is_blank) && self.can_consume_next_token() {
            self.next_token = Some(self.consume_next_token());
        }
        self.next_token
            .as_deref()
            .is_some_and(|t| java_trim(t) == expected)
    }

    fn can_consume(&mut self, expected: &str) -> bool {
        if self.is_next(expected) {
            self.next_token = None;
            true
        } else {
            false
        }
    }
}

const MAX_DEPTH: usize = 200;

struct ValueParser {
    t: Tokenizer,
    depth: usize,
}

fn err<T>(msg: impl Into<String>) -> ConnectResult<T> {
    Err(ConnectError::data(msg))
}

impl ValueParser {
    fn single_token_literal(&mut self, embedded: bool, literal: &str) -> bool {
        let start = self.t.mark();
        // At top level, `true}` must stay a string, so the literal has to be the last token.
        if self.t.can_consume(literal) && (embedded || !self.t.has_next()) {
            return true;
        }
        self.t.rewind_to(start);
        false
    }

    fn parse(&mut self, embedded: bool) -> ConnectResult<Option<SchemaAndValue>> {
        if !self.t.has_next() {
            return Ok(None);
        }
        if self.depth > MAX_DEPTH {
            return err("Values nested too deeply");
        }
        if embedded && self.t.can_consume("\"") {
            return self.parse_quoted_string().map(Some);
        }
        if self.single_token_literal(embedded, "null") {
            return Ok(None);
        }
        if self.single_token_literal(embedded, "true") {
            return Ok(Some(SchemaAndValue::new(
                Some(primitive_schema(SchemaType::Boolean, false)),
                Value::Boolean(true),
            )));
        }
        if self.single_token_literal(embedded, "false") {
            return Ok(Some(SchemaAndValue::new(
                Some(primitive_schema(SchemaType::Boolean, false)),
                Value::Boolean(false),
            )));
        }
        let start = self.t.mark();
        self.depth += 1;
        let nested = if self.t.can_consume("[") {
            Some(self.parse_array())
        } else if self.t.can_consume("{") {
            Some(self.parse_map())
        } else {
            None
        };
        self.depth -= 1;
        match nested {
            Some(Ok(sv)) => return Ok(Some(sv)),
            Some(Err(e)) if e.message == "Values nested too deeply" => return Err(e),
            Some(Err(_)) => self.t.rewind_to(start),
            None => {}
        }
        if !self.t.has_next() {
            return Ok(None);
        }
        let token = self.t.next();
        if is_blank(&token) {
            return Ok(Some(string_sv(token)));
        }
        let token = java_trim(&token).to_string();
        let first = token.chars().next().unwrap_or(' ');
        if first.is_ascii_digit() {
            // An unescaped ':' splits times into five tokens, so try those first.
            let pos = self.t.mark();
            if let Some(rest) = self.t.next_n(4) {
                if let Some(sv) = parse_as_temporal(&format!("{token}{rest}")) {
                    return Ok(Some(sv));
                }
            }
            self.t.rewind_to(pos);
            if let Some(sv) = parse_as_temporal(&token) {
                return Ok(Some(sv));
            }
        }
        if first.is_ascii_digit() || first == '+' || first == '-' {
            if let Some(sv) = parse_as_number(&token) {
                return Ok(Some(sv));
            }
        }
        if embedded {
            return err("Failed to parse embedded value");
        }
        Ok(Some(string_sv(self.t.original())))
    }

    fn parse_quoted_string(&mut self) -> ConnectResult<SchemaAndValue> {
        let mut content = String::new();
        while self.t.has_next() {
            if self.t.can_consume("\"") {
                break;
            }
            content.push_str(&self.t.next());
        }
        // Quoted temporal literals keep their type; everything else stays a string, verbatim.
        if let Ok(Some(parsed)) = parse_string(&content) {
            if parsed
                .schema
                .as_ref()
                .and_then(|s| s.name.as_deref())
                .is_some_and(|n| {
                    [DATE_LOGICAL_NAME, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME].contains(&n)
                })
            {
                return Ok(parsed);
            }
        }
        Ok(string_sv(content))
    }

    fn parse_array(&mut self) -> ConnectResult<SchemaAndValue> {
        let mut items = Vec::new();
        let mut merger = SchemaMerger::default();
        while self.t.has_next() {
            if self.t.can_consume("]") {
                return Ok(match merger.schema() {
                    Some(elem) => {
                        let items = items
                            .into_iter()
                            .map(|v| convert_to(&elem, v))
                            .collect::<ConnectResult<Vec<_>>>()?;
                        SchemaAndValue::new(Some(array_schema(Some(elem))), Value::Array(items))
                    }
                    None => SchemaAndValue::new(Some(array_schema(None)), Value::Array(items)),
                });
            }
            if self.t.can_consume(",") {
                return err(format!(
                    "Unable to parse an empty array element: {}",
                    self.t.original()
                ));
            }
            let element = self.parse(true)?;
            merger.merge(element.as_ref());
            items.push(element.map_or(Value::Null, |e| e.value));
            let pos = self.t.mark();
            if self.t.can_consume("]") {
                self.t.rewind_to(pos);
            } else if !self.t.can_consume(",") {
                return err("Array elements missing ',' delimiter");
            }
        }
        if self.t.previous.as_deref() == Some(",") {
            return err(format!(
                "Array is missing element after ',': {}",
                self.t.original()
            ));
        }
        err(format!(
            "Array is missing terminating ']': {}",
            self.t.original()
        ))
    }

    fn parse_map(&mut self) -> ConnectResult<SchemaAndValue> {
        let mut entries: Vec<(Value, Value)> = Vec::new();
        let mut keys = SchemaMerger::default();
        let mut values = SchemaMerger::default();
        while self.t.has_next() {
            if self.t.can_consume("}") {
                let (ks, vs) = (keys.schema(), values.schema());
                let mut aligned = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let k = match &ks {
                        Some(s) => convert_to(s, k)?,
                        None => k,
                    };
                    let v = match (&ks, &vs) {
                        (Some(_), Some(s)) => convert_to(s, v)?,
                        _ => v,
                    };
                    aligned.push((k, v));
                }
                let vs = if ks.is_some() { vs } else { None };
                let schema = SchemaRef::new(Schema {
                    key_schema: ks,
                    value_schema: vs,
                    ..SchemaBuilder::new(SchemaType::Map).into_schema()
                });
                return Ok(SchemaAndValue::new(Some(schema), Value::Map(aligned)));
            }
            if self.t.can_consume(",") {
                return err(format!(
                    "Unable to parse a map entry with no key or value: {}",
                    self.t.original()
                ));
            }
            let key = match self.parse(true)? {
                Some(k) if !k.value.is_null() => k,
                _ => {
                    return err(format!(
                        "Map entry may not have a null key: {}",
                        self.t.original()
                    ))
                }
            };
            if !self.t.can_consume(":") {
                return err(format!(
                    "Map entry is missing ':' at {} in {}",
                    self.t.idx,
                    self.t.original()
                ));
            }
            let value = self.parse(true)?;
            keys.merge(Some(&key));
            values.merge(value.as_ref());
            let v = value.map_or(Value::Null, |v| v.value);
            match entries.iter_mut().find(|(k, _)| *k == key.value) {
                Some(slot) => slot.1 = v,
                None => entries.push((key.value, v)),
            }
            self.t.can_consume(",");
        }
        if self.t.previous.as_deref() == Some(",") {
            return err(format!(
                "Map is missing element after ',': {}",
                self.t.original()
            ));
        }
        err(format!(
            "Map is missing terminating '}}': {}",
            self.t.original()
        ))
    }
}

fn array_schema(elem: Option<SchemaRef>) -> SchemaRef {
    SchemaRef::new(Schema {
        value_schema: elem,
        ..SchemaBuilder::new(SchemaType::Array).into_schema()
    })
}

/// Finds the common schema of a run of parsed values: numbers widen, nulls are skipped,
/// anything else incompatible leaves no common schema.
#[derive(Default)]
struct SchemaMerger {
    common: Option<SchemaRef>,
    conflict: bool,
}

fn numeric_rank(t: SchemaType) -> Option<u8> {
    Some(match t {
        SchemaType::Int8 => 0,
        SchemaType::Int16 => 1,
        SchemaType::Int32 => 2,
        SchemaType::Int64 => 3,
        SchemaType::Float32 => 4,
        SchemaType::Float64 => 5,
        _ => return None,
    })
}

impl SchemaMerger {
    fn merge(&mut self, latest: Option<&SchemaAndValue>) {
        let Some(latest) = latest.and_then(|l| l.schema.clone()) else {
            return;
        };
        if self.conflict {
            return;
        }
        let Some(prev) = self.common.clone() else {
            self.common = Some(latest);
            return;
        };
        if prev.schema_type != latest.schema_type {
            match (
                numeric_rank(prev.schema_type),
                numeric_rank(latest.schema_type),
            ) {
                (Some(a), Some(b)) if b > a => self.common = Some(latest),
                (Some(_), Some(_)) => {}
                _ => {
                    self.common = None;
                    self.conflict = true;
                }
            }
            return;
        }
        if prev.optional == latest.optional {
            self.common = Some(if prev.optional { prev } else { latest });
        } else if prev != latest {
            self.common = None;
            self.conflict = true;
        }
    }

    fn schema(&self) -> Option<SchemaRef> {
        if self.conflict {
            None
        } else {
            self.common.clone()
        }
    }
}

/// The subset of `Values.convertTo` used to align parsed elements with their common schema.
fn convert_to(target: &Schema, value: Value) -> ConnectResult<Value> {
    if value.is_null() {
        if target.optional {
            return Ok(Value::Null);
        }
        return err("Unable to convert a null value to a schema that requires a value");
    }
    let as_f64 = |v: &Value| -> Option<f64> {
        Some(match v {
            Value::Int8(x) => f64::from(*x),
            Value::Int16(x) => f64::from(*x),
            Value::Int32(x) => f64::from(*x),
            Value::Int64(x) => *x as f64,
            Value::Float32(x) => f64::from(*x),
            Value::Float64(x) => *x,
            _ => return None,
        })
    };
    if target.name.is_none() {
        let long = value.as_i64();
        let converted = match target.schema_type {
            SchemaType::Int8 => long.map(|l| Value::Int8(l as i8)),
            SchemaType::Int16 => long.map(|l| Value::Int16(l as i16)),
            SchemaType::Int32 => long.map(|l| Value::Int32(l as i32)),
            SchemaType::Int64 => long.map(Value::Int64),
            SchemaType::Float32 => as_f64(&value).map(|d| Value::Float32(d as f32)),
            SchemaType::Float64 => as_f64(&value).map(Value::Float64),
            _ => None,
        };
        if let Some(v) = converted {
            return Ok(v);
        }
    }
    Ok(value)
}

fn parse_as_temporal(token: &str) -> Option<SchemaAndValue> {
    let token = token.replace("\\:", ":");
    match token.chars().count() {
        13 => {
            let t = chrono::NaiveTime::parse_from_str(&token, "%H:%M:%S%.3fZ").ok()?;
            let ms = i32::try_from(
                chrono::Timelike::num_seconds_from_midnight(&t) as i64 * 1000
                    + i64::from(chrono::Timelike::nanosecond(&t) / 1_000_000),
            )
            .ok()?;
            Some(SchemaAndValue::new(
                Some(SchemaBuilder::time().build()),
                Value::Int32(ms),
            ))
        }
        24 => {
            let dt =
                chrono::NaiveDateTime::parse_from_str(&token, "%Y-%m-%dT%H:%M:%S%.3fZ").ok()?;
            Some(SchemaAndValue::new(
                Some(SchemaBuilder::timestamp().build()),
                Value::Int64(dt.and_utc().timestamp_millis()),
            ))
        }
        10 => {
            let d = chrono::NaiveDate::parse_from_str(&token, "%Y-%m-%d").ok()?;
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
            let days = i32::try_from((d - epoch).num_days()).ok()?;
            Some(SchemaAndValue::new(
                Some(SchemaBuilder::date().build()),
                Value::Int32(days),
            ))
        }
        _ => None,
    }
}

/// Numbers take the narrowest exact integer type, then float, double, and finally Decimal.
fn parse_as_number(token: &str) -> Option<SchemaAndValue> {
    let d = BigDec::parse(token)?;
    let schema = |t| Some(primitive_schema(t, false));
    let stripped = d.strip_trailing_zeros();
    let whole = d.is_zero() || d.scale <= 0 || stripped.scale <= 0;
    // Kafka skips the integer attempt for huge magnitudes (cheaply, without expanding them).
    let digits_before_point =
        stripped.unscaled.magnitude().to_string().len() as i64 - i64::from(stripped.scale);
    if whole && digits_before_point <= 20 {
        if let Ok(l) = i64::try_from(d.to_big_int()) {
            return Some(if let Ok(v) = i8::try_from(l) {
                SchemaAndValue::new(schema(SchemaType::Int8), Value::Int8(v))
            } else if let Ok(v) = i16::try_from(l) {
                SchemaAndValue::new(schema(SchemaType::Int16), Value::Int16(v))
            } else if let Ok(v) = i32::try_from(l) {
                SchemaAndValue::new(schema(SchemaType::Int32), Value::Int32(v))
            } else {
                SchemaAndValue::new(schema(SchemaType::Int64), Value::Int64(l))
            });
        }
    }
    if d.scale != 0 {
        let f = d.to_f32();
        if f.is_finite() {
            return Some(SchemaAndValue::new(
                schema(SchemaType::Float32),
                Value::Float32(f),
            ));
        }
        let g = d.to_f64();
        if g.is_finite() {
            return Some(SchemaAndValue::new(
                schema(SchemaType::Float64),
                Value::Float64(g),
            ));
        }
    }
    Some(SchemaAndValue::new(
        Some(SchemaBuilder::decimal(d.scale).build()),
        Value::Bytes(d.unscaled.to_signed_bytes_be()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(s: &str) -> SchemaAndValue {
        parse_string(s).unwrap().unwrap()
    }

    #[test]
    fn parses_scalars_with_narrowest_types() {
        assert_eq!(parsed("12").value, Value::Int8(12));
        assert_eq!(parsed("70000").value, Value::Int32(70000));
        assert_eq!(parsed("1.5").value, Value::Float32(1.5));
        assert_eq!(parsed("true").value, Value::Boolean(true));
        assert_eq!(
            parsed("hello, world").value,
            Value::String("hello, world".into())
        );
        assert!(parse_string("null").unwrap().is_none());
    }

    #[test]
    fn parses_containers_and_falls_back_to_strings() {
        let sv = parsed("[1,300]");
        assert_eq!(
            sv.value,
            Value::Array(vec![Value::Int16(1), Value::Int16(300)])
        );
        assert_eq!(
            sv.schema
                .unwrap()
                .value_schema
                .as_ref()
                .unwrap()
                .schema_type,
            SchemaType::Int16
        );
        assert_eq!(parsed("[1,\"a\",2]").schema.unwrap().value_schema, None);
        assert_eq!(parsed("{a:1}").value, Value::String("{a:1}".into()));
        // Kafka overflows its stack here and falls back to bytes; we stop early and do the same.
        let deep = "[".repeat(10_000);
        assert!(parse_string(&deep).is_err());
        let sv = SimpleHeaderConverter::new()
            .to_connect_header("t", "h", Some(deep.as_bytes()))
            .unwrap();
        assert_eq!(sv.value, Value::Bytes(deep.into_bytes()));
    }

    #[test]
    fn renders_like_values_convert_to_string() {
        let arr = Value::Array(vec![
            Value::String("a\"b".into()),
            Value::Null,
            Value::Bytes(vec![1]),
        ]);
        assert_eq!(
            convert_to_string(None, &arr).unwrap(),
            "[\"a\\\"b\",null,\"AQ==\"]"
        );
        assert_eq!(
            convert_to_string(Some(&SchemaBuilder::date().into_schema()), &Value::Int32(0))
                .unwrap(),
            "00:00:00.000Z"
        );
    }
}
