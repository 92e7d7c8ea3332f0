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
//! Extra fields: `federation.unresolved`, `federation.no_service`, and on
//! DNS checks `cache_expires_in_s` (only when an outdated cached answer is
//! still served). The
//! output is valid UTF-8 (network bytes were converted lossily) and, beyond
//! JSON's own escapes, DEL, C1 controls, bidi and invisible characters are
//! written as `\uXXXX`, so printing it cannot disturb a terminal.

use super::Report;
use crate::safe_text::json_escape_unsafe;

/// The report as pretty-printed, terminal-safe JSON.
pub fn render(report: &Report) -> String {
    let text = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serialising plain data with string keys cannot fail; stay valid JSON anyway.
        serde_json::json!({"server_name": report.server_name, "ok": false, "error": e.to_string()})
            .to_string()
    });
    json_escape_unsafe(&text)
}
