//! What an HTTPS fetch asks for and what it observed: every hop (redirects
//! included) with its status and headers, the final body as raw bytes, or
//! the reason it stopped.

use std::net::SocketAddr;
use std::time::Duration;

use crate::probe::dns::types::AddressLookup;
use crate::probe::tls::error::TlsErrorKind;

/// Body cap for `.well-known` files (Synapse uses the same 50 KiB).
pub const WELL_KNOWN_BODY_CAP: usize = 50 * 1024;
/// Body cap for key responses and other homeserver API answers.
pub const API_BODY_CAP: usize = 1024 * 1024;
/// At most this many redirects are followed.
pub const MAX_REDIRECTS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Options,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Options => "OPTIONS",
        }
    }
}

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
    /// The whole fetch, all hops, must end within this (default: twice the
    /// per-request timeout).
    pub deadline: Option<Duration>,
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
            deadline: None,
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

    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
}

/// Response headers in arrival order; names lower-cased, values decoded
/// lossily (raw bytes that are not UTF-8 become U+FFFD).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Headers(pub Vec<(String, String)>);

impl Headers {
    /// The first value of a header (name case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// One request/response exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The logical URL of this hop.
    pub url: String,
    pub host_header: String,
    /// The SNI sent (`None` for IP literals).
    pub sni: Option<String>,
    /// The logical addresses this hop could connect to.
    pub candidates: Vec<SocketAddr>,
    /// The logical address it did connect to.
    pub connected_to: Option<SocketAddr>,
    pub status: u16,
    pub headers: Headers,
    /// The `Location` header of a redirect, as sent.
    pub location: Option<String>,
    /// From sending the request to receiving the headers.
    pub elapsed: Duration,
}

/// A response body, kept as raw bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Body {
    /// At most `cap` bytes.
    pub bytes: Vec<u8>,
    pub end: BodyEnd,
    pub cap: usize,
}

/// How reading the body ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEnd {
    Complete,
    /// The server sent more than `cap` bytes; reading stopped there.
    OverCap,
    /// The body did not arrive within the deadline (e.g. trickled slowly).
    TimedOut,
    /// The connection broke mid-body.
    Broken(String),
}

impl std::fmt::Debug for Body {
    /// Shows the bytes as escaped text (at most 200), not a list of numbers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = &self.bytes[..self.bytes.len().min(200)];
        f.debug_struct("Body")
            .field("len", &self.bytes.len())
            .field("bytes", &shown.escape_ascii().to_string())
            .field("end", &self.end)
            .field("cap", &self.cap)
            .finish()
    }
}

impl Body {
    pub fn is_complete(&self) -> bool {
        self.end == BodyEnd::Complete
    }

    pub fn is_utf8(&self) -> bool {
        std::str::from_utf8(&self.bytes).is_ok()
    }

    /// The body as text, when it is complete and valid UTF-8.
    pub fn text(&self) -> Option<&str> {
        if self.is_complete() {
            std::str::from_utf8(&self.bytes).ok()
        } else {
            None
        }
    }
}

/// Which part of an exchange ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    /// TCP connect and TLS handshake.
    Connect,
    /// Waiting for the response status and headers.
    Headers,
    /// The whole-fetch deadline passed between hops.
    Deadline,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchErrorKind {
    /// The URL (or a redirect's `Location`) is not a usable URL.
    InvalidUrl,
    /// A redirect led to a non-HTTPS URL; it was not followed.
    NotHttps,
    /// The host did not resolve to any address.
    Dns(Box<AddressLookup>),
    /// Connection refused: nothing listens there.
    Refused,
    /// Another connection failure (reset, unreachable, ...).
    Connect,
    Timeout(TimeoutPhase),
    /// The TLS handshake failed; the rustls cause, classified.
    Tls(TlsErrorKind),
    /// The server broke the HTTP protocol or closed the connection early.
    Http,
    /// A redirect pointed back to a URL already visited.
    RedirectLoop,
    /// More than [`MAX_REDIRECTS`] redirects.
    TooManyRedirects,
    /// A redirect status without a usable `Location`.
    BadRedirect,
    /// The request itself could not be built (e.g. a header value with
    /// control characters).
    InvalidRequest,
}

/// Why a fetch ended without a final response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub kind: FetchErrorKind,
    /// Details in the underlying library's words.
    pub detail: String,
    /// The logical URL of the hop that failed.
    pub url: String,
    /// The logical address involved, when known.
    pub address: Option<SocketAddr>,
}

/// Everything one fetch observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchObservation {
    pub method: Method,
    pub url: String,
    /// Every response received, in order; with `error == None` the last one
    /// is the final response.
    pub hops: Vec<Hop>,
    /// The final response's body (`None` when the fetch failed).
    pub body: Option<Body>,
    pub error: Option<FetchError>,
    pub duration: Duration,
}

impl FetchObservation {
    /// The final response, when there is one.
    pub fn response(&self) -> Option<&Hop> {
        match self.error {
            None => self.hops.last(),
            Some(_) => None,
        }
    }

    /// The redirect hops before the final response (or before the failure).
    pub fn redirects(&self) -> &[Hop] {
        match self.error {
            None => self
                .hops
                .split_last()
                .map(|(_, rest)| rest)
                .unwrap_or_default(),
            Some(_) => &self.hops,
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.response().map(|h| h.status)
    }
}
