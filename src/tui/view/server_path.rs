//! The resolution path drawn in the server panel: what discovery found
//! (per address: Host header, SNI, certificate name, ok — the shared report
//! lines) and, when the operator's plan is known, what it expects, with
//! every difference marked. Before discovery has finished, only the
//! expected path is shown.

use std::net::{IpAddr, SocketAddr};

use crate::check::model::{CheckId, Status};
use crate::domain::FederationEndpoint;
use crate::report::TargetSummary;
use crate::report::text::{
    NO_SERVICE_LINE, not_probed_line, target_line, target_route, unresolved_line,
};
use crate::tui::data::Expected;
use crate::tui::state::{ChecksState, RunPhase};
use crate::tui::text::wrap_prose;

/// How a path line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PathKind {
    /// The plan's path, before anything was observed.
    Expected,
    /// One resolved address (with whether TLS, version and keys pass there).
    Target,
    /// No address, or no federation service at all.
    Broken,
    /// The observed path differs from the plan here.
    Differs,
    /// The observed path is the planned one.
    Matches,
    /// Found, but beyond the caps and not probed.
    NotProbed,
    /// The heading of the "How peers see you" block.
    PeersHeading,
    /// A modelled peer that reaches the server.
    PeerWorks,
    /// A modelled peer that does not.
    PeerFails,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PathLine {
    pub text: String,
    pub kind: PathKind,
}

impl PathLine {
    fn new(kind: PathKind, text: impl Into<String>) -> PathLine {
        PathLine {
            text: text.into(),
            kind,
        }
    }
}

/// Where the plan says federation must end up, and the SNI that implies
/// (none for an IP literal: RFC 6066 forbids it).
fn planned(checks: &ChecksState) -> Option<(FederationEndpoint, Option<String>)> {
    let Expected::Plan(plan) = &checks.expected else {
        return None;
    };
    let ep = plan.federation_endpoint();
    let literal = ep.cert_name.trim_start_matches('[').trim_end_matches(']');
    let sni = literal
        .parse::<IpAddr>()
        .is_err()
        .then(|| ep.cert_name.clone());
    Some((ep, sni))
}

fn route(ep: &FederationEndpoint, sni: Option<&str>) -> String {
    format!(
        "{}:{} · Host {} · SNI {} · certificate {}",
        ep.connect_host,
        ep.port,
        ep.host_header,
        sni.unwrap_or("none"),
        ep.cert_name
    )
}

/// The planned values this address does not have.
fn differences(t: &TargetSummary, ep: &FederationEndpoint, sni: Option<&str>) -> Vec<String> {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let mut out = Vec::new();
    let port = t.address.parse::<SocketAddr>().ok().map(|a| a.port());
    if port.is_some_and(|p| p != ep.port) {
        out.push(format!("port {}", ep.port));
    }
    if !same(&t.host_header, &ep.host_header) {
        out.push(format!("Host {}", ep.host_header));
    }
    let sni_same = match (t.sni.as_deref(), sni) {
        (Some(a), Some(b)) => same(a, b),
        (a, b) => a == b,
    };
    if !sni_same {
        out.push(format!("SNI {}", sni.unwrap_or("none")));
    }
    if !same(&t.cert_name, &ep.cert_name) {
        out.push(format!("certificate {}", ep.cert_name));
    }
    out
}

/// Checks whose passing makes an address work (the shared report's rule).
const PER_ADDRESS: [CheckId; 3] = [
    CheckId::ServerTls,
    CheckId::ServerVersion,
    CheckId::ServerKeys,
];

/// An address line: its route, then whether it works — or that its checks
/// are still running (the shared line would say FAIL until they finish).
fn target(checks: &ChecksState, t: &TargetSummary) -> PathLine {
    let reported = PER_ADDRESS.iter().all(|id| {
        checks
            .results()
            .iter()
            .any(|r| r.id == *id && r.target.as_deref() == Some(t.address.as_str()))
    });
    if t.ok || reported || checks.phase != RunPhase::Running {
        return PathLine::new(PathKind::Target, target_line(t, false));
    }
    let text = format!("{}  … checking", target_route(t));
    PathLine::new(PathKind::Target, text)
}

/// The path lines, unwrapped.
pub(super) fn path_lines(checks: &ChecksState) -> Vec<PathLine> {
    let planned = planned(checks);
    let f = &checks.report().federation;
    let Some(step) = f.step else {
        return planned
            .map(|(ep, sni)| {
                let text = format!(
                    "expected: step {} → {}",
                    ep.step,
                    route(&ep, sni.as_deref())
                );
                vec![PathLine::new(PathKind::Expected, text)]
            })
            .unwrap_or_default();
    };
    let mut out = Vec::new();
    let mut as_planned = !f.targets.is_empty() && !f.no_service;
    if let Some((ep, _)) = &planned
        && step.as_str() != ep.step
    {
        as_planned = false;
        let text = format!(
            "≠ your plan expects step {} → {}:{}",
            ep.step, ep.connect_host, ep.port
        );
        out.push(PathLine::new(PathKind::Differs, text));
    }
    if f.no_service {
        out.push(PathLine::new(PathKind::Broken, NO_SERVICE_LINE));
    }
    for t in &f.targets {
        out.push(target(checks, t));
        if let Some((ep, sni)) = &planned {
            let diff = differences(t, ep, sni.as_deref());
            if !diff.is_empty() {
                as_planned = false;
                let text = format!("  ≠ planned {}", diff.join(" · "));
                out.push(PathLine::new(PathKind::Differs, text));
            }
        }
    }
    for u in &f.unresolved {
        as_planned = false;
        out.push(PathLine::new(PathKind::Broken, unresolved_line(u)));
    }
    if let Some(line) = not_probed_line(checks.report()) {
        out.push(PathLine::new(PathKind::NotProbed, line));
    }
    if let Some((ep, _)) = &planned
        && as_planned
    {
        let text = format!(
            "✔ as planned: step {}, Host, SNI and certificate name",
            ep.step
        );
        out.push(PathLine::new(PathKind::Matches, text));
    }
    out.extend(peer_lines(checks));
    out
}

/// The report's "How peers see you" block (nothing before the peer models
/// ran): its heading, then one line per peer.
fn peer_lines(checks: &ChecksState) -> Vec<PathLine> {
    let lines = crate::report::peers::lines(checks.report());
    if lines.is_empty() {
        return Vec::new();
    }
    let heading = format!("{}:", crate::report::peers::HEADING);
    std::iter::once(PathLine::new(PathKind::PeersHeading, heading))
        .chain(lines.into_iter().map(|l| {
            let kind = if l.status == Status::Pass {
                PathKind::PeerWorks
            } else {
                PathKind::PeerFails
            };
            PathLine::new(kind, format!("{} {}", l.status.glyph(), l.text))
        }))
        .collect()
}

/// [`path_lines`] wrapped to `width` after `indent`.
pub(super) fn wrapped(checks: &ChecksState, width: usize, indent: &str) -> Vec<(String, PathKind)> {
    path_lines(checks)
        .into_iter()
        .flat_map(|l| {
            wrap_prose(&format!("{indent}{}", l.text), width)
                .into_iter()
                .map(move |piece| (piece, l.kind))
        })
        .collect()
}
