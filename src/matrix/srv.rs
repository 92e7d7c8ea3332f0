//! SRV records as Matrix uses them (server-server API "Resolving server
//! names", steps 3.3, 3.4, 4 and 5; RFC 2782).

use crate::observe::{DnsError, SrvLookup, SrvRecord};

/// What an SRV lookup means for server discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SrvOutcome {
    /// Records to try, in preference order (see [`order`]).
    Targets(Vec<SrvRecord>),
    /// A single record whose target is `.`: "the service is decidedly not
    /// available at this domain" (RFC 2782). Decisive: discovery stops.
    NoService(SrvRecord),
    /// NXDOMAIN or NODATA: authoritatively no record; go to the next step.
    NotFound(DnsError),
    /// No answer either way (SERVFAIL, timeout, refused).
    Failed(DnsError),
}

/// Classifies a lookup.
pub fn classify(lookup: &SrvLookup) -> SrvOutcome {
    match &lookup.records {
        Err(e) if e.is_negative_answer() => SrvOutcome::NotFound(e.clone()),
        Err(e) => SrvOutcome::Failed(e.clone()),
        Ok(records) if records.is_empty() => {
            SrvOutcome::NotFound(DnsError::NoData { negative_ttl: None })
        }
        Ok(records) => match records.as_slice() {
            [only] if only.target_host() == "." => SrvOutcome::NoService(only.clone()),
            _ => {
                // A `.` among real targets means nothing (RFC 2782 gives it
                // meaning only alone); the DNS check reports it.
                let usable: Vec<SrvRecord> = records
                    .iter()
                    .filter(|r| r.target_host() != ".")
                    .cloned()
                    .collect();
                SrvOutcome::Targets(order(&usable))
            }
        },
    }
}

/// RFC 2782 order, made deterministic: lower priority first; within one
/// priority the weighted random choice is replaced by "heavier first" (the
/// most likely pick first), equal weights keep the order received. Every
/// record is kept: the report shows them all.
pub fn order(records: &[SrvRecord]) -> Vec<SrvRecord> {
    let mut out = records.to_vec();
    out.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then_with(|| b.weight.cmp(&a.weight))
    });
    out
}

/// The records with `.` targets among others (meaningless; reported).
pub fn stray_dots(lookup: &SrvLookup) -> usize {
    match &lookup.records {
        Ok(records) if records.len() > 1 => {
            records.iter().filter(|r| r.target_host() == ".").count()
        }
        _ => 0,
    }
}

/// Why an SRV target is not a host name a server can connect to, if it is
/// not: RFC 2782 asks for "the domain name of the target host", and host
/// names are letters, digits and hyphens in labels of 1 to 63 characters,
/// no hyphen first or last, at most 253 characters (RFC 1123 section 2.1).
pub fn invalid_target(record: &SrvRecord) -> Option<String> {
    let host = record.target_host();
    if host == "." {
        return None;
    }
    if host.len() > 253 {
        return Some(format!("longer than 253 characters ({})", host.len()));
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Some("an empty label".into());
        }
        if label.len() > 63 {
            return Some(format!(
                "a label longer than 63 characters ({})",
                label.len()
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("a label starts or ends with `-`".into());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Some(format!(
                "`{}` is not allowed in a host name",
                c.escape_debug()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_must_be_host_names() {
        let why = |t: &str| invalid_target(&rec(10, 5, 8448, t));
        assert_eq!(why("matrix.example.com."), None);
        assert_eq!(why("."), None);
        assert_eq!(why("xn--bcher-kva.example"), None);
        assert!(why("bad_name.example.com").is_some_and(|w| w.contains("`_`")));
        assert!(why("a..b").is_some_and(|w| w.contains("empty label")));
        assert!(why("-a.example").is_some());
        assert!(why(&format!("{}.example", "a".repeat(64))).is_some());
        assert!(why("a b.example").is_some());
    }

    fn rec(priority: u16, weight: u16, port: u16, target: &str) -> SrvRecord {
        SrvRecord {
            priority,
            weight,
            port,
            target: target.into(),
            ttl: 300,
        }
    }

    fn lookup(records: Result<Vec<SrvRecord>, DnsError>) -> SrvLookup {
        SrvLookup {
            name: "_matrix-fed._tcp.example.com".into(),
            records,
        }
    }

    #[test]
    fn orders_by_priority_then_heavier_weight_stably() {
        let input = vec![
            rec(20, 100, 1, "d."),
            rec(10, 0, 2, "c."),
            rec(10, 50, 3, "a."),
            rec(10, 50, 4, "b."),
            rec(5, 0, 5, "e."),
        ];
        let ports: Vec<u16> = order(&input).iter().map(|r| r.port).collect();
        assert_eq!(ports, vec![5, 3, 4, 2, 1]);
    }

    #[test]
    fn classification_table() {
        let nx = DnsError::NxDomain {
            negative_ttl: Some(60),
        };
        let cases: Vec<(Result<Vec<SrvRecord>, DnsError>, SrvOutcome)> = vec![
            (Err(nx.clone()), SrvOutcome::NotFound(nx.clone())),
            (
                Ok(vec![]),
                SrvOutcome::NotFound(DnsError::NoData { negative_ttl: None }),
            ),
            (
                Err(DnsError::ServFail),
                SrvOutcome::Failed(DnsError::ServFail),
            ),
            (
                Err(DnsError::Timeout),
                SrvOutcome::Failed(DnsError::Timeout),
            ),
            (
                Ok(vec![rec(0, 0, 0, ".")]),
                SrvOutcome::NoService(rec(0, 0, 0, ".")),
            ),
            (
                Ok(vec![
                    rec(10, 0, 443, "."),
                    rec(20, 0, 8448, "m.example.com."),
                ]),
                SrvOutcome::Targets(vec![rec(20, 0, 8448, "m.example.com.")]),
            ),
            (
                Ok(vec![rec(20, 0, 8448, "b."), rec(10, 0, 443, "a.")]),
                SrvOutcome::Targets(vec![rec(10, 0, 443, "a."), rec(20, 0, 8448, "b.")]),
            ),
        ];
        for (records, want) in cases {
            let l = lookup(records.clone());
            assert_eq!(classify(&l), want, "{records:?}");
        }
        assert_eq!(
            stray_dots(&lookup(Ok(vec![rec(1, 0, 1, "."), rec(2, 0, 2, "a.")]))),
            1
        );
        assert_eq!(stray_dots(&lookup(Ok(vec![rec(1, 0, 1, ".")]))), 0);
    }

    #[test]
    fn target_host_drops_the_root_dot() {
        assert_eq!(
            rec(0, 0, 0, "m.example.com.").target_host(),
            "m.example.com"
        );
        assert_eq!(rec(0, 0, 0, "m.example.com").target_host(), "m.example.com");
        assert_eq!(rec(0, 0, 0, ".").target_host(), ".");
    }
}
