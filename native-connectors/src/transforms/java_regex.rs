//! Java `Pattern` / `Matcher` behaviour on top of the `regex` crate: whole-string `matches()`
//! and `replaceFirst` with Java replacement syntax (`$1`, `${name}`, `\$`). Java-only pattern
//! features (look-around, back-references, possessive quantifiers) are rejected as invalid.

use regex::{Captures, Regex};

#[derive(Debug, Clone)]
pub struct JavaPattern {
    find: Regex,
    whole: Regex,
}

impl JavaPattern {
    pub fn compile(source: &str) -> Result<Self, String> {
        let find = Regex::new(source).map_err(|e| e.to_string())?;
        let whole = Regex::new(&format!("^(?:{source})$")).map_err(|e| e.to_string())?;
        Ok(JavaPattern { find, whole })
    }

    /// `Matcher.matches()`: the whole input must match.
    pub fn matches(&self, input: &str) -> bool {
        self.whole.is_match(input)
    }

    /// `Matcher.replaceFirst(replacement)`.
    pub fn replace_first(&self, input: &str, replacement: &str) -> Result<String, String> {
        let Some(caps) = self.find.captures(input) else {
            return Ok(input.to_string());
        };
        let Some(m) = caps.get(0) else {
            return Ok(input.to_string());
        };
        let mut out = String::with_capacity(input.len() + replacement.len());
        out.push_str(&input[..m.start()]);
        expand(&caps, &self.find, replacement, &mut out)?;
        out.push_str(&input[m.end()..]);
        Ok(out)
    }
}

/// Java's `appendReplacement` rules: `\x` is a literal `x`; `$n` takes as many digits as
/// still name an existing group; `${name}` names a group; an unmatched group adds nothing.
fn expand(caps: &Captures, re: &Regex, replacement: &str, out: &mut String) -> Result<(), String> {
    let group_count = re.captures_len() - 1;
    let chars: Vec<char> = replacement.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                i += 1;
                let c = chars
                    .get(i)
                    .ok_or_else(|| "character to be escaped is missing".to_string())?;
                out.push(*c);
                i += 1;
            }
            '$' => {
                i += 1;
                match chars.get(i) {
                    None => {
                        return Err("Illegal group reference: group index is missing".to_string())
                    }
                    Some('{') => {
                        let end =
                            (i + 1..chars.len())
                                .find(|&j| chars[j] == '}')
                                .ok_or_else(|| {
                                    "named capturing group is missing trailing '}'".to_string()
                                })?;
                        let name: String = chars[i + 1..end].iter().collect();
                        if name.is_empty() {
                            return Err("named capturing group has 0 length name".to_string());
                        }
                        if re.capture_names().flatten().all(|n| n != name) {
                            return Err(format!("No group with name {{{name}}}"));
                        }
                        if let Some(m) = caps.name(&name) {
                            out.push_str(m.as_str());
                        }
                        i = end + 1;
                    }
                    Some(c) if c.is_ascii_digit() => {
                        let mut group = c.to_digit(10).unwrap_or(0) as usize;
                        if group > group_count {
                            return Err(format!("No group {group}"));
                        }
                        i += 1;
                        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                            let next = group * 10 + d as usize;
                            if next > group_count {
                                break;
                            }
                            group = next;
                            i += 1;
                        }
                        if let Some(m) = caps.get(group) {
                            out.push_str(m.as_str());
                        }
                    }
                    Some(_) => return Err("Illegal group reference".to_string()),
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_is_whole_string() {
        let p = JavaPattern::compile("a|ab").unwrap();
        assert!(p.matches("ab"));
        assert!(!p.matches("abc"));
    }

    #[test]
    fn java_replacement_syntax() {
        let p = JavaPattern::compile("(\\w+)-(?P<n>\\d+)").unwrap();
        assert_eq!(p.replace_first("orders-12", "$2_$1").unwrap(), "12_orders");
        assert_eq!(p.replace_first("orders-12", "${n}\\$").unwrap(), "12$");
        // `$21` is group 2 then a literal 1, since there is no group 21.
        assert_eq!(p.replace_first("orders-12", "$21").unwrap(), "121");
        assert!(p.replace_first("orders-12", "$3").is_err());
        assert!(p.replace_first("orders-12", "${x}").is_err());
        assert!(p.replace_first("orders-12", "x\\").is_err());
        assert_eq!(p.replace_first("no match", "$1").unwrap(), "no match");
    }
}
