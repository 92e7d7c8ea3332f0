//! The per-address federation checks for every resolved address, and the
//! consistency check over them: `server.tls`, `server.version`,
//! `server.keys`, `server.routing` (each with `target` = `IP:PORT`) and
//! `server.consistency`.

use std::net::SocketAddr;

use super::consistency::{AddressSummary, server_consistency};
use super::{keys, routing, tls, version};
use crate::check::expect::Expectations;
use crate::check::model::{CheckId, CheckResult, Status};
use crate::matrix::discovery::Resolution;
use crate::observe::{HttpObservation, TlsObservation};

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
    if probe.local_problem().is_some() {
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
    for (addr, target) in endpoints {
        let Some(probe) = probes.iter().find(|p| p.addr == addr) else {
            for id in PER_ADDRESS {
                let mut r = not_attempted(id, addr, "no probe was run for this address");
                r.status = Status::Error;
                out.push(r);
            }
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
            Some(obs) => routing::server_routing(addr, target, obs, ex),
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
        out.extend([results.tls, results.version, results.keys, results.routing]);
    }
    out.push(server_consistency(&summaries));
    out
}
