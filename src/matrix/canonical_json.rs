//! Matrix canonical JSON (spec appendix "Signing JSON" → "Canonical JSON"):
//! the shortest UTF-8 encoding, object keys sorted by Unicode code point,
//! integers only in `[-(2**53)+1, (2**53)-1]`, no exponents, no fractions,
//! no `-0`; strings escape only `"`, `\` and control characters (the short
//! forms `\b \f \n \r \t`, else `\u00XX` with lower-case hex).

use std::fmt;

use serde_json::Value;

/// The largest integer canonical JSON allows (2**53 - 1).
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Why a value has no canonical encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CanonicalError {
    /// A number with a fraction (floats are not permitted).
    Float(String),
    /// An integer outside the safe range.
    OutOfRange(String),
}

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanonicalError::Float(n) => write!(
                f,
                "the number {n} is not an integer; canonical JSON permits no floats"
            ),
            CanonicalError::OutOfRange(n) => write!(
                f,
                "the integer {n} is outside the range canonical JSON permits (±(2^53-1))"
            ),
        }
    }
}

impl std::error::Error for CanonicalError {}

/// Encodes a value as canonical JSON.
pub fn encode(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Rust compares strings by UTF-8 bytes, which orders them by code
            // point; sort explicitly so no map feature can change the order.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_number(n: &serde_json::Number, out: &mut String) -> Result<(), CanonicalError> {
    let int = if let Some(i) = n.as_i64() {
        i
    } else if n.as_u64().is_some() {
        return Err(CanonicalError::OutOfRange(n.to_string()));
    } else {
        // `1e10` and `-0` parse as floats; the spec's own example shows they
        // encode as the integers they are (`10000000000`, `0`).
        let f = n.as_f64().unwrap_or(f64::NAN);
        if !f.is_finite() || f.fract() != 0.0 {
            return Err(CanonicalError::Float(n.to_string()));
        }
        if f.abs() > MAX_SAFE_INTEGER as f64 {
            return Err(CanonicalError::OutOfRange(n.to_string()));
        }
        f as i64
    };
    if int.unsigned_abs() > MAX_SAFE_INTEGER.unsigned_abs() {
        return Err(CanonicalError::OutOfRange(int.to_string()));
    }
    out.push_str(&int.to_string());
    Ok(())
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every example of the spec appendix "Canonical JSON", verbatim.
    #[test]
    fn spec_appendix_examples() {
        let cases = [
            ("{}", "{}"),
            (r#"{"one": 1, "two": "Two"}"#, r#"{"one":1,"two":"Two"}"#),
            (r#"{"b": "2", "a": "1"}"#, r#"{"a":"1","b":"2"}"#),
            (r#"{"b":"2","a":"1"}"#, r#"{"a":"1","b":"2"}"#),
            (
                r#"{
                    "auth": {
                        "success": true,
                        "mxid": "@john.doe:example.com",
                        "profile": {
                            "display_name": "John Doe",
                            "three_pids": [
                                {"medium": "email", "address": "john.doe@example.org"},
                                {"medium": "msisdn", "address": "123456789"}
                            ]
                        }
                    }
                }"#,
                r#"{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}"#,
            ),
            (r#"{"a": "日本語"}"#, r#"{"a":"日本語"}"#),
            (r#"{"本": 2, "日": 1}"#, r#"{"日":1,"本":2}"#),
            (r#"{"a": "\u65E5"}"#, r#"{"a":"日"}"#),
            (r#"{"a": null}"#, r#"{"a":null}"#),
            (r#"{"a": -0, "b": 1e10}"#, r#"{"a":0,"b":10000000000}"#),
        ];
        for (input, want) in cases {
            let value: Value = serde_json::from_str(input).expect("example parses");
            assert_eq!(encode(&value).expect("encodes"), want, "input {input}");
        }
    }

    #[test]
    fn string_escapes_follow_the_grammar() {
        let value = Value::String("q\" b\\ \u{8}\u{c}\n\r\t \u{1} \u{b} \u{1f} \u{7f} é".into());
        assert_eq!(
            encode(&value).expect("encodes"),
            "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001 \\u000b \\u001f \u{7f} é\""
        );
    }

    #[test]
    fn keys_sort_by_code_point_not_by_utf16() {
        // U+FF61 sorts before U+1F600 by code point, after it in UTF-16 units.
        let value: Value = serde_json::from_str(r#"{"😀":1,"｡":2,"a":3,"B":4}"#).expect("json");
        assert_eq!(
            encode(&value).expect("encodes"),
            r#"{"B":4,"a":3,"｡":2,"😀":1}"#
        );
    }

    #[test]
    fn rejects_floats_and_unsafe_integers() {
        let cases = [
            ("1.5", false),
            ("9007199254740991", true),
            ("-9007199254740991", true),
            ("9007199254740992", false),
            ("-9007199254740992", false),
            ("18446744073709551615", false),
            ("-9223372036854775808", false),
            ("1e300", false),
            ("2.0", true),
        ];
        for (input, ok) in cases {
            let value: Value = serde_json::from_str(input).expect("json");
            assert_eq!(encode(&value).is_ok(), ok, "{input}: {:?}", encode(&value));
        }
    }
}
