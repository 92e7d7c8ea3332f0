//! The report as Markdown (the wizard exports it): one table per panel,
//! details with evidence and remedy for every result that is not a pass.
//! Network-derived text is escaped twice: terminal controls first
//! ([`crate::safe_text`]), then Markdown syntax, so a hostile value
//! can neither inject markup nor break a table or a code fence.

use std::fmt::Write;

use super::text::{panel_title, path_lines};
use super::{PANELS, Report};
use crate::check::model::{CheckResult, Panel, Status};
use crate::safe_text::{self, DEFAULT_MAX};

/// Escapes Markdown syntax characters in inline text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in safe_text::line(text, DEFAULT_MAX).chars() {
        if "\\`*_[]<>|#~!".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A fenced block whose fence is longer than any backtick run inside.
fn fenced(text: &str) -> String {
    let body = safe_text::block(text, 2000);
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}text\n{body}\n{fence}")
}

fn label(status: Status) -> String {
    format!("{} {}", status.glyph(), status.word())
}

fn details(out: &mut String, c: &CheckResult) {
    let target = c
        .target
        .as_deref()
        .map(|t| format!(" — {}", escape(t)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n#### {} `{}`{target}\n",
        label(c.status),
        c.id.as_str()
    );
    let _ = writeln!(out, "{}\n", escape(&c.summary));
    for e in &c.evidence {
        let _ = writeln!(out, "- {} → {}", escape(&e.asked), escape(&e.got));
    }
    if let Some(cause) = &c.caused_by {
        let _ = writeln!(
            out,
            "\n**Caused by** `{}`{} ({}): fix that one, nothing to change here.",
            cause.id.as_str(),
            cause
                .target
                .as_deref()
                .map(|t| format!(" at {}", escape(t)))
                .unwrap_or_default(),
            escape(&cause.why)
        );
    }
    if let Some(remedy) = &c.remedy {
        let _ = writeln!(out, "\n**Fix:**\n\n{}", fenced(remedy));
    }
    if let Some(spec) = &c.spec {
        let _ = writeln!(out, "\nSpec: {}", escape(spec));
    }
}

/// The whole report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# matrix-delegate check: {}\n",
        escape(&report.server_name)
    );
    let result = if report.ok {
        format!("{} nothing failed", label(Status::Pass))
    } else {
        let n = report.problems();
        let what = if n == 1 { "problem" } else { "problems" };
        format!("{} {n} {what}", label(Status::Fail))
    };
    let fed = if report.federation.ok {
        "federation works"
    } else {
        "federation does NOT work"
    };
    let _ = writeln!(out, "**Result:** {result} · {fed}");
    let roots = report.root_causes();
    if !roots.is_empty() {
        let _ = writeln!(out, "\n**Root causes** (fix these first):\n");
        for (c, follow) in roots {
            let _ = writeln!(
                out,
                "- {}",
                escape(&super::text::root_cause_line(c, follow))
            );
        }
    }
    for panel in PANELS {
        let _ = writeln!(out, "\n## {}\n", escape(&panel_title(report, panel)));
        if panel == Panel::Server {
            for line in path_lines(report, false) {
                let _ = writeln!(out, "- {}", escape(line.trim_start_matches("→ ")));
            }
            if !report.federation.targets.is_empty()
                || !report.federation.unresolved.is_empty()
                || !report.federation.not_probed.is_none()
            {
                out.push('\n');
            }
            let peers = super::peers::lines(report);
            if !peers.is_empty() {
                let _ = writeln!(out, "### {}\n", super::peers::HEADING);
                for line in peers {
                    let _ = writeln!(out, "- {} {}", line.status.glyph(), escape(&line.text));
                }
                out.push('\n');
            }
        }
        let results: Vec<&CheckResult> = report.panel(panel).collect();
        if results.is_empty() {
            let _ = writeln!(out, "No results.");
            continue;
        }
        let _ = writeln!(
            out,
            "| Status | Check | Target | Summary |\n|---|---|---|---|"
        );
        for c in &results {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                label(c.status),
                c.id.as_str(),
                c.target.as_deref().map(escape).unwrap_or_default(),
                escape(&c.summary)
            );
        }
        for c in results
            .iter()
            .filter(|c| !matches!(c.status, Status::Pass | Status::Skipped))
        {
            details(&mut out, c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_fences() {
        assert_eq!(escape("a|b *c* <x> `d`"), "a\\|b \\*c\\* \\<x\\> \\`d\\`");
        assert_eq!(escape("\x1b[2J"), "\\\\x1b\\[2J");
        let f = fenced("x ``` y");
        assert!(f.starts_with("````text\n"), "{f}");
        assert!(f.ends_with("\n````"));
    }
}
