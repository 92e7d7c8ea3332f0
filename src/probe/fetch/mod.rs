//! The HTTPS fetcher (plain http only when a request allows it): one hop at a time (reqwest never follows redirects
//! itself), every hop recorded, loops detected, at most
//! [`MAX_REDIRECTS`] followed, all within a whole-fetch deadline. Every
//! fetch becomes an [`HttpObservation`].

mod hop;
pub(super) mod request;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use url::Url;

use self::hop::{HopRequest, exchange, read_body};
use self::request::*;
use super::net::Net;
use crate::observe::{FetchFailure, HttpObservation, RedirectProblem, TimeoutPhase, UrlProblem};

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
    pub(crate) fn parse(text: &str) -> Result<HopTarget, UrlProblem> {
        let url = Url::parse(text).map_err(|e| UrlProblem::Unparsable(e.to_string()))?;
        HopTarget::from_url(url, Some(text))
    }

    fn from_url(url: Url, raw: Option<&str>) -> Result<HopTarget, UrlProblem> {
        let (host, ip) = match url.host() {
            Some(url::Host::Domain(d)) => (d.to_string(), None),
            Some(url::Host::Ipv4(ip)) => (ip.to_string(), Some(ip.into())),
            Some(url::Host::Ipv6(ip)) => (format!("[{ip}]"), Some(ip.into())),
            None => return Err(UrlProblem::NoHost),
        };
        let port = url.port_or_known_default().ok_or(UrlProblem::NoPort)?;
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
    pub async fn fetch(&self, request: FetchRequest) -> HttpObservation {
        fetch(self, request).await
    }
}

async fn fetch(net: &Net, req: FetchRequest) -> HttpObservation {
    // One connection at a time per fetch (hops follow each other): held
    // from here to the end; the fetch's clock starts once it is granted.
    let _slot = net.connection_slot(req.connect_to).await;
    let started = Instant::now();
    let opts = net.options();
    let budget = req.deadline.unwrap_or(opts.timeout.saturating_mul(2));
    let deadline = later(started, budget);
    let mut obs = HttpObservation {
        method: req.method,
        request_headers: req
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect(),
        ..HttpObservation::get(req.url.clone())
    };
    let first = match HopTarget::parse(&req.url) {
        Ok(t) => t,
        Err(problem) => return fail(obs, FetchFailure::InvalidUrl(problem), &req.url, started),
    };
    let mut target = first.clone();
    let mut visited = HashSet::new();
    loop {
        let plain_http_allowed = req.allow_plain_http && target.url.scheme() == "http";
        if target.url.scheme() != "https" && !plain_http_allowed {
            let url = target.url.to_string();
            // Every hop recorded so far redirected here: a plain-http URL
            // asked for is not a redirect gone wrong.
            let failure = if obs.hops.is_empty() {
                FetchFailure::NotHttps { url: url.clone() }
            } else {
                FetchFailure::BadRedirect(RedirectProblem::NotHttps {
                    url: url.clone(),
                    scheme: target.url.scheme().to_string(),
                })
            };
            return fail(obs, failure, &url, started);
        }
        visited.insert(target.key());
        let same = target.same_endpoint(&first);
        let now = Instant::now();
        if now >= deadline {
            let url = target.url.to_string();
            let failure = FetchFailure::Timeout(TimeoutPhase::Deadline);
            return fail(obs, failure, &url, started);
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
        let (hop, response, _at_address) = match exchange(net, hop_req).await {
            Ok(pair) => pair,
            Err(failure) => {
                let url = target.url.to_string();
                return fail(obs, failure, &url, started);
            }
        };
        if req.follow_redirects && is_redirect(hop.status) {
            let here = target.url.to_string();
            let next = match hop.location() {
                None => Err(RedirectProblem::NoLocation),
                Some(loc) => target
                    .url
                    .join(loc)
                    .map_err(|e| UrlProblem::Unparsable(e.to_string()))
                    .and_then(|u| HopTarget::from_url(u, Some(loc)))
                    .map_err(|problem| RedirectProblem::BadLocation {
                        location: loc.to_string(),
                        problem,
                    }),
            };
            obs.hops.push(hop);
            drop(response);
            let next = match next {
                Ok(n) => n,
                Err(problem) => {
                    return fail(obs, FetchFailure::BadRedirect(problem), &here, started);
                }
            };
            if obs.hops.len() > req.max_redirects {
                let failure = FetchFailure::TooManyRedirects(req.max_redirects);
                return fail(obs, failure, &here, started);
            }
            if visited.contains(&next.key()) {
                let failure = FetchFailure::RedirectLoop(next.url.to_string());
                return fail(obs, failure, &here, started);
            }
            target = next;
            continue;
        }
        let (body, body_end) = read_body(response, req.body_cap, hop_deadline).await;
        obs.final_url = hop.url;
        obs.status = Some(hop.status);
        obs.headers = hop.headers;
        obs.exchange = Some(hop.exchange);
        obs.body = body;
        obs.body_end = body_end;
        obs.duration = started.elapsed();
        return obs;
    }
}

/// Ends a fetch with `failure` at `url` (the request that failed).
fn fail(
    mut obs: HttpObservation,
    failure: FetchFailure,
    url: &str,
    started: Instant,
) -> HttpObservation {
    obs.error = Some(failure);
    obs.final_url = url.to_string();
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
