//! The current review tab: prose wrapped, code and diffs cut at the edge
//! (never reflowed), continuation lines marked.

use ratatui::text::{Line, Span};

use crate::safe_text::display as safe_text;
use crate::tui::state::{State, TabKind};
use crate::tui::text::{wrap_code, wrap_prose};
use crate::tui::theme::Theme;

use super::diff::diff_style;

/// The current tab's lines at `width` (also used to bound scrolling).
pub fn tab_lines(state: &State, width: u16) -> Vec<Line<'static>> {
    let theme = Theme::new(state.no_color);
    let tabs = state.review.tabs();
    let Some(tab) = tabs.get(state.review.tab) else {
        return Vec::new();
    };
    let w = usize::from(width).max(8);
    let mut out = Vec::new();
    for raw in tab.text.lines() {
        let line = safe_text(raw);
        match tab.kind {
            TabKind::Prose => {
                for piece in wrap_prose(&line, w) {
                    out.push(Line::raw(piece));
                }
            }
            TabKind::Code | TabKind::Diff => {
                let style = if tab.kind == TabKind::Diff {
                    diff_style(&line, theme)
                } else {
                    theme.plain()
                };
                for (continued, piece) in wrap_code(&line, w) {
                    let mut spans = Vec::new();
                    if continued {
                        spans.push(Span::styled("↪ ", theme.muted()));
                    }
                    spans.push(Span::styled(piece, style));
                    out.push(Line::from(spans));
                }
            }
        }
    }
    out
}
