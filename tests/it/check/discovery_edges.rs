//! Server discovery edge cases: no fallback after a valid m.server, invalid
//! files, SRV order, `.` targets, CNAME targets, failed lookups, and the
//! machine refusing input it did not ask for.

use crate::support::check as common;

use common::world::*;
use matrix_delegate::check::model::Status;
use matrix_delegate::domain::ServerName;
use matrix_delegate::matrix::discovery::{Discovery, Input, Need, Progress, Step};
use matrix_delegate::observe::{DnsError, HttpObservation};

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
    // RFC 2782 forbids it, but Synapse, Continuwuity and Dendrite follow
    // the alias: a warning that names the violation, not a failure.
    assert_eq!(note.status, Status::Warn);
    assert!(note.text.contains("RFC 2782 forbids"), "{}", note.text);
    assert!(!note.text.contains("some servers refuse"), "{}", note.text);

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
