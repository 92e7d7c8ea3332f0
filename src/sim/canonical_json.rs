//! Matrix canonical JSON (spec, Appendices, "Canonical JSON"): object keys
//! sorted by Unicode code point, no insignificant whitespace, integers only
//! (in the range −(2^53)+1 … (2^53)−1), strings with only the escapes JSON
//! requires (`\"`, `\\`, and control characters, using the short forms
//! `\b \f \n \r \t` where they exist, otherwise `\u00XX` in lower case).

use std::fmt::Write;

use serde_json::Value;

const MAX_SAFE: i64 = (1 << 53) - 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CanonicalJsonError {
    /// A float, or an integer outside the range canonical JSON allows.
    Number(String),
}

impl std::fmt::Display for CanonicalJsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CanonicalJsonError::Number(n) => {
                write!(f, "`{n}` is not an integer canonical JSON allows")
            }
        }
    }
}

impl std::error::Error for CanonicalJsonError {}

pub fn canonical_json(value: &Value) -> Result<String, CanonicalJsonError> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Value) -> Result<(), CanonicalJsonError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let int = n
                .as_i64()
                .filter(|i| (-MAX_SAFE..=MAX_SAFE).contains(i))
                .ok_or_else(|| CanonicalJsonError::Number(n.to_string()))?;
            let _ = write!(out, "{int}");
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Sorting str by Ord compares UTF-8 bytes, which orders by code point.
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_value(out, v)?;
                }
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(out: &mut String, s: &str) {
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
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Examples from the spec's "Canonical JSON" section.
    #[test]
    fn spec_examples() {
        assert_eq!(canonical_json(&json!({})).unwrap(), "{}");
        assert_eq!(
            canonical_json(&json!({"one": 1, "two": "Two"})).unwrap(),
            r#"{"one":1,"two":"Two"}"#
        );
        assert_eq!(
            canonical_json(&json!({"b": "2", "a": "1"})).unwrap(),
            r#"{"a":"1","b":"2"}"#
        );
        assert_eq!(
            canonical_json(
                &json!({"auth": {"success": true, "mxid": "@john.doe:example.com",
                "profile": {"display_name": "John Doe", "three_pids": [
                    {"medium": "email", "address": "john.doe@example.org"},
                    {"medium": "msisdn", "address": "123456789"}]}}})
            )
            .unwrap(),
            r#"{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}"#
        );
        assert_eq!(
            canonical_json(&json!({"a": "日本語"})).unwrap(),
            r#"{"a":"日本語"}"#
        );
        assert_eq!(
            canonical_json(&json!({"本": 2, "日": 1})).unwrap(),
            r#"{"日":1,"本":2}"#
        );
        assert_eq!(
            canonical_json(&json!({"a": "\u{65e5}"})).unwrap(),
            r#"{"a":"日"}"#
        );
        assert_eq!(
            canonical_json(&json!({"a": null})).unwrap(),
            r#"{"a":null}"#
        );
        assert_eq!(
            canonical_json(&json!({"a": -0, "b": 1e10 as i64})).unwrap(),
            r#"{"a":0,"b":10000000000}"#
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            canonical_json(&json!("\u{1b}[2J\n\u{7f}")).unwrap(),
            "\"\\u001b[2J\\n\u{7f}\""
        );
    }

    #[test]
    fn floats_and_huge_integers_are_refused() {
        assert!(canonical_json(&json!({"a": 1.5})).is_err());
        assert!(canonical_json(&json!({"a": 9_007_199_254_740_992_i64})).is_err());
        assert!(canonical_json(&json!({"a": 9_007_199_254_740_991_i64})).is_ok());
    }
}
