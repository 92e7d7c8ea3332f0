//! An invalid `m.server` with a leftover `_matrix-fed` SRV record: the spec
//! skips to step 4 and reaches the server; Synapse and Continuwuity take the
//! value as the delegation and cannot.

use crate::support::check::world::{World, rec};
use crate::support::peers::{endpoints, run, step};
use matrix_delegate::matrix::peers::{Peer, PeerFailure, UnreachedWhy};
use matrix_delegate::observe::HttpObservation;

/// The file carries `m_server` JSON-escaped (`\u0001` for a control
/// character: a raw one is not JSON for anybody).
fn leftover_srv(m_server: &str) -> World {
    let url = "https://example.com/.well-known/matrix/server";
    let body = serde_json::json!({ "m.server": m_server }).to_string();
    let mut world = World::default();
    world.well_known.insert(
        url.into(),
        HttpObservation::get(url).respond(200, &[], body.as_bytes()),
    );
    world
        .srv(
            "_matrix-fed._tcp.example.com",
            Ok(vec![rec(10, 0, 8448, "matrix.example.com.")]),
        )
        .host("matrix.example.com", &["11.0.0.5"])
}

#[test]
fn a_scheme_in_m_server_is_step_4_for_the_spec_and_a_host_named_https_for_synapse() {
    let spec = run(
        Peer::Spec,
        &mut leftover_srv("https://matrix.example.com"),
        "example.com",
    );
    assert_eq!(step(&spec), "4");
    assert_eq!(spec.failure, None);
    assert_eq!(endpoints(&spec)[0].0, "11.0.0.5:8448");

    let mut world = leftover_srv("https://matrix.example.com");
    let synapse = run(Peer::Synapse, &mut world, "example.com");
    // urlparse: authority `https:`, host `https`, no port → SRV of `https`,
    // then port 8448 of `https`, which does not resolve.
    assert_eq!(step(&synapse), "3.5");
    assert_eq!(synapse.targets[0].connect_host, "https");
    assert_eq!(synapse.targets[0].host_header, "https:");
    assert_eq!(synapse.targets[0].port, 8448);
    assert!(
        world
            .asked
            .iter()
            .any(|n| format!("{n:?}").contains("_matrix-fed._tcp.https"))
    );
    assert!(matches!(
        &synapse.failure,
        Some(PeerFailure::NoUsableAddress { targets }) if targets[0].host == "https"
            && matches!(targets[0].why, UnreachedWhy::Lookup(_))
    ));
    assert!(synapse.endpoints().is_empty());
}

#[test]
fn continuwuity_builds_https_https_and_connects_to_the_host_https() {
    let path = run(
        Peer::Continuwuity,
        &mut leftover_srv("https://matrix.example.com"),
        "example.com",
    );
    // resolvematrix: no `:u16` at the end → the whole value is the host, no
    // SRV for it → 3.5; base_url `https://https://matrix.example.com`.
    assert_eq!(step(&path), "3.5");
    assert_eq!(path.targets[0].connect_host, "https");
    assert_eq!(path.targets[0].host_header, "https");
    assert!(
        path.trail
            .iter()
            .any(|e| e.got == "https://https://matrix.example.com")
    );
    assert!(matches!(
        path.failure,
        Some(PeerFailure::NoUsableAddress { .. })
    ));
}

#[test]
fn conduwuit_validates_m_server_like_the_spec() {
    let path = run(
        Peer::Conduwuit,
        &mut leftover_srv("https://matrix.example.com"),
        "example.com",
    );
    assert_eq!(step(&path), "4");
    assert_eq!(path.failure, None);
    assert_eq!(endpoints(&path)[0].0, "11.0.0.5:8448");
}

#[test]
fn a_bad_port_or_control_characters_fail_synapse_without_falling_back() {
    for bad in [
        "matrix.example.com:99999",
        "matrix.example.com:84a8",
        "matrix.example.com\u{1}",
    ] {
        let spec = run(Peer::Spec, &mut leftover_srv(bad), "example.com");
        assert_eq!(step(&spec), "4", "{bad:?}");
        let synapse = run(Peer::Synapse, &mut leftover_srv(bad), "example.com");
        assert!(
            matches!(&synapse.failure, Some(PeerFailure::UnusableDelegation { m_server, .. }) if m_server == bad),
            "{bad:?}: {:?}",
            synapse.failure
        );
        assert_eq!(synapse.step, None, "{bad:?}: no step 4 fallback");
    }
}

#[test]
fn an_out_of_range_port_makes_continuwuitys_request_url_unusable() {
    let path = run(
        Peer::Continuwuity,
        &mut leftover_srv("matrix.example.com:99999"),
        "example.com",
    );
    assert!(
        matches!(&path.failure, Some(PeerFailure::UnusableDelegation { why, .. }) if why.contains("URL")),
        "{:?}",
        path.failure
    );
    let conduwuit = run(
        Peer::Conduwuit,
        &mut leftover_srv("matrix.example.com:99999"),
        "example.com",
    );
    assert_eq!(step(&conduwuit), "4");
}

#[test]
fn synapse_treats_a_non_ascii_m_server_as_no_file_at_all() {
    let path = run(
        Peer::Synapse,
        &mut leftover_srv("mätrix.example.com"),
        "example.com",
    );
    assert_eq!(step(&path), "4");
    assert_eq!(endpoints(&path)[0].0, "11.0.0.5:8448");
}
