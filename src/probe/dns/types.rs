//! What a DNS lookup observed: the records with their TTLs, the CNAME chain
//! that led to them, or a failure whose kind is told apart (NXDOMAIN,
//! NODATA, SERVFAIL, refused, timeout, truncated). No verdicts here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use hickory_resolver::proto::rr::RecordType;

/// The record types the checks ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    A,
    Aaaa,
    Cname,
    Srv,
    /// The nameservers of a zone (to ask them directly, see `Dns::query_server`).
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

    pub(crate) fn record_type(self) -> RecordType {
        match self {
            RecordKind::A => RecordType::A,
            RecordKind::Aaaa => RecordType::AAAA,
            RecordKind::Cname => RecordType::CNAME,
            RecordKind::Srv => RecordType::SRV,
            RecordKind::Ns => RecordType::NS,
        }
    }
}

/// One lookup of one name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsLookup {
    /// The name asked, without the trailing dot.
    pub name: String,
    pub kind: RecordKind,
    /// The server asked, when a specific one was (see `Dns::query_server`);
    /// `None` for the configured resolvers.
    pub server: Option<SocketAddr>,
    pub outcome: DnsOutcome,
    pub duration: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsOutcome {
    Answer(DnsAnswer),
    Failure(DnsFailure),
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsAnswer {
    /// CNAMEs followed from the asked name, in order (empty if none).
    pub cname_chain: Vec<CnameHop>,
    /// The records of the asked type (for a CNAME query: the CNAME itself).
    pub records: Vec<DnsRecord>,
    /// The AA bit of the response: an authoritative server answered.
    pub authoritative: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CnameHop {
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

/// A lookup that produced no records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsFailure {
    pub kind: DnsFailureKind,
    /// The resolver's own words, for the evidence.
    pub detail: String,
    /// How long resolvers may cache this negative answer (RFC 2308: the SOA
    /// minimum, bounded by the SOA TTL), when the server sent an SOA.
    pub negative_ttl: Option<u32>,
    pub soa: Option<SoaInfo>,
    /// Set when a CNAME chain led to another name and that name failed.
    pub failed_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DnsFailureKind {
    /// The name does not exist (RCODE 3).
    NxDomain,
    /// The name exists but has no record of this type.
    NoData,
    /// The server failed (RCODE 2).
    ServFail,
    /// The server refused to answer (RCODE 5).
    Refused,
    /// No answer in time.
    Timeout,
    /// The answer was truncated and could not be fetched in full over TCP.
    Truncated,
    /// The name is not a valid DNS name; nothing was asked.
    InvalidName,
    /// Anything else (network errors, malformed answers, other RCODEs).
    Other,
}

impl DnsFailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DnsFailureKind::NxDomain => "NXDOMAIN",
            DnsFailureKind::NoData => "NODATA",
            DnsFailureKind::ServFail => "SERVFAIL",
            DnsFailureKind::Refused => "REFUSED",
            DnsFailureKind::Timeout => "timeout",
            DnsFailureKind::Truncated => "truncated",
            DnsFailureKind::InvalidName => "invalid name",
            DnsFailureKind::Other => "error",
        }
    }
}

/// The zone's SOA, as sent with a negative answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoaInfo {
    pub zone: String,
    pub mname: String,
    pub rname: String,
    pub serial: u32,
    pub minimum: u32,
    pub ttl: u32,
}

impl DnsLookup {
    pub fn answer(&self) -> Option<&DnsAnswer> {
        match &self.outcome {
            DnsOutcome::Answer(a) => Some(a),
            DnsOutcome::Failure(_) => None,
        }
    }

    pub fn failure(&self) -> Option<&DnsFailure> {
        match &self.outcome {
            DnsOutcome::Answer(_) => None,
            DnsOutcome::Failure(f) => Some(f),
        }
    }

    pub fn failure_kind(&self) -> Option<DnsFailureKind> {
        self.failure().map(|f| f.kind)
    }

    /// The addresses in an A or AAAA answer.
    pub fn ips(&self) -> Vec<IpAddr> {
        self.answer()
            .map(|a| {
                a.records
                    .iter()
                    .filter_map(|r| match r.data {
                        RecordData::A(ip) => Some(IpAddr::V4(ip)),
                        RecordData::Aaaa(ip) => Some(IpAddr::V6(ip)),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The nameserver host names in an NS answer.
    pub fn ns(&self) -> Vec<String> {
        self.answer()
            .map(|a| {
                a.records
                    .iter()
                    .filter_map(|r| match &r.data {
                        RecordData::Ns(host) => Some(host.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The SRV records in an SRV answer, with their TTLs, in answer order.
    pub fn srv(&self) -> Vec<(SrvData, u32)> {
        self.answer()
            .map(|a| {
                a.records
                    .iter()
                    .filter_map(|r| match &r.data {
                        RecordData::Srv(s) => Some((s.clone(), r.ttl)),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The lowest TTL of the answer (records and CNAMEs): when it expires
    /// from caches. For failures, the negative TTL.
    pub fn min_ttl(&self) -> Option<u32> {
        match &self.outcome {
            DnsOutcome::Answer(a) => a
                .records
                .iter()
                .map(|r| r.ttl)
                .chain(a.cname_chain.iter().map(|c| c.ttl))
                .min(),
            DnsOutcome::Failure(f) => f.negative_ttl,
        }
    }
}

/// The two address lookups of one host name (each its own query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressLookup {
    pub a: DnsLookup,
    pub aaaa: DnsLookup,
}

impl AddressLookup {
    /// IPv4 addresses first, then IPv6.
    pub fn ips(&self) -> Vec<IpAddr> {
        let mut ips = self.a.ips();
        ips.extend(self.aaaa.ips());
        ips
    }
}
