//! The checks screen: panels that fill as results stream in, and the
//! evidence and remedy of the selected row.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph};

use crate::check::model::Panel;
use crate::report::PANELS;
use crate::report::text::status_label;
use crate::tui::layout;
use crate::tui::state::checks::Row;
use crate::tui::state::{Level, Mode, RunPhase, State};

use super::check_rows::{
    SPINNER, counts, duration_text, empty_panel, panel_heading, panel_lines, row_line,
};
use crate::safe_text::display as safe_text;
use crate::tui::panes::detail_lines;
use crate::tui::theme::Theme;

use super::{fit, position, scrolled};

/// The frame title on this screen: target, run and watch state.
pub(super) fn title(state: &State) -> String {
    let c = &state.checks;
    let target = c
        .target
        .as_ref()
        .map(|t| safe_text(t.as_str()).into_owned())
        .unwrap_or_else(|| "?".into());
    let lead = match state.mode {
        Mode::Wizard => format!("6/6 Checks for {target}"),
        Mode::CheckOnly => format!("checks for {target}"),
    };
    let elapsed = c
        .elapsed()
        .map(duration_text)
        .unwrap_or_else(|| "0 ms".into());
    let run = match c.phase {
        RunPhase::NotStarted => "not run yet".to_string(),
        RunPhase::Running => format!("run {} · running {elapsed}", c.run),
        RunPhase::Done => format!("run {} · {elapsed}", c.run),
        RunPhase::Failed => format!("run {} · stopped", c.run),
        RunPhase::Cancelled => format!("run {} · cancelled", c.run),
    };
    let watch = if c.watch.on {
        format!(" ─ watch {} s", c.watch.every.as_secs())
    } else {
        String::new()
    };
    format!("{lead} ─ {run}{watch}")
}

pub(super) fn render(state: &State, theme: Theme, body: Rect, frame: &mut Frame) {
    let c = &state.checks;
    let areas = layout::checks(body, c.expanded);
    frame.render_widget(summary(state, theme, areas.summary.width), areas.summary);
    if !c.expanded {
        if layout::checks_grid(body) {
            render_grid(state, theme, areas.list, frame);
        } else {
            render_list(state, theme, areas.list, frame);
        }
    }
    render_details(state, theme, areas.details, frame);
}

fn summary(state: &State, theme: Theme, max: u16) -> Line<'static> {
    let c = &state.checks;
    let rows = c.rows();
    let all = counts(rows.iter());
    let text = match c.phase {
        RunPhase::NotStarted => " Press r to run the checks.".to_string(),
        RunPhase::Failed => {
            let reason = c.failure.as_deref().unwrap_or("unknown reason");
            let line = format!(" ✘ The checks could not run: {}", safe_text(reason));
            return Line::styled(fit(&line, usize::from(max)), theme.level(Level::Error));
        }
        RunPhase::Running => {
            format!(
                " {} {}",
                SPINNER[c.spinner % SPINNER.len()],
                or_waiting(&all)
            )
        }
        RunPhase::Done | RunPhase::Cancelled => {
            let changed = match &c.baseline {
                Some((run, _)) => format!(" ─ {} changed since run {run}", c.changed_count()),
                None => String::new(),
            };
            let plain = or_waiting(&all);
            let counts = format!("{plain}{changed}");
            // Watch mode: how long resolvers may still serve the old answer.
            let wait = c.dns_wait_words().filter(|_| c.watch.on);
            let (long_wait, short_wait) = match &wait {
                Some(left) => (
                    format!(" ─ cached DNS answers may take up to {left} more to expire"),
                    format!(" ─ DNS caches: ≤ {left} more"),
                ),
                None => (String::new(), String::new()),
            };
            let (full, short) = (root_causes(state, true), root_causes(state, false));
            // The root causes come first; what does not fit gives way, the
            // counts (which every panel heading repeats) before the roots.
            let candidates = [
                format!(" {full}{counts}{long_wait}"),
                format!(" {short}{counts}{long_wait}"),
                format!(" {full}{counts}{short_wait}"),
                format!(" {short}{counts}{short_wait}"),
                if short.is_empty() || c.changed_count() == 0 {
                    format!(" {short}{plain}{short_wait}")
                } else {
                    format!(" {}{changed}{short_wait}", short.trim_end_matches(" · "))
                },
                format!(" {short}{plain}{short_wait}"),
                format!(
                    " {short}{}{short_wait}",
                    if short.is_empty() { &plain } else { "" }
                )
                .replace(" ·  ─", " ─"),
            ];
            candidates
                .iter()
                .find(|t| crate::tui::text::width(t) <= usize::from(max))
                .unwrap_or(&candidates[6])
                .trim_end_matches(" · ")
                .to_string()
        }
    };
    Line::raw(fit(&text, usize::from(max)))
}

/// The root causes first (`fix first: server.tls 127.0.0.11:443 · `, with
/// `+N` for more): what to fix before anything else, ahead of the counts.
fn root_causes(state: &State, with_targets: bool) -> String {
    // The update settles the report after each event (views only read).
    let roots = state.checks.report().root_causes();
    let names: Vec<String> = roots
        .iter()
        .map(|(c, _)| match &c.target {
            Some(t) if with_targets => format!("{} {}", c.id.as_str(), safe_text(t)),
            _ => c.id.as_str().to_string(),
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!("fix first: {one} · "),
        [first, rest @ ..] => format!("fix first: {first} +{} · ", rest.len()),
    }
}

fn or_waiting(counts: &str) -> String {
    if counts.is_empty() {
        "waiting for the first results…".into()
    } else {
        counts.to_string()
    }
}

/// Narrow screens: one list, panel headings as lines.
fn render_list(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    let c = &state.checks;
    let rows = c.rows();
    let focus = c.focus_index(&rows);
    let inner = layout::inset(area);
    let w = usize::from(inner.width);
    let mut lines = Vec::new();
    let mut focus_line = 0;
    for panel in PANELS {
        lines.push(Line::styled(
            format!(" {}", panel_heading(panel, c, &rows, w.saturating_sub(1))),
            theme.heading(),
        ));
        lines.extend(panel_lines(panel, c, theme, w, "   "));
        let mut any = false;
        for (i, row) in rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.id().panel() == panel)
        {
            any = true;
            if focus == Some(i) {
                focus_line = lines.len();
            }
            lines.push(row_line(row, c, focus == Some(i), theme, w));
        }
        if !any {
            lines.push(Line::styled(
                format!("   {}", empty_panel(c)),
                theme.muted(),
            ));
        }
    }
    // Keep the selected row in view, near the middle.
    let height = usize::from(inner.height);
    let max = lines.len().saturating_sub(height);
    let offset = focus_line.saturating_sub(height / 2).min(max);
    let mut block = Block::bordered().border_style(theme.border());
    if let Some(pos) = position(lines.len(), offset as u16, inner.height) {
        block = block.title_bottom(Line::from(pos).right_aligned());
    }
    let offset = u16::try_from(offset).unwrap_or(u16::MAX);
    frame.render_widget(scrolled(lines, offset, inner).block(block), area);
}

/// Wide screens: a box per panel, in two columns.
fn render_grid(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    let c = &state.checks;
    let rows = c.rows();
    let focus = c.focus_index(&rows);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    for (column, panels) in [
        (left, &[Panel::Dns, Panel::Server][..]),
        (right, &[Panel::Client, Panel::Support, Panel::Caching][..]),
    ] {
        let w = usize::from(layout::inset(column).width);
        let bodies: Vec<Vec<Line<'static>>> = panels
            .iter()
            .map(|panel| {
                let mut lines = panel_lines(*panel, c, theme, w, " ");
                for (i, row) in rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.id().panel() == *panel)
                {
                    lines.push(row_line(row, c, focus == Some(i), theme, w));
                }
                if lines.is_empty() {
                    lines.push(Line::styled(format!(" {}", empty_panel(c)), theme.muted()));
                }
                lines
            })
            .collect();
        let heights: Vec<Constraint> = bodies
            .iter()
            .enumerate()
            .map(|(i, lines)| {
                if i + 1 == bodies.len() {
                    Constraint::Fill(1)
                } else {
                    Constraint::Length(u16::try_from(lines.len() + 2).unwrap_or(u16::MAX))
                }
            })
            .collect();
        let boxes = Layout::vertical(heights).split(column);
        for ((panel, lines), slot) in panels.iter().zip(bodies).zip(boxes.iter()) {
            let title = panel_heading(*panel, c, &rows, usize::from(slot.width).saturating_sub(4));
            let block = Block::bordered()
                .border_style(theme.border())
                .title(Line::styled(format!(" {title} "), theme.heading()));
            frame.render_widget(Paragraph::new(lines).block(block), *slot);
        }
    }
}

fn render_details(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    let c = &state.checks;
    let rows = c.rows();
    let inner = layout::text_area(area);
    let lines = detail_lines(state, inner.width);
    let (title, style) = match c.focus_index(&rows).and_then(|i| rows.get(i)) {
        Some(Row::Done(r)) => {
            let target = r
                .target
                .as_deref()
                .map(|t| format!(" · {}", safe_text(t)))
                .unwrap_or_default();
            (
                format!(
                    " {} {}{target} · {} ",
                    status_label(r.status, false).trim_end(),
                    r.id.as_str(),
                    duration_text(r.duration)
                ),
                theme.status(r.status),
            )
        }
        Some(Row::Running((id, _))) => (format!(" {} · running ", id.as_str()), theme.muted()),
        None => (" Details ".to_string(), theme.heading()),
    };
    let mut block = Block::bordered()
        .padding(Padding::left(1))
        .border_style(theme.border())
        .title(Line::styled(title, style));
    let hint = if c.expanded {
        "Esc collapse"
    } else {
        "Enter expand"
    };
    match position(lines.len(), c.detail_scroll, inner.height) {
        Some(pos) => {
            block = block.title_bottom(Line::from(format!("{pos}{hint} ")).right_aligned())
        }
        None if c.expanded => {
            block = block.title_bottom(Line::from(format!(" {hint} ")).right_aligned())
        }
        None => {}
    }
    frame.render_widget(scrolled(lines, c.detail_scroll, inner).block(block), area);
}
