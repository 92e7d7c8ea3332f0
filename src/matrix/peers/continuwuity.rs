//! Continuwuity's resolver: `resolvematrix` (read at 1.3.0, agreeing with
//! 1.4.0) (`server.rs`:
//! `resolve_actual_dest`, `resolve_well_known`, `parse_server_name`,
//! `query_srv_record`, `MatrixDnsResolver`; `resolution.rs`: `base_url`,
//! `sni_hostname`), driven by Continuwuity's `federation/execute.rs` (the
//! request URL is `Resolution::base_url()`, `validate_url` checks a literal
//! IP host against `ip_range_denylist`).

use std::net::{IpAddr, SocketAddr};

use super::addresses::AddressPolicy;
use super::answers::{Answers, Context, PeerNeed, same_name};
use super::fetch::{self, FetchPolicy};
use super::host::{UrlHost, reqwest_url};
use super::path::{PeerFailure, PeerPath, PeerTarget};
use super::peer::Peer;
use super::retention;
use super::targets::Selection;
use crate::domain::{ServerName, SrvService};
use crate::finding::Evidence;
use crate::matrix::discovery::Step;
use crate::observe::{BodyEnd, HttpObservation, SrvLookup};

/// Where resolvematrix sends requests: `ResolvedDestination` and the
/// `host` used for SNI and `Host`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Destination {
    Literal(SocketAddr),
    /// Host and port as text (the port need not parse).
    Named(String, String),
}

/// resolvematrix's `get_ip_with_port`: `ip:port` (`[v6]:port`), or an IP
/// alone (brackets allowed) with no port.
pub fn ip_with_port(s: &str) -> Option<(IpAddr, Option<u16>)> {
    if let Ok(sock) = s.parse::<SocketAddr>() {
        return Some((sock.ip(), Some(sock.port())));
    }
    let stripped = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s);
    stripped.parse::<IpAddr>().ok().map(|ip| (ip, None))
}

/// resolvematrix's `parse_server_name`: split at the *last* `:` when what
/// follows is a `u16`; otherwise the whole value is the host.
pub fn split_port(value: &str) -> (String, Option<u16>) {
    if let Some((host, port)) = value.rsplit_once(':')
        && let Ok(port) = port.parse::<u16>()
    {
        return (host.to_string(), Some(port));
    }
    (value.to_string(), None)
}

/// `resolve_well_known`: the final status must be 200, the body at most
/// 256 KiB and whole, and the JSON must have a string `m.server`; the value
/// is not checked.
pub fn read_file(obs: &HttpObservation) -> Result<String, String> {
    if let Some(e) = &obs.error {
        return Err(e.to_string());
    }
    if obs.status != Some(200) {
        return Err(format!("HTTP {}", obs.status.unwrap_or_default()));
    }
    if obs.body_end != BodyEnd::Complete || obs.body.len() > FetchPolicy::CONTINUWUITY.body_cap {
        return Err("the body is too large or did not arrive whole".into());
    }
    let json: serde_json::Value =
        serde_json::from_slice(&obs.body).map_err(|_| "the body is not JSON".to_string())?;
    json.get("m.server")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .ok_or_else(|| "no `m.server` string".to_string())
}

/// `query_srv_record`: `_matrix-fed`, then `_matrix`; the *first* record
/// of the answer, in answer order (no priority or weight); any error counts
/// as "no record".
fn first_record(lookup: &SrvLookup) -> Option<(String, u16)> {
    let records = lookup.records.as_ref().ok()?;
    let first = records.first()?;
    Some((first.target.trim_end_matches('.').to_string(), first.port))
}

fn srv(answers: &Answers, host: &str) -> Result<Option<(String, u16, bool)>, PeerNeed> {
    for legacy in [false, true] {
        let service = if legacy {
            SrvService::LegacyFederation
        } else {
            SrvService::Federation
        };
        let lookup = answers.srv(&service.owner(host), legacy)?;
        if let Some((target, port)) = first_record(lookup) {
            return Ok(Some((target, port, !legacy)));
        }
    }
    Ok(None)
}

/// Resolution::sni_hostname: the host without brackets or a single `:port`.
fn sni_hostname(host: &str) -> String {
    if let Some(rest) = host.strip_prefix('[')
        && let Some(end) = rest.find(']')
    {
        return rest[..end].to_string();
    }
    if host.matches(':').count() == 1
        && let Some((h, _)) = host.rsplit_once(':')
    {
        return h.to_string();
    }
    host.to_string()
}

/// Resolution::base_url.
fn base_url(dest: &Destination, host: &str) -> String {
    match dest {
        Destination::Literal(addr) => format!("https://{addr}"),
        Destination::Named(_, port) => {
            let port: u16 = port.parse().unwrap_or(8448);
            if host.contains(':') {
                format!("https://{host}")
            } else {
                format!("https://{host}:{port}")
            }
        }
    }
}

fn evidence(asked: impl Into<String>, got: impl Into<String>) -> Evidence {
    Evidence {
        asked: asked.into(),
        got: got.into(),
    }
}

/// Continuwuity's path to `name`.
pub(super) fn resolve(
    name: &ServerName,
    answers: &Answers,
    ctx: Context,
) -> Result<PeerPath, PeerNeed> {
    let mut path = PeerPath {
        peer: Peer::Continuwuity,
        step: None,
        targets: Vec::new(),
        failure: None,
        retention: retention::continuwuity(),
        trail: Vec::new(),
        redirects: Vec::new(),
    };
    let dest_name = name.as_str();
    let (step, dest, host) = if let Some((ip, port)) = ip_with_port(dest_name) {
        (
            Step::IpLiteral,
            Destination::Literal(SocketAddr::new(ip, port.unwrap_or(8448))),
            dest_name.to_string(),
        )
    } else if let Some((h, p)) = dest_name.split_once(':') {
        (
            Step::ExplicitPort,
            Destination::Named(h.to_string(), p.to_string()),
            dest_name.to_string(),
        )
    } else {
        let url = format!("https://{dest_name}/.well-known/matrix/server");
        let obs = answers.well_known(&url, FetchPolicy::CONTINUWUITY)?;
        path.redirects = fetch::redirects(obs);
        match read_file(obs) {
            Ok(m) => {
                path.trail.push(evidence(
                    format!("GET {url}"),
                    format!("m.server = {m}, taken as given"),
                ));
                if let Some((ip, port)) = ip_with_port(&m) {
                    // 3.1 keeps the server name as `host`; the URL is the IP.
                    (
                        Step::DelegatedIp,
                        Destination::Literal(SocketAddr::new(ip, port.unwrap_or(8448))),
                        dest_name.to_string(),
                    )
                } else {
                    match split_port(&m) {
                        (h, Some(p)) => (
                            Step::DelegatedHostPort,
                            Destination::Named(h.clone(), p.to_string()),
                            format!("{h}:{p}"),
                        ),
                        (h, None) => match srv(answers, &h)? {
                            Some((target, port, fed)) => (
                                if fed {
                                    Step::DelegatedSrv
                                } else {
                                    Step::DelegatedLegacySrv
                                },
                                Destination::Named(target, port.to_string()),
                                h,
                            ),
                            None => (
                                Step::DelegatedDefaultPort,
                                Destination::Named(h.clone(), "8448".into()),
                                h,
                            ),
                        },
                    }
                }
            }
            Err(why) => {
                path.trail.push(evidence(
                    format!("GET {url}"),
                    format!("{why}: no delegation"),
                ));
                match srv(answers, dest_name)? {
                    Some((target, port, fed)) => (
                        if fed { Step::Srv } else { Step::LegacySrv },
                        Destination::Named(target, port.to_string()),
                        dest_name.to_string(),
                    ),
                    None => (
                        Step::DefaultPort,
                        Destination::Named(dest_name.to_string(), "8448".into()),
                        dest_name.to_string(),
                    ),
                }
            }
        }
    };
    path.step = Some(step);
    let policy = AddressPolicy::in_context(Peer::Continuwuity, ctx.private_addresses);
    connect(path, answers, dest_name, &dest, &host, policy)
}

/// What reqwest does with the request URL: a literal IP host is checked
/// against the denylist and dialled; a name goes through
/// `MatrixDnsResolver`, which answers from the cached resolution when the
/// name is the server name or its `sni_hostname` (the destination's
/// addresses, on the destination's port), and otherwise, or when that gives
/// nothing, looks the URL host up itself on port 8448. hyper keeps that
/// port unless the URL names one.
fn connect(
    mut path: PeerPath,
    answers: &Answers,
    server_name: &str,
    dest: &Destination,
    host: &str,
    policy: AddressPolicy,
) -> Result<PeerPath, PeerNeed> {
    let selection = Selection::Ipv4ThenIpv6 { max: None };
    let base = base_url(dest, host);
    let url = match reqwest_url(&base) {
        Ok(u) => u,
        Err(why) => {
            path.failure = Some(PeerFailure::UnusableDelegation {
                m_server: host.to_string(),
                why: format!("the request URL cannot be built: {why}"),
            });
            return Ok(path);
        }
    };
    path.trail.push(evidence("request URL", base.clone()));
    let mut target = PeerTarget::new(
        &url.host_text(),
        url.port(),
        url.authority.clone(),
        url.sni(),
        url.host_text(),
    );
    if let UrlHost::Ip(ip) = url.host {
        if let Some(refusal) = policy.refuses_literal(ip) {
            path.failure = Some(PeerFailure::AddressRefused { ip, refusal });
            return Ok(path);
        }
        target.addresses = vec![ip];
        path.targets = vec![target];
        return Ok(path);
    }
    let url_host = url.host_text();
    let cached = same_name(&url_host, server_name) || same_name(&url_host, &sni_hostname(host));
    if cached
        && let Destination::Named(dest_host, dest_port) = dest
        && let Ok(port) = dest_port.parse::<u16>()
    {
        let from_dest = match dest_host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            // A `.` SRV target, trimmed to nothing: no address.
            Err(_) if dest_host.is_empty() => Vec::new(),
            Err(_) => {
                let lookups = answers.addresses(std::slice::from_ref(dest_host))?;
                lookups
                    .first()
                    .map(|l| selection.pick(l))
                    .unwrap_or_default()
            }
        };
        if !from_dest.is_empty() {
            target.connect_host = dest_host.clone();
            target.port = url.explicit_port.unwrap_or(port);
            target.addresses = from_dest;
            path.targets = vec![target];
            return Ok(path);
        }
    }
    // The fallback: the URL host itself, port 8448 unless the URL has one.
    target.port = url.explicit_port.unwrap_or(8448);
    let lookups = answers.addresses(std::slice::from_ref(&url_host))?;
    if let Some(l) = lookups.first() {
        target.addresses = selection.pick(l);
        target.lookup_failure = l.failure();
    }
    if cached {
        path.trail.push(evidence(
            "the destination had no address",
            format!("{url_host} is looked up instead, port {}", target.port),
        ));
    }
    path.targets = vec![target];
    Ok(path.settle())
}
