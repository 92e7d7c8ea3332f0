//! The Matrix server name, parsed exactly as the spec's grammar says
//! (Matrix spec, Appendices, "Server Name"):
//!
//! ```text
//! server_name = hostname [ ":" port ]        port = 1*5DIGIT (1..65535)
//! hostname    = IPv4address / "[" IPv6address "]" / dns-name
//! dns-name    = 1*255 ( DIGIT / ALPHA / "-" / "." )
//! ```
//!
//! Errors say what is wrong and where; things the grammar allows but that
//! usually mean a slip (upper case, very long names, a trailing dot) are
//! warnings, not errors.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

pub use super::name_warnings::{NameWarning, dns_name_warnings};

/// The host part of a server name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    /// A DNS name, kept exactly as written (server names are case-sensitive).
    Dns(String),
}

impl Host {
    /// Parses a host alone (no port): what the delegated-host field takes.
    pub fn parse(input: &str) -> Result<Host, ServerNameError> {
        let name = ServerName::parse(input)?;
        match name.port {
            None => Ok(name.host),
            Some(_) => {
                let colon = input.rfind(':').unwrap_or(0);
                Err(ServerNameError::new(
                    input,
                    colon,
                    "a host name takes no port here; the port is asked for separately \
                     (--port, or the Federation port field)",
                ))
            }
        }
    }

    pub fn is_ip(&self) -> bool {
        !matches!(self, Host::Dns(_))
    }

    /// The name a TLS certificate must carry for this host, and the SNI to
    /// send (IP literals get no SNI, RFC 6066 section 3).
    pub fn sni(&self) -> Option<&str> {
        match self {
            Host::Dns(name) => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ipv4(ip) => write!(f, "{ip}"),
            Host::Ipv6(ip) => write!(f, "[{ip}]"),
            Host::Dns(name) => f.write_str(name),
        }
    }
}

/// A parsed server name: host plus optional explicit port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServerName {
    pub host: Host,
    pub port: Option<u16>,
    /// The exact text it was parsed from (IPv6 and IPv4 literals may be
    /// written in more than one way; the spec compares names as strings).
    original: String,
}

/// Why a server name was refused, with the character position (0-based, in
/// characters) of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerNameError {
    pub input: String,
    pub position: usize,
    pub message: String,
}

impl ServerNameError {
    fn new(input: &str, byte_pos: usize, message: impl Into<String>) -> Self {
        let position = input
            .char_indices()
            .take_while(|(i, _)| *i < byte_pos)
            .count();
        ServerNameError {
            input: input.to_string(),
            position,
            message: message.into(),
        }
    }
}

impl fmt::Display for ServerNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.input.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{} (at character {})", self.message, self.position + 1)
        }
    }
}

impl std::error::Error for ServerNameError {}

impl ServerName {
    pub fn parse(input: &str) -> Result<ServerName, ServerNameError> {
        check_common_slips(input)?;
        let (host, port_text, port_at) = split_host_port(input)?;
        let host = parse_host(input, host)?;
        let port = match port_text {
            None => None,
            Some(text) => Some(parse_port(input, text, port_at)?),
        };
        Ok(ServerName {
            host,
            port,
            original: input.to_string(),
        })
    }

    /// Builds a server name from parts (used when the tool itself composes one).
    pub fn from_parts(host: Host, port: Option<u16>) -> ServerName {
        let original = match port {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        ServerName {
            host,
            port,
            original,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// The host part as text (IPv6 in brackets), as it appears in `Host:` headers.
    pub fn host_str(&self) -> String {
        self.host.to_string()
    }

    pub fn warnings(&self) -> Vec<NameWarning> {
        let Host::Dns(name) = &self.host else {
            return Vec::new();
        };
        dns_name_warnings(name)
    }
}

impl fmt::Display for ServerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

impl FromStr for ServerName {
    type Err = ServerNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ServerName::parse(s)
    }
}

/// Mistakes people make often enough that they deserve their own words.
fn check_common_slips(input: &str) -> Result<(), ServerNameError> {
    if input.is_empty() {
        return Err(ServerNameError::new(input, 0, "the name is empty"));
    }
    if let Some(pos) = input.find(char::is_whitespace) {
        return Err(ServerNameError::new(
            input,
            pos,
            "contains a space or other white space; a server name is one word like `example.com`",
        ));
    }
    let lower = input.to_ascii_lowercase();
    for scheme in ["https://", "http://"] {
        if lower.starts_with(scheme) {
            let rest = &input[scheme.len()..];
            let bare = rest.split('/').next().unwrap_or(rest);
            return Err(ServerNameError::new(
                input,
                0,
                format!(
                    "`{}` is a URL scheme; the server name is just `{bare}`",
                    &input[..scheme.len()]
                ),
            ));
        }
    }
    if let Some(rest) = input.strip_prefix('@') {
        let server = rest.split_once(':').map(|(_, s)| s).unwrap_or(rest);
        return Err(ServerNameError::new(
            input,
            0,
            format!(
                "that looks like a user ID; the server name is the part after the colon: `{server}`"
            ),
        ));
    }
    if let Some(pos) = input.find('/') {
        let bare = &input[..pos];
        return Err(ServerNameError::new(
            input,
            pos,
            format!("a server name has no path; did you mean `{bare}`?"),
        ));
    }
    Ok(())
}

/// Splits `host[:port]`, handling `[v6]:port`. Returns the byte offset of the port.
fn split_host_port(input: &str) -> Result<(&str, Option<&str>, usize), ServerNameError> {
    if input.starts_with('[') {
        let Some(close) = input.find(']') else {
            return Err(ServerNameError::new(
                input,
                input.len(),
                "an IPv6 address opened with `[` must be closed with `]`",
            ));
        };
        let rest = &input[close + 1..];
        return match rest.strip_prefix(':') {
            Some(port) => Ok((&input[..=close], Some(port), close + 2)),
            None if rest.is_empty() => Ok((input, None, 0)),
            None => Err(ServerNameError::new(
                input,
                close + 1,
                "only `:port` may follow the closing `]`",
            )),
        };
    }
    let colons = input.matches(':').count();
    if colons > 1 {
        return Err(ServerNameError::new(
            input,
            input.find(':').unwrap_or(0),
            format!("an IPv6 address must be written in brackets, like `[{input}]`"),
        ));
    }
    match input.split_once(':') {
        Some((host, port)) => Ok((host, Some(port), host.len() + 1)),
        None => Ok((input, None, 0)),
    }
}

fn parse_host(input: &str, host: &str) -> Result<Host, ServerNameError> {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().map(Host::Ipv6).map_err(|_| {
            ServerNameError::new(input, 1, format!("`{inner}` is not a valid IPv6 address"))
        });
    }
    if host.is_empty() {
        return Err(ServerNameError::new(input, 0, "the host part is empty"));
    }
    if let Some((pos, ch)) = host
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
    {
        let why = match ch {
            '_' => "`_` is not allowed in a server name (only letters, digits, `-` and `.`)"
                .to_string(),
            '*' => "wildcards are not server names".to_string(),
            _ if !ch.is_ascii() => match punycode(host) {
                Some(ascii) => format!(
                    "`{ch}` is not allowed: internationalised names are written in their \
                     punycode form; for `{host}` that is `{ascii}`"
                ),
                None => format!(
                    "`{ch}` is not allowed: internationalised names must be written in their \
                     punycode form (`xn--...`)"
                ),
            },
            _ => format!(
                "`{ch}` is not allowed in a server name (only letters, digits, `-` and `.`)"
            ),
        };
        return Err(ServerNameError::new(input, pos, why));
    }
    if host.len() > 255 {
        return Err(ServerNameError::new(
            input,
            255,
            format!(
                "the host is {} characters long; at most 255 are allowed",
                host.len()
            ),
        ));
    }
    if let Some(ip) = parse_ipv4_like(input, host)? {
        return Ok(Host::Ipv4(ip));
    }
    Ok(Host::Dns(host.to_string()))
}

/// Four all-digit labels are an IPv4 literal attempt (no top-level domain is
/// numeric), so octets over 255 are an error rather than a strange DNS name.
fn parse_ipv4_like(input: &str, host: &str) -> Result<Option<Ipv4Addr>, ServerNameError> {
    let parts: Vec<&str> = host.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if parts.len() != 4 || !parts.iter().all(numeric) {
        return Ok(None);
    }
    let mut octets = [0u8; 4];
    let mut offset = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.len() > 3 {
            return Err(ServerNameError::new(
                input,
                offset,
                format!("`{part}` has more than 3 digits; IPv4 octets are 0 to 255"),
            ));
        }
        let value: u16 = part.parse().unwrap_or(u16::MAX);
        octets[i] = u8::try_from(value).map_err(|_| {
            ServerNameError::new(
                input,
                offset,
                format!("`{part}` is over 255; IPv4 octets are 0 to 255"),
            )
        })?;
        offset += part.len() + 1;
    }
    Ok(Some(Ipv4Addr::from(octets)))
}

fn parse_port(input: &str, text: &str, at: usize) -> Result<u16, ServerNameError> {
    if text.is_empty() {
        return Err(ServerNameError::new(
            input,
            at,
            "nothing after `:`; write a port (1 to 65535) or drop the colon",
        ));
    }
    if let Some((pos, ch)) = text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(ServerNameError::new(
            input,
            at + pos,
            format!("`{ch}` in the port; a port is digits only (1 to 65535)"),
        ));
    }
    if text.len() > 5 {
        return Err(ServerNameError::new(
            input,
            at,
            "the port has more than 5 digits; ports go from 1 to 65535",
        ));
    }
    match text.parse::<u32>() {
        Ok(p @ 1..=65535) => Ok(p as u16),
        _ => Err(ServerNameError::new(
            input,
            at,
            format!("port {text} is out of range; ports go from 1 to 65535"),
        )),
    }
}

#[cfg(test)]
mod tests;

/// The ASCII (punycode) form of an internationalised host name, as DNS
/// and certificates carry it (`bücher.de` → `xn--bcher-kva.de`); `None`
/// when the name is not valid even then.
pub fn punycode(host: &str) -> Option<String> {
    match url::Host::parse(host) {
        Ok(url::Host::Domain(ascii)) if ascii.is_ascii() && ascii != host => Some(ascii),
        _ => None,
    }
}
