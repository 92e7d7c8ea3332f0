//! The welcome screen: delegation in three lines, the config file found,
//! and the three paths.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::services::ConfigStatus;
use crate::tui::state::{Level, Path, State};
use crate::tui::text::wrap_prose;

use super::{Theme, safe_text};

/// What delegation is, in three lines at 80 columns.
const WHAT: &str = "Delegation lets your users be @alice:example.com while the homeserver runs at \
     matrix.example.com: other servers and clients first ask example.com where to go \
     (/.well-known/matrix/* or a DNS SRV record), then connect to the real host.";

pub fn render(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    let w = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line<'static>> = vec![Line::raw("")];
    for piece in wrap_prose(WHAT, w) {
        lines.push(Line::raw(format!(" {piece}")));
    }
    lines.push(Line::raw(""));
    let (level, config) = config_lines(&state.config);
    for piece in config {
        for part in wrap_prose(&piece, w.saturating_sub(2)) {
            lines.push(Line::styled(format!(" {part}"), theme.level(level)));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(" What would you like to do?", theme.heading()));
    lines.push(Line::raw(""));
    for (i, path) in Path::ALL.iter().enumerate() {
        let chosen = i == state.welcome_choice;
        let marker = if chosen { "▶" } else { " " };
        let head = format!(" {marker} {}  {:<24}", i + 1, path.title());
        let style = if chosen {
            theme.selected()
        } else {
            theme.plain()
        };
        let explain = super::fit(path.explain(), w.saturating_sub(head.chars().count() + 1));
        lines.push(Line::from(vec![
            Span::styled(head, style),
            Span::styled(format!(" {explain}"), theme.muted()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        " Nothing is written without showing you the change first.",
        theme.muted(),
    ));
    frame.render_widget(Paragraph::new(lines), area);
}

/// What was found about the homeserver's config file.
fn config_lines(config: &ConfigStatus) -> (Level, Vec<String>) {
    match config {
        ConfigStatus::Found(info) => {
            let name = match &info.server_name {
                Some(n) => format!("server_name = \"{}\"", safe_text(n)),
                None => "no server_name set".to_string(),
            };
            let path = info.path.display().to_string();
            (
                Level::Ok,
                vec![format!("Config file: {} ({name})", safe_text(&path))],
            )
        }
        ConfigStatus::NotFound => (
            Level::Hint,
            vec![
                "Config file: none found (CONTINUWUITY_CONFIG, /etc/conduwuit/conduwuit.toml)."
                    .into(),
                "You can still generate everything and name the file when writing.".into(),
            ],
        ),
        ConfigStatus::Problem(e) => (Level::Warn, vec![format!("Config file: {}", safe_text(e))]),
    }
}
