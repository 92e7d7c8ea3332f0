//! Which failing check follows from which. One failure often makes others
//! fail too (an expired certificate breaks every request to that address);
//! only the first one needs fixing, and the others' own remedies would send
//! the operator after problems that are not there. The rules, decided from
//! check ids, targets, statuses and the typed [`Fault`]s the verdicts
//! record (never from message text):
//!
//! | a failing …                                   | is caused by the failing …                                  |
//! |-----------------------------------------------|-------------------------------------------------------------|
//! | `server.version`, `server.keys`, `server.routing` at an address | `server.tls` at the same address                  |
//! | `server.keys`, `server.routing` at an address | `server.version` there, answered by something else than the homeserver |
//! | `server.resolution` leading to hosts without address | the `dns.*` check of a name without any address      |
//! | `server.consistency`                          | the first failing `server.tls`, `server.version` or `server.keys` |
//! | `server.tls` unreachable at an address of steps 4–6 | `server.well-known` (its failure made servers fall back) |
//! | `server.tls` at an address DNS no longer lists | the `dns.*` check that sees the change spreading           |
//! | `server.tls` at an address peers refuse (private, loopback, ...) | the `dns.*` check of the name that gave it, or `server.resolution` for an IP literal |
//! | any request not sent to addresses the rule on private addresses refuses (`server.well-known`, `client.*`) | the check that refused those addresses |
//! | `client.versions` without any answer from `host:port` | the `dns.*` check that sees a change of `host` spreading (this machine's resolver still answers the old address, where the request went), else `server.tls` failing for the same `host:port`, or the `dns.*` check of `host` |
//! | `client.versions` answered by something else than the homeserver | `server.version` so answered at the same `host:port` |
//! | `client.cors` whose only problem is the broken client API at `host:port` | `client.versions` (or `server.tls`) for it |
//! | `client.well-known` FAIL_ERROR (the client API is unusable) | `client.versions`                             |
//! | `client.well-known` without any answer from the server name | the `dns.*` check of it (or `server.tls`)    |
//! | `server.peers`                                | a failing `server.well-known` (every peer reads that file first) |
//! | `server.peers` whose failing peers all fail where the spec path does | the spec path's failing check (`dns.*`, `server.resolution`, `server.tls`, `server.version`, `server.keys`, first found in that order) |
//!
//! A chain is followed to its root: a result names the check to fix first.
//! Pure and idempotent: [`attribute`] may run again as more results arrive.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};

use super::model::{Cause, CheckId, CheckResult, Fault};

/// Where the results that others may follow from sit, looked up once so
/// that attributing stays O(n) for any number of addresses.
struct Index<'a> {
    /// Failing `server.tls`, by target.
    tls_at: HashMap<&'a str, usize>,
    /// Failing `server.tls` with a certificate or connection fault, by
    /// lowercase host and port.
    tls_for: HashMap<(String, u16), usize>,
    /// Failing `client.versions` without a usable answer, by lowercase host
    /// and port.
    versions_for: HashMap<(String, u16), usize>,
    /// Failing `server.version` answered by something else than the
    /// homeserver, by target and by lowercase host and port.
    not_routed_at: HashMap<&'a str, usize>,
    not_routed_for: HashMap<(String, u16), usize>,
    /// Names without any address, and the DNS check that says so.
    no_address: HashMap<String, usize>,
    /// The first failing result of each check.
    first: HashMap<CheckId, usize>,
    /// The first failing per-address result of each check.
    first_targeted: HashMap<CheckId, usize>,
    /// Addresses DNS no longer lists, and the check that says so.
    outdated: HashMap<IpAddr, usize>,
    /// Names this machine's resolver still answers with such addresses
    /// (lowercase), and the check that says so.
    outdated_names: HashMap<String, usize>,
    /// Addresses peers refuse, and the failing check that says so.
    refused: HashMap<IpAddr, usize>,
}

impl<'a> Index<'a> {
    fn new(results: &'a [CheckResult]) -> Index<'a> {
        let mut ix = Index {
            tls_at: HashMap::new(),
            tls_for: HashMap::new(),
            versions_for: HashMap::new(),
            not_routed_at: HashMap::new(),
            not_routed_for: HashMap::new(),
            no_address: HashMap::new(),
            first: HashMap::new(),
            first_targeted: HashMap::new(),
            outdated: HashMap::new(),
            outdated_names: HashMap::new(),
            refused: HashMap::new(),
        };
        for (j, c) in results.iter().enumerate() {
            if let Some(Fault::DnsSpreading { outdated }) = &c.fault {
                for (ip, name) in outdated {
                    ix.outdated.entry(*ip).or_insert(j);
                    ix.outdated_names
                        .entry(name.to_ascii_lowercase())
                        .or_insert(j);
                }
            }
            if !c.status.is_failure() {
                continue;
            }
            if let Some(Fault::RefusedAddresses { addresses }) = &c.fault {
                for (ip, _) in addresses {
                    ix.refused.entry(*ip).or_insert(j);
                }
            }
            ix.first.entry(c.id).or_insert(j);
            if c.target.is_some() {
                ix.first_targeted.entry(c.id).or_insert(j);
            }
            match (c.id, &c.fault) {
                (CheckId::ServerTls, fault) => {
                    if let Some(t) = c.target.as_deref() {
                        ix.tls_at.entry(t).or_insert(j);
                    }
                    if let Some(
                        Fault::Certificate { host, port } | Fault::Unreachable { host, port, .. },
                    ) = fault
                    {
                        ix.tls_for
                            .entry((host.to_ascii_lowercase(), *port))
                            .or_insert(j);
                    }
                }
                (
                    CheckId::ClientVersions,
                    Some(Fault::Unanswered { host, port } | Fault::NotRouted { host, port }),
                ) => {
                    ix.versions_for
                        .entry((host.to_ascii_lowercase(), *port))
                        .or_insert(j);
                }
                (CheckId::ServerVersion, Some(Fault::NotRouted { host, port })) => {
                    if let Some(t) = c.target.as_deref() {
                        ix.not_routed_at.entry(t).or_insert(j);
                    }
                    ix.not_routed_for
                        .entry((host.to_ascii_lowercase(), *port))
                        .or_insert(j);
                }
                (_, Some(Fault::NoAddress { names })) => {
                    for n in names {
                        ix.no_address.entry(n.to_ascii_lowercase()).or_insert(j);
                    }
                }
                _ => {}
            }
        }
        ix
    }

    /// Why `host:port` gave no answer: its certificate or connection
    /// (`server.tls`), or no address at all (`dns.*`).
    fn unanswered(&self, host: &str, port: u16) -> Option<usize> {
        let host = host.to_ascii_lowercase();
        self.tls_for
            .get(&(host.clone(), port))
            .or_else(|| self.no_address.get(&host))
            .copied()
    }

    /// The index of the result `r` (at `i`) directly follows from, if any.
    fn direct_cause(&self, i: usize, r: &CheckResult) -> Option<usize> {
        if !r.status.is_failure() {
            return None;
        }
        // A request not sent to addresses the rule on private addresses
        // refuses follows from the check that refused them.
        if let Some(Fault::NotConnected { addresses }) = &r.fault
            && let Some(j) = addresses.iter().find_map(|ip| self.refused.get(ip))
        {
            return Some(*j).filter(|j| *j != i);
        }
        let found = match r.id {
            CheckId::ServerVersion => self.tls_at.get(r.target.as_deref()?).copied(),
            CheckId::ServerKeys | CheckId::ServerRouting => {
                let at = r.target.as_deref()?;
                self.tls_at
                    .get(at)
                    .or_else(|| self.not_routed_at.get(at))
                    .copied()
            }
            CheckId::ServerResolution => match &r.fault {
                Some(Fault::HostsWithoutAddress { hosts }) => hosts
                    .iter()
                    .find_map(|h| self.no_address.get(&h.to_ascii_lowercase()))
                    .copied(),
                _ => None,
            },
            CheckId::ServerConsistency => [
                CheckId::ServerTls,
                CheckId::ServerVersion,
                CheckId::ServerKeys,
            ]
            .into_iter()
            .find_map(|id| self.first_targeted.get(&id).copied()),
            CheckId::ServerTls => {
                let ip = r
                    .target
                    .as_deref()
                    .and_then(|t| t.parse::<SocketAddr>().ok())
                    .map(|a| a.ip());
                let known =
                    ip.and_then(|ip| self.refused.get(&ip).or_else(|| self.outdated.get(&ip)));
                match (known, &r.fault) {
                    (Some(j), _) => Some(*j),
                    (None, Some(Fault::Unreachable { fallback: true, .. })) => {
                        self.first.get(&CheckId::ServerWellKnown).copied()
                    }
                    _ => None,
                }
            }
            CheckId::ClientVersions => match &r.fault {
                // The client API is fetched as this machine resolves its
                // host: a spreading change sends it to the old address.
                Some(Fault::Unanswered { host, port }) => self
                    .outdated_names
                    .get(&host.to_ascii_lowercase())
                    .copied()
                    .or_else(|| self.unanswered(host, *port)),
                Some(Fault::NotRouted { host, port }) => self
                    .not_routed_for
                    .get(&(host.to_ascii_lowercase(), *port))
                    .copied(),
                _ => None,
            },
            CheckId::ClientCors => match &r.fault {
                Some(Fault::FollowsApi { host, port }) => {
                    let key = (host.to_ascii_lowercase(), *port);
                    self.versions_for
                        .get(&key)
                        .or_else(|| self.tls_for.get(&key))
                        .copied()
                }
                _ => None,
            },
            CheckId::ClientWellKnown => match &r.fault {
                Some(Fault::ClientApiUnusable) => self.first.get(&CheckId::ClientVersions).copied(),
                Some(Fault::Unanswered { host, port }) => self.unanswered(host, *port),
                _ => None,
            },
            CheckId::ServerPeers => match &r.fault {
                // Every peer reads the server file first: when it is broken,
                // that is what to fix, whichever step each peer then took.
                Some(Fault::PeersFail { .. })
                    if self.first.contains_key(&CheckId::ServerWellKnown) =>
                {
                    self.first.get(&CheckId::ServerWellKnown).copied()
                }
                Some(Fault::PeersFail { like_spec: true }) => [
                    CheckId::DnsServerName,
                    CheckId::DnsDelegatedHost,
                    CheckId::DnsSrv,
                    CheckId::ServerResolution,
                    CheckId::ServerTls,
                    CheckId::ServerVersion,
                    CheckId::ServerKeys,
                ]
                .into_iter()
                .find_map(|id| self.first.get(&id).copied()),
                _ => None,
            },
            _ => None,
        };
        found.filter(|j| *j != i)
    }
}

/// Sets [`CheckResult::caused_by`] on every result that follows from
/// another (naming the root of the chain) and moves its remedy aside; a
/// result whose cause is gone gets its remedy back.
pub fn attribute(results: &mut [CheckResult]) {
    for r in results.iter_mut() {
        if r.caused_by.take().is_some() {
            r.remedy = r.own_remedy.take();
        }
    }
    let causes: Vec<Option<Cause>> = {
        let ix = Index::new(results);
        let direct: Vec<Option<usize>> = results
            .iter()
            .enumerate()
            .map(|(i, r)| ix.direct_cause(i, r))
            .collect();
        // Chains are short (at most four links); the bound stops a loop.
        let root = |i: usize| {
            let mut at = direct[i]?;
            for _ in 0..8 {
                match direct[at] {
                    Some(next) if next != i => at = next,
                    _ => break,
                }
            }
            (at != i).then_some(at)
        };
        (0..results.len())
            .map(|i| {
                root(i).map(|j| Cause {
                    id: results[j].id,
                    target: results[j].target.clone(),
                    why: results[j].summary.clone(),
                })
            })
            .collect()
    };
    for (r, cause) in results.iter_mut().zip(causes) {
        if let Some(cause) = cause {
            r.own_remedy = r.remedy.take();
            r.caused_by = Some(cause);
        }
    }
}

/// For each result, whether it is a root cause: a problem that follows
/// from no other check, or a check other results follow from (a DNS change
/// still spreading is only a warning, yet the failures it causes end with
/// it). Call after [`attribute`].
pub fn root_causes(results: &[CheckResult]) -> Vec<bool> {
    let causing: HashSet<(CheckId, Option<&str>)> = results
        .iter()
        .filter_map(|c| c.caused_by.as_ref())
        .map(|k| (k.id, k.target.as_deref()))
        .collect();
    results
        .iter()
        .map(|r| {
            r.caused_by.is_none()
                && (r.status.is_failure() || causing.contains(&(r.id, r.target.as_deref())))
        })
        .collect()
}
