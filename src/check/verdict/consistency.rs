//! `server.consistency`: the addresses (IPv4 and IPv6, every SRV target)
//! and copies that should be one homeserver must agree. Servers pick any of
//! them, so one broken or different address breaks federation at random.

use std::net::SocketAddr;

use super::keys::KeysInfo;
use super::version::VersionInfo;
use crate::check::model::{CheckId, CheckResult, Status};
use crate::words::and_list;

/// What one address showed, condensed for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressSummary {
    pub addr: SocketAddr,
    /// TLS, version and keys all passed (warnings allowed).
    pub works: bool,
    /// The first failure, when it does not work.
    pub failure: Option<String>,
    pub version: Option<VersionInfo>,
    pub keys: Option<KeysInfo>,
    /// The routing probe passed.
    pub routing_ok: bool,
    /// No connection could be made at all (refused, TCP timeout,
    /// unreachable): peers go on to the next address of the host.
    pub unreachable: bool,
}

const SPEC: &str = "server-server API, Resolving server names (every resolved address is used)";

/// `server.consistency`.
pub fn server_consistency(entries: &[AddressSummary]) -> CheckResult {
    let new =
        |s: Status, text: String| CheckResult::new(CheckId::ServerConsistency, s, text).spec(SPEC);
    if entries.len() < 2 {
        return new(
            Status::Skipped,
            "one address only: nothing to compare".into(),
        );
    }
    let mut r = new(Status::Pass, String::new());
    for e in entries {
        let got = match (&e.failure, &e.version) {
            (Some(f), _) => format!("fails: {f}"),
            (None, Some(v)) => format!(
                "{}; keys {}",
                v.label(),
                e.keys
                    .as_ref()
                    .map(key_ids)
                    .unwrap_or_else(|| "unknown".into())
            ),
            (None, None) => "works".into(),
        };
        r = r.evidence(e.addr.to_string(), got);
    }
    let (working, broken): (Vec<&AddressSummary>, Vec<&AddressSummary>) =
        entries.iter().partition(|e| e.works);
    let addrs =
        |v: &[&AddressSummary]| and_list(&v.iter().map(|e| e.addr.to_string()).collect::<Vec<_>>());
    if working.is_empty() {
        r.status = Status::Skipped;
        r.summary = "no address works: nothing to compare".into();
        return r;
    }
    // Peers try the next address when a connection cannot be made, so
    // addresses that are merely unreachable only slow them down; an address
    // that answers wrongly ends the request of every peer that picks it.
    if !broken.is_empty() && broken.iter().all(|e| e.unreachable) {
        r.status = Status::Warn;
        r.summary = format!(
            "{} {}, nothing answers on {}: peers fall back to a working address, after a \
             connection attempt that fails (or times out)",
            addrs(&working),
            if working.len() == 1 { "works" } else { "work" },
            addrs(&broken),
        );
        return r.remedy(
            "Make the proxy listen on the dead addresses too, or remove their DNS records, so \
             that peers do not lose time on them (see server.tls for each).",
        );
    }
    if !broken.is_empty() {
        r.status = Status::Fail;
        r.summary = format!(
            "{} {}, {} {} not: servers that pick a broken address cannot reach you",
            addrs(&working),
            if working.len() == 1 { "works" } else { "work" },
            addrs(&broken),
            if broken.len() == 1 { "does" } else { "do" }
        );
        return r.remedy(
            "Servers try the addresses in any order (and often prefer IPv6): fix the broken ones \
             (see server.tls and server.version for each) or remove their DNS records.",
        );
    }
    let names: Vec<Option<&String>> = working
        .iter()
        .map(|e| e.keys.as_ref().and_then(|k| k.server_name.as_ref()))
        .collect();
    if names.windows(2).any(|w| w[0] != w[1]) {
        r.status = Status::Fail;
        r.summary = "the addresses answer for different server names: different homeservers".into();
        return r.remedy("Every address of the delegated host must reach the same homeserver.");
    }
    let keys: Vec<Option<&std::collections::BTreeMap<String, String>>> = working
        .iter()
        .map(|e| e.keys.as_ref().map(|k| &k.verify_keys))
        .collect();
    if keys.windows(2).any(|w| w[0] != w[1]) {
        r.status = Status::Fail;
        r.summary = "the addresses publish different signing keys: two different homeservers (or an old copy) answer".into();
        return r.remedy(
            "Every address must reach the same homeserver instance: check the DNS records and \
             the proxies of each address (an old server or a second instance still answers).",
        );
    }
    let versions: Vec<String> = working
        .iter()
        .map(|e| {
            e.version
                .as_ref()
                .map(VersionInfo::label)
                .unwrap_or_default()
        })
        .collect();
    if versions.windows(2).any(|w| w[0] != w[1]) {
        r.status = Status::Warn;
        r.summary = format!(
            "the addresses answer different server versions: {}",
            versions.join(" / ")
        );
        return r.remedy("Are two different servers behind these addresses? Make them all reach the same homeserver.");
    }
    if entries.iter().any(|e| !e.routing_ok) && entries.iter().any(|e| e.routing_ok) {
        r.status = Status::Warn;
        r.summary = "the routing probe passes on some addresses only: the proxies differ".into();
        return r.remedy("Configure every address's proxy the same way (see server.routing).");
    }
    r.summary = format!(
        "{} addresses agree: {}, same signing keys",
        entries.len(),
        versions.first().cloned().unwrap_or_default()
    );
    r
}

fn key_ids(k: &KeysInfo) -> String {
    k.verify_keys.keys().cloned().collect::<Vec<_>>().join(", ")
}
