//! Why a fetch produced no (complete) answer, typed, with the words the
//! reports use.

use std::fmt;
use std::net::SocketAddr;

use crate::observe::dns::AddressLookup;
use crate::observe::local::LocalProblem;
use crate::observe::tls::{NOT_CONNECTED, TlsErrorKind};

/// Why a request produced no (complete) answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    /// The URL asked for is not usable; nothing was sent.
    InvalidUrl(UrlProblem),
    /// The URL asked for is not an `https://` URL; nothing was sent (the
    /// Matrix spec's discovery and APIs are HTTPS only).
    NotHttps {
        url: String,
    },
    /// The host name did not resolve to any address.
    Dns(Box<AddressLookup>),
    /// Connection refused: nothing listens there.
    Refused {
        address: Option<SocketAddr>,
    },
    /// Another connection failure (reset, unreachable, ...), in the
    /// library's words.
    Connect {
        detail: String,
        address: Option<SocketAddr>,
    },
    Timeout(TimeoutPhase),
    /// The TLS handshake or certificate verification failed.
    Tls {
        kind: TlsErrorKind,
        address: Option<SocketAddr>,
    },
    /// The server broke the HTTP protocol or closed the connection early,
    /// in the library's words.
    Http(String),
    /// A redirect pointed back to a URL already visited (that URL).
    RedirectLoop(String),
    /// More redirects than the fetcher follows.
    TooManyRedirects(usize),
    /// A redirect that cannot be followed.
    BadRedirect(RedirectProblem),
    /// The request itself could not be built (e.g. a header value with
    /// control characters), in the library's words.
    InvalidRequest(String),
    /// The request did not run to its end (its task stopped, or discovery
    /// went on without it): why.
    Stopped(String),
    /// This machine ran out of a resource (open files, socket buffers,
    /// local ports) before the server could be asked: not the server's
    /// failure.
    Local {
        problem: LocalProblem,
        address: Option<SocketAddr>,
    },
    /// Not connected: every address of the host is in a range peers refuse
    /// (private, loopback, link-local, ...) and the run keeps the rule on
    /// private addresses, which forbids opening a socket there. The
    /// addresses left unasked.
    RefusedAddress {
        addresses: Vec<SocketAddr>,
    },
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

/// Why a redirect could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectProblem {
    /// A redirect status without a `Location` header.
    NoLocation,
    /// The `Location` does not lead to a usable URL.
    BadLocation {
        location: String,
        problem: UrlProblem,
    },
    /// The `Location` leads to a URL that is not `https://`; it was not
    /// followed.
    NotHttps { url: String, scheme: String },
}

/// Why a URL cannot be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    /// It does not parse (the parser's words).
    Unparsable(String),
    NoHost,
    NoPort,
}

impl FetchFailure {
    /// The failure was this machine's, not the server's.
    pub fn local_problem(&self) -> Option<LocalProblem> {
        match self {
            FetchFailure::Local { problem, .. } => Some(*problem),
            FetchFailure::Dns(lookup) => lookup.local_problem(),
            _ => None,
        }
    }

    /// No connection was opened: every address is one the rule on private
    /// addresses refuses.
    pub fn refused_address(&self) -> bool {
        matches!(self, FetchFailure::RefusedAddress { .. })
    }

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

/// ` (192.0.2.1:443)` when the address is known.
struct At(Option<SocketAddr>);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(address) => write!(f, " ({address})"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for FetchFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchFailure::InvalidUrl(problem) => write!(f, "unusable URL: {problem}"),
            FetchFailure::NotHttps { url } => write!(f, "not an https URL: {url}"),
            FetchFailure::Dns(lookup) => {
                let why = lookup.failure().unwrap_or_else(|| "no address".into());
                write!(f, "DNS lookup failed: {}: {why}", lookup.name)
            }
            FetchFailure::Refused { address } => {
                write!(f, "connection failed: connection refused{}", At(*address))
            }
            FetchFailure::Connect { detail, address } => {
                write!(f, "connection failed: {detail}{}", At(*address))
            }
            FetchFailure::Timeout(_) => f.write_str("timed out"),
            FetchFailure::Tls { kind, .. } => write!(f, "TLS failed: {kind}"),
            FetchFailure::Http(detail) => write!(f, "not a usable HTTP answer: {detail}"),
            FetchFailure::RedirectLoop(url) => write!(f, "redirect loop back to {url}"),
            FetchFailure::TooManyRedirects(n) => write!(f, "more than {n} redirects"),
            FetchFailure::BadRedirect(problem) => write!(f, "unusable redirect: {problem}"),
            FetchFailure::InvalidRequest(detail) | FetchFailure::Stopped(detail) => {
                f.write_str(detail)
            }
            FetchFailure::Local { problem, address } => {
                write!(f, "could not test: {problem}{}", At(*address))
            }
            FetchFailure::RefusedAddress { addresses } => {
                let shown: Vec<String> = addresses.iter().map(ToString::to_string).collect();
                write!(f, "{NOT_CONNECTED} ({})", shown.join(", "))
            }
        }
    }
}

impl fmt::Display for RedirectProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectProblem::NoLocation => f.write_str("a redirect without a Location header"),
            RedirectProblem::BadLocation {
                location,
                problem: UrlProblem::Unparsable(why),
            } => write!(f, "the Location `{location}` is not a URL ({why})"),
            RedirectProblem::BadLocation { problem, .. } => problem.fmt(f),
            RedirectProblem::NotHttps { url, scheme } => {
                write!(f, "it leads to {url}, a `{scheme}` URL, not https")
            }
        }
    }
}

impl fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlProblem::Unparsable(why) => write!(f, "not a URL ({why})"),
            UrlProblem::NoHost => f.write_str("the URL has no host"),
            UrlProblem::NoPort => f.write_str("the URL has no port and no default port"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::dns::DnsError;

    /// Every kind worded as the reports have always worded it.
    #[test]
    fn each_kind_keeps_its_words() {
        let at = Some("127.0.0.1:443".parse().expect("addr"));
        let nx = || DnsError::NxDomain {
            negative_ttl: Some(300),
        };
        let cases = [
            (
                FetchFailure::InvalidUrl(UrlProblem::Unparsable(
                    "relative URL without a base".into(),
                )),
                "unusable URL: not a URL (relative URL without a base)",
            ),
            (
                FetchFailure::InvalidUrl(UrlProblem::NoHost),
                "unusable URL: the URL has no host",
            ),
            (
                FetchFailure::Dns(Box::new(AddressLookup {
                    name: "example.com".into(),
                    cnames: vec![],
                    a: Err(nx()),
                    aaaa: Err(nx()),
                })),
                "DNS lookup failed: example.com: NXDOMAIN (the name does not exist), cached \
                 for 5 min",
            ),
            (
                FetchFailure::Refused { address: at },
                "connection failed: connection refused (127.0.0.1:443)",
            ),
            (
                FetchFailure::Refused { address: None },
                "connection failed: connection refused",
            ),
            (
                FetchFailure::Connect {
                    detail: "Connection reset by peer".into(),
                    address: at,
                },
                "connection failed: Connection reset by peer (127.0.0.1:443)",
            ),
            (FetchFailure::Timeout(TimeoutPhase::Headers), "timed out"),
            (FetchFailure::Timeout(TimeoutPhase::Connect), "timed out"),
            (
                FetchFailure::Tls {
                    kind: TlsErrorKind::Expired,
                    address: at,
                },
                "TLS failed: certificate has expired",
            ),
            (
                FetchFailure::Http("connection closed before message completed".into()),
                "not a usable HTTP answer: connection closed before message completed",
            ),
            (
                FetchFailure::RedirectLoop("https://example.com/a".into()),
                "redirect loop back to https://example.com/a",
            ),
            (FetchFailure::TooManyRedirects(10), "more than 10 redirects"),
            (
                FetchFailure::BadRedirect(RedirectProblem::NoLocation),
                "unusable redirect: a redirect without a Location header",
            ),
            (
                FetchFailure::BadRedirect(RedirectProblem::BadLocation {
                    location: "https://".into(),
                    problem: UrlProblem::Unparsable("empty host".into()),
                }),
                "unusable redirect: the Location `https://` is not a URL (empty host)",
            ),
            (
                FetchFailure::BadRedirect(RedirectProblem::BadLocation {
                    location: "data:x".into(),
                    problem: UrlProblem::NoHost,
                }),
                "unusable redirect: the URL has no host",
            ),
            (
                FetchFailure::BadRedirect(RedirectProblem::NotHttps {
                    url: "http://example.com/final".into(),
                    scheme: "http".into(),
                }),
                "unusable redirect: it leads to http://example.com/final, a `http` URL, not https",
            ),
            (
                FetchFailure::InvalidRequest("failed to parse header value".into()),
                "failed to parse header value",
            ),
            (
                FetchFailure::Stopped("the request stopped: cancelled".into()),
                "the request stopped: cancelled",
            ),
            (
                FetchFailure::RefusedAddress {
                    addresses: vec!["192.168.1.20:443".parse().expect("addr")],
                },
                "not connected: address refused by the rule on private addresses \
                 (192.168.1.20:443)",
            ),
        ];
        for (failure, text) in cases {
            assert_eq!(failure.to_string(), text, "{failure:?}");
        }
    }

    /// A URL that was never https is not a redirect gone wrong.
    #[test]
    fn a_plain_http_url_is_not_worded_as_a_redirect() {
        let f = FetchFailure::NotHttps {
            url: "http://matrix.example.com/_matrix/client/versions".into(),
        };
        assert_eq!(
            f.to_string(),
            "not an https URL: http://matrix.example.com/_matrix/client/versions"
        );
        assert!(!f.to_string().contains("redirect"));
        assert!(!f.is_redirect_failure());
        let redirected = FetchFailure::BadRedirect(RedirectProblem::NotHttps {
            url: "http://example.com/".into(),
            scheme: "http".into(),
        });
        assert!(redirected.is_redirect_failure());
    }
}
