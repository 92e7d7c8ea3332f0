//! The strategy step: the six options and the teaching panel for the one
//! selected, written with the operator's names.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use crate::domain::{Field, Strategy};
use crate::tui::layout;
use crate::tui::state::State;
use crate::tui::text::width;

use crate::safe_text::display as safe_text;
use crate::tui::panes::lesson_lines;
use crate::tui::theme::Theme;

use super::{position, scrolled};

pub(super) fn render(state: &State, theme: Theme, body: Rect, frame: &mut Frame) {
    let areas = layout::strategy(body);
    let question = if state.learning {
        "Learn the options: ↑↓ compare them, Enter sets up with the one selected.".to_string()
    } else {
        let name = state.names.value(Field::ServerName).trim();
        let name = if name.is_empty() { "example.com" } else { name };
        format!("How should the world find @you:{}?", safe_text(name))
    };
    frame.render_widget(Line::raw(format!(" {question}")), areas.question);

    let inner_w = usize::from(areas.list.width.saturating_sub(2));
    let two_columns = !layout::is_wide(body);
    let cell_w = if two_columns { inner_w / 2 } else { inner_w };
    let cell = |i: usize, s: &Strategy| -> Span<'static> {
        let chosen = i == state.strategy_choice;
        let marker = if chosen { "▶ " } else { "  " };
        let tag = s.tag().unwrap_or("");
        let gap = cell_w
            .saturating_sub(3 + width(s.title()) + width(tag))
            .max(1);
        let text = format!("{marker}{}{}{tag} ", s.title(), " ".repeat(gap));
        let style = if chosen {
            theme.selected()
        } else {
            theme.plain()
        };
        Span::styled(text, style)
    };
    let rows: Vec<Line<'static>> = if two_columns {
        let half = Strategy::ALL.len().div_ceil(2);
        (0..half)
            .map(|r| {
                let mut spans = vec![cell(r, &Strategy::ALL[r])];
                if let Some(s) = Strategy::ALL.get(r + half) {
                    spans.push(cell(r + half, s));
                }
                Line::from(spans)
            })
            .collect()
    } else {
        Strategy::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| Line::from(cell(i, s)))
            .collect()
    };
    let list = Paragraph::new(rows).block(
        Block::bordered()
            .title(Line::styled(" Options ", theme.caption()))
            .border_style(theme.border()),
    );
    frame.render_widget(list, areas.list);

    let s = state.strategy();
    let text_area = layout::text_area(areas.lesson);
    let lines = lesson_lines(state, text_area.width);
    let mut block = Block::bordered()
        .padding(Padding::left(1))
        .border_style(theme.border())
        .title(Line::styled(
            format!(
                " {}{} ",
                s.title(),
                s.tag().map(|t| format!(" ({t})")).unwrap_or_default()
            ),
            theme.heading(),
        ));
    if let Some(pos) = position(lines.len(), state.lesson_scroll, text_area.height) {
        block = block.title_bottom(
            Line::from(format!("{pos}PgDn "))
                .style(theme.caption())
                .right_aligned(),
        );
    }
    frame.render_widget(
        scrolled(lines, state.lesson_scroll, text_area).block(block),
        areas.lesson,
    );
}
