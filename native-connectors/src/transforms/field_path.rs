//! KIP-821 field paths (`field.syntax.version`): `V1` names a top-level field; `V2` walks
//! nested structs/maps with dots, and backticks quote names that contain dots.

use connect_api::data::Field;
use connect_api::{
    ConfigKey, ConfigType, ConnectError, ConnectResult, Importance, Schema, Struct, Validator,
    Value,
};

use super::common::{field_value, map_get};

pub const FIELD_SYNTAX_VERSION_CONFIG: &str = "field.syntax.version";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSyntaxVersion {
    V1,
    V2,
}

impl FieldSyntaxVersion {
    pub fn config_key() -> ConfigKey {
        ConfigKey::new(
            FIELD_SYNTAX_VERSION_CONFIG,
            ConfigType::String,
            Importance::High,
            "Defines the version of the syntax to access fields. If set to <code>V1</code>, \
             then the field paths are limited to access the elements at the root level of the \
             struct or map. If set to <code>V2</code>, the syntax will support accessing nested \
             elements. To access nested elements, dotted notation is used. If dots are already \
             included in the field name, then backtick pairs can be used to wrap field names \
             containing dots. E.g. to access the subfield <code>baz</code> from a field named \
             \"foo.bar\" in a struct/map the following format can be used to access its \
             elements: \"<code>foo.bar</code>.baz\".",
        )
        .default_value("V1")
        .validator(Validator::one_of_ci(&["V1", "V2"]))
    }

    pub fn from_config(raw: Option<&str>) -> ConnectResult<Self> {
        match raw.map(str::to_ascii_uppercase).as_deref() {
            None | Some("V1") => Ok(FieldSyntaxVersion::V1),
            Some("V2") => Ok(FieldSyntaxVersion::V2),
            Some(_) => Err(ConnectError::config(format!(
                "Invalid value {} for configuration {FIELD_SYNTAX_VERSION_CONFIG}: Unrecognized field syntax version",
                raw.unwrap_or("null")
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleFieldPath {
    steps: Vec<String>,
}

fn incomplete_backtick(path: &str, at: usize) -> ConnectError {
    ConnectError::config(format!(
        "Incomplete backtick pair in path: [{path}], consider adding a backslash before backtick at position {at} to escape it"
    ))
}

impl SingleFieldPath {
    pub fn new(path: &str, version: FieldSyntaxVersion) -> ConnectResult<Self> {
        let steps = match version {
            FieldSyntaxVersion::V1 => vec![path.to_string()],
            FieldSyntaxVersion::V2 => Self::parse_v2(path)?,
        };
        Ok(SingleFieldPath { steps })
    }

    fn parse_v2(path: &str) -> ConnectResult<Vec<String>> {
        let chars: Vec<char> = path.chars().collect();
        let mut steps = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] != '`' {
                let start = i;
                while i < chars.len() && chars[i] != '.' {
                    i += 1;
                }
                steps.push(chars[start..i].iter().collect());
                i += 1; // past the dot (or the end)
                continue;
            }
            // A quoted step ends at a backtick that is unescaped and followed by a dot or
            // the end; other backticks are part of the name.
            let opened_at = i;
            i += 1;
            let mut name = String::new();
            loop {
                let close = (i..chars.len())
                    .find(|&j| chars[j] == '`')
                    .ok_or_else(|| incomplete_backtick(path, opened_at))?;
                let escaped = close > 0 && chars[close - 1] == '\\';
                if close + 1 >= chars.len() {
                    if escaped {
                        return Err(incomplete_backtick(path, opened_at));
                    }
                    name.extend(&chars[i..close]);
                    steps.push(std::mem::take(&mut name));
                    i = close + 1;
                    break;
                }
                if chars[close + 1] != '.' {
                    name.extend(&chars[i..=close]);
                    i = close + 1;
                    continue;
                }
                if escaped {
                    name.extend(&chars[i..close - 1]);
                    name.push('`');
                    i = close + 1;
                    continue;
                }
                name.extend(&chars[i..close]);
                steps.push(std::mem::take(&mut name));
                i = close + 2;
                break;
            }
        }
        if path.ends_with('.') {
            steps.push(String::new());
        }
        if steps.is_empty() {
            steps.push(String::new());
        }
        Ok(steps)
    }

    fn split(&self) -> (&[String], &str) {
        match self.steps.split_last() {
            Some((last, parents)) => (parents, last.as_str()),
            None => (&[], ""),
        }
    }

    pub fn field_from<'a>(&self, schema: &'a Schema) -> Option<&'a Field> {
        let (parents, last) = self.split();
        let mut current = schema;
        for step in parents {
            current = &current.field(step)?.schema;
        }
        current.field(last)
    }

    pub fn value_from_struct(&self, s: &Struct, with_default: bool) -> ConnectResult<Value> {
        let (parents, last) = self.split();
        let mut current = s;
        for step in parents {
            if current.schema.field(step).is_none() {
                return Ok(Value::Null);
            }
            match current.get(step) {
                Some(Value::Struct(inner)) => current = inner,
                None | Some(Value::Null) => return Ok(Value::Null),
                Some(other) => {
                    return Err(ConnectError::data(format!(
                        "Only Struct objects supported for [nested field access], found: {}",
                        other.type_name()
                    )))
                }
            }
        }
        if current.schema.field(last).is_none() {
            return Ok(Value::Null);
        }
        Ok(field_value(current, last, with_default))
    }

    pub fn value_from_map(&self, entries: &[(Value, Value)]) -> ConnectResult<Value> {
        let (parents, last) = self.split();
        let mut current = entries;
        for step in parents {
            match map_get(current, step) {
                Some(Value::Map(inner)) => current = inner,
                None | Some(Value::Null) => return Ok(Value::Null),
                Some(other) => {
                    return Err(ConnectError::data(format!(
                        "Only Map objects supported in absence of schema for [nested field access], found: {}",
                        other.type_name()
                    )))
                }
            }
        }
        Ok(map_get(current, last).cloned().unwrap_or(Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(p: &str) -> Vec<String> {
        SingleFieldPath::new(p, FieldSyntaxVersion::V2)
            .unwrap()
            .steps
    }

    #[test]
    fn v2_paths() {
        assert_eq!(steps("a.b.c"), ["a", "b", "c"]);
        assert_eq!(steps("`a.b`.c"), ["a.b", "c"]);
        assert_eq!(steps("a.`b.c`"), ["a", "b.c"]);
        assert_eq!(steps("`a`b`.c"), ["a`b", "c"]);
        assert_eq!(steps("`a\\`.b`.c"), ["a`.b", "c"]);
        assert_eq!(steps("a."), ["a", ""]);
        assert!(SingleFieldPath::new("`a.b", FieldSyntaxVersion::V2).is_err());
        assert_eq!(
            SingleFieldPath::new("a.b", FieldSyntaxVersion::V1)
                .unwrap()
                .steps,
            ["a.b"]
        );
    }
}
