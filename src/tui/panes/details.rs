//! The details pane of the checks screen: the selected row's summary, what
//! changed since the previous run, the remedy, the evidence and the spec
//! reference.

use ratatui::text::{Line, Span};

use crate::check::model::CheckId;
use crate::report::text::status_label;
use crate::safe_text::display as safe_text;
use crate::tui::state::checks::{Change, Row};
use crate::tui::state::{Level, RunPhase, State};
use crate::tui::text::wrap_prose;
use crate::tui::theme::Theme;

/// The id without its panel prefix (`server.tls` → `tls`).
pub fn short_name(id: CheckId) -> &'static str {
    let s = id.as_str();
    s.split_once('.').map_or(s, |(_, rest)| rest)
}

/// The selected row's summary, remedy, evidence and spec reference at
/// `width` (also used to bound scrolling). Everything here came from the
/// network or embeds it: each line goes through `safe_text`.
pub fn detail_lines(state: &State, width: u16) -> Vec<Line<'static>> {
    let theme = Theme::new(state.no_color);
    let c = &state.checks;
    let w = usize::from(width).max(10);
    let rows = c.rows();
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut push = |text: &str, style| {
        for piece in wrap_prose(text, w) {
            out.push(Line::styled(piece, style));
        }
    };
    let Some(row) = c.focus_index(&rows).and_then(|i| rows.get(i)) else {
        match (c.phase, c.failure.as_deref()) {
            // The summary line may cut the reason short: give it whole here.
            (RunPhase::Failed, Some(reason)) => {
                push(
                    &format!("The run did not start: {}", safe_text(reason)),
                    theme.level(Level::Error),
                );
                push(
                    "Fix that, then press r to run the checks again.",
                    theme.muted(),
                );
            }
            (RunPhase::Failed, None) => {
                push("Nothing to show: the run did not start.", theme.muted())
            }
            _ => push(
                "Results appear here as they arrive; ↑↓ selects one.",
                theme.muted(),
            ),
        }
        return out;
    };
    let r = match row {
        Row::Done(r) => r,
        Row::Running((id, target)) => {
            let on = target
                .as_deref()
                .map(|t| format!(" on {}", safe_text(t)))
                .unwrap_or_default();
            push(
                &format!("{} is running{on}…", short_name(*id)),
                theme.muted(),
            );
            return out;
        }
    };
    push(&safe_text(&r.summary), theme.key());
    if let Some(cause) = &r.caused_by {
        push(
            &format!(
                "Caused by {}: fix that one, nothing to change here.",
                safe_text(&cause.describe())
            ),
            theme.level(Level::Info),
        );
    }
    if let Some(change) = c.change(r) {
        let run = c.baseline.as_ref().map(|(n, _)| *n).unwrap_or_default();
        let text = match change {
            Change::Was(s) => format!(
                "Changed since run {run}: was {}",
                status_label(s, false).trim_end()
            ),
            Change::New => format!("New since run {run}"),
        };
        push(&text, theme.level(Level::Info));
    }
    // The remedy before the evidence: on a small screen the first rows of
    // the panel say what to do; the evidence that proves it follows.
    if let Some(remedy) = &r.remedy {
        out.push(Line::from(Span::styled("Remedy:", theme.heading())));
        for line in remedy.split('\n') {
            for piece in wrap_prose(&format!("  {}", safe_text(line)), w) {
                out.push(Line::raw(piece));
            }
        }
    }
    if !r.evidence.is_empty() {
        out.push(Line::from(Span::styled("Evidence:", theme.heading())));
    }
    // Each piece of evidence is headed by what it is (a request such as
    // `GET https://…`, or a name such as `propagation` or `expected
    // m.server`), then what came back.
    for e in &r.evidence {
        for piece in wrap_prose(&format!("  {}", safe_text(&e.asked)), w) {
            out.push(Line::styled(piece, theme.plain()));
        }
        for (i, got) in e.got.split('\n').enumerate() {
            let lead = if i == 0 { "    → " } else { "      " };
            for piece in wrap_prose(&format!("{lead}{}", safe_text(got)), w) {
                out.push(Line::styled(piece, theme.muted()));
            }
        }
    }
    if let Some(spec) = &r.spec {
        for piece in wrap_prose(&format!("Spec: {}", safe_text(spec)), w) {
            out.push(Line::styled(piece, theme.muted()));
        }
    }
    out
}
