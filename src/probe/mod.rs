//! All network I/O of the program, and the check runner that drives it: DNS lookups, HTTPS fetches with hard
//! limits, TLS inspection. Everything here returns observations — what was
//! asked and what came back — and never a verdict; the check logic judges.
//!
//! Start with [`Net::new`]. Every connection goes through
//! [`NetOptions::dial`], so the simulated internet (`crate::sim`) can stand
//! in for the real one.

pub mod adapt;
pub mod dns;
mod fetch;
mod net;
pub mod options;
pub mod runner;
pub mod tls;
pub mod trust;

pub use dns::Dns;
pub use dns::types::*;
pub use fetch::types::*;
pub use net::Net;
pub use options::{
    DEFAULT_TIMEOUT, NetOptions, OptionError, ResolveOverride, parse_nameserver, parse_resolve,
    parse_timeout,
};
pub use tls::cert::{CertInfo, dns_name_matches};
pub use tls::error::TlsErrorKind;
pub use tls::{TlsFailure, TlsFailureKind, TlsObservation, TlsSession, TlsTarget};
pub use trust::{SetupError, Trust, install_crypto_provider};
