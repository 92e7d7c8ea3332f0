//! What a certificate says about itself, and whether it covers a name by
//! the rules of RFC 6125 section 6.4 (which is what the Matrix spec asks
//! for: "a valid TLS certificate for `<hostname>`").

use std::net::IpAddr;

/// What a certificate says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub common_name: Option<String>,
    /// subjectAltName DNS entries, as written (wildcards included).
    pub dns_names: Vec<String>,
    /// subjectAltName IP entries.
    pub ip_addresses: Vec<IpAddr>,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// `not_after` as `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_after_text: String,
    pub not_before_text: String,
    /// Whole days until `not_after` (negative once expired).
    pub days_left: i64,
    pub is_ca: bool,
    /// Subject equals issuer (a root, or a self-signed leaf).
    pub self_issued: bool,
    /// Serial number in hex.
    pub serial: String,
}

impl CertInfo {
    /// Whether the certificate's subjectAltName covers `name` (a DNS name,
    /// or an IP address, bracketed or not). The common name is not
    /// consulted, as modern clients do not (RFC 6125 section 6.4.4).
    pub fn covers(&self, name: &str) -> bool {
        let bare = name.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return self.ip_addresses.contains(&ip);
        }
        self.dns_names
            .iter()
            .any(|pattern| dns_name_matches(pattern, name))
    }

    /// Every name it covers, DNS then IP, for display.
    pub fn names(&self) -> Vec<String> {
        let mut names = self.dns_names.clone();
        names.extend(self.ip_addresses.iter().map(|ip| ip.to_string()));
        names
    }
}

/// RFC 6125 section 6.4.3, as browsers and rustls apply it: case-insensitive;
/// a wildcard only as the whole left-most label, matching exactly one label,
/// never the parent itself, and not on a public-suffix-like two-label name
/// (`*.com`).
pub fn dns_name_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if pattern.is_empty() || name.is_empty() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        None => !pattern.contains('*') && pattern == name,
        Some(parent) => {
            if parent.contains('*') || !parent.contains('.') {
                return false;
            }
            match name.split_once('.') {
                Some((first, rest)) => !first.is_empty() && rest == parent,
                None => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_follow_rfc_6125() {
        assert!(dns_name_matches("*.example.com", "matrix.example.com"));
        assert!(dns_name_matches("*.Example.COM", "MATRIX.example.com"));
        assert!(!dns_name_matches("*.example.com", "example.com"));
        assert!(!dns_name_matches("*.example.com", "a.b.example.com"));
        assert!(!dns_name_matches("*.com", "example.com"));
        assert!(!dns_name_matches("m*.example.com", "matrix.example.com"));
        assert!(!dns_name_matches("*.*.example.com", "a.b.example.com"));
        assert!(dns_name_matches("example.com", "example.com."));
        assert!(!dns_name_matches("example.com", "www.example.com"));
        assert!(!dns_name_matches("", "example.com"));
    }

    #[test]
    fn ip_names_are_matched_as_addresses() {
        let cert = CertInfo {
            dns_names: vec!["matrix.example.com".into()],
            ip_addresses: vec!["2001:db8::1".parse().expect("ip")],
            ..CertInfo::default()
        };
        assert!(cert.covers("[2001:db8::1]"));
        assert!(cert.covers("2001:db8::1"));
        assert!(!cert.covers("192.0.2.1"));
        assert_eq!(cert.names(), vec!["matrix.example.com", "2001:db8::1"]);
    }
}
