//! The known differences' rules (`crate::support::oracles::known`).

use crate::support::oracles::known::{KNOWN_DIFFERENCES, url_authority_host};

#[test]
fn the_url_authority_rule_drops_443_and_keeps_other_ports() {
    assert_eq!(
        url_authority_host("matrix.example.com:443", "127.0.0.11:443"),
        "matrix.example.com"
    );
    assert_eq!(
        url_authority_host("example.org", "127.0.0.20:8448"),
        "example.org:8448"
    );
    assert_eq!(
        url_authority_host("127.0.0.40", "127.0.0.40:8448"),
        "127.0.0.40:8448"
    );
    assert_eq!(url_authority_host("[::1]:443", "[::1]:443"), "[::1]");
    assert_eq!(
        url_authority_host("matrix.example.com", "127.0.0.11:8443"),
        "matrix.example.com:8443"
    );
}

#[test]
fn every_known_difference_says_why() {
    for k in KNOWN_DIFFERENCES {
        assert!(k.why.len() > 80, "{}: {}", k.oracle.name(), k.what);
    }
}
