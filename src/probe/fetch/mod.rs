//! The HTTPS fetcher: one hop at a time (reqwest never follows redirects
//! itself), every hop recorded, loops detected, at most
//! [`MAX_REDIRECTS`] followed, all within a whole-fetch deadline.

mod hop;
pub mod types;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use url::Url;

use self::hop::{HopRequest, exchange, read_body};
use self::types::*;
use super::net::Net;

/// A URL to fetch in one hop: the parsed URL plus what the raw text said.
#[derive(Debug, Clone)]
pub(crate) struct HopTarget {
    pub url: Url,
    /// Host as it goes into TLS and `Host` (IPv6 in brackets).
    pub host: String,
    pub ip: Option<std::net::IpAddr>,
    pub port: u16,
    /// `host[:port]` with the port only when the URL text wrote one.
    pub authority: String,
}

impl HopTarget {
    pub(crate) fn parse(text: &str) -> Result<HopTarget, String> {
        let url = Url::parse(text).map_err(|e| format!("not a URL ({e})"))?;
        HopTarget::from_url(url, Some(text))
    }

    fn from_url(url: Url, raw: Option<&str>) -> Result<HopTarget, String> {
        let (host, ip) = match url.host() {
            Some(url::Host::Domain(d)) => (d.to_string(), None),
            Some(url::Host::Ipv4(ip)) => (ip.to_string(), Some(ip.into())),
            Some(url::Host::Ipv6(ip)) => (format!("[{ip}]"), Some(ip.into())),
            None => return Err("the URL has no host".to_string()),
        };
        let port = url
            .port_or_known_default()
            .ok_or_else(|| "the URL has no port and no default port".to_string())?;
        let explicit = url
            .port()
            .map(|p| p.to_string())
            .or_else(|| raw.and_then(raw_explicit_port));
        let authority = match explicit {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        Ok(HopTarget {
            url,
            host,
            ip,
            port,
            authority,
        })
    }

    /// Identity used for loop detection and "same host" decisions.
    fn key(&self) -> String {
        let mut u = self.url.clone();
        u.set_fragment(None);
        format!("{}|{}", u.as_str(), self.port)
    }

    fn same_endpoint(&self, other: &HopTarget) -> bool {
        self.host.eq_ignore_ascii_case(&other.host) && self.port == other.port
    }
}

/// The port written in a URL's authority even when it is the default one
/// (`https://name:443/` — `Url` normalises it away, but the spec's `Host`
/// header keeps it).
fn raw_explicit_port(raw: &str) -> Option<String> {
    let rest = raw.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (_, port) = authority.rsplit_once(':')?;
    (!port.is_empty() && port.chars().all(|c| c.is_ascii_digit())).then(|| port.to_string())
}

/// `start + d`, saturating far in the future instead of overflowing.
pub(crate) fn later(start: Instant, d: Duration) -> Instant {
    start
        .checked_add(d)
        .or_else(|| start.checked_add(Duration::from_secs(86_400 * 365)))
        .unwrap_or(start)
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

impl Net {
    /// One HTTPS fetch, redirects followed hop by hop when asked.
    pub async fn fetch(&self, request: FetchRequest) -> FetchObservation {
        fetch(self, request).await
    }
}

async fn fetch(net: &Net, req: FetchRequest) -> FetchObservation {
    let started = Instant::now();
    let opts = net.options();
    let budget = req.deadline.unwrap_or(opts.timeout.saturating_mul(2));
    let deadline = later(started, budget);
    let mut obs = FetchObservation {
        method: req.method,
        url: req.url.clone(),
        hops: Vec::new(),
        body: None,
        error: None,
        duration: Duration::ZERO,
    };
    let first = match HopTarget::parse(&req.url) {
        Ok(t) => t,
        Err(detail) => return fail(obs, FetchErrorKind::InvalidUrl, detail, &req.url, started),
    };
    let mut target = first.clone();
    let mut visited = HashSet::new();
    loop {
        if target.url.scheme() != "https" {
            let detail = format!("`{}` is not an https:// URL", target.url.scheme());
            let url = target.url.to_string();
            return fail(obs, FetchErrorKind::NotHttps, detail, &url, started);
        }
        visited.insert(target.key());
        let same = target.same_endpoint(&first);
        let now = Instant::now();
        if now >= deadline {
            let detail = format!("the whole fetch took more than {} ms", budget.as_millis());
            let url = target.url.to_string();
            return fail(
                obs,
                FetchErrorKind::Timeout(TimeoutPhase::Deadline),
                detail,
                &url,
                started,
            );
        }
        let hop_deadline = deadline.min(later(now, opts.timeout));
        let host_header = match (&req.host_header, same) {
            (Some(h), true) => h.clone(),
            _ => target.authority.clone(),
        };
        let hop_req = HopRequest {
            target: &target,
            method: req.method,
            connect_to: if same { req.connect_to } else { None },
            host_header: &host_header,
            headers: &req.headers,
            deadline: hop_deadline,
        };
        let (hop, response) = match exchange(net, hop_req).await {
            Ok(pair) => pair,
            Err(err) => {
                obs.error = Some(err);
                obs.duration = started.elapsed();
                return obs;
            }
        };
        if req.follow_redirects && is_redirect(hop.status) {
            let here = target.url.to_string();
            let next = match hop.location.as_deref() {
                None => Err("a redirect without a Location header".to_string()),
                Some(loc) => target
                    .url
                    .join(loc)
                    .map_err(|e| format!("the Location `{loc}` is not a URL ({e})"))
                    .and_then(|u| HopTarget::from_url(u, Some(loc))),
            };
            obs.hops.push(hop);
            drop(response);
            let next = match next {
                Ok(n) => n,
                Err(detail) => {
                    return fail(obs, FetchErrorKind::BadRedirect, detail, &here, started);
                }
            };
            if obs.hops.len() > MAX_REDIRECTS {
                let detail = format!("more than {MAX_REDIRECTS} redirects");
                return fail(
                    obs,
                    FetchErrorKind::TooManyRedirects,
                    detail,
                    &here,
                    started,
                );
            }
            if visited.contains(&next.key()) {
                let detail = format!("redirected back to {}", next.url);
                return fail(obs, FetchErrorKind::RedirectLoop, detail, &here, started);
            }
            target = next;
            continue;
        }
        obs.body = Some(read_body(response, req.body_cap, hop_deadline).await);
        obs.hops.push(hop);
        obs.duration = started.elapsed();
        return obs;
    }
}

fn fail(
    mut obs: FetchObservation,
    kind: FetchErrorKind,
    detail: String,
    url: &str,
    started: Instant,
) -> FetchObservation {
    obs.error = Some(FetchError {
        kind,
        detail,
        url: url.to_string(),
        address: None,
    });
    obs.duration = started.elapsed();
    obs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_keeps_a_written_default_port() {
        let t = HopTarget::parse("https://matrix.example.com:443/_matrix/key/v2/server").unwrap();
        assert_eq!(t.authority, "matrix.example.com:443");
        assert_eq!(t.port, 443);
        let t = HopTarget::parse("https://matrix.example.com/x").unwrap();
        assert_eq!(t.authority, "matrix.example.com");
        let t = HopTarget::parse("https://[::1]:8448/").unwrap();
        assert_eq!(t.authority, "[::1]:8448");
        assert_eq!(t.host, "[::1]");
        let t = HopTarget::parse("https://[::1]/").unwrap();
        assert_eq!(t.authority, "[::1]");
        assert_eq!(t.port, 443);
        let t = HopTarget::parse("https://127.0.0.40:8448/").unwrap();
        assert_eq!(t.authority, "127.0.0.40:8448");
    }

    #[test]
    fn loop_key_ignores_fragment_only() {
        let a = HopTarget::parse("https://example.com/a#x").unwrap();
        let b = HopTarget::parse("https://example.com/a").unwrap();
        let c = HopTarget::parse("https://example.com/a?b").unwrap();
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), c.key());
    }
}
