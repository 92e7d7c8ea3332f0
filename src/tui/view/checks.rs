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
    SPINNER, counts, duration_text, empty_panel, panel_heading, panel_lines, row_height, row_line,
    row_lines,
};
use crate::safe_text::display as safe_text;
use crate::tui::panes::detail_lines;
use crate::tui::theme::Theme;

use super::{fit, position, scrolled};

/// The frame title's parts on this screen: what is checked, and the run
/// and watch state. The caller fits them to the width.
pub(super) fn title_parts(state: &State) -> (String, String) {
    let c = &state.checks;
    let target = c
        .target
        .as_ref()
        .map(|t| safe_text(t.as_str()).into_owned())
        .unwrap_or_else(|| "?".into());
    let lead = match state.mode {
        Mode::Wizard => format!("Checks for {target}"),
        Mode::CheckOnly => format!("checks for {target}"),
    };
    let elapsed = c
        .elapsed()
        .map(duration_text)
        .unwrap_or_else(|| "0 ms".into());
    let run = c.shown_run(c.run);
    // "took": the run's duration, not a clock.
    let run = match c.phase {
        RunPhase::NotStarted => "not run yet".to_string(),
        RunPhase::Running => format!("run {run} · running {elapsed}"),
        RunPhase::Done => format!("run {run} took {elapsed}"),
        RunPhase::Failed => format!("run {run} · stopped"),
        RunPhase::Cancelled => format!("run {run} · cancelled"),
    };
    let watch = match (c.watch.on, c.next_run_in()) {
        (true, Some(left)) => format!(" ─ next run in {} s", left.as_secs()),
        (true, None) => format!(" ─ watch {} s", c.watch.every.as_secs()),
        (false, _) => String::new(),
    };
    (lead, format!("{run}{watch}"))
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
                Some((run, _)) => format!(
                    " ─ {} changed since run {}",
                    c.changed_count(),
                    c.shown_run(*run)
                ),
                None => String::new(),
            };
            let plain = or_waiting(&all);
            let counts = format!("{plain}{changed}");
            // How long resolvers may still serve the old answer, counted
            // down with or without watch mode.
            let wait = c.dns_wait_words();
            let (long_wait, short_wait) = match &wait {
                Some(left) => (
                    format!(" ─ cached DNS answers may take up to {left} more to expire"),
                    format!(" ─ DNS caches: ≤ {left} more"),
                ),
                None => (String::new(), String::new()),
            };
            let tiny_wait = wait
                .as_ref()
                .map(|left| format!(" ─ DNS: ≤ {left} more"))
                .unwrap_or_default();
            let (full, short) = (root_causes(state, true), root_causes(state, false));
            // The verdict leads, in the command line's words.
            let (full, short) = if c.phase == RunPhase::Cancelled {
                (full, short)
            } else {
                let verdict = verdict(state);
                (
                    format!("{verdict} · {full}"),
                    format!("{verdict} · {short}"),
                )
            };
            // The verdict with the counts, the root causes left to the
            // panels (which list them first): what an 80-column header keeps.
            let lead = if c.phase == RunPhase::Cancelled {
                String::new()
            } else {
                format!("{} · ", verdict(state))
            };
            let compact = plain.replace(" · ", " ");
            // The first root cause in the fewest words: `fix: server.tls +1 · `.
            let fix = root_causes(state, false).replacen("fix first: ", "fix: ", 1);
            // The root causes come first; what does not fit gives way: the
            // DNS wait's long words, the roots' targets, then the roots,
            // keeping the verdict and the counts (the first root shortened
            // to `fix: id +N` while it fits); only a screen narrower than
            // 80 columns loses the counts.
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
                format!(" {short}{plain}{tiny_wait}"),
                format!(" {lead}{fix}{compact}{tiny_wait}"),
                format!(" {lead}{plain}{tiny_wait}"),
                format!(" {lead}{compact}{tiny_wait}"),
                format!(" {lead}{fix}{compact}"),
                format!(" {lead}{plain}"),
                format!(
                    " {short}{}{short_wait}",
                    if short.is_empty() { &plain } else { "" }
                )
                .replace(" ·  ─", " ─"),
                // The DNS wait outlasts the root cause's target and the
                // counts: it says when to look again.
                format!(" {short}{tiny_wait}").replace(" · ─", " ─"),
                format!(" {}{tiny_wait}", verdict(state)),
            ];
            candidates
                .iter()
                .find(|t| crate::tui::text::width(t) <= usize::from(max))
                .unwrap_or(&candidates[candidates.len() - 1])
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

/// The one-phrase verdict of a finished run, as `check` prints it.
fn verdict(state: &State) -> &'static str {
    let report = state.checks.report();
    match (report.federation.ok, report.ok) {
        (true, true) => "✔ federation works",
        (true, false) => "! federation works",
        (false, _) => "✘ federation does NOT work",
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
        block = block.title_bottom(Line::from(pos).style(theme.caption()).right_aligned());
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
        let heights = row_heights(c, &rows, focus, panels, column, w);
        let bodies: Vec<Vec<Line<'static>>> = panels
            .iter()
            .map(|panel| {
                let mut lines = panel_lines(*panel, c, theme, w, " ");
                for (i, row) in rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.id().panel() == *panel)
                {
                    let n = heights.get(i).copied().unwrap_or(1);
                    lines.extend(row_lines(row, c, focus == Some(i), theme, w, n));
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

/// How many lines each row of `panels` may take in a grid column: one
/// each, then, while the column has room, the whole summary of the selected
/// row, the failures, the warnings and the rest, in that order (a wide
/// screen shows what a narrow one cuts).
fn row_heights(
    c: &crate::tui::state::ChecksState,
    rows: &[Row<'_>],
    focus: Option<usize>,
    panels: &[Panel],
    column: Rect,
    w: usize,
) -> Vec<usize> {
    let mut heights = vec![1; rows.len()];
    let mine: Vec<usize> = (0..rows.len())
        .filter(|i| panels.contains(&rows[*i].id().panel()))
        .collect();
    let fixed: usize = panels
        .iter()
        .map(|p| {
            let n = mine.iter().filter(|i| rows[**i].id().panel() == *p).count();
            panel_lines(*p, c, Theme::new(true), w, " ").len() + n.max(1) + 2
        })
        .sum();
    let mut spare = usize::from(column.height).saturating_sub(fixed);
    let rank = |i: usize| match rows[i] {
        _ if Some(i) == focus => 0,
        Row::Done(r) if r.status.is_failure() => 1,
        Row::Done(r) if r.status == crate::check::model::Status::Warn => 2,
        _ => 3,
    };
    let mut order = mine;
    order.sort_by_key(|i| rank(*i));
    for i in order {
        let want = row_height(&rows[i], c, w).min(3);
        let extra = want - 1;
        if extra > 0 && extra <= spare {
            heights[i] = want;
            spare -= extra;
        }
    }
    heights
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
            block = block.title_bottom(
                Line::from(format!("{pos}{hint} "))
                    .style(theme.caption())
                    .right_aligned(),
            )
        }
        None if c.expanded => {
            block = block.title_bottom(
                Line::from(format!(" {hint} "))
                    .style(theme.caption())
                    .right_aligned(),
            )
        }
        None => {}
    }
    frame.render_widget(scrolled(lines, c.detail_scroll, inner).block(block), area);
}
