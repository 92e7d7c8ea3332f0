//! `demo`: the deployment picker — one row per simulated deployment (state
//! glyph and word, title, one-line description) and, below, the picked
//! one's story and the answers its operator gave.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::check::model::Status;
use crate::tui::demo::{DEMOS, DemoDeployment};
use crate::tui::layout;
use crate::tui::state::{Level, State};
use crate::tui::text::{width, wrap_prose};

use crate::tui::theme::Theme;

use super::fit;

/// One line at 80 columns, so that the list and the details fit in 24 rows.
const INTRO: &str = "All simulated here on loopback (DNS, HTTPS, own CA); the checks are real.";

pub(super) fn render(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    let Some(demo) = &state.demo else {
        return;
    };
    let w = usize::from(area.width.saturating_sub(2));
    let intro: Vec<Line<'static>> = wrap_prose(INTRO, w)
        .into_iter()
        .map(|l| Line::styled(format!(" {l}"), theme.muted()))
        .collect();
    let intro_h = u16::try_from(intro.len()).unwrap_or(u16::MAX);
    let list_h = u16::try_from(DEMOS.len()).unwrap_or(u16::MAX);
    let [intro_area, _, list_area, details_area] = Layout::vertical([
        Constraint::Length(intro_h),
        Constraint::Length(1),
        Constraint::Length(list_h),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(intro), intro_area);
    frame.render_widget(list(state, theme, list_area.width), list_area);
    render_details(state, demo.selected(), theme, details_area, frame);
}

fn list(state: &State, theme: Theme, max: u16) -> Paragraph<'static> {
    let Some(demo) = &state.demo else {
        return Paragraph::new("");
    };
    let max = usize::from(max);
    let title_w = DEMOS
        .iter()
        .map(|d| width(d.title))
        .max()
        .unwrap_or(0)
        .min(max / 2);
    let lines: Vec<Line<'static>> = DEMOS
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let chosen = i == demo.choice;
            let marker = if chosen { "▶" } else { " " };
            let (status, word) = verdict(d);
            let head = format!(" {marker} {} {word:<7} ", status.glyph());
            let title = fit(d.title, title_w);
            let title = format!(
                "{title}{}",
                " ".repeat(title_w.saturating_sub(width(&title)))
            );
            let used = width(&head) + title_w + 2;
            let line = fit(d.line, max.saturating_sub(used));
            let title_style = if chosen {
                theme.selected()
            } else {
                theme.plain()
            };
            Line::from(vec![
                Span::styled(head, theme.status(status)),
                Span::styled(title, title_style),
                Span::styled(format!("  {line}"), theme.muted()),
            ])
        })
        .collect();
    Paragraph::new(lines)
}

/// A deployment's state as a status: glyph, word and colour.
fn verdict(d: &DemoDeployment) -> (Status, &'static str) {
    if d.healthy {
        (Status::Pass, "healthy")
    } else {
        (Status::Fail, "broken")
    }
}

fn render_details(
    state: &State,
    d: &'static DemoDeployment,
    theme: Theme,
    area: Rect,
    frame: &mut Frame,
) {
    let (status, word) = verdict(d);
    let block = Block::bordered()
        .border_style(theme.border())
        .title(Line::from(vec![
            Span::styled(format!(" {} ", d.scenario), theme.caption()),
            Span::styled(format!("{} {word} ", status.glyph()), theme.status(status)),
        ]));
    let text = layout::inset(area);
    let w = usize::from(text.width.saturating_sub(2));
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(error) = state.demo.as_ref().and_then(|s| s.error.as_deref()) {
        for piece in wrap_prose(&format!("✘ could not start: {error}"), w) {
            lines.push(Line::styled(format!(" {piece}"), theme.level(Level::Error)));
        }
    }
    for piece in wrap_prose(d.line, w) {
        lines.push(Line::styled(format!(" {piece}"), theme.heading()));
    }
    let a = d.answers();
    let mut answers = format!(
        "Answers: server name {} · host {} · strategy {} · proxy {}",
        a.server_name,
        a.host,
        a.strategy.id(),
        a.proxy.title()
    );
    if !a.port.is_empty() {
        answers.push_str(&format!(" · port {}", a.port));
    }
    for piece in wrap_prose(&answers, w) {
        lines.push(Line::raw(format!(" {piece}")));
    }
    for piece in wrap_prose(&d.story(), w) {
        lines.push(Line::styled(format!(" {piece}"), theme.muted()));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
