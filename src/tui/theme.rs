//! Styles. Colour only reinforces meaning: every status also has a glyph
//! and a word, and with `NO_COLOR` no colour is emitted at all (bold and
//! reverse video remain, they are not colour).

use ratatui::style::{Color, Modifier, Style};

use crate::check::model::Status;
use crate::tui::state::Level;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(no_color: bool) -> Theme {
        Theme { color: !no_color }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn plain(self) -> Style {
        Style::new()
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn heading(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Text set into a border (positions, key hints): the terminal's own
    /// text colour, not the border's.
    pub fn caption(self) -> Style {
        self.fg(Color::Reset)
    }

    /// Lines only: colour 8 is fine where nothing needs reading.
    pub fn border(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Hints, placeholders and evidence: dim, in the terminal's own text
    /// colour. Never palette colour 8 ("bright black"), which some palettes
    /// (Solarized Dark) draw as their background: the text would vanish.
    /// Dim keeps a placeholder from looking like a typed value.
    pub fn muted(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn focus(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn key(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn pro(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn con(self) -> Style {
        self.fg(Color::Red)
    }

    pub fn level(self, level: Level) -> Style {
        match level {
            Level::Hint => self.muted(),
            Level::Info => self.fg(Color::Cyan),
            Level::Ok => self.fg(Color::Green),
            Level::Warn => self.fg(Color::Yellow),
            Level::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    pub fn status(self, status: Status) -> Style {
        match status {
            Status::Pass => self.fg(Color::Green),
            Status::Warn => self.fg(Color::Yellow),
            Status::Fail | Status::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Status::Skipped => self.muted(),
        }
    }
}

/// The glyph in front of a note or status message.
pub fn level_glyph(level: Level) -> &'static str {
    match level {
        Level::Hint => "·",
        Level::Info => "›",
        Level::Ok => "✔",
        Level::Warn => "!",
        Level::Error => "✘",
    }
}
