//! The `Host` header each peer sends at each step. The spec and Synapse
//! send `host:port` at steps 2, 3.1 (with a port) and 3.2 and no port
//! elsewhere; Continuwuity and conduwuit send their URL's authority, which
//! drops `:443` and carries every other port.

use crate::support::check::world::{World, rec};
use crate::support::peers::{hosts, run, step};
use matrix_delegate::matrix::peers::Peer;

struct Case {
    label: &'static str,
    name: &'static str,
    world: fn() -> World,
    step: &'static str,
    /// spec and Synapse
    spec_host: &'static str,
    /// Continuwuity and conduwuit
    url_host: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            label: "1: IP literal, no port",
            name: "11.0.0.9",
            world: World::default,
            step: "1",
            spec_host: "11.0.0.9",
            url_host: "11.0.0.9:8448",
        },
        Case {
            label: "2: explicit port 443",
            name: "example.com:443",
            world: || World::default().host("example.com", &["11.0.0.5"]),
            step: "2",
            spec_host: "example.com:443",
            url_host: "example.com",
        },
        Case {
            label: "2: explicit port 8448",
            name: "example.com:8448",
            world: || World::default().host("example.com", &["11.0.0.5"]),
            step: "2",
            spec_host: "example.com:8448",
            url_host: "example.com:8448",
        },
        Case {
            label: "3.1: m.server IP without port",
            name: "example.com",
            world: || World::default().m_server("example.com", "11.0.0.7"),
            step: "3.1",
            spec_host: "11.0.0.7",
            url_host: "11.0.0.7:8448",
        },
        Case {
            label: "3.2: m.server host:443",
            name: "example.com",
            world: || {
                World::default()
                    .m_server("example.com", "matrix.example.com:443")
                    .host("matrix.example.com", &["11.0.0.5"])
            },
            step: "3.2",
            spec_host: "matrix.example.com:443",
            url_host: "matrix.example.com",
        },
        Case {
            label: "3.2: m.server host:8443",
            name: "example.com",
            world: || {
                World::default()
                    .m_server("example.com", "matrix.example.com:8443")
                    .host("matrix.example.com", &["11.0.0.5"])
            },
            step: "3.2",
            spec_host: "matrix.example.com:8443",
            url_host: "matrix.example.com:8443",
        },
        Case {
            label: "3.3: delegated SRV on 8443",
            name: "example.com",
            world: || {
                World::default()
                    .m_server("example.com", "matrix.example.com")
                    .srv(
                        "_matrix-fed._tcp.matrix.example.com",
                        Ok(vec![rec(10, 0, 8443, "fed.example.net.")]),
                    )
                    .host("fed.example.net", &["11.0.0.6"])
            },
            step: "3.3",
            spec_host: "matrix.example.com",
            url_host: "matrix.example.com:8443",
        },
        Case {
            label: "3.3: delegated SRV on 443",
            name: "example.com",
            world: || {
                World::default()
                    .m_server("example.com", "matrix.example.com")
                    .srv(
                        "_matrix-fed._tcp.matrix.example.com",
                        Ok(vec![rec(10, 0, 443, "fed.example.net.")]),
                    )
                    .host("fed.example.net", &["11.0.0.6"])
            },
            step: "3.3",
            spec_host: "matrix.example.com",
            url_host: "matrix.example.com",
        },
        Case {
            label: "3.5: delegated host, port 8448",
            name: "example.com",
            world: || {
                World::default()
                    .m_server("example.com", "matrix.example.com")
                    .host("matrix.example.com", &["11.0.0.5"])
            },
            step: "3.5",
            spec_host: "matrix.example.com",
            url_host: "matrix.example.com:8448",
        },
        Case {
            label: "4: SRV of the server name",
            name: "example.com",
            world: || {
                World::default()
                    .srv(
                        "_matrix-fed._tcp.example.com",
                        Ok(vec![rec(10, 0, 8448, "matrix.example.com.")]),
                    )
                    .host("matrix.example.com", &["11.0.0.5"])
            },
            step: "4",
            spec_host: "example.com",
            url_host: "example.com:8448",
        },
        Case {
            label: "6: the server name on 8448",
            name: "example.com",
            world: || World::default().host("example.com", &["11.0.0.5"]),
            step: "6",
            spec_host: "example.com",
            url_host: "example.com:8448",
        },
    ]
}

#[test]
fn each_peer_sends_its_own_host_form_at_each_step() {
    for case in cases() {
        for peer in Peer::ALL {
            let path = run(peer, &mut (case.world)(), case.name);
            assert_eq!(step(&path), case.step, "{} / {peer}", case.label);
            assert_eq!(path.failure, None, "{} / {peer}", case.label);
            let want = match peer {
                Peer::Spec | Peer::Synapse => case.spec_host,
                Peer::Continuwuity | Peer::Conduwuit => case.url_host,
            };
            assert_eq!(
                hosts(&path),
                vec![want.to_string()],
                "{} / {peer}",
                case.label
            );
        }
    }
}

#[test]
fn sni_and_certificate_name_stay_the_spec_ones_for_every_peer() {
    for case in cases() {
        let spec = run(Peer::Spec, &mut (case.world)(), case.name);
        for peer in [Peer::Synapse, Peer::Continuwuity, Peer::Conduwuit] {
            let path = run(peer, &mut (case.world)(), case.name);
            let names = |p: &matrix_delegate::matrix::peers::PeerPath| {
                p.endpoints()
                    .into_iter()
                    .map(|e| (e.address, e.sni, e.cert_name))
                    .collect::<Vec<_>>()
            };
            assert_eq!(names(&path), names(&spec), "{} / {peer}", case.label);
        }
    }
}

#[test]
fn a_proxy_matching_host_exactly_needs_both_forms() {
    let world = || {
        World::default()
            .m_server("example.com", "matrix.example.com:443")
            .host("matrix.example.com", &["11.0.0.5"])
    };
    let mut forms: Vec<String> = Vec::new();
    for peer in Peer::ALL {
        for h in run(peer, &mut world(), "example.com").host_headers() {
            if !forms.contains(&h) {
                forms.push(h);
            }
        }
    }
    assert_eq!(forms, ["matrix.example.com:443", "matrix.example.com"]);
}
