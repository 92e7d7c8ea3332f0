//! The integration tests, as one test binary: every area of the crate is a
//! module here (one folder each), and the helpers they share are under
//! `support`. One binary links the crate once instead of once per test
//! file. `tests/README.md` says where a new test goes.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A binary: nothing in it is reachable from outside, so `pub` only means
// "shared between its modules".
#![allow(unreachable_pub)]

mod apply;
mod architecture;
mod check;
mod config;
mod generate;
mod local_paths;
mod matrix;
mod net;
mod oracles;
mod packaging;
mod proxy;
mod runner;
mod sim;
mod support;
mod tui;
