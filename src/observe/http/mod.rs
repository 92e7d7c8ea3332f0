//! HTTP(S) observations (see [`crate::observe`] for the conventions): one
//! fetch with every redirect followed, the final response and its body as
//! raw bytes, how each request went out, or why it failed.

mod failure;

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

pub use self::failure::{FetchFailure, RedirectProblem, TimeoutPhase, UrlProblem};

/// The request methods the checks use.
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

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How one request went out: the addresses it could use, the one it
/// reached, the `Host` header and SNI it sent, how long the answer took.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exchange {
    pub host_header: String,
    /// The SNI sent (`None` for IP literals: the spec's steps 1 and 3.1 send none).
    pub sni: Option<String>,
    /// The addresses this request could connect to (logical: before the
    /// simulated internet's dial map).
    pub candidates: Vec<SocketAddr>,
    /// The address it did connect to (logical).
    pub connected_to: Option<SocketAddr>,
    /// From sending the request to receiving the response headers.
    pub elapsed: Duration,
}

/// One HTTP response on the way, e.g. a `301` that pointed elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The URL that was requested.
    pub url: String,
    pub status: u16,
    /// Response headers, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub exchange: Exchange,
}

impl Hop {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The `Location` header, as sent.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

/// How reading the body of the final response ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BodyEnd {
    #[default]
    Complete,
    /// The server sent more than the fetcher's cap; reading stopped there.
    OverCap,
    /// The body did not arrive within the deadline (e.g. it trickled).
    TimedOut,
    /// The connection broke mid-body (the library's words).
    Broken(String),
}

/// One HTTP(S) request and everything that came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpObservation {
    pub method: Method,
    /// The URL first requested.
    pub url: String,
    /// Request headers worth showing (e.g. `origin` on a CORS preflight),
    /// names in lower case.
    pub request_headers: Vec<(String, String)>,
    /// Redirect responses that were followed, in order (the final response
    /// is not among them).
    pub hops: Vec<Hop>,
    /// The URL of the final response (equals `url` without redirects); on
    /// a failure, the URL of the request that failed.
    pub final_url: String,
    /// Status of the final response; `None` when none arrived.
    pub status: Option<u16>,
    /// Final response headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// How the request of the final response went out; `None` when none
    /// arrived.
    pub exchange: Option<Exchange>,
    /// The body as received, at most the fetcher's cap.
    pub body: Vec<u8>,
    pub body_end: BodyEnd,
    pub error: Option<FetchFailure>,
    /// The whole fetch, every hop.
    pub duration: Duration,
}

impl HttpObservation {
    /// The request failed on this machine (out of files, buffers or
    /// ports), not at the server.
    pub fn local_problem(&self) -> Option<crate::observe::LocalProblem> {
        self.error.as_ref().and_then(FetchFailure::local_problem)
    }

    /// No connection was opened: every address is one the rule on private
    /// addresses refuses.
    pub fn refused_address(&self) -> bool {
        self.error
            .as_ref()
            .is_some_and(FetchFailure::refused_address)
    }

    /// A `GET` with nothing filled in yet (for builders and tests).
    pub fn get(url: impl Into<String>) -> HttpObservation {
        let url = url.into();
        HttpObservation {
            method: Method::Get,
            final_url: url.clone(),
            url,
            request_headers: Vec::new(),
            hops: Vec::new(),
            status: None,
            headers: Vec::new(),
            exchange: None,
            body: Vec::new(),
            body_end: BodyEnd::Complete,
            error: None,
            duration: Duration::ZERO,
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

    /// The body as text, when it arrived complete and is valid UTF-8.
    pub fn body_text(&self) -> Option<&str> {
        match self.body_end {
            BodyEnd::Complete => std::str::from_utf8(&self.body).ok(),
            _ => None,
        }
    }

    /// The body was longer than the cap and was cut.
    pub fn body_truncated(&self) -> bool {
        self.body_end == BodyEnd::OverCap
    }

    /// Why the body stopped before its end (it trickled past the timeout,
    /// or the connection broke), in words; `body` holds what arrived.
    pub fn body_incomplete(&self) -> Option<String> {
        let got = self.body.len();
        match &self.body_end {
            BodyEnd::Complete | BodyEnd::OverCap => None,
            BodyEnd::TimedOut => Some(format!(
                "it was still arriving when the timeout passed ({got} bytes received)"
            )),
            BodyEnd::Broken(why) => Some(format!("the connection broke after {got} bytes ({why})")),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incomplete_body_says_how_much_arrived() {
        let mut obs = HttpObservation::get("https://example.com/a").respond(200, &[], b"{\"a\"");
        assert_eq!(obs.body_incomplete(), None);
        assert_eq!(obs.body_text(), Some("{\"a\""));
        obs.body_end = BodyEnd::TimedOut;
        assert_eq!(
            obs.body_incomplete().as_deref(),
            Some("it was still arriving when the timeout passed (4 bytes received)")
        );
        assert_eq!(obs.body_text(), None, "an incomplete body is not text");
        assert!(!obs.body_truncated());
        obs.body_end = BodyEnd::Broken("connection reset".into());
        assert_eq!(
            obs.body_incomplete().as_deref(),
            Some("the connection broke after 4 bytes (connection reset)")
        );
        obs.body_end = BodyEnd::OverCap;
        assert!(obs.body_truncated());
        assert_eq!(obs.body_incomplete(), None);
    }

    #[test]
    fn hops_show_where_they_pointed() {
        let hop = Hop {
            url: "https://example.com/a".into(),
            status: 301,
            headers: vec![("location".into(), "https://www.example.com/b".into())],
            exchange: Exchange::default(),
        };
        assert_eq!(hop.location(), Some("https://www.example.com/b"));
        assert_eq!(Method::Options.to_string(), "OPTIONS");
    }
}
