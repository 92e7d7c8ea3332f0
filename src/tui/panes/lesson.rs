//! The teaching panel of the strategy step: the lesson for the strategy
//! selected, written with the operator's names (`# heading`, `+ pro`,
//! `- con` marked), after the reason Enter was refused, if it was.

use ratatui::text::{Line, Span};

use crate::safe_text::display as safe_text;
use crate::tui::state::{Level, State};
use crate::tui::teaching;
use crate::tui::text::wrap_prose;
use crate::tui::theme::Theme;

/// The teaching panel's lines at `width` (also used to bound scrolling).
pub fn lesson_lines(state: &State, width: u16) -> Vec<Line<'static>> {
    let theme = Theme::new(state.no_color);
    let w = usize::from(width).max(10);
    let mut out = Vec::new();
    if let Some(problem) = &state.strategy_problem {
        let text = format!("✘ Not with your answers: {}", safe_text(problem));
        for piece in wrap_prose(&text, w) {
            out.push(Line::styled(piece, theme.level(Level::Error)));
        }
        out.push(Line::raw(""));
    }
    let lesson = teaching::lesson(&state.answers(), state.strategy());
    for raw in lesson.text.lines() {
        let raw = safe_text(raw);
        let (style, text) = if let Some(h) = raw.strip_prefix("# ") {
            (theme.heading(), h.to_string())
        } else if raw.starts_with("+ ") {
            (theme.pro(), raw.to_string())
        } else if let Some(rest) = raw.strip_prefix("- ") {
            (theme.con(), format!("− {rest}"))
        } else {
            (theme.plain(), raw.to_string())
        };
        for piece in wrap_prose(&text, w) {
            out.push(Line::from(Span::styled(piece, style)));
        }
    }
    out
}
