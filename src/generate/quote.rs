//! Quoting for every syntax the templates write values into. The templates
//! call these as filters, so an operator's value (a URL, an e-mail address)
//! can never break out of its string in a generated file. TOML strings come
//! from [`crate::toml_syntax`], shared with the config-file editor.

use serde_json::Value;

/// A YAML double-quoted scalar. JSON's string escapes are a subset of YAML's
/// double-quoted escapes (YAML 1.2, section 5.7), so a JSON string is one.
pub(super) fn yaml_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// A value for a `KEY=value` environment file. Plain values are written as
/// they are, because `docker run --env-file` takes everything after `=`
/// literally (quotes included) while `docker compose` strips quotes; only a
/// value that would otherwise break (white space, quotes, `$`, `\`, a
/// backtick) gets quotes, in the form docker compose understands.
pub(super) fn env_file_value(s: &str) -> String {
    let plain = !s.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "'\"$\\`".contains(c));
    if plain {
        s.to_string()
    } else if !s.contains('\'') {
        // Single quotes: compose takes the content literally (no interpolation).
        format!("'{s}'")
    } else {
        let escaped = s
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('$', "$$");
        format!("\"{escaped}\"")
    }
}

/// A value inside figment's dict syntax (`{ key=value, ... }`), as figment's
/// parser reads it: an unquoted value runs until one of `, { } [ ]` and a
/// leading `true`/`false` is read as a boolean; a value in `"..."` is taken
/// up to the next `"` (figment has no escapes). `None` when the value cannot
/// be written in this syntax at all (it contains `"`).
pub(super) fn figment_value(s: &str) -> Option<String> {
    let needs_quotes = s.is_empty()
        || s.chars().any(|c| ",{}[]'\"".contains(c) || c.is_control())
        || s.trim() != s
        || s.starts_with("true")
        || s.starts_with("false")
        || s.parse::<f64>().is_ok();
    if !needs_quotes {
        Some(s.to_string())
    } else if s.contains('"') {
        None
    } else {
        Some(format!("\"{s}\""))
    }
}

/// JSON where every character listed in `escape` is written as a `\uXXXX`
/// escape inside strings. The document means the same JSON, but contains
/// none of those characters in its strings, so it can sit inside a
/// config-file string where they would be special (`'` in HAProxy, `$` in
/// nginx, `{...}` placeholders and backticks in Caddy). `pretty` indents by
/// two spaces like `serde_json::to_string_pretty`.
pub(super) fn json_escaping(value: &Value, escape: &str, pretty: bool) -> String {
    let mut w = JsonWriter {
        escape,
        pretty,
        out: String::new(),
    };
    w.value(value, 0);
    w.out
}

struct JsonWriter<'a> {
    escape: &'a str,
    pretty: bool,
    out: String,
}

impl JsonWriter<'_> {
    fn value(&mut self, value: &Value, level: usize) {
        match value {
            Value::String(s) => self.string(s),
            Value::Array(items) if !items.is_empty() => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.separator(i, level + 1);
                    self.value(item, level + 1);
                }
                self.newline(level);
                self.out.push(']');
            }
            Value::Object(map) if !map.is_empty() => {
                self.out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    self.separator(i, level + 1);
                    self.string(k);
                    self.out.push_str(if self.pretty { ": " } else { ":" });
                    self.value(v, level + 1);
                }
                self.newline(level);
                self.out.push('}');
            }
            other => self.out.push_str(&other.to_string()),
        }
    }

    fn separator(&mut self, index: usize, level: usize) {
        if index > 0 {
            self.out.push(',');
        }
        self.newline(level);
    }

    fn newline(&mut self, level: usize) {
        if self.pretty {
            self.out.push('\n');
            self.out.push_str(&"  ".repeat(level));
        }
    }

    fn string(&mut self, s: &str) {
        let plain = Value::String(s.to_string()).to_string();
        for c in plain.chars() {
            if self.escape.contains(c) {
                self.out.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                self.out.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_strings_escape_quotes() {
        assert_eq!(yaml_string("a\"b"), "\"a\\\"b\"");
    }

    #[test]
    fn env_values_are_plain_unless_they_must_not_be() {
        assert_eq!(
            env_file_value("https://m.example.com/"),
            "https://m.example.com/"
        );
        assert_eq!(env_file_value("a b"), "'a b'");
        assert_eq!(env_file_value("$HOME"), "'$HOME'");
        assert_eq!(env_file_value("it's $x"), "\"it's $$x\"");
    }

    #[test]
    fn figment_values_follow_figments_parser() {
        assert_eq!(
            figment_value("matrix.example.com:443").as_deref(),
            Some("matrix.example.com:443")
        );
        assert_eq!(
            figment_value("[2001:db8::1]:443").as_deref(),
            Some("\"[2001:db8::1]:443\"")
        );
        assert_eq!(
            figment_value("https://x/a,b").as_deref(),
            Some("\"https://x/a,b\"")
        );
        assert_eq!(
            figment_value("trueblue.example").as_deref(),
            Some("\"trueblue.example\"")
        );
        assert_eq!(figment_value("1.5").as_deref(), Some("\"1.5\""));
        assert_eq!(figment_value("a\"b"), None);
    }

    #[test]
    fn escaped_json_means_the_same_document() {
        let v = json!({"m.homeserver": {"base_url": "https://x/$a'{b}`"}, "n": [1, true, null]});
        let text = json_escaping(&v, "$'{}`", false);
        let inner = &text[1..text.len() - 1];
        assert!(!inner.contains(['$', '\'', '`']), "{text}");
        assert!(
            text.contains("\\u0024a\\u0027\\u007bb\\u007d\\u0060"),
            "{text}"
        );
        let back: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, v);
        let pretty = json_escaping(&v, "", true);
        assert_eq!(
            pretty,
            serde_json::to_string_pretty(&v).expect("serializes")
        );
    }
}
