//! The network I/O of the checks: DNS lookups, HTTPS fetches with hard
//! limits, TLS inspection. Everything here returns observations — what was
//! asked and what came back — and never a verdict; the check logic judges.
//!
//! Start with [`Net::new`]. Every connection goes through
//! [`NetOptions::dial`], so the simulated internet (`crate::sim`) can stand
//! in for the real one.

pub mod cert_info;
pub mod dns;
pub mod dns_types;
mod fetch;
mod fetch_hop;
pub mod fetch_types;
#[allow(clippy::module_inception)]
mod net;
pub mod options;
pub mod tls_error;
pub mod tls_inspect;
pub mod trust;

pub use cert_info::{CertInfo, dns_name_matches};
pub use dns::Dns;
pub use dns_types::*;
pub use fetch_types::*;
pub use net::Net;
pub use options::{
    DEFAULT_TIMEOUT, NetOptions, OptionError, ResolveOverride, parse_nameserver, parse_resolve,
    parse_timeout,
};
pub use tls_error::TlsErrorKind;
pub use tls_inspect::{TlsFailure, TlsFailureKind, TlsObservation, TlsSession, TlsTarget};
pub use trust::{SetupError, Trust, install_crypto_provider};
