//! Honest wording under abuse: a body cut by a cap or a deadline says so,
//! SRV targets that are not host names fail `dns.srv`, duplicate keys in a
//! well-known file warn and name the peers that refuse it, a CNAME loop is
//! called a loop.

use crate::support::check as common;

use common::*;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::Status;
use matrix_delegate::check::verdict::{dns, keys, server_well_known, version};
use matrix_delegate::matrix::discovery::{Discovery, Input, Need};
use matrix_delegate::matrix::peers::PrivateAddresses;
use matrix_delegate::observe::{
    AddressLookup, AddressRecord, BodyEnd, DnsError, HttpObservation, SrvLookup, SrvRecord,
};

const NOW_MS: i64 = 1_700_000_000_000;

fn with_end(mut obs: HttpObservation, end: BodyEnd) -> HttpObservation {
    obs.body_end = end;
    obs
}

#[test]
fn a_cut_body_is_named_as_cut_not_as_unrouted_or_not_json() {
    let res = resolve("example.com", None, &[addresses("example.com", &[V4])]);
    let (addr, target) = res.endpoints()[0];
    let ex = Expectations::none();
    let version_url = "https://example.com:8448/_matrix/federation/v1/version";
    let cases = [
        (
            with_end(
                HttpObservation::get(version_url).respond(200, &[JSON], b"{\"server\": {\"na"),
                BodyEnd::TimedOut,
            ),
            "did not arrive in full: it was still arriving when the timeout passed",
        ),
        (
            with_end(
                HttpObservation::get(version_url).respond(200, &[], &[b'x'; 64]),
                BodyEnd::OverCap,
            ),
            "larger than this check reads",
        ),
        (
            with_end(
                HttpObservation::get(version_url).respond(200, &[JSON], b"{"),
                BodyEnd::Broken("reset".into()),
            ),
            "the connection broke after 1 bytes",
        ),
    ];
    for (obs, words) in cases {
        let r = version::server_version(addr, target, &obs, &ex);
        assert_eq!(r.status, Status::Fail, "{r:#?}");
        assert!(r.summary.contains(words), "{}", r.summary);
        assert!(!r.summary.contains("not routed"), "{}", r.summary);
    }

    let keys_url = "https://example.com:8448/_matrix/key/v2/server";
    let over = with_end(
        HttpObservation::get(keys_url).respond(200, &[JSON], b"{\"server_name\": \"exa"),
        BodyEnd::OverCap,
    );
    let (r, info) = keys::server_keys(addr, target, &over, &res.server_name, NOW_MS, &ex);
    assert_eq!((r.status, info), (Status::Fail, None));
    assert!(
        r.summary.contains("larger than the 1 MiB limit"),
        "{}",
        r.summary
    );
    let slow = with_end(
        HttpObservation::get(keys_url).respond(200, &[JSON], b"{\"server_name\""),
        BodyEnd::TimedOut,
    );
    let (r, _) = keys::server_keys(addr, target, &slow, &res.server_name, NOW_MS, &ex);
    assert!(
        r.summary
            .contains("the key response did not arrive in full: it was still arriving"),
        "{}",
        r.summary
    );
    assert!(!r.summary.contains("not JSON"), "{}", r.summary);
}

fn srv_resolution(targets: &[&str]) -> matrix_delegate::matrix::discovery::Resolution {
    let records: Vec<SrvRecord> = targets
        .iter()
        .map(|t| SrvRecord {
            priority: 10,
            weight: 10,
            port: 8448,
            target: (*t).to_string(),
            ttl: 300,
        })
        .collect();
    Discovery::run(name("example.com"), |need| match need {
        Need::WellKnown { url } => {
            Input::WellKnown(Box::new(HttpObservation::get(url).respond(404, &[], b"")))
        }
        Need::Srv { name } => Input::Srv(SrvLookup {
            name: name.clone(),
            records: Ok(records.clone()),
        }),
        Need::LegacySrv { name } => Input::LegacySrv(SrvLookup {
            name: name.clone(),
            records: Err(DnsError::NxDomain { negative_ttl: None }),
        }),
        Need::Addresses { hosts } => Input::Addresses(
            hosts
                .iter()
                .map(|h| AddressLookup {
                    name: h.clone(),
                    cnames: Vec::new(),
                    a: Ok(vec![AddressRecord {
                        ip: V4.parse().expect("ip"),
                        ttl: 300,
                    }]),
                    aaaa: Err(DnsError::NoData { negative_ttl: None }),
                })
                .collect(),
        ),
    })
}

#[test]
fn srv_targets_that_are_not_host_names_fail_dns_srv() {
    let ex = Expectations::none();
    let all_bad = srv_resolution(&["bad_name.example.com.", "also bad.example.com."]);
    let r = dns::srv_records(&all_bad, &[], &[], &ex);
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(
        r.summary
            .contains("every SRV target of _matrix-fed._tcp.example.com is not a valid host name")
            && r.summary
                .contains("`bad_name.example.com` (`_` is not allowed in a host name)"),
        "{}",
        r.summary
    );
    let some_bad = srv_resolution(&["matrix.example.com.", "bad_name.example.com."]);
    let r = dns::srv_records(&some_bad, &[], &[], &ex);
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(r.summary.contains("some SRV targets"), "{}", r.summary);
    let good = srv_resolution(&["matrix.example.com."]);
    assert_eq!(dns::srv_records(&good, &[], &[], &ex).status, Status::Pass);
    // Many invalid targets: three named, the rest counted.
    let many: Vec<String> = (0..10).map(|i| format!("t_{i}.example.com.")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let r = dns::srv_records(&srv_resolution(&many), &[], &[], &ex);
    assert!(r.summary.ends_with(" and 7 more"), "{}", r.summary);
}

#[test]
fn duplicate_keys_in_the_server_file_warn_and_name_who_refuses_it() {
    let res = resolve(
        "example.com",
        Some(server_file(
            r#"{"m.server": "matrix.example.com:443", "m.server": "matrix.example.com:443"}"#,
            &[JSON],
        )),
        &[addresses("matrix.example.com", &[V4])],
    );
    let r = server_well_known::server_well_known(&res, &Expectations::none());
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(
        r.summary.contains("duplicate keys `m.server`") && r.summary.contains("conduwuit"),
        "{}",
        r.summary
    );
    let unique = resolve(
        "example.com",
        Some(server_file(
            r#"{"m.server": "matrix.example.com:443"}"#,
            &[JSON],
        )),
        &[addresses("matrix.example.com", &[V4])],
    );
    assert_eq!(
        server_well_known::server_well_known(&unique, &Expectations::none()).status,
        Status::Pass
    );
}

#[test]
fn duplicate_keys_in_the_support_file_warn_naming_clients() {
    let obs = HttpObservation::get("https://example.com/.well-known/matrix/support").respond(
        200,
        &[JSON],
        br#"{"support_page": "https://example.com/help", "support_page": "https://example.com/other"}"#,
    );
    let r =
        matrix_delegate::check::verdict::support::support_well_known(&obs, &Expectations::none());
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(
        r.summary.contains("`support_page`") && r.summary.contains("matrix-rust-sdk"),
        "{}",
        r.summary
    );
}

#[test]
fn a_cname_loop_is_named_in_dns_checks() {
    let looped = DnsError::CnameLoop(vec![
        "example.com".into(),
        "a.example.com".into(),
        "example.com".into(),
    ]);
    let lookup = AddressLookup {
        name: "example.com".into(),
        cnames: Vec::new(),
        a: Err(looped.clone()),
        aaaa: Err(looped),
    };
    let r = dns::server_name(
        &name("example.com"),
        Some(&lookup),
        None,
        &Expectations::none(),
        PrivateAddresses::Allowed,
    );
    assert_ne!(r.status, Status::Pass, "{r:#?}");
    let all = format!("{} {:?}", r.summary, r.evidence);
    assert!(
        all.contains("CNAME loop: example.com → a.example.com → example.com"),
        "{all}"
    );
    assert!(!all.contains("NODATA"), "{all}");
}
