//! `Listen::LogicalAddresses`: the simulation on the logical addresses
//! themselves (for programs outside this crate), and the default mode
//! unchanged beside it. Needs root (ports 53 and 443); without it the test
//! prints `SKIPPED: ...`, under `CI=true` it fails.

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use matrix_delegate::probe::{FetchRequest, Net};
use matrix_delegate::sim::{LOGICAL_NAMESERVER, Listen, Scenario, Sim};

use crate::support::oracles::{lock_logical_addresses, privileged_mode_missing, skip};

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("a socket address")
}

// The lock serialises tests that bind the fixed ports, each on its own
// runtime and thread; no task of this runtime takes it, so holding it across
// awaits cannot deadlock.
#[allow(clippy::await_holding_lock)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logical_mode_serves_the_logical_addresses_and_frees_them() {
    if let Some(why) = privileged_mode_missing() {
        skip(&why);
        return;
    }
    let _fixed_ports = lock_logical_addresses();
    let scenario = Scenario::builtin("healthy-well-known").expect("built-in");
    let sim = Sim::start_listening(&scenario, Listen::LogicalAddresses)
        .await
        .expect("root binds ports 53 and 443");
    assert_eq!(sim.nameserver(), LOGICAL_NAMESERVER);
    assert_eq!(
        sim.real_address(addr("127.0.0.10:443")),
        None,
        "no dial map"
    );

    // What an outside program does: the system's view of the network, no
    // dial map, the simulation's DNS server on 127.0.0.1:53.
    let mut opts = sim.net_options();
    assert!(opts.dial_map.is_empty());
    opts.timeout = Duration::from_secs(10);
    let net = Net::new(opts).expect("network layer");
    let obs = net
        .fetch(FetchRequest::get(
            "https://example.com/.well-known/matrix/server",
        ))
        .await;
    assert_eq!(obs.status, Some(200), "{obs:?}");
    let seen = sim.log().requests();
    assert_eq!(seen[0].address, addr("127.0.0.10:443"));
    assert!(
        sim.log()
            .dns_queries()
            .iter()
            .any(|q| q.name == "example.com"),
        "the name was asked of the DNS server on 127.0.0.1:53"
    );
    // A refused address of the scenario is simply not bound.
    let refused = tokio::task::spawn_blocking(|| {
        TcpStream::connect_timeout(&addr("127.0.0.11:8448"), Duration::from_secs(2))
    })
    .await
    .expect("joins");
    assert!(refused.is_err(), "nothing listens on 127.0.0.11:8448");

    sim.shutdown().await;
    let after = tokio::task::spawn_blocking(|| {
        TcpStream::connect_timeout(&addr("127.0.0.10:443"), Duration::from_secs(2))
    })
    .await
    .expect("joins");
    assert!(after.is_err(), "shutdown frees 127.0.0.10:443");
}

#[tokio::test]
async fn the_default_mode_still_listens_on_random_ports_behind_the_dial_map() {
    let scenario = Scenario::builtin("healthy-well-known").expect("built-in");
    let sim = Sim::start(&scenario).await.expect("starts unprivileged");
    let real = sim
        .real_address(addr("127.0.0.10:443"))
        .expect("a dial-map entry");
    assert_eq!(real.ip(), addr("127.0.0.10:443").ip());
    assert_ne!(real.port(), 443);
    assert_ne!(sim.nameserver(), LOGICAL_NAMESERVER);
}
