//! Normalising responses and diffing them.

use serde_json::{Map, Value};

/// Per-target strings that are replaced by placeholders in every key and string value.
pub struct Subst<'a> {
    /// The target's name token (connector, topic and logger names contain it) → `{T}`.
    pub token: &'a str,
    /// The target's scratch directory → `{DIR}`.
    pub dir: &'a str,
    /// The target's base URL → `{BASE}` (only absolute `Location` headers contain it).
    pub base: &'a str,
}

impl Subst<'_> {
    pub fn apply_str(&self, s: &str) -> String {
        s.replace(self.base, "{BASE}")
            .replace(self.dir, "{DIR}")
            .replace(self.token, "{T}")
    }

    pub fn apply(&self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.apply_str(s),
            Value::Array(a) => a.iter_mut().for_each(|x| self.apply(x)),
            Value::Object(m) => {
                let old = std::mem::take(m);
                for (k, mut x) in old {
                    self.apply(&mut x);
                    m.insert(self.apply_str(&k), x);
                }
            }
            _ => {}
        }
    }
}

/// Values that differ between any two workers by nature: who answered, when, which build.
/// Presence and JSON type are still compared; only the text is masked.
pub fn mask_volatile(v: &mut Value) {
    match v {
        Value::Array(a) => a.iter_mut().for_each(mask_volatile),
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match (k.as_str(), &*x) {
                    (
                        "worker_id" | "trace" | "version" | "commit" | "kafka_cluster_id",
                        Value::String(_),
                    ) => *x = Value::String(format!("<{k}>")),
                    ("last_modified", Value::Number(_)) => *x = Value::String("<timestamp>".into()),
                    _ => mask_volatile(x),
                }
            }
        }
        _ => {}
    }
}

/// A per-check normalisation, applied to every target's body before diffing.
#[derive(Clone, Debug)]
pub enum Norm {
    /// The array at this pointer has no specified order: sort it.
    Sort(&'static str),
    /// The array at this pointer becomes an object keyed by the given fields (joined with a
    /// space; a field may be `a/b` for nested keys and `x|y` for the first present), so
    /// differences are reported per entry. `ordered` adds `#order`, the keys in list order.
    KeyBy {
        ptr: &'static str,
        fields: &'static [&'static str],
        ordered: bool,
    },
    /// Keep only the entries (array strings or object keys) of this run's scenario: other
    /// connectors on the same long-lived Kafka worker must not leak into the comparison.
    OnlyToken(&'static str),
    /// Drop object keys that start with this prefix but belong to another run (no `{T}`): names
    /// a long-lived Kafka worker still remembers from earlier runs of the suite.
    DropOtherRuns(&'static str, &'static str),
    /// The string at this pointer embeds a Java `Map.toString()` (`{a=b, c=d}`) whose order is
    /// `HashMap` iteration order, i.e. unspecified: sort its entries.
    SortJavaMap(&'static str),
}

impl Norm {
    pub fn apply(&self, v: &mut Value) {
        match self {
            Norm::Sort(ptr) => for_each_at(v, ptr, &mut |x| {
                if let Value::Array(a) = x {
                    a.sort_by_key(canonical);
                }
            }),
            Norm::KeyBy {
                ptr,
                fields,
                ordered,
            } => for_each_at(v, ptr, &mut |x| {
                if let Value::Array(a) = x {
                    let mut m = Map::new();
                    let mut order = Vec::new();
                    for (i, item) in std::mem::take(a).into_iter().enumerate() {
                        let mut key = fields
                            .iter()
                            .map(|f| field_text(&item, f))
                            .collect::<Vec<_>>()
                            .join(" ");
                        if key.trim().is_empty() || m.contains_key(&key) {
                            key = format!("{key}#{i}");
                        }
                        order.push(Value::String(key.clone()));
                        m.insert(key, item);
                    }
                    if *ordered {
                        // One string, so a different order is one difference.
                        let order: Vec<&str> = order.iter().filter_map(Value::as_str).collect();
                        m.insert("#order".into(), Value::String(order.join(", ")));
                    }
                    *x = Value::Object(m);
                }
            }),
            Norm::OnlyToken(ptr) => for_each_at(v, ptr, &mut |x| match x {
                Value::Array(a) => a.retain(|e| e.as_str().is_some_and(|s| s.contains("{T}"))),
                Value::Object(m) => m.retain(|k, _| k.contains("{T}")),
                _ => {}
            }),
            Norm::DropOtherRuns(ptr, prefix) => for_each_at(v, ptr, &mut |x| {
                if let Value::Object(m) = x {
                    m.retain(|k, _| !k.starts_with(prefix) || k.contains("{T}"));
                }
            }),
            Norm::SortJavaMap(ptr) => for_each_at(v, ptr, &mut |x| {
                if let Value::String(s) = x {
                    *s = sort_java_map(s);
                }
            }),
        }
    }
}

fn field_text(item: &Value, field: &str) -> String {
    for alt in field.split('|') {
        let mut cur = Some(item);
        for seg in alt.split('/') {
            cur = cur.and_then(|c| c.get(seg));
        }
        match cur {
            Some(Value::String(s)) => return s.clone(),
            Some(Value::Null) | None => continue,
            Some(other) => return other.to_string(),
        }
    }
    String::new()
}

fn sort_java_map(s: &str) -> String {
    let (Some(open), Some(close)) = (s.find('{'), s.rfind('}')) else {
        return s.to_string();
    };
    if close < open {
        return s.to_string();
    }
    let mut entries: Vec<&str> = s[open + 1..close].split(", ").collect();
    entries.sort_unstable();
    format!(
        "{}{{{}}}{}",
        &s[..open],
        entries.join(", "),
        &s[close + 1..]
    )
}

/// Calls `f` on every value at `ptr` (`""` is the root; a `*` segment means every element).
pub fn for_each_at(v: &mut Value, ptr: &str, f: &mut dyn FnMut(&mut Value)) {
    let segs: Vec<&str> = if ptr.is_empty() {
        Vec::new()
    } else {
        ptr.trim_start_matches('/').split('/').collect()
    };
    walk(v, &segs, f);
}

fn walk(v: &mut Value, segs: &[&str], f: &mut dyn FnMut(&mut Value)) {
    let Some((first, rest)) = segs.split_first() else {
        f(v);
        return;
    };
    match (v, *first) {
        (Value::Array(a), "*") => a.iter_mut().for_each(|x| walk(x, rest, f)),
        (Value::Object(m), "*") => m.values_mut().for_each(|x| walk(x, rest, f)),
        (Value::Array(a), idx) => {
            if let Some(x) = idx.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                walk(x, rest, f);
            }
        }
        (Value::Object(m), key) => {
            if let Some(x) = m.get_mut(key) {
                walk(x, rest, f);
            }
        }
        _ => {}
    }
}

/// JSON text with object keys sorted: a stable sort key and a readable rendering.
pub fn canonical(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for k in keys {
                    out.insert(k.clone(), sorted(&m[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

/// What kind of difference: the table has one column per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiffKind {
    /// HTTP status code.
    Status,
    /// JSON structure: a key present on one side only, or a different JSON type.
    Shape,
    /// Same structure, different value (incl. `Location`/`Content-Type` headers).
    Value,
}

impl DiffKind {
    pub fn label(self) -> &'static str {
        match self {
            DiffKind::Status => "status",
            DiffKind::Shape => "shape",
            DiffKind::Value => "value",
        }
    }
}

/// One difference between the reference and the gateway.
#[derive(Clone, Debug, PartialEq)]
pub struct Diff {
    /// JSON pointer into the normalised body, or `(status)`, `(location)`, `(content-type)`,
    /// `(wait)`.
    pub at: String,
    pub kind: DiffKind,
    pub reference: String,
    pub gateway: String,
}

pub fn short(v: Option<&Value>) -> String {
    let s = match v {
        None => "<absent>".to_string(),
        Some(Value::String(s)) => format!("{s:?}"),
        Some(other) => canonical(other),
    };
    if s.chars().count() > 500 {
        format!("{}…", s.chars().take(500).collect::<String>())
    } else {
        s
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Structural diff of two normalised bodies (`None` = empty body).
pub fn diff_bodies(reference: Option<&Value>, gateway: Option<&Value>, out: &mut Vec<Diff>) {
    match (reference, gateway) {
        (None, None) => {}
        (Some(r), Some(g)) => diff_values(r, g, "", out),
        (r, g) => out.push(Diff {
            at: String::new(),
            kind: DiffKind::Shape,
            reference: r.map_or("<empty body>".into(), |v| short(Some(v))),
            gateway: g.map_or("<empty body>".into(), |v| short(Some(v))),
        }),
    }
}

fn diff_values(r: &Value, g: &Value, at: &str, out: &mut Vec<Diff>) {
    match (r, g) {
        (Value::Object(rm), Value::Object(gm)) => {
            let mut keys: Vec<&String> = rm.keys().chain(gm.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{at}/{k}");
                match (rm.get(k), gm.get(k)) {
                    (Some(rv), Some(gv)) => diff_values(rv, gv, &p, out),
                    (rv, gv) => out.push(Diff {
                        at: p,
                        kind: DiffKind::Shape,
                        reference: short(rv),
                        gateway: short(gv),
                    }),
                }
            }
        }
        // Arrays of different lengths are one difference (element-wise ones would only echo it).
        (Value::Array(ra), Value::Array(ga)) if ra.len() != ga.len() => out.push(Diff {
            at: format!("{at}/#len"),
            kind: DiffKind::Value,
            reference: format!("{} items: {}", ra.len(), short(Some(r))),
            gateway: format!("{} items: {}", ga.len(), short(Some(g))),
        }),
        (Value::Array(ra), Value::Array(ga)) => {
            for (i, (rv, gv)) in ra.iter().zip(ga.iter()).enumerate() {
                diff_values(rv, gv, &format!("{at}/{i}"), out);
            }
        }
        _ if type_name(r) != type_name(g) => out.push(Diff {
            at: at.to_string(),
            kind: DiffKind::Shape,
            reference: short(Some(r)),
            gateway: short(Some(g)),
        }),
        _ if r != g => out.push(Diff {
            at: at.to_string(),
            kind: DiffKind::Value,
            reference: short(Some(r)),
            gateway: short(Some(g)),
        }),
        _ => {}
    }
}

/// `*` matches any run of characters (including none); everything else is literal.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn globs() {
        assert!(glob("/org.apache.*", "/org.apache.kafka.X"));
        assert!(!glob("/org.apache.*", "/org.example.{T}"));
        assert!(glob("*", ""));
        assert!(glob("(status)", "(status)"));
        assert!(glob(
            "/configs/*/value/errors/*",
            "/configs/topics/value/errors/0"
        ));
    }

    #[test]
    fn diffs_classify_shape_and_value() {
        let mut out = Vec::new();
        diff_bodies(
            Some(&json!({"a": 1, "b": "x", "c": [1, 2]})),
            Some(&json!({"a": "1", "b": "y", "d": true, "c": [1]})),
            &mut out,
        );
        let kinds: Vec<(String, DiffKind)> = out.iter().map(|d| (d.at.clone(), d.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("/a".to_string(), DiffKind::Shape),
                ("/b".to_string(), DiffKind::Value),
                ("/c/#len".to_string(), DiffKind::Value),
                ("/d".to_string(), DiffKind::Shape),
            ]
        );
    }

    #[test]
    fn norms() {
        let mut v =
            json!({"m": "Connector config {name=x, topic=b, file=/a} contains no connector type"});
        Norm::SortJavaMap("/m").apply(&mut v);
        assert_eq!(
            v["m"],
            "Connector config {file=/a, name=x, topic=b} contains no connector type"
        );
        let mut v = json!([{"class": "B", "type": "sink"}, {"class": "A", "type": "source"}]);
        Norm::KeyBy {
            ptr: "",
            fields: &["type", "class"],
            ordered: true,
        }
        .apply(&mut v);
        assert_eq!(v["#order"], json!("sink B, source A"));
        let mut v = json!({"a-{T}": 1, "other": 2});
        Norm::OnlyToken("").apply(&mut v);
        assert_eq!(v, json!({"a-{T}": 1}));
        let mut v = json!({"connector": {"worker_id": "h:1", "trace": "x", "version": "4"}, "last_modified": 5});
        mask_volatile(&mut v);
        assert_eq!(
            v,
            json!({"connector": {"worker_id": "<worker_id>", "trace": "<trace>", "version": "<version>"}, "last_modified": "<timestamp>"})
        );
    }
}
