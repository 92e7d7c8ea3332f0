//! Filling a peer's targets with the addresses that peer would use.

use std::net::IpAddr;

use super::addresses::AddressPolicy;
use super::answers::{Answers, PeerNeed};
use super::path::PeerTarget;
use crate::observe::AddressLookup;

/// Which of a name's addresses a peer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Selection {
    /// Every A and AAAA address (`getaddrinfo`, as Twisted's
    /// `HostnameEndpoint` does).
    All,
    /// hickory's `LookupIpStrategy::Ipv4thenIpv6`, the default of
    /// `ip_lookup_strategy` (5) in Continuwuity and the older resolver: the
    /// A records when there are any, else the AAAA records; at most `max`.
    Ipv4ThenIpv6 { max: Option<usize> },
}

impl Selection {
    pub(super) fn pick(self, lookup: &AddressLookup) -> Vec<IpAddr> {
        match self {
            Selection::All => lookup.addresses(),
            Selection::Ipv4ThenIpv6 { max } => {
                let a: Vec<IpAddr> = lookup
                    .a
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .map(|r| r.ip)
                    .collect();
                let mut out = if a.is_empty() {
                    lookup
                        .aaaa
                        .as_deref()
                        .unwrap_or_default()
                        .iter()
                        .map(|r| r.ip)
                        .collect()
                } else {
                    a
                };
                if let Some(max) = max {
                    out.truncate(max);
                }
                out
            }
        }
    }
}

/// Looks up every target that is not an IP literal and keeps the addresses
/// the peer would use.
pub(super) fn resolve(
    answers: &Answers,
    mut targets: Vec<PeerTarget>,
    policy: AddressPolicy,
    selection: Selection,
) -> Result<Vec<PeerTarget>, PeerNeed> {
    let hosts: Vec<String> = targets
        .iter()
        .filter(|t| !t.connect_host.is_empty() && t.connect_host.parse::<IpAddr>().is_err())
        .map(|t| t.connect_host.clone())
        .collect();
    let lookups = answers.addresses(&hosts)?;
    for t in &mut targets {
        if t.connect_host.parse::<IpAddr>().is_ok() {
            continue;
        }
        if t.connect_host.is_empty() {
            // An SRV target `.` taken as a host: nothing to look up.
            t.lookup_failure = Some("no host name (the SRV target is `.`)".into());
            continue;
        }
        let Some(lookup) = lookups
            .iter()
            .find(|l| super::answers::same_name(&l.name, &t.connect_host))
        else {
            continue;
        };
        let picked = selection.pick(lookup);
        let (kept, refused) = policy.filter_answers(&picked);
        t.addresses = kept;
        t.refused = refused;
        t.lookup_failure = lookup.failure();
    }
    Ok(targets)
}
