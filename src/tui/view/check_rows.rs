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
    row_lines(row, checks, selected, theme, max, 1)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// How many screen lines the row's text takes at `max` columns when it
/// may wrap (at least 1).
pub(super) fn row_height(row: &Row<'_>, checks: &ChecksState, max: usize) -> usize {
    let (head, rest, right) = row_parts(row, checks, false);
    let first_w = max.saturating_sub(width(&head) + width(&right) + 2);
    let next_w = max.saturating_sub(width(&head) + 1);
    wrap_row_text(&rest, first_w, next_w).len().max(1)
}

/// The row on up to `lines` screen lines: the summary wraps under itself
/// (the duration stays on the first line), the last line cut with `…`.
pub(super) fn row_lines(
    row: &Row<'_>,
    checks: &ChecksState,
    selected: bool,
    theme: Theme,
    max: usize,
    lines: usize,
) -> Vec<Line<'static>> {
    let style = row_style(row, theme);
    let (head, rest, right) = row_parts(row, checks, selected);
    let first_w = max.saturating_sub(width(&head) + width(&right) + 2);
    let next_w = max.saturating_sub(width(&head) + 1);
    let mut pieces = if lines <= 1 {
        vec![fit(&rest, first_w)]
    } else {
        wrap_row_text(&rest, first_w, next_w)
    };
    if pieces.len() > lines.max(1) {
        let keep = lines.max(1);
        let cut: Vec<String> = pieces.drain(keep - 1..).collect();
        let limit = if keep == 1 { first_w } else { next_w };
        pieces.push(fit(&cut.join(" "), limit));
    }
    let indent = " ".repeat(width(&head));
    let mut out = Vec::new();
    for (i, piece) in pieces.into_iter().enumerate() {
        let mut line = if i == 0 {
            let pad = max.saturating_sub(width(&head) + width(&piece) + width(&right) + 1);
            Line::from(vec![
                Span::styled(head.clone(), style),
                Span::raw(piece),
                Span::raw(" ".repeat(pad)),
                Span::styled(right.clone(), theme.muted()),
            ])
        } else {
            let pad = max.saturating_sub(width(&indent) + width(&piece));
            Line::from(vec![
                Span::raw(indent.clone()),
                Span::raw(piece),
                Span::raw(" ".repeat(pad)),
            ])
        };
        if selected {
            line = line.patch_style(theme.selected());
        }
        out.push(line);
    }
    out
}

/// Word-wraps a row's text: the first piece `first` wide, the rest `next`.
fn wrap_row_text(text: &str, first: usize, next: usize) -> Vec<String> {
    if width(text) <= first {
        return vec![text.to_string()];
    }
    let first_pieces = wrap_prose(text, first.max(8));
    let Some(head) = first_pieces.first().cloned() else {
        return vec![String::new()];
    };
    let rest = text.get(head.len()..).unwrap_or_default().trim_start();
    let mut out = vec![head];
    if !rest.is_empty() {
        out.extend(wrap_prose(rest, next.max(8)));
    }
    out
}

fn row_style(row: &Row<'_>, theme: Theme) -> ratatui::style::Style {
    match row {
        Row::Done(r) => theme.status(r.status),
        Row::Running(_) => theme.muted(),
    }
}

/// The row's head (marker, status, name), text and duration.
fn row_parts(row: &Row<'_>, checks: &ChecksState, selected: bool) -> (String, String, String) {
    let (label, rest, right) = match row {
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
                format!("{target}running…"),
                String::new(),
            )
        }
    };
    let name = short_name(row.id());
    let marker = if selected { "▶" } else { " " };
    (format!("{marker}{label} {name:<14} "), rest, right)
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
                PathKind::Matches | PathKind::PeerWorks => theme.level(Level::Ok),
                PathKind::PeersHeading => theme.plain(),
                PathKind::PeerFails => theme.status(Status::Fail),
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
