//! Server discovery ("Resolving server names"): every spec step's decision,
//! driven through the public state machine with canned observations.

use crate::support::check as common;

use common::world::*;
use matrix_delegate::matrix::discovery::{Need, Step};

#[test]
fn every_spec_step_decides_address_host_sni_and_certificate() {
    struct Case {
        name: &'static str,
        world: World,
        step: Step,
        want: Vec<(String, String, Option<String>, String)>,
    }
    let s = Some;
    let cases = vec![
        Case {
            name: "203.0.113.9",
            world: World::default(),
            step: Step::IpLiteral,
            want: vec![ep("203.0.113.9:8448", "203.0.113.9", None, "203.0.113.9")],
        },
        Case {
            name: "[2001:db8::9]:8443",
            world: World::default(),
            step: Step::IpLiteral,
            want: vec![ep(
                "[2001:db8::9]:8443",
                "[2001:db8::9]:8443",
                None,
                "2001:db8::9",
            )],
        },
        Case {
            name: "example.com:8448",
            world: World::default().host("example.com", &["203.0.113.5", "2001:db8::5"]),
            step: Step::ExplicitPort,
            want: vec![
                ep(
                    "203.0.113.5:8448",
                    "example.com:8448",
                    s("example.com"),
                    "example.com",
                ),
                ep(
                    "[2001:db8::5]:8448",
                    "example.com:8448",
                    s("example.com"),
                    "example.com",
                ),
            ],
        },
        Case {
            name: "example.com",
            world: World::default().m_server("example.com", "198.51.100.7:8443"),
            step: Step::DelegatedIp,
            want: vec![ep(
                "198.51.100.7:8443",
                "198.51.100.7:8443",
                None,
                "198.51.100.7",
            )],
        },
        Case {
            name: "example.com",
            world: World::default().m_server("example.com", "[2001:db8::7]"),
            step: Step::DelegatedIp,
            want: vec![ep(
                "[2001:db8::7]:8448",
                "[2001:db8::7]",
                None,
                "2001:db8::7",
            )],
        },
        Case {
            name: "example.com",
            world: World::default()
                .m_server("example.com", "matrix.example.com:443")
                .host("matrix.example.com", &["203.0.113.7"]),
            step: Step::DelegatedHostPort,
            want: vec![ep(
                "203.0.113.7:443",
                "matrix.example.com:443",
                s("matrix.example.com"),
                "matrix.example.com",
            )],
        },
        Case {
            name: "example.com",
            world: World::default()
                .m_server("example.com", "matrix.example.com")
                .srv(
                    "_matrix-fed._tcp.matrix.example.com",
                    Ok(vec![rec(10, 10, 443, "fed.example.net.")]),
                )
                .host("fed.example.net", &["203.0.113.8"]),
            step: Step::DelegatedSrv,
            want: vec![ep(
                "203.0.113.8:443",
                "matrix.example.com",
                s("matrix.example.com"),
                "matrix.example.com",
            )],
        },
        Case {
            name: "example.com",
            world: World::default()
                .m_server("example.com", "matrix.example.com")
                .srv(
                    "_matrix._tcp.matrix.example.com",
                    Ok(vec![rec(10, 10, 8443, "fed.example.net.")]),
                )
                .host("fed.example.net", &["203.0.113.8"]),
            step: Step::DelegatedLegacySrv,
            want: vec![ep(
                "203.0.113.8:8443",
                "matrix.example.com",
                s("matrix.example.com"),
                "matrix.example.com",
            )],
        },
        Case {
            name: "example.com",
            world: World::default()
                .m_server("example.com", "matrix.example.com")
                .host("matrix.example.com", &["2001:db8::7"]),
            step: Step::DelegatedDefaultPort,
            want: vec![ep(
                "[2001:db8::7]:8448",
                "matrix.example.com",
                s("matrix.example.com"),
                "matrix.example.com",
            )],
        },
        Case {
            name: "example.com",
            world: World::default()
                .well_known_status("example.com", 404)
                .srv(
                    "_matrix-fed._tcp.example.com",
                    Ok(vec![rec(10, 10, 443, "matrix.example.com.")]),
                )
                .host("matrix.example.com", &["203.0.113.7"]),
            step: Step::Srv,
            // Certificate, SNI and Host are for the server name, not the SRV target.
            want: vec![ep(
                "203.0.113.7:443",
                "example.com",
                s("example.com"),
                "example.com",
            )],
        },
        Case {
            name: "example.com",
            world: World::default()
                .srv(
                    "_matrix._tcp.example.com",
                    Ok(vec![rec(10, 10, 8448, "matrix.example.com.")]),
                )
                .host("matrix.example.com", &["203.0.113.7"]),
            step: Step::LegacySrv,
            want: vec![ep(
                "203.0.113.7:8448",
                "example.com",
                s("example.com"),
                "example.com",
            )],
        },
        Case {
            name: "example.com",
            world: World::default().host("example.com", &["203.0.113.5"]),
            step: Step::DefaultPort,
            want: vec![ep(
                "203.0.113.5:8448",
                "example.com",
                s("example.com"),
                "example.com",
            )],
        },
    ];
    for mut case in cases {
        let res = case.world.resolve(case.name);
        assert_eq!(res.step, case.step, "{}: {:#?}", case.name, res.trail);
        assert_eq!(
            endpoints(&res),
            case.want,
            "{} step {}",
            case.name,
            case.step
        );
        assert!(!res.trail.is_empty());
    }
}

#[test]
fn asks_exactly_what_each_path_needs_in_order() {
    let mut world = World::default()
        .m_server("example.com", "matrix.example.com")
        .host("matrix.example.com", &["203.0.113.7"]);
    world.resolve("example.com");
    assert_eq!(
        world.asked,
        vec![
            Need::WellKnown {
                url: "https://example.com/.well-known/matrix/server".into()
            },
            Need::Srv {
                name: "_matrix-fed._tcp.matrix.example.com".into()
            },
            Need::LegacySrv {
                name: "_matrix._tcp.matrix.example.com".into()
            },
            Need::Addresses {
                hosts: vec!["matrix.example.com".into()]
            },
        ]
    );

    // The deprecated record is not consulted when _matrix-fed exists.
    let mut world = World::default()
        .well_known_status("example.com", 404)
        .srv(
            "_matrix-fed._tcp.example.com",
            Ok(vec![rec(0, 0, 443, "a.example.")]),
        )
        .srv(
            "_matrix._tcp.example.com",
            Ok(vec![rec(0, 0, 8448, "b.example.")]),
        );
    let res = world.resolve("example.com");
    assert_eq!(res.step, Step::Srv);
    assert!(
        !world
            .asked
            .iter()
            .any(|n| matches!(n, Need::LegacySrv { .. }))
    );
}
