//! Addresses peers refuse: a private, loopback, link-local, CGNAT or
//! documentation address federation would use fails the `dns.*` check of
//! the name that produced it, or `server.resolution` for an IP literal,
//! naming the refusing peers; `--allow-private-addresses` turns it off.

use crate::support::check as common;

use common::*;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, CheckResult, Fault, Status};
use matrix_delegate::check::verdict::{dns, resolution};
use matrix_delegate::matrix::peers::{PrivateAddresses, Refusal};

fn delegated(ips: &[&str]) -> matrix_delegate::matrix::discovery::Resolution {
    resolve(
        "example.com",
        Some(server_file(
            r#"{"m.server":"matrix.example.com:443"}"#,
            &[JSON],
        )),
        &[addresses("matrix.example.com", ips)],
    )
}

fn literal(m_server: &str) -> matrix_delegate::matrix::discovery::Resolution {
    resolve(
        "example.com",
        Some(server_file(
            &format!(r#"{{"m.server":"{m_server}"}}"#),
            &[JSON],
        )),
        &[],
    )
}

fn evidence<'a>(r: &'a CheckResult, asked: &str) -> &'a str {
    r.evidence
        .iter()
        .find(|e| e.asked == asked)
        .map(|e| e.got.as_str())
        .unwrap_or_else(|| panic!("no {asked:?} evidence in {:#?}", r.evidence))
}

fn refused_fault(r: &CheckResult) -> Vec<(std::net::IpAddr, Refusal)> {
    match &r.fault {
        Some(Fault::RefusedAddresses { addresses }) => addresses.clone(),
        other => panic!("expected RefusedAddresses, got {other:?}"),
    }
}

#[test]
fn a_ddns_lan_address_fails_the_dns_check_of_its_name() {
    let res = delegated(&["192.168.1.20"]);
    let r = dns::delegated_host(&res, &[], PrivateAddresses::Refused);
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert_eq!(r.id, CheckId::DnsDelegatedHost);
    assert!(
        r.summary
            .contains("192.168.1.20 (private), which peers refuse"),
        "{}",
        r.summary
    );
    assert_eq!(
        refused_fault(&r),
        vec![("192.168.1.20".parse().expect("ip"), Refusal::Private)]
    );
    assert!(
        evidence(&r, "refused by Synapse").contains("drops every address of matrix.example.com")
    );
    assert!(evidence(&r, "refused by Continuwuity").contains("does not check this address"));
    let remedy = r.remedy.clone().unwrap_or_default();
    assert!(remedy.contains("Publish the public address"), "{remedy}");
    assert!(remedy.contains("--allow-private-addresses"), "{remedy}");

    // A lab: the same answer passes.
    let lab = dns::delegated_host(&res, &[], PrivateAddresses::Allowed);
    assert_eq!(lab.status, Status::Pass, "{lab:#?}");
    assert!(lab.fault.is_none());
}

#[test]
fn one_refused_address_beside_a_public_one_still_fails() {
    // Synapse's _IPBlockingResolver drops every address of the name.
    let res = delegated(&["127.0.0.11", "100.64.0.9"]);
    let r = dns::delegated_host(&res, &[], PrivateAddresses::LoopbackStandsForPublic);
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert_eq!(
        refused_fault(&r),
        vec![("100.64.0.9".parse().expect("ip"), Refusal::CarrierGradeNat)]
    );
}

#[test]
fn every_kind_of_refused_range_is_named() {
    for (ip, kind) in [
        ("127.0.1.1", Refusal::Loopback),
        ("10.1.2.3", Refusal::Private),
        ("172.20.0.1", Refusal::Private),
        ("169.254.1.1", Refusal::LinkLocal),
        ("203.0.113.7", Refusal::Documentation),
        ("fe80::1", Refusal::LinkLocal),
        ("fd00::1", Refusal::UniqueLocal),
        ("::1", Refusal::Loopback),
        // An IPv4-mapped form of a private address (Synapse's generate_ip_set).
        ("::ffff:192.168.1.20", Refusal::Private),
    ] {
        let r = dns::server_name(
            &name("example.com"),
            Some(&addresses("example.com", &[ip])),
            None,
            &Expectations::none(),
            PrivateAddresses::Refused,
        );
        assert_eq!(r.status, Status::Fail, "{ip}: {r:#?}");
        assert_eq!(
            refused_fault(&r),
            vec![(ip.parse().expect("ip"), kind)],
            "{ip}"
        );
        assert!(r.summary.contains(kind.as_str()), "{ip}: {}", r.summary);
    }
}

#[test]
fn loopback_stands_for_public_only_in_the_simulation_setting() {
    let res = delegated(&["127.0.0.11"]);
    let sim = dns::delegated_host(&res, &[], PrivateAddresses::LoopbackStandsForPublic);
    assert_eq!(sim.status, Status::Pass, "{sim:#?}");
    let real = dns::delegated_host(&res, &[], PrivateAddresses::Refused);
    assert_eq!(real.status, Status::Fail, "{real:#?}");
    assert_eq!(
        refused_fault(&real),
        vec![("127.0.0.11".parse().expect("ip"), Refusal::Loopback)]
    );
}

#[test]
fn a_private_ipv4_m_server_literal_fails_server_resolution() {
    let res = literal("10.0.0.5:8448");
    let r = resolution::server_resolution(&res, &Expectations::none(), PrivateAddresses::Refused);
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(
        r.summary
            .contains("federation would connect to 10.0.0.5 (private), which peers refuse"),
        "{}",
        r.summary
    );
    assert_eq!(
        refused_fault(&r),
        vec![("10.0.0.5".parse().expect("ip"), Refusal::Private)]
    );
    assert!(evidence(&r, "refused by Synapse").contains("IP literals"));
    assert!(
        evidence(&r, "refused by Continuwuity").contains("refuses the IPv4 literal 10.0.0.5"),
        "{r:#?}"
    );
    assert!(
        r.remedy
            .clone()
            .unwrap_or_default()
            .contains("Delegate to a public address")
    );
    // The DNS checks have nothing to look up.
    let d = dns::delegated_host(&res, &[], PrivateAddresses::Refused);
    assert_eq!(d.status, Status::Skipped);

    let lab = resolution::server_resolution(&res, &Expectations::none(), PrivateAddresses::Allowed);
    assert_eq!(lab.status, Status::Pass, "{lab:#?}");
}

#[test]
fn a_unique_local_ipv6_literal_fails_though_continuwuity_does_not_check_it() {
    let res = literal("[fd00::1]:8448");
    let r = resolution::server_resolution(&res, &Expectations::none(), PrivateAddresses::Refused);
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert_eq!(
        refused_fault(&r),
        vec![("fd00::1".parse().expect("ip"), Refusal::UniqueLocal)]
    );
    assert!(evidence(&r, "refused by Continuwuity").contains("does not check this address"));
}

#[test]
fn a_public_literal_passes() {
    let res = literal("127.0.0.41:8443");
    let r = resolution::server_resolution(
        &res,
        &Expectations::none(),
        PrivateAddresses::LoopbackStandsForPublic,
    );
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert!(r.fault.is_none());
}

#[test]
fn a_local_only_answer_is_named_and_the_authoritative_one_judged() {
    let n = name("matrix.example.com");
    let local = addresses("matrix.example.com", &["192.168.1.20"]);
    let public = addresses("matrix.example.com", &["127.0.0.11"]);
    let mode = PrivateAddresses::LoopbackStandsForPublic;
    let r = dns::server_name(&n, Some(&local), Some(&public), &Expectations::none(), mode);
    // The answers differ: a warning, not the refusal's failure.
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(!matches!(r.fault, Some(Fault::RefusedAddresses { .. })));
    let said = evidence(&r, "matrix.example.com as this machine's resolver sees it");
    assert!(said.contains("192.168.1.20 (private)"), "{said}");
    assert!(said.contains("split horizon"), "{said}");

    // The other way round: the zone itself publishes the private address.
    let r = dns::server_name(&n, Some(&public), Some(&local), &Expectations::none(), mode);
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert_eq!(
        refused_fault(&r),
        vec![("192.168.1.20".parse().expect("ip"), Refusal::Private)]
    );
}

/// A probe of `addr` that the rule on private addresses left unasked: every
/// observation is the typed "not connected".
fn unasked(addr: &str) -> matrix_delegate::check::verdict::federation::AddressProbe {
    use matrix_delegate::observe::{FetchFailure, TlsFailure, TlsFailureKind, TlsObservation};
    let at: std::net::SocketAddr = addr.parse().expect("addr");
    let mut p = probe(addr, "matrix.example.com");
    p.tls = TlsObservation::failed(
        TlsFailure::new(TlsFailureKind::RefusedAddress, "not connected"),
        std::time::Duration::ZERO,
    );
    for obs in [&mut p.version, &mut p.keys, &mut p.routing]
        .into_iter()
        .flatten()
    {
        *obs = obs.clone().fail(FetchFailure::RefusedAddress {
            addresses: vec![at],
        });
    }
    p
}

#[test]
fn an_unasked_address_is_skipped_with_the_reason_and_the_hint() {
    use matrix_delegate::check::verdict::federation::federation_checks;
    let res = delegated(&["192.168.1.20"]);
    let out = federation_checks(
        &res,
        &[unasked("192.168.1.20:443")],
        NOW_MS,
        &Expectations::none(),
    );
    for id in [
        CheckId::ServerTls,
        CheckId::ServerVersion,
        CheckId::ServerKeys,
        CheckId::ServerRouting,
    ] {
        let r = find(&out, id, Some("192.168.1.20:443"));
        assert_eq!(r.status, Status::Skipped, "{r:#?}");
        assert_eq!(
            r.summary,
            "not connected: 192.168.1.20 (private) is an address peers refuse (see the DNS \
             check of its name, or server.resolution); --allow-private-addresses probes it"
        );
        assert!(r.remedy.is_none(), "a skipped check carries no remedy");
    }
    // Nothing was asked there, so there is nothing to compare.
    let consistency = find(&out, CheckId::ServerConsistency, None);
    assert!(!consistency.status.is_failure(), "{consistency:#?}");
}

#[test]
fn a_request_not_sent_follows_from_the_check_that_refused_its_address() {
    use matrix_delegate::check::causality::attribute;
    use matrix_delegate::check::verdict::refused::unreachable_for_peers;
    let n = name("matrix.example.com");
    let lan = addresses("matrix.example.com", &["192.168.1.20"]);
    let dns_r = dns::server_name(
        &n,
        Some(&lan),
        Some(&lan),
        &Expectations::none(),
        PrivateAddresses::LoopbackStandsForPublic,
    );
    assert_eq!(dns_r.status, Status::Fail);
    let versions = unreachable_for_peers(
        CheckResult::new(CheckId::ClientVersions, Status::Pass, ""),
        "matrix.example.com",
        &["192.168.1.20:443".parse().expect("addr")],
    );
    assert_eq!(versions.status, Status::Fail);
    assert_eq!(
        versions.summary,
        "matrix.example.com: not connected: 192.168.1.20 (private) is an address peers refuse, \
         which nobody elsewhere can reach"
    );
    assert!(
        versions
            .remedy
            .as_deref()
            .is_some_and(|r| r.contains("--allow-private-addresses")),
        "{versions:#?}"
    );
    let mut results = vec![dns_r, versions];
    attribute(&mut results);
    let cause = results[1].caused_by.as_ref().expect("attributed");
    assert_eq!(cause.id, CheckId::DnsServerName);
    assert!(
        results[1].remedy.is_none(),
        "a consequence carries no remedy"
    );
    assert!(results[0].caused_by.is_none());
}
