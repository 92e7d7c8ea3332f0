//! Overlays: the help listing every key, a one-line prompt, and the write
//! confirmation with the diff.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::selfcheck::file_lines;
use crate::tui::keys;
use crate::tui::layout;
use crate::tui::state::{Level, Overlay, Prompt, SelfCheckDialog, State};
use crate::tui::text::{width, wrap_prose};

use crate::safe_text::display as safe_text;
use crate::tui::panes::diff_lines;
use crate::tui::theme::Theme;

use super::{position, scrolled};

pub(super) fn render(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    match &state.overlay {
        None => {}
        Some(Overlay::Help) => help(state, theme, area, frame),
        Some(Overlay::Prompt(prompt)) => self::prompt(prompt, theme, area, frame),
        Some(Overlay::SelfCheck(dialog)) => self_check(dialog, theme, area, frame),
        Some(Overlay::ConfirmWrite {
            preview, scroll, ..
        }) => {
            let (outer, diff_area) = layout::confirm(area);
            frame.render_widget(Clear, outer);
            let block = Block::bordered()
                .border_style(theme.border())
                .title(Line::styled(" Write the config? ", theme.heading()))
                .title_bottom(
                    Line::from(" y write · n cancel ")
                        .style(theme.caption())
                        .right_aligned(),
                );
            let inner = layout::inset(outer);
            frame.render_widget(block, outer);
            let path = preview.path.display().to_string();
            let head = vec![
                Line::raw(format!("{} will change like this.", safe_text(&path))),
                Line::raw("The old file is kept as a backup; nothing else in it changes."),
                Line::raw(""),
            ];
            frame.render_widget(Paragraph::new(head), inner);
            let lines = diff_lines(&preview.diff, diff_area.width, state.no_color);
            let mut para = scrolled(lines.clone(), *scroll, diff_area);
            if let Some(pos) = position(lines.len(), *scroll, diff_area.height) {
                para = para.block(
                    Block::new()
                        .title_bottom(Line::from(pos).style(theme.caption()).right_aligned()),
                );
            }
            frame.render_widget(para, diff_area);
        }
    }
}

fn help(state: &State, theme: Theme, area: Rect, frame: &mut Frame) {
    // Keys that mean nothing in this mode (the demo's picker key outside
    // `demo`) are left out.
    let screen: Vec<&keys::KeyRow> = keys::screen(state)
        .iter()
        .filter(|k| keys::applies(state, k))
        .collect();
    let rows = screen.len() + keys::GLOBAL.len() + 4;
    let keys_w = screen
        .iter()
        .copied()
        .chain(keys::GLOBAL)
        .map(|k| width(k.keys))
        .max()
        .unwrap_or(8);
    let box_area = layout::centered(area, 70, u16::try_from(rows + 2).unwrap_or(u16::MAX));
    frame.render_widget(Clear, box_area);
    let mut lines = vec![Line::styled(
        format!("On this screen ({}):", state.step.title()),
        theme.heading(),
    )];
    let row = |k: &keys::KeyRow| {
        Line::from(vec![
            Span::styled(format!("  {:<keys_w$}  ", k.keys), theme.key()),
            Span::raw(k.does),
        ])
    };
    lines.extend(screen.iter().map(|k| row(k)));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Everywhere:", theme.heading()));
    lines.extend(keys::GLOBAL.iter().map(row));
    let block = Block::bordered()
        .border_style(theme.border())
        .title(Line::styled(" Keys ", theme.heading()))
        .title_bottom(
            Line::from(" any key closes ")
                .style(theme.caption())
                .right_aligned(),
        );
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
}

/// After writing the config file: the restart command (shown, not run:
/// `systemctl restart` may ask for a password on this terminal, and it
/// stops the homeserver for a moment, so the operator runs it), then what
/// the homeserver answers locally.
fn self_check(dialog: &SelfCheckDialog, theme: Theme, area: Rect, frame: &mut Frame) {
    let box_w = 76.min(area.width.saturating_sub(4));
    let inner_w = usize::from(box_w.saturating_sub(2)).max(1);
    let mut lines: Vec<Line> = Vec::new();
    let prose = |text: &str, style, lines: &mut Vec<Line>| {
        for l in wrap_prose(text, inner_w) {
            lines.push(Line::styled(l, style));
        }
    };
    prose(
        &format!(
            "{} The homeserver reads it only when it starts; restart it (in another \
             terminal: the wizard does not, it may ask for a password):",
            safe_text(&dialog.wrote)
        ),
        theme.plain(),
        &mut lines,
    );
    let restart = match &dialog.answer {
        Some(Ok(answer)) => safe_text(&answer.restart).into_owned(),
        _ => "systemctl restart continuwuity (or conduwuit, tuwunel)".to_string(),
    };
    for l in wrap_prose(&restart, inner_w.saturating_sub(2)) {
        lines.push(Line::styled(format!("  {l}"), theme.key()));
    }
    lines.push(Line::raw(""));
    let (level, headline) = match (&dialog.answer, dialog.asking) {
        (_, true) => (
            Level::Info,
            "Asking the running homeserver where the config file says it listens…".to_string(),
        ),
        (None, false) => (Level::Info, String::new()),
        (Some(Err(e)), false) => (Level::Error, format!("Could not ask it: {}", safe_text(e))),
        (Some(Ok(answer)), false) => {
            let check = &answer.check;
            if check.passed() {
                (
                    Level::Ok,
                    "It serves what you wrote: Enter runs the public checks.".to_string(),
                )
            } else if check.needs_restart() {
                (
                    Level::Warn,
                    "The homeserver still serves the old answer: restart it, then press r."
                        .to_string(),
                )
            } else if check.unreachable() {
                (
                    Level::Error,
                    "Nothing answers where the config file says it listens (address, port, \
                     unix_socket_path): is it running? Start it, then press r."
                        .to_string(),
                )
            } else {
                (
                    Level::Error,
                    "Something answers there, but not with these files: is another program \
                     listening at that address?"
                        .to_string(),
                )
            }
        }
    };
    prose(&headline, theme.level(level), &mut lines);
    if let Some(Ok(answer)) = &dialog.answer {
        for line in file_lines(&answer.check) {
            prose(&safe_text(&line), theme.plain(), &mut lines);
        }
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let box_area = layout::centered(area, box_w, height);
    frame.render_widget(Clear, box_area);
    let block = Block::bordered()
        .border_style(theme.border())
        .title(Line::styled(" Restart and self-check ", theme.heading()))
        .title_bottom(
            Line::from(" Enter public checks · r ask again · Esc close ")
                .style(theme.caption())
                .right_aligned(),
        );
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
}

fn prompt(prompt: &Prompt, theme: Theme, area: Rect, frame: &mut Frame) {
    let question = prompt.kind.question();
    let box_w = 72.min(area.width.saturating_sub(4));
    let inner_w = usize::from(box_w.saturating_sub(2));
    let error_lines = prompt
        .error
        .as_deref()
        .map(|e| wrap_prose(&format!("✘ {}", safe_text(e)), inner_w))
        .unwrap_or_default();
    let height = 4 + u16::try_from(error_lines.len()).unwrap_or(0);
    let box_area = layout::centered(area, box_w, height);
    frame.render_widget(Clear, box_area);
    let input = &prompt.input;
    let field_w = inner_w.saturating_sub(2).max(1);
    let scroll = input.visual_scroll(field_w);
    let shown: String = input.value().chars().skip(scroll).take(field_w).collect();
    let mut lines = vec![
        Line::raw(format!("{question}:")),
        Line::from(vec![
            Span::styled("> ", theme.key()),
            Span::raw(safe_text(&shown).into_owned()),
        ]),
    ];
    for e in error_lines {
        lines.push(Line::styled(e, theme.level(Level::Error)));
    }
    let block = Block::bordered().border_style(theme.border()).title_bottom(
        Line::from(" Enter confirm · Esc cancel ")
            .style(theme.caption())
            .right_aligned(),
    );
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
    let col = input.visual_cursor().saturating_sub(scroll).min(field_w);
    frame.set_cursor_position(Position::new(
        box_area.x + 3 + u16::try_from(col).unwrap_or(0),
        box_area.y + 2,
    ));
}
