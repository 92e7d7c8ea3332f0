//! Addresses the peers refuse: Synapse's default blocklist on every DNS
//! answer and literal (one listed address drops the name), Continuwuity's
//! denylist on IPv4 literals only, nothing for the spec.

use std::net::{IpAddr, SocketAddr};

use crate::support::check::world::World;
use crate::support::peers::{endpoints, run, step};
use matrix_delegate::matrix::peers::{
    AddressPolicy, Peer, PeerFailure, Refusal, UnreachedWhy, embedded_ipv4, in_default_blocklist,
};
use matrix_delegate::observe::{Exchange, HttpObservation};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn the_default_list_names_the_kind_of_each_range() {
    let cases = [
        ("127.0.1.1", Some(Refusal::Loopback)),
        ("10.1.2.3", Some(Refusal::Private)),
        ("172.31.255.255", Some(Refusal::Private)),
        ("172.32.0.1", None),
        ("192.168.1.10", Some(Refusal::Private)),
        ("100.64.0.1", Some(Refusal::CarrierGradeNat)),
        ("100.128.0.1", None),
        ("169.254.1.1", Some(Refusal::LinkLocal)),
        ("192.0.2.1", Some(Refusal::Documentation)),
        ("198.51.100.7", Some(Refusal::Documentation)),
        ("203.0.113.9", Some(Refusal::Documentation)),
        ("198.19.0.1", Some(Refusal::Benchmarking)),
        ("239.1.1.1", Some(Refusal::Multicast)),
        ("::1", Some(Refusal::Loopback)),
        ("fe80::1", Some(Refusal::LinkLocal)),
        ("fd00::1", Some(Refusal::UniqueLocal)),
        ("2001:db8::7", Some(Refusal::Documentation)),
        ("fec0::1", Some(Refusal::SiteLocal)),
        ("2a01:4f8::1", None),
        ("11.0.0.5", None),
        // netaddr and the ipaddress crate keep the families apart.
        ("::ffff:127.0.0.1", None),
        ("0.0.0.0", None),
    ];
    for (text, want) in cases {
        assert_eq!(in_default_blocklist(ip(text)), want, "{text}");
    }
    let synapse = AddressPolicy::of(Peer::Synapse);
    assert_eq!(
        synapse.refuses_literal(ip("0.0.0.0")),
        Some(Refusal::Unspecified)
    );
    assert_eq!(
        synapse.refuses_literal(ip("::")),
        Some(Refusal::Unspecified)
    );
    assert_eq!(
        AddressPolicy::of(Peer::Continuwuity).refuses_literal(ip("0.0.0.0")),
        None
    );
}

#[test]
fn synapse_drops_a_lan_address_from_dns_and_the_spec_does_not() {
    let world = || {
        World::default()
            .m_server("example.com", "matrix.example.com:443")
            .host("matrix.example.com", &["192.168.1.10"])
    };
    let spec = run(Peer::Spec, &mut world(), "example.com");
    assert_eq!(endpoints(&spec)[0].0, "192.168.1.10:443");
    let synapse = run(Peer::Synapse, &mut world(), "example.com");
    assert!(synapse.endpoints().is_empty());
    let Some(PeerFailure::NoUsableAddress { targets }) = &synapse.failure else {
        panic!("{:?}", synapse.failure);
    };
    assert_eq!(
        targets[0].why,
        UnreachedWhy::Refused(vec![(ip("192.168.1.10"), Refusal::Private)])
    );
    // Continuwuity does not filter DNS answers.
    let continuwuity = run(Peer::Continuwuity, &mut world(), "example.com");
    assert_eq!(endpoints(&continuwuity)[0].0, "192.168.1.10:443");
}

#[test]
fn one_listed_address_makes_synapse_drop_every_address_of_the_name() {
    let mut world = World::default()
        .m_server("example.com", "matrix.example.com:443")
        .host("matrix.example.com", &["11.0.0.5", "127.0.1.1"]);
    let path = run(Peer::Synapse, &mut world, "example.com");
    assert!(path.endpoints().is_empty(), "{:?}", path.endpoints());
    assert_eq!(
        path.targets[0].refused,
        vec![(ip("127.0.1.1"), Refusal::Loopback)]
    );
}

#[test]
fn continuwuity_refuses_an_ipv4_literal_m_server_but_not_an_ipv6_one() {
    let v4 = run(
        Peer::Continuwuity,
        &mut World::default().m_server("example.com", "10.0.0.7:8448"),
        "example.com",
    );
    assert_eq!(
        v4.failure,
        Some(PeerFailure::AddressRefused {
            ip: ip("10.0.0.7"),
            refusal: Refusal::Private
        })
    );
    let v6 = run(
        Peer::Continuwuity,
        &mut World::default().m_server("example.com", "[fd00::7]:8448"),
        "example.com",
    );
    assert_eq!(v6.failure, None);
    assert_eq!(endpoints(&v6)[0].0, "[fd00::7]:8448");
    let synapse = run(
        Peer::Synapse,
        &mut World::default().m_server("example.com", "[fd00::7]:8448"),
        "example.com",
    );
    assert_eq!(step(&synapse), "3.1");
    assert!(matches!(
        synapse.failure,
        Some(PeerFailure::AddressRefused {
            refusal: Refusal::UniqueLocal,
            ..
        })
    ));
    let spec = run(
        Peer::Spec,
        &mut World::default().m_server("example.com", "10.0.0.7:8448"),
        "example.com",
    );
    assert_eq!(spec.failure, None);
}

#[test]
fn conduwuit_refuses_an_ip_literal_server_name_in_its_list() {
    let path = run(Peer::Conduwuit, &mut World::default(), "192.168.0.2:8448");
    assert!(matches!(
        path.failure,
        Some(PeerFailure::AddressRefused { .. })
    ));
    let public = run(Peer::Conduwuit, &mut World::default(), "11.0.0.2:8448");
    assert_eq!(endpoints(&public)[0].0, "11.0.0.2:8448");
}

#[test]
fn synapse_cannot_fetch_a_well_known_served_from_a_lan_address() {
    let url = "https://example.com/.well-known/matrix/server";
    let mut obs =
        HttpObservation::get(url).respond(200, &[], br#"{"m.server":"matrix.example.com:443"}"#);
    obs.exchange = Some(Exchange {
        candidates: vec![SocketAddr::new(ip("192.168.1.2"), 443)],
        ..Exchange::default()
    });
    let world = || {
        let mut w = World::default()
            .host("matrix.example.com", &["11.0.0.5"])
            .host("example.com", &["11.0.0.4"]);
        w.well_known.insert(url.into(), obs.clone());
        w
    };
    assert_eq!(step(&run(Peer::Spec, &mut world(), "example.com")), "3.2");
    let synapse = run(Peer::Synapse, &mut world(), "example.com");
    assert_eq!(step(&synapse), "6");
    assert!(synapse.trail[0].got.contains("192.168.1.2"));
}

/// Synapse's `generate_ip_set` adds, for every IPv4 range of the list, its
/// IPv4-mapped, IPv4-compatible and 6to4 IPv6 forms (found by the
/// blocklist oracle, `tests/it/oracles/blocklist.rs`): a AAAA record
/// `::ffff:192.168.1.10` is as refused as `192.168.1.10`.
#[test]
fn synapse_refuses_the_ipv6_forms_of_listed_ipv4_addresses() {
    let synapse = AddressPolicy::of(Peer::Synapse);
    for (v6, kind) in [
        ("::ffff:192.168.1.10", Refusal::Private),
        ("::10.1.2.3", Refusal::Private),
        ("2002:c0a8:10a::1", Refusal::Private),
        ("::ffff:127.0.0.1", Refusal::Loopback),
        ("2002:6440:1::1", Refusal::CarrierGradeNat),
    ] {
        assert_eq!(synapse.refuses_literal(ip(v6)), Some(kind), "{v6}");
        assert_eq!(
            synapse.filter_answers(&[ip(v6)]).1,
            vec![(ip(v6), kind)],
            "{v6}"
        );
    }
    // The forms of a public address pass, and so does anything else.
    for v6 in ["::ffff:8.8.8.8", "2002:808:808::1", "2606:4700::1111"] {
        assert_eq!(synapse.refuses_literal(ip(v6)), None, "{v6}");
    }
    assert_eq!(
        embedded_ipv4("2002:c0a8:10a::1".parse().expect("v6")),
        Some("192.168.1.10".parse().expect("v4"))
    );
    // The list as such names only the IPv4 ranges (the spec, Continuwuity).
    assert_eq!(in_default_blocklist(ip("::ffff:192.168.1.10")), None);
}
