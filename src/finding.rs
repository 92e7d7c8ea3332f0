//! The vocabulary of findings shared by the protocol logic, the checks and
//! the reports: how a finding ends ([`Status`]) and one thing asked with what
//! came back ([`Evidence`]).

use serde::Serialize;

/// How a check (or a step of discovery) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skipped,
    /// The check itself could not run (e.g. a timeout before any answer).
    Error,
}

impl Status {
    /// A glyph and a word, so that meaning never rests on colour alone.
    pub fn glyph(self) -> &'static str {
        match self {
            Status::Pass => "✔",
            Status::Warn => "!",
            Status::Fail => "✘",
            Status::Skipped => "·",
            Status::Error => "?",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skipped => "skip",
            Status::Error => "ERROR",
        }
    }

    pub fn is_failure(self) -> bool {
        matches!(self, Status::Fail | Status::Error)
    }
}

/// One thing asked and what came back, e.g. `GET https://example.com/.well-known/matrix/server`
/// → `200 application/json {"m.server":"matrix.example.com:443"}`. Text that
/// came from the network is stored raw; renderers escape it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub asked: String,
    pub got: String,
}
