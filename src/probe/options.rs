//! Network options shared by `check`, the wizard and `demo`: which resolvers to use, which roots to trust, curl-style
//! `--resolve` overrides, the per-request timeout — and, for the simulated
//! internet only, a dial map that sends logical addresses to real ones.
//!
//! The parsers take the exact CLI strings and return messages an operator
//! can act on.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::matrix::peers::PrivateAddresses;

/// Default per-request timeout: long enough for a slow server across the
/// world, short enough that a blackholed address does not stall a run.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Default limit of connections open at once (TLS inspections and HTTPS
/// fetches together). A healthy deployment needs about twenty at its peak
/// (four probes per address for a few addresses, the well-known, client,
/// support and preflight requests), so 64 never slows an honest run; and 64
/// connections plus [`DEFAULT_MAX_DNS_QUERIES`] DNS sockets plus the
/// process's own files stay far below the smallest common open-file limit
/// (256 on macOS, 1024 on Linux).
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;

/// Default limit of connections open at once to one address: the four
/// probes of an address (TLS, version, keys, routing) plus the client API
/// request and its preflight when the client base URL is the same host,
/// with room to spare. A server sees no more from this tool than from one
/// browser.
pub const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS: usize = 8;

/// Default limit of DNS queries in flight at once. A run asks a few dozen
/// names at most (SRV and A/AAAA of each step, the authoritative chain);
/// each query holds a socket while it waits.
pub const DEFAULT_MAX_DNS_QUERIES: usize = 32;

/// How the checks reach the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetOptions {
    /// Use only these resolvers (and never `/etc/hosts`). Empty: the system's.
    pub nameservers: Vec<SocketAddr>,
    /// PEM files with extra trusted roots (`--ca-file`).
    pub ca_files: Vec<PathBuf>,
    /// Extra trusted roots given as PEM text (the simulated internet's CA).
    pub extra_roots_pem: Vec<String>,
    /// Trust only `ca_files` and `extra_roots_pem`, not the system's roots.
    pub ca_only: bool,
    /// curl's `--resolve HOST:PORT:ADDR[,ADDR...]`.
    pub resolve: Vec<ResolveOverride>,
    /// Per request: DNS query, TCP+TLS connect, response headers, body.
    pub timeout: Duration,
    /// Test and demo only: every connection to a logical address listed here
    /// goes to the real address instead (the simulated internet "serves"
    /// 127.0.0.5:443 while really listening on `127.0.0.5:<random>`). What the
    /// checks record and show is always the logical address.
    pub dial_map: HashMap<SocketAddr, SocketAddr>,
    /// Connections (TLS inspections and HTTPS fetches) open at once, over
    /// every run sharing one [`crate::probe::Net`].
    pub max_connections: usize,
    /// Connections open at once to one address.
    pub max_connections_per_address: usize,
    /// DNS queries in flight at once, over every run sharing one `Net`.
    pub max_dns_queries: usize,
    /// Whether private, loopback, link-local and other reserved addresses
    /// fail the checks as peers refuse them (the default), or are fine (a
    /// lab, a staging network, the simulated internet).
    pub private_addresses: PrivateAddresses,
}

impl Default for NetOptions {
    fn default() -> Self {
        NetOptions {
            nameservers: Vec::new(),
            ca_files: Vec::new(),
            extra_roots_pem: Vec::new(),
            ca_only: false,
            resolve: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            dial_map: HashMap::new(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_address: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            max_dns_queries: DEFAULT_MAX_DNS_QUERIES,
            private_addresses: PrivateAddresses::Refused,
        }
    }
}

impl NetOptions {
    /// The limits for `runs` check runs going on at once through one
    /// [`crate::probe::Net`] (several server names checked together): each
    /// run gets the share a run alone has — per address too, since names
    /// hosted on one address (a hosting provider's) are each checked as one
    /// browser would — within `sockets`, the open files this process can
    /// spend on connections and DNS queries. Three quarters of them go to
    /// connections, a quarter to DNS queries (a run has a few DNS queries
    /// waiting for every few connections); each limit is at least what one
    /// run alone has, or all of `sockets` when that is less.
    pub fn share_for_runs(&mut self, runs: usize, sockets: usize) {
        let runs = runs.max(1);
        let for_connections = (sockets / 4 * 3).max(1);
        let for_queries = (sockets / 4).max(1);
        self.max_connections = self
            .max_connections
            .saturating_mul(runs)
            .min(for_connections);
        self.max_dns_queries = self.max_dns_queries.saturating_mul(runs).min(for_queries);
        self.max_connections_per_address = self
            .max_connections_per_address
            .saturating_mul(runs)
            .min(self.max_connections);
    }

    /// The real address to connect to for a logical one.
    pub fn dial(&self, logical: SocketAddr) -> SocketAddr {
        self.dial_map.get(&logical).copied().unwrap_or(logical)
    }

    /// The logical address behind a real one (inverse of [`NetOptions::dial`]).
    pub fn logical(&self, real: SocketAddr) -> SocketAddr {
        self.dial_map
            .iter()
            .find(|(_, r)| **r == real)
            .map(|(l, _)| *l)
            .unwrap_or(real)
    }

    /// The `--resolve` addresses for `host:port`, if an override applies
    /// (curl's meaning: the pair must match; a `*` host matches any name).
    pub fn resolve_override(&self, host: &str, port: u16) -> Option<Vec<SocketAddr>> {
        let host = host.trim_end_matches('.');
        self.resolve
            .iter()
            .find(|o| o.port == port && (o.host == "*" || o.host.eq_ignore_ascii_case(host)))
            .map(|o| {
                o.addrs
                    .iter()
                    .map(|ip| SocketAddr::new(*ip, port))
                    .collect()
            })
    }
}

/// One `--resolve HOST:PORT:ADDR[,ADDR...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOverride {
    pub host: String,
    pub port: u16,
    pub addrs: Vec<IpAddr>,
}

/// Why a network option was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub option: &'static str,
    pub input: String,
    pub message: String,
}

impl OptionError {
    fn new(option: &'static str, input: &str, message: impl Into<String>) -> Self {
        OptionError {
            option,
            input: input.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`: {}", self.option, self.input, self.message)
    }
}

impl std::error::Error for OptionError {}

/// `--nameserver IP[:PORT]`: `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53`,
/// `[2001:db8::53]:5353`. The port defaults to 53.
pub fn parse_nameserver(input: &str) -> Result<SocketAddr, OptionError> {
    const OPT: &str = "--nameserver";
    let text = input.trim();
    if text.is_empty() {
        return Err(OptionError::new(
            OPT,
            input,
            "expected IP[:PORT], e.g. 192.0.2.53 or [2001:db8::53]:5353",
        ));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return nonzero_port(OPT, input, addr);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return inner
            .parse::<IpAddr>()
            .map(|ip| SocketAddr::new(ip, 53))
            .map_err(|_| OptionError::new(OPT, input, format!("`{inner}` is not an IP address")));
    }
    let (host, port) = text.rsplit_once(':').unwrap_or((text, ""));
    if host.parse::<IpAddr>().is_ok() || host.starts_with('[') {
        return Err(OptionError::new(
            OPT,
            input,
            format!("`{port}` is not a port number (1-65535)"),
        ));
    }
    Err(OptionError::new(
        OPT,
        input,
        "a nameserver is given by IP address, not by name (e.g. 192.0.2.53 or [2001:db8::53]:5353)",
    ))
}

fn nonzero_port(
    opt: &'static str,
    input: &str,
    addr: SocketAddr,
) -> Result<SocketAddr, OptionError> {
    if addr.port() == 0 {
        Err(OptionError::new(
            opt,
            input,
            "port 0 is not a usable port (1-65535)",
        ))
    } else {
        Ok(addr)
    }
}

/// `--resolve HOST:PORT:ADDR[,ADDR...]` with curl's meaning: connections to
/// HOST on PORT go to ADDR instead of what DNS says. ADDR may be an IPv6
/// address, bracketed (`[2001:db8::1]`) or bare. HOST may be `*`.
pub fn parse_resolve(input: &str) -> Result<ResolveOverride, OptionError> {
    const OPT: &str = "--resolve";
    let usage = "expected HOST:PORT:ADDR, e.g. matrix.example.com:443:192.0.2.10";
    let text = input.trim();
    // curl's `+` prefix (a timeout-less entry) means nothing different here.
    let text = text.strip_prefix('+').unwrap_or(text);
    let mut parts = text.splitn(3, ':');
    let host = parts.next().unwrap_or("");
    let (Some(port_text), Some(addr_text)) = (parts.next(), parts.next()) else {
        return Err(OptionError::new(OPT, input, usage));
    };
    if host.is_empty() {
        return Err(OptionError::new(
            OPT,
            input,
            format!("the host is empty; {usage}"),
        ));
    }
    if host != "*"
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
    {
        return Err(OptionError::new(
            OPT,
            input,
            format!("`{host}` is not a host name (letters, digits, `-` and `.` only)"),
        ));
    }
    let port = match port_text.parse::<u16>() {
        Ok(p) if p > 0 => p,
        _ => {
            return Err(OptionError::new(
                OPT,
                input,
                format!("`{port_text}` is not a port number (1-65535)"),
            ));
        }
    };
    if addr_text.is_empty() {
        return Err(OptionError::new(
            OPT,
            input,
            format!("no address given; {usage}"),
        ));
    }
    let mut addrs = Vec::new();
    for one in addr_text.split(',') {
        let bare = one
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(one);
        match bare.parse::<IpAddr>() {
            Ok(ip) => addrs.push(ip),
            Err(_) => {
                return Err(OptionError::new(
                    OPT,
                    input,
                    format!("`{one}` is not an IP address (write IPv6 as [2001:db8::1])"),
                ));
            }
        }
    }
    Ok(ResolveOverride {
        host: host.trim_end_matches('.').to_ascii_lowercase(),
        port,
        addrs,
    })
}

/// `--timeout SECS`: a positive number of seconds, fractions allowed, at most an hour.
pub fn parse_timeout(input: &str) -> Result<Duration, OptionError> {
    const OPT: &str = "--timeout";
    let text = input.trim();
    let secs: f64 = text
        .parse()
        .map_err(|_| OptionError::new(OPT, input, "expected a number of seconds, e.g. 5 or 0.5"))?;
    if !secs.is_finite() || secs <= 0.0 {
        return Err(OptionError::new(
            OPT,
            input,
            "the timeout must be more than 0 seconds",
        ));
    }
    if secs > 3600.0 {
        return Err(OptionError::new(
            OPT,
            input,
            "the timeout must be at most 3600 seconds",
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nameserver_forms() {
        assert_eq!(
            parse_nameserver("192.0.2.53").unwrap(),
            "192.0.2.53:53".parse().unwrap()
        );
        assert_eq!(
            parse_nameserver("192.0.2.53:5353").unwrap(),
            "192.0.2.53:5353".parse().unwrap()
        );
        assert_eq!(
            parse_nameserver("2001:db8::53").unwrap(),
            "[2001:db8::53]:53".parse().unwrap()
        );
        assert_eq!(
            parse_nameserver("[2001:db8::53]").unwrap(),
            "[2001:db8::53]:53".parse().unwrap()
        );
        assert_eq!(
            parse_nameserver("[2001:db8::53]:5353").unwrap(),
            "[2001:db8::53]:5353".parse().unwrap()
        );
    }

    #[test]
    fn nameserver_errors_say_why() {
        let e = parse_nameserver("dns.example.com").unwrap_err();
        assert!(e.message.contains("by IP address"), "{e}");
        let e = parse_nameserver("192.0.2.53:99999").unwrap_err();
        assert!(e.message.contains("`99999` is not a port"), "{e}");
        let e = parse_nameserver("192.0.2.53:0").unwrap_err();
        assert!(e.message.contains("port 0"), "{e}");
        let e = parse_nameserver("").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--nameserver ``: expected IP[:PORT]"),
            "{e}"
        );
    }

    #[test]
    fn timeout_forms_and_errors() {
        assert_eq!(parse_timeout("5").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_timeout("0.25").unwrap(), Duration::from_millis(250));
        assert!(
            parse_timeout("0")
                .unwrap_err()
                .message
                .contains("more than 0")
        );
        assert!(
            parse_timeout("-1")
                .unwrap_err()
                .message
                .contains("more than 0")
        );
        assert!(
            parse_timeout("abc")
                .unwrap_err()
                .message
                .contains("number of seconds")
        );
        assert!(
            parse_timeout("inf")
                .unwrap_err()
                .message
                .contains("more than 0")
        );
        assert!(
            parse_timeout("7200")
                .unwrap_err()
                .message
                .contains("at most 3600")
        );
    }

    #[test]
    fn override_lookup_matches_host_and_port() {
        let opts = NetOptions {
            resolve: vec![parse_resolve("Matrix.Example.com:443:192.0.2.10").unwrap()],
            ..NetOptions::default()
        };
        assert_eq!(
            opts.resolve_override("matrix.example.com", 443),
            Some(vec!["192.0.2.10:443".parse().unwrap()])
        );
        assert_eq!(
            opts.resolve_override("matrix.example.com.", 443)
                .map(|v| v.len()),
            Some(1)
        );
        assert_eq!(opts.resolve_override("matrix.example.com", 8448), None);
        assert_eq!(opts.resolve_override("example.com", 443), None);
    }

    #[test]
    fn dial_map_round_trips() {
        let logical: SocketAddr = "127.0.0.5:443".parse().unwrap();
        let real: SocketAddr = "127.0.0.5:40123".parse().unwrap();
        let opts = NetOptions {
            dial_map: HashMap::from([(logical, real)]),
            ..NetOptions::default()
        };
        assert_eq!(opts.dial(logical), real);
        assert_eq!(opts.logical(real), logical);
        let other: SocketAddr = "127.0.0.6:443".parse().unwrap();
        assert_eq!(opts.dial(other), other);
    }
}
