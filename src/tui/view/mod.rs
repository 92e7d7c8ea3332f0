//! Drawing. Reads the state, never changes it; all outside text goes
//! through [`crate::safe_text::display`].

mod check_rows;
mod checks;
mod demo;
mod form;
mod overlay;
mod review;
mod server_path;
pub mod status;
mod strategy;
mod welcome;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::keys;
use super::layout;
use super::state::{Mode, State, Step};
use super::text::width;
use super::theme::Theme;

/// Draws the whole screen for `state`.
pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(state.no_color);
    if layout::too_small(area) {
        let text = format!(
            "matrix-delegate needs at least {}×{} (this is {}×{}). Ctrl-C quits.",
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT,
            area.width,
            area.height
        );
        frame.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let chrome = layout::chrome(area);
    let block = Block::bordered().border_style(theme.border()).title(
        Line::from(title(state, usize::from(area.width).saturating_sub(4))).style(theme.title()),
    );
    frame.render_widget(block, chrome.outer);
    match state.step {
        Step::Demo => demo::render(state, theme, chrome.body, frame),
        Step::Welcome => welcome::render(state, theme, chrome.body, frame),
        Step::Names => form::render_names(state, theme, chrome.body, frame),
        Step::Strategy => strategy::render(state, theme, chrome.body, frame),
        Step::Deployment => form::render_deploy(state, theme, chrome.body, frame),
        Step::Review => review::render(state, theme, chrome.body, frame),
        Step::Checks => checks::render(state, theme, chrome.body, frame),
    }
    if let Some(status) = &state.status {
        status::render(status, theme, &chrome, frame);
    }
    frame.render_widget(key_bar(state, theme, chrome.bar.width), chrome.bar);
    overlay::render(state, theme, area, frame);
}

/// The frame title, fitted to `max` columns: what falls away first is the
/// program's name, then the step count; a demo always says so.
fn title(state: &State, max: usize) -> String {
    let demo = state.demo.as_ref().and_then(|d| {
        let index = d.running?;
        super::demo::DEMOS.get(index).map(|d| d.scenario)
    });
    let head = match (demo, state.step) {
        (_, Step::Demo) => "demo: pick a simulated deployment".to_string(),
        (Some(name), _) => format!("DEMO: {name} (simulated)"),
        (None, _) => String::new(),
    };
    let no_count =
        state.step == Step::Demo || (state.step == Step::Checks && state.mode == Mode::CheckOnly);
    let step = if no_count {
        String::new()
    } else {
        format!("{}/{} ", state.step.number(), Step::ALL.len())
    };
    let (what, extra) = match state.step {
        Step::Checks => checks::title_parts(state),
        Step::Demo => (String::new(), String::new()),
        other => (other.title().to_string(), String::new()),
    };
    let join = |parts: &[&str]| {
        let parts: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
        format!(" {} ", parts.join(" ─ "))
    };
    let what_step = format!("{step}{what}");
    let short_head = head.replace(" (simulated)", "");
    let candidates = [
        join(&["matrix-delegate", &head, &what_step, &extra]),
        join(&[&head, &what_step, &extra]),
        join(&[&head, &what, &extra]),
        join(&[&short_head, &what, &extra]),
        join(&[&short_head, &extra]),
    ];
    candidates
        .iter()
        .find(|t| width(t) <= max)
        .cloned()
        .unwrap_or_else(|| fit(&candidates[4], max))
}

/// The key bar: as many of the current keys as fit, in table order, each
/// as the mode has it ([`keys::bar_label`]).
fn key_bar(state: &State, theme: Theme, max: u16) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0;
    for k in keys::current(state) {
        let Some(does) = keys::bar_label(state, k) else {
            continue;
        };
        let item = width(k.keys) + 1 + width(does) + 2;
        if used + item > usize::from(max) {
            continue; // a shorter one further on may still fit
        }
        used += item;
        spans.push(Span::styled(k.keys, theme.key()));
        spans.push(Span::raw(format!(" {does}  ")));
    }
    Line::from(spans)
}

/// Shortens `text` to `max` columns, marking the cut with `…`.
pub fn fit(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let mut buf = [0u8; 4];
        if width(&out) + width(c.encode_utf8(&mut buf)) + 1 > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A paragraph of pre-wrapped lines, scrolled by `scroll` rows.
pub fn scrolled(lines: Vec<Line<'static>>, scroll: u16, area: Rect) -> Paragraph<'static> {
    let max = lines.len().saturating_sub(usize::from(area.height));
    let scroll = usize::from(scroll).min(max);
    Paragraph::new(lines.into_iter().skip(scroll).collect::<Vec<_>>())
}

/// "12–30 of 64" for a scrolled panel, or nothing when it all fits.
pub fn position(total: usize, scroll: u16, height: u16) -> Option<String> {
    let height = usize::from(height);
    if total <= height {
        return None;
    }
    let first = usize::from(scroll).min(total - height);
    Some(format!(" {}–{} of {} ", first + 1, first + height, total))
}
