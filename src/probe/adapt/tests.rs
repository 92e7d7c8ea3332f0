//! Unit tests of the net → logic conversions.

use std::time::Duration;

use super::*;
use crate::probe::{
    DnsAnswer, DnsRecord, Headers, Hop, Method, RecordKind, SoaInfo, SrvData, TimeoutPhase,
    TlsErrorKind,
};

fn hop(url: &str, status: u16, headers: &[(&str, &str)]) -> Hop {
    Hop {
        url: url.into(),
        host_header: "example.com".into(),
        sni: Some("example.com".into()),
        candidates: vec![],
        connected_to: None,
        status,
        location: headers
            .iter()
            .find(|(n, _)| *n == "location")
            .map(|(_, v)| v.to_string()),
        headers: Headers(
            headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        ),
        elapsed: Duration::ZERO,
    }
}

fn fetched(hops: Vec<Hop>, body: Option<Body>, error: Option<FetchError>) -> FetchObservation {
    FetchObservation {
        method: Method::Get,
        url: "https://example.com/a".into(),
        hops,
        body,
        error,
        duration: Duration::ZERO,
    }
}

#[test]
fn redirects_final_response_and_body_state() {
    let req = FetchRequest::get("https://example.com/a").header("Origin", "https://x.example");
    let obs = fetched(
        vec![
            hop(
                "https://example.com/a",
                301,
                &[("location", "https://www.example.com/b")],
            ),
            hop(
                "https://www.example.com/b",
                200,
                &[("content-type", "application/json")],
            ),
        ],
        Some(Body {
            bytes: b"{\"a\"".to_vec(),
            end: BodyEnd::TimedOut,
            cap: 10,
        }),
        None,
    );
    let h = http(&obs, &req);
    assert_eq!(h.hops.len(), 1);
    assert_eq!(h.hops[0].status, 301);
    assert_eq!(h.final_url, "https://www.example.com/b");
    assert_eq!(h.status, Some(200));
    assert_eq!(
        h.request_headers,
        vec![("origin".into(), "https://x.example".into())]
    );
    assert!(!h.body_truncated);
    assert!(
        h.body_incomplete
            .as_deref()
            .is_some_and(|w| w.contains("4 bytes"))
    );
}

#[test]
fn failures_map_to_their_kind() {
    let err = |kind| FetchError {
        kind,
        detail: "d".into(),
        url: "https://example.com/a".into(),
        address: Some("127.0.0.1:443".parse().expect("addr")),
    };
    let looped = fetched(
        vec![hop("https://example.com/a", 302, &[("location", "/a")])],
        None,
        Some(err(FetchErrorKind::RedirectLoop)),
    );
    let h = http(&looped, &FetchRequest::get("https://example.com/a"));
    assert_eq!(
        h.error,
        Some(FetchFailure::RedirectLoop("https://example.com/a".into()))
    );
    assert_eq!(h.hops.len(), 1, "the hops before a failure are kept");
    assert_eq!(h.status, None);
    let cases = [
        (
            FetchErrorKind::Refused,
            "connection failed: connection refused (127.0.0.1:443)",
        ),
        (FetchErrorKind::Timeout(TimeoutPhase::Headers), "timed out"),
        (
            FetchErrorKind::Tls(TlsErrorKind::Expired),
            "TLS failed: certificate has expired",
        ),
        (FetchErrorKind::TooManyRedirects, "more than 10 redirects"),
    ];
    for (kind, text) in cases {
        let obs = fetched(vec![], None, Some(err(kind)));
        assert_eq!(
            fetch_failure(obs.error.as_ref().expect("set"), &obs).to_string(),
            text
        );
    }
}

fn lookup(kind: RecordKind, outcome: DnsOutcome) -> DnsLookup {
    DnsLookup {
        name: "matrix.example.com".into(),
        kind,
        server: None,
        outcome,
        duration: Duration::ZERO,
    }
}

#[test]
fn dns_answers_and_failures() {
    let a = lookup(
        RecordKind::A,
        DnsOutcome::Answer(DnsAnswer {
            cname_chain: vec![crate::probe::CnameHop {
                name: "matrix.example.com".into(),
                target: "host.example.net".into(),
                ttl: 60,
            }],
            records: vec![DnsRecord {
                name: "host.example.net".into(),
                ttl: 300,
                data: RecordData::A("192.0.2.1".parse().expect("ip")),
            }],
            authoritative: true,
        }),
    );
    let aaaa = lookup(
        RecordKind::Aaaa,
        DnsOutcome::Failure(DnsFailure {
            kind: DnsFailureKind::NoData,
            detail: "x".into(),
            negative_ttl: Some(120),
            soa: Some(SoaInfo {
                zone: "example.net".into(),
                mname: "ns1.example.net".into(),
                rname: "hostmaster.example.net".into(),
                serial: 1,
                minimum: 120,
                ttl: 120,
            }),
            failed_name: Some("host.example.net".into()),
        }),
    );
    let l = addresses(&crate::probe::AddressLookup { a, aaaa });
    assert_eq!(l.cnames.len(), 1);
    assert_eq!(l.cnames[0].target, "host.example.net");
    assert_eq!(
        l.addresses(),
        vec!["192.0.2.1".parse::<std::net::IpAddr>().expect("ip")]
    );
    assert_eq!(
        l.aaaa,
        Err(DnsError::NoData {
            negative_ttl: Some(120)
        })
    );
    let srv_lookup = lookup(
        RecordKind::Srv,
        DnsOutcome::Answer(DnsAnswer {
            cname_chain: vec![],
            records: vec![DnsRecord {
                name: "_matrix-fed._tcp.example.com".into(),
                ttl: 3600,
                data: RecordData::Srv(SrvData {
                    priority: 10,
                    weight: 5,
                    port: 443,
                    target: ".".into(),
                }),
            }],
            authoritative: true,
        }),
    );
    let s = srv(&srv_lookup);
    let records = s.records.expect("answer");
    assert_eq!((records[0].port, records[0].ttl), (443, 3600));
    assert_eq!(records[0].target_host(), ".");
    let timeout = DnsFailure {
        kind: DnsFailureKind::Timeout,
        detail: "no answer".into(),
        negative_ttl: None,
        soa: None,
        failed_name: None,
    };
    assert_eq!(dns_error(&timeout), DnsError::Timeout);
}

#[test]
fn tls_failures_keep_their_words() {
    let obs = crate::probe::TlsObservation {
        target: crate::probe::TlsTarget {
            address: "127.0.0.1:443".parse().expect("addr"),
            sni: None,
            required_name: "127.0.0.1".into(),
        },
        result: Err(TlsFailure {
            kind: TlsFailureKind::Refused,
            detail: "Connection refused (os error 111)".into(),
            chain: vec![],
        }),
        duration: Duration::ZERO,
    };
    let t = tls(&obs);
    assert!(
        t.connect_error
            .as_deref()
            .is_some_and(|e| e.contains("refused"))
    );
    assert!(!t.chain_valid);
}
