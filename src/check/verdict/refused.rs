//! Addresses peers refuse: a private, loopback, link-local, CGNAT or
//! documentation address that federation would use fails the check of
//! what produced it — the `dns.*` check of the name it came from, or
//! `server.resolution` for an IP literal — naming the peers that refuse it
//! and why. The ranges and each peer's policy are
//! [`crate::matrix::peers::AddressPolicy`]'s; this module only words them.
//!
//! Synapse (`http/client.py`, `_IPBlockingResolver`) drops every address of
//! a name when any is in its `DEFAULT_IP_RANGE_BLOCKLIST`, and resolves IP
//! literals through the same resolver; Continuwuity
//! (`federation/execute.rs`, `validate_url`) refuses IPv4 literals in its
//! `ip_range_denylist` and never checks DNS answers — but a private address
//! is unreachable from another network anyway.

use std::net::{IpAddr, SocketAddr};

use super::{add_remedy, worse};
use crate::check::model::{CheckResult, Fault, Status};
use crate::matrix::peers::{AddressPolicy, Peer, PrivateAddresses, Refusal};
use crate::words::and_list;

/// Where the refused addresses came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// The A/AAAA answer for this name.
    Dns(&'a str),
    /// An IP literal (the server name or `m.server`).
    Literal,
}

fn list(refused: &[(IpAddr, Refusal)]) -> String {
    let parts: Vec<String> = refused
        .iter()
        .map(|(ip, kind)| format!("{ip} ({})", kind.as_str()))
        .collect();
    and_list(&parts)
}

/// The peers that refuse `refused`, one evidence line each.
fn peer_lines(
    source: Source<'_>,
    refused: &[(IpAddr, Refusal)],
    mode: PrivateAddresses,
) -> Vec<(String, String)> {
    let shown = list(refused);
    let synapse = match source {
        Source::Dns(name) => format!(
            "drops every address of {name}, since {shown} is in its federation IP blocklist \
             (DEFAULT_IP_RANGE_BLOCKLIST, applied by _IPBlockingResolver in http/client.py): it \
             cannot reach the server at all"
        ),
        Source::Literal => format!(
            "refuses {shown}: its federation agent resolves IP literals through the same \
             blocklisting resolver (DEFAULT_IP_RANGE_BLOCKLIST, http/client.py)"
        ),
    };
    let continuwuity_policy = AddressPolicy::in_context(Peer::Continuwuity, mode);
    let literal_refused: Vec<(IpAddr, Refusal)> = refused
        .iter()
        .filter(|(ip, _)| continuwuity_policy.refuses_literal(*ip).is_some())
        .copied()
        .collect();
    let continuwuity = match source {
        Source::Literal if !literal_refused.is_empty() => format!(
            "refuses the IPv4 literal {} (ip_range_denylist, validate_url in \
             federation/execute.rs)",
            list(&literal_refused)
        ),
        _ => format!(
            "does not check this address, but cannot reach {shown} from another network: such \
             addresses are not routed on the internet"
        ),
    };
    vec![
        ("refused by Synapse".to_string(), synapse),
        ("refused by Continuwuity".to_string(), continuwuity),
    ]
}

/// Fails `r` when some of `ips` (produced by `source`) are addresses peers
/// refuse in the run's setting `mode`; `r` unchanged otherwise.
pub fn apply(
    mut r: CheckResult,
    source: Source<'_>,
    ips: &[IpAddr],
    mode: PrivateAddresses,
) -> CheckResult {
    let refused = mode.refused(ips);
    if refused.is_empty() {
        return r;
    }
    let shown = list(&refused);
    r.status = worse(r.status, Status::Fail);
    r.summary = match source {
        Source::Dns(name) => format!("{name}: {shown}, which peers refuse"),
        Source::Literal => format!("federation would connect to {shown}, which peers refuse"),
    };
    for (asked, got) in peer_lines(source, &refused, mode) {
        r = r.evidence(asked, got);
    }
    let remedy = match source {
        Source::Dns(name) => format!(
            "Publish the public address of {name} in its A/AAAA records (the address other \
             servers reach from the internet, forwarded to {shown} if the homeserver sits \
             behind NAT); a dynamic-DNS client must publish the router's public address, not \
             the machine's. For a lab or staging network, check with --allow-private-addresses."
        ),
        Source::Literal => format!(
            "Delegate to a public address instead of {shown}: best a name with public A/AAAA \
             records (m.server = \"matrix.example.com:443\"). For a lab or staging network, \
             check with --allow-private-addresses."
        ),
    };
    r = add_remedy(r, remedy);
    r.fault(Fault::RefusedAddresses { addresses: refused })
}

/// The hint every result of an address left unasked carries.
pub const ALLOW_HINT: &str = "check with --allow-private-addresses to probe it (a lab or staging \
                              network)";

/// `192.168.1.20 (private)`: the addresses, each with its range as peers
/// name it (the widest list, Synapse's).
fn shown_with_range(addresses: &[SocketAddr]) -> String {
    let parts: Vec<String> = addresses
        .iter()
        .map(|a| match PrivateAddresses::Refused.refusal(a.ip()) {
            Some(kind) => format!("{} ({})", a.ip(), kind.as_str()),
            None => a.ip().to_string(),
        })
        .collect();
    and_list(&parts)
}

/// A per-address check at an address the probe did not connect to, since
/// the run keeps the rule on private addresses (the observation's typed
/// `RefusedAddress`): skipped, not failed — the DNS check of the name that
/// gave the address (or `server.resolution` for an IP literal) already
/// fails with the root cause, and failing here too would count one problem
/// several times. Id, target and evidence are kept.
pub fn not_connected(mut r: CheckResult, addresses: &[SocketAddr]) -> CheckResult {
    r.status = Status::Skipped;
    r.summary = format!(
        "not connected: {} is an address peers refuse (see the DNS check of its name, or \
         server.resolution); --allow-private-addresses probes it",
        shown_with_range(addresses)
    );
    r.fault(Fault::NotConnected {
        addresses: addresses.iter().map(SocketAddr::ip).collect(),
    })
}

/// A request that did not go out because every address of its host is
/// refused by the rule on private addresses, for a check that is not a
/// per-address probe (`client.versions`, ...): it fails, since clients and
/// servers elsewhere cannot reach such an address either; the failure
/// follows from the DNS check that refused the addresses when there is one.
pub fn unreachable_for_peers(
    mut r: CheckResult,
    host: &str,
    addresses: &[SocketAddr],
) -> CheckResult {
    r.status = worse(r.status, Status::Fail);
    r.summary = format!(
        "{host}: not connected: {} is an address peers refuse, which nobody elsewhere can reach",
        shown_with_range(addresses)
    );
    r = add_remedy(
        r,
        format!(
            "Publish the public address of {host} in its A/AAAA records; for a lab or staging \
             network, {ALLOW_HINT}."
        ),
    );
    r.fault(Fault::NotConnected {
        addresses: addresses.iter().map(SocketAddr::ip).collect(),
    })
}

/// Evidence that the resolver asked (the local one: configured, system,
/// or a hosts file) answers refused addresses for `name` that the
/// authoritative servers do not: split horizon, a hosts line or a stale
/// cache. Peers elsewhere see the authoritative answer, which is judged.
pub fn local_only(
    name: &str,
    resolver: &[IpAddr],
    authoritative: &[IpAddr],
    mode: PrivateAddresses,
) -> Option<(String, String)> {
    let local: Vec<(IpAddr, Refusal)> = mode
        .refused(resolver)
        .into_iter()
        .filter(|(ip, _)| !authoritative.contains(ip))
        .collect();
    (!local.is_empty()).then(|| {
        (
            format!("{name} as this machine's resolver sees it"),
            format!(
                "the resolver answers {}, which the authoritative servers do not list (split \
                 horizon, a hosts file or a stale cache): peers elsewhere get the authoritative \
                 answer, and that is what is judged",
                list(&local)
            ),
        )
    })
}
