//! Readable on dark and light palettes: no text is drawn in palette colour
//! 8 ("bright black", which Solarized Dark draws as its background), nor in
//! a fixed black, white or grey that vanishes on one of the two; colour 8
//! is left to lines.

use std::time::Instant;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use matrix_delegate::tui::data::ConfigStatus;
use matrix_delegate::tui::state::State;
use matrix_delegate::tui::{Msg, render, update};

use crate::support::tui::*;

/// Box-drawing and blank cells: lines, not text.
fn is_line(symbol: &str) -> bool {
    symbol
        .chars()
        .all(|c| c.is_whitespace() || ('\u{2500}'..='\u{257f}').contains(&c))
}

fn text_colours_are_readable(name: &str, state: &State) {
    for (w, h) in [(80, 24), (160, 45)] {
        let mut shown = state.clone();
        update(
            &mut shown,
            Msg::Resize {
                width: w,
                height: h,
            },
        );
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        terminal.draw(|f| render(&shown, f)).expect("draw");
        let buffer = terminal.backend().buffer();
        let mut text_cells = 0;
        for (i, cell) in buffer.content().iter().enumerate() {
            if is_line(cell.symbol()) {
                continue;
            }
            text_cells += 1;
            assert!(
                !matches!(
                    cell.fg,
                    Color::DarkGray | Color::Gray | Color::Black | Color::White
                ),
                "{name} at {w}×{h}: `{}` drawn in {:?} at row {}, column {}",
                cell.symbol(),
                cell.fg,
                i / usize::from(w),
                i % usize::from(w)
            );
        }
        assert!(text_cells > 100, "{name}: the screen has text");
    }
}

#[test]
fn no_text_in_colour_8_on_any_screen() {
    let welcome = State::wizard(ConfigStatus::NotFound, false);
    text_colours_are_readable("welcome", &welcome);
    text_colours_are_readable("demo picker", &State::demo(false));
    let mut names = State::wizard(config("example.org"), false);
    at_names(&mut names, "matrix.example.com", "https://x");
    text_colours_are_readable("names", &names);
    let mut strategy = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut strategy, "example.com", "matrix.example.com");
    press(&mut strategy, KeyCode::Enter);
    text_colours_are_readable("strategy", &strategy);
    let mut deployment = at_review("example.com", "matrix.example.com");
    press(&mut deployment, KeyCode::Char('3'));
    text_colours_are_readable("deployment", &deployment);
    let review = at_review("example.com", "matrix.example.com");
    text_colours_are_readable("review", &review);
    let mut checks = at_checks();
    stream_run(&mut checks, 1, &sample_results(), Instant::now());
    text_colours_are_readable("checks", &checks);
    press(&mut checks, KeyCode::Enter);
    text_colours_are_readable("checks expanded", &checks);
    press(&mut checks, KeyCode::Char('?'));
    text_colours_are_readable("help", &checks);
}
