//! The SRV lookup of one owner name, as server discovery and the DNS
//! verdicts read it.

use std::fmt;

use super::error::DnsError;
use super::lookup::{DnsLookup, RecordData};

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

impl SrvLookup {
    /// The SRV records of one SRV query, in answer order.
    pub fn from_lookup(lookup: &DnsLookup) -> SrvLookup {
        SrvLookup {
            name: lookup.name.clone(),
            records: match &lookup.result {
                Err(f) => Err(f.error.clone()),
                Ok(answer) => Ok(answer
                    .records
                    .iter()
                    .filter_map(|r| match &r.data {
                        RecordData::Srv(s) => Some(SrvRecord {
                            priority: s.priority,
                            weight: s.weight,
                            port: s.port,
                            target: s.target.clone(),
                            ttl: r.ttl,
                        }),
                        _ => None,
                    })
                    .collect()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::observe::{DnsAnswer, DnsFailure, DnsRecord, RecordKind, SrvData};

    fn lookup(result: Result<DnsAnswer, DnsFailure>) -> DnsLookup {
        DnsLookup {
            name: "_matrix-fed._tcp.example.com".into(),
            kind: RecordKind::Srv,
            server: None,
            result,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn records_keep_their_ttl_and_the_root_target() {
        let s = SrvLookup::from_lookup(&lookup(Ok(DnsAnswer {
            cnames: vec![],
            records: vec![DnsRecord {
                name: "_matrix-fed._tcp.example.com".into(),
                ttl: 3600,
                data: RecordData::Srv(SrvData {
                    priority: 10,
                    weight: 5,
                    port: 443,
                    target: ".".into(),
                }),
            }],
            authoritative: true,
        })));
        assert_eq!(s.name, "_matrix-fed._tcp.example.com");
        let records = s.records.expect("answer");
        assert_eq!((records[0].port, records[0].ttl), (443, 3600));
        assert_eq!(records[0].target_host(), ".");
    }

    #[test]
    fn failures_keep_their_kind() {
        let s = SrvLookup::from_lookup(&lookup(Err(DnsFailure::new(
            DnsError::Timeout,
            "no answer",
        ))));
        assert_eq!(s.records, Err(DnsError::Timeout));
    }
}
