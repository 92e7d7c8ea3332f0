//! What a peer's resolution ends in: the peer, the step it took (spec
//! numbering), the targets with the `Host` header and SNI that peer sends,
//! or the reason it cannot reach the server; and how a peer walks its
//! targets when some of them fail.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use super::addresses::Refusal;
use super::peer::Peer;
use super::retention::Retention;
use crate::finding::Evidence;
use crate::matrix::discovery::Step;

/// Where a peer connects, and what it sends and expects there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerTarget {
    /// The name whose addresses the peer connects to (or the IP literal).
    pub connect_host: String,
    pub port: u16,
    /// The `Host` header this peer sends.
    pub host_header: String,
    /// The SNI this peer sends (`None` for an IP literal).
    pub sni: Option<String>,
    /// The name the certificate must cover for this peer.
    pub cert_name: String,
    /// The addresses this peer would connect to, in its order.
    pub addresses: Vec<IpAddr>,
    /// Addresses the lookup gave that this peer refuses to use.
    pub refused: Vec<(IpAddr, Refusal)>,
    /// Why the lookup gave no address, when it gave none.
    pub lookup_failure: Option<String>,
}

impl PeerTarget {
    pub(super) fn new(
        connect_host: &str,
        port: u16,
        host_header: String,
        sni: Option<String>,
        cert_name: String,
    ) -> PeerTarget {
        PeerTarget {
            connect_host: connect_host.to_string(),
            port,
            host_header,
            sni,
            cert_name,
            addresses: Vec::new(),
            refused: Vec::new(),
            lookup_failure: None,
        }
    }
}

/// One address a peer would try, with what it sends there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerEndpoint {
    pub address: SocketAddr,
    pub host_header: String,
    pub sni: Option<String>,
    pub cert_name: String,
}

/// Why a peer cannot reach the server at all (before any connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerFailure {
    /// `m.server` is taken as given and leads nowhere usable: the request
    /// cannot even be built (a bad port, control characters, a URL that does
    /// not parse).
    UnusableDelegation { m_server: String, why: String },
    /// An SRV lookup gave neither records nor "none" (SERVFAIL, timeout):
    /// this peer gives up instead of going on with the next step.
    SrvLookupFailed { name: String, error: String },
    /// The only SRV record has the target `.`: no service.
    NoService { owner: String },
    /// The server name is an IP literal this peer refuses.
    AddressRefused { ip: IpAddr, refusal: Refusal },
    /// No target has an address this peer would use.
    NoUsableAddress { targets: Vec<Unreached> },
}

/// A target without a usable address, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreached {
    pub host: String,
    pub port: u16,
    pub why: UnreachedWhy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnreachedWhy {
    /// The address lookup failed or was empty (the resolver's words).
    Lookup(String),
    /// Every address found is one this peer refuses.
    Refused(Vec<(IpAddr, Refusal)>),
}

impl fmt::Display for PeerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerFailure::UnusableDelegation { m_server, why } => {
                write!(f, "m.server `{m_server}` is used as given and {why}")
            }
            PeerFailure::SrvLookupFailed { name, error } => {
                write!(
                    f,
                    "the SRV lookup of {name} failed ({error}) and this server gives up"
                )
            }
            PeerFailure::NoService { owner } => {
                write!(
                    f,
                    "{owner} has the single target `.`: no federation service"
                )
            }
            PeerFailure::AddressRefused { ip, refusal } => {
                write!(f, "{ip} is {refusal}, which this server refuses to contact")
            }
            PeerFailure::NoUsableAddress { targets } => {
                let parts: Vec<String> = targets
                    .iter()
                    .map(|t| match &t.why {
                        UnreachedWhy::Lookup(why) => format!("{}: {why}", t.host),
                        UnreachedWhy::Refused(list) => {
                            let ips: Vec<String> =
                                list.iter().map(|(ip, r)| format!("{ip} ({r})")).collect();
                            format!("{}: refused addresses {}", t.host, ips.join(", "))
                        }
                    })
                    .collect();
                write!(f, "no usable address: {}", parts.join("; "))
            }
        }
    }
}

/// How one endpoint answered the runner's federation probes (version and
/// keys) sent with the `Host` header and SNI of that endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointOutcome {
    /// No connection (refused, unreachable, connect timeout): peers go on
    /// with the next address or target.
    Unreachable,
    /// Connected, then TLS, HTTP or the answers failed: the request fails
    /// there and the peer does not try another address.
    Failed,
    /// TLS, version and keys all worked.
    Works,
}

/// Whether a peer reaches the server, given the probe outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerVerdict {
    /// The endpoint the peer would end up using.
    Works(PeerEndpoint),
    /// The first endpoint that accepted a connection failed after it.
    FailsAt(PeerEndpoint),
    /// No endpoint accepted a connection (or there was none).
    Unreachable,
    /// The resolution itself failed.
    Failed(PeerFailure),
}

impl PeerVerdict {
    pub fn works(&self) -> bool {
        matches!(self, PeerVerdict::Works(_))
    }
}

/// One redirect of a peer's well-known fetch: where it pointed, and
/// whether this peer went there (a redirect past its limit, or to plain
/// http when it stays on https, is not followed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Redirect {
    pub to: String,
    pub followed: bool,
}

/// The outcome of one peer's resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerPath {
    pub peer: Peer,
    /// The spec step this peer's path corresponds to (`None` when it failed
    /// before one was decided).
    pub step: Option<Step>,
    /// Where to connect, in this peer's order.
    pub targets: Vec<PeerTarget>,
    pub failure: Option<PeerFailure>,
    /// How long this peer keeps the answer it got now.
    pub retention: Retention,
    /// What was asked and what this peer made of it.
    pub trail: Vec<Evidence>,
    /// The redirects of this peer's well-known fetch, in order.
    pub redirects: Vec<Redirect>,
}

impl PeerPath {
    /// Every `(address, Host, SNI, certificate name)` this peer would try,
    /// in order, without duplicates.
    pub fn endpoints(&self) -> Vec<PeerEndpoint> {
        let mut out: Vec<PeerEndpoint> = Vec::new();
        if self.failure.is_some() {
            return out;
        }
        for t in &self.targets {
            for ip in &t.addresses {
                let e = PeerEndpoint {
                    address: SocketAddr::new(*ip, t.port),
                    host_header: t.host_header.clone(),
                    sni: t.sni.clone(),
                    cert_name: t.cert_name.clone(),
                };
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
        out
    }

    /// The distinct `Host` headers this peer sends (what a proxy rule
    /// matching the header exactly must accept).
    pub fn host_headers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self.endpoints() {
            if !out.contains(&e.host_header) {
                out.push(e.host_header);
            }
        }
        out
    }

    /// Walks the endpoints as the peer does: connection-level failures move
    /// on to the next address (Synapse's `_do_connect` loop over its server
    /// list, hyper's connector over the resolved addresses); the first
    /// endpoint that accepts a connection decides.
    pub fn verdict(&self, outcome: impl Fn(&PeerEndpoint) -> EndpointOutcome) -> PeerVerdict {
        if let Some(f) = &self.failure {
            return PeerVerdict::Failed(f.clone());
        }
        for e in self.endpoints() {
            match outcome(&e) {
                EndpointOutcome::Unreachable => continue,
                EndpointOutcome::Failed => return PeerVerdict::FailsAt(e),
                EndpointOutcome::Works => return PeerVerdict::Works(e),
            }
        }
        PeerVerdict::Unreachable
    }

    /// Turns targets that all ended without a usable address into the
    /// failure that says so.
    pub(super) fn settle(mut self) -> PeerPath {
        if self.failure.is_none()
            && !self.targets.is_empty()
            && self.targets.iter().all(|t| t.addresses.is_empty())
        {
            let targets = self
                .targets
                .iter()
                .map(|t| Unreached {
                    host: t.connect_host.clone(),
                    port: t.port,
                    why: if t.refused.is_empty() {
                        UnreachedWhy::Lookup(
                            t.lookup_failure
                                .clone()
                                .unwrap_or_else(|| "no addresses".into()),
                        )
                    } else {
                        UnreachedWhy::Refused(t.refused.clone())
                    },
                })
                .collect();
            self.failure = Some(PeerFailure::NoUsableAddress { targets });
        }
        self
    }
}

/// One target of [`PeerSummary`]: an endpoint and whether it worked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SummaryTarget {
    pub address: SocketAddr,
    pub host_header: String,
    pub sni: Option<String>,
    pub ok: bool,
}

/// A peer's path with the probe outcomes folded in: the shape of one entry
/// of the report's `federation.peers`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PeerSummary {
    pub peer: &'static str,
    pub basis: &'static str,
    pub ok: bool,
    pub step: Option<&'static str>,
    pub targets: Vec<SummaryTarget>,
    pub failure: Option<String>,
    pub keeps_answer_s: Option<u64>,
    /// The redirects of this peer's well-known fetch (`[]` without any).
    pub redirects: Vec<Redirect>,
}

impl PeerPath {
    /// Folds the probe outcome of each endpoint into the report's entry.
    /// `failure` says why the peer does not work when it does not: the
    /// resolution's failure, or the endpoint where it fails.
    pub fn summary(&self, outcome: impl Fn(&PeerEndpoint) -> EndpointOutcome) -> PeerSummary {
        let verdict = self.verdict(&outcome);
        let failure = match &verdict {
            PeerVerdict::Works(_) => None,
            PeerVerdict::Failed(f) => Some(f.to_string()),
            PeerVerdict::FailsAt(e) => Some(format!(
                "{} (Host {}) accepted the connection and then failed",
                e.address, e.host_header
            )),
            PeerVerdict::Unreachable => Some("no address accepted a connection".into()),
        };
        PeerSummary {
            peer: self.peer.as_str(),
            basis: self.peer.basis(),
            ok: verdict.works(),
            step: self.step.map(Step::as_str),
            targets: self
                .endpoints()
                .into_iter()
                .map(|e| SummaryTarget {
                    ok: outcome(&e) == EndpointOutcome::Works,
                    address: e.address,
                    host_header: e.host_header,
                    sni: e.sni,
                })
                .collect(),
            failure,
            keeps_answer_s: self.retention.keeps_answer_s(),
            redirects: self.redirects.clone(),
        }
    }
}
