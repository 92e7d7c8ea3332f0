//! The A and AAAA lookups of one name, as server discovery and the DNS
//! verdicts read them.

use std::net::IpAddr;

use super::error::DnsError;
use super::lookup::{CnameRecord, DnsLookup, RecordData};
use crate::observe::local::LocalProblem;

/// An A or AAAA record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRecord {
    pub ip: IpAddr,
    /// Seconds (from a caching resolver: the time left).
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
    /// The two queries of one name read together; the CNAME chain is the
    /// one of whichever query answered with one (A first).
    pub fn from_lookups(a: &DnsLookup, aaaa: &DnsLookup) -> AddressLookup {
        let chain = |l: &DnsLookup| l.answer().map(|a| a.cnames.clone()).unwrap_or_default();
        let mut cnames = chain(a);
        if cnames.is_empty() {
            cnames = chain(aaaa);
        }
        let (mut v4, mut v6) = (address_records(a), address_records(aaaa));
        // A CNAME loop found on one side is why the other side has no
        // records either: the chain is the same whatever type was asked.
        let looped = [&v4, &v6].into_iter().find_map(|r| match r {
            Err(DnsError::CnameLoop(chain)) => Some(chain.clone()),
            _ => None,
        });
        if let Some(chain) = looped {
            for side in [&mut v4, &mut v6] {
                if matches!(side, Err(DnsError::NoData { .. } | DnsError::ServFail)) {
                    *side = Err(DnsError::CnameLoop(chain.clone()));
                }
            }
        }
        AddressLookup {
            name: a.name.clone(),
            cnames,
            a: v4,
            aaaa: v6,
        }
    }

    /// Every address, IPv4 first, in the order received.
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.records().map(|r| r.ip).collect()
    }

    pub fn records(&self) -> impl Iterator<Item = &AddressRecord> {
        let a = self.a.as_deref().unwrap_or_default();
        let aaaa = self.aaaa.as_deref().unwrap_or_default();
        a.iter().chain(aaaa)
    }

    /// No address because this machine could not ask (not the zone's fault).
    pub fn local_problem(&self) -> Option<LocalProblem> {
        if self.records().next().is_some() {
            return None;
        }
        [&self.a, &self.aaaa].into_iter().find_map(|r| match r {
            Err(DnsError::Local(p)) => Some(*p),
            _ => None,
        })
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

fn address_records(lookup: &DnsLookup) -> Result<Vec<AddressRecord>, DnsError> {
    match &lookup.result {
        Err(f) => Err(f.error.clone()),
        Ok(answer) => Ok(answer
            .records
            .iter()
            .filter_map(|r| {
                let ip = match r.data {
                    RecordData::A(ip) => IpAddr::V4(ip),
                    RecordData::Aaaa(ip) => IpAddr::V6(ip),
                    _ => return None,
                };
                Some(AddressRecord { ip, ttl: r.ttl })
            })
            .collect()),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::observe::{DnsAnswer, DnsFailure, DnsRecord, RecordKind, SoaRecord};

    fn lookup(kind: RecordKind, result: Result<DnsAnswer, DnsFailure>) -> DnsLookup {
        DnsLookup {
            name: "matrix.example.com".into(),
            kind,
            server: None,
            result,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn records_cnames_and_negative_ttls_are_kept() {
        let a = lookup(
            RecordKind::A,
            Ok(DnsAnswer {
                cnames: vec![CnameRecord {
                    name: "matrix.example.com".into(),
                    target: "host.example.net".into(),
                    ttl: 60,
                }],
                records: vec![DnsRecord {
                    name: "host.example.net".into(),
                    ttl: 300,
                    data: RecordData::A("192.0.2.1".parse().expect("ip")),
                }],
                authoritative: true,
            }),
        );
        let aaaa = lookup(
            RecordKind::Aaaa,
            Err(DnsFailure {
                error: DnsError::NoData {
                    negative_ttl: Some(120),
                },
                detail: "x".into(),
                soa: Some(Box::new(SoaRecord {
                    zone: "example.net".into(),
                    mname: "ns1.example.net".into(),
                    rname: "hostmaster.example.net".into(),
                    serial: 1,
                    minimum: 120,
                    ttl: 120,
                })),
                failed_name: Some("host.example.net".into()),
            }),
        );
        let l = AddressLookup::from_lookups(&a, &aaaa);
        assert_eq!(l.name, "matrix.example.com");
        assert_eq!(l.cnames.len(), 1);
        assert_eq!(l.cnames[0].target, "host.example.net");
        assert_eq!(
            l.addresses(),
            vec!["192.0.2.1".parse::<IpAddr>().expect("ip")]
        );
        assert_eq!(
            l.aaaa,
            Err(DnsError::NoData {
                negative_ttl: Some(120)
            })
        );
        assert_eq!(l.failure(), None);
    }

    #[test]
    fn no_addresses_say_why() {
        let nx = || {
            lookup(
                RecordKind::A,
                Err(DnsFailure::new(
                    DnsError::NxDomain {
                        negative_ttl: Some(300),
                    },
                    "no such name",
                )),
            )
        };
        let both = AddressLookup::from_lookups(&nx(), &nx());
        assert_eq!(
            both.failure().as_deref(),
            Some("NXDOMAIN (the name does not exist), cached for 5 min")
        );
        let timeout = lookup(
            RecordKind::Aaaa,
            Err(DnsFailure::new(DnsError::Timeout, "no answer")),
        );
        let mixed = AddressLookup::from_lookups(&nx(), &timeout);
        assert_eq!(
            mixed.failure().as_deref(),
            Some(
                "A: NXDOMAIN (the name does not exist), cached for 5 min; \
                 AAAA: timeout (no DNS answer in time)"
            )
        );
    }
}
