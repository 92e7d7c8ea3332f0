//! The network layer against the simulated internet: DNS, the HTTPS
//! fetcher, TLS inspection, trusted roots, and the command-line options.

mod dns;
mod fetch;
mod fetch_limits;
mod options;
mod peer_views;
mod refused;
mod tls;
mod trust;
