//! What the oracles (`tests/it/oracles/models.rs`) established about the
//! peers' own code, pinned in the models so that a change shows here
//! without root or the oracles installed.

use crate::support::check::world::World;
use crate::support::peers::{endpoints, run, run_with, step};
use matrix_delegate::matrix::peers::{Context, FetchPolicy, Peer, PrivateAddresses, keeps};

/// Continuwuity hands resolvematrix its own DNS resolver with
/// `ip_lookup_strategy` 5 (`Ipv4thenIpv6`): A records when there are any,
/// AAAA only when there are none. (resolvematrix's own default resolver,
/// hickory 0.26's `Ipv6AndIpv4`, would try `[::1]` first on a dual-stack
/// host: the oracle first did, until it was built as Continuwuity builds it.)
#[test]
fn continuwuity_uses_a_records_when_there_are_any_and_aaaa_otherwise() {
    let mut dual = World::default()
        .m_server("example.com", "matrix.example.com:443")
        .host("matrix.example.com", &["11.0.0.5", "2001:db8::5"]);
    let path = run(Peer::Continuwuity, &mut dual, "example.com");
    let addresses: Vec<String> = endpoints(&path).into_iter().map(|e| e.0).collect();
    assert_eq!(addresses, ["11.0.0.5:443"]);
    // Synapse uses both families (with its blocklist off, as in the
    // oracle: 2001:db8::/32 is in it).
    let lab = Context {
        private_addresses: PrivateAddresses::Allowed,
        ..Context::default()
    };
    let path = run_with(Peer::Synapse, &mut dual, "example.com", lab);
    assert_eq!(endpoints(&path).len(), 2);

    let mut v6_only = World::default()
        .m_server("example.com", "matrix.example.com:443")
        .host("matrix.example.com", &["2001:db8::5"]);
    let path = run(Peer::Continuwuity, &mut v6_only, "example.com");
    let addresses: Vec<String> = endpoints(&path).into_iter().map(|e| e.0).collect();
    assert_eq!(addresses, ["[2001:db8::5]:443"]);
}

/// Continuwuity's well-known client (`redirect::Policy::limited(4)`)
/// follows four redirects and fails on the fifth; Synapse's
/// `RedirectAgent` follows twenty; `check` ten (`peers-redirect-chain-5`).
#[test]
fn redirect_limits_are_four_for_continuwuity_and_twenty_for_synapse() {
    assert_eq!(FetchPolicy::CONTINUWUITY.max_redirects, 4);
    assert_eq!(FetchPolicy::CONDUWUIT.max_redirects, 4);
    assert_eq!(FetchPolicy::SYNAPSE.max_redirects, 20);
    assert_eq!(FetchPolicy::CHECK.max_redirects, 10);
}

/// A `m.server` URL with no port (`https://matrix.example.com`) becomes the
/// host `https` for both Synapse and Continuwuity: step 3.5 on a name that
/// does not exist, whatever SRV record the server name has
/// (`peers-invalid-m-server-leftover-srv`; both oracles end at 3.5).
#[test]
fn an_m_server_url_without_port_sends_synapse_and_continuwuity_to_host_https() {
    let world = || {
        World::default()
            .m_server("example.com", "https://matrix.example.com")
            .srv(
                "_matrix-fed._tcp.example.com",
                Ok(vec![crate::support::check::world::rec(
                    10,
                    10,
                    443,
                    "matrix.example.com",
                )]),
            )
            .host("matrix.example.com", &["11.0.0.5"])
    };
    for peer in [Peer::Synapse, Peer::Continuwuity] {
        let path = run(peer, &mut world(), "example.com");
        assert_eq!(step(&path), "3.5", "{peer}");
        assert!(path.endpoints().is_empty(), "{peer}: {:?}", path.failure);
    }
    // The spec and the older resolver check the value and use the SRV record.
    for peer in [Peer::Spec, Peer::Conduwuit] {
        let path = run(peer, &mut world(), "example.com");
        assert_eq!(step(&path), "4", "{peer}");
        assert_eq!(endpoints(&path)[0].0, "11.0.0.5:443", "{peer}");
    }
}

/// `Cache-Control: max-age=60`: Synapse keeps the file its 5 min minimum
/// (the oracle's `cache_period_s` is 300), Continuwuity its fixed 24 h
/// (`peers-short-cache`).
#[test]
fn a_one_minute_max_age_is_five_minutes_for_synapse_and_a_day_for_continuwuity() {
    let headers = vec![("cache-control".to_string(), "max-age=60".to_string())];
    let synapse = keeps::synapse(
        matrix_delegate::matrix::peers::FileOutcome::Valid(&headers),
        Context::default().previous_valid,
        0,
    );
    assert_eq!(synapse.keeps_answer_s(), Some(300));
    assert_eq!(keeps::continuwuity().keeps_answer_s(), Some(86_400));
}
