//! One DNS query and what came back: the records with their TTLs, the CNAME
//! chain that led to them, or a typed failure with the SOA of a negative
//! answer.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use super::error::DnsError;

/// The record types the checks ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    A,
    Aaaa,
    Cname,
    Srv,
    /// The nameservers of a zone (to ask them directly).
    Ns,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::A => "A",
            RecordKind::Aaaa => "AAAA",
            RecordKind::Cname => "CNAME",
            RecordKind::Srv => "SRV",
            RecordKind::Ns => "NS",
        }
    }
}

/// One lookup of one name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsLookup {
    /// The name asked, without the trailing dot.
    pub name: String,
    pub kind: RecordKind,
    /// The server asked, when a specific one was (a zone's authoritative
    /// server); `None` for the configured resolvers.
    pub server: Option<SocketAddr>,
    pub result: Result<DnsAnswer, DnsFailure>,
    pub duration: Duration,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsAnswer {
    /// CNAMEs followed from the asked name, in order (empty if none).
    pub cnames: Vec<CnameRecord>,
    /// The records of the asked type (for a CNAME query: the CNAME itself).
    pub records: Vec<DnsRecord>,
    /// The AA bit of the response: an authoritative server answered.
    pub authoritative: bool,
}

/// One CNAME on the way from the asked name to the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CnameRecord {
    pub name: String,
    pub target: String,
    pub ttl: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    /// Owner name, without the trailing dot.
    pub name: String,
    pub ttl: u32,
    pub data: RecordData,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Cname(String),
    Srv(SrvData),
    /// A nameserver's host name, without the trailing dot.
    Ns(String),
}

/// An SRV record's data (RFC 2782).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvData {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    /// Without the trailing dot; the root (`.`, "no service here") stays `.`.
    pub target: String,
}

/// A lookup that produced no records: why, and what the server sent with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsFailure {
    pub error: DnsError,
    /// The resolver's own words, for the evidence.
    pub detail: String,
    /// The zone's SOA, when the server sent one with a negative answer
    /// (boxed: most failures have none).
    pub soa: Option<Box<SoaRecord>>,
    /// Set when a CNAME chain led to another name and that name failed.
    pub failed_name: Option<String>,
}

impl DnsFailure {
    /// A failure with nothing but its kind and the resolver's words.
    pub fn new(error: DnsError, detail: impl Into<String>) -> DnsFailure {
        DnsFailure {
            error,
            detail: detail.into(),
            soa: None,
            failed_name: None,
        }
    }
}

/// The zone's SOA, as sent with a negative answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoaRecord {
    pub zone: String,
    pub mname: String,
    pub rname: String,
    pub serial: u32,
    pub minimum: u32,
    pub ttl: u32,
}

impl DnsLookup {
    pub fn answer(&self) -> Option<&DnsAnswer> {
        self.result.as_ref().ok()
    }

    pub fn failure(&self) -> Option<&DnsFailure> {
        self.result.as_ref().err()
    }

    /// The query could not be sent from this machine.
    pub fn local_problem(&self) -> Option<crate::observe::LocalProblem> {
        match self.failure().map(|f| &f.error) {
            Some(super::error::DnsError::Local(p)) => Some(*p),
            _ => None,
        }
    }

    /// The records of the answer (none for a failure).
    fn records(&self) -> impl Iterator<Item = &DnsRecord> {
        self.answer().into_iter().flat_map(|a| &a.records)
    }

    /// The addresses in an A or AAAA answer.
    pub fn ips(&self) -> Vec<IpAddr> {
        self.records()
            .filter_map(|r| match r.data {
                RecordData::A(ip) => Some(IpAddr::V4(ip)),
                RecordData::Aaaa(ip) => Some(IpAddr::V6(ip)),
                _ => None,
            })
            .collect()
    }

    /// The nameserver host names in an NS answer.
    pub fn ns(&self) -> Vec<String> {
        self.records()
            .filter_map(|r| match &r.data {
                RecordData::Ns(host) => Some(host.clone()),
                _ => None,
            })
            .collect()
    }

    /// The lowest TTL of the answer (records and CNAMEs): when it expires
    /// from caches. For failures, the negative TTL.
    pub fn min_ttl(&self) -> Option<u32> {
        match &self.result {
            Ok(a) => a
                .records
                .iter()
                .map(|r| r.ttl)
                .chain(a.cnames.iter().map(|c| c.ttl))
                .min(),
            Err(f) => f.error.negative_ttl(),
        }
    }
}
