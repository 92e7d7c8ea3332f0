//! How each peer implementation resolves a server name and reaches it, next
//! to the spec's path ([`crate::matrix::discovery`], unchanged). Each model
//! restates, from the implementation's own source, what that peer fetches
//! and looks up, the `Host` header and SNI it sends, the addresses it
//! refuses, and how long it keeps its answer. Pure: the runner answers the
//! [`PeerNeed`]s with observations, as for the spec path.
//!
//! | | spec | Synapse 1.163.2 | Continuwuity (resolvematrix 1.4.0) | conduwuit (Continuwuity 0.5.11, tuwunel 1.9.0) |
//! |---|---|---|---|---|
//! | invalid `m.server` | skip to step 4 | used as given: the URL authority (`MatrixFederationAgent.request`); `https://x` → host `https`; bad port, control characters, unbalanced `[` → the request fails | used as given (`resolve_well_known`, `parse_server_name`): `https://x` → URL host `https` | checked (ruma `server_name::validate`) → step 4 |
//! | file accepted | 200, JSON object, valid `m.server` | 200, UTF-8 JSON, `m.server` ASCII string (`_fetch_well_known`) | 200, JSON with string `m.server` | any 2xx (`request_well_known`) |
//! | body cap | — | 50 KiB, larger = temporary failure | 256 KiB (`MAX_WELL_KNOWN_SIZE`) | 8 KiB (`limit_read_text(8192)`; tuwunel 12 KiB) |
//! | redirects | — (`check`: 10, never to http) | 20, https→http followed (Twisted `RedirectAgent`) | 4, https→http followed (`redirect::Policy::limited(4)` in `service/client/mod.rs`) | 4, https→http followed |
//! | SRV records | all, RFC 2782 order | all, priority/weight order (`_sort_server_list`) | first in answer order only (`query_srv_record`) | first in answer order only |
//! | SRV error (SERVFAIL, timeout) | carry on | request fails (`SrvResolver.resolve_service` re-raises) | counts as no record | resolution fails (`handle_resolve_error`) |
//! | `Host` at 1 / 2 | name as written | name as written | URL authority: `ip:port`, `name` for :443 | URL authority |
//! | `Host` at 3.2 | `host:port` | `m.server` as written | `host` for :443, else `host:port` | same |
//! | `Host` at 3.3–3.5 | `host` | `host` | `host:<SRV port>` / `host:8448` (`base_url`) | same |
//! | `Host` at 4–6 | `name` | `name` | `name:<SRV port>` / `name:8448` | same |
//! | addresses used | all | all (both families) | A records if any, else AAAA (`Ipv4thenIpv6`) | same, at most 3 (`MAX_IPS`) |
//! | refused addresses | none | default blocklist (with the mapped, compatible and 6to4 IPv6 forms of its IPv4 ranges) on every DNS answer and literal; one listed address drops all of the name's addresses (`_IPBlockingResolver`) | same list, literal IPv4 URL host only (`validate_url`) | literal IPv4 only (`validate_dest`, `validate_url`) |
//! | keeps its answer | headers, 24 h default, 48 h max, errors ≤ 1 h | headers clamped 5 min–48 h, 24 h ± 10 % default; failures 1 h, 2 min after a valid file; temporary failure keeps the previous answer | 24 h fixed (`cache_ttl` default) | 18–36 h random (`CachedDest::default_expire`) |
//!
//! Sources read (behaviour restated, no code taken): element-hq/synapse
//! v1.157.1+16 at a58ad44e (its `synapse/http/federation/` and
//! `DEFAULT_IP_RANGE_BLOCKLIST` are the same in 1.163.2, the version the
//! test suite runs as an oracle; `synapse/http/federation/*.py`,
//! `synapse/http/client.py`, `synapse/config/server.py`) with Twisted's
//! `RedirectAgent`; continuwuity/resolvematrix v1.3.0 at 1ad83bbf (the
//! oracle runs 1.4.0, with the DNS resolver options Continuwuity gives it);
//! continuwuity/continuwuity at 09073235 (`src/service/client/mod.rs`,
//! `src/service/federation/execute.rs`, `src/core/config/mod.rs`; it has
//! used resolvematrix since v26.6.0) and v0.5.11 at 7003e4a8
//! (`src/service/resolver/`); matrix-construct/tuwunel v1.9.0 at 5b366914
//! for the same older resolver; reqwest 0.13 `redirect.rs` and hyper-util
//! 0.1 `connect/http.rs` (`set_port`) for what the reqwest peers send.
//!
//! A runner drives a [`PeerResolver`] like the spec machine:
//!
//! ```
//! use matrix_delegate::domain::ServerName;
//! use matrix_delegate::matrix::discovery::Input;
//! use matrix_delegate::matrix::peers::{Context, Peer, PeerNeed, PeerProgress, PeerResolver};
//! use matrix_delegate::observe::{AddressLookup, AddressRecord, DnsError, HttpObservation, SrvLookup};
//!
//! let name = ServerName::parse("example.com").unwrap();
//! let mut peer = PeerResolver::new(Peer::Continuwuity, name, Context::default());
//! let path = loop {
//!     let input = match peer.progress() {
//!         PeerProgress::Resolved(path) => break path,
//!         // GET it with the peer's redirect and size rules.
//!         PeerProgress::Need(PeerNeed::WellKnown { url, policy }) => {
//!             assert_eq!(policy.max_redirects, 4);
//!             Input::WellKnown(Box::new(HttpObservation::get(&url).respond(
//!                 200, &[], br#"{"m.server":"matrix.example.com"}"#)))
//!         }
//!         PeerProgress::Need(PeerNeed::Srv { name }) => Input::Srv(SrvLookup {
//!             name, records: Err(DnsError::NxDomain { negative_ttl: None }) }),
//!         PeerProgress::Need(PeerNeed::LegacySrv { name }) => Input::LegacySrv(SrvLookup {
//!             name, records: Err(DnsError::NxDomain { negative_ttl: None }) }),
//!         PeerProgress::Need(PeerNeed::Addresses { hosts }) => Input::Addresses(
//!             hosts.iter().map(|h| AddressLookup {
//!                 name: h.clone(),
//!                 cnames: vec![],
//!                 a: Ok(vec![AddressRecord { ip: "198.51.100.7".parse().unwrap(), ttl: 300 }]),
//!                 aaaa: Ok(vec![]),
//!             }).collect(),
//!         ),
//!     };
//!     peer.feed(input).expect("answers the need");
//! };
//! assert_eq!(path.step.map(|s| s.as_str()), Some("3.5"));
//! // resolvematrix's URL is https://matrix.example.com:8448: so is its Host.
//! assert_eq!(path.endpoints()[0].host_header, "matrix.example.com:8448");
//! assert_eq!(path.retention.keeps_answer_s(), Some(86_400));
//! ```
//!
//! How the runner uses it: for each [`Peer`], a [`PeerResolver`]; each
//! [`PeerNeed`] maps onto the probe calls the spec path makes
//! ([`PeerNeed::as_need`]): SRV and address lookups are the same for every
//! peer (share them); a well-known fetch carries the peer's
//! [`FetchPolicy`] (reuse the spec fetch when
//! [`FetchPolicy::answered_by`] says so, else fetch with that policy).
//! Then probe every [`PeerEndpoint`] (version and keys with its `Host` and
//! SNI) and fold the outcomes with [`PeerPath::verdict`].

mod addresses;
mod answers;
mod conduwuit;
mod continuwuity;
mod fetch;
mod host;
mod path;
mod peer;
mod retention;
mod spec;
mod synapse;
mod targets;

pub use self::addresses::{
    ALWAYS_BLOCKED_BY_SYNAPSE, AddressPolicy, DEFAULT_BLOCKLIST, PrivateAddresses, Range, Refusal,
    embedded_ipv4, in_default_blocklist,
};
pub use self::answers::{Answers, Context, PeerNeed, UnexpectedPeerInput};
pub use self::fetch::{FetchPolicy, redirects};
pub use self::host::{PyAuthority, UrlHost, UrlTarget, python_authority, reqwest_url};
pub use self::path::{
    EndpointOutcome, PeerEndpoint, PeerFailure, PeerPath, PeerSummary, PeerTarget, PeerVerdict,
    Redirect, SummaryTarget, Unreached, UnreachedWhy,
};
pub use self::peer::Peer;
pub use self::retention::{
    FileOutcome, Retention, RetentionRule, parse_imf_fixdate, synapse_header_period,
    twisted_http_date,
};
pub use self::synapse::SynapseFile;

use crate::domain::ServerName;
use crate::matrix::discovery::Input;

/// Each peer's rule for how long it keeps an answer.
pub mod keeps {
    pub use super::retention::{
        CONDUWUIT_MAX_S, CONDUWUIT_MIN_S, CONTINUWUITY_TTL_S, SPEC_DEFAULT_S, SPEC_ERROR_S,
        SPEC_MAX_S, SYNAPSE_DEFAULT_S, SYNAPSE_DOWN_S, SYNAPSE_INVALID_S, SYNAPSE_MAX_S,
        SYNAPSE_MIN_S, conduwuit, continuwuity, spec, synapse, synapse_failure_is_temporary,
    };
}

/// Each peer's reading of the well-known file.
pub mod reads {
    pub use super::conduwuit::read_file as conduwuit;
    pub use super::continuwuity::{ip_with_port, read_file as continuwuity, split_port};
    pub use super::synapse::read_file as synapse;
}

/// Where a peer's resolution stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerProgress {
    Need(PeerNeed),
    Resolved(PeerPath),
}

/// One peer's resolution of one server name.
#[derive(Debug, Clone)]
pub struct PeerResolver {
    peer: Peer,
    name: ServerName,
    context: Context,
    answers: Answers,
}

impl PeerResolver {
    pub fn new(peer: Peer, name: ServerName, context: Context) -> PeerResolver {
        PeerResolver {
            peer,
            name,
            context,
            answers: Answers::default(),
        }
    }

    pub fn peer(&self) -> Peer {
        self.peer
    }

    /// Runs the peer's model on what has been observed so far.
    pub fn progress(&self) -> PeerProgress {
        let run = match self.peer {
            Peer::Spec => spec::resolve,
            Peer::Synapse => synapse::resolve,
            Peer::Continuwuity => continuwuity::resolve,
            Peer::Conduwuit => conduwuit::resolve,
        };
        match run(&self.name, &self.answers, self.context) {
            Ok(path) => PeerProgress::Resolved(path),
            Err(need) => PeerProgress::Need(need),
        }
    }

    /// The pending need, if the resolution is not finished.
    pub fn need(&self) -> Option<PeerNeed> {
        match self.progress() {
            PeerProgress::Need(n) => Some(n),
            PeerProgress::Resolved(_) => None,
        }
    }

    /// Feeds an observation answering the current need; input of another
    /// kind is refused and changes nothing.
    pub fn feed(&mut self, input: Input) -> Result<PeerProgress, UnexpectedPeerInput> {
        let Some(need) = self.need() else {
            return Err(UnexpectedPeerInput {
                needed: None,
                got: answers::input_kind(&input),
            });
        };
        self.answers.add(&need, input)?;
        Ok(self.progress())
    }

    /// Runs the whole resolution with a lookup function (tests, sequential
    /// runners). An answer of the wrong kind counts as a failed lookup.
    pub fn run(
        peer: Peer,
        name: ServerName,
        context: Context,
        mut answer: impl FnMut(&PeerNeed) -> Input,
    ) -> PeerPath {
        let mut resolver = PeerResolver::new(peer, name, context);
        loop {
            match resolver.progress() {
                PeerProgress::Resolved(path) => return path,
                PeerProgress::Need(need) => {
                    let input = answer(&need);
                    if resolver.feed(input).is_err() {
                        let failed = Input::failed(&need.as_need(), "no answer of the right kind");
                        if resolver.feed(failed).is_err() {
                            // Unreachable: built from the need itself. Stop
                            // rather than loop.
                            return PeerPath {
                                peer,
                                step: None,
                                targets: Vec::new(),
                                failure: None,
                                retention: Retention::NOTHING,
                                trail: Vec::new(),
                                redirects: Vec::new(),
                            };
                        }
                    }
                }
            }
        }
    }
}
