//! Which A/AAAA answer peers elsewhere get for a name, when this machine's
//! resolver and the zone's authoritative servers disagree (split horizon, a
//! hosts file such as Debian's `127.0.1.1` line, a stale cache): the
//! authoritative one. Remote servers resolve the names of the federation
//! path (server-server API, "Resolving server names", steps 3–6) through
//! their own resolvers, which end at the zone's authoritative servers; they
//! never see this machine's local zone, hosts file or cache. So federation
//! is checked on the authoritative addresses, and the resolver's own answer
//! is named in the DNS check, not probed.
//!
//! Pure: the runner asks both and calls [`public_answer`]; the DNS checks
//! call [`replaced_by`] to say what happened.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::observe::AddressLookup;

/// The answer federation uses for one name: `resolver` (this machine's
/// answer) unless [`replaced_by`] says the authoritative one differs.
pub fn public_answer<'a>(
    resolver: &'a AddressLookup,
    authoritative: Option<&'a AddressLookup>,
) -> &'a AddressLookup {
    replaced_by(resolver, authoritative).unwrap_or(resolver)
}

/// The authoritative answer, when it replaces the resolver's: it has
/// addresses, and the resolver gave a definite answer (records, NXDOMAIN or
/// NODATA) with another set of addresses.
///
/// Not replaced:
/// - the authoritative answer has no address (a CNAME into another zone,
///   whose servers were not asked, or a name only the local zone knows): the
///   resolver's answer is all there is, and the DNS check says what the
///   authoritative servers said;
/// - the resolver failed (SERVFAIL, timeout, refused, this machine could not
///   ask): a validating resolver elsewhere fails the same way on a DNSSEC
///   error, and the DNS check reports the failure as it is.
pub fn replaced_by<'a>(
    resolver: &AddressLookup,
    authoritative: Option<&'a AddressLookup>,
) -> Option<&'a AddressLookup> {
    let auth = authoritative?;
    let set = |l: &AddressLookup| l.addresses().into_iter().collect::<BTreeSet<IpAddr>>();
    let differs = set(resolver) != set(auth);
    (auth.records().next().is_some() && is_definite(resolver) && differs).then_some(auth)
}

/// Both families answered definitely: records, NXDOMAIN or NODATA (not
/// SERVFAIL, a timeout, or a query this machine could not make).
pub fn is_definite(l: &AddressLookup) -> bool {
    [&l.a, &l.aaaa]
        .into_iter()
        .all(|r| r.as_ref().map_or_else(|e| e.is_negative_answer(), |_| true))
}

/// The addresses of a lookup in a line (`192.168.1.20`, `no address`).
pub fn shown(l: &AddressLookup) -> String {
    let all = l.addresses();
    if all.is_empty() {
        return "no address".into();
    }
    all.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where federation was checked on the authoritative answer of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Discovery was given it: every probe of this host used it.
    Here,
    /// The server name: its addresses are federation's only at steps 4–6
    /// (the well-known files are fetched through this machine's resolver).
    WhereConnected,
    /// Discovery went on with the resolver's answer (the authoritative one
    /// came too late): nothing to state.
    NotHere,
}

/// The plain statement of a replaced answer: "this machine's resolver
/// answers X; the authoritative servers answer Y; peers elsewhere get Y;
/// checked Y".
pub fn statement(resolver: &AddressLookup, authoritative: &AddressLookup, at: Checked) -> String {
    let (local, public) = (shown(resolver), shown(authoritative));
    let name = &resolver.name;
    let checked = match at {
        Checked::Here => format!("checked {public}"),
        Checked::WhereConnected => {
            format!("federation is checked on {public} wherever it connects to {name}")
        }
        Checked::NotHere => format!("checked {local} (the authoritative answer came too late)"),
    };
    format!(
        "this machine's resolver answers {local} for {name}; the authoritative servers answer \
         {public}; peers elsewhere get {public}; {checked}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::{AddressRecord, DnsError};

    fn lookup(name: &str, a: Result<Vec<&str>, DnsError>) -> AddressLookup {
        AddressLookup {
            name: name.into(),
            cnames: Vec::new(),
            a: a.map(|ips| {
                ips.iter()
                    .map(|ip| AddressRecord {
                        ip: ip.parse().expect("test address"),
                        ttl: 300,
                    })
                    .collect()
            }),
            aaaa: Err(DnsError::NoData { negative_ttl: None }),
        }
    }

    #[test]
    fn a_differing_authoritative_answer_is_what_peers_get() {
        let local = lookup("matrix.example.com", Ok(vec!["192.168.1.20"]));
        let auth = lookup("matrix.example.com", Ok(vec!["203.0.113.5"]));
        assert_eq!(replaced_by(&local, Some(&auth)), Some(&auth));
        assert_eq!(public_answer(&local, Some(&auth)), &auth);
        // A stale negative answer too: the name has records now.
        let nx = lookup(
            "matrix.example.com",
            Err(DnsError::NxDomain {
                negative_ttl: Some(300),
            }),
        );
        assert_eq!(public_answer(&nx, Some(&auth)), &auth);
    }

    #[test]
    fn the_resolver_s_answer_stands_otherwise() {
        let local = lookup("matrix.example.com", Ok(vec!["203.0.113.5"]));
        // The same addresses (TTLs may differ): nothing to replace.
        let same = lookup("matrix.example.com", Ok(vec!["203.0.113.5"]));
        assert_eq!(replaced_by(&local, Some(&same)), None);
        // Not asked, or no address there (a CNAME into another zone).
        assert_eq!(public_answer(&local, None), &local);
        let none = lookup(
            "matrix.example.com",
            Err(DnsError::NoData { negative_ttl: None }),
        );
        assert_eq!(public_answer(&local, Some(&none)), &local);
        // The resolver failed: that failure is reported as it is.
        let auth = lookup("matrix.example.com", Ok(vec!["198.51.100.7"]));
        for e in [DnsError::ServFail, DnsError::Timeout] {
            let failed = lookup("matrix.example.com", Err(e));
            assert_eq!(replaced_by(&failed, Some(&auth)), None);
        }
    }

    #[test]
    fn the_statement_names_both_answers_and_what_was_checked() {
        let local = lookup("matrix.example.com", Ok(vec!["192.168.1.20"]));
        let auth = lookup("matrix.example.com", Ok(vec!["203.0.113.5", "203.0.113.6"]));
        assert_eq!(
            statement(&local, &auth, Checked::Here),
            "this machine's resolver answers 192.168.1.20 for matrix.example.com; the \
             authoritative servers answer 203.0.113.5, 203.0.113.6; peers elsewhere get \
             203.0.113.5, 203.0.113.6; checked 203.0.113.5, 203.0.113.6"
        );
        let nx = lookup(
            "matrix.example.com",
            Err(DnsError::NxDomain { negative_ttl: None }),
        );
        assert_eq!(
            statement(&nx, &auth, Checked::WhereConnected),
            "this machine's resolver answers no address for matrix.example.com; the \
             authoritative servers answer 203.0.113.5, 203.0.113.6; peers elsewhere get \
             203.0.113.5, 203.0.113.6; federation is checked on 203.0.113.5, 203.0.113.6 \
             wherever it connects to matrix.example.com"
        );
    }
}
