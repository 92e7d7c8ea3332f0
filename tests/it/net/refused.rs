//! The rule on private addresses in the network layer: with the rule on,
//! no socket is ever opened to an address peers refuse — neither a TLS
//! inspection, nor a fetch pinned to it, nor a fetch whose host resolves
//! only to it — and the observation says so, typed. With the rule off
//! (`--allow-private-addresses`, `PrivateAddresses::Allowed`) the address
//! is probed.
//!
//! A loopback listener that counts accepted connections stands behind the
//! refused logical address (through the dial map), so a connection that
//! should not happen is seen.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::domain::ServerName;
use matrix_delegate::matrix::peers::PrivateAddresses;
use matrix_delegate::observe::{FetchFailure, TlsFailureKind};
use matrix_delegate::probe::runner::{CheckRequest, run_to_report};
use matrix_delegate::probe::*;
use matrix_delegate::sim::{Scenario, Sim};
use tokio::net::TcpListener;

/// The private address the `private-address-ddns` scenario publishes for
/// matrix.example.com.
const REFUSED: &str = "192.168.1.20:443";

/// A listener on loopback that accepts and counts connections (and drops
/// them at once: only the count matters).
async fn counting_listener() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (addr, count)
}

/// The scenario's network options, with the refused address dialling the
/// counting listener, and the rule as given.
async fn options(rule: PrivateAddresses) -> (Sim, NetOptions, Arc<AtomicUsize>) {
    let scenario = Scenario::builtin("private-address-ddns").expect("built-in");
    let sim = Sim::start(&scenario).await.expect("sim starts");
    let (listener, count) = counting_listener().await;
    let mut opts = sim.net_options();
    assert_eq!(
        opts.private_addresses,
        PrivateAddresses::LoopbackStandsForPublic,
        "the scenario keeps the rule on"
    );
    opts.private_addresses = rule;
    opts.timeout = Duration::from_secs(3);
    let refused: SocketAddr = REFUSED.parse().expect("addr");
    opts.dial_map.insert(refused, listener);
    (sim, opts, count)
}

#[tokio::test]
async fn no_tls_inspection_or_fetch_connects_to_a_refused_address() {
    let (_sim, opts, count) = options(PrivateAddresses::LoopbackStandsForPublic).await;
    let net = Net::new(opts).expect("net");
    let refused: SocketAddr = REFUSED.parse().expect("addr");
    let tls = net
        .inspect_tls(TlsTarget {
            address: refused,
            sni: Some("matrix.example.com".into()),
            required_name: "matrix.example.com".into(),
        })
        .await;
    let kind = tls.connect_error.as_ref().map(|e| e.kind.clone());
    assert_eq!(kind, Some(TlsFailureKind::RefusedAddress), "{tls:?}");
    assert!(tls.refused_address());
    // Pinned to the address, as the per-address probes are.
    let pinned = net
        .fetch(
            FetchRequest::get("https://matrix.example.com/_matrix/federation/v1/version")
                .connect_to(refused),
        )
        .await;
    assert_eq!(
        pinned.error,
        Some(FetchFailure::RefusedAddress {
            addresses: vec![refused]
        })
    );
    // Resolved through the probe's own resolver: matrix.example.com has
    // only the refused address.
    let resolved = net
        .fetch(FetchRequest::get(
            "https://matrix.example.com/.well-known/matrix/server",
        ))
        .await;
    assert!(resolved.refused_address(), "{:?}", resolved.error);
    assert_eq!(
        resolved.error.as_ref().map(ToString::to_string).as_deref(),
        Some(
            "not connected: address refused by the rule on private addresses \
             (192.168.1.20:443)"
        )
    );
    // An IP literal in the URL is refused the same way.
    let literal = net
        .fetch(FetchRequest::get(
            "https://192.168.1.20/_matrix/key/v2/server",
        ))
        .await;
    assert!(literal.refused_address(), "{:?}", literal.error);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        count.load(Ordering::SeqCst),
        0,
        "a refused address was connected to"
    );
}

#[tokio::test]
async fn with_private_addresses_allowed_the_address_is_probed() {
    let (_sim, opts, count) = options(PrivateAddresses::Allowed).await;
    let net = Net::new(opts).expect("net");
    let refused: SocketAddr = REFUSED.parse().expect("addr");
    let tls = net
        .inspect_tls(TlsTarget {
            address: refused,
            sni: Some("matrix.example.com".into()),
            required_name: "matrix.example.com".into(),
        })
        .await;
    // The listener accepts and hangs up: a connection, no handshake.
    assert!(!tls.refused_address(), "{tls:?}");
    let fetched = net
        .fetch(FetchRequest::get(
            "https://matrix.example.com/.well-known/matrix/server",
        ))
        .await;
    assert!(!fetched.refused_address(), "{:?}", fetched.error);
    assert!(
        count.load(Ordering::SeqCst) >= 2,
        "the address was not probed"
    );
}

/// A whole check run of the scenario: nothing connects to the refused
/// address, whose per-address checks are skipped with the reason and the
/// hint, while the DNS check fails with the root cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_run_never_connects_and_skips_the_address_checks() {
    let (_sim, opts, count) = options(PrivateAddresses::LoopbackStandsForPublic).await;
    let net = Net::new(opts).expect("net");
    let request = CheckRequest {
        server_name: ServerName::parse("example.com").expect("name"),
        expectations: Expectations::none(),
    };
    let report = run_to_report(net, request, 1).await;
    assert_eq!(
        count.load(Ordering::SeqCst),
        0,
        "a refused address was connected to"
    );
    for id in [
        CheckId::ServerTls,
        CheckId::ServerVersion,
        CheckId::ServerKeys,
        CheckId::ServerRouting,
    ] {
        let r = report
            .checks
            .iter()
            .find(|c| c.id == id && c.target.as_deref() == Some(REFUSED))
            .unwrap_or_else(|| panic!("{} at {REFUSED}", id.as_str()));
        assert_eq!(r.status, Status::Skipped, "{r:?}");
        assert!(
            r.summary
                .starts_with("not connected: 192.168.1.20 (private)"),
            "{}",
            r.summary
        );
        assert!(
            r.summary.contains("--allow-private-addresses"),
            "{}",
            r.summary
        );
    }
    let dns = report
        .checks
        .iter()
        .find(|c| c.id == CheckId::DnsDelegatedHost)
        .expect("dns.delegated-host");
    assert_eq!(dns.status, Status::Fail);
    assert!(!report.ok);
    assert!(!report.federation.ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_run_with_the_rule_off_probes_the_address() {
    let (_sim, opts, count) = options(PrivateAddresses::Allowed).await;
    let net = Net::new(opts).expect("net");
    let request = CheckRequest {
        server_name: ServerName::parse("example.com").expect("name"),
        expectations: Expectations::none(),
    };
    let report = run_to_report(net, request, 1).await;
    assert!(
        count.load(Ordering::SeqCst) >= 1,
        "the address was not probed"
    );
    let tls = report
        .checks
        .iter()
        .find(|c| c.id == CheckId::ServerTls && c.target.as_deref() == Some(REFUSED))
        .expect("server.tls");
    // Probed: the counting listener hangs up, which fails the handshake.
    assert_eq!(tls.status, Status::Fail, "{tls:?}");
}
