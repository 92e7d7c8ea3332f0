//! Server discovery ("Resolving server names"): every spec step's decision,
//! driven through the public state machine with canned observations.

use std::collections::HashMap;
use std::net::IpAddr;

use matrix_delegate::check::discovery::{Discovery, Input, Need, Progress, Resolution, Step};
use matrix_delegate::check::model::Status;
use matrix_delegate::check::observe::{
    AddressLookup, AddressRecord, CnameRecord, DnsError, FetchFailure, HttpObservation, SrvLookup,
    SrvRecord,
};
use matrix_delegate::domain::ServerName;

const NX: DnsError = DnsError::NxDomain { negative_ttl: None };

/// A canned little internet: anything not listed is NXDOMAIN / unreachable.
#[derive(Default)]
struct World {
    well_known: HashMap<String, HttpObservation>,
    srv: HashMap<String, Result<Vec<SrvRecord>, DnsError>>,
    hosts: HashMap<String, AddressLookup>,
    asked: Vec<Need>,
}

impl World {
    fn m_server(mut self, name: &str, m_server: &str) -> World {
        let url = format!("https://{name}/.well-known/matrix/server");
        let body = format!(r#"{{"m.server":"{m_server}"}}"#);
        let obs = HttpObservation::get(&url).respond(
            200,
            &[("content-type", "application/json")],
            body.as_bytes(),
        );
        self.well_known.insert(url, obs);
        self
    }

    fn well_known_status(mut self, name: &str, status: u16) -> World {
        let url = format!("https://{name}/.well-known/matrix/server");
        self.well_known.insert(
            url.clone(),
            HttpObservation::get(&url).respond(status, &[], b"nope"),
        );
        self
    }

    fn srv(mut self, owner: &str, records: Result<Vec<SrvRecord>, DnsError>) -> World {
        self.srv.insert(owner.to_string(), records);
        self
    }

    fn host(mut self, name: &str, ips: &[&str]) -> World {
        let parse = |s: &&str| AddressRecord {
            ip: s.parse::<IpAddr>().expect("test address"),
            ttl: 300,
        };
        let (v4, v6): (Vec<&str>, Vec<&str>) = ips.iter().partition(|s| !s.contains(':'));
        let or_nodata = |v: Vec<AddressRecord>| {
            if v.is_empty() {
                Err(DnsError::NoData { negative_ttl: None })
            } else {
                Ok(v)
            }
        };
        self.hosts.insert(
            name.to_string(),
            AddressLookup {
                name: name.to_string(),
                cnames: Vec::new(),
                a: or_nodata(v4.iter().map(parse).collect()),
                aaaa: or_nodata(v6.iter().map(parse).collect()),
            },
        );
        self
    }

    fn cname(mut self, name: &str, target: &str, ips: &[&str]) -> World {
        self = self.host(name, ips);
        if let Some(l) = self.hosts.get_mut(name) {
            l.cnames.push(CnameRecord {
                name: name.into(),
                target: target.into(),
                ttl: 60,
            });
        }
        self
    }

    fn answer(&mut self, need: &Need) -> Input {
        self.asked.push(need.clone());
        match need {
            Need::WellKnown { url } => {
                Input::WellKnown(self.well_known.get(url).cloned().unwrap_or_else(|| {
                    HttpObservation::get(url).fail(FetchFailure::Dns("NXDOMAIN".into()))
                }))
            }
            Need::Srv { name } => Input::Srv(self.srv_lookup(name)),
            Need::LegacySrv { name } => Input::LegacySrv(self.srv_lookup(name)),
            Need::Addresses { hosts } => Input::Addresses(
                hosts
                    .iter()
                    .map(|h| {
                        self.hosts.get(h).cloned().unwrap_or(AddressLookup {
                            name: h.clone(),
                            cnames: Vec::new(),
                            a: Err(NX),
                            aaaa: Err(NX),
                        })
                    })
                    .collect(),
            ),
        }
    }

    fn srv_lookup(&self, name: &str) -> SrvLookup {
        SrvLookup {
            name: name.to_string(),
            records: self.srv.get(name).cloned().unwrap_or(Err(NX)),
        }
    }

    fn resolve(&mut self, name: &str) -> Resolution {
        let name = ServerName::parse(name).expect("test server name");
        Discovery::run(name, |need| self.answer(need))
    }
}

fn rec(priority: u16, weight: u16, port: u16, target: &str) -> SrvRecord {
    SrvRecord {
        priority,
        weight,
        port,
        target: target.into(),
        ttl: 3600,
    }
}

/// (address, Host, SNI, certificate name) of every endpoint.
fn endpoints(res: &Resolution) -> Vec<(String, String, Option<String>, String)> {
    res.endpoints()
        .into_iter()
        .map(|(addr, t)| {
            (
                addr.to_string(),
                t.host_header.clone(),
                t.sni.clone(),
                t.cert_name.clone(),
            )
        })
        .collect()
}

fn ep(
    addr: &str,
    host: &str,
    sni: Option<&str>,
    cert: &str,
) -> (String, String, Option<String>, String) {
    (addr.into(), host.into(), sni.map(String::from), cert.into())
}

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

#[test]
fn valid_well_known_never_falls_back_to_step_4() {
    // m.server valid, but neither SRV nor A/AAAA of the delegated host exist,
    // while the server name has a perfectly good _matrix-fed record.
    let mut world = World::default()
        .m_server("example.com", "gone.example.com")
        .srv(
            "_matrix-fed._tcp.example.com",
            Ok(vec![rec(0, 0, 443, "ok.example.")]),
        )
        .host("ok.example", &["203.0.113.1"]);
    let res = world.resolve("example.com");
    assert_eq!(res.step, Step::DelegatedDefaultPort);
    assert!(res.endpoints().is_empty());
    assert_eq!(res.targets.len(), 1);
    assert!(
        res.targets[0]
            .lookup_failure
            .as_deref()
            .is_some_and(|f| f.contains("NXDOMAIN"))
    );
    assert!(!world.asked.contains(&Need::Srv {
        name: "_matrix-fed._tcp.example.com".into()
    }));
}

#[test]
fn invalid_well_known_variants_all_skip_to_step_4() {
    let bodies = [
        (200, "not json"),
        (200, "{}"),
        (200, r#"{"m.server":"https://matrix.example.com"}"#),
        (200, r#"{"m.server":42}"#),
        (500, r#"{"m.server":"matrix.example.com:443"}"#),
        (404, ""),
    ];
    for (status, body) in bodies {
        let url = "https://example.com/.well-known/matrix/server";
        let mut world = World::default().host("example.com", &["203.0.113.5"]);
        world.well_known.insert(
            url.into(),
            HttpObservation::get(url).respond(status, &[], body.as_bytes()),
        );
        let res = world.resolve("example.com");
        assert_eq!(res.step, Step::DefaultPort, "{status} {body}");
        assert!(
            res.well_known
                .as_ref()
                .is_some_and(|w| w.invalid().is_some())
        );
    }
}

#[test]
fn srv_targets_in_preference_order_each_resolved() {
    let mut world = World::default()
        .well_known_status("example.com", 404)
        .srv(
            "_matrix-fed._tcp.example.com",
            Ok(vec![
                rec(20, 0, 8448, "backup.example.com."),
                rec(10, 5, 443, "light.example.com."),
                rec(10, 60, 443, "heavy.example.com."),
            ]),
        )
        .host("backup.example.com", &["203.0.113.3"])
        .host("light.example.com", &["203.0.113.2"])
        .host("heavy.example.com", &["203.0.113.1", "2001:db8::1"]);
    let res = world.resolve("example.com");
    let addrs: Vec<String> = res.endpoints().iter().map(|(a, _)| a.to_string()).collect();
    assert_eq!(
        addrs,
        vec![
            "203.0.113.1:443",
            "[2001:db8::1]:443",
            "203.0.113.2:443",
            "203.0.113.3:8448"
        ]
    );
    // All three hosts were asked for in one go (the runner can look them up concurrently).
    assert!(world.asked.contains(&Need::Addresses {
        hosts: vec![
            "heavy.example.com".into(),
            "light.example.com".into(),
            "backup.example.com".into()
        ]
    }));
}

#[test]
fn dot_target_means_no_service_and_stops() {
    let mut world = World::default()
        .well_known_status("example.com", 404)
        .srv("_matrix-fed._tcp.example.com", Ok(vec![rec(0, 0, 0, ".")]))
        .host("example.com", &["203.0.113.5"]);
    let res = world.resolve("example.com");
    assert_eq!(res.step, Step::Srv);
    assert_eq!(
        res.no_service.as_deref(),
        Some("_matrix-fed._tcp.example.com")
    );
    assert!(res.targets.is_empty());
    assert_eq!(res.worst_note(), Some(Status::Fail));
    assert!(
        !world
            .asked
            .iter()
            .any(|n| matches!(n, Need::LegacySrv { .. } | Need::Addresses { .. }))
    );
}

#[test]
fn cname_srv_target_is_reported_but_still_followed() {
    let mut world = World::default()
        .m_server("example.com", "matrix.example.com")
        .srv(
            "_matrix-fed._tcp.matrix.example.com",
            Ok(vec![rec(10, 10, 443, "alias.example.com.")]),
        )
        .cname("alias.example.com", "real.example.net", &["203.0.113.9"]);
    let res = world.resolve("example.com");
    assert_eq!(res.step, Step::DelegatedSrv);
    assert_eq!(res.endpoints().len(), 1);
    assert_eq!(res.targets[0].cname.as_deref(), Some("real.example.net"));
    let note = res
        .notes
        .iter()
        .find(|n| n.text.contains("CNAME"))
        .expect("CNAME noted");
    assert_eq!(note.status, Status::Fail);

    // A CNAME on a 3.2 host is fine (the spec follows CNAMEs there).
    let mut world = World::default()
        .m_server("example.com", "matrix.example.com:443")
        .cname("matrix.example.com", "lb.example.net", &["203.0.113.9"]);
    let res = world.resolve("example.com");
    assert!(res.notes.is_empty(), "{:?}", res.notes);
}

#[test]
fn srv_servfail_is_noted_and_discovery_carries_on() {
    let mut world = World::default()
        .well_known_status("example.com", 404)
        .srv("_matrix-fed._tcp.example.com", Err(DnsError::ServFail))
        .host("example.com", &["203.0.113.5"]);
    let res = world.resolve("example.com");
    assert_eq!(res.step, Step::DefaultPort);
    assert!(
        res.notes
            .iter()
            .any(|n| n.status == Status::Fail && n.text.contains("SERVFAIL"))
    );
}

#[test]
fn deprecated_steps_are_noted() {
    let mut world = World::default()
        .srv(
            "_matrix._tcp.example.com",
            Ok(vec![rec(0, 0, 8448, "m.example.com.")]),
        )
        .host("m.example.com", &["203.0.113.5"]);
    let res = world.resolve("example.com");
    assert_eq!(res.step, Step::LegacySrv);
    assert!(
        res.notes
            .iter()
            .any(|n| n.status == Status::Warn && n.text.contains("_matrix-fed"))
    );
}

#[test]
fn wrong_input_is_refused_and_changes_nothing() {
    let name = ServerName::parse("example.com").expect("name");
    let mut d = Discovery::new(name);
    let before = d.need();
    let err = d
        .feed(Input::Addresses(Vec::new()))
        .expect_err("addresses are not what step 3 needs");
    assert!(err.to_string().contains("well-known"), "{err}");
    assert_eq!(d.need(), before);
    // Input::failed builds the right kind for any need.
    let need = d.need().expect("a need");
    let progress = d.feed(Input::failed(&need, "deadline")).expect("accepted");
    assert!(matches!(progress, Progress::Need(Need::Srv { .. })));
}

#[test]
fn progress_is_resolved_immediately_for_ip_literals() {
    let d = Discovery::new(ServerName::parse("10.1.2.3:8443").expect("name"));
    match d.progress() {
        Progress::Resolved(res) => assert_eq!(res.endpoints()[0].0.to_string(), "10.1.2.3:8443"),
        Progress::Need(n) => panic!("needs {n:?}"),
    }
    assert_eq!(d.need(), None);
}
