//! Helpers for the tests, none of them a test: one module for each area
//! that needs some, and the proptest settings every property test uses.

pub mod apply;
pub mod check;
pub mod config;
pub mod homeserver;
pub mod local_paths;
pub mod net;
pub mod oracles;
pub mod output;
pub mod peers;
pub mod proptest_config;
pub mod proxy;
pub mod runner;
pub mod tmux;
pub mod tui;
