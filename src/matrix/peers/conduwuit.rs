//! The older conduwuit resolver, as Continuwuity 0.5.11 has it
//! (`service/resolver/actual.rs`, `well_known.rs`, `fed.rs`, `cache.rs`,
//! `federation/execute.rs`); tuwunel 1.9.0 carries the same steps. Only
//! where it differs from the spec: it reads the file more loosely (any 2xx,
//! 8 KiB), takes the first SRV record in answer order, gives up on an SRV
//! lookup that fails with anything but "no records", uses at most three
//! addresses (IPv4 first), and sends `Host` from its `https://host:port`
//! URL.

use std::net::{IpAddr, SocketAddr};

use super::addresses::AddressPolicy;
use super::answers::{Answers, Context, PeerNeed};
use super::fetch::{self, FetchPolicy};
use super::host::{UrlHost, reqwest_url};
use super::path::{PeerFailure, PeerPath, PeerTarget};
use super::peer::Peer;
use super::retention;
use super::targets::{self, Selection};
use crate::domain::{Host, ServerName, SrvService};
use crate::finding::Evidence;
use crate::matrix::discovery::Step;
use crate::observe::{BodyEnd, DnsError, HttpObservation};

/// `request_well_known`: any 2xx, at most 8192 bytes of text, JSON whose
/// `m.server` passes ruma's server-name validation.
pub fn read_file(obs: &HttpObservation) -> Result<ServerName, String> {
    if let Some(e) = &obs.error {
        return Err(e.to_string());
    }
    let status = obs.status.unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    if obs.body_end != BodyEnd::Complete || obs.body.len() > FetchPolicy::CONDUWUIT.body_cap {
        return Err("the body is over 8 KiB or did not arrive whole".into());
    }
    let json: serde_json::Value =
        serde_json::from_slice(&obs.body).map_err(|_| "the body is not JSON".to_string())?;
    let m = json
        .get("m.server")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    ServerName::parse(m).map_err(|e| format!("`m.server` `{m}` is not a server name ({e})"))
}

/// `query_srv_record`: the first record in answer order, or `None` when
/// the lookup says "no records"; any other DNS error fails the resolution
/// (`handle_resolve_error` returns an error for all but `NoRecordsFound`).
/// An SRV answer taken: target, port, and whether it was `_matrix-fed`.
type SrvPick = Option<(String, u16, bool)>;

fn srv(answers: &Answers, host: &str) -> Result<Result<SrvPick, PeerFailure>, PeerNeed> {
    for legacy in [false, true] {
        let service = if legacy {
            SrvService::LegacyFederation
        } else {
            SrvService::Federation
        };
        let owner = service.owner(host);
        let lookup = answers.srv(&owner, legacy)?;
        match &lookup.records {
            Ok(records) => {
                return Ok(Ok(records.first().map(|r| {
                    (r.target.trim_end_matches('.').to_string(), r.port, !legacy)
                })));
            }
            Err(DnsError::NxDomain { .. } | DnsError::NoData { .. }) => continue,
            Err(e) => {
                return Ok(Err(PeerFailure::SrvLookupFailed {
                    name: owner,
                    error: e.to_string(),
                }));
            }
        }
    }
    Ok(Ok(None))
}

fn evidence(asked: impl Into<String>, got: impl Into<String>) -> Evidence {
    Evidence {
        asked: asked.into(),
        got: got.into(),
    }
}

/// Where the request goes: the URL (`FedDest::https_string`) and the name
/// whose addresses the hooked resolver uses for it (the SRV target).
struct Plan {
    step: Step,
    url: String,
    connect_host: Option<String>,
}

fn literal_url(ip: IpAddr, port: Option<u16>) -> String {
    format!("https://{}", SocketAddr::new(ip, port.unwrap_or(8448)))
}

/// The older resolver's path to `name`.
pub(super) fn resolve(
    name: &ServerName,
    answers: &Answers,
    ctx: Context,
) -> Result<PeerPath, PeerNeed> {
    let policy = AddressPolicy::in_context(Peer::Conduwuit, ctx.private_addresses);
    let mut path = PeerPath {
        peer: Peer::Conduwuit,
        step: None,
        targets: Vec::new(),
        failure: None,
        retention: retention::conduwuit(),
        trail: Vec::new(),
        redirects: Vec::new(),
    };
    let plan = match (&name.host, name.port) {
        (Host::Ipv4(_) | Host::Ipv6(_), port) => Plan {
            step: Step::IpLiteral,
            url: literal_url(
                match name.host {
                    Host::Ipv4(v4) => IpAddr::V4(v4),
                    Host::Ipv6(v6) => IpAddr::V6(v6),
                    Host::Dns(_) => return Ok(path),
                },
                port,
            ),
            connect_host: None,
        },
        (Host::Dns(host), Some(port)) => Plan {
            step: Step::ExplicitPort,
            url: format!("https://{host}:{port}"),
            connect_host: None,
        },
        (Host::Dns(host), None) => {
            let url = format!("https://{host}/.well-known/matrix/server");
            let obs = answers.well_known(&url, FetchPolicy::CONDUWUIT)?;
            path.redirects = fetch::redirects(obs);
            match read_file(obs) {
                Ok(m) => {
                    path.trail
                        .push(evidence(format!("GET {url}"), format!("m.server = {m}")));
                    match (&m.host, m.port) {
                        (Host::Ipv4(v4), port) => Plan {
                            step: Step::DelegatedIp,
                            url: literal_url(IpAddr::V4(*v4), port),
                            connect_host: None,
                        },
                        (Host::Ipv6(v6), port) => Plan {
                            step: Step::DelegatedIp,
                            url: literal_url(IpAddr::V6(*v6), port),
                            connect_host: None,
                        },
                        (Host::Dns(d), Some(port)) => Plan {
                            step: Step::DelegatedHostPort,
                            url: format!("https://{d}:{port}"),
                            connect_host: None,
                        },
                        (Host::Dns(d), None) => match srv(answers, d)? {
                            Err(f) => {
                                path.failure = Some(f);
                                return Ok(path);
                            }
                            Ok(Some((target, port, fed))) => Plan {
                                step: if fed {
                                    Step::DelegatedSrv
                                } else {
                                    Step::DelegatedLegacySrv
                                },
                                url: format!("https://{d}:{port}"),
                                connect_host: Some(target),
                            },
                            Ok(None) => Plan {
                                step: Step::DelegatedDefaultPort,
                                url: format!("https://{d}:8448"),
                                connect_host: None,
                            },
                        },
                    }
                }
                Err(why) => {
                    path.trail.push(evidence(
                        format!("GET {url}"),
                        format!("{why}: no delegation"),
                    ));
                    match srv(answers, host)? {
                        Err(f) => {
                            path.failure = Some(f);
                            return Ok(path);
                        }
                        Ok(Some((target, port, fed))) => Plan {
                            step: if fed { Step::Srv } else { Step::LegacySrv },
                            url: format!("https://{host}:{port}"),
                            connect_host: Some(target),
                        },
                        Ok(None) => Plan {
                            step: Step::DefaultPort,
                            url: format!("https://{host}:8448"),
                            connect_host: None,
                        },
                    }
                }
            }
        }
    };
    path.step = Some(plan.step);
    path.trail.push(evidence("request URL", plan.url.clone()));
    let url = match reqwest_url(&plan.url) {
        Ok(u) => u,
        Err(why) => {
            path.failure = Some(PeerFailure::UnusableDelegation {
                m_server: plan.url.clone(),
                why,
            });
            return Ok(path);
        }
    };
    // The port the override cached is the one in the URL (FedDest's port).
    let port = plan
        .url
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok())
        .unwrap_or(8448);
    let mut target = PeerTarget::new(
        &url.host_text(),
        port,
        url.authority.clone(),
        url.sni(),
        url.host_text(),
    );
    if let UrlHost::Ip(ip) = url.host {
        // `validate_dest` for an IP-literal server name, `validate_url` for
        // a literal in the request URL.
        if let Some(refusal) = policy.refuses_literal(ip) {
            path.failure = Some(PeerFailure::AddressRefused { ip, refusal });
            return Ok(path);
        }
        target.addresses = vec![ip];
        path.targets = vec![target];
        return Ok(path);
    }
    if let Some(srv_target) = plan.connect_host {
        target.connect_host = srv_target;
    }
    // `CachedOverride` keeps at most `MAX_IPS` = 3 addresses.
    path.targets = targets::resolve(
        answers,
        vec![target],
        policy,
        Selection::Ipv4ThenIpv6 { max: Some(3) },
    )?;
    Ok(path.settle())
}
