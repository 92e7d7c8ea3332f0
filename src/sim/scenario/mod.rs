//! The scenario file format (TOML, `assets/scenarios/*.toml`): DNS zones,
//! HTTPS servers with certificates and routes, homeservers, injected
//! latency, and what a correct resolver should conclude.
//!
//! The format is documented by example in `assets/scenarios/README.md`.

mod addrs;
mod load;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use serde::Deserialize;

pub use super::expect::{Expectation, ExpectedTarget};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The server name to check against this scenario.
    pub server_name: String,
    #[serde(default)]
    pub latency: Latency,
    /// Negative-answer TTL (SOA minimum) of every zone.
    #[serde(default = "default_soa_minimum")]
    pub soa_minimum: u32,
    /// Shorthand for A/AAAA records: `"matrix.example.com" = "127.0.0.11"`
    /// or a list of addresses.
    #[serde(default)]
    pub hosts: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    pub dns: Vec<DnsEntry>,
    #[serde(default, rename = "homeserver")]
    pub homeservers: BTreeMap<String, HomeserverSpec>,
    #[serde(default, rename = "server")]
    pub servers: Vec<ServerSpec>,
    /// Keeps the rule that peers refuse private addresses on: loopback
    /// addresses stand in for public ones, every other refused range
    /// (`192.168.1.20`, `10.0.0.5`, ...) is refused as on the internet.
    /// Off by default, since every address of a scenario is on loopback.
    #[serde(default)]
    pub refuse_private_addresses: bool,
    pub expect: Option<Expectation>,
}

fn default_soa_minimum() -> u32 {
    300
}

fn default_ttl() -> u32 {
    300
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(IpAddr),
    Many(Vec<IpAddr>),
}

impl OneOrMany {
    pub fn addrs(&self) -> Vec<IpAddr> {
        match self {
            OneOrMany::One(ip) => vec![*ip],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// Delays injected into every answer (the benchmark sets these).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    #[serde(default)]
    pub dns_ms: u64,
    #[serde(default)]
    pub http_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsEntry {
    pub name: String,
    #[serde(default = "default_ttl")]
    pub ttl: u32,
    #[serde(default)]
    pub a: Vec<Ipv4Addr>,
    #[serde(default)]
    pub aaaa: Vec<Ipv6Addr>,
    pub cname: Option<String>,
    #[serde(default)]
    pub srv: Vec<SrvSpec>,
    /// NS records: the zone's nameservers (host names). Their A/AAAA
    /// addresses on port 53 reach this simulated DNS server, which then
    /// answers as the zone's authoritative server.
    #[serde(default)]
    pub ns: Vec<String>,
    /// What recursive resolvers still have cached for this name (a DNS
    /// change that has not spread yet): answered to queries with the RD bit
    /// set, while direct non-recursive queries get the real records.
    pub cached: Option<CachedAnswer>,
    /// What the server does for this name instead of answering.
    #[serde(default)]
    pub behaviour: DnsBehaviour,
    /// Query types the behaviour applies to (`["AAAA"]`); empty: all.
    #[serde(default)]
    pub behaviour_types: Vec<String>,
    /// Extra delay for answers about this name.
    #[serde(default)]
    pub delay_ms: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DnsBehaviour {
    /// Answer from the records (no records of the asked type: NODATA).
    #[default]
    Answer,
    Nxdomain,
    Servfail,
    Refused,
    /// Never answer.
    Timeout,
    /// UDP: an empty answer with the TC bit; TCP: the connection is closed.
    Truncated,
}

/// A stale answer resolvers still hold (see [`DnsEntry::cached`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CachedAnswer {
    #[serde(default)]
    pub a: Vec<Ipv4Addr>,
    #[serde(default)]
    pub aaaa: Vec<Ipv6Addr>,
    /// The TTL the resolver still gives (the time left in its cache). Once
    /// that much time has passed since the simulation started, the cache
    /// has expired: recursive queries get the zone's records.
    pub ttl: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrvSpec {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: String,
}

/// A Continuwuity instance that routes can point at.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeserverSpec {
    pub server_name: String,
    /// `[global.well_known] server`; unset: `/.well-known/matrix/server` is 404.
    pub well_known_server: Option<String>,
    /// `[global.well_known] client`; unset: `/.well-known/matrix/client` is 404.
    pub well_known_client: Option<String>,
    pub support_page: Option<String>,
    pub support_role: Option<String>,
    pub support_email: Option<String>,
    pub support_mxid: Option<String>,
    /// `allow_federation`; false: federation endpoints answer 403 M_FORBIDDEN.
    #[serde(default = "default_true")]
    pub federation: bool,
    /// Hours until the served `valid_until_ts` (computed at serve time).
    #[serde(default = "default_key_validity")]
    pub key_validity_hours: i64,
    /// The `ed25519:<version>` key id.
    #[serde(default = "default_key_id")]
    pub key_id: String,
}

fn default_key_validity() -> i64 {
    24 * 7
}

fn default_key_id() -> String {
    "ed25519:sim1".to_string()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// The logical address, e.g. `127.0.0.11:443` or `[::1]:443`.
    pub address: SocketAddr,
    #[serde(default)]
    pub mode: ServerMode,
    #[serde(default)]
    pub proxy: ProxyMode,
    #[serde(default)]
    pub certs: Vec<CertSpec>,
    #[serde(default, rename = "route")]
    pub routes: Vec<RouteSpec>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerMode {
    #[default]
    Serve,
    /// Accepts connections and never says a word.
    Blackhole,
    /// Nothing listens: connections are refused.
    Refuse,
    /// TLS works, then the server answers something that is not HTTP.
    NotHttp,
    /// The routes served over plain HTTP, no TLS (a homeserver's own
    /// listener, or port 80, named by an `http://` base_url).
    PlainHttp,
}

/// Reverse-proxy mistakes in front of the routes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProxyMode {
    #[default]
    None,
    /// nginx `proxy_pass http://127.0.0.1:8008/;` (with a URI): the path is
    /// percent-decoded before it reaches the homeserver.
    DecodePath,
    /// nginx `location /_matrix { proxy_pass http://127.0.0.1:8008/; }`:
    /// everything under `/_matrix` is an HTML 404.
    #[serde(rename = "html-404-matrix")]
    Html404Matrix,
    /// The proxy drops every `Access-Control-*` header.
    StripCors,
    /// The proxy adds `Access-Control-Allow-Origin: *` to every answer,
    /// also to those that carry one already (nginx `add_header ... always`
    /// in front of a homeserver that sends its own): two copies.
    AddCors,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertSpec {
    /// DNS names and IP addresses (an IP becomes an IP SAN).
    pub names: Vec<String>,
    #[serde(default)]
    pub kind: CertKind,
    /// Days until expiry for valid certificates (default 60).
    pub days_left: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertKind {
    /// Signed by the simulation's trusted CA.
    #[default]
    Valid,
    Expired,
    NotYetValid,
    /// Signed by a second CA nobody trusts.
    UnknownCa,
    SelfSigned,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathMatch {
    #[default]
    Exact,
    Prefix,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preflight {
    /// `OPTIONS` gets 204 with the route's headers.
    #[default]
    Ok,
    /// `OPTIONS` gets 405 without any CORS header (nginx serving a file).
    Reject,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// Match the `Host` header's host part (case-insensitive); unset: any.
    pub host: Option<String>,
    /// Match the whole `Host` header, port included, exactly (ASCII case
    /// aside), as a proxy rule written for one form does: `host:443`
    /// does not match `host`. Unset: any.
    #[serde(default)]
    pub host_header: Option<String>,
    pub path: String,
    #[serde(default, rename = "match")]
    pub matching: PathMatch,
    pub status: Option<u16>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body (Content-Type application/json unless `headers` say otherwise).
    pub json: Option<serde_json::Value>,
    /// A text body (Content-Type text/plain unless `headers` say otherwise).
    pub body: Option<String>,
    /// Raw bytes, base64 (for invalid UTF-8 and other binary bodies).
    pub body_base64: Option<String>,
    /// Redirect here (status 301 unless `status` says otherwise).
    pub redirect: Option<String>,
    /// A body of this many bytes, streamed.
    pub huge_body: Option<u64>,
    pub slow_body: Option<SlowBody>,
    /// Serve this homeserver (an id from `[homeserver.<id>]`).
    pub homeserver: Option<String>,
    #[serde(default)]
    pub delay_ms: u64,
    #[serde(default)]
    pub preflight: Preflight,
}

/// `chunk` bytes every `interval_ms`, `total` bytes in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlowBody {
    pub chunk: usize,
    pub interval_ms: u64,
    pub total: usize,
}
