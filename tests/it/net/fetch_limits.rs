//! The HTTPS fetcher against hostile or broken servers: caps, deadlines,
//! raw bodies, and every kind of failure told apart.

use crate::support::net::{failure, start};
use matrix_delegate::observe::{
    BodyEnd, DnsError, FetchFailure, RedirectProblem, TimeoutPhase, TlsErrorKind, UrlProblem,
};
use matrix_delegate::probe::*;

#[tokio::test]
async fn bad_redirects() {
    let (_sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/no-location"))
        .await;
    assert_eq!(
        failure(&obs),
        Some(&FetchFailure::BadRedirect(RedirectProblem::NoLocation))
    );
    assert_eq!(obs.hops.len(), 1);
    let obs = net
        .fetch(FetchRequest::get("https://other.example.com/to-http"))
        .await;
    assert_eq!(
        failure(&obs),
        Some(&FetchFailure::BadRedirect(RedirectProblem::NotHttps {
            url: "http://other.example.com/final".into(),
            scheme: "http".into(),
        })),
        "{obs:#?}"
    );
    assert_eq!(obs.hops.len(), 1, "the redirect hop is recorded");
    assert_eq!(obs.final_url, "http://other.example.com/final");
    // Asked for a plain-http URL: nothing was sent, and no redirect is blamed.
    let obs = net
        .fetch(FetchRequest::get("http://fetch.example.com/plain"))
        .await;
    assert_eq!(
        failure(&obs),
        Some(&FetchFailure::NotHttps {
            url: "http://fetch.example.com/plain".into()
        })
    );
    assert_eq!(
        obs.outcome_line(),
        "not an https URL: http://fetch.example.com/plain"
    );
    let obs = net.fetch(FetchRequest::get("not a url")).await;
    assert!(
        matches!(
            failure(&obs),
            Some(FetchFailure::InvalidUrl(UrlProblem::Unparsable(_)))
        ),
        "{obs:#?}"
    );
}

#[tokio::test]
async fn a_ten_mib_body_stops_at_the_cap() {
    let (_sim, net) = start(5000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/huge").body_cap(WELL_KNOWN_BODY_CAP))
        .await;
    assert_eq!(obs.status, Some(200));
    assert_eq!(obs.body_end, BodyEnd::OverCap);
    assert_eq!(obs.body.len(), WELL_KNOWN_BODY_CAP);
    assert_eq!(
        obs.body_text(),
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
    assert_eq!(obs.status, Some(200), "{obs:#?}");
    assert_eq!(obs.body_end, BodyEnd::TimedOut);
    assert!(obs.body.len() < 100, "got {} bytes", obs.body.len());
}

#[tokio::test]
async fn slow_headers_time_out() {
    let (_sim, net) = start(300).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/late"))
        .await;
    assert_eq!(
        failure(&obs),
        Some(&FetchFailure::Timeout(TimeoutPhase::Headers)),
        "{obs:#?}"
    );
}

#[tokio::test]
async fn invalid_utf8_is_kept_raw() {
    let (_sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/utf8"))
        .await;
    assert_eq!(obs.body_end, BodyEnd::Complete);
    assert_eq!(obs.body, b"{\"a\":\"\xff\"}");
    assert!(std::str::from_utf8(&obs.body).is_err());
    assert_eq!(obs.body_text(), None);
}

#[tokio::test]
async fn response_headers_are_kept() {
    let (_sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/plain"))
        .await;
    assert_eq!(obs.header("content-type"), Some("application/json"));
    assert_eq!(obs.header("Cache-Control"), Some("max-age=600"));
    assert_eq!(obs.header("access-control-allow-origin"), Some("*"));
    assert!(obs.header("date").is_some());
}

#[tokio::test]
async fn tls_failures_carry_the_rustls_cause() {
    let (_sim, net) = start(2000).await;
    let (expired, wrong, unknown) = tokio::join!(
        net.fetch(FetchRequest::get("https://expired.example.com/")),
        net.fetch(FetchRequest::get("https://wrongname.example.com/")),
        net.fetch(FetchRequest::get("https://unknownca.example.com/")),
    );
    let tls_kind = |obs| match failure(obs) {
        Some(FetchFailure::Tls { kind, .. }) => Some(kind.clone()),
        _ => None,
    };
    assert_eq!(
        tls_kind(&expired),
        Some(TlsErrorKind::Expired),
        "{expired:#?}"
    );
    assert!(
        matches!(tls_kind(&wrong), Some(TlsErrorKind::NameMismatch { presented })
            if presented == vec!["somebody-else.example.net".to_string()]),
        "{wrong:#?}"
    );
    assert_eq!(
        tls_kind(&unknown),
        Some(TlsErrorKind::UnknownIssuer),
        "{unknown:#?}"
    );
    assert!(
        matches!(
            failure(&expired),
            Some(FetchFailure::Tls {
                address: Some(_),
                ..
            })
        ),
        "the address that failed is kept: {expired:#?}"
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
        failure(&refused),
        Some(&FetchFailure::Refused {
            address: Some("127.0.0.26:443".parse().expect("addr"))
        }),
        "{refused:#?}"
    );
    assert_eq!(
        failure(&blackhole),
        Some(&FetchFailure::Timeout(TimeoutPhase::Connect)),
        "{blackhole:#?}"
    );
    match failure(&nx) {
        Some(FetchFailure::Dns(lookup)) => {
            assert_eq!(lookup.name, "missing.example.com");
            assert!(matches!(lookup.a, Err(DnsError::NxDomain { .. })));
            assert!(matches!(lookup.aaaa, Err(DnsError::NxDomain { .. })));
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
    assert!(
        matches!(failure(&obs), Some(FetchFailure::InvalidRequest(_))),
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
    assert!(
        matches!(failure(&obs), Some(FetchFailure::Http(_))),
        "{obs:#?}"
    );
    assert!(obs.hops.is_empty());
}
