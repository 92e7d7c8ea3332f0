//! The welcome screen: delegation in three lines, the config file found,
//! and the three paths.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::config_file::locate::{CONFIG_VARS, PACKAGED_PATHS};
use crate::tui::data::ConfigStatus;
use crate::tui::state::{Level, Path, State};
use crate::tui::text::wrap_prose;

use crate::safe_text::display as safe_text;
use crate::tui::theme::Theme;

/// What delegation is, in three lines at 80 columns.
const WHAT: &str = "Delegation lets your users be @alice:example.com while the homeserver runs at \
     matrix.example.com: other servers and clients first ask example.com where to go \
     (/.well-known/matrix/* or a DNS SRV record), then connect to the real host.";

pub(super) fn render(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    let w = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line<'static>> = vec![Line::raw("")];
    for piece in wrap_prose(WHAT, w) {
        lines.push(Line::raw(format!(" {piece}")));
    }
    lines.push(Line::raw(""));
    for (level, piece, whole) in config_lines(&state.config) {
        let pieces = if whole {
            wrap_prose(&piece, w.saturating_sub(2))
        } else {
            vec![super::fit(&piece, w.saturating_sub(2))]
        };
        for part in pieces {
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

/// Notes about the config file shown at most (one line each, so that the
/// three paths stay on an 80×24 screen); the rest are counted.
const MAX_NOTES: usize = 2;

/// What was found about the homeserver's config file: which file and why,
/// its server name, and what is worth knowing about it. Each line says
/// whether it is wrapped whole or cut to one screen line.
fn config_lines(config: &ConfigStatus) -> Vec<(Level, String, bool)> {
    match config {
        ConfigStatus::Found(info) => {
            let name = match &info.server_name {
                Some(n) => format!("server_name = \"{}\"", safe_text(n)),
                None => "no server_name set".to_string(),
            };
            let path = info.path.display().to_string();
            let mut out = vec![
                (
                    Level::Ok,
                    format!("Config file: {} ({name})", safe_text(&path)),
                    true,
                ),
                (Level::Hint, format!("  {}", safe_text(&info.why)), true),
            ];
            for note in info.notes.iter().take(MAX_NOTES) {
                out.push((Level::Warn, format!("  ! {}", safe_text(note)), false));
            }
            if let Some(more) = info.notes.len().checked_sub(MAX_NOTES).filter(|n| *n > 0) {
                let text = format!("  ! and {more} more: `matrix-delegate config show` lists all");
                out.push((Level::Warn, text, false));
            }
            out
        }
        ConfigStatus::NotFound => {
            let vars: Vec<String> = CONFIG_VARS.iter().map(|v| format!("${v}")).collect();
            vec![
                (
                    Level::Hint,
                    format!(
                        "Config file: none found. Looked at {}, {}.",
                        vars.join(", "),
                        PACKAGED_PATHS.join(", ")
                    ),
                    true,
                ),
                (
                    Level::Hint,
                    "Name yours: `matrix-delegate --config FILE`, CONTINUWUITY_CONFIG=FILE, \
                     or o on Review."
                        .into(),
                    true,
                ),
            ]
        }
        ConfigStatus::Problem(e) => {
            vec![(Level::Warn, format!("Config file: {}", safe_text(e)), true)]
        }
    }
}
