//! The result of server discovery: the spec step taken and the targets it
//! leads to (address, port, `Host` header, SNI, certificate name).

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

use serde::Serialize;

use crate::domain::ServerName;
use crate::finding::{Evidence, Status};
use crate::matrix::well_known_server::ServerWellKnown;
use crate::observe::{AddressLookup, SrvLookup, SrvRecord};

/// The step of "Resolving server names" that decided where to connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// 1: the server name is an IP literal.
    IpLiteral,
    /// 2: the server name has an explicit port.
    ExplicitPort,
    /// 3.1: `m.server` is an IP literal.
    DelegatedIp,
    /// 3.2: `m.server` is `host:port`.
    DelegatedHostPort,
    /// 3.3: `m.server` has no port; `_matrix-fed._tcp.<host>` SRV.
    DelegatedSrv,
    /// 3.4 (deprecated): `_matrix._tcp.<host>` SRV.
    DelegatedLegacySrv,
    /// 3.5: `m.server` has no port and no SRV: `host:8448`.
    DelegatedDefaultPort,
    /// 4: no valid well-known; `_matrix-fed._tcp.<hostname>` SRV.
    Srv,
    /// 5 (deprecated): `_matrix._tcp.<hostname>` SRV.
    LegacySrv,
    /// 6: nothing else: `<hostname>:8448`.
    DefaultPort,
}

impl Step {
    pub const ALL: [Step; 10] = [
        Step::IpLiteral,
        Step::ExplicitPort,
        Step::DelegatedIp,
        Step::DelegatedHostPort,
        Step::DelegatedSrv,
        Step::DelegatedLegacySrv,
        Step::DelegatedDefaultPort,
        Step::Srv,
        Step::LegacySrv,
        Step::DefaultPort,
    ];

    /// The step number as the JSON report writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::IpLiteral => "1",
            Step::ExplicitPort => "2",
            Step::DelegatedIp => "3.1",
            Step::DelegatedHostPort => "3.2",
            Step::DelegatedSrv => "3.3",
            Step::DelegatedLegacySrv => "3.4",
            Step::DelegatedDefaultPort => "3.5",
            Step::Srv => "4",
            Step::LegacySrv => "5",
            Step::DefaultPort => "6",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::IpLiteral => "the server name is an IP address",
            Step::ExplicitPort => "the server name carries a port",
            Step::DelegatedIp => "m.server is an IP address",
            Step::DelegatedHostPort => "m.server gives host and port",
            Step::DelegatedSrv => "m.server without port, _matrix-fed SRV record of the host",
            Step::DelegatedLegacySrv => {
                "m.server without port, deprecated _matrix SRV record of the host"
            }
            Step::DelegatedDefaultPort => "m.server without port and no SRV record: port 8448",
            Step::Srv => "no valid well-known, _matrix-fed SRV record of the server name",
            Step::LegacySrv => "no valid well-known, deprecated _matrix SRV record",
            Step::DefaultPort => "no well-known, no SRV record: the server name on port 8448",
        }
    }

    /// Steps the spec marks as deprecated.
    pub fn is_deprecated(self) -> bool {
        matches!(self, Step::DelegatedLegacySrv | Step::LegacySrv)
    }

    /// Steps reached through a valid `m.server`.
    pub fn is_delegated(self) -> bool {
        matches!(
            self,
            Step::DelegatedIp
                | Step::DelegatedHostPort
                | Step::DelegatedSrv
                | Step::DelegatedLegacySrv
                | Step::DelegatedDefaultPort
        )
    }

    /// The spec reference for results about this step.
    pub fn spec(self) -> String {
        format!("{}, step {}", super::SPEC, self.as_str())
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where to connect, and what to send and expect there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The name whose A/AAAA records give the addresses (or the IP literal).
    pub connect_host: String,
    pub port: u16,
    /// The `Host` header to send.
    pub host_header: String,
    /// The TLS SNI to send (`None` for IP literals: RFC 6066 forbids it).
    pub sni: Option<String>,
    /// The name the certificate must cover.
    pub cert_name: String,
    /// The SRV record this target came from.
    pub srv: Option<SrvRecord>,
    /// The addresses found (IPv4 first).
    pub addresses: Vec<IpAddr>,
    /// Why there are no addresses.
    pub lookup_failure: Option<String>,
    /// The name is an alias (CNAME). An SRV target must not be one (RFC 2782).
    pub cname: Option<String>,
}

impl Target {
    /// `IP:PORT` for every address.
    pub fn socket_addrs(&self) -> Vec<SocketAddr> {
        self.addresses
            .iter()
            .map(|ip| SocketAddr::new(*ip, self.port))
            .collect()
    }
}

/// Something worth telling about the path (a deprecated step, an SRV target
/// that is a CNAME, a lookup that failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub status: Status,
    pub text: String,
}

/// The outcome of discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub server_name: ServerName,
    pub step: Step,
    /// The well-known file, when step 3 fetched it.
    pub well_known: Option<ServerWellKnown>,
    /// Every SRV lookup made, in order.
    pub srv_lookups: Vec<SrvLookup>,
    /// Every address lookup made, in order.
    pub address_lookups: Vec<AddressLookup>,
    /// Where to connect, in preference order.
    pub targets: Vec<Target>,
    /// The SRV owner whose only record has the target `.`: federation is
    /// declared unavailable and no target is tried.
    pub no_service: Option<String>,
    pub notes: Vec<Note>,
    /// What was asked at each step and what came back.
    pub trail: Vec<Evidence>,
    /// SRV targets and addresses found but beyond the caps, never probed.
    pub not_probed: NotProbed,
    /// This machine's own answers for names whose zone's authoritative
    /// servers answer other addresses (split horizon, a hosts file, a stale
    /// cache). Discovery was given the authoritative answer, which is what
    /// peers elsewhere get; these addresses are named by the DNS checks and
    /// never probed. Filled by whoever drives discovery (the runner).
    pub resolver_answers: Vec<AddressLookup>,
}

/// At most this many SRV targets of one record set are followed, in RFC
/// 2782 order. A peer tries them one after the other until one answers, so
/// beyond the first few a target is only reached when all before it are
/// down; real deployments publish one or two. Eight covers every layout
/// seen in practice with room to spare, and bounds the lookups a hostile
/// zone can cause (500 targets would be 1,000 A/AAAA queries).
pub const MAX_SRV_TARGETS: usize = 8;

/// At most this many addresses of one host are probed (IPv4 first, then
/// IPv6, as found). Peers connect to one address and try the next only on
/// failure; load-balanced and dual-stack hosts have a handful (two A and
/// two AAAA records is typical). Eight covers those; every address beyond
/// would cost four connections and four rows of the report.
pub const MAX_ADDRESSES_PER_HOST: usize = 8;

/// What discovery found but did not probe (beyond [`MAX_SRV_TARGETS`] and
/// [`MAX_ADDRESSES_PER_HOST`]). The report says "N more not probed".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NotProbed {
    /// SRV targets beyond the first [`MAX_SRV_TARGETS`].
    pub srv_targets: usize,
    /// Addresses beyond the first [`MAX_ADDRESSES_PER_HOST`] of their host.
    pub addresses: usize,
}

impl NotProbed {
    /// Nothing was left out.
    pub fn is_none(&self) -> bool {
        self.srv_targets == 0 && self.addresses == 0
    }

    /// "3 more SRV targets and 992 more addresses not probed", or `None`.
    pub fn describe(&self) -> Option<String> {
        if self.is_none() {
            return None;
        }
        let mut parts = Vec::new();
        if self.srv_targets > 0 {
            parts.push(format!(
                "{} more SRV {} (only the first {MAX_SRV_TARGETS} are followed)",
                self.srv_targets,
                if self.srv_targets == 1 {
                    "target"
                } else {
                    "targets"
                }
            ));
        }
        if self.addresses > 0 {
            parts.push(format!(
                "{} more {} (only the first {MAX_ADDRESSES_PER_HOST} of each host are probed)",
                self.addresses,
                if self.addresses == 1 {
                    "address"
                } else {
                    "addresses"
                }
            ));
        }
        Some(format!("{} not probed", parts.join(" and ")))
    }
}

impl Resolution {
    /// A resolution at `step` with nothing observed yet.
    pub fn empty(server_name: ServerName, step: Step) -> Resolution {
        Resolution {
            server_name,
            step,
            well_known: None,
            srv_lookups: Vec::new(),
            address_lookups: Vec::new(),
            targets: Vec::new(),
            no_service: None,
            notes: Vec::new(),
            trail: Vec::new(),
            not_probed: NotProbed::default(),
            resolver_answers: Vec::new(),
        }
    }

    /// Every `(address, target)` to probe, in order, without duplicates.
    pub fn endpoints(&self) -> Vec<(SocketAddr, &Target)> {
        let mut out: Vec<(SocketAddr, &Target)> = Vec::new();
        let mut seen: HashSet<(SocketAddr, &str, &str)> = HashSet::new();
        for target in &self.targets {
            for addr in target.socket_addrs() {
                if seen.insert((addr, &target.host_header, &target.cert_name)) {
                    out.push((addr, target));
                }
            }
        }
        out
    }

    /// The delegated host name from `m.server` (steps 3.x).
    pub fn delegated_host(&self) -> Option<String> {
        self.well_known
            .as_ref()
            .and_then(|wk| wk.m_server())
            .map(ServerName::host_str)
    }

    /// The hosts whose addresses federation uses (delegated host or SRV
    /// targets), when they differ from the server name.
    pub fn target_hosts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for t in &self.targets {
            if !out.contains(&t.connect_host.as_str()) {
                out.push(&t.connect_host);
            }
        }
        out
    }

    /// The worst status among the notes.
    pub fn worst_note(&self) -> Option<Status> {
        self.notes
            .iter()
            .map(|n| n.status)
            .max_by_key(|s| severity(*s))
    }
}

/// One address discovery leads to, as the report and the panels show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathTarget {
    /// `IP:PORT`.
    pub address: SocketAddr,
    pub host_header: String,
    pub sni: Option<String>,
    pub cert_name: String,
}

/// A target host that gave no address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    pub host: String,
    pub port: u16,
    pub why: String,
}

/// The summary of a [`Resolution`]: what the report's `federation` object
/// and the server panel's title show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederationPath {
    pub step: Step,
    pub targets: Vec<PathTarget>,
    pub unresolved: Vec<Unresolved>,
    /// An SRV record said "no service" (target `.`).
    pub no_service: bool,
    /// Found but beyond the caps, not probed.
    pub not_probed: NotProbed,
}

impl Resolution {
    pub fn path(&self) -> FederationPath {
        FederationPath {
            step: self.step,
            targets: self
                .endpoints()
                .into_iter()
                .map(|(address, t)| PathTarget {
                    address,
                    host_header: t.host_header.clone(),
                    sni: t.sni.clone(),
                    cert_name: t.cert_name.clone(),
                })
                .collect(),
            unresolved: self
                .targets
                .iter()
                .filter(|t| t.addresses.is_empty())
                .map(|t| Unresolved {
                    host: t.connect_host.clone(),
                    port: t.port,
                    why: t
                        .lookup_failure
                        .clone()
                        .unwrap_or_else(|| "no addresses".into()),
                })
                .collect(),
            no_service: self.no_service.is_some(),
            not_probed: self.not_probed,
        }
    }
}

/// Orders statuses by how bad they are (pass < skipped < warn < error < fail).
pub fn severity(status: Status) -> u8 {
    match status {
        Status::Pass => 0,
        Status::Skipped => 1,
        Status::Warn => 2,
        Status::Error => 3,
        Status::Fail => 4,
    }
}
