//! The JSON report (the contract scripts parse; documented in the README):
//!
//! ```text
//! {"server_name": str, "ok": bool,
//!  "federation": {"ok": bool, "step": "1"|"2"|"3.1".."3.5"|"4"|"5"|"6",
//!                 "targets": [{"address": "IP:PORT", "host_header": str,
//!                              "sni": str|null, "cert_name": str, "ok": bool}]},
//!  "client": {"verdict": "OK"|"IGNORE"|"FAIL_PROMPT"|"FAIL_ERROR", "base_url": str|null},
//!  "checks": [{"id": str, "status": "pass"|"warn"|"fail"|"skipped"|"error",
//!              "target": str|null, "summary": str, "evidence": [{"asked": str, "got": str}],
//!              "remedy": str|null, "spec": str|null, "duration_ms": int}]}
//! ```
//!
//! Extra fields: `federation.unresolved`, `federation.no_service`,
//! `federation.not_probed` (only when the caps left SRV targets or addresses
//! unprobed), on DNS checks `cache_expires_in_s` (only when an outdated
//! cached answer is still served), and on every check `caused_by`: the id
//! of the check its failure follows from, or `null`
//! ([`crate::check::causality`]). `checks` lists the root causes first.
//!
//! Safe to pipe (`jq -r` included): every string is written the way the
//! text report shows it ([`crate::safe_text`]): control, bidi and invisible
//! characters as visible escapes (`\x1b`, `\u{202e}`, a line break inside
//! one-line fields as `\n`), so no decoded string carries a control
//! character; only `remedy` keeps its line breaks. Strings longer than
//! [`MAX_STRING_CHARS`] are cut, marked with `…`. The output is valid UTF-8
//! (network bytes were converted lossily).

use serde_json::Value;

use super::Report;
use crate::safe_text::{self, json_escape_unsafe};

/// The longest string written (characters); remote data beyond is cut with
/// `…`. Long enough for any honest value (URLs, certificate names, address
/// lists of a capped path), short enough that a hostile 8 KB header echoed
/// in several places cannot bloat the report.
pub const MAX_STRING_CHARS: usize = 2000;

/// The report as pretty-printed, terminal-safe JSON.
pub fn render(report: &Report) -> String {
    let text = match serde_json::to_value(report) {
        Ok(mut value) => {
            make_safe(&mut value, None);
            serde_json::to_string_pretty(&value)
        }
        Err(e) => Err(e),
    }
    .unwrap_or_else(|e| {
        // Serialising plain data with string keys cannot fail; stay valid JSON anyway.
        serde_json::json!({"server_name": safe_text::line(&report.server_name, MAX_STRING_CHARS), "ok": false, "error": e.to_string()})
            .to_string()
    });
    json_escape_unsafe(&text)
}

/// Every string in `value` as the text report shows it; `key` is the
/// object key the value sits under (`remedy` keeps its line breaks).
fn make_safe(value: &mut Value, key: Option<&str>) {
    match value {
        Value::String(s) => {
            let safe = if key == Some("remedy") {
                safe_text::block(s, MAX_STRING_CHARS)
            } else {
                safe_text::line(s, MAX_STRING_CHARS)
            };
            if safe != *s {
                *s = safe;
            }
        }
        Value::Array(items) => {
            for item in items {
                make_safe(item, key);
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                make_safe(v, Some(k.as_str()));
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::model::{CheckId, CheckResult, Status};

    #[test]
    fn remote_strings_carry_no_control_characters_and_are_capped() {
        let mut report = Report::new("example.com");
        let long = "x".repeat(MAX_STRING_CHARS + 50);
        report.add(
            CheckResult::new(
                CheckId::ServerVersion,
                Status::Fail,
                "evil \u{1b}[31mred\u{202e}",
            )
            .evidence("GET /", format!("line1\nline2 {long}"))
            .remedy("first\nsecond \u{7}"),
        );
        report.settle();
        let out = render(&report);
        let parsed: Value = serde_json::from_str(&out).expect("valid JSON");
        let check = &parsed["checks"][0];
        let summary = check["summary"].as_str().expect("summary");
        assert_eq!(summary, "evil \\x1b[31mred\\u{202e}");
        let got = check["evidence"][0]["got"].as_str().expect("got");
        assert!(got.starts_with("line1\\nline2 xxx"), "{got}");
        assert!(got.ends_with('…'), "cut with a marker");
        assert!(got.chars().count() <= MAX_STRING_CHARS + 1);
        assert_eq!(
            check["remedy"].as_str(),
            Some("first\nsecond \\x07"),
            "remedies keep their line breaks, nothing else"
        );
        let decoded_all = |v: &Value| v.to_string();
        assert!(!decoded_all(&parsed).contains("\\u001b"));
        for s in [summary, got] {
            assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        }
    }
}
