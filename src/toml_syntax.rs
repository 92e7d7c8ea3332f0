//! Writing a value in TOML syntax. The config-file editor and the generated
//! config section both write `[global.well_known]` values, and the section
//! the wizard shows must be the text the editor writes: both quote through
//! here.

/// A TOML basic string holding `value` exactly (TOML 1.0, "String"): always
/// `"..."`, with `"` and `\` escaped, the common control characters as
/// `\n`, `\r`, `\t` and every other control character (C0, DEL, C1) as
/// `\uXXXX`, so no value can end the string early or hide in the file.
pub fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(toml_string("https://x/"), "\"https://x/\"");
        assert_eq!(
            toml_string("https://m.example.com"),
            "\"https://m.example.com\""
        );
        assert_eq!(toml_string("a\"b\\c\u{1b}"), "\"a\\\"b\\\\c\\u001B\"");
    }

    #[test]
    fn every_value_reads_back_unchanged() {
        for value in [
            "a\"b\\c",
            "it's",
            "two\nlines\r\n",
            "tab\there",
            "\u{1b}[2J\u{7f}\u{85}",
            "ünïcödé \u{202e}",
            "",
        ] {
            let text = format!("k = {}", toml_string(value));
            let parsed: toml::Table = toml::from_str(&text).expect("valid TOML");
            assert_eq!(parsed["k"].as_str(), Some(value), "{text}");
        }
    }
}
