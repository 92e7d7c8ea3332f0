//! The checks: each verdict fed canned observations (no network), the full
//! evaluation and its reports, and `matrix-delegate check` as a program.

mod causality;
mod cli;
mod client;
mod cors;
mod discovery;
mod discovery_edges;
mod dns;
mod healthy;
mod honest_wording;
mod hostile_input;
mod keys_routing;
mod many;
mod mistakes;
mod refused;
mod report;
mod routing_forms;
mod server;
mod support_cache;
mod tls_version;
mod wait;
