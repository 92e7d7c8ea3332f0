//! All network I/O of the program, and the check runner that drives it: DNS lookups, HTTPS fetches with hard
//! limits, TLS inspection. Everything here returns observations
//! ([`crate::observe`]: what was asked and what came back) and never a
//! verdict; the check logic judges.
//!
//! Start with [`Net::new`]. Every connection goes through
//! [`NetOptions::dial`], so the simulated internet (`crate::sim`) can stand
//! in for the real one.

pub mod dns;
mod fetch;
pub mod local;
mod net;
pub mod options;
pub mod runner;
pub mod tls;
pub mod trust;

pub use dns::Dns;
pub use fetch::request::{API_BODY_CAP, FetchRequest, MAX_REDIRECTS, WELL_KNOWN_BODY_CAP};
pub use net::Net;
pub use options::{
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_DNS_QUERIES,
    DEFAULT_TIMEOUT, NetOptions, OptionError, ResolveOverride, parse_nameserver, parse_resolve,
    parse_timeout,
};
pub use tls::TlsTarget;
pub use trust::{SetupError, Trust, install_crypto_provider};
