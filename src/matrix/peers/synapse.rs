//! Synapse's federation agent (read at 1.157.1; the same in 1.163.2): `MatrixFederationAgent.request`
//! (well-known, `Host`), `MatrixHostnameEndpoint._resolve_server` (SRV,
//! port 8448), `WellKnownResolver` (the file, its caching), `SrvResolver`
//! (SRV errors) and the IP blocklist of its reactor.

use std::net::IpAddr;

use super::addresses::AddressPolicy;
use super::answers::{Answers, Context, PeerNeed};
use super::fetch::{self, FetchPolicy};
use super::host::python_authority;
use super::path::{PeerFailure, PeerPath, PeerTarget};
use super::peer::Peer;
use super::retention::{self, FileOutcome, Retention};
use super::targets::{self, Selection};
use crate::domain::{Host, ServerName, SrvService};
use crate::finding::Evidence;
use crate::matrix::discovery::Step;
use crate::matrix::srv::{self, SrvOutcome};
use crate::observe::{DnsError, HttpObservation};

/// What Synapse makes of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SynapseFile {
    /// `m.server` as given (any ASCII string; not checked at all).
    Delegated(String),
    /// A valid file whose `m.server` is empty: no delegation, cached as valid.
    Empty,
    /// Nothing usable; `temporary` as `_FetchWellKnownFailure` says.
    Failed { temporary: bool, why: String },
}

/// Reads the file as `_fetch_well_known` does: status 200, a UTF-8 JSON
/// document, `["m.server"]` encoded as ASCII. A fetch that connected to an
/// address in the blocklist never happened for Synapse (its resolver gave
/// no address): a temporary failure.
pub fn read_file(obs: &HttpObservation, policy: AddressPolicy) -> SynapseFile {
    let blocked = obs
        .hops
        .iter()
        .map(|h| &h.exchange)
        .chain(obs.exchange.as_ref())
        .flat_map(|e| e.candidates.iter())
        .find_map(|a| policy.filter_answers(&[a.ip()]).1.into_iter().next());
    if let Some((ip, refusal)) = blocked {
        return SynapseFile::Failed {
            temporary: true,
            why: format!("its host resolves to {ip} ({refusal}), which Synapse refuses"),
        };
    }
    if retention::synapse_failure_is_temporary(obs) {
        return SynapseFile::Failed {
            temporary: true,
            why: obs.outcome_line(),
        };
    }
    let permanent = |why: &str| SynapseFile::Failed {
        temporary: false,
        why: why.to_string(),
    };
    if obs.status != Some(200) {
        return permanent(&format!("HTTP {}", obs.status.unwrap_or_default()));
    }
    let Ok(text) = std::str::from_utf8(&obs.body) else {
        return permanent("the body is not UTF-8");
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return permanent("the body is not JSON");
    };
    match json.get("m.server").and_then(|v| v.as_str()) {
        Some(m) if !m.is_ascii() => permanent("`m.server` is not ASCII"),
        Some("") => SynapseFile::Empty,
        Some(m) => SynapseFile::Delegated(m.to_string()),
        None => permanent("no `m.server` string"),
    }
}

fn evidence(asked: impl Into<String>, got: impl Into<String>) -> Evidence {
    Evidence {
        asked: asked.into(),
        got: got.into(),
    }
}

/// Synapse's path to `name`.
pub(super) fn resolve(
    name: &ServerName,
    answers: &Answers,
    ctx: Context,
) -> Result<PeerPath, PeerNeed> {
    let policy = AddressPolicy::in_context(Peer::Synapse, ctx.private_addresses);
    let mut path = PeerPath {
        peer: Peer::Synapse,
        step: None,
        targets: Vec::new(),
        failure: None,
        retention: Retention::NOTHING,
        trail: Vec::new(),
        redirects: Vec::new(),
    };
    // `request()` skips the well-known for IP literals and names with a
    // port; the endpoint then connects to that host and port (or 8448).
    match (&name.host, name.port) {
        (Host::Ipv4(_) | Host::Ipv6(_), port) => {
            path.step = Some(Step::IpLiteral);
            return Ok(literal(path, name, port, name.as_str().to_string(), policy));
        }
        (Host::Dns(host), Some(port)) => {
            path.step = Some(Step::ExplicitPort);
            let t = PeerTarget::new(
                host,
                port,
                name.as_str().to_string(),
                Some(host.to_lowercase()),
                host.to_lowercase(),
            );
            path.targets = targets::resolve(answers, vec![t], policy, Selection::All)?;
            return Ok(path.settle());
        }
        (Host::Dns(_), None) => {}
    }
    let host = name.host_str();
    let url = format!("https://{host}/.well-known/matrix/server");
    let obs = answers.well_known(&url, FetchPolicy::SYNAPSE)?;
    path.redirects = fetch::redirects(obs);
    let file = read_file(obs, policy);
    path.retention = match &file {
        SynapseFile::Delegated(_) | SynapseFile::Empty => retention::synapse(
            FileOutcome::Valid(&obs.headers),
            ctx.previous_valid,
            ctx.now_unix,
        ),
        SynapseFile::Failed { temporary, .. } => retention::synapse(
            FileOutcome::Failed {
                temporary: *temporary,
            },
            ctx.previous_valid,
            ctx.now_unix,
        ),
    };
    let m_server = match file {
        SynapseFile::Delegated(m) => {
            path.trail.push(evidence(
                format!("GET {url}"),
                format!("m.server = {m}, taken as given"),
            ));
            m
        }
        SynapseFile::Empty => {
            path.trail.push(evidence(
                format!("GET {url}"),
                "m.server is empty: no delegation",
            ));
            return srv_path(path, answers, &host, &host, false, policy);
        }
        SynapseFile::Failed { why, .. } => {
            path.trail.push(evidence(
                format!("GET {url}"),
                format!("{why}: no delegation"),
            ));
            return srv_path(path, answers, &host, &host, false, policy);
        }
    };
    // The value becomes the URL's authority, then `Host`.
    let authority = match python_authority(&m_server) {
        Ok(a) => a,
        Err(why) => {
            path.failure = Some(PeerFailure::UnusableDelegation {
                m_server: m_server.clone(),
                why,
            });
            return Ok(path);
        }
    };
    if let Ok(ip) = authority.hostname.parse::<IpAddr>() {
        path.step = Some(Step::DelegatedIp);
        let delegated = ServerName::from_parts(
            match ip {
                IpAddr::V4(v4) => Host::Ipv4(v4),
                IpAddr::V6(v6) => Host::Ipv6(v6),
            },
            authority.port,
        );
        return Ok(literal(
            path,
            &delegated,
            authority.port,
            authority.netloc.clone(),
            policy,
        ));
    }
    if let Some(port) = authority.port {
        path.step = Some(Step::DelegatedHostPort);
        let t = PeerTarget::new(
            &authority.hostname,
            port,
            authority.netloc.clone(),
            Some(authority.hostname.clone()),
            authority.hostname.clone(),
        );
        path.targets = targets::resolve(answers, vec![t], policy, Selection::All)?;
        return Ok(path.settle());
    }
    let header = authority.netloc.clone();
    srv_path(path, answers, &authority.hostname, &header, true, policy)
}

/// An IP literal target; the blocklist applies to it as to DNS answers.
fn literal(
    mut path: PeerPath,
    name: &ServerName,
    port: Option<u16>,
    header: String,
    policy: AddressPolicy,
) -> PeerPath {
    let ip = match name.host {
        Host::Ipv4(v4) => IpAddr::V4(v4),
        Host::Ipv6(v6) => IpAddr::V6(v6),
        Host::Dns(_) => return path,
    };
    if let Some(refusal) = policy.refuses_literal(ip) {
        path.failure = Some(PeerFailure::AddressRefused { ip, refusal });
        return path;
    }
    let mut t = PeerTarget::new(
        &ip.to_string(),
        port.unwrap_or(8448),
        header,
        None,
        ip.to_string(),
    );
    t.addresses = vec![ip];
    path.targets = vec![t];
    path
}

/// `_resolve_server` for a host without a port: `_matrix-fed._tcp`, then
/// `_matrix._tcp`, then port 8448. `SrvResolver.resolve_service` returns
/// nothing for NXDOMAIN (and an empty answer), raises for any other DNS
/// error, and refuses a single `.` target.
fn srv_path(
    mut path: PeerPath,
    answers: &Answers,
    host: &str,
    header: &str,
    delegated: bool,
    policy: AddressPolicy,
) -> Result<PeerPath, PeerNeed> {
    for legacy in [false, true] {
        let service = if legacy {
            SrvService::LegacyFederation
        } else {
            SrvService::Federation
        };
        let owner = service.owner(host);
        let lookup = answers.srv(&owner, legacy)?;
        let outcome = match &lookup.records {
            // Twisted refuses to ask for a name it cannot encode: nothing found.
            Err(DnsError::InvalidName(_)) => continue,
            _ => srv::classify(lookup),
        };
        path.step = Some(match (delegated, legacy) {
            (true, false) => Step::DelegatedSrv,
            (true, true) => Step::DelegatedLegacySrv,
            (false, false) => Step::Srv,
            (false, true) => Step::LegacySrv,
        });
        match outcome {
            SrvOutcome::NotFound(_) => continue,
            SrvOutcome::Failed(e) => {
                path.failure = Some(PeerFailure::SrvLookupFailed {
                    name: owner,
                    error: e.to_string(),
                });
                return Ok(path);
            }
            SrvOutcome::NoService(_) => {
                path.failure = Some(PeerFailure::NoService { owner });
                return Ok(path);
            }
            SrvOutcome::Targets(records) => {
                path.trail.push(evidence(
                    format!("SRV {owner}"),
                    records
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                ));
                let list = records
                    .iter()
                    .map(|r| {
                        PeerTarget::new(
                            r.target_host(),
                            r.port,
                            header.to_string(),
                            Some(host.to_string()),
                            host.to_string(),
                        )
                    })
                    .collect();
                path.targets = targets::resolve(answers, list, policy, Selection::All)?;
                return Ok(path.settle());
            }
        }
    }
    path.step = Some(if delegated {
        Step::DelegatedDefaultPort
    } else {
        Step::DefaultPort
    });
    let t = PeerTarget::new(
        host,
        8448,
        header.to_string(),
        Some(host.to_string()),
        host.to_string(),
    );
    path.targets = targets::resolve(answers, vec![t], policy, Selection::All)?;
    Ok(path.settle())
}
