//! The routing probe with every `Host` form a modelled peer sends to an
//! address. The spec's path sends one form (`host:port` at step 3.2, the
//! bare host at 3.3–3.5, …, server-server API, "Resolving server names");
//! Synapse, Continuwuity (resolvematrix) and conduwuit may send another to
//! the same address (`matrix.example.com` for `:443`, `host:8448` at
//! 3.3–3.5: see [`crate::matrix::peers`]). A proxy rule that matches the
//! `Host` header exactly routes one form to the homeserver and answers the
//! others from another site: each form gets the probe, and a form that
//! routes elsewhere fails `server.routing` naming the peers that send it.

use std::net::SocketAddr;

use super::server_routing;
use crate::check::expect::Expectations;
use crate::check::model::{CheckResult, Status};
use crate::finding::Evidence;
use crate::matrix::discovery::Target;
use crate::matrix::peers::{Peer, PeerPath};
use crate::observe::{FetchFailure, HttpObservation, TimeoutPhase};

/// One `Host` form (with its SNI) that modelled peers send to an address,
/// and which of them send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostForm {
    pub host_header: String,
    pub sni: Option<String>,
    /// The certificate name those peers require (what the request's URL
    /// names when it differs from the SNI's absence).
    pub cert_name: String,
    pub peers: Vec<Peer>,
}

impl HostForm {
    /// The target the routing request with this form goes to: `target`
    /// with this form's `Host`, SNI and certificate name.
    pub fn target(&self, target: &Target) -> Target {
        Target {
            host_header: self.host_header.clone(),
            sni: self.sni.clone(),
            cert_name: self.cert_name.clone(),
            ..target.clone()
        }
    }

    fn same_request(&self, target: &Target) -> bool {
        self.host_header == target.host_header && self.sni == target.sni
    }
}

/// The routing probe sent with one more `Host` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFormProbe {
    pub form: HostForm,
    pub obs: HttpObservation,
}

/// The `Host` forms modelled peers send to `addr`: first the peers that
/// send the spec target's own form (the probe the spec path makes), then
/// every other form with its peers, in [`Peer::ALL`] order. Endpoints of
/// the peers at other addresses are not here (`server.peers` probes them).
pub fn host_forms(
    addr: SocketAddr,
    target: &Target,
    paths: &[PeerPath],
) -> (Vec<Peer>, Vec<HostForm>) {
    let mut same: Vec<Peer> = Vec::new();
    let mut others: Vec<HostForm> = Vec::new();
    for path in paths {
        for e in path.endpoints().into_iter().filter(|e| e.address == addr) {
            let form = HostForm {
                host_header: e.host_header,
                sni: e.sni,
                cert_name: e.cert_name,
                peers: vec![path.peer],
            };
            if form.same_request(target) {
                if !same.contains(&path.peer) {
                    same.push(path.peer);
                }
            } else if let Some(known) = others
                .iter_mut()
                .find(|f| f.host_header == form.host_header && f.sni == form.sni)
            {
                if !known.peers.contains(&path.peer) {
                    known.peers.push(path.peer);
                }
            } else {
                others.push(form);
            }
        }
    }
    (same, others)
}

/// Peer names for people: "Synapse", "Continuwuity and conduwuit (…)".
fn titles(peers: &[Peer]) -> String {
    let names: Vec<&str> = peers.iter().map(|p| p.title()).collect();
    match names.as_slice() {
        [] => "no modelled server".into(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn sends(peers: &[Peer]) -> &'static str {
    if peers.len() == 1 { "sends" } else { "send" }
}

/// A failure before any HTTP answer that says nothing about routing: no
/// connection, or TLS refused for this form's SNI. `server.peers` judges
/// those (TLS is part of whether a peer works); the routing verdict does
/// not count them twice.
fn before_routing(obs: &HttpObservation) -> bool {
    matches!(
        obs.error,
        Some(
            FetchFailure::Refused { .. }
                | FetchFailure::Connect { .. }
                | FetchFailure::Tls { .. }
                | FetchFailure::Timeout(TimeoutPhase::Connect)
                | FetchFailure::Dns(_)
                | FetchFailure::Local { .. }
                | FetchFailure::Stopped(_)
                | FetchFailure::InvalidRequest(_)
        )
    )
}

/// How bad a status is for combining the forms' verdicts.
fn rank(s: Status) -> u8 {
    match s {
        Status::Pass | Status::Skipped => 0,
        Status::Warn => 1,
        Status::Fail | Status::Error => 2,
    }
}

/// `server.routing` for one address with every `Host` form peers send
/// there: the spec form's verdict ([`server_routing`]), one evidence row
/// per form naming the peers that send it, and, when another form fares
/// worse than the spec's (a proxy answering it from its default site),
/// that form's verdict with the peers it affects.
pub fn server_routing_forms(
    addr: SocketAddr,
    target: &Target,
    obs: &HttpObservation,
    spec_peers: &[Peer],
    forms: &[HostFormProbe],
    ex: &Expectations,
) -> CheckResult {
    let mut r = server_routing(addr, target, obs, ex);
    let spec_status = r.status;
    let spec_summary = r.summary.clone();
    if forms.is_empty() {
        return r;
    }
    let spec_title = if spec_peers.is_empty() {
        "the spec".to_string()
    } else {
        titles(spec_peers)
    };
    r.evidence.push(Evidence {
        asked: format!(
            "routing probe with Host {} (sent by {spec_title})",
            target.host_header
        ),
        got: format!("{}: {}", r.status.word(), r.summary),
    });
    // The worst form beyond the spec's, if it is worse than the spec's.
    let mut worst: Option<(&HostFormProbe, CheckResult)> = None;
    for probe in forms {
        let who = titles(&probe.form.peers);
        let asked = format!(
            "routing probe with Host {} (sent by {who})",
            probe.form.host_header
        );
        if before_routing(&probe.obs) {
            let why = probe
                .obs
                .error
                .as_ref()
                .map_or_else(String::new, ToString::to_string);
            r.evidence.push(Evidence {
                asked,
                got: format!("not judged here: {why} (see server.peers)"),
            });
            continue;
        }
        let judged = server_routing(addr, &probe.form.target(target), &probe.obs, ex);
        // The same answer as the spec's form is said once, not repeated.
        let got = if judged.status == spec_status && judged.summary == spec_summary {
            format!(
                "{}: the same answer as with Host {}",
                judged.status.word(),
                target.host_header
            )
        } else {
            format!("{}: {}", judged.status.word(), judged.summary)
        };
        r.evidence.push(Evidence { asked, got });
        if judged.status == Status::Error {
            // This machine could not send it: says nothing of the proxy.
            continue;
        }
        let current = worst
            .as_ref()
            .map_or(rank(r.status), |(_, w)| rank(w.status));
        if rank(judged.status) > current {
            worst = Some((probe, judged));
        }
    }
    if let Some((probe, judged)) = worst {
        let form = &probe.form;
        r.status = judged.status;
        r.summary = format!(
            "{} {} Host: {}; your proxy {} it: {} (with Host {} it {})",
            titles(&form.peers),
            sends(&form.peers),
            form.host_header,
            if judged.status == Status::Fail {
                "does not route"
            } else {
                "answers oddly to"
            },
            judged.summary,
            target.host_header,
            if rank(spec_status) == 0 {
                "works"
            } else {
                "fails too"
            },
        );
        let forms: Vec<&str> = std::iter::once(target.host_header.as_str())
            .chain(std::iter::once(form.host_header.as_str()))
            .collect();
        r.remedy = Some(accept_every_form(&target.connect_host, &forms));
    }
    r
}

/// The fix for a proxy that routes one `Host` form and not another: match
/// the host part, whatever port the header carries.
fn accept_every_form(host: &str, forms: &[&str]) -> String {
    let list: Vec<String> = forms.iter().map(|f| format!("`{f}`")).collect();
    format!(
        "Route /_matrix/ on {host} to the homeserver for every Host header form remote servers \
         send: {}. Match the host part of the header, not the whole header (nginx: server_name \
         {host}, not a test of $http_host; Apache: ServerName {host}, not a RewriteCond on \
         %{{HTTP_HOST}}; HAProxy: req.hdr(host),field(1,:); Caddy and \
         Traefik site addresses and Host() match the host part already).",
        list.join(", ")
    )
}
