//! Server discovery as a pure state machine (server-server API, "Resolving
//! server names"). The runner asks [`Discovery::need`] what to look up,
//! performs that I/O, and [`Discovery::feed`]s the observation back until
//! the machine answers [`Progress::Resolved`].
//!
//! ```text
//! 1   IP literal               → that IP, port or 8448; cert for the IP, no SNI
//! 2   hostname:port            → A/AAAA; Host name:port; cert for hostname
//! 3   GET https://<hostname>/.well-known/matrix/server, m.server valid:
//! 3.1   IP literal             → that IP, port or 8448
//! 3.2   host:port              → A/AAAA; Host host:port
//! 3.3   host                   → SRV _matrix-fed._tcp.<host>; Host host
//! 3.4   (deprecated)           → SRV _matrix._tcp.<host> if no _matrix-fed
//! 3.5                          → host:8448
//!     (certificate always for the delegated host; once m.server is valid,
//!      failures below it never fall back to step 4)
//! 4   well-known invalid       → SRV _matrix-fed._tcp.<hostname>; cert and Host <hostname>
//! 5   (deprecated)             → SRV _matrix._tcp.<hostname>
//! 6                            → <hostname>:8448
//! ```
//!
//! A runner drives it like this (here with canned answers):
//!
//! ```
//! use matrix_delegate::matrix::discovery::{Discovery, Input, Need, Progress};
//! use matrix_delegate::observe::{AddressLookup, AddressRecord, HttpObservation};
//! use matrix_delegate::domain::ServerName;
//!
//! let name = ServerName::parse("example.com").unwrap();
//! let mut discovery = Discovery::new(name);
//! let mut progress = discovery.progress();
//! let resolution = loop {
//!     let input = match progress {
//!         Progress::Resolved(resolution) => break resolution,
//!         // GET it (follow redirects, cap the body at 50 KiB).
//!         Progress::Need(Need::WellKnown { url }) => Input::WellKnown(Box::new(
//!             HttpObservation::get(&url).respond(200, &[], br#"{"m.server":"matrix.example.com:443"}"#),
//!         )),
//!         // A/AAAA of each host (concurrently).
//!         Progress::Need(Need::Addresses { hosts }) => Input::Addresses(
//!             hosts.iter().map(|h| AddressLookup {
//!                 name: h.clone(),
//!                 cnames: vec![],
//!                 a: Ok(vec![AddressRecord { ip: "203.0.113.7".parse().unwrap(), ttl: 300 }]),
//!                 aaaa: Ok(vec![]),
//!             }).collect(),
//!         ),
//!         Progress::Need(other) => unreachable!("{other:?} is not needed for step 3.2"),
//!     };
//!     progress = discovery.feed(input).expect("answers the need");
//! };
//! assert_eq!(resolution.step.as_str(), "3.2");
//! let (addr, target) = resolution.endpoints()[0];
//! assert_eq!(addr.to_string(), "203.0.113.7:443");
//! assert_eq!(target.host_header, "matrix.example.com:443");
//! assert_eq!(target.sni.as_deref(), Some("matrix.example.com"));
//! ```

mod state;
pub mod types;

use std::fmt;

use self::state::{Machine, Phase};
pub use self::types::{Note, Resolution, Step, Target};
use crate::domain::ServerName;
use crate::observe::{AddressLookup, DnsError, FetchFailure, HttpObservation, SrvLookup};

/// The spec section every discovery result cites.
pub const SPEC: &str = "server-server API, Resolving server names";

/// What the machine needs the runner to look up next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// `GET` this URL (following redirects, capping the body at 50 KiB).
    WellKnown { url: String },
    /// SRV lookup of `_matrix-fed._tcp.<host>`.
    Srv { name: String },
    /// SRV lookup of the deprecated `_matrix._tcp.<host>`.
    LegacySrv { name: String },
    /// A and AAAA (CNAMEs followed) for each host.
    Addresses { hosts: Vec<String> },
}

impl Need {
    fn kind(&self) -> &'static str {
        match self {
            Need::WellKnown { .. } => "the well-known file",
            Need::Srv { .. } => "a _matrix-fed SRV lookup",
            Need::LegacySrv { .. } => "a _matrix SRV lookup",
            Need::Addresses { .. } => "address lookups",
        }
    }
}

/// An observation answering a [`Need`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Boxed: a fetch with its redirects is many times larger than a lookup.
    WellKnown(Box<HttpObservation>),
    Srv(SrvLookup),
    LegacySrv(SrvLookup),
    /// One lookup per host asked for (matched by name).
    Addresses(Vec<AddressLookup>),
}

impl Input {
    fn kind(&self) -> &'static str {
        match self {
            Input::WellKnown(_) => "the well-known file",
            Input::Srv(_) => "a _matrix-fed SRV lookup",
            Input::LegacySrv(_) => "a _matrix SRV lookup",
            Input::Addresses(_) => "address lookups",
        }
    }
}

/// Where discovery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Need(Need),
    Resolved(Box<Resolution>),
}

/// The runner fed something the machine did not ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedInput {
    pub needed: Option<Need>,
    pub got: &'static str,
}

impl fmt::Display for UnexpectedInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.needed {
            Some(n) => write!(f, "discovery needed {}, got {}", n.kind(), self.got),
            None => write!(f, "discovery is finished, got {}", self.got),
        }
    }
}

impl std::error::Error for UnexpectedInput {}

/// The discovery of one server name.
#[derive(Debug, Clone)]
pub struct Discovery {
    machine: Machine,
}

impl Discovery {
    pub fn new(server_name: ServerName) -> Discovery {
        Discovery {
            machine: Machine::start(server_name),
        }
    }

    /// What to do next.
    pub fn progress(&self) -> Progress {
        match &self.machine.phase {
            Phase::Done(res) => Progress::Resolved(res.clone()),
            _ => match self.machine.need() {
                Some(n) => Progress::Need(n),
                // Unreachable: every phase but Done has a need.
                None => Progress::Resolved(Box::new(self.machine.resolution_so_far())),
            },
        }
    }

    /// The pending need, if discovery is not finished.
    pub fn need(&self) -> Option<Need> {
        self.machine.need()
    }

    /// Feeds an observation; answers with the next step. Input that does not
    /// answer the current need is refused and changes nothing.
    pub fn feed(&mut self, input: Input) -> Result<Progress, UnexpectedInput> {
        let needed = self.machine.need();
        match (&needed, input) {
            (Some(Need::WellKnown { .. }), Input::WellKnown(obs)) => {
                self.machine.on_well_known(*obs)
            }
            (Some(Need::Srv { .. }), Input::Srv(lookup)) => self.machine.on_srv(lookup, false),
            (Some(Need::LegacySrv { .. }), Input::LegacySrv(lookup)) => {
                self.machine.on_srv(lookup, true)
            }
            (Some(Need::Addresses { .. }), Input::Addresses(lookups)) => {
                self.machine.on_addresses(lookups)
            }
            (_, other) => {
                return Err(UnexpectedInput {
                    needed,
                    got: other.kind(),
                });
            }
        }
        Ok(self.progress())
    }

    /// Runs the whole machine with a lookup function (for tests and for a
    /// sequential runner): `answer` performs each need. An answer of the
    /// wrong kind counts as a failed lookup.
    pub fn run(server_name: ServerName, mut answer: impl FnMut(&Need) -> Input) -> Resolution {
        let mut d = Discovery::new(server_name);
        loop {
            match d.progress() {
                Progress::Resolved(res) => return *res,
                Progress::Need(need) => {
                    let input = answer(&need);
                    if let Err(e) = d.feed(input) {
                        let failed = Input::failed(&need, &e.to_string());
                        // Cannot mismatch: built from the need itself.
                        let _ = d.feed(failed);
                    }
                }
            }
        }
    }
}

impl Input {
    /// The input that says "this need could not be met" (a lookup task died,
    /// the global deadline passed): discovery carries on as the spec says
    /// for a failed request or lookup.
    pub fn failed(need: &Need, why: &str) -> Input {
        let err = || DnsError::Stopped(why.to_string());
        match need {
            Need::WellKnown { url } => {
                let failure = FetchFailure::Stopped(why.into());
                Input::WellKnown(Box::new(HttpObservation::get(url).fail(failure)))
            }
            Need::Srv { name } => Input::Srv(SrvLookup {
                name: name.clone(),
                records: Err(err()),
            }),
            Need::LegacySrv { name } => Input::LegacySrv(SrvLookup {
                name: name.clone(),
                records: Err(err()),
            }),
            Need::Addresses { hosts } => Input::Addresses(
                hosts
                    .iter()
                    .map(|h| AddressLookup {
                        name: h.clone(),
                        cnames: Vec::new(),
                        a: Err(err()),
                        aaaa: Err(err()),
                    })
                    .collect(),
            ),
        }
    }
}
