//! A subset of `java.text.SimpleDateFormat`, always in UTC, for `TimestampRouter` and
//! `TimestampConverter`. Supported letters: `y Y M L d D E u a H k K h m s S z Z X`, plus
//! `'quoted'` literals and `''` for a quote. Era and week letters (`G w W F`) are rejected
//! rather than silently mis-rendered.

const MILLIS_PER_DAY: i64 = 86_400_000;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Index 0 is Sunday, like `Calendar.SUNDAY - 1`.
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(String),
    Field { letter: char, count: usize },
}

#[derive(Debug, Clone)]
pub struct SimpleDateFormat {
    pattern: String,
    tokens: Vec<Token>,
}

/// Days since 1970-01-01 for a proleptic Gregorian date; months outside 1..=12 roll over the
/// year the way a lenient `Calendar` does.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year + (month - 1).div_euclid(12);
    let month = (month - 1).rem_euclid(12) + 1;
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + (day - 1)
}

/// (year, month 1..=12, day 1..=31) for days since the epoch.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_numeric_field(t: &Token) -> bool {
    match t {
        Token::Field { letter, count } => match letter {
            'M' | 'L' => *count < 3,
            'y' | 'Y' | 'd' | 'D' | 'u' | 'H' | 'k' | 'K' | 'h' | 'm' | 's' | 'S' => true,
            _ => false,
        },
        Token::Literal(_) => false,
    }
}

impl SimpleDateFormat {
    /// Compiles a pattern; the error reads like Java's `IllegalArgumentException` message.
    pub fn new(pattern: &str) -> Result<Self, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens: Vec<Token> = Vec::new();
        let mut literal = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                if chars.get(i + 1) == Some(&'\'') {
                    literal.push('\'');
                    i += 2;
                    continue;
                }
                // Quoted text runs to the next lone quote; `''` inside stays a quote.
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("Unterminated quote".to_string()),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            literal.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(other) => {
                            literal.push(*other);
                            i += 1;
                        }
                    }
                }
                continue;
            }
            if c.is_ascii_alphabetic() {
                match c {
                    'y' | 'Y' | 'M' | 'L' | 'd' | 'D' | 'E' | 'u' | 'a' | 'H' | 'k' | 'K' | 'h'
                    | 'm' | 's' | 'S' | 'z' | 'Z' | 'X' => {}
                    'G' | 'w' | 'W' | 'F' => {
                        return Err(format!("Unsupported pattern character '{c}'"));
                    }
                    _ => return Err(format!("Illegal pattern character '{c}'")),
                }
                let mut count = 1;
                while chars.get(i + count) == Some(&c) {
                    count += 1;
                }
                if !literal.is_empty() {
                    tokens.push(Token::Literal(std::mem::take(&mut literal)));
                }
                tokens.push(Token::Field { letter: c, count });
                i += count;
                continue;
            }
            literal.push(c);
            i += 1;
        }
        if !literal.is_empty() {
            tokens.push(Token::Literal(literal));
        }
        Ok(SimpleDateFormat {
            pattern: pattern.to_string(),
            tokens,
        })
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Renders epoch millis in UTC.
    pub fn format(&self, epoch_millis: i64) -> String {
        let days = epoch_millis.div_euclid(MILLIS_PER_DAY);
        let ms_of_day = epoch_millis.rem_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let hour = ms_of_day / 3_600_000;
        let minute = ms_of_day / 60_000 % 60;
        let second = ms_of_day / 1000 % 60;
        let millis = ms_of_day % 1000;
        let weekday = (days + 4).rem_euclid(7) as usize;
        let mut out = String::new();
        let pad = |out: &mut String, v: i64, width: usize| {
            out.push_str(&format!("{v:0width$}"));
        };
        for t in &self.tokens {
            match t {
                Token::Literal(s) => out.push_str(s),
                Token::Field { letter, count } => {
                    let count = *count;
                    match letter {
                        'y' | 'Y' => {
                            if count == 2 {
                                pad(&mut out, year.rem_euclid(100), 2);
                            } else {
                                pad(&mut out, year, count);
                            }
                        }
                        'M' | 'L' => {
                            let name = MONTHS[(month - 1) as usize];
                            if count >= 4 {
                                out.push_str(name);
                            } else if count == 3 {
                                out.push_str(&name[..3]);
                            } else {
                                pad(&mut out, month, count);
                            }
                        }
                        'd' => pad(&mut out, day, count),
                        'D' => pad(&mut out, days - days_from_civil(year, 1, 1) + 1, count),
                        'E' => {
                            let name = WEEKDAYS[weekday];
                            out.push_str(if count >= 4 { name } else { &name[..3] });
                        }
                        'u' => pad(
                            &mut out,
                            if weekday == 0 { 7 } else { weekday as i64 },
                            count,
                        ),
                        'a' => out.push_str(if hour < 12 { "AM" } else { "PM" }),
                        'H' => pad(&mut out, hour, count),
                        'k' => pad(&mut out, if hour == 0 { 24 } else { hour }, count),
                        'K' => pad(&mut out, hour % 12, count),
                        'h' => pad(&mut out, if hour % 12 == 0 { 12 } else { hour % 12 }, count),
                        'm' => pad(&mut out, minute, count),
                        's' => pad(&mut out, second, count),
                        'S' => pad(&mut out, millis, count),
                        'z' => out.push_str(if count >= 4 {
                            "Coordinated Universal Time"
                        } else {
                            "UTC"
                        }),
                        'Z' => out.push_str("+0000"),
                        'X' => out.push('Z'),
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// Parses like a lenient `SimpleDateFormat.parse(String)`: out-of-range fields roll over
    /// and text after the pattern is ignored. Returns epoch millis.
    pub fn parse(&self, text: &str) -> Option<i64> {
        let chars: Vec<char> = text.chars().collect();
        let mut pos = 0usize;
        let (mut year, mut month, mut day) = (1970i64, 1i64, 1i64);
        let mut day_of_year: Option<i64> = None;
        let (mut hour, mut minute, mut second, mut millis) = (0i64, 0i64, 0i64, 0i64);
        let mut hour12: Option<i64> = None;
        let mut pm: Option<bool> = None;
        let mut offset_minutes = 0i64;
        for (idx, t) in self.tokens.iter().enumerate() {
            match t {
                Token::Literal(s) => {
                    for c in s.chars() {
                        if chars.get(pos) != Some(&c) {
                            return None;
                        }
                        pos += 1;
                    }
                }
                Token::Field { letter, count } => {
                    let count = *count;
                    if is_numeric_field(t) {
                        // Abutting numeric fields (`yyyyMMdd`) take exactly their width.
                        let fixed = self.tokens.get(idx + 1).is_some_and(is_numeric_field);
                        let neg = *letter != 'S' && chars.get(pos) == Some(&'-');
                        let start = if neg { pos + 1 } else { pos };
                        let mut end = start;
                        while end < chars.len()
                            && chars[end].is_ascii_digit()
                            && (!fixed || end - start < count)
                        {
                            end += 1;
                        }
                        if end == start {
                            return None;
                        }
                        let digits: String = chars[start..end].iter().collect();
                        let mut v: i64 = digits.parse().ok()?;
                        if neg {
                            v = -v;
                        }
                        match letter {
                            'y' | 'Y' => {
                                year = if count <= 2 && end - start == 2 && !neg {
                                    two_digit_year(v)
                                } else {
                                    v
                                }
                            }
                            'M' | 'L' => month = v,
                            'd' => day = v,
                            'D' => day_of_year = Some(v),
                            'u' => {}
                            'H' => hour = v,
                            'k' => hour = if v == 24 { 0 } else { v },
                            'K' => hour12 = Some(v),
                            'h' => hour12 = Some(if v == 12 { 0 } else { v }),
                            'm' => minute = v,
                            's' => second = v,
                            'S' => millis = v,
                            _ => {}
                        }
                        pos = end;
                        continue;
                    }
                    match letter {
                        'M' | 'L' => {
                            let (i, len) = match_name(&chars[pos..], &MONTHS)?;
                            month = i as i64 + 1;
                            pos += len;
                        }
                        'E' => {
                            let (_, len) = match_name(&chars[pos..], &WEEKDAYS)?;
                            pos += len;
                        }
                        'a' => {
                            let (i, len) = match_name(&chars[pos..], &["AM", "PM"])?;
                            pm = Some(i == 1);
                            pos += len;
                        }
                        'z' | 'Z' | 'X' => {
                            let (mins, len) = parse_zone(&chars[pos..])?;
                            offset_minutes = mins;
                            pos += len;
                        }
                        _ => return None,
                    }
                }
            }
        }
        if let Some(h) = hour12 {
            hour = h + if pm == Some(true) { 12 } else { 0 };
        } else if let Some(p) = pm {
            // `a` without `h`/`K` still shifts a 24-hour value the way Calendar does.
            if p && hour < 12 {
                hour += 12;
            }
        }
        let days = match day_of_year {
            Some(doy) => days_from_civil(year, 1, 1) + doy - 1,
            None => days_from_civil(year, month, day),
        };
        let total = days
            .checked_mul(MILLIS_PER_DAY)?
            .checked_add(hour.checked_mul(3_600_000)?)?
            .checked_add(minute.checked_mul(60_000)?)?
            .checked_add(second.checked_mul(1000)?)?
            .checked_add(millis)?
            .checked_sub(offset_minutes.checked_mul(60_000)?)?;
        Some(total)
    }
}

/// Java puts two-digit years within 80 years before and 20 years after "now".
fn two_digit_year(v: i64) -> i64 {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let (this_year, _, _) = civil_from_days(now_ms.div_euclid(MILLIS_PER_DAY));
    let start = this_year - 80;
    let mut y = start - start.rem_euclid(100) + v;
    if y < start {
        y += 100;
    }
    y
}

/// Matches a full name, then its three-letter form, case-insensitively: (index, chars used).
fn match_name(input: &[char], names: &[&str]) -> Option<(usize, usize)> {
    let starts_with = |word: &str| {
        let n = word.chars().count();
        input.len() >= n
            && input[..n]
                .iter()
                .zip(word.chars())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    };
    for (i, name) in names.iter().enumerate() {
        if starts_with(name) {
            return Some((i, name.chars().count()));
        }
    }
    for (i, name) in names.iter().enumerate() {
        if name.len() > 3 && starts_with(&name[..3]) {
            return Some((i, 3));
        }
    }
    None
}

/// `Z`, `UTC`, `GMT`, `+hh`, `+hhmm`, `+hh:mm` (optionally after `UTC`/`GMT`): (minutes east, chars used).
fn parse_zone(input: &[char]) -> Option<(i64, usize)> {
    if input.first() == Some(&'Z') {
        return Some((0, 1));
    }
    let mut pos = 0;
    let prefixed = ["UTC", "GMT"].iter().any(|p| {
        input.len() >= 3
            && input[..3]
                .iter()
                .zip(p.chars())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    });
    if prefixed {
        pos = 3;
    }
    let sign = match input.get(pos) {
        Some('+') => 1,
        Some('-') => -1,
        _ => return if prefixed { Some((0, 3)) } else { None },
    };
    pos += 1;
    let digit = |i: usize| input.get(i).and_then(|c| c.to_digit(10)).map(i64::from);
    let h = digit(pos)? * 10 + digit(pos + 1)?;
    pos += 2;
    let mut m = 0;
    if input.get(pos) == Some(&':') {
        m = digit(pos + 1)? * 10 + digit(pos + 2)?;
        pos += 3;
    } else if let (Some(a), Some(b)) = (digit(pos), digit(pos + 1)) {
        m = a * 10 + b;
        pos += 2;
    }
    Some((sign * (h * 60 + m), pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000i64, -1, 0, 59, 365, 11_016, 19_723, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(days_from_civil(2024, 13, 1), days_from_civil(2025, 1, 1));
    }

    #[test]
    fn formats_common_patterns() {
        // 2024-02-29T13:05:09.007Z
        let ts = 1_709_211_909_007;
        let f = |p: &str| SimpleDateFormat::new(p).unwrap().format(ts);
        assert_eq!(f("yyyyMMdd"), "20240229");
        assert_eq!(
            f("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"),
            "2024-02-29T13:05:09.007Z"
        );
        assert_eq!(f("yy/M/d h:mm a"), "24/2/29 1:05 PM");
        assert_eq!(f("EEE, d MMM yyyy"), "Thu, 29 Feb 2024");
        assert_eq!(f("EEEE MMMM D"), "Thursday February 60");
        assert_eq!(f("'o''clock' HH''mm"), "o'clock 13'05");
        assert_eq!(f("S"), "7");
        assert_eq!(SimpleDateFormat::new("yyyy").unwrap().format(-1), "1969");
    }

    #[test]
    fn rejects_bad_patterns() {
        assert_eq!(
            SimpleDateFormat::new("yyyy-bb").unwrap_err(),
            "Illegal pattern character 'b'"
        );
        assert!(SimpleDateFormat::new("'open").is_err());
        assert!(SimpleDateFormat::new("GGG yyyy").is_err());
    }

    #[test]
    fn parses_like_simple_date_format() {
        let p = |pat: &str, text: &str| SimpleDateFormat::new(pat).unwrap().parse(text);
        assert_eq!(p("yyyyMMdd", "20240229"), Some(1_709_164_800_000));
        assert_eq!(
            p("yyyy-MM-dd'T'HH:mm:ss.SSSX", "2024-02-29T13:05:09.007Z"),
            Some(1_709_211_909_007)
        );
        assert_eq!(
            p("yyyy-MM-dd HH:mm Z", "2024-02-29 15:05 +0200"),
            Some(1_709_211_900_000)
        );
        assert_eq!(
            p("dd MMM yyyy hh a", "29 feb 2024 01 PM"),
            Some(1_709_211_600_000)
        );
        // Lenient rollover, and trailing text is ignored.
        assert_eq!(
            p("yyyy-MM-dd", "2024-02-30xyz"),
            p("yyyy-MM-dd", "2024-03-01")
        );
        assert_eq!(p("yyyy-MM-dd", "2024/02/29"), None);
        assert_eq!(p("yyyy-MM-dd", ""), None);
    }
}
