//! What an HTTPS fetch asks for: the URL, where to connect, the headers to
//! send, how much body to read, whether to follow redirects. What it
//! observed is an [`crate::observe::HttpObservation`].

use std::net::SocketAddr;
use std::time::Duration;

use crate::observe::Method;

/// Body cap for `.well-known` files (Synapse uses the same 50 KiB).
pub const WELL_KNOWN_BODY_CAP: usize = 50 * 1024;
/// Body cap for key responses and other homeserver API answers.
pub const API_BODY_CAP: usize = 1024 * 1024;
/// At most this many redirects are followed.
pub const MAX_REDIRECTS: usize = 10;

/// One fetch to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    pub method: Method,
    /// The logical URL: its host is the TLS SNI and the name the certificate
    /// must cover; its authority, as written (`:443` kept), is the `Host`
    /// header unless `host_header` says otherwise.
    pub url: String,
    /// Connect here (a logical address; the dial map still applies) instead
    /// of resolving the URL's host. Kept for redirect hops to the same host
    /// and port, dropped for others.
    pub connect_to: Option<SocketAddr>,
    /// Overrides the `Host` header of the first hop (and of later hops to
    /// the same host and port).
    pub host_header: Option<String>,
    /// Extra request headers, e.g. `Origin`, `Access-Control-Request-Method`.
    pub headers: Vec<(String, String)>,
    /// Stop reading the body after this many bytes.
    pub body_cap: usize,
    pub follow_redirects: bool,
    /// With `follow_redirects`: at most this many are followed; one more
    /// is a failure (default [`MAX_REDIRECTS`]; a peer's own limit when
    /// fetching as that peer does).
    pub max_redirects: usize,
    /// The whole fetch, all hops, must end within this (default: twice the
    /// per-request timeout).
    pub deadline: Option<Duration>,
    /// Also fetch `http://` URLs (first or redirected to) over plain TCP, as
    /// a native client does with a plain-http `base_url`. Off for every
    /// federation and well-known request, which must be https.
    pub allow_plain_http: bool,
}

impl FetchRequest {
    pub fn get(url: impl Into<String>) -> FetchRequest {
        FetchRequest {
            method: Method::Get,
            url: url.into(),
            connect_to: None,
            host_header: None,
            headers: Vec::new(),
            body_cap: WELL_KNOWN_BODY_CAP,
            follow_redirects: true,
            max_redirects: MAX_REDIRECTS,
            deadline: None,
            allow_plain_http: false,
        }
    }

    pub fn options(url: impl Into<String>) -> FetchRequest {
        FetchRequest {
            method: Method::Options,
            ..FetchRequest::get(url)
        }
    }

    pub fn connect_to(mut self, addr: SocketAddr) -> Self {
        self.connect_to = Some(addr);
        self
    }

    pub fn host_header(mut self, host: impl Into<String>) -> Self {
        self.host_header = Some(host.into());
        self
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body_cap(mut self, cap: usize) -> Self {
        self.body_cap = cap;
        self
    }

    pub fn follow_redirects(mut self, follow: bool) -> Self {
        self.follow_redirects = follow;
        self
    }

    pub fn max_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }

    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
}
