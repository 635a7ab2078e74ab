//! Java's text renderings (`Double.toString`, `Float.toString`, `BigDecimal.toString`,
//! `java.util.Date.toString`), which Kafka's converters put on the wire verbatim.

use num_bigint::{BigInt, Sign};

/// Splits Rust's shortest round-trip rendering into (digits, decimal exponent of the first digit).
fn shortest_digits(sci: &str) -> (String, i32) {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0').to_string();
    let digits = if digits.is_empty() {
        "0".to_string()
    } else {
        digits
    };
    (digits, exp.parse().unwrap_or(0))
}

fn java_floating(sci: String, negative: bool, in_plain_range: bool) -> String {
    let (digits, exp) = shortest_digits(&sci);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if in_plain_range {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() > int_len {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            } else {
                out.push_str(&digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            }
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        out.push_str(if digits.len() > 1 { &digits[1..] } else { "0" });
        out.push('E');
        out.push_str(&exp.to_string());
    }
    out
}

/// `Double.toString`: plain between 10^-3 and 10^7, `1.0E10` style outside.
pub fn double_to_string(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let a = d.abs();
    java_floating(
        format!("{a:e}"),
        d.is_sign_negative(),
        (1e-3..1e7).contains(&a),
    )
}

/// `Float.toString`, with the float's own shortest digits.
pub fn float_to_string(f: f32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let a = f.abs();
    java_floating(
        format!("{a:e}"),
        f.is_sign_negative(),
        (1e-3..1e7).contains(&a),
    )
}

/// `BigDecimal.toString()`: plain unless the scale is negative or the number is very small.
pub fn big_decimal_to_string(unscaled: &BigInt, scale: i32) -> String {
    let coeff = unscaled.magnitude().to_string();
    let neg = unscaled.sign() == Sign::Minus;
    let adjusted = -(scale as i64) + (coeff.len() as i64 - 1);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if scale >= 0 && adjusted >= -6 {
        let scale = scale as usize;
        if scale == 0 {
            out.push_str(&coeff);
        } else if coeff.len() > scale {
            out.push_str(&coeff[..coeff.len() - scale]);
            out.push('.');
            out.push_str(&coeff[coeff.len() - scale..]);
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat(scale - coeff.len()));
            out.push_str(&coeff);
        }
    } else {
        out.push_str(&coeff[..1]);
        if coeff.len() > 1 {
            out.push('.');
            out.push_str(&coeff[1..]);
        }
        out.push('E');
        if adjusted > 0 {
            out.push('+');
        }
        out.push_str(&adjusted.to_string());
    }
    out
}

/// A parsed `java.math.BigDecimal`: `unscaled × 10^-scale`.
#[derive(Debug, Clone, PartialEq)]
pub struct BigDec {
    pub unscaled: BigInt,
    pub scale: i32,
}

impl BigDec {
    /// `new BigDecimal(String)`: sign, digits with an optional point, optional exponent.
    pub fn parse(text: &str) -> Option<BigDec> {
        let (mantissa, exp) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        };
        let (neg, body) = match mantissa.as_bytes().first() {
            Some(b'-') => (true, &mantissa[1..]),
            Some(b'+') => (false, &mantissa[1..]),
            _ => (false, mantissa),
        };
        let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let exp: i64 = match exp {
            Some(e) => {
                let e = e.strip_prefix('+').unwrap_or(e);
                if e.is_empty() || e.starts_with('+') {
                    return None;
                }
                e.parse().ok()?
            }
            None => 0,
        };
        let digits = format!("{int_part}{frac_part}");
        let mut unscaled: BigInt = digits.parse().ok()?;
        if neg {
            unscaled = -unscaled;
        }
        let scale = i32::try_from(frac_part.len() as i64 - exp).ok()?;
        Some(BigDec { unscaled, scale })
    }

    pub fn is_zero(&self) -> bool {
        self.unscaled.sign() == Sign::NoSign
    }

    /// `stripTrailingZeros()`.
    pub fn strip_trailing_zeros(&self) -> BigDec {
        if self.is_zero() {
            return BigDec {
                unscaled: BigInt::from(0),
                scale: 0,
            };
        }
        let ten = BigInt::from(10);
        let mut u = self.unscaled.clone();
        let mut s = self.scale;
        while (&u % &ten).sign() == Sign::NoSign {
            u /= &ten;
            s -= 1;
        }
        BigDec {
            unscaled: u,
            scale: s,
        }
    }

    /// Re-expresses the number at `scale` when that loses nothing.
    pub fn with_scale_exact(&self, scale: i32) -> Option<BigInt> {
        let diff = scale as i64 - self.scale as i64;
        if diff >= 0 {
            Some(&self.unscaled * BigInt::from(10).pow(u32::try_from(diff).ok()?))
        } else {
            let div = BigInt::from(10).pow(u32::try_from(-diff).ok()?);
            if (&self.unscaled % &div).sign() != Sign::NoSign {
                return None;
            }
            Some(&self.unscaled / div)
        }
    }

    /// The integer part, truncated toward zero (`toBigInteger`).
    pub fn to_big_int(&self) -> BigInt {
        if self.scale <= 0 {
            let mul = u32::try_from(-(self.scale as i64))
                .unwrap_or(u32::MAX)
                .min(100_000);
            &self.unscaled * BigInt::from(10).pow(mul)
        } else {
            let div = u32::try_from(self.scale).unwrap_or(u32::MAX).min(100_000);
            &self.unscaled / BigInt::from(10).pow(div)
        }
    }

    fn sci(&self) -> String {
        format!("{}e{}", self.unscaled, -(self.scale as i64))
    }

    pub fn to_f64(&self) -> f64 {
        // BigDecimal has no negative zero.
        self.sci().parse::<f64>().map(|v| v + 0.0).unwrap_or(0.0)
    }

    pub fn to_f32(&self) -> f32 {
        self.sci().parse::<f32>().map(|v| v + 0.0).unwrap_or(0.0)
    }

    pub fn to_java_string(&self) -> String {
        big_decimal_to_string(&self.unscaled, self.scale)
    }
}

/// Low 64 bits of a big integer, as Java's `BigInteger.longValue()`.
pub fn big_int_low_i64(v: &BigInt) -> i64 {
    let bytes = v.to_signed_bytes_le();
    let fill = if v.sign() == Sign::Minus { 0xFF } else { 0 };
    let mut buf = [fill; 8];
    for (i, b) in bytes.iter().take(8).enumerate() {
        buf[i] = *b;
    }
    i64::from_le_bytes(buf)
}

/// `java.util.Date.toString()` in UTC (`Thu Jan 01 00:00:00 UTC 1970`).
pub fn java_date_to_string(epoch_millis: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(epoch_millis) {
        Some(dt) => dt.format("%a %b %d %H:%M:%S UTC %Y").to_string(),
        None => epoch_millis.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_render_like_java() {
        assert_eq!(double_to_string(1e10), "1.0E10");
        assert_eq!(double_to_string(1.5e-7), "1.5E-7");
        assert_eq!(double_to_string(0.1), "0.1");
        assert_eq!(double_to_string(3.0), "3.0");
        assert_eq!(double_to_string(1234567.0), "1234567.0");
        assert_eq!(double_to_string(12345678.0), "1.2345678E7");
        assert_eq!(double_to_string(0.001), "0.001");
        assert_eq!(double_to_string(-0.0), "-0.0");
        assert_eq!(float_to_string(1e-5), "1.0E-5");
        assert_eq!(float_to_string(0.1), "0.1");
        assert_eq!(float_to_string(3.4e38), "3.4E38");
    }

    #[test]
    fn big_decimals_render_like_java() {
        let s = |u: i64, sc: i32| big_decimal_to_string(&BigInt::from(u), sc);
        assert_eq!(s(12345, 2), "123.45");
        assert_eq!(s(1, 9), "1E-9");
        assert_eq!(s(1, 6), "0.000001");
        assert_eq!(s(5, -2), "5E+2");
        assert_eq!(s(-5, 2), "-0.05");
        assert_eq!(s(123, -1), "1.23E+3");
        let d = BigDec::parse("1.25e2").unwrap();
        assert_eq!((d.unscaled.clone(), d.scale), (BigInt::from(125), 0));
        assert_eq!(BigDec::parse("-0.0").unwrap().to_f64().to_bits(), 0);
        assert!(BigDec::parse("1e").is_none());
        assert!(BigDec::parse(".").is_none());
        assert_eq!(
            big_int_low_i64(&"123456789012345678901234567890".parse().unwrap()),
            -4362896299872285998
        );
    }
}
