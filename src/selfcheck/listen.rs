//! Where the homeserver listens, from its config file's `[global]`
//! settings as the inspector reports them (environment overrides
//! applied): `address` (one address or a list; default `127.0.0.1` and
//! `::1`), `port` (one port or a list; default 8008), or
//! `unix_socket_path`, which replaces the TCP listeners.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// One place to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Tcp(SocketAddr),
    Unix(String),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Tcp(addr) => write!(f, "{addr}"),
            Endpoint::Unix(path) => write!(f, "unix:{path}"),
        }
    }
}

/// A setting that names no place to listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenError {
    Address(String),
    Port(String),
}

impl std::fmt::Display for ListenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListenError::Address(v) => {
                write!(f, "address = {v} is not an IP address or a list of them")
            }
            ListenError::Port(v) => write!(f, "port = {v} is not a port or a list of ports"),
        }
    }
}

/// The items of a setting: a TOML array's (`["127.0.0.1", "::1"]`,
/// `[8008, 8448]`) or the value alone (`127.0.0.1`, `"::1"`, `8008`).
fn items(value: &str) -> Option<Vec<String>> {
    let value = value.trim();
    if !value.starts_with('[') {
        return Some(vec![value.trim_matches('"').to_string()]);
    }
    let table: toml::Table = toml::from_str(&format!("v = {value}")).ok()?;
    table
        .get("v")?
        .as_array()?
        .iter()
        .map(|item| match item {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Integer(i) => Some(i.to_string()),
            _ => None,
        })
        .collect()
}

/// The places to ask, in order: every address with every port (an
/// unspecified address, which listens on every interface, is asked on
/// loopback), or the UNIX socket alone.
pub fn endpoints(
    address: &str,
    port: &str,
    unix_socket_path: Option<&str>,
) -> Result<Vec<Endpoint>, ListenError> {
    if let Some(path) = unix_socket_path.filter(|p| !p.trim().is_empty()) {
        return Ok(vec![Endpoint::Unix(path.trim_matches('"').to_string())]);
    }
    let addresses: Vec<IpAddr> = items(address)
        .filter(|a| !a.is_empty())
        .and_then(|a| a.iter().map(|s| s.parse().ok()).collect())
        .ok_or_else(|| ListenError::Address(address.to_string()))?;
    let ports: Vec<u16> = items(port)
        .filter(|p| !p.is_empty())
        .and_then(|p| p.iter().map(|s| s.parse().ok()).collect())
        .ok_or_else(|| ListenError::Port(port.to_string()))?;
    let mut out = Vec::new();
    for ip in addresses {
        let ip = match ip {
            IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            other => other,
        };
        for &p in &ports {
            let endpoint = Endpoint::Tcp(SocketAddr::new(ip, p));
            if !out.contains(&endpoint) {
                out.push(endpoint);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(s: &str) -> Endpoint {
        Endpoint::Tcp(s.parse().unwrap())
    }

    #[test]
    fn lists_and_single_values() {
        assert_eq!(
            endpoints("[\"127.0.0.1\", \"::1\"]", "8008", None).unwrap(),
            vec![tcp("127.0.0.1:8008"), tcp("[::1]:8008")]
        );
        assert_eq!(
            endpoints("0.0.0.0", "[8008, 8448]", None).unwrap(),
            vec![tcp("127.0.0.1:8008"), tcp("127.0.0.1:8448")]
        );
        assert_eq!(
            endpoints("\"::\"", "6167", None).unwrap(),
            vec![tcp("[::1]:6167")]
        );
    }

    #[test]
    fn a_unix_socket_replaces_tcp() {
        assert_eq!(
            endpoints("x", "y", Some("/run/continuwuity/continuwuity.sock")).unwrap(),
            vec![Endpoint::Unix("/run/continuwuity/continuwuity.sock".into())]
        );
    }

    #[test]
    fn nonsense_is_refused() {
        assert_eq!(
            endpoints("localhost", "8008", None),
            Err(ListenError::Address("localhost".into()))
        );
        assert_eq!(
            endpoints("127.0.0.1", "[\"a\"]", None),
            Err(ListenError::Port("[\"a\"]".into()))
        );
        assert!(endpoints("[]", "8008", None).is_err());
    }
}
