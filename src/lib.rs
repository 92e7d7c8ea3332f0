//! matrix-delegate: set up and verify Matrix homeserver delegation.
//!
//! The pure core ([`domain`], [`generate`]) does no I/O; all network I/O
//! lives in [`check`].

pub mod check;
pub mod cli;
pub mod config_file;
pub mod domain;
pub mod generate;
pub mod sim;
