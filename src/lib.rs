//! matrix-delegate: set up and verify Matrix homeserver delegation.
//!
//! The pure core ([`domain`], [`generate`]) does no I/O; all network I/O
//! lives in [`check`]. The wizard ([`tui`]) keeps its state machine pure and
//! does all terminal and file work in one runtime.

pub mod apply;
pub mod check;
pub mod cli;
pub mod config_file;
pub mod domain;
pub mod exit;
pub mod finding;
pub mod generate;
pub mod install;
pub mod local_file;
pub mod matrix;
pub mod observe;
pub mod probe;
pub mod report;
pub mod safe_text;
pub mod selfcheck;
pub mod sim;
pub mod toml_syntax;
pub mod tui;
pub mod words;
