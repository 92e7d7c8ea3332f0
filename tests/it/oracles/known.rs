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

#[test]
fn synapse_cache_periods_agree_within_its_random_spread_only() {
    use crate::support::oracles::models::keeps_agree;
    // The model reports the top of 24 h × 0.9 … 1.1.
    assert!(keeps_agree(Some(95_040), Some(80_167.0)));
    assert!(keeps_agree(Some(95_040), Some(77_760.0)));
    assert!(!keeps_agree(Some(95_040), Some(70_000.0)));
    assert!(keeps_agree(Some(3_960), Some(3_340.0)));
    // A period from the headers is exact.
    assert!(keeps_agree(Some(3_600), Some(3_600.0)));
    assert!(!keeps_agree(Some(300), Some(310.0)));
    // No well-known fetched: nothing to compare; a model that keeps
    // nothing while Synapse cached a file is a difference.
    assert!(keeps_agree(None, None));
    assert!(!keeps_agree(None, Some(3_600.0)));
}
