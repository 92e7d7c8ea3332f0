//! DNS observations as plain data (see [`crate::observe`] for the
//! conventions): address and SRV lookups with their TTLs, and why a query
//! gave no records.

use std::fmt;
use std::net::IpAddr;

/// Why a DNS query gave no records. NXDOMAIN and NODATA are answers from the
/// authoritative servers; the others mean nobody gave an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsError {
    /// The name does not exist. `negative_ttl`: how long resolvers cache that (SOA minimum).
    NxDomain {
        negative_ttl: Option<u32>,
    },
    /// The name exists but has no record of this type.
    NoData {
        negative_ttl: Option<u32>,
    },
    /// The resolver could not get an answer (broken authoritative servers, DNSSEC failure).
    ServFail,
    Refused,
    Timeout,
    Other(String),
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
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsError::NxDomain { .. } => f.write_str("NXDOMAIN (the name does not exist)"),
            DnsError::NoData { .. } => f.write_str("NODATA (the name exists, no such record)"),
            DnsError::ServFail => f.write_str("SERVFAIL (the resolver got no usable answer)"),
            DnsError::Refused => f.write_str("REFUSED (the DNS server refused the query)"),
            DnsError::Timeout => f.write_str("timeout (no DNS answer in time)"),
            DnsError::Other(why) => write!(f, "DNS error: {why}"),
        }?;
        if let Some(ttl) = self.negative_ttl() {
            write!(f, ", cached for {}", crate::words::duration(u64::from(ttl)))?;
        }
        Ok(())
    }
}

/// An A or AAAA record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRecord {
    pub ip: IpAddr,
    /// Seconds (from a caching resolver: the time left).
    pub ttl: u32,
}

/// One CNAME on the way from the asked name to the addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CnameRecord {
    pub name: String,
    pub target: String,
    pub ttl: u32,
}

/// The A and AAAA lookups of one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressLookup {
    /// The name asked (no trailing dot).
    pub name: String,
    /// CNAMEs followed, in order (empty when the name has addresses itself).
    pub cnames: Vec<CnameRecord>,
    pub a: Result<Vec<AddressRecord>, DnsError>,
    pub aaaa: Result<Vec<AddressRecord>, DnsError>,
}

impl AddressLookup {
    /// Every address, IPv4 first, in the order received.
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.records().map(|r| r.ip).collect()
    }

    pub fn records(&self) -> impl Iterator<Item = &AddressRecord> {
        let a = self.a.as_deref().unwrap_or_default();
        let aaaa = self.aaaa.as_deref().unwrap_or_default();
        a.iter().chain(aaaa)
    }

    /// Why there are no addresses, if there are none.
    pub fn failure(&self) -> Option<String> {
        if self.records().next().is_some() {
            return None;
        }
        Some(match (&self.a, &self.aaaa) {
            (Err(a), Err(aaaa)) if a == aaaa => a.to_string(),
            (Err(a), Err(aaaa)) => format!("A: {a}; AAAA: {aaaa}"),
            _ => "no A or AAAA records".into(),
        })
    }
}

/// A name whose authoritative servers could not be asked (the zone has no
/// NS records, they have no address, or none answered): the DNS checks say
/// so instead of comparing with what resolvers cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityGap {
    /// The name (no trailing dot) whose records were to be compared.
    pub name: String,
    pub why: String,
}

/// An SRV record (RFC 2782).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvRecord {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    /// As published, possibly with a trailing dot; `.` means "no service".
    pub target: String,
    pub ttl: u32,
}

impl SrvRecord {
    /// The target without its trailing dot (`.` stays `.`).
    pub fn target_host(&self) -> &str {
        if self.target == "." {
            return ".";
        }
        self.target.strip_suffix('.').unwrap_or(&self.target)
    }
}

impl fmt::Display for SrvRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} (TTL {})",
            self.priority, self.weight, self.port, self.target, self.ttl
        )
    }
}

/// The SRV lookup of one owner name, e.g. `_matrix-fed._tcp.example.com`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvLookup {
    pub name: String,
    pub records: Result<Vec<SrvRecord>, DnsError>,
}
