//! A JSON tree that keeps what Jackson's `JsonNode` keeps (int vs long vs float vs double vs
//! `BigDecimal`, binary) and a writer/reader producing the same bytes Kafka's
//! `JsonSerializer`/`JsonDeserializer` do. `serde_json` would lose number kinds and scales.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use num_bigint::BigInt;

use super::java_fmt::{double_to_string, float_to_string, BigDec};

#[derive(Debug, Clone, PartialEq)]
pub enum JsonNode {
    /// Empty input (Jackson's `MissingNode`).
    Missing,
    Null,
    Bool(bool),
    /// `IntNode`/`LongNode`.
    Int(i64),
    BigInt(BigInt),
    Float(f32),
    Double(f64),
    Decimal(BigDec),
    Text(String),
    Binary(Vec<u8>),
    Array(Vec<JsonNode>),
    Object(Vec<(String, JsonNode)>),
}

impl JsonNode {
    /// Jackson's `JsonNodeType` name, used in Kafka's error messages.
    pub fn node_type(&self) -> &'static str {
        match self {
            JsonNode::Missing => "MISSING",
            JsonNode::Null => "NULL",
            JsonNode::Bool(_) => "BOOLEAN",
            JsonNode::Int(_)
            | JsonNode::BigInt(_)
            | JsonNode::Float(_)
            | JsonNode::Double(_)
            | JsonNode::Decimal(_) => "NUMBER",
            JsonNode::Text(_) => "STRING",
            JsonNode::Binary(_) => "BINARY",
            JsonNode::Array(_) => "ARRAY",
            JsonNode::Object(_) => "OBJECT",
        }
    }

    pub fn get(&self, key: &str) -> Option<&JsonNode> {
        match self {
            JsonNode::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn is_null_or_missing(&self) -> bool {
        matches!(self, JsonNode::Null | JsonNode::Missing)
    }

    pub fn is_number(&self) -> bool {
        self.node_type() == "NUMBER"
    }

    pub fn is_integral(&self) -> bool {
        matches!(self, JsonNode::Int(_) | JsonNode::BigInt(_))
    }

    /// Jackson's `isInt()`: an integer literal that fits in 32 bits.
    pub fn is_int(&self) -> bool {
        matches!(self, JsonNode::Int(v) if i32::try_from(*v).is_ok())
    }

    /// `JsonNode.longValue()`: numbers are truncated/wrapped like Java casts, anything else is 0.
    pub fn long_value(&self) -> i64 {
        match self {
            JsonNode::Int(v) => *v,
            JsonNode::BigInt(b) => super::java_fmt::big_int_low_i64(b),
            JsonNode::Decimal(d) => super::java_fmt::big_int_low_i64(&d.to_big_int()),
            JsonNode::Float(f) => *f as i64,
            JsonNode::Double(d) => *d as i64,
            _ => 0,
        }
    }

    /// `JsonNode.intValue()`.
    pub fn int_value(&self) -> i32 {
        match self {
            JsonNode::Float(f) => *f as i32,
            JsonNode::Double(d) => *d as i32,
            other => other.long_value() as i32,
        }
    }

    pub fn double_value(&self) -> f64 {
        match self {
            JsonNode::Int(v) => *v as f64,
            JsonNode::BigInt(b) => b.to_string().parse().unwrap_or(0.0),
            JsonNode::Decimal(d) => d.to_f64(),
            JsonNode::Float(f) => f64::from(*f),
            JsonNode::Double(d) => *d,
            _ => 0.0,
        }
    }

    pub fn float_value(&self) -> f32 {
        match self {
            JsonNode::Int(v) => *v as f32,
            JsonNode::BigInt(b) => b.to_string().parse().unwrap_or(0.0),
            JsonNode::Decimal(d) => d.to_f32(),
            JsonNode::Float(f) => *f,
            JsonNode::Double(d) => *d as f32,
            _ => 0.0,
        }
    }

    /// `decimalValue()` for number nodes.
    pub fn decimal_value(&self) -> Option<BigDec> {
        match self {
            JsonNode::Int(v) => Some(BigDec {
                unscaled: BigInt::from(*v),
                scale: 0,
            }),
            JsonNode::BigInt(b) => Some(BigDec {
                unscaled: b.clone(),
                scale: 0,
            }),
            JsonNode::Decimal(d) => Some(d.clone()),
            JsonNode::Float(f) => BigDec::parse(&format!("{f:e}")),
            JsonNode::Double(d) => BigDec::parse(&format!("{d:e}")),
            _ => None,
        }
    }

    /// `binaryValue()`: binary nodes as-is, text decoded as base64, otherwise `Ok(None)`.
    pub fn binary_value(&self) -> Result<Option<Vec<u8>>, String> {
        match self {
            JsonNode::Binary(b) => Ok(Some(b.clone())),
            JsonNode::Text(t) => decode_base64(t).map(Some),
            _ => Ok(None),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        write_node(&mut out, self);
        out.into_bytes()
    }
}

fn decode_base64(t: &str) -> Result<Vec<u8>, String> {
    let cleaned = t.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(cleaned)
        .map_err(|e| {
            format!(
                "Cannot access contents of TextNode as binary due to broken Base64 encoding: {e}"
            )
        })
}

fn write_node(out: &mut String, node: &JsonNode) {
    match node {
        JsonNode::Missing | JsonNode::Null => out.push_str("null"),
        JsonNode::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonNode::Int(v) => out.push_str(&v.to_string()),
        JsonNode::BigInt(v) => out.push_str(&v.to_string()),
        // Jackson quotes non-finite numbers (WRITE_NAN_AS_STRINGS).
        JsonNode::Float(f) if !f.is_finite() => write_string(out, &float_to_string(*f)),
        JsonNode::Float(f) => out.push_str(&float_to_string(*f)),
        JsonNode::Double(d) if !d.is_finite() => write_string(out, &double_to_string(*d)),
        JsonNode::Double(d) => out.push_str(&double_to_string(*d)),
        JsonNode::Decimal(d) => out.push_str(&d.to_java_string()),
        JsonNode::Text(s) => write_string(out, s),
        JsonNode::Binary(b) => {
            out.push('"');
            out.push_str(&STANDARD.encode(b));
            out.push('"');
        }
        JsonNode::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_node(out, item);
            }
            out.push(']');
        }
        JsonNode::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_node(out, v);
            }
            out.push('}');
        }
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_u_escape(out: &mut String, unit: u16) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from((unit >> shift) & 0xF)] as char);
    }
}

/// Jackson's escaping: short forms for the usual controls, `\uXXXX` (upper-case) for other
/// controls and for characters outside the BMP; everything else raw UTF-8.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => push_u_escape(out, c as u16),
            c if (c as u32) > 0xFFFF => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    push_u_escape(out, *u);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses like `ObjectMapper.readTree(byte[])` with `USE_BIG_DECIMAL_FOR_FLOATS`: empty input
/// is `Missing`, content after the first value is ignored, floats keep their exact scale.
pub fn parse(bytes: &[u8]) -> Result<JsonNode, String> {
    let mut p = Parser { b: bytes, i: 0 };
    p.skip_ws();
    if p.i >= p.b.len() {
        return Ok(JsonNode::Missing);
    }
    p.value(0)
}

const MAX_DEPTH: usize = 1000;

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at byte offset {}", self.i))
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn literal(&mut self, word: &str, node: JsonNode) -> Result<JsonNode, String> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(node)
        } else {
            self.err("Unrecognized token")
        }
    }

    fn value(&mut self, depth: usize) -> Result<JsonNode, String> {
        if depth > MAX_DEPTH {
            return self.err("Document nesting depth exceeds the maximum allowed");
        }
        self.skip_ws();
        match self.peek() {
            None => self.err("Unexpected end-of-input"),
            Some(b'{') => {
                self.i += 1;
                let mut fields: Vec<(String, JsonNode)> = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(JsonNode::Object(fields));
                }
                loop {
                    self.skip_ws();
                    if self.peek() != Some(b'"') {
                        return self.err(
                            "Unexpected character, was expecting double-quote to start field name",
                        );
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek() != Some(b':') {
                        return self.err("Unexpected character, was expecting a colon to separate field name and value");
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    // ObjectNode.set: a repeated name keeps its place and takes the new value.
                    match fields.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = v,
                        None => fields.push((key, v)),
                    }
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(JsonNode::Object(fields));
                        }
                        _ => return self.err(
                            "Unexpected character, was expecting comma to separate Object entries",
                        ),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(JsonNode::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(JsonNode::Array(items));
                        }
                        _ => return self.err(
                            "Unexpected character, was expecting comma to separate Array entries",
                        ),
                    }
                }
            }
            Some(b'"') => Ok(JsonNode::Text(self.string()?)),
            Some(b't') => self.literal("true", JsonNode::Bool(true)),
            Some(b'f') => self.literal("false", JsonNode::Bool(false)),
            Some(b'n') => self.literal("null", JsonNode::Null),
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(),
            Some(_) => self.err("Unexpected character"),
        }
    }

    fn number(&mut self) -> Result<JsonNode, String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        let int_len = self.i - int_start;
        if int_len == 0 {
            return self.err("Unexpected character in number");
        }
        if int_len > 1 && self.b[int_start] == b'0' {
            return self.err("Invalid numeric value: Leading zeroes not allowed");
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            is_float = true;
            self.i += 1;
            let f = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == f {
                return self.err("Unexpected character: Decimal point not followed by a digit");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            is_float = true;
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let e = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == e {
                return self
                    .err("Unexpected character: Exponent indicator not followed by a digit");
            }
        }
        // Only ASCII digits and signs were consumed.
        let text = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
        if is_float {
            return BigDec::parse(&text)
                .map(JsonNode::Decimal)
                .ok_or_else(|| format!("Invalid numeric value: {text}"));
        }
        match text.parse::<i64>() {
            Ok(v) => Ok(JsonNode::Int(v)),
            Err(_) => text
                .parse::<BigInt>()
                .map(JsonNode::BigInt)
                .map_err(|_| format!("Invalid numeric value: {text}")),
        }
    }

    fn hex4(&mut self) -> Result<u16, String> {
        let Some(chunk) = self.b.get(self.i..self.i + 4) else {
            return self.err("Unexpected end-of-input in character escape sequence");
        };
        let s = std::str::from_utf8(chunk)
            .map_err(|_| "Illegal character in unicode escape".to_string())?;
        let v = u16::from_str_radix(s, 16)
            .map_err(|_| "Unexpected character in unicode escape".to_string())?;
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let run_start = self.i;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            let run = std::str::from_utf8(&self.b[run_start..self.i])
                .map_err(|e| format!("Invalid UTF-8 in string: {e}"))?;
            out.push_str(run);
            match self.peek() {
                None => return self.err("Unexpected end-of-input in string"),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return self.err("Unexpected end-of-input in character escape sequence");
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let mut units = vec![hi];
                            if (0xD800..0xDC00).contains(&hi)
                                && self.b[self.i..].starts_with(b"\\u")
                            {
                                self.i += 2;
                                units.push(self.hex4()?);
                            }
                            // Java strings tolerate lone surrogates; Rust's can't, so they become U+FFFD.
                            out.push_str(&String::from_utf16_lossy(&units));
                        }
                        _ => return self.err("Unrecognized character escape"),
                    }
                }
                Some(_) => {
                    return self
                        .err("Illegal unquoted character: control characters must be escaped")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_like_jackson() {
        let n = JsonNode::Object(vec![
            ("s".into(), JsonNode::Text("a\"\\\u{1}\u{1F600}é".into())),
            ("d".into(), JsonNode::Double(1e10)),
            ("n".into(), JsonNode::Double(f64::NAN)),
            ("b".into(), JsonNode::Binary(vec![0, 1, 2])),
        ]);
        assert_eq!(
            String::from_utf8(n.to_bytes()).unwrap(),
            "{\"s\":\"a\\\"\\\\\\u0001\\uD83D\\uDE00é\",\"d\":1.0E10,\"n\":\"NaN\",\"b\":\"AAEC\"}"
        );
    }

    #[test]
    fn parses_numbers_exactly() {
        let n = parse(b"[1, 2.50, 12345678901234567890, -0, 1e3]").unwrap();
        let JsonNode::Array(items) = n else { panic!() };
        assert_eq!(items[0], JsonNode::Int(1));
        assert_eq!(items[1].decimal_value().unwrap().scale, 2);
        assert!(matches!(items[2], JsonNode::BigInt(_)));
        assert_eq!(items[3], JsonNode::Int(0));
        assert_eq!(items[4].double_value(), 1000.0);
        assert_eq!(parse(b"  ").unwrap(), JsonNode::Missing);
        assert_eq!(parse(b"1 trailing").unwrap(), JsonNode::Int(1));
        assert!(parse(b"{\"a\":").is_err());
        assert!(parse(b"01").is_err());
        assert!(parse(b"\"\\ud83d\\ude00\"").unwrap() == JsonNode::Text("\u{1F600}".into()));
        let deep = "[".repeat(5000);
        assert!(parse(deep.as_bytes()).is_err());
    }
}
