//! The result of the last action: one row above the key bar when it fits,
//! else a box over the bottom of the body, wrapped, with the next step on a
//! line of its own. It stays until the next key, so nothing of it is lost.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use crate::safe_text::display as safe_text;
use crate::tui::layout::Chrome;
use crate::tui::state::{Level, StatusLine};
use crate::tui::text::{width, wrap_prose};
use crate::tui::theme::{self, Theme};

/// The message's lines at `max` columns: the text wrapped after its glyph,
/// then the next step. Also what the tests read to prove nothing is cut.
pub fn status_lines(status: &StatusLine, max: usize) -> Vec<(Level, String)> {
    let glyph = theme::level_glyph(status.level);
    let mut out: Vec<(Level, String)> =
        wrap_prose(&format!("{glyph} {}", safe_text(&status.text)), max)
            .into_iter()
            .map(|l| (status.level, l))
            .collect();
    if let Some(next) = &status.next {
        for piece in wrap_prose(&format!("→ {}", safe_text(next)), max) {
            out.push((Level::Info, piece));
        }
    }
    out
}

pub(super) fn render(status: &StatusLine, theme: Theme, chrome: &Chrome, frame: &mut Frame) {
    let one_row = usize::from(chrome.status.width);
    let glyph = theme::level_glyph(status.level);
    let line = format!("{glyph} {}", safe_text(&status.text));
    if status.next.is_none() && width(&line) <= one_row {
        frame.render_widget(
            Line::from(line).style(theme.level(status.level)),
            chrome.status,
        );
        return;
    }
    // The box spans the body's width and ends on the status row; its
    // text is two columns narrower (the border) and one more (padding).
    let inner_w = usize::from(chrome.status.width.saturating_sub(3));
    let lines = status_lines(status, inner_w);
    let room = chrome.status.y.saturating_sub(chrome.body.y) + 1;
    let want = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let height = want.min(room);
    let area = Rect {
        x: chrome.status.x,
        y: chrome.status.y + 1 - height,
        width: chrome.status.width,
        height,
    };
    let block = Block::bordered()
        .padding(Padding::left(1))
        .border_style(theme.level(status.level))
        .title_bottom(Line::from(" any key closes ").right_aligned());
    let text: Vec<Line<'static>> = lines
        .into_iter()
        .map(|(level, l)| Line::styled(l, theme.level(level)))
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(text).block(block), area);
}
