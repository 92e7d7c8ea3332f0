//! What every check produces, and the events a run streams. Shared by the
//! checks, the text and JSON reports and the TUI panels.

use std::net::IpAddr;
use std::time::Duration;

use serde::Serialize;

pub use crate::finding::{Evidence, Status};

/// Stable check ids. Scripts depend on them: new checks
/// get new ids, ids are never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum CheckId {
    #[serde(rename = "dns.server-name")]
    DnsServerName,
    #[serde(rename = "dns.delegated-host")]
    DnsDelegatedHost,
    #[serde(rename = "dns.srv")]
    DnsSrv,
    #[serde(rename = "server.well-known")]
    ServerWellKnown,
    #[serde(rename = "server.resolution")]
    ServerResolution,
    #[serde(rename = "server.tls")]
    ServerTls,
    #[serde(rename = "server.version")]
    ServerVersion,
    #[serde(rename = "server.keys")]
    ServerKeys,
    #[serde(rename = "server.routing")]
    ServerRouting,
    #[serde(rename = "server.consistency")]
    ServerConsistency,
    #[serde(rename = "server.peers")]
    ServerPeers,
    #[serde(rename = "client.well-known")]
    ClientWellKnown,
    #[serde(rename = "client.cors")]
    ClientCors,
    #[serde(rename = "client.versions")]
    ClientVersions,
    #[serde(rename = "support.well-known")]
    SupportWellKnown,
    #[serde(rename = "cache.well-known")]
    CacheWellKnown,
}

impl CheckId {
    pub const ALL: [CheckId; 16] = [
        CheckId::DnsServerName,
        CheckId::DnsDelegatedHost,
        CheckId::DnsSrv,
        CheckId::ServerWellKnown,
        CheckId::ServerResolution,
        CheckId::ServerTls,
        CheckId::ServerVersion,
        CheckId::ServerKeys,
        CheckId::ServerRouting,
        CheckId::ServerConsistency,
        CheckId::ServerPeers,
        CheckId::ClientWellKnown,
        CheckId::ClientCors,
        CheckId::ClientVersions,
        CheckId::SupportWellKnown,
        CheckId::CacheWellKnown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::DnsServerName => "dns.server-name",
            CheckId::DnsDelegatedHost => "dns.delegated-host",
            CheckId::DnsSrv => "dns.srv",
            CheckId::ServerWellKnown => "server.well-known",
            CheckId::ServerResolution => "server.resolution",
            CheckId::ServerTls => "server.tls",
            CheckId::ServerVersion => "server.version",
            CheckId::ServerKeys => "server.keys",
            CheckId::ServerRouting => "server.routing",
            CheckId::ServerConsistency => "server.consistency",
            CheckId::ServerPeers => "server.peers",
            CheckId::ClientWellKnown => "client.well-known",
            CheckId::ClientCors => "client.cors",
            CheckId::ClientVersions => "client.versions",
            CheckId::SupportWellKnown => "support.well-known",
            CheckId::CacheWellKnown => "cache.well-known",
        }
    }

    /// The check's place in report order (the order of [`CheckId::ALL`]).
    pub fn order(self) -> usize {
        self as usize
    }

    /// The panel a check is shown in.
    pub fn panel(self) -> Panel {
        match self {
            CheckId::DnsServerName | CheckId::DnsDelegatedHost | CheckId::DnsSrv => Panel::Dns,
            CheckId::ServerWellKnown
            | CheckId::ServerResolution
            | CheckId::ServerTls
            | CheckId::ServerVersion
            | CheckId::ServerKeys
            | CheckId::ServerRouting
            | CheckId::ServerConsistency
            | CheckId::ServerPeers => Panel::Server,
            CheckId::ClientWellKnown | CheckId::ClientCors | CheckId::ClientVersions => {
                Panel::Client
            }
            CheckId::SupportWellKnown => Panel::Support,
            CheckId::CacheWellKnown => Panel::Caching,
        }
    }
}

/// The report's panels, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Panel {
    Dns,
    Server,
    Client,
    Support,
    Caching,
}

impl Panel {
    pub fn title(self) -> &'static str {
        match self {
            Panel::Dns => "DNS",
            Panel::Server => "Server discovery",
            Panel::Client => "Client discovery",
            Panel::Support => "Support",
            Panel::Caching => "Caching",
        }
    }
}

/// The result of one check (for one target, where a check runs per address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    pub id: CheckId,
    pub status: Status,
    /// `IP:PORT` (or a name) for per-address results.
    pub target: Option<String>,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    /// What to change, worded for the operator's strategy and proxy when known.
    pub remedy: Option<String>,
    /// The spec section this rule comes from.
    pub spec: Option<String>,
    #[serde(rename = "duration_ms", serialize_with = "as_millis")]
    pub duration: Duration,
    /// DNS checks only: a resolver still serves an outdated (cached) answer,
    /// which expires in this many seconds (the longest such wait the check
    /// saw). Absent in JSON when nothing is waiting to expire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_expires_in_s: Option<u64>,
    /// What went wrong, typed, where another check's failure may follow
    /// from it ([`crate::check::causality`] reads it; never rendered).
    #[serde(skip)]
    pub fault: Option<Fault>,
    /// The check whose failure this one follows from (set by
    /// [`crate::check::causality::attribute`]); such a result carries no
    /// remedy of its own. In JSON: the cause's id, or `null`.
    #[serde(serialize_with = "cause_id")]
    pub caused_by: Option<Cause>,
    /// The remedy this result had before a cause was found for it, so that
    /// attributing again (after more results arrive) starts from it.
    #[serde(skip)]
    pub own_remedy: Option<String>,
}

/// What a check found wrong, as data, for the checks whose failure other
/// checks depend on. Decided by the verdicts from observations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `server.tls`: `host:port` presents a certificate peers refuse
    /// (expired, for another name, or from an untrusted issuer).
    Certificate { host: String, port: u16 },
    /// `server.tls`: nothing usable answers at this address (refused, reset,
    /// timeout, a handshake that fails). `fallback`: the address comes from
    /// spec steps 4–6, taken because the server file was unusable.
    Unreachable {
        host: String,
        port: u16,
        fallback: bool,
    },
    /// `dns.*`: the resolver still serves addresses the authoritative
    /// servers no longer list (a change is spreading).
    /// Each outdated address comes with the name it is still served for
    /// (a request to that name from here may go there).
    DnsSpreading { outdated: Vec<(IpAddr, String)> },
    /// `dns.*` (the name that produced them) or `server.resolution` (an IP
    /// literal): federation would use these addresses, which peers refuse
    /// (private, loopback, link-local, ...).
    RefusedAddresses {
        addresses: Vec<(IpAddr, crate::matrix::peers::Refusal)>,
    },
    /// A request was not sent: these addresses are refused by the rule on
    /// private addresses, so no connection was opened (a `RefusedAddress`
    /// observation). Follows from the check whose `RefusedAddresses` names
    /// them.
    NotConnected { addresses: Vec<IpAddr> },
    /// `dns.*`: these names have no address at all.
    NoAddress { names: Vec<String> },
    /// `server.resolution`: the path leads to these hosts, none with an
    /// address.
    HostsWithoutAddress { hosts: Vec<String> },
    /// A request to `host:port` got no HTTP answer at all (the name did not
    /// resolve, the connection or TLS failed), so nothing about the answer
    /// could be judged.
    Unanswered { host: String, port: u16 },
    /// `host:port` answered `/_matrix/` itself (an HTML page or another
    /// non-Matrix answer): the path is not routed to the homeserver.
    NotRouted { host: String, port: u16 },
    /// `client.cors`: every problem is on the client API at `host:port`,
    /// which does not work at all (see `client.versions`).
    FollowsApi { host: String, port: u16 },
    /// `client.well-known`: the file is fine, but the client API at its
    /// base URL is unusable (the verdict FAIL_ERROR of step 3.5.2).
    ClientApiUnusable,
    /// `server.peers`: some modelled peers fail. `like_spec`: the spec path
    /// fails too, and every failing peer took the spec's step, so their
    /// failure is the spec path's (already a check of its own).
    PeersFail { like_spec: bool },
}

/// The check a result's failure follows from: its id, its target, and its
/// summary (why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub id: CheckId,
    pub target: Option<String>,
    pub why: String,
}

impl Cause {
    /// `server.tls at 127.0.0.11:443 (the certificate expired 2 day(s) ago)`.
    pub fn describe(&self) -> String {
        match &self.target {
            Some(t) => format!("{} at {t} ({})", self.id.as_str(), self.why),
            None => format!("{} ({})", self.id.as_str(), self.why),
        }
    }
}

fn cause_id<S: serde::Serializer>(cause: &Option<Cause>, s: S) -> Result<S::Ok, S::Error> {
    match cause {
        Some(c) => s.serialize_str(c.id.as_str()),
        None => s.serialize_none(),
    }
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl CheckResult {
    pub fn new(id: CheckId, status: Status, summary: impl Into<String>) -> CheckResult {
        CheckResult {
            id,
            status,
            target: None,
            summary: summary.into(),
            evidence: Vec::new(),
            remedy: None,
            spec: None,
            duration: Duration::ZERO,
            cache_expires_in_s: None,
            fault: None,
            caused_by: None,
            own_remedy: None,
        }
    }

    /// Records what went wrong, as data (see [`Fault`]).
    pub fn fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn evidence(mut self, asked: impl Into<String>, got: impl Into<String>) -> Self {
        self.evidence.push(Evidence {
            asked: asked.into(),
            got: got.into(),
        });
        self
    }

    pub fn remedy(mut self, remedy: impl Into<String>) -> Self {
        self.remedy = Some(remedy.into());
        self
    }

    pub fn spec(mut self, spec: impl Into<String>) -> Self {
        self.spec = Some(spec.into());
        self
    }

    /// Records that an outdated cached DNS answer expires in `secs`
    /// (keeps the longest wait when called more than once).
    pub fn cache_expires_in(mut self, secs: u64) -> Self {
        self.cache_expires_in_s = Some(self.cache_expires_in_s.map_or(secs, |s| s.max(secs)));
        self
    }

    pub fn took(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }
}

/// Identifies one run; events of an older run are stale and dropped.
pub type RunId = u64;

/// What a running check suite streams to its consumers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckEvent {
    Started {
        run: RunId,
        id: CheckId,
        target: Option<String>,
    },
    Finished {
        run: RunId,
        result: CheckResult,
    },
    /// The whole run is over; `federation` and `client` summarise it.
    Done {
        run: RunId,
    },
    /// Server discovery reached its spec step and targets (sent as soon as
    /// known, before the per-address checks finish).
    Resolved {
        run: RunId,
        path: crate::matrix::discovery::types::FederationPath,
    },
    /// Each modelled implementation's path and whether it reaches the
    /// server (with `server.peers`).
    Peers {
        run: RunId,
        peers: Vec<crate::matrix::peers::PeerSummary>,
    },
    /// Client discovery reached the verdict a client would.
    ClientDiscovered {
        run: RunId,
        verdict: crate::matrix::client_discovery::ClientVerdict,
        base_url: Option<String>,
    },
}

impl CheckEvent {
    pub fn run(&self) -> RunId {
        match self {
            CheckEvent::Started { run, .. }
            | CheckEvent::Finished { run, .. }
            | CheckEvent::Done { run }
            | CheckEvent::Resolved { run, .. }
            | CheckEvent::Peers { run, .. }
            | CheckEvent::ClientDiscovered { run, .. } => *run,
        }
    }
}
