//! What the runner observed on the network, as plain data. The pure check
//! logic ([`crate::matrix::discovery`], [`crate::check::verdict`]) reads only these types:
//! the runner converts whatever the network layer returns into them, so the
//! verdicts can be tested without a network.
//!
//! Conventions: header names are lower case; bodies are raw bytes (never
//! assumed to be UTF-8); every string that came from the network is stored
//! as received and escaped only when shown ([`crate::safe_text`]).

mod dns;

use std::fmt;

pub use self::dns::{
    AddressLookup, AddressRecord, AuthorityGap, CnameRecord, DnsError, SrvLookup, SrvRecord,
};

/// One HTTP response on the way, e.g. a `301` that pointed elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The URL that was requested.
    pub url: String,
    pub status: u16,
    /// Response headers, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
}

impl Hop {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// Why a request produced no (complete) answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    /// The host name did not resolve (the text says how: NXDOMAIN, timeout...).
    Dns(String),
    /// TCP connection refused, unreachable, reset.
    Connect(String),
    Timeout,
    /// TLS handshake or certificate verification failed.
    Tls(String),
    /// A redirect pointed back to a URL already visited.
    RedirectLoop(String),
    /// More redirects than the fetcher follows (10).
    TooManyRedirects(usize),
    /// A redirect without a usable `Location` (or to a non-HTTPS URL).
    BadRedirect(String),
    /// Anything else (malformed HTTP, ...).
    Other(String),
}

impl FetchFailure {
    /// A server answered, but with redirects that lead nowhere (a loop, too
    /// many, an unusable `Location`): a broken answer, not an absent server.
    pub fn is_redirect_failure(&self) -> bool {
        matches!(
            self,
            FetchFailure::RedirectLoop(_)
                | FetchFailure::TooManyRedirects(_)
                | FetchFailure::BadRedirect(_)
        )
    }
}

impl fmt::Display for FetchFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchFailure::Dns(why) => write!(f, "DNS lookup failed: {why}"),
            FetchFailure::Connect(why) => write!(f, "connection failed: {why}"),
            FetchFailure::Timeout => f.write_str("timed out"),
            FetchFailure::Tls(why) => write!(f, "TLS failed: {why}"),
            FetchFailure::RedirectLoop(url) => write!(f, "redirect loop back to {url}"),
            FetchFailure::TooManyRedirects(n) => write!(f, "more than {n} redirects"),
            FetchFailure::BadRedirect(why) => write!(f, "unusable redirect: {why}"),
            FetchFailure::Other(why) => f.write_str(why),
        }
    }
}

/// One HTTP(S) request and everything that came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpObservation {
    /// `GET`, `OPTIONS`, ...
    pub method: String,
    /// The URL first requested.
    pub url: String,
    /// Request headers worth showing (e.g. `origin` on a CORS preflight).
    pub request_headers: Vec<(String, String)>,
    /// Redirect responses that were followed, in order (the final response
    /// is not among them).
    pub hops: Vec<Hop>,
    /// The URL of the final response (equals `url` without redirects).
    pub final_url: String,
    /// Status of the final response; `None` when none arrived.
    pub status: Option<u16>,
    /// Final response headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as received, at most the fetcher's cap.
    pub body: Vec<u8>,
    /// The body was longer than the cap and was cut.
    pub body_truncated: bool,
    /// The body stopped before its end (it trickled past the timeout, or the
    /// connection broke): why. `body` holds what arrived.
    pub body_incomplete: Option<String>,
    pub error: Option<FetchFailure>,
}

impl HttpObservation {
    /// A `GET` with nothing filled in yet (for builders and tests).
    pub fn get(url: impl Into<String>) -> HttpObservation {
        let url = url.into();
        HttpObservation {
            method: "GET".into(),
            final_url: url.clone(),
            url,
            request_headers: Vec::new(),
            hops: Vec::new(),
            status: None,
            headers: Vec::new(),
            body: Vec::new(),
            body_truncated: false,
            body_incomplete: None,
            error: None,
        }
    }

    /// Test/builder helper: a final response.
    pub fn respond(mut self, status: u16, headers: &[(&str, &str)], body: &[u8]) -> Self {
        self.status = Some(status);
        self.headers = headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_string()))
            .collect();
        self.body = body.to_vec();
        self
    }

    /// Test/builder helper: a failure instead of a response.
    pub fn fail(mut self, failure: FetchFailure) -> Self {
        self.error = Some(failure);
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The media type of the final response, lower case, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// `application/json` (or a `+json` type): what the spec asks for.
    pub fn is_json_content_type(&self) -> bool {
        self.media_type()
            .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
    }

    /// The body parsed as JSON, whatever the content type says.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// A Matrix standard error body (`{"errcode": "M_...", "error": "..."}`).
    pub fn matrix_error(&self) -> Option<MatrixError> {
        let value = self.json()?;
        let errcode = value.get("errcode")?.as_str()?.to_string();
        let error = value
            .get("error")
            .and_then(|e| e.as_str())
            .map(str::to_string);
        Some(MatrixError { errcode, error })
    }

    /// The body as text for evidence: lossy UTF-8, at most `max` bytes.
    pub fn body_excerpt(&self, max: usize) -> String {
        excerpt(&self.body, max)
    }

    /// Looks like an HTML page (an error page of a web server or proxy).
    pub fn is_html(&self) -> bool {
        if self.media_type().is_some_and(|m| m == "text/html") {
            return true;
        }
        let start = String::from_utf8_lossy(&self.body[..self.body.len().min(256)])
            .trim_start()
            .to_ascii_lowercase();
        start.starts_with("<!doctype html") || start.starts_with("<html")
    }

    /// `status 200` etc. in a short form for evidence.
    pub fn outcome_line(&self) -> String {
        match (&self.error, self.status) {
            (Some(e), _) => e.to_string(),
            (None, Some(s)) => {
                let ct = self
                    .header("content-type")
                    .map(|c| format!(" {c}"))
                    .unwrap_or_else(|| " (no Content-Type)".into());
                format!("{s}{ct}")
            }
            (None, None) => "no response".into(),
        }
    }
}

/// A Matrix error response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixError {
    pub errcode: String,
    pub error: Option<String>,
}

/// Lossy UTF-8 of at most `max` bytes, with `…` when cut.
pub fn excerpt(bytes: &[u8], max: usize) -> String {
    let cut = bytes.len() > max;
    let mut s = String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned();
    if cut {
        s.push('…');
    }
    s
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A TLS handshake with one address, and the certificate it presented.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsObservation {
    /// Why no certificate was obtained at all (connection refused, timeout,
    /// handshake alert). `None` when a certificate arrived.
    pub connect_error: Option<String>,
    /// DNS names and IP addresses the leaf certificate covers (SAN).
    pub names: Vec<String>,
    /// Expiry as text (RFC 3339), for showing.
    pub not_after: Option<String>,
    /// Whole days until expiry (negative when expired).
    pub days_left: Option<i64>,
    pub issuer: Option<String>,
    /// The chain verifies against the trusted roots.
    pub chain_valid: bool,
    /// The verifier's complaint (unknown CA, expired, not valid for name...).
    pub verify_error: Option<String>,
    /// The certificate covers the name it must cover for this target.
    pub covers_required_name: bool,
}
