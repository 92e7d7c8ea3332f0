//! The HTTPS fetcher against hostile or broken servers: caps, deadlines,
//! raw bodies, and every kind of failure told apart.

use crate::support::net::{kind, start};
use matrix_delegate::probe::*;

#[tokio::test]
async fn bad_redirects() {
    let (_sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/no-location"))
        .await;
    assert_eq!(kind(&obs), Some(&FetchErrorKind::BadRedirect));
    assert_eq!(obs.hops.len(), 1);
    let obs = net
        .fetch(FetchRequest::get("https://other.example.com/to-http"))
        .await;
    assert_eq!(kind(&obs), Some(&FetchErrorKind::NotHttps), "{obs:#?}");
    assert_eq!(obs.hops.len(), 1, "the redirect hop is recorded");
    let obs = net
        .fetch(FetchRequest::get("http://fetch.example.com/plain"))
        .await;
    assert_eq!(kind(&obs), Some(&FetchErrorKind::NotHttps));
    let obs = net.fetch(FetchRequest::get("not a url")).await;
    assert_eq!(kind(&obs), Some(&FetchErrorKind::InvalidUrl));
}

#[tokio::test]
async fn a_ten_mib_body_stops_at_the_cap() {
    let (_sim, net) = start(5000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/huge").body_cap(WELL_KNOWN_BODY_CAP))
        .await;
    assert_eq!(obs.status(), Some(200));
    let body = obs.body.expect("a body");
    assert_eq!(body.end, BodyEnd::OverCap);
    assert_eq!(body.bytes.len(), WELL_KNOWN_BODY_CAP);
    assert_eq!(
        body.text(),
        None,
        "an incomplete body is not handed out as text"
    );
}

#[tokio::test]
async fn a_trickling_body_hits_the_deadline() {
    let (_sim, net) = start(400).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/slow"))
        .await;
    assert_eq!(obs.status(), Some(200), "{obs:#?}");
    let body = obs.body.expect("a body");
    assert_eq!(body.end, BodyEnd::TimedOut);
    assert!(body.bytes.len() < 100, "got {} bytes", body.bytes.len());
}

#[tokio::test]
async fn slow_headers_time_out() {
    let (_sim, net) = start(300).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/late"))
        .await;
    assert_eq!(
        kind(&obs),
        Some(&FetchErrorKind::Timeout(TimeoutPhase::Headers)),
        "{obs:#?}"
    );
}

#[tokio::test]
async fn invalid_utf8_is_kept_raw() {
    let (_sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/utf8"))
        .await;
    let body = obs.body.expect("a body");
    assert!(body.is_complete());
    assert_eq!(body.bytes, b"{\"a\":\"\xff\"}");
    assert!(!body.is_utf8());
    assert_eq!(body.text(), None);
}

#[tokio::test]
async fn response_headers_are_kept() {
    let (_sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/plain"))
        .await;
    let hop = obs.response().expect("a response");
    assert_eq!(hop.headers.get("content-type"), Some("application/json"));
    assert_eq!(hop.headers.get("Cache-Control"), Some("max-age=600"));
    assert_eq!(hop.headers.get("access-control-allow-origin"), Some("*"));
    assert!(hop.headers.contains("date"));
}

#[tokio::test]
async fn tls_failures_carry_the_rustls_cause() {
    let (_sim, net) = start(2000).await;
    let (expired, wrong, unknown) = tokio::join!(
        net.fetch(FetchRequest::get("https://expired.example.com/")),
        net.fetch(FetchRequest::get("https://wrongname.example.com/")),
        net.fetch(FetchRequest::get("https://unknownca.example.com/")),
    );
    assert_eq!(
        kind(&expired),
        Some(&FetchErrorKind::Tls(TlsErrorKind::Expired)),
        "{expired:#?}"
    );
    assert!(
        matches!(kind(&wrong), Some(FetchErrorKind::Tls(TlsErrorKind::NameMismatch { presented }))
            if presented == &vec!["somebody-else.example.net".to_string()]),
        "{wrong:#?}"
    );
    assert_eq!(
        kind(&unknown),
        Some(&FetchErrorKind::Tls(TlsErrorKind::UnknownIssuer)),
        "{unknown:#?}"
    );
}

#[tokio::test]
async fn refused_blackholed_and_unresolvable_are_told_apart() {
    let (_sim, net) = start(300).await;
    let (refused, blackhole, nx) = tokio::join!(
        net.fetch(FetchRequest::get("https://refused.example.com/")),
        net.fetch(FetchRequest::get("https://blackhole.example.com/")),
        net.fetch(FetchRequest::get("https://missing.example.com/")),
    );
    assert_eq!(
        kind(&refused),
        Some(&FetchErrorKind::Refused),
        "{refused:#?}"
    );
    assert_eq!(
        kind(&blackhole),
        Some(&FetchErrorKind::Timeout(TimeoutPhase::Connect)),
        "{blackhole:#?}"
    );
    match kind(&nx) {
        Some(FetchErrorKind::Dns(lookup)) => {
            assert_eq!(lookup.a.failure_kind(), Some(DnsFailureKind::NxDomain));
            assert_eq!(lookup.aaaa.failure_kind(), Some(DnsFailureKind::NxDomain));
        }
        other => panic!("expected a DNS failure, got {other:?}"),
    }
}

#[tokio::test]
async fn hostile_header_values_are_refused_before_sending() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(
            FetchRequest::get("https://fetch.example.com/plain")
                .header("Origin", "a\r\nInjected: yes"),
        )
        .await;
    assert_eq!(
        kind(&obs),
        Some(&FetchErrorKind::InvalidRequest),
        "{obs:#?}"
    );
    assert!(sim.log().requests().is_empty());
}

#[tokio::test]
async fn a_server_that_does_not_speak_http() {
    let (_sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://nothttp.example.com/"))
        .await;
    assert_eq!(kind(&obs), Some(&FetchErrorKind::Http), "{obs:#?}");
    assert!(obs.hops.is_empty());
}
