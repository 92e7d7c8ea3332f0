//! Where things go on screen, as pure functions of the terminal size. The
//! view draws into these areas; update uses the same areas to know how far
//! a panel can scroll.

use ratatui::layout::{Constraint, Layout, Rect};

use super::state::State;

/// Below this the wizard asks for a bigger terminal instead of drawing.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// The frame every screen shares: a border with the title, the body, a
/// status line and the key bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chrome {
    pub outer: Rect,
    pub body: Rect,
    pub status: Rect,
    pub bar: Rect,
}

pub fn chrome(area: Rect) -> Chrome {
    let inner = inset(area);
    let [body, status, bar] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    Chrome {
        outer: area,
        body,
        status,
        bar,
    }
}

/// The text inside a bordered block with one column of left padding.
pub fn text_area(area: Rect) -> Rect {
    let inner = inset(area);
    Rect {
        x: inner.x.saturating_add(1),
        width: inner.width.saturating_sub(1),
        ..inner
    }
}

/// The inside of a bordered block.
pub fn inset(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

pub fn screen(state: &State) -> Rect {
    Rect::new(0, 0, state.width, state.height)
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Side by side when there is room, else stacked.
pub fn is_wide(area: Rect) -> bool {
    area.width >= 100
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrategyAreas {
    pub question: Rect,
    pub list: Rect,
    pub lesson: Rect,
}

pub fn strategy(body: Rect) -> StrategyAreas {
    let [question, rest] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
    let [list, lesson] = if is_wide(body) {
        Layout::horizontal([Constraint::Length(36), Constraint::Fill(1)]).areas(rest)
    } else {
        // Narrow: the six options in two columns of three.
        Layout::vertical([Constraint::Length(5), Constraint::Fill(1)]).areas(rest)
    };
    StrategyAreas {
        question,
        list,
        lesson,
    }
}

/// The text area of the teaching panel.
pub fn lesson_text(state: &State) -> Rect {
    text_area(strategy(chrome(screen(state)).body).lesson)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewAreas {
    pub tabs: Rect,
    pub content: Rect,
}

pub fn review(body: Rect) -> ReviewAreas {
    let [tabs, content] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
    ReviewAreas { tabs, content }
}

/// The text area of the current review tab.
pub fn review_text(state: &State) -> Rect {
    text_area(review(chrome(screen(state)).body).content)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChecksAreas {
    pub summary: Rect,
    /// Empty when the details are expanded.
    pub list: Rect,
    pub details: Rect,
}

/// Two columns of panels when the screen is big enough.
pub fn checks_grid(body: Rect) -> bool {
    body.width >= 118 && body.height >= 28
}

pub fn checks(body: Rect, expanded: bool) -> ChecksAreas {
    let [summary, rest] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
    if expanded {
        return ChecksAreas {
            summary,
            list: Rect::new(rest.x, rest.y, rest.width, 0),
            details: rest,
        };
    }
    let details_h = (rest.height * 2 / 5)
        .max(7)
        .min(rest.height.saturating_sub(4));
    let [list, details] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(details_h)]).areas(rest);
    ChecksAreas {
        summary,
        list,
        details,
    }
}

/// The text area of the details panel.
pub fn details_text(state: &State) -> Rect {
    text_area(checks(chrome(screen(state)).body, state.checks.expanded).details)
}

/// A centred box for overlays, at most `width` × `height`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2)).max(1);
    let h = height.min(area.height).max(1);
    Rect::new(
        area.x + (area.width.saturating_sub(w)) / 2,
        area.y + (area.height.saturating_sub(h)) / 2,
        w,
        h,
    )
}

/// The confirm-write overlay and the diff area inside it (below two lines
/// of explanation).
pub fn confirm(area: Rect) -> (Rect, Rect) {
    // Over the body only: the status line and the key bar stay visible.
    let outer = chrome(area).body;
    let inner = inset(outer);
    let [_, diff] = Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(inner);
    (outer, diff)
}

pub fn confirm_text(state: &State) -> Rect {
    confirm(screen(state)).1
}
