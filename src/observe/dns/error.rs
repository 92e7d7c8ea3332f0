//! Why a DNS query gave no records, typed, with the words the reports use.

use std::fmt;

use crate::observe::local::LocalProblem;
use crate::words::duration;

/// Why a DNS query gave no records. NXDOMAIN and NODATA are answers from the
/// authoritative servers; the others mean nobody gave an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsError {
    /// The name does not exist (RCODE 3). `negative_ttl`: how long resolvers
    /// cache that (RFC 2308: the SOA minimum, bounded by the SOA's TTL).
    NxDomain { negative_ttl: Option<u32> },
    /// The name exists but has no record of this type.
    NoData { negative_ttl: Option<u32> },
    /// The resolver could not get an answer (RCODE 2: broken authoritative
    /// servers, DNSSEC failure).
    ServFail,
    /// The server refused to answer (RCODE 5).
    Refused,
    /// No answer in time.
    Timeout,
    /// The answer was truncated and could not be fetched in full over TCP.
    Truncated,
    /// The name's CNAME chain comes back to a name already on it: the
    /// chain, from the asked name to the repeated one.
    CnameLoop(Vec<String>),
    /// The name is not a valid DNS name; nothing was asked. Says why.
    InvalidName(String),
    /// Anything else (network errors, malformed answers, other RCODEs), in
    /// the resolver's words.
    Other(String),
    /// The lookup did not run to its end (its task stopped, or discovery
    /// went on without it): why.
    Stopped(String),
    /// This machine could not send the query (out of open files, socket
    /// buffers or local ports): nothing is known about the name.
    Local(LocalProblem),
}

impl DnsError {
    /// NXDOMAIN or NODATA: an authoritative "there is none".
    pub fn is_negative_answer(&self) -> bool {
        matches!(self, DnsError::NxDomain { .. } | DnsError::NoData { .. })
    }

    pub fn negative_ttl(&self) -> Option<u32> {
        match self {
            DnsError::NxDomain { negative_ttl } | DnsError::NoData { negative_ttl } => {
                *negative_ttl
            }
            _ => None,
        }
    }

    /// The short name of the failure: the RCODE name where there is one.
    pub fn code(&self) -> &'static str {
        match self {
            DnsError::NxDomain { .. } => "NXDOMAIN",
            DnsError::NoData { .. } => "NODATA",
            DnsError::ServFail => "SERVFAIL",
            DnsError::Refused => "REFUSED",
            DnsError::Timeout => "timeout",
            DnsError::Truncated => "truncated",
            DnsError::CnameLoop(_) => "CNAME loop",
            DnsError::InvalidName(_) => "invalid name",
            DnsError::Other(_) | DnsError::Stopped(_) => "error",
            DnsError::Local(_) => "local error",
        }
    }
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsError::NxDomain { .. } => f.write_str("NXDOMAIN (the name does not exist)"),
            DnsError::NoData { .. } => f.write_str("NODATA (the name exists, no such record)"),
            DnsError::ServFail => f.write_str("SERVFAIL (the resolver got no usable answer)"),
            DnsError::Refused => f.write_str("REFUSED (the DNS server refused the query)"),
            DnsError::Timeout => f.write_str("timeout (no DNS answer in time)"),
            DnsError::Truncated => {
                f.write_str("DNS error: the answer was truncated and could not be fetched over TCP")
            }
            DnsError::CnameLoop(chain) => {
                write!(
                    f,
                    "CNAME loop: {} (no address at the end)",
                    chain.join(" → ")
                )
            }
            DnsError::InvalidName(why) | DnsError::Other(why) | DnsError::Stopped(why) => {
                write!(f, "DNS error: {why}")
            }
            DnsError::Local(problem) => write!(f, "could not ask: {problem}"),
        }?;
        if let Some(ttl) = self.negative_ttl() {
            write!(f, ", cached for {}", duration(u64::from(ttl)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cname_loop_is_named_with_its_chain() {
        let e = DnsError::CnameLoop(vec![
            "a.example".into(),
            "b.example".into(),
            "a.example".into(),
        ]);
        assert_eq!(e.code(), "CNAME loop");
        assert_eq!(
            e.to_string(),
            "CNAME loop: a.example → b.example → a.example (no address at the end)"
        );
        assert!(!e.is_negative_answer());
    }

    #[test]
    fn negative_answers_say_how_long_they_are_cached() {
        let nx = DnsError::NxDomain {
            negative_ttl: Some(300),
        };
        assert_eq!(
            nx.to_string(),
            "NXDOMAIN (the name does not exist), cached for 5 min"
        );
        assert_eq!(
            DnsError::NoData { negative_ttl: None }.to_string(),
            "NODATA (the name exists, no such record)"
        );
        assert_eq!(
            DnsError::Truncated.to_string(),
            "DNS error: the answer was truncated and could not be fetched over TCP"
        );
        assert_eq!(DnsError::Other("x".into()).to_string(), "DNS error: x");
        assert_eq!(nx.code(), "NXDOMAIN");
        assert_eq!(DnsError::Truncated.code(), "truncated");
    }
}
