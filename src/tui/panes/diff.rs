//! A unified diff as lines: `+` / `-` / `@@` marked, cut at the edge.

use ratatui::style::Style;
use ratatui::text::Line;

use crate::safe_text::display as safe_text;
use crate::tui::text::wrap_code;
use crate::tui::theme::Theme;

/// The diff's lines at `width`, marked and cut, never reflowed.
pub fn diff_lines(diff: &str, width: u16, no_color: bool) -> Vec<Line<'static>> {
    let theme = Theme::new(no_color);
    let mut out = Vec::new();
    for raw in diff.lines() {
        let line = safe_text(raw);
        let style = diff_style(&line, theme);
        for (continued, piece) in wrap_code(&line, usize::from(width)) {
            let lead = if continued { "↪ " } else { "" };
            out.push(Line::styled(format!("{lead}{piece}"), style));
        }
    }
    out
}

/// The style of one diff line, by its marker.
pub fn diff_style(line: &str, theme: Theme) -> Style {
    if line.starts_with("+++") || line.starts_with("---") {
        theme.key()
    } else if line.starts_with('+') {
        theme.pro()
    } else if line.starts_with('-') {
        theme.con()
    } else if line.starts_with("@@") {
        theme.heading()
    } else {
        theme.plain()
    }
}
