//! One line per check result, grouped into the report's panels.

use ratatui::text::{Line, Span};

use crate::check::model::{CheckId, Panel, Status};
use crate::tui::services::Expected;
use crate::tui::state::checks::{Change, Row};
use crate::tui::state::{ChecksState, RunPhase};
use crate::tui::text::{width, wrap_prose};

use super::{Theme, fit, safe_text};

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub const PANELS: [Panel; 5] = [
    Panel::Dns,
    Panel::Server,
    Panel::Client,
    Panel::Support,
    Panel::Caching,
];

/// The id without its panel prefix (`server.tls` → `tls`).
pub fn short_name(id: CheckId) -> &'static str {
    let s = id.as_str();
    s.split_once('.').map_or(s, |(_, rest)| rest)
}

pub fn duration_text(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `2 pass · 1 FAIL` for the rows of one panel (or of everything).
pub fn counts<'a>(rows: impl Iterator<Item = &'a Row<'a>>) -> String {
    let mut by: Vec<(Status, usize)> = Vec::new();
    let mut running = 0;
    for r in rows {
        match r {
            Row::Done(res) => match by.iter_mut().find(|(s, _)| *s == res.status) {
                Some((_, n)) => *n += 1,
                None => by.push((res.status, 1)),
            },
            Row::Running(_) => running += 1,
        }
    }
    by.sort();
    let mut parts: Vec<String> = by
        .into_iter()
        .map(|(s, n)| format!("{n} {}", s.word()))
        .collect();
    if running > 0 {
        parts.push(format!("{running} running"));
    }
    parts.join(" · ")
}

/// One row: glyph and word (readable without colour), name, target,
/// summary, what changed since the last run, duration at the right.
pub fn row_line(
    row: &Row<'_>,
    checks: &ChecksState,
    selected: bool,
    theme: Theme,
    max: usize,
) -> Line<'static> {
    let (glyph, word, style, rest, right) = match row {
        Row::Done(r) => {
            let change = match checks.change(r) {
                Some(Change::Was(s)) => format!("  (was {} {})", s.glyph(), s.word()),
                Some(Change::New) => "  (new)".to_string(),
                None => String::new(),
            };
            let target = r
                .target
                .as_deref()
                .map(|t| format!("{} ", safe_text(t)))
                .unwrap_or_default();
            (
                r.status.glyph().to_string(),
                r.status.word(),
                theme.status(r.status),
                format!("{target}{}{change}", safe_text(&r.summary)),
                duration_text(r.duration),
            )
        }
        Row::Running((_, target)) => {
            let spin = SPINNER[checks.spinner % SPINNER.len()];
            let target = target
                .as_deref()
                .map(|t| format!("{} ", safe_text(t)))
                .unwrap_or_default();
            (
                spin.to_string(),
                "run",
                theme.muted(),
                format!("{target}running…"),
                String::new(),
            )
        }
    };
    let name = short_name(row.id());
    let marker = if selected { "▶" } else { " " };
    let head = format!("{marker}{glyph} {word:<5} {name:<14} ");
    let middle_w = max.saturating_sub(width(&head) + width(&right) + 2);
    let middle = fit(&rest, middle_w);
    let pad = max.saturating_sub(width(&head) + width(&middle) + width(&right) + 1);
    let mut line = Line::from(vec![
        Span::styled(head, style),
        Span::raw(middle),
        Span::raw(" ".repeat(pad)),
        Span::styled(right, theme.muted()),
    ]);
    if selected {
        line = line.patch_style(theme.selected());
    }
    line
}

/// The panel heading: its title and counts.
pub fn panel_title(panel: Panel, rows: &[Row<'_>]) -> String {
    let mine: Vec<&Row<'_>> = rows.iter().filter(|r| r.id().panel() == panel).collect();
    let counts = counts(mine.into_iter());
    if counts.is_empty() {
        panel.title().to_string()
    } else {
        format!("{} ─ {counts}", panel.title())
    }
}

/// The resolution path the plan expects, drawn under the server panel:
/// spec step, address, Host header, SNI and certificate name.
pub fn expected_path(checks: &ChecksState) -> Option<String> {
    let Expected::Plan(plan) = &checks.expected else {
        return None;
    };
    let ep = plan.federation_endpoint();
    let sni = if plan.host.is_ip() && ep.cert_name == plan.host_str() {
        "no SNI".to_string()
    } else {
        format!("SNI {}", ep.cert_name)
    };
    Some(format!(
        "expected: step {} → {}:{} · Host {} · {sni} · certificate {}",
        ep.step, ep.connect_host, ep.port, ep.host_header, ep.cert_name
    ))
}

/// [`expected_path`] wrapped to `width` after `indent` (none without a plan).
pub fn expected_path_lines(checks: &ChecksState, width: usize, indent: &str) -> Vec<String> {
    expected_path(checks)
        .map(|p| wrap_prose(&format!("{indent}{p}"), width))
        .unwrap_or_default()
}

/// What an empty panel says.
pub fn empty_panel(checks: &ChecksState) -> &'static str {
    match checks.phase {
        RunPhase::Running => "waiting…",
        _ => "nothing reported",
    }
}
