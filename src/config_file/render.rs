//! The report as plain text (`config show`). Every value that came from the
//! file or the environment goes through [`printable`], and so does every
//! finding as a whole: its message may quote a parser's error about the
//! value (escaping is idempotent, so values escaped before stay as they are).

use std::fmt::Write;

use super::env::EnvMeaning;
use super::report::{ConfigReport, KeyReport, ServerNameInFile, Setting, Severity, Source};
use crate::safe_text::printable;

fn source(s: &Source) -> String {
    match s {
        Source::File { line } => format!("line {line}"),
        Source::Env { var } => format!("set by {var}"),
        Source::Default => "default".to_string(),
    }
}

fn setting(s: &Setting) -> String {
    format!("{} ({})", printable(&s.value), source(&s.source))
}

/// The report as text, ending with a newline.
pub fn render_report(r: &ConfigReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Server name:  {}", server_name(r));
    let mut listen = format!("address {}, port {}", setting(&r.address), setting(&r.port));
    if let Some(sock) = &r.unix_socket_path {
        listen = format!("unix socket {}", setting(sock));
    }
    let _ = writeln!(out, "Listens on:   {listen}");
    let federation = if r.federation_enabled() {
        "enabled"
    } else {
        "DISABLED"
    };
    let _ = writeln!(
        out,
        "Federation:   {federation} ({})",
        source(&r.allow_federation.source)
    );
    let mut format = Vec::new();
    if r.crlf {
        format.push("CRLF line endings");
    }
    if r.bom {
        format.push("UTF-8 byte-order mark");
    }
    if !format.is_empty() {
        let _ = writeln!(
            out,
            "File format:  {} (kept when editing)",
            format.join(", ")
        );
    }

    let _ = writeln!(out, "\nWell-known settings: {}", r.form.describe());
    let width = r.keys.iter().map(|k| k.key.len()).max().unwrap_or(0);
    for k in &r.keys {
        let _ = writeln!(out, "  {:width$}  {}", k.key, key_line(k));
    }

    let env: Vec<String> = r
        .env
        .iter()
        .map(|s| {
            let what = match &s.meaning {
                EnvMeaning::WellKnownKey { key, .. } => format!("sets {key}"),
                EnvMeaning::Section { .. } => "sets keys of the section".to_string(),
                EnvMeaning::Global { key, .. } => format!("sets {key}"),
                EnvMeaning::UnknownWellKnownKey { .. }
                | EnvMeaning::SectionJson { .. }
                | EnvMeaning::SectionNotATable
                | EnvMeaning::SingleUnderscore { .. } => "has no effect (see below)".to_string(),
            };
            let reader = if s.read_by_continuwuity() {
                ""
            } else {
                " [tuwunel only]"
            };
            format!(
                "  {}={}  {what}{reader}",
                printable(&s.var),
                printable(&s.raw.replace('\n', " "))
            )
        })
        .collect();
    let _ = writeln!(out, "\nEnvironment overrides:");
    if env.is_empty() {
        let _ = writeln!(out, "  none seen");
    }
    for line in env {
        let _ = writeln!(out, "{line}");
    }

    let _ = writeln!(out, "\nProblems and suggestions:");
    if r.findings.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in &r.findings {
        let tag = match f.severity {
            Severity::Problem => "problem",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        let at = f.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let _ = writeln!(out, "  {tag:7}  {at}{}", printable(&f.message));
        if let Some(s) = &f.suggestion {
            let _ = writeln!(out, "           -> {}", printable(s));
        }
    }
    out
}

fn server_name(r: &ConfigReport) -> String {
    match (&r.server_name, &r.server_name_in_file) {
        (Some(s), _) => setting(s),
        (None, ServerNameInFile::Commented { line }) => {
            format!(
                "not in the file (commented out at line {line}; probably set by the environment)"
            )
        }
        (None, _) => "NOT SET".to_string(),
    }
}

fn key_line(k: &KeyReport) -> String {
    match (&k.effective, &k.in_file, k.placeholder_line) {
        (Some(eff), Some(file), _) if eff.source != file.source => format!(
            "{} ({}; the file says {} at {})",
            printable(&eff.value),
            source(&eff.source),
            printable(&file.value),
            source(&file.source)
        ),
        (Some(eff), _, _) => setting(eff),
        (None, _, Some(line)) => format!("not set (commented out at line {line})"),
        (None, _, None) => "not set".to_string(),
    }
}
