//! How the peers turn a server name or an `m.server` value into a request
//! URL, and so into the `Host` header, SNI and certificate name they use.
//!
//! Synapse puts the value, unchecked, as the authority of
//! `matrix-federation://<value>/<path>` and reads it back with Python's
//! `urllib.parse.urlparse`; it sends the authority as written as `Host`
//! (`MatrixFederationAgent.request`). Continuwuity and the older resolver
//! build an `https://host:port` URL and let reqwest send it: the `url`
//! crate lower-cases the host and drops the scheme's default port, so
//! `Host` is `host` for port 443 and `host:port` for any other.

use std::net::IpAddr;

/// The host of a parsed `https` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlHost {
    Domain(String),
    Ip(IpAddr),
}

/// What reqwest does with a base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTarget {
    pub host: UrlHost,
    /// The port written in the URL, `None` when it is the default (443).
    pub explicit_port: Option<u16>,
    /// The `Host` header reqwest sends: the URL's authority.
    pub authority: String,
}

impl UrlTarget {
    /// The port the connection goes to when nothing overrides it.
    pub fn port(&self) -> u16 {
        self.explicit_port.unwrap_or(443)
    }

    /// The name in SNI and the certificate (`None` in SNI for an IP).
    pub fn host_text(&self) -> String {
        match &self.host {
            UrlHost::Domain(d) => d.clone(),
            UrlHost::Ip(ip) => ip.to_string(),
        }
    }

    pub fn sni(&self) -> Option<String> {
        match &self.host {
            UrlHost::Domain(d) => Some(d.clone()),
            UrlHost::Ip(_) => None,
        }
    }
}

/// Parses `base` + a federation path as reqwest would (WHATWG URL rules of
/// the `url` crate).
pub fn reqwest_url(base: &str) -> Result<UrlTarget, String> {
    let url = url::Url::parse(&format!("{base}/_matrix/federation/v1/version"))
        .map_err(|e| format!("`{base}` is not a usable URL ({e})"))?;
    let host = match url.host() {
        Some(url::Host::Domain(d)) => UrlHost::Domain(d.to_string()),
        Some(url::Host::Ipv4(ip)) => UrlHost::Ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => UrlHost::Ip(IpAddr::V6(ip)),
        None => return Err(format!("`{base}` has no host")),
    };
    let explicit_port = url.port();
    let host_str = url.host_str().unwrap_or_default();
    let authority = match explicit_port {
        Some(p) => format!("{host_str}:{p}"),
        None => host_str.to_string(),
    };
    Ok(UrlTarget {
        host,
        explicit_port,
        authority,
    })
}

/// What Python's `urlparse` makes of `matrix-federation://<value>/...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyAuthority {
    /// The authority as written: Synapse's `Host` header.
    pub netloc: String,
    /// Lower-cased, brackets removed.
    pub hostname: String,
    /// The port; `None` when absent or empty.
    pub port: Option<u16>,
}

/// Restates `urllib.parse.urlsplit` for the authority and its `hostname`
/// and `port` properties: the authority ends at the first `/`, `?` or `#`;
/// an unbalanced `[`/`]` raises "Invalid IPv6 URL"; a port that is not all
/// ASCII digits, or above 65535, raises. Control characters make the request
/// fail further on (the header cannot be sent), so they are refused here.
pub fn python_authority(value: &str) -> Result<PyAuthority, String> {
    if value.chars().any(|c| c.is_control()) {
        return Err("contains control characters, so the request fails".into());
    }
    let netloc: String = value
        .chars()
        .take_while(|c| !matches!(c, '/' | '?' | '#'))
        .collect();
    if netloc.contains('[') != netloc.contains(']') {
        return Err("is an invalid IPv6 URL authority, so the request fails".into());
    }
    let hostinfo = netloc.rsplit_once('@').map_or(netloc.as_str(), |(_, h)| h);
    let (hostname, port_text) = match hostinfo.split_once('[') {
        Some((_, bracketed)) => {
            let (host, after) = bracketed.split_once(']').unwrap_or((bracketed, ""));
            (host, after.split_once(':').map(|(_, p)| p))
        }
        None => match hostinfo.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostinfo, None),
        },
    };
    let port = match port_text {
        None | Some("") => None,
        Some(p) if p.chars().all(|c| c.is_ascii_digit()) => match p.parse::<u32>() {
            Ok(n) if n <= 65535 => u16::try_from(n).ok(),
            _ => {
                return Err(format!(
                    "has the port `{p}`, out of range, so the request fails"
                ));
            }
        },
        Some(p) => {
            return Err(format!(
                "has the port `{p}`, not a number, so the request fails"
            ));
        }
    };
    if hostname.is_empty() {
        return Err("has no host name, so the request fails".into());
    }
    let hostname = hostname.to_lowercase();
    Ok(PyAuthority {
        netloc,
        hostname,
        // Synapse tests `if port` and `not parsed_uri.port`: port 0 counts as none.
        port: port.filter(|p| *p != 0),
    })
}
