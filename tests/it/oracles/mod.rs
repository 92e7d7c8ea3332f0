//! The differential oracles: the peers' own code (Synapse's federation
//! agent, the `resolvematrix` crate, matrix-js-sdk, Chromium) run against
//! every built-in scenario on the simulated internet, next to `check`.
//! Each oracle must run and give a well-formed result on every scenario,
//! and on the healthy ones succeed and agree with `check`'s spec path,
//! except where a difference is listed (with its reason and an
//! exact rule) in `crate::support::oracles::known`.
//! `scripts/oracle-results` writes the whole comparison to
//! `tests/oracles/RESULTS.md`.

mod blocklist;
mod client;
mod federation;
mod known;
mod models;
mod results;
