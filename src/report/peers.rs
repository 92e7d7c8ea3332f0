//! The "How peers see you" block shared by the text report, Markdown and
//! the wizard's checks screen: one line per modelled peer (the report's
//! `federation.peers`), saying whether it reaches the server, where it
//! differs from the spec's path and why, and how long it keeps its answer.
//! Pure: it reads the report only.

use super::Report;
use crate::finding::Status;
use crate::matrix::peers::{FetchPolicy, Peer, PeerSummary, SummaryTarget};
use crate::words;

/// The block's heading.
pub const HEADING: &str = "How peers see you";

/// One peer's line: whether it works and the sentence to show. The text
/// carries network values (hosts, failures) as they are: each renderer
/// passes it through its own escaping ([`crate::safe_text`], Markdown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerLine {
    pub status: Status,
    pub text: String,
}

fn peer_of(summary: &PeerSummary) -> Option<Peer> {
    Peer::ALL.into_iter().find(|p| p.as_str() == summary.peer)
}

/// The name shown for a peer; the JSON name when the model is unknown.
fn title(summary: &PeerSummary) -> String {
    match peer_of(summary) {
        Some(Peer::Spec) => "The spec".into(),
        Some(Peer::Conduwuit) => "conduwuit".into(),
        Some(p) => p.title().into(),
        None => summary.peer.into(),
    }
}

/// Two summaries that reach the same endpoints at the same step with the
/// same outcome: nothing to say about the second one.
fn same_path(a: &PeerSummary, b: &PeerSummary) -> bool {
    a.ok == b.ok && a.step == b.step && a.targets == b.targets && a.failure == b.failure
}

/// Why a peer's `Host`/SNI differ from the spec's (the table in
/// `matrix::peers`, rows "`Host` at …").
fn host_why(peer: Option<Peer>) -> &'static str {
    match peer {
        Some(Peer::Synapse) => "m.server as written",
        Some(Peer::Continuwuity | Peer::Conduwuit) => "the URL authority: host:port, no :443",
        _ => "its own Host rule",
    }
}

/// Why a peer uses other addresses than the spec's (row "addresses used").
fn addresses_why(peer: Option<Peer>) -> &'static str {
    match peer {
        Some(Peer::Synapse) => "Synapse refuses blocklisted addresses",
        Some(Peer::Continuwuity) => "A records when there are any, else AAAA",
        Some(Peer::Conduwuit) => "A records first, at most 3",
        _ => "its own address rule",
    }
}

/// Why a peer ends at another step (rows "redirects", "body cap",
/// "invalid `m.server`", "SRV records", "SRV error").
fn step_why(peer: Option<Peer>) -> &'static str {
    match peer {
        Some(Peer::Synapse) => {
            "Synapse: 20 redirects, 50 KiB file, m.server used as given, an SRV error fails"
        }
        Some(Peer::Continuwuity) => {
            "resolvematrix: 4 redirects, m.server used as given, first SRV record only"
        }
        Some(Peer::Conduwuit) => "conduwuit: 4 redirects, 8 KiB file, first SRV record only",
        _ => "its own discovery rules",
    }
}

/// The well-known fetch rules of a peer (`matrix::peers` table, row
/// "redirects"); the spec's are `check`'s own.
fn fetch_policy(peer: Option<Peer>) -> FetchPolicy {
    match peer {
        Some(Peer::Synapse) => FetchPolicy::SYNAPSE,
        Some(Peer::Continuwuity) => FetchPolicy::CONTINUWUITY,
        Some(Peer::Conduwuit) => FetchPolicy::CONDUWUIT,
        _ => FetchPolicy::CHECK,
    }
}

/// The rule that makes `policy` follow or not follow a redirect to `to`,
/// worded after a subject ("Synapse follows redirects to plain http").
fn redirect_rule(policy: FetchPolicy, to: &str, followed: bool) -> String {
    let plain = to.starts_with("http://");
    match followed {
        true if plain => "follows redirects to plain http".into(),
        true => format!("follows up to {} redirects", policy.max_redirects),
        false if plain && !policy.follows_https_to_http => "stays on https".into(),
        false => format!("stops after {} redirects", policy.max_redirects),
    }
}

/// The first redirect of the well-known fetch that `peer` and the spec's
/// path treat differently: what the peer does, and both rules.
fn redirect_difference(spec: &PeerSummary, peer: &PeerSummary) -> Option<(String, String)> {
    let who = peer_of(peer);
    let at = peer
        .redirects
        .iter()
        .zip(&spec.redirects)
        .find(|(p, s)| p.to == s.to && p.followed != s.followed)
        .map(|(p, _)| p)?;
    let what = if at.followed {
        format!("follows the redirect to {}", at.to)
    } else {
        format!("does not follow the redirect to {}", at.to)
    };
    let why = format!(
        "{} {}; the spec's path {}",
        title(peer),
        redirect_rule(fetch_policy(who), &at.to, at.followed),
        redirect_rule(FetchPolicy::CHECK, &at.to, !at.followed)
    );
    Some((what, why))
}

fn endpoint(t: &SummaryTarget) -> String {
    let sni = t.sni.clone().unwrap_or_else(|| "none".into());
    format!("{} (Host {}, SNI {sni})", t.address, t.host_header.clone())
}

fn keeps(summary: &PeerSummary) -> String {
    match summary.keeps_answer_s {
        Some(s) => format!("keeps its answer {}", words::duration(s)),
        // A temporary failure: Synapse keeps the answer it had.
        None => "keeps its previous answer".into(),
    }
}

fn outcome(summary: &PeerSummary) -> String {
    if summary.ok {
        return "works".into();
    }
    match &summary.failure {
        Some(why) => format!("fails: {why}"),
        None => "fails".into(),
    }
}

/// Where `peer` differs from `spec`, each with its reason.
fn differences(spec: &PeerSummary, peer: &PeerSummary) -> Vec<String> {
    let who = peer_of(peer);
    let mut out = Vec::new();
    let redirect = redirect_difference(spec, peer);
    if peer.step != spec.step {
        let shown: Vec<String> = peer.targets.iter().map(endpoint).collect();
        let to = if shown.is_empty() {
            String::new()
        } else {
            format!(" → {}", words::and_list(&shown))
        };
        // A redirect one follows and the other does not is the reason.
        let why = match &redirect {
            Some((what, why)) => format!(": it {what} ({why})"),
            None => format!(" ({})", step_why(who)),
        };
        out.push(format!(
            "step {}{to} where the spec has {}{why}",
            peer.step.unwrap_or("none"),
            spec.step.unwrap_or("none"),
        ));
    } else if let Some((what, why)) = redirect {
        out.push(format!("{what} ({why})"));
    }
    let addresses = |s: &PeerSummary| -> Vec<std::net::SocketAddr> {
        let mut v: Vec<_> = s.targets.iter().map(|t| t.address).collect();
        v.sort();
        v.dedup();
        v
    };
    let routes_differ = peer.step == spec.step
        && peer.targets.iter().any(|t| {
            spec.targets
                .iter()
                .find(|s| s.address == t.address)
                .is_some_and(|s| s.host_header != t.host_header || s.sni != t.sni)
        });
    if routes_differ {
        let mut shown: Vec<String> = Vec::new();
        for t in &peer.targets {
            let spec_sni = spec
                .targets
                .iter()
                .find(|s| s.address == t.address)
                .map(|s| &s.sni);
            let mut form = format!("Host {}", t.host_header.clone());
            if spec_sni.is_some_and(|s| *s != t.sni) {
                let sni = t.sni.clone().unwrap_or_else(|| "none".into());
                form.push_str(&format!(", SNI {sni}"));
            }
            if !shown.contains(&form) {
                shown.push(form);
            }
        }
        out.push(format!(
            "sends {} ({})",
            words::and_list(&shown),
            host_why(who)
        ));
    }
    if peer.step == spec.step && addresses(peer) != addresses(spec) && !peer.targets.is_empty() {
        let shown: Vec<String> = addresses(peer).iter().map(|a| a.to_string()).collect();
        out.push(format!(
            "uses {} only ({})",
            words::and_list(&shown),
            addresses_why(who)
        ));
    }
    if peer.ok != spec.ok && out.is_empty() {
        out.push(if peer.ok {
            "works where the spec's path does not".into()
        } else {
            "fails where the spec's path works".into()
        });
    }
    out
}

/// The spec's own line: where it goes.
fn spec_line(spec: &PeerSummary) -> String {
    let mut text = format!("{}: ", title(spec));
    if let Some(step) = spec.step {
        let shown: Vec<String> = spec.targets.iter().map(endpoint).collect();
        if shown.is_empty() {
            text.push_str(&format!("step {step}; "));
        } else {
            text.push_str(&format!("step {step} → {}; ", words::and_list(&shown)));
        }
    }
    format!("{text}{}; {}", outcome(spec), keeps(spec))
}

fn peer_line(spec: Option<&PeerSummary>, peer: &PeerSummary, name: &str) -> String {
    let diff = spec.map(|s| differences(s, peer)).unwrap_or_default();
    let how = match (spec, diff.is_empty()) {
        (Some(_), true) if peer.ok => "works, as the spec".to_string(),
        (Some(_), true) => "fails, as the spec".to_string(),
        _ => outcome(peer),
    };
    let mut text = format!("{name}: {how}");
    if !diff.is_empty() {
        text.push_str(&format!("; differs: {}", diff.join("; ")));
    }
    format!("{text}; {}", keeps(peer))
}

/// The block's lines, one per peer: the spec first, then each
/// implementation; conduwuit only where it differs from Continuwuity (it
/// is Continuwuity's older resolver). Empty before the peer models ran.
pub fn lines(report: &Report) -> Vec<PeerLine> {
    let peers = &report.federation.peers;
    let spec = peers.iter().find(|p| peer_of(p) == Some(Peer::Spec));
    let continuwuity = peers
        .iter()
        .find(|p| peer_of(p) == Some(Peer::Continuwuity));
    peers
        .iter()
        .filter(|p| {
            !(peer_of(p) == Some(Peer::Conduwuit) && continuwuity.is_some_and(|c| same_path(c, p)))
        })
        .map(|p| {
            let status = if p.ok { Status::Pass } else { Status::Fail };
            let text = if peer_of(p) == Some(Peer::Spec) {
                spec_line(p)
            } else {
                let conduwuit_too = peer_of(p) == Some(Peer::Continuwuity)
                    && peers
                        .iter()
                        .any(|c| peer_of(c) == Some(Peer::Conduwuit) && same_path(p, c));
                let name = if conduwuit_too {
                    format!("{} (and conduwuit)", title(p))
                } else {
                    title(p)
                };
                peer_line(spec, p, &name)
            };
            PeerLine { status, text }
        })
        .collect()
}
