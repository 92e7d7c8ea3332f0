//! The human-readable report, grouped by panel. Every status shows a glyph
//! AND a word (meaning never rests on colour); colour is optional and the
//! caller decides (off for NO_COLOR or when stdout is not a terminal). Every
//! network-derived string is escaped ([`crate::safe_text`]).

use std::fmt::Write;

use super::{PANELS, Report, TargetSummary};
use crate::check::model::{CheckResult, Panel, Status};
use crate::matrix::discovery::types::Unresolved;
use crate::safe_text::{self, DEFAULT_MAX};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// ANSI colours for the status labels.
    pub color: bool,
}

impl TextOptions {
    /// The usual rule, decided by the caller's facts (this module reads no
    /// environment): colour only on a terminal and when `NO_COLOR` is unset
    /// or empty (<https://no-color.org>).
    pub fn auto(no_color: Option<&str>, stdout_is_terminal: bool) -> TextOptions {
        TextOptions {
            color: stdout_is_terminal && no_color.is_none_or(str::is_empty),
        }
    }
}

/// `✔ pass`, `✘ FAIL`, ... padded to one width, coloured when asked.
pub fn status_label(status: Status, color: bool) -> String {
    paint(
        status,
        format!("{} {:<5}", status.glyph(), status.word()),
        color,
    )
}

/// `text` in the status's colour, when asked.
fn paint(status: Status, text: String, color: bool) -> String {
    if !color {
        return text;
    }
    let code = match status {
        Status::Pass => "32",
        Status::Warn => "33",
        Status::Fail | Status::Error => "1;31",
        Status::Skipped => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Remedy lines longer than this are wrapped at spaces (snippet lines,
/// which start with spaces, are kept whole so they can be copied).
const WRAP: usize = 96;
/// Remedies are our own text with network values inside: a larger cap.
const REMEDY_MAX: usize = 2000;

/// Wraps prose at spaces; indented lines (code) stay as they are.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.starts_with(' ') || line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn safe(text: &str) -> String {
    safe_text::line(text, DEFAULT_MAX)
}

/// The panel title, with the discovery step or client verdict where known:
/// [`panel_heading`], then [`panel_subtitle`].
pub fn panel_title(report: &Report, panel: Panel) -> String {
    let heading = panel_heading(report, panel);
    match (panel, panel_subtitle(report, panel)) {
        (Panel::Server, Some(sub)) => format!("{heading}: {sub}"),
        (_, Some(sub)) => format!("{heading} · {sub}"),
        (_, None) => heading,
    }
}

/// The panel's name and its verdict in a few words, where known:
/// `Server discovery — spec step 3.2`, `Client discovery — verdict OK`.
pub fn panel_heading(report: &Report, panel: Panel) -> String {
    match panel {
        Panel::Server => match report.federation.step {
            Some(step) => format!("{} — spec step {step}", panel.title()),
            None => panel.title().to_string(),
        },
        Panel::Client => match report.client.verdict {
            Some(v) => format!("{} — verdict {v}", panel.title()),
            None => panel.title().to_string(),
        },
        _ => panel.title().to_string(),
    }
}

/// What the heading's verdict means: the spec step's title
/// (`m.server gives host and port`), or the base URL clients were given
/// (`base_url https://matrix.example.com/`).
pub fn panel_subtitle(report: &Report, panel: Panel) -> Option<String> {
    match panel {
        Panel::Server => report.federation.step.map(|s| s.title().to_string()),
        Panel::Client => {
            report.client.verdict?;
            let base = report.client.base_url.as_deref()?;
            Some(format!("base_url {}", safe(base)))
        }
        _ => None,
    }
}

/// The path line when an SRV record declares "no service".
pub const NO_SERVICE_LINE: &str = "→ no federation service: the SRV record's target is `.`";

/// One resolved address: `→ IP:PORT  Host …  SNI …  certificate …  ✔ pass`
/// ([`target_route`], then whether TLS, version and keys pass there).
pub fn target_line(t: &TargetSummary, color: bool) -> String {
    let state = if t.ok { Status::Pass } else { Status::Fail };
    format!(
        "{}  {}",
        target_route(t),
        status_label(state, color).trim_end()
    )
}

/// Where one address is reached: `→ IP:PORT  Host …  SNI …  certificate …`.
pub fn target_route(t: &TargetSummary) -> String {
    format!(
        "→ {}  Host {}  SNI {}  certificate {}",
        safe(&t.address),
        safe(&t.host_header),
        t.sni.as_deref().map(safe).unwrap_or_else(|| "none".into()),
        safe(&t.cert_name),
    )
}

/// A target host without any address.
pub fn unresolved_line(u: &Unresolved) -> String {
    format!(
        "→ {}:{}  no address: {}",
        safe(&u.host),
        u.port,
        safe(&u.why)
    )
}

/// The resolution path lines of the server panel.
pub fn path_lines(report: &Report, color: bool) -> Vec<String> {
    let f = &report.federation;
    let mut out = Vec::new();
    if f.no_service {
        out.push(NO_SERVICE_LINE.to_string());
    }
    out.extend(f.targets.iter().map(|t| target_line(t, color)));
    out.extend(f.unresolved.iter().map(unresolved_line));
    out.extend(not_probed_line(report));
    out
}

/// Peer lines are wrapped to fit 80 columns with the report's indent.
const PEER_WRAP: usize = 74;

/// The "How peers see you" block: its heading, then one wrapped line per
/// peer (continuation lines indented under the text). Nothing before the
/// peer models ran.
pub fn peer_block(report: &Report, color: bool) -> Vec<String> {
    let lines = super::peers::lines(report);
    if lines.is_empty() {
        return Vec::new();
    }
    let mut out = vec![format!("{}:", super::peers::HEADING)];
    for line in lines {
        for (i, piece) in wrap(&safe(&line.text), PEER_WRAP).into_iter().enumerate() {
            if i == 0 {
                let glyph = paint(line.status, line.status.glyph().to_string(), color);
                out.push(format!("  {glyph} {piece}"));
            } else {
                out.push(format!("    {piece}"));
            }
        }
    }
    out
}

/// `… 3 more SRV targets and 992 more addresses not probed (…)`, when the
/// caps left something out.
pub fn not_probed_line(report: &Report) -> Option<String> {
    report
        .federation
        .not_probed
        .describe()
        .map(|words| format!("… {words}"))
}

fn result_lines(out: &mut String, c: &CheckResult, color: bool) {
    let target = c
        .target
        .as_deref()
        .map(|t| format!("{} ", safe(t)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {}  {:<19} {target}{}",
        status_label(c.status, color),
        c.id.as_str(),
        safe(&c.summary)
    );
    if matches!(c.status, Status::Pass | Status::Skipped) {
        return;
    }
    for e in &c.evidence {
        let _ = writeln!(out, "        {} → {}", safe(&e.asked), safe(&e.got));
    }
    if let Some(cause) = &c.caused_by {
        let _ = writeln!(
            out,
            "        caused by {}: fix that one, nothing to change here",
            safe(&cause.describe())
        );
    }
    if let Some(remedy) = &c.remedy {
        let lines: Vec<String> = safe_text::block(remedy, REMEDY_MAX)
            .lines()
            .flat_map(|l| wrap(l, WRAP))
            .collect();
        for (i, line) in lines.iter().enumerate() {
            let lead = if i == 0 { "fix: " } else { "     " };
            let _ = writeln!(out, "        {lead}{line}");
        }
    }
    if let Some(spec) = &c.spec {
        let _ = writeln!(out, "        spec: {}", safe(spec));
    }
}

/// One root cause in a line: `✘ server.tls 127.0.0.11:443: the
/// certificate expired 2 day(s) ago (3 more problems follow from it)`.
pub fn root_cause_line(c: &CheckResult, follow: usize) -> String {
    let target = c
        .target
        .as_deref()
        .map(|t| format!(" {}", safe(t)))
        .unwrap_or_default();
    let follows = match follow {
        0 => String::new(),
        1 => " (1 more problem follows from it)".to_string(),
        n => format!(" ({n} more problems follow from it)"),
    };
    format!(
        "{} {}{target}: {}{follows}",
        c.status.glyph(),
        c.id.as_str(),
        safe(&c.summary)
    )
}

/// The root causes under the headline (nothing when nothing is wrong).
pub fn root_cause_lines(report: &Report) -> Vec<String> {
    let roots = report.root_causes();
    if roots.is_empty() {
        return Vec::new();
    }
    let mut out = vec![if roots.len() == 1 {
        "Root cause (fix this first):".to_string()
    } else {
        format!("Root causes ({}, fix these first):", roots.len())
    }];
    out.extend(
        roots
            .into_iter()
            .map(|(c, follow)| format!("  {}", root_cause_line(c, follow))),
    );
    out
}

/// The whole report as text.
pub fn render(report: &Report, opts: &TextOptions) -> String {
    let mut out = String::new();
    let verdict = if report.ok {
        format!(
            "{} nothing failed",
            status_label(Status::Pass, opts.color).trim_end()
        )
    } else {
        let n = report.problems();
        let what = if n == 1 { "problem" } else { "problems" };
        format!(
            "{} {n} {what}",
            status_label(Status::Fail, opts.color).trim_end()
        )
    };
    let fed = if report.federation.ok {
        "federation works"
    } else {
        "federation does NOT work"
    };
    let _ = writeln!(
        out,
        "matrix-delegate check {}: {verdict} · {fed}",
        safe(&report.server_name)
    );
    let roots = root_cause_lines(report);
    if !roots.is_empty() {
        out.push('\n');
        for line in roots {
            let _ = writeln!(out, "{line}");
        }
    }
    for panel in PANELS {
        let _ = writeln!(out, "\n{}", panel_title(report, panel));
        if panel == Panel::Server {
            for line in path_lines(report, opts.color) {
                let _ = writeln!(out, "  {line}");
            }
            for line in peer_block(report, opts.color) {
                let _ = writeln!(out, "  {line}");
            }
        }
        let mut any = false;
        for c in report.panel(panel) {
            result_lines(&mut out, c, opts.color);
            any = true;
        }
        if !any {
            let _ = writeln!(out, "  (no results)");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(TextOptions::auto(None, true).color);
        assert!(TextOptions::auto(Some(""), true).color);
        assert!(!TextOptions::auto(Some("1"), true).color);
        assert!(!TextOptions::auto(None, false).color);
    }

    #[test]
    fn labels_carry_glyph_and_word() {
        assert_eq!(status_label(Status::Fail, false), "✘ FAIL ");
        assert_eq!(status_label(Status::Pass, true), "\x1b[32m✔ pass \x1b[0m");
    }

    #[test]
    fn prose_wraps_code_does_not() {
        assert_eq!(wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
        assert_eq!(
            wrap("  proxy_pass http://127.0.0.1:8008;", 5),
            vec!["  proxy_pass http://127.0.0.1:8008;"]
        );
    }
}
