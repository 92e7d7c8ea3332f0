//! One line per check result, grouped into the report's panels, and the
//! panel headings with the lines under them.

use ratatui::text::{Line, Span};

use crate::check::model::{Panel, Status};
use crate::report::text::{self, status_label};
use crate::tui::state::checks::{Change, Row};
use crate::tui::state::{ChecksState, Level, RunPhase};
use crate::tui::text::{width, wrap_prose};

use super::server_path::{self, PathKind};
use crate::safe_text::display as safe_text;
use crate::tui::panes::short_name;
use crate::tui::theme::Theme;

use super::fit;

pub(super) const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub(super) fn duration_text(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `2 pass · 1 FAIL` for the rows of one panel (or of everything).
pub(super) fn counts<'a>(rows: impl Iterator<Item = &'a Row<'a>>) -> String {
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
pub(super) fn row_line(
    row: &Row<'_>,
    checks: &ChecksState,
    selected: bool,
    theme: Theme,
    max: usize,
) -> Line<'static> {
    let (label, style, rest, right) = match row {
        Row::Done(r) => {
            let change = match checks.change(r) {
                Some(Change::Was(s)) => format!("  (was {})", status_label(s, false).trim_end()),
                Some(Change::New) => "  (new)".to_string(),
                None => String::new(),
            };
            let target = r
                .target
                .as_deref()
                .map(|t| format!("{} ", safe_text(t)))
                .unwrap_or_default();
            (
                status_label(r.status, false),
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
                format!("{spin} {:<5}", "run"),
                theme.muted(),
                format!("{target}running…"),
                String::new(),
            )
        }
    };
    let name = short_name(row.id());
    let marker = if selected { "▶" } else { " " };
    let head = format!("{marker}{label} {name:<14} ");
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

/// The panel heading: the shared report's heading (with the spec step or
/// the client verdict once known), then the counts; the heading is cut
/// first when the width is short.
pub(super) fn panel_heading(
    panel: Panel,
    checks: &ChecksState,
    rows: &[Row<'_>],
    max: usize,
) -> String {
    let heading = text::panel_heading(checks.report(), panel);
    let mine: Vec<&Row<'_>> = rows.iter().filter(|r| r.id().panel() == panel).collect();
    let counts = counts(mine.into_iter());
    if counts.is_empty() {
        return fit(&safe_text(&heading), max);
    }
    let room = max.saturating_sub(width(&counts) + 3);
    format!("{} ─ {counts}", fit(&safe_text(&heading), room))
}

/// The lines under a panel's heading: the meaning of its verdict, and for
/// the server panel the resolution path. Wrapped to `width` after `indent`.
pub(super) fn panel_lines(
    panel: Panel,
    checks: &ChecksState,
    theme: Theme,
    width: usize,
    indent: &str,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(sub) = text::panel_subtitle(checks.report(), panel) {
        for piece in wrap_prose(&format!("{indent}{}", safe_text(&sub)), width) {
            out.push(Line::styled(piece, theme.muted()));
        }
    }
    if panel == Panel::Server {
        for (piece, kind) in server_path::wrapped(checks, width, indent) {
            let style = match kind {
                PathKind::Expected | PathKind::NotProbed => theme.muted(),
                PathKind::Target => theme.plain(),
                PathKind::Broken => theme.status(Status::Fail),
                PathKind::Differs => theme.level(Level::Warn),
                PathKind::Matches => theme.level(Level::Ok),
            };
            out.push(Line::styled(safe_text(&piece).into_owned(), style));
        }
    }
    out
}

/// What an empty panel says.
pub(super) fn empty_panel(checks: &ChecksState) -> &'static str {
    match checks.phase {
        RunPhase::Running => "waiting…",
        _ => "nothing reported",
    }
}
