//! DNS verdicts: dns.server-name, dns.delegated-host, dns.srv — NXDOMAIN,
//! NODATA, SERVFAIL and timeout told apart; TTLs; propagation.

use crate::support::check as common;

use common::*;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::Status;
use matrix_delegate::check::verdict::dns;
use matrix_delegate::domain::{Answers, Strategy, plan};
use matrix_delegate::matrix::discovery::{Discovery, Input, Need, Resolution};
use matrix_delegate::matrix::peers::PrivateAddresses;
use matrix_delegate::observe::{
    AddressLookup, AddressRecord, CnameRecord, DnsError, HttpObservation, SrvLookup, SrvRecord,
};

fn lookup(
    name: &str,
    a: Result<Vec<&str>, DnsError>,
    aaaa: Result<Vec<&str>, DnsError>,
) -> AddressLookup {
    let conv = |r: Result<Vec<&str>, DnsError>| {
        r.map(|v| {
            v.iter()
                .map(|s| AddressRecord {
                    ip: s.parse().expect("ip"),
                    ttl: 3540,
                })
                .collect::<Vec<_>>()
        })
    };
    AddressLookup {
        name: name.into(),
        cnames: Vec::new(),
        a: conv(a),
        aaaa: conv(aaaa),
    }
}

fn nx() -> DnsError {
    DnsError::NxDomain {
        negative_ttl: Some(900),
    }
}

fn nodata() -> DnsError {
    DnsError::NoData {
        negative_ttl: Some(900),
    }
}

#[test]
fn server_name_outcomes_told_apart() {
    let n = name("example.com");
    let ex = Expectations::none();
    let cases: Vec<(&str, AddressLookup, Status, &str)> = vec![
        (
            "both",
            lookup(
                "example.com",
                Ok(vec!["203.0.113.5"]),
                Ok(vec!["2001:db8::5"]),
            ),
            Status::Pass,
            "A 203.0.113.5, AAAA 2001:db8::5",
        ),
        (
            "v4 only",
            lookup("example.com", Ok(vec!["203.0.113.5"]), Err(nodata())),
            Status::Pass,
            "A 203.0.113.5, no AAAA",
        ),
        (
            "nxdomain",
            lookup("example.com", Err(nx()), Err(nx())),
            Status::Fail,
            "NXDOMAIN (the name does not exist), cached for 15 min",
        ),
        (
            "nodata",
            lookup("example.com", Err(nodata()), Err(nodata())),
            Status::Fail,
            "NODATA",
        ),
        (
            "servfail",
            lookup(
                "example.com",
                Err(DnsError::ServFail),
                Err(DnsError::ServFail),
            ),
            Status::Fail,
            "SERVFAIL",
        ),
        (
            "timeout",
            lookup(
                "example.com",
                Err(DnsError::Timeout),
                Err(DnsError::Timeout),
            ),
            Status::Error,
            "no DNS answer in time",
        ),
        (
            "aaaa servfail",
            lookup(
                "example.com",
                Ok(vec!["203.0.113.5"]),
                Err(DnsError::ServFail),
            ),
            Status::Warn,
            "AAAA SERVFAIL",
        ),
    ];
    for (case, l, status, part) in cases {
        let r = dns::server_name(&n, Some(&l), None, &ex, PrivateAddresses::Allowed);
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(part), "{case}: {}", r.summary);
        assert!(
            r.evidence[0].got.contains("TTL") || status != Status::Pass,
            "{case}: TTLs shown"
        );
        if status != Status::Pass {
            assert!(r.remedy.is_some(), "{case}");
        }
    }
    let servfail = dns::server_name(
        &n,
        Some(&lookup(
            "example.com",
            Err(DnsError::ServFail),
            Err(DnsError::ServFail),
        )),
        None,
        &ex,
        PrivateAddresses::Allowed,
    );
    assert!(servfail.remedy.unwrap_or_default().contains("DNSSEC"));
    let ip = dns::server_name(
        &name("203.0.113.9"),
        None,
        None,
        &ex,
        PrivateAddresses::Allowed,
    );
    assert_eq!(ip.status, Status::Skipped);
}

#[test]
fn propagation_says_when_the_old_answer_expires() {
    let n = name("example.com");
    let cached = lookup("example.com", Ok(vec!["203.0.113.5"]), Err(nodata()));
    let mut fresh = lookup("example.com", Ok(vec!["198.51.100.1"]), Err(nodata()));
    if let Ok(v) = &mut fresh.a {
        v[0].ttl = 3600;
    }
    let r = dns::server_name(
        &n,
        Some(&cached),
        Some(&fresh),
        &Expectations::none(),
        PrivateAddresses::Allowed,
    );
    assert_eq!(r.status, Status::Warn);
    // Plainly, first: both answers, and which one federation uses.
    assert_eq!(
        r.summary,
        "example.com: this machine's resolver answers 203.0.113.5, the authoritative servers \
         198.51.100.1 (what peers elsewhere get, and what is checked)"
    );
    // The server name's addresses are federation's only at steps 4–6.
    assert_eq!(
        r.evidence[0].got,
        "this machine's resolver answers 203.0.113.5 for example.com; the authoritative \
         servers answer 198.51.100.1; peers elsewhere get 198.51.100.1; federation is checked \
         on 198.51.100.1 wherever it connects to example.com"
    );
    let text = &r
        .evidence
        .iter()
        .find(|e| e.asked == "propagation")
        .expect("propagation line")
        .got;
    assert!(text.contains("now say 198.51.100.1"), "{text}");
    assert!(text.contains("still answers 203.0.113.5"), "{text}");
    assert!(text.contains("expires in 59 min"), "{text}");
    assert!(text.contains("up to the record's TTL (1 h)"), "{text}");

    // A new record still hidden behind a cached NXDOMAIN.
    let negative = lookup("example.com", Err(nx()), Err(nx()));
    let r = dns::server_name(
        &n,
        Some(&negative),
        Some(&fresh),
        &Expectations::none(),
        PrivateAddresses::Allowed,
    );
    let text = &r
        .evidence
        .iter()
        .find(|e| e.asked == "propagation")
        .expect("line")
        .got;
    assert!(text.contains("expires in 15 min"), "{text}");
}

fn srv_world(
    name_str: &str,
    wk: Option<HttpObservation>,
    srv: Vec<(&'static str, Result<Vec<SrvRecord>, DnsError>)>,
    hosts: Vec<AddressLookup>,
) -> Resolution {
    Discovery::run(name(name_str), |need| {
        let srv_lookup = |n: &str| SrvLookup {
            name: n.into(),
            records: srv
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.clone())
                .unwrap_or(Err(nx())),
        };
        match need {
            Need::WellKnown { url } => Input::WellKnown(Box::new(
                wk.clone()
                    .unwrap_or_else(|| HttpObservation::get(url).respond(404, &[], b"")),
            )),
            Need::Srv { name } => Input::Srv(srv_lookup(name)),
            Need::LegacySrv { name } => Input::LegacySrv(srv_lookup(name)),
            Need::Addresses { hosts: asked } => Input::Addresses(
                asked
                    .iter()
                    .map(|h| {
                        hosts
                            .iter()
                            .find(|l| l.name == *h)
                            .cloned()
                            .unwrap_or_else(|| lookup(h, Err(nx()), Err(nx())))
                    })
                    .collect(),
            ),
        }
    })
}

fn rec(port: u16, target: &str) -> SrvRecord {
    SrvRecord {
        priority: 10,
        weight: 10,
        port,
        target: target.into(),
        ttl: 3600,
    }
}

#[test]
fn srv_outcomes() {
    let ex = Expectations::none();
    let m = lookup("matrix.example.com", Ok(vec![V4]), Err(nodata()));
    let fed = "_matrix-fed._tcp.example.com";
    let legacy = "_matrix._tcp.example.com";
    let cases: Vec<(&str, Resolution, Status, &str)> = vec![
        (
            "not consulted",
            healthy().resolution,
            Status::Skipped,
            "not consulted: step 3.2",
        ),
        (
            "none, fine",
            srv_world(
                "example.com",
                None,
                vec![],
                vec![lookup("example.com", Ok(vec![V4]), Err(nodata()))],
            ),
            Status::Pass,
            "no SRV records (fine: step 6 is used)",
        ),
        (
            "found",
            srv_world(
                "example.com",
                None,
                vec![(fed, Ok(vec![rec(443, "matrix.example.com.")]))],
                vec![m.clone()],
            ),
            Status::Pass,
            "_matrix-fed._tcp.example.com → matrix.example.com:443",
        ),
        (
            "deprecated only",
            srv_world(
                "example.com",
                None,
                vec![(legacy, Ok(vec![rec(8448, "matrix.example.com.")]))],
                vec![m.clone()],
            ),
            Status::Warn,
            "deprecated",
        ),
        (
            "no service",
            srv_world(
                "example.com",
                None,
                vec![(fed, Ok(vec![rec(0, ".")]))],
                vec![],
            ),
            Status::Fail,
            "says \"no service\"",
        ),
        (
            "servfail",
            srv_world(
                "example.com",
                None,
                vec![(fed, Err(DnsError::ServFail))],
                vec![lookup("example.com", Ok(vec![V4]), Err(nodata()))],
            ),
            Status::Fail,
            "failed: SERVFAIL",
        ),
        (
            "timeout",
            srv_world(
                "example.com",
                None,
                vec![(fed, Err(DnsError::Timeout))],
                vec![lookup("example.com", Ok(vec![V4]), Err(nodata()))],
            ),
            Status::Error,
            "failed: timeout",
        ),
        (
            "cname target",
            srv_world(
                "example.com",
                None,
                vec![(fed, Ok(vec![rec(443, "alias.example.com.")]))],
                vec![AddressLookup {
                    cnames: vec![CnameRecord {
                        name: "alias.example.com".into(),
                        target: "real.example.net".into(),
                        ttl: 60,
                    }],
                    ..lookup("alias.example.com", Ok(vec![V4]), Err(nodata()))
                }],
            ),
            // A spec violation that every modelled peer follows: a warning.
            Status::Warn,
            "is a CNAME (to real.example.net): RFC 2782 forbids aliases as targets",
        ),
    ];
    for (case, res, status, part) in cases {
        let r = dns::srv_records(&res, &[], &[], &ex);
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(part), "{case}: {}", r.summary);
    }
}

#[test]
fn srv_expected_fallback_record_is_checked_even_off_path() {
    let ex = Expectations::from_plan(
        &plan(&Answers {
            strategy: Strategy::WellKnownSrvFallback,
            ..Answers::example()
        })
        .expect("plan"),
    );
    let res = healthy().resolution;
    let names = ex.extra_srv_names();
    assert_eq!(names, vec!["_matrix-fed._tcp.example.com"]);
    let missing = SrvLookup {
        name: names[0].clone(),
        records: Err(nx()),
    };
    let r = dns::srv_records(&res, &[missing], &[], &ex);
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.summary
            .contains("should point to example.com:443 (your plan)"),
        "{}",
        r.summary
    );
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("_matrix-fed._tcp.example.com SRV 10 10 443 example.com.")
    );
    let present = SrvLookup {
        name: names[0].clone(),
        records: Ok(vec![rec(443, "example.com.")]),
    };
    assert_eq!(
        dns::srv_records(&res, std::slice::from_ref(&present), &[], &ex).status,
        Status::Pass
    );

    // The authoritative servers already have it, the resolver still caches NXDOMAIN.
    let cached_nx = SrvLookup {
        name: names[0].clone(),
        records: Err(nx()),
    };
    let r = dns::srv_records(&res, &[cached_nx], &[present], &Expectations::none());
    assert_eq!(r.status, Status::Warn);
    assert!(
        r.summary
            .contains("still spreading; the resolver's answer expires in 15 min"),
        "{}",
        r.summary
    );
}

#[test]
fn delegated_host() {
    let ex_res = healthy().resolution;
    let r = dns::delegated_host(&ex_res, &[], PrivateAddresses::Allowed);
    assert_eq!(r.status, Status::Pass);
    assert!(
        r.summary
            .contains("matrix.example.com: A 203.0.113.7, AAAA 2001:db8::7"),
        "{}",
        r.summary
    );

    let dead = resolve(
        "example.com",
        Some(server_file(
            r#"{"m.server":"gone.example.com:443"}"#,
            &[JSON],
        )),
        &[],
    );
    let r = dns::delegated_host(&dead, &[], PrivateAddresses::Allowed);
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.summary.contains("gone.example.com: NXDOMAIN"),
        "{}",
        r.summary
    );
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("pointing to the reverse proxy")
    );

    let none = resolve(
        "example.com",
        None,
        &[lookup("example.com", Ok(vec![V4]), Err(nodata()))],
    );
    let r = dns::delegated_host(&none, &[], PrivateAddresses::Allowed);
    assert_eq!(r.status, Status::Skipped);
    assert!(
        r.summary.contains("no delegation (step 6)"),
        "{}",
        r.summary
    );
    let _ = ex_res;
}

/// Discovery was given the authoritative answer (what peers elsewhere get)
/// and the resolution keeps this machine's own: `dns.delegated-host`
/// compares the two and says which one federation was checked on.
#[test]
fn delegated_host_names_the_local_answer_and_what_was_checked() {
    let public = lookup("matrix.example.com", Ok(vec!["203.0.113.5"]), Err(nodata()));
    let local = lookup(
        "matrix.example.com",
        Ok(vec!["192.168.1.20"]),
        Err(nodata()),
    );
    let mut res = resolve(
        "example.com",
        Some(server_file(
            r#"{"m.server":"matrix.example.com:443"}"#,
            &[JSON],
        )),
        std::slice::from_ref(&public),
    );
    assert_eq!(res.targets[0].addresses, public.addresses());
    res.resolver_answers.push(local);
    for mode in [PrivateAddresses::Allowed, PrivateAddresses::Refused] {
        let r = dns::delegated_host(&res, std::slice::from_ref(&public), mode);
        if mode == PrivateAddresses::Allowed {
            assert_eq!(r.status, Status::Warn, "{r:#?}");
            assert_eq!(
                r.summary,
                "matrix.example.com: this machine's resolver answers 192.168.1.20, the \
                 authoritative servers 203.0.113.5 (what peers elsewhere get, and what is \
                 checked)"
            );
        } else {
            // The rule judges what peers get: the documentation address.
            assert_eq!(r.status, Status::Fail, "{r:#?}");
            assert_eq!(
                r.summary,
                "matrix.example.com: 203.0.113.5 (documentation), which peers refuse"
            );
        }
        assert_eq!(
            r.evidence[0].asked,
            "matrix.example.com as peers elsewhere see it"
        );
        assert_eq!(
            r.evidence[0].got,
            "this machine's resolver answers 192.168.1.20 for matrix.example.com; the \
             authoritative servers answer 203.0.113.5; peers elsewhere get 203.0.113.5; \
             checked 203.0.113.5"
        );
    }
    // Discovery kept the resolver's answer (the authoritative one came too
    // late): that is what was probed, so nothing claims otherwise.
    let mut kept = res.clone();
    kept.resolver_answers.clear();
    kept.address_lookups = vec![lookup(
        "matrix.example.com",
        Ok(vec!["192.168.1.20"]),
        Err(nodata()),
    )];
    let r = dns::delegated_host(
        &kept,
        std::slice::from_ref(&public),
        PrivateAddresses::Allowed,
    );
    assert_eq!(r.status, Status::Warn);
    assert!(r.summary.contains("still spreading"), "{}", r.summary);
    assert!(
        r.evidence
            .iter()
            .all(|e| !e.asked.ends_with("as peers elsewhere see it")),
        "{r:#?}"
    );
    // Without the authoritative answer there is nothing to say.
    let r = dns::delegated_host(&res, &[], PrivateAddresses::Allowed);
    assert!(
        r.evidence
            .iter()
            .all(|e| !e.asked.ends_with("as peers elsewhere see it")),
        "{r:#?}"
    );
}

/// A private address only this machine's resolver gives is named as a
/// likely local override (split horizon, a hosts line), not as an old
/// answer that expires by itself; a public one that changed is the usual
/// spreading change.
#[test]
fn a_private_local_only_answer_is_advised_as_a_local_override() {
    let remedy = |local: &str| {
        let public = lookup(
            "matrix.example.com",
            Ok(vec!["93.184.215.14"]),
            Err(nodata()),
        );
        let mut res = resolve(
            "example.com",
            Some(server_file(
                r#"{"m.server":"matrix.example.com:443"}"#,
                &[JSON],
            )),
            std::slice::from_ref(&public),
        );
        res.resolver_answers
            .push(lookup("matrix.example.com", Ok(vec![local]), Err(nodata())));
        let r = dns::delegated_host(
            &res,
            std::slice::from_ref(&public),
            PrivateAddresses::Refused,
        );
        assert_eq!(r.status, Status::Warn, "{r:#?}");
        r.remedy.unwrap_or_default()
    };
    let private = remedy("192.168.1.20");
    assert!(
        private.contains("peers elsewhere get 93.184.215.14 for matrix.example.com")
            && private.contains("a local DNS zone (split horizon), a hosts-file line"),
        "{private}"
    );
    assert!(!private.contains("end by themselves"), "{private}");
    let moved = remedy("93.184.215.99");
    assert!(
        moved.contains("resolvers still serve the old address (93.184.215.99)")
            && moved.contains("end by themselves"),
        "{moved}"
    );
}
