//! Why a name's authoritative servers could not be asked.

use std::fmt;

use super::error::DnsError;

/// A name whose authoritative servers could not be asked (the zone has no
/// NS records, they have no address, or none answered): the DNS checks say
/// so instead of comparing with what resolvers cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityGap {
    /// The name (no trailing dot) whose records were to be compared.
    pub name: String,
    pub why: AuthorityGapReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorityGapReason {
    /// Neither the name nor the zone its negative answer names has NS
    /// records. `error`: why the last NS query gave none.
    NoNameservers {
        zone: String,
        error: Option<DnsError>,
    },
    /// The nameservers' host names do not resolve.
    NameserversWithoutAddress { zone: String, hosts: Vec<String> },
    /// No nameserver gave a definite answer; `last`: the resolver's words
    /// for the last failure.
    NoAnswer { zone: String, last: Option<String> },
    /// The lookup did not run to its end: why.
    Stopped(String),
}

impl fmt::Display for AuthorityGapReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthorityGapReason::NoNameservers { zone, error } => {
                let why = error.as_ref().map_or("no NS records", DnsError::code);
                write!(f, "{zone} has no NS records ({why})")
            }
            AuthorityGapReason::NameserversWithoutAddress { zone, hosts } => write!(
                f,
                "the nameservers of {zone} ({}) have no address",
                hosts.join(", ")
            ),
            AuthorityGapReason::NoAnswer { zone, last } => write!(
                f,
                "none of the nameservers of {zone} gave an answer ({})",
                last.as_deref().unwrap_or("no answer")
            ),
            AuthorityGapReason::Stopped(why) => f.write_str(why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_in_words() {
        let no_ns = AuthorityGapReason::NoNameservers {
            zone: "example.com".into(),
            error: Some(DnsError::NoData { negative_ttl: None }),
        };
        assert_eq!(no_ns.to_string(), "example.com has no NS records (NODATA)");
        let no_addr = AuthorityGapReason::NameserversWithoutAddress {
            zone: "example.com".into(),
            hosts: vec!["ns1.example.com".into(), "ns2.example.com".into()],
        };
        assert_eq!(
            no_addr.to_string(),
            "the nameservers of example.com (ns1.example.com, ns2.example.com) have no address"
        );
        let silent = AuthorityGapReason::NoAnswer {
            zone: "example.com".into(),
            last: Some("server answered SERVFAIL".into()),
        };
        assert_eq!(
            silent.to_string(),
            "none of the nameservers of example.com gave an answer (server answered SERVFAIL)"
        );
    }
}
