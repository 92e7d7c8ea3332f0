//! The spec peer is the existing discovery: same step, same endpoints, on
//! the inputs of the built-in scenarios (as canned worlds).

use crate::support::check::world::{NX, World, endpoints as discovery_endpoints, rec};
use crate::support::peers::{endpoints, run};
use matrix_delegate::matrix::peers::Peer;
use matrix_delegate::observe::DnsError;

fn worlds() -> Vec<(&'static str, &'static str, World)> {
    vec![
        (
            "healthy-well-known",
            "example.com",
            World::default()
                .m_server("example.com", "matrix.example.com:443")
                .host("matrix.example.com", &["11.0.0.5", "2a01:4f8::5"]),
        ),
        (
            "healthy-delegated-8448",
            "example.com",
            World::default()
                .m_server("example.com", "matrix.example.com")
                .host("matrix.example.com", &["11.0.0.5"]),
        ),
        (
            "healthy-srv-only",
            "example.com",
            World::default()
                .srv(
                    "_matrix-fed._tcp.example.com",
                    Ok(vec![
                        rec(10, 5, 8448, "matrix.example.com."),
                        rec(20, 0, 8449, "b.example.com."),
                    ]),
                )
                .host("matrix.example.com", &["11.0.0.5"])
                .host("b.example.com", &["11.0.0.6"]),
        ),
        (
            "healthy-srv-well-known",
            "example.com",
            World::default()
                .m_server("example.com", "matrix.example.com")
                .srv(
                    "_matrix-fed._tcp.matrix.example.com",
                    Ok(vec![rec(10, 0, 443, "matrix.example.com.")]),
                )
                .host("matrix.example.com", &["11.0.0.5"]),
        ),
        (
            "healthy-explicit-port",
            "example.com:8448",
            World::default().host("example.com", &["11.0.0.4"]),
        ),
        ("healthy-ip-literal", "11.0.0.9:8448", World::default()),
        (
            "healthy-well-known-ip-literal",
            "example.com",
            World::default().m_server("example.com", "11.0.0.7:8443"),
        ),
        (
            "healthy-no-delegation",
            "example.com",
            World::default().host("example.com", &["11.0.0.4"]),
        ),
        (
            "deprecated-matrix-srv",
            "example.com",
            World::default()
                .srv(
                    "_matrix._tcp.example.com",
                    Ok(vec![rec(10, 0, 8448, "matrix.example.com.")]),
                )
                .host("matrix.example.com", &["11.0.0.5"]),
        ),
        (
            "m-server-with-scheme",
            "example.com",
            World::default()
                .m_server("example.com", "https://matrix.example.com")
                .host("example.com", &["11.0.0.4"]),
        ),
        (
            "dns-nxdomain-delegated-host",
            "example.com",
            World::default().m_server("example.com", "matrix.example.com:443"),
        ),
        (
            "dns-servfail-delegated-srv",
            "example.com",
            World::default()
                .m_server("example.com", "matrix.example.com")
                .srv(
                    "_matrix-fed._tcp.matrix.example.com",
                    Err(DnsError::ServFail),
                )
                .host("matrix.example.com", &["11.0.0.5"]),
        ),
        (
            "well-known-404",
            "example.com",
            World::default()
                .well_known_status("example.com", 404)
                .srv("_matrix-fed._tcp.example.com", Err(NX))
                .host("example.com", &["11.0.0.4"]),
        ),
    ]
}

#[test]
fn the_spec_peer_is_the_discovery_machine() {
    for (label, name, mut world) in worlds() {
        let resolution = world.resolve(name);
        let path = run(Peer::Spec, &mut world, name);
        assert_eq!(path.step, Some(resolution.step), "{label}");
        assert_eq!(
            endpoints(&path),
            discovery_endpoints(&resolution),
            "{label}"
        );
        assert_eq!(path.trail, resolution.trail, "{label}");
    }
}
