//! The per-address federation checks for every resolved address, and the
//! consistency check over them: `server.tls`, `server.version`,
//! `server.keys`, `server.routing` (each with `target` = `IP:PORT`) and
//! `server.consistency`.

use std::net::SocketAddr;

use super::consistency::{AddressSummary, server_consistency};
use super::routing::HostFormProbe;
use super::{keys, routing, tls, version};
use crate::check::expect::Expectations;
use crate::check::model::{CheckId, CheckResult, Status};
use crate::matrix::discovery::{Resolution, Target};
use crate::matrix::peers::Peer;
use crate::observe::{HttpObservation, TlsFailureKind, TlsObservation};

/// Everything observed at one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressProbe {
    pub addr: SocketAddr,
    pub tls: TlsObservation,
    /// `GET /_matrix/federation/v1/version`; `None` when not attempted
    /// (no TLS connection).
    pub version: Option<HttpObservation>,
    /// `GET /_matrix/key/v2/server`.
    pub keys: Option<HttpObservation>,
    /// `GET` [`routing::PROBE_PATH`], unauthenticated.
    pub routing: Option<HttpObservation>,
    /// The modelled peers that send the spec target's own `Host` form here
    /// (empty when the peers were not resolved).
    pub routing_peers: Vec<Peer>,
    /// The routing probe with every other `Host` form a modelled peer
    /// sends to this address.
    pub routing_forms: Vec<HostFormProbe>,
}

impl AddressProbe {
    /// A probe of this address failed on this machine (not the server's doing).
    pub fn local_problem(&self) -> Option<crate::observe::LocalProblem> {
        self.tls.local_problem().or_else(|| {
            [&self.version, &self.keys, &self.routing]
                .into_iter()
                .flatten()
                .find_map(HttpObservation::local_problem)
        })
    }
}

const PER_ADDRESS: [CheckId; 4] = [
    CheckId::ServerTls,
    CheckId::ServerVersion,
    CheckId::ServerKeys,
    CheckId::ServerRouting,
];

const SPEC: &str = "server-server API, Resolving server names";
const NO_TLS: &str = "the TLS connection failed (see server.tls)";

/// The four per-address results of one address (and what its key response
/// said), as judged once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressResults {
    pub tls: CheckResult,
    pub version: CheckResult,
    pub keys: CheckResult,
    pub keys_info: Option<keys::KeysInfo>,
    pub routing: CheckResult,
}

/// What `server.consistency` compares for one address, from its results;
/// `None` when this machine could not test the address (that says nothing
/// about the server).
pub fn summarise(probe: &AddressProbe, results: &AddressResults) -> Option<AddressSummary> {
    // Nothing was asked there: this machine's limits, or an address the
    // rule on private addresses left unasked.
    if probe.local_problem().is_some() || probe.tls.refused_address() {
        return None;
    }
    let usable = |r: &CheckResult| matches!(r.status, Status::Pass | Status::Warn);
    let (tls_r, version_r, keys_r) = (&results.tls, &results.version, &results.keys);
    let works = usable(tls_r) && usable(version_r) && usable(keys_r);
    let failure = [tls_r, version_r, keys_r]
        .into_iter()
        .find(|r| !usable(r))
        .map(|r| format!("{}: {}", r.id.as_str(), r.summary));
    Some(AddressSummary {
        addr: probe.addr,
        works,
        failure,
        version: probe.version.as_ref().and_then(version::parse),
        keys: results.keys_info.clone(),
        routing_ok: usable(&results.routing),
        unreachable: connection_level(&probe.tls),
    })
}

/// `server.consistency` from results already judged (the runner judges
/// each address once, as its answers arrive).
pub fn consistency_of(judged: &[(&AddressProbe, &AddressResults)]) -> CheckResult {
    let summaries: Vec<AddressSummary> = judged
        .iter()
        .filter_map(|(probe, results)| summarise(probe, results))
        .collect();
    server_consistency(&summaries)
}

fn not_attempted(id: CheckId, addr: SocketAddr, why: &str) -> CheckResult {
    CheckResult::new(id, Status::Skipped, format!("not attempted: {why}"))
        .target(addr.to_string())
        .spec(SPEC)
}

/// All per-address results (in endpoint order, four per address) followed
/// by `server.consistency`. `now_ms`: current Unix time in milliseconds.
pub fn federation_checks(
    res: &Resolution,
    probes: &[AddressProbe],
    now_ms: i64,
    ex: &Expectations,
) -> Vec<CheckResult> {
    let endpoints = res.endpoints();
    if endpoints.is_empty() {
        let why = "no address to connect to (see server.resolution)";
        let mut out: Vec<CheckResult> = PER_ADDRESS
            .iter()
            .map(|id| {
                CheckResult::new(*id, Status::Skipped, format!("not attempted: {why}")).spec(SPEC)
            })
            .collect();
        out.push(server_consistency(&[]));
        return out;
    }
    let mut out = Vec::new();
    let mut summaries = Vec::new();
    let mut judged: Vec<(&AddressProbe, AddressResults)> = Vec::new();
    let mut missing: Vec<(SocketAddr, Vec<CheckResult>)> = Vec::new();
    for (addr, target) in &endpoints {
        let (addr, target) = (*addr, *target);
        let Some(probe) = probes.iter().find(|p| p.addr == addr) else {
            let rows = PER_ADDRESS
                .iter()
                .map(|id| {
                    let mut r = not_attempted(*id, addr, "no probe was run for this address");
                    r.status = Status::Error;
                    r
                })
                .collect();
            missing.push((addr, rows));
            continue;
        };
        let tls_r = tls::server_tls(addr, target, res.step, &probe.tls, ex);
        let version_r = match &probe.version {
            Some(obs) => version::server_version(addr, target, obs, ex),
            None => not_attempted(CheckId::ServerVersion, addr, NO_TLS),
        };
        let (keys_r, keys_info) = match &probe.keys {
            Some(obs) => keys::server_keys(addr, target, obs, &res.server_name, now_ms, ex),
            None => (not_attempted(CheckId::ServerKeys, addr, NO_TLS), None),
        };
        let routing_r = match &probe.routing {
            Some(obs) => routing::server_routing_forms(
                addr,
                target,
                obs,
                &probe.routing_peers,
                &probe.routing_forms,
                ex,
            ),
            None => not_attempted(CheckId::ServerRouting, addr, NO_TLS),
        };
        let results = AddressResults {
            tls: tls_r,
            version: version_r,
            keys: keys_r,
            keys_info,
            routing: routing_r,
        };
        summaries.extend(summarise(probe, &results));
        judged.push((probe, results));
    }
    // Consistency compares the addresses as they answered, before a dead
    // address is softened because peers fall back from it.
    let consistency = server_consistency(&summaries);
    let probes_judged: Vec<&AddressProbe> = judged.iter().map(|(p, _)| *p).collect();
    let mut results: Vec<AddressResults> = judged.into_iter().map(|(_, r)| r).collect();
    let targets: Vec<&Target> = probes_judged
        .iter()
        .filter_map(|p| {
            endpoints
                .iter()
                .find(|(a, _)| *a == p.addr)
                .map(|(_, t)| *t)
        })
        .collect();
    fall_back_between_addresses(&probes_judged, &targets, &mut results);
    for (addr, _) in &endpoints {
        if let Some(i) = probes_judged.iter().position(|p| p.addr == *addr) {
            let r = results[i].clone();
            out.extend([r.tls, r.version, r.keys, r.routing]);
        } else if let Some((_, rows)) = missing.iter().find(|(a, _)| a == addr) {
            out.extend(rows.iter().cloned());
        }
    }
    out.push(consistency);
    out
}

/// A `server.tls` result for an address nothing answers on, softened to a
/// warning because peers fall back to another working address of the host
/// ([`fall_back_between_addresses`]): the address does not work, but
/// federation does.
pub fn peers_fall_back_from(tls: &CheckResult) -> bool {
    tls.id == CheckId::ServerTls
        && tls.status == Status::Warn
        && matches!(
            tls.fault,
            Some(crate::check::model::Fault::Unreachable { .. })
        )
}

/// The connection itself failed (refused, TCP timeout, unreachable): a
/// peer with another address for the host tries that one next. A TLS or
/// HTTP failure on an address that answered is not retried elsewhere.
pub fn connection_level(tls: &TlsObservation) -> bool {
    tls.connect_error.as_ref().is_some_and(|e| {
        matches!(
            e.kind,
            TlsFailureKind::Refused | TlsFailureKind::ConnectTimeout | TlsFailureKind::Connect
        )
    })
}

/// Turns the failures of an address nobody could connect to into warnings
/// when another address of the same host and port works (TLS, version and
/// keys): peers (Synapse, Continuwuity, Dendrite) try the host's addresses
/// one after another on connection-level failures, so federation works,
/// only slower for the peers that pick the dead address first. Returns the
/// indices of the addresses changed.
pub fn fall_back_between_addresses(
    probes: &[&AddressProbe],
    targets: &[&Target],
    results: &mut [AddressResults],
) -> Vec<usize> {
    let usable = |r: &CheckResult| matches!(r.status, Status::Pass | Status::Warn);
    let works = |r: &AddressResults| usable(&r.tls) && usable(&r.version) && usable(&r.keys);
    let mut changed = Vec::new();
    for i in 0..results.len().min(probes.len()).min(targets.len()) {
        if !connection_level(&probes[i].tls) {
            continue;
        }
        let same = |j: usize| {
            targets[j].port == targets[i].port
                && super::resolution::same_host(&targets[j].connect_host, &targets[i].connect_host)
        };
        let Some(other) = (0..results.len().min(probes.len()).min(targets.len()))
            .find(|&j| j != i && same(j) && !connection_level(&probes[j].tls) && works(&results[j]))
            .map(|j| probes[j].addr)
        else {
            continue;
        };
        let host = &targets[i].connect_host;
        let addr = probes[i].addr;
        let err = probes[i]
            .tls
            .connect_error
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let fallback =
            format!("peers fall back to {other}, another address of {host}, which works");
        let r = &mut results[i];
        if r.tls.status == Status::Fail {
            r.tls.status = Status::Warn;
            r.tls.summary = format!("cannot connect to {addr}: {err}; {fallback}");
        }
        // Nothing was asked at this address, or the request found no
        // connection either: the same dead address, not a second problem.
        for result in [&mut r.version, &mut r.keys, &mut r.routing] {
            if matches!(result.status, Status::Fail | Status::Skipped) {
                result.status = Status::Warn;
                result.summary = format!("no connection to this address ({err}); {fallback}");
            }
        }
        for result in [&mut r.tls, &mut r.version, &mut r.keys, &mut r.routing] {
            result.evidence.push(crate::finding::Evidence {
                asked: "other addresses".into(),
                got: format!(
                    "{other} works: peers (Synapse, Continuwuity, Dendrite) try the next address \
                     when a connection cannot be made"
                ),
            });
        }
        changed.push(i);
    }
    changed
}
