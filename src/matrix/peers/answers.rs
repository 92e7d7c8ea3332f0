//! The observations gathered for one peer, and what the peer still needs.
//! A peer's model is a plain function of these answers: run it, and where it
//! reaches for an answer that is not there yet it returns the [`PeerNeed`]
//! instead; the runner answers and runs it again.

use std::fmt;

use super::addresses::PrivateAddresses;
use super::fetch::FetchPolicy;
use crate::matrix::discovery::{Input, Need};
use crate::observe::{AddressLookup, HttpObservation, SrvLookup};

/// What a peer needs the runner to look up next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerNeed {
    /// `GET` this URL with this peer's redirect and size rules.
    WellKnown { url: String, policy: FetchPolicy },
    /// SRV lookup of `_matrix-fed._tcp.<host>` (the name given).
    Srv { name: String },
    /// SRV lookup of the deprecated `_matrix._tcp.<host>`.
    LegacySrv { name: String },
    /// A and AAAA (CNAMEs followed) of each host.
    Addresses { hosts: Vec<String> },
}

impl PeerNeed {
    /// The same request as the spec path's [`Need`] (the well-known without
    /// its policy): lookups answer every peer alike, so the runner can share
    /// them.
    pub fn as_need(&self) -> Need {
        match self {
            PeerNeed::WellKnown { url, .. } => Need::WellKnown { url: url.clone() },
            PeerNeed::Srv { name } => Need::Srv { name: name.clone() },
            PeerNeed::LegacySrv { name } => Need::LegacySrv { name: name.clone() },
            PeerNeed::Addresses { hosts } => Need::Addresses {
                hosts: hosts.clone(),
            },
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            PeerNeed::WellKnown { .. } => "the well-known file",
            PeerNeed::Srv { .. } => "a _matrix-fed SRV lookup",
            PeerNeed::LegacySrv { .. } => "a _matrix SRV lookup",
            PeerNeed::Addresses { .. } => "address lookups",
        }
    }
}

/// The runner fed something the peer did not ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedPeerInput {
    pub needed: Option<PeerNeed>,
    pub got: &'static str,
}

impl fmt::Display for UnexpectedPeerInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.needed {
            Some(n) => write!(f, "the peer model needed {}, got {}", n.kind(), self.got),
            None => write!(f, "the peer model is finished, got {}", self.got),
        }
    }
}

impl std::error::Error for UnexpectedPeerInput {}

pub(super) fn input_kind(input: &Input) -> &'static str {
    match input {
        Input::WellKnown(_) => "the well-known file",
        Input::Srv(_) => "a _matrix-fed SRV lookup",
        Input::LegacySrv(_) => "a _matrix SRV lookup",
        Input::Addresses(_) => "address lookups",
    }
}

/// DNS names compare without case and without a trailing dot.
pub(super) fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// Everything observed so far for one peer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    well_known: Vec<(String, HttpObservation)>,
    srv: Vec<SrvLookup>,
    legacy_srv: Vec<SrvLookup>,
    addresses: Vec<AddressLookup>,
}

impl Answers {
    pub(super) fn well_known(
        &self,
        url: &str,
        policy: FetchPolicy,
    ) -> Result<&HttpObservation, PeerNeed> {
        self.well_known
            .iter()
            .find(|(u, _)| u == url)
            .map(|(_, o)| o)
            .ok_or_else(|| PeerNeed::WellKnown {
                url: url.to_string(),
                policy,
            })
    }

    pub(super) fn srv(&self, name: &str, legacy: bool) -> Result<&SrvLookup, PeerNeed> {
        let list = if legacy { &self.legacy_srv } else { &self.srv };
        list.iter()
            .find(|l| same_name(&l.name, name))
            .ok_or_else(|| {
                let name = name.to_string();
                if legacy {
                    PeerNeed::LegacySrv { name }
                } else {
                    PeerNeed::Srv { name }
                }
            })
    }

    /// The lookups of every host, or a need for all those missing.
    pub(super) fn addresses(&self, hosts: &[String]) -> Result<Vec<&AddressLookup>, PeerNeed> {
        let mut missing: Vec<String> = Vec::new();
        let mut found = Vec::new();
        for h in hosts {
            match self.addresses.iter().find(|l| same_name(&l.name, h)) {
                Some(l) => found.push(l),
                None => {
                    if !missing.iter().any(|m| same_name(m, h)) {
                        missing.push(h.clone());
                    }
                }
            }
        }
        if missing.is_empty() {
            Ok(found)
        } else {
            Err(PeerNeed::Addresses { hosts: missing })
        }
    }

    /// Records the answer to `need`; refuses input of another kind.
    pub(super) fn add(&mut self, need: &PeerNeed, input: Input) -> Result<(), UnexpectedPeerInput> {
        match (need, input) {
            (PeerNeed::WellKnown { url, .. }, Input::WellKnown(obs)) => {
                self.well_known.push((url.clone(), *obs));
            }
            (PeerNeed::Srv { name }, Input::Srv(mut lookup)) => {
                lookup.name = name.clone();
                self.srv.push(lookup);
            }
            (PeerNeed::LegacySrv { name }, Input::LegacySrv(mut lookup)) => {
                lookup.name = name.clone();
                self.legacy_srv.push(lookup);
            }
            (PeerNeed::Addresses { hosts }, Input::Addresses(lookups)) => {
                for h in hosts {
                    let lookup = lookups
                        .iter()
                        .find(|l| same_name(&l.name, h))
                        .cloned()
                        .unwrap_or_else(|| {
                            match Input::failed(
                                &Need::Addresses {
                                    hosts: vec![h.clone()],
                                },
                                "the addresses were not looked up",
                            ) {
                                Input::Addresses(mut v) if !v.is_empty() => v.remove(0),
                                _ => AddressLookup {
                                    name: h.clone(),
                                    cnames: Vec::new(),
                                    a: Ok(Vec::new()),
                                    aaaa: Ok(Vec::new()),
                                },
                            }
                        });
                    self.addresses.push(lookup);
                }
            }
            (_, other) => {
                return Err(UnexpectedPeerInput {
                    needed: Some(need.clone()),
                    got: input_kind(&other),
                });
            }
        }
        Ok(())
    }
}

/// What the peer's state is besides the observations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context {
    /// Unix seconds at the time of the fetch (for `Expires`).
    pub now_unix: i64,
    /// The peer had a valid well-known answer for this name before (the
    /// rules for failures differ then). A fresh peer: `false`.
    pub previous_valid: bool,
    /// Whether each peer's refusal of private, loopback and other reserved
    /// addresses applies (not in a lab, a staging network or most of the
    /// simulated internet).
    pub private_addresses: PrivateAddresses,
}

/// The peer need that asks what a spec [`Need`] asks (with `check`'s fetch).
pub(super) fn peer_need(need: &Need) -> PeerNeed {
    match need {
        Need::WellKnown { url } => PeerNeed::WellKnown {
            url: url.clone(),
            policy: FetchPolicy::CHECK,
        },
        Need::Srv { name } => PeerNeed::Srv { name: name.clone() },
        Need::LegacySrv { name } => PeerNeed::LegacySrv { name: name.clone() },
        Need::Addresses { hosts } => PeerNeed::Addresses {
            hosts: hosts.clone(),
        },
    }
}
