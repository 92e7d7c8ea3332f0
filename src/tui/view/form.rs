//! The two forms (names, deployment): one row per answer, the feedback
//! under it as the operator types.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;

use crate::domain::answers::DEFAULT_UPSTREAM;
use crate::domain::validate::{check_host, check_server_name};
use crate::domain::{Deployment, Field, Proxy, Strategy};
use crate::tui::state::deployment::SUPPORT_ROLES;
use crate::tui::state::feedback::field_notes;
use crate::tui::state::names::NAME_FIELDS;
use crate::tui::state::{DeployRow, Level, Note, State};
use crate::tui::text::{width, wrap_prose};

use crate::safe_text::display as safe_text;
use crate::tui::theme::{Theme, level_glyph};

use super::fit;

const LABEL_W: usize = 20;

enum Value<'a> {
    Text(&'a Input),
    Choice(Vec<(&'static str, bool)>),
}

struct Row<'a> {
    label: &'static str,
    value: Value<'a>,
    /// Shown dimmed while a text field is empty.
    placeholder: String,
    focused: bool,
    notes: Vec<Note>,
}

pub(super) fn render_names(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    // Only valid values are echoed; the notes below say what is wrong.
    let name = check_server_name(state.names.value(Field::ServerName))
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "<server name>".into());
    let host = check_host(state.names.value(Field::Host))
        .map(|h| h.to_string())
        .unwrap_or_else(|_| "<host>".into());
    let intro = format!("Users will be @alice:{name}; the homeserver really answers at {host}.");
    let rows = NAME_FIELDS
        .iter()
        .enumerate()
        .map(|(i, f)| Row {
            label: label(*f),
            value: Value::Text(&state.names.inputs[i]),
            placeholder: placeholder(state, *f),
            focused: state.names.focus == i,
            notes: field_notes(state, *f),
        })
        .collect();
    render_rows(&intro, rows, theme, area, frame);
}

pub(super) fn render_deploy(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    let form = &state.deploy;
    let rows = (0..DeployRow::COUNT)
        .map(|i| {
            let row = DeployRow::at(i);
            let value = match row {
                DeployRow::Deployment => Value::Choice(
                    Deployment::ALL
                        .iter()
                        .map(|d| (d.title(), *d == form.deployment))
                        .collect(),
                ),
                DeployRow::Proxy => Value::Choice(
                    Proxy::ALL
                        .iter()
                        .map(|p| (proxy_short(*p), *p == form.proxy))
                        .collect(),
                ),
                DeployRow::Text(t) => Value::Text(&form.inputs[t]),
                DeployRow::Role(t) => {
                    let now = form.inputs[t].value().trim();
                    Value::Choice(
                        SUPPORT_ROLES
                            .iter()
                            .map(|r| (if r.is_empty() { "not set" } else { *r }, *r == now))
                            .collect(),
                    )
                }
            };
            Row {
                label: label(row.field()),
                value,
                placeholder: placeholder(state, row.field()),
                focused: form.focus == i,
                notes: field_notes(state, row.field()),
            }
        })
        .collect();
    render_rows(
        "How is Continuwuity run, and what answers HTTPS in front of it?",
        rows,
        theme,
        area,
        frame,
    );
}

fn label(field: Field) -> &'static str {
    match field {
        Field::ServerName => "Server name",
        Field::Host => "Delegated host",
        Field::Port => "Federation port",
        Field::ClientUrl => "Client base URL",
        Field::Deployment => "Deployment",
        Field::Proxy => "Reverse proxy",
        Field::Upstream => "Homeserver address",
        Field::SupportPage => "Support page",
        Field::SupportRole => "Support role",
        Field::SupportEmail => "Support e-mail",
        Field::SupportMxid => "Support Matrix ID",
        Field::Strategy => "Strategy",
    }
}

fn placeholder(state: &State, field: Field) -> String {
    match field {
        Field::ServerName => "e.g. example.com".into(),
        Field::Host if state.strategy() == Strategy::None => "not needed without delegation".into(),
        Field::Host => "e.g. matrix.example.com".into(),
        Field::Port if state.strategy() == Strategy::None => "8448 (no delegation)".into(),
        Field::Port => "443 (default)".into(),
        Field::ClientUrl => {
            let host = check_host(state.names.value(Field::Host))
                .map(|h| h.to_string())
                .unwrap_or_else(|_| "<host>".into());
            format!("https://{host}/ (default)")
        }
        Field::Upstream => format!("{DEFAULT_UPSTREAM} (default)"),
        _ => "optional".into(),
    }
}

fn proxy_short(p: Proxy) -> &'static str {
    match p {
        Proxy::Caddy => "Caddy",
        Proxy::Nginx => "nginx",
        Proxy::Apache => "Apache",
        Proxy::Haproxy => "HAProxy",
        Proxy::Traefik => "Traefik",
        Proxy::Static => "static files",
    }
}

fn render_rows(intro: &str, rows: Vec<Row<'_>>, theme: Theme, area: Rect, frame: &mut Frame) {
    let w = usize::from(area.width);
    let mut lines: Vec<Line<'static>> = Vec::new();
    for piece in wrap_prose(&safe_text(intro), w.saturating_sub(2)) {
        lines.push(Line::raw(format!(" {piece}")));
    }
    lines.push(Line::raw(""));
    let mut cursor = None;
    // The focused row's first line and the line after its notes.
    let mut focus_rows = (0, 0);
    let value_x = 3 + LABEL_W;
    let value_w = w.saturating_sub(value_x + 1);
    for row in rows {
        let marker = if row.focused { "▶ " } else { "  " };
        let label_style = if row.focused {
            theme.focus()
        } else {
            theme.plain()
        };
        let mut spans = vec![
            Span::raw(" "),
            Span::styled(format!("{marker}{:<LABEL_W$}", row.label), label_style),
        ];
        match row.value {
            Value::Text(input) => {
                let scroll = input.visual_scroll(value_w.max(1));
                let shown: String = visible(input.value(), scroll, value_w);
                if shown.is_empty() {
                    spans.push(Span::styled(fit(&row.placeholder, value_w), theme.muted()));
                } else {
                    spans.push(Span::raw(safe_text(&shown).into_owned()));
                }
                if row.focused {
                    let col = input.visual_cursor().saturating_sub(scroll).min(value_w);
                    cursor = Some((value_x + col, lines.len()));
                }
            }
            Value::Choice(options) => {
                for (i, (name, chosen)) in options.into_iter().enumerate() {
                    if i > 0 {
                        spans.push(Span::raw("  "));
                    }
                    if chosen {
                        let style = if row.focused {
                            theme.selected()
                        } else {
                            theme.key()
                        };
                        spans.push(Span::styled(format!("[{name}]"), style));
                    } else {
                        spans.push(Span::raw(name));
                    }
                }
            }
        }
        if row.focused {
            focus_rows.0 = lines.len();
        }
        lines.push(Line::from(spans));
        let indent = value_x;
        let note_w = w.saturating_sub(indent + 3);
        let shown: Vec<&Note> = if row.focused {
            row.notes.iter().collect()
        } else {
            // Others keep one line: their most important note, hints left out.
            row.notes
                .iter()
                .filter(|n| n.level != Level::Hint)
                .take(1)
                .collect()
        };
        for note in shown {
            let text = format!("{} {}", level_glyph(note.level), safe_text(&note.text));
            // Wrapped, never cut: the end of a message is often the fix.
            for piece in wrap_prose(&text, note_w) {
                lines.push(Line::styled(
                    format!("{}{piece}", " ".repeat(indent)),
                    theme.level(note.level),
                ));
            }
        }
        if row.focused {
            focus_rows.1 = lines.len();
        }
    }
    // Wrapped notes can make the form taller than the screen: scroll just
    // enough to show the focused row with all its notes.
    let height = usize::from(area.height);
    let offset = focus_rows
        .1
        .saturating_sub(height)
        .min(focus_rows.0)
        .min(lines.len().saturating_sub(height));
    let cursor = cursor.and_then(|(x, y)| y.checked_sub(offset).map(|y| (x, y)));
    if let Some((x, y)) = cursor
        && y < height
    {
        let x = u16::try_from(x).unwrap_or(u16::MAX);
        let y = u16::try_from(y).unwrap_or(u16::MAX);
        frame.set_cursor_position(Position::new(area.x + x, area.y + y));
    }
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(offset).collect::<Vec<_>>()),
        area,
    );
}

/// The part of `value` visible after scrolling `scroll` columns.
fn visible(value: &str, scroll: usize, max: usize) -> String {
    let mut skipped = 0;
    let mut out = String::new();
    for c in value.chars() {
        let mut buf = [0u8; 4];
        let cw = width(c.encode_utf8(&mut buf));
        if skipped < scroll {
            skipped += cw;
            continue;
        }
        if width(&out) + cw > max {
            break;
        }
        out.push(c);
    }
    out
}
