//! SRV answers as each peer reads them: record order, failed lookups, the
//! `.` target; and which addresses of a name each peer uses.

use crate::support::check::world::{World, rec};
use crate::support::peers::{endpoints, run, step};
use matrix_delegate::matrix::peers::{Peer, PeerFailure};
use matrix_delegate::observe::DnsError;

#[test]
fn continuwuity_and_conduwuit_take_the_first_record_in_answer_order() {
    let world = || {
        World::default()
            .srv(
                "_matrix-fed._tcp.example.com",
                Ok(vec![
                    rec(20, 0, 8448, "backup.example.com."),
                    rec(10, 0, 8448, "main.example.com."),
                ]),
            )
            .host("backup.example.com", &["11.0.0.2"])
            .host("main.example.com", &["11.0.0.1"])
    };
    for peer in [Peer::Spec, Peer::Synapse] {
        let eps = endpoints(&run(peer, &mut world(), "example.com"));
        assert_eq!(eps[0].0, "11.0.0.1:8448", "{peer}: priority 10 first");
        assert_eq!(eps.len(), 2, "{peer}");
    }
    for peer in [Peer::Continuwuity, Peer::Conduwuit] {
        let eps = endpoints(&run(peer, &mut world(), "example.com"));
        assert_eq!(
            eps.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
            ["11.0.0.2:8448"],
            "{peer}"
        );
    }
}

#[test]
fn a_servfail_on_srv_stops_synapse_and_conduwuit_but_not_the_others() {
    let world = || {
        World::default()
            .srv("_matrix-fed._tcp.example.com", Err(DnsError::ServFail))
            .host("example.com", &["11.0.0.4"])
    };
    for peer in [Peer::Synapse, Peer::Conduwuit] {
        let path = run(peer, &mut world(), "example.com");
        assert!(
            matches!(&path.failure, Some(PeerFailure::SrvLookupFailed { name, .. }) if name == "_matrix-fed._tcp.example.com"),
            "{peer}: {:?}",
            path.failure
        );
    }
    for peer in [Peer::Spec, Peer::Continuwuity] {
        let path = run(peer, &mut world(), "example.com");
        assert_eq!(step(&path), "6", "{peer}");
        assert_eq!(endpoints(&path)[0].0, "11.0.0.4:8448", "{peer}");
    }
}

#[test]
fn a_single_dot_target_means_no_service_for_the_spec_and_synapse() {
    let world = || {
        World::default()
            .srv("_matrix-fed._tcp.example.com", Ok(vec![rec(0, 0, 0, ".")]))
            .host("example.com", &["11.0.0.4"])
    };
    for peer in [Peer::Spec, Peer::Synapse] {
        let path = run(peer, &mut world(), "example.com");
        assert!(
            matches!(path.failure, Some(PeerFailure::NoService { .. })),
            "{peer}"
        );
    }
    // resolvematrix takes `.` as the empty target: its resolver falls back
    // to the URL host, on the record's port 0.
    let c = run(Peer::Continuwuity, &mut world(), "example.com");
    assert_eq!(
        endpoints(&c),
        vec![crate::support::check::world::ep(
            "11.0.0.4:0",
            "example.com:0",
            Some("example.com"),
            "example.com"
        )]
    );
    // The older resolver looks up nothing for it.
    let d = run(Peer::Conduwuit, &mut world(), "example.com");
    assert!(
        matches!(d.failure, Some(PeerFailure::NoUsableAddress { .. })),
        "{:?}",
        d.failure
    );
}

#[test]
fn the_reqwest_peers_use_ipv4_when_there_is_any_and_conduwuit_at_most_three() {
    let world = || {
        World::default().host(
            "example.com",
            &[
                "11.0.0.1",
                "11.0.0.2",
                "11.0.0.3",
                "11.0.0.4",
                "2a01:4f8::1",
            ],
        )
    };
    assert_eq!(
        endpoints(&run(Peer::Spec, &mut world(), "example.com")).len(),
        5
    );
    assert_eq!(
        endpoints(&run(Peer::Synapse, &mut world(), "example.com")).len(),
        5
    );
    let c = endpoints(&run(Peer::Continuwuity, &mut world(), "example.com"));
    assert_eq!(c.len(), 4);
    assert!(c.iter().all(|e| !e.0.starts_with('[')));
    assert_eq!(
        endpoints(&run(Peer::Conduwuit, &mut world(), "example.com")).len(),
        3
    );
    let v6_only = run(
        Peer::Continuwuity,
        &mut World::default().host("example.com", &["2a01:4f8::1"]),
        "example.com",
    );
    assert_eq!(endpoints(&v6_only)[0].0, "[2a01:4f8::1]:8448");
}

#[test]
fn continuwuity_falls_back_to_the_delegated_host_when_the_srv_target_has_no_address() {
    let mut world = World::default()
        .m_server("example.com", "matrix.example.com")
        .srv(
            "_matrix-fed._tcp.matrix.example.com",
            Ok(vec![rec(10, 0, 8443, "gone.example.net.")]),
        )
        .host("matrix.example.com", &["11.0.0.5"]);
    let path = run(Peer::Continuwuity, &mut world, "example.com");
    assert_eq!(step(&path), "3.3");
    assert_eq!(endpoints(&path)[0].0, "11.0.0.5:8443");
    let spec = run(Peer::Spec, &mut world, "example.com");
    assert!(spec.endpoints().is_empty());
}
