//! The review step: a row of tabs and the current tab's text.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding};

use crate::tui::layout;
use crate::tui::state::State;
use crate::tui::text::width;

use crate::safe_text::display as safe_text;
use crate::tui::panes::tab_lines;
use crate::tui::theme::Theme;

use super::{fit, position, scrolled};

pub(super) fn render(state: &State, theme: Theme, body: Rect, frame: &mut Frame) {
    let areas = layout::review(body);
    let tabs = state.review.tabs();
    let labels: Vec<String> = tabs
        .iter()
        .map(|t| safe_text(&t.label).into_owned())
        .collect();
    frame.render_widget(
        tab_bar(&labels, state.review.tab, areas.tabs.width, theme),
        areas.tabs,
    );
    let text_area = layout::text_area(areas.content);
    let lines = tab_lines(state, text_area.width);
    let title = tabs
        .get(state.review.tab)
        .map(|t| {
            let head = format!("({}/{}) ", state.review.tab + 1, tabs.len());
            let room = usize::from(areas.content.width).saturating_sub(width(&head) + 5);
            format!(" {} {head}", fit(&safe_text(&t.title), room))
        })
        .unwrap_or_default();
    let mut block = Block::bordered()
        .padding(Padding::left(1))
        .border_style(theme.border())
        .title(Line::styled(title, theme.heading()));
    if let Some(pos) = position(lines.len(), state.review.scroll, text_area.height) {
        block = block.title_bottom(Line::from(pos).style(theme.caption()).right_aligned());
    }
    frame.render_widget(
        scrolled(lines, state.review.scroll, text_area).block(block),
        areas.content,
    );
}

/// The tab titles that fit, the selected one always among them.
fn tab_bar(titles: &[String], selected: usize, max: u16, theme: Theme) -> Line<'static> {
    let max = usize::from(max).saturating_sub(4);
    let cost = |i: usize| width(&titles[i]) + 3;
    let (mut first, mut last) = (selected, selected);
    let mut used = titles.get(selected).map_or(0, |_| cost(selected));
    loop {
        let mut grew = false;
        if last + 1 < titles.len() && used + cost(last + 1) <= max {
            last += 1;
            used += cost(last);
            grew = true;
        }
        if first > 0 && used + cost(first - 1) <= max {
            first -= 1;
            used += cost(first);
            grew = true;
        }
        if !grew {
            break;
        }
    }
    let mut spans = vec![Span::raw(if first > 0 { "‹ " } else { "  " })];
    for (i, t) in titles.iter().enumerate().take(last + 1).skip(first) {
        let style = if i == selected {
            theme.selected()
        } else {
            theme.plain()
        };
        spans.push(Span::styled(format!(" {t} "), style));
        spans.push(Span::raw(" "));
    }
    if last + 1 < titles.len() {
        spans.push(Span::raw("›"));
    }
    Line::from(spans)
}
