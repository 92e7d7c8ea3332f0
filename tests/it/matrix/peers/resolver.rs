//! The resolver protocol (need → observation → need) and the verdict walk
//! over a peer's endpoints.

use std::net::SocketAddr;

use crate::support::check::world::World;
use crate::support::peers::run;
use matrix_delegate::domain::ServerName;
use matrix_delegate::matrix::discovery::Input;
use matrix_delegate::matrix::peers::{
    Context, EndpointOutcome, Peer, PeerNeed, PeerProgress, PeerResolver, PeerVerdict,
};
use matrix_delegate::observe::{DnsError, SrvLookup};

#[test]
fn input_of_the_wrong_kind_is_refused_and_changes_nothing() {
    let name = ServerName::parse("example.com").unwrap();
    for peer in Peer::ALL {
        let mut r = PeerResolver::new(peer, name.clone(), Context::default());
        let before = r.need();
        let wrong = Input::Srv(SrvLookup {
            name: "_matrix-fed._tcp.example.com".into(),
            records: Err(DnsError::NxDomain { negative_ttl: None }),
        });
        let err = r.feed(wrong).unwrap_err();
        assert_eq!(err.needed, before, "{peer}");
        assert_eq!(r.need(), before, "{peer}");
        assert!(
            err.to_string().contains("needed the well-known file"),
            "{peer}: {err}"
        );
    }
}

#[test]
fn a_finished_resolution_takes_no_more_input() {
    let name = ServerName::parse("11.0.0.9:8448").unwrap();
    let mut r = PeerResolver::new(Peer::Synapse, name, Context::default());
    assert!(matches!(r.progress(), PeerProgress::Resolved(_)));
    let err = r.feed(Input::Addresses(vec![])).unwrap_err();
    assert_eq!(err.needed, None);
}

#[test]
fn lookups_needed_are_the_spec_ones_so_the_runner_can_share_them() {
    let name = ServerName::parse("example.com").unwrap();
    let r = PeerResolver::new(Peer::Synapse, name, Context::default());
    let Some(need @ PeerNeed::WellKnown { .. }) = r.need() else {
        panic!("well-known first");
    };
    assert_eq!(
        need.as_need(),
        matrix_delegate::matrix::discovery::Need::WellKnown {
            url: "https://example.com/.well-known/matrix/server".into()
        }
    );
}

#[test]
fn the_first_endpoint_that_accepts_a_connection_decides() {
    let path = run(
        Peer::Synapse,
        &mut World::default().host("example.com", &["11.0.0.1", "11.0.0.2"]),
        "example.com",
    );
    let first: SocketAddr = "11.0.0.1:8448".parse().unwrap();
    let outcome = |first_is: EndpointOutcome| {
        move |e: &matrix_delegate::matrix::peers::PeerEndpoint| {
            if e.address == first {
                first_is
            } else {
                EndpointOutcome::Works
            }
        }
    };
    assert!(matches!(
        path.verdict(outcome(EndpointOutcome::Unreachable)),
        PeerVerdict::Works(e) if e.address.to_string() == "11.0.0.2:8448"
    ));
    assert!(matches!(
        path.verdict(outcome(EndpointOutcome::Failed)),
        PeerVerdict::FailsAt(e) if e.address == first
    ));
    assert_eq!(
        path.verdict(|_| EndpointOutcome::Unreachable),
        PeerVerdict::Unreachable
    );
    let failed = run(Peer::Synapse, &mut World::default(), "example.com");
    assert!(matches!(
        failed.verdict(|_| EndpointOutcome::Works),
        PeerVerdict::Failed(_)
    ));
}

#[test]
fn names_are_stable_and_every_peer_states_its_basis() {
    let names: Vec<&str> = Peer::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(names, ["spec", "synapse", "continuwuity", "conduwuit"]);
    // The versions the oracles run (tests/it/oracles/models.rs).
    assert!(Peer::Synapse.basis().contains("Synapse 1.163.2"));
    assert!(Peer::Continuwuity.basis().contains("resolvematrix 1.4.0"));
    assert!(Peer::Conduwuit.basis().contains("0.5.11"));
}

#[test]
fn the_summary_is_the_report_entry() {
    let mut world = World::default()
        .m_server("example.com", "matrix.example.com")
        .host("matrix.example.com", &["11.0.0.5"]);
    let path = run(Peer::Continuwuity, &mut world, "example.com");
    let json = serde_json::to_value(path.summary(|_| EndpointOutcome::Works)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "peer": "continuwuity",
            "basis": Peer::Continuwuity.basis(),
            "ok": true,
            "step": "3.5",
            "targets": [{
                "address": "11.0.0.5:8448",
                "host_header": "matrix.example.com:8448",
                "sni": "matrix.example.com",
                "ok": true
            }],
            "failure": null,
            "redirects": [],
            "keeps_answer_s": 86400
        })
    );
    let broken = path.summary(|_| EndpointOutcome::Failed);
    assert!(!broken.ok);
    assert_eq!(
        broken.failure.as_deref(),
        Some(
            "11.0.0.5:8448 (Host matrix.example.com:8448) accepted the connection and then failed"
        )
    );
}
