//! Live checks: all network I/O of the program lives under this module.

pub mod adapt;
pub mod canonical_json;
pub mod client_discovery;
pub mod discovery;
mod discovery_state;
pub mod discovery_types;
pub mod evaluate;
pub mod expect;
pub mod mistakes;
pub mod model;
pub mod net;
pub mod observe;
mod observe_dns;
pub mod remedy;
pub mod report;
pub mod runner;
pub mod sanitize;
pub mod signed_json;
pub mod srv;
pub mod verdict;
pub mod well_known_server;
pub mod words;
