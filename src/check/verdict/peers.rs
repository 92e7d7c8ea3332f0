//! `server.peers`: whether each modelled peer implementation (Synapse,
//! Continuwuity, conduwuit, and the spec's own path) reaches the server, as
//! it resolves the name ([`crate::matrix::peers`]) and with the `Host`
//! header and SNI it sends. A peer works on the same bar as a spec target:
//! TLS with a certificate for the name it requires, the version and the keys
//! of the checked server; the routing probe stays in `server.routing`.

use crate::check::expect::Expectations;
use crate::check::model::{CheckId, CheckResult, Fault, Status};
use crate::domain::ServerName;
use crate::finding::Evidence;
use crate::matrix::discovery::Target;
use crate::matrix::peers::{
    EndpointOutcome, Peer, PeerEndpoint, PeerPath, PeerSummary, PeerVerdict,
};
use crate::observe::{HttpObservation, LocalProblem, TlsFailureKind, TlsObservation};

use super::{keys, tls, version};

const SPEC: &str = "server-server API, Resolving server names; as each implementation does it";

/// The federation probes sent to one endpoint with a peer's `Host` and SNI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointProbe {
    pub endpoint: PeerEndpoint,
    pub tls: TlsObservation,
    /// `None` when the TLS handshake did not complete (nothing was sent).
    pub version: Option<HttpObservation>,
    pub keys: Option<HttpObservation>,
}

/// Every peer's path and the probes of the endpoints they would use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeersObserved {
    pub paths: Vec<PeerPath>,
    pub probes: Vec<EndpointProbe>,
    /// A lookup or fetch the peers needed could not be made from this
    /// machine (out of open files, buffers or ports).
    pub local_problem: Option<LocalProblem>,
}

impl PeersObserved {
    /// This machine's problem in any answer the peers' verdicts rest on.
    fn local_problem(&self) -> Option<LocalProblem> {
        self.local_problem.or_else(|| {
            self.probes.iter().find_map(|p| {
                p.tls.local_problem().or_else(|| {
                    [&p.version, &p.keys]
                        .into_iter()
                        .flatten()
                        .find_map(HttpObservation::local_problem)
                })
            })
        })
    }
}

/// The target the existing per-address verdicts judge, for one endpoint.
pub fn target_of(endpoint: &PeerEndpoint) -> Target {
    Target {
        connect_host: endpoint.cert_name.clone(),
        port: endpoint.address.port(),
        host_header: endpoint.host_header.clone(),
        sni: endpoint.sni.clone(),
        cert_name: endpoint.cert_name.clone(),
        srv: None,
        addresses: vec![endpoint.address.ip()],
        lookup_failure: None,
        cname: None,
    }
}

/// How one endpoint answered: no connection (the peer tries the next
/// address), a connection that then failed (the request fails there), or
/// TLS, version and keys all as a peer needs them.
pub fn endpoint_outcome(probe: &EndpointProbe, name: &ServerName, now_ms: i64) -> EndpointOutcome {
    if let Some(err) = &probe.tls.connect_error {
        return match err.kind {
            TlsFailureKind::Refused
            | TlsFailureKind::ConnectTimeout
            | TlsFailureKind::Connect
            | TlsFailureKind::Local(_)
            | TlsFailureKind::Stopped
            // Not connected here: such an address is not routed on the
            // internet, so peers elsewhere cannot connect either.
            | TlsFailureKind::RefusedAddress => EndpointOutcome::Unreachable,
            TlsFailureKind::HandshakeTimeout
            | TlsFailureKind::Handshake(_)
            | TlsFailureKind::InvalidName => EndpointOutcome::Failed,
        };
    }
    if failed_check(probe, name, now_ms).is_some() {
        EndpointOutcome::Failed
    } else {
        EndpointOutcome::Works
    }
}

/// The first of TLS, version and keys that fails at a connected endpoint,
/// judged as for a spec target with this endpoint's `Host` and SNI: its
/// summary (what the operator needs to see, say the 404 a proxy gives to
/// a `Host` form it does not route).
fn failed_check(probe: &EndpointProbe, name: &ServerName, now_ms: i64) -> Option<String> {
    let target = target_of(&probe.endpoint);
    let addr = probe.endpoint.address;
    // The step only words the spec reference of the TLS result, which is
    // not shown here: its status is all that counts.
    let step = crate::matrix::discovery::Step::DefaultPort;
    let none = Expectations::none();
    let tls = tls::server_tls(addr, &target, step, &probe.tls, &none);
    if tls.status.is_failure() {
        return Some(format!("TLS: {}", tls.summary));
    }
    let Some(version) = &probe.version else {
        return Some("no version request was sent".into());
    };
    let version = version::server_version(addr, &target, version, &none);
    if version.status.is_failure() {
        return Some(format!("version: {}", version.summary));
    }
    let Some(keys) = &probe.keys else {
        return Some("no key request was sent".into());
    };
    let keys = keys::server_keys(addr, &target, keys, name, now_ms, &none).0;
    if keys.status.is_failure() {
        return Some(format!("keys: {}", keys.summary));
    }
    None
}

/// The outcome of `endpoint` among the probes (an endpoint never probed —
/// the run's deadline cut it — counts as unreachable).
fn outcome_of(
    observed: &PeersObserved,
    endpoint: &PeerEndpoint,
    name: &ServerName,
    now_ms: i64,
) -> EndpointOutcome {
    observed
        .probes
        .iter()
        .find(|p| &p.endpoint == endpoint)
        .map_or(EndpointOutcome::Unreachable, |p| {
            endpoint_outcome(p, name, now_ms)
        })
}

/// Each peer's entry of the report (`federation.peers`); where a peer
/// fails at an endpoint that took its connection, the failure says which
/// check failed there and how.
pub fn summaries(observed: &PeersObserved, name: &ServerName, now_ms: i64) -> Vec<PeerSummary> {
    observed
        .paths
        .iter()
        .map(|path| {
            let outcome = |e: &PeerEndpoint| outcome_of(observed, e, name, now_ms);
            let mut summary = path.summary(outcome);
            if let PeerVerdict::FailsAt(at) = path.verdict(outcome)
                && let Some(why) = observed
                    .probes
                    .iter()
                    .find(|p| p.endpoint == at)
                    .and_then(|p| failed_check(p, name, now_ms))
                && let Some(failure) = summary.failure.as_mut()
            {
                failure.push_str(": ");
                failure.push_str(&why);
            }
            summary
        })
        .collect()
}

/// `server.peers`: pass when every modelled peer reaches the server; fail
/// naming the peers that do not, each with its path as evidence.
pub fn server_peers(observed: &PeersObserved, name: &ServerName, now_ms: i64) -> CheckResult {
    let all = summaries(observed, name, now_ms);
    if all.is_empty() {
        return CheckResult::new(CheckId::ServerPeers, Status::Skipped, "no peer model ran")
            .spec(SPEC);
    }
    let failing: Vec<&PeerSummary> = all.iter().filter(|s| !s.ok).collect();
    let summary = if failing.is_empty() {
        let names: Vec<&str> = all.iter().map(|s| s.peer).collect();
        format!("every modelled server reaches it: {}", names.join(", "))
    } else {
        let names: Vec<String> = failing
            .iter()
            .map(|s| format!("{} ({})", s.peer, s.failure.as_deref().unwrap_or("fails")))
            .collect();
        format!("not reachable for {}", names.join("; "))
    };
    let status = if failing.is_empty() {
        Status::Pass
    } else {
        Status::Fail
    };
    let mut r = CheckResult::new(CheckId::ServerPeers, status, summary).spec(SPEC);
    if !failing.is_empty() {
        let spec = all.iter().find(|s| s.peer == Peer::Spec.as_str());
        let like_spec =
            spec.is_some_and(|spec| !spec.ok && failing.iter().all(|s| s.step == spec.step));
        r = r.fault(Fault::PeersFail { like_spec });
    }
    for (path, s) in observed.paths.iter().zip(&all) {
        r.evidence.push(Evidence {
            asked: format!("{} ({})", s.peer, s.basis),
            got: describe(path, s),
        });
    }
    // A failure that may come from this machine's own limits is not the
    // server's.
    match observed.local_problem() {
        Some(problem) if !failing.is_empty() => super::local::could_not_test(r, problem),
        _ => r,
    }
}

/// One line per peer: the step, where it connects with which `Host`, and
/// how long it keeps the answer.
fn describe(path: &PeerPath, s: &PeerSummary) -> String {
    let step = s
        .step
        .map_or_else(|| "no step".to_string(), |st| format!("step {st}"));
    let targets: Vec<String> = path
        .endpoints()
        .iter()
        .map(|e| format!("{} Host {}", e.address, e.host_header))
        .collect();
    let keeps = s.keeps_answer_s.map_or_else(
        || "keeps its previous answer".to_string(),
        |secs| format!("keeps this answer {}", crate::words::duration(secs)),
    );
    let verdict = if s.ok {
        "works".to_string()
    } else {
        format!("FAILS: {}", s.failure.as_deref().unwrap_or("fails"))
    };
    let line = if targets.is_empty() {
        format!("{step}; {verdict}; {keeps}")
    } else {
        format!("{step} → {}; {verdict}; {keeps}", targets.join(", "))
    };
    // How a failing peer got to its path (a file it could not use, the
    // request URL it built): where it parts from the spec.
    if s.ok || path.trail.is_empty() {
        return line;
    }
    let how: Vec<String> = path
        .trail
        .iter()
        .map(|e| format!("{}: {}", e.asked, e.got))
        .collect();
    format!("{line} (how: {})", how.join("; "))
}
