//! The HTTPS fetcher against the simulated internet: where it connects, the
//! SNI and Host it sends, redirects hop by hop, limits, error kinds.

use std::net::SocketAddr;
use std::time::Duration;

use matrix_delegate::check::net::*;
use matrix_delegate::sim::{Scenario, Sim};

fn scenario() -> String {
    let mut toml = String::from(
        r#"
name = "fetch-test"
description = "fetch behaviours"
server_name = "example.com"

[hosts]
"fetch.example.com" = "127.0.0.20"
"elsewhere.example.com" = "127.0.0.99"
"other.example.com" = "127.0.0.21"
"expired.example.com" = "127.0.0.22"
"wrongname.example.com" = "127.0.0.23"
"unknownca.example.com" = "127.0.0.24"
"blackhole.example.com" = "127.0.0.25"
"refused.example.com" = "127.0.0.26"

[[server]]
address = "127.0.0.21:443"
certs = [{ names = ["other.example.com"] }]
[[server.route]]
path = "/final"
json = { done = true }
headers = { "Access-Control-Allow-Origin" = "*" }
[[server.route]]
path = "/to-http"
redirect = "http://other.example.com/final"

[[server]]
address = "127.0.0.22:443"
certs = [{ names = ["expired.example.com"], kind = "expired" }]
[[server]]
address = "127.0.0.23:443"
certs = [{ names = ["somebody-else.example.net"] }]
[[server]]
address = "127.0.0.24:443"
certs = [{ names = ["unknownca.example.com"], kind = "unknown-ca" }]
[[server]]
address = "127.0.0.25:443"
mode = "blackhole"

[[server]]
address = "127.0.0.40:8448"
certs = [{ names = ["127.0.0.40"] }]
[[server.route]]
path = "/plain"
json = { ip = true }
[[server]]
address = "127.0.0.41:8448"
certs = [{ names = ["fetch.example.com"] }]
"#,
    );
    let routes = r#"
[[server.route]]
path = "/plain"
json = { "m.server" = "matrix.example.com:443" }
headers = { "Access-Control-Allow-Origin" = "*", "Cache-Control" = "max-age=600" }
[[server.route]]
path = "/redirect1"
redirect = "/redirect2"
status = 302
headers = { "Access-Control-Allow-Origin" = "*" }
[[server.route]]
path = "/redirect2"
redirect = "https://other.example.com/final"
[[server.route]]
path = "/loop-a"
redirect = "/loop-b"
status = 302
[[server.route]]
path = "/loop-b"
redirect = "https://fetch.example.com/loop-a"
status = 307
[[server.route]]
path = "/no-location"
status = 302
[[server.route]]
path = "/huge"
huge_body = 10485760
[[server.route]]
path = "/slow"
slow_body = { chunk = 1, interval_ms = 100, total = 100 }
[[server.route]]
path = "/utf8"
body_base64 = "eyJhIjoi/yJ9"
headers = { "Content-Type" = "application/json" }
[[server.route]]
path = "/late"
delay_ms = 3000
body = "too late"
"#;
    for addr in ["127.0.0.20:443", "127.0.0.20:8448"] {
        toml.push_str(&format!(
            "[[server]]\naddress = \"{addr}\"\ncerts = [{{ names = [\"fetch.example.com\", \"elsewhere.example.com\"] }}]\n{routes}"
        ));
        for i in 0..12 {
            toml.push_str(&format!(
                "[[server.route]]\npath = \"/r{i}\"\nredirect = \"/r{}\"\n",
                i + 1
            ));
        }
    }
    toml
}

async fn start(timeout_ms: u64) -> (Sim, Net) {
    let scenario = Scenario::from_toml(&scenario()).expect("test scenario parses");
    let sim = Sim::start(&scenario).await.expect("sim starts");
    let mut opts = sim.net_options();
    opts.timeout = Duration::from_millis(timeout_ms);
    let net = Net::new(opts).expect("network layer sets up");
    (sim, net)
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("test address")
}

fn kind(obs: &FetchObservation) -> Option<&FetchErrorKind> {
    obs.error.as_ref().map(|e| &e.kind)
}

#[tokio::test]
async fn host_keeps_the_port_and_sni_is_the_name() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com:8448/plain"))
        .await;
    let hop = obs.response().expect("a response");
    assert_eq!(hop.status, 200);
    assert_eq!(hop.host_header, "fetch.example.com:8448");
    assert_eq!(hop.sni.as_deref(), Some("fetch.example.com"));
    assert_eq!(hop.connected_to, Some(addr("127.0.0.20:8448")));
    let seen = sim.log().requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].address, addr("127.0.0.20:8448"));
    assert_eq!(seen[0].sni.as_deref(), Some("fetch.example.com"));
    assert_eq!(seen[0].host.as_deref(), Some("fetch.example.com:8448"));
    assert_eq!(seen[0].target, "/plain");
}

#[tokio::test]
async fn a_written_default_port_stays_in_host() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com:443/plain"))
        .await;
    assert_eq!(obs.status(), Some(200));
    let seen = sim.log().requests();
    assert_eq!(seen[0].host.as_deref(), Some("fetch.example.com:443"));
    assert_eq!(seen[0].address, addr("127.0.0.20:443"));
}

#[tokio::test]
async fn connect_to_a_chosen_address_with_host_without_port() {
    // Spec step 3.3/4: Host is the bare name while the port comes from SRV.
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(
            FetchRequest::get("https://fetch.example.com/plain")
                .connect_to(addr("127.0.0.20:8448")),
        )
        .await;
    let hop = obs.response().expect("a response");
    assert_eq!(hop.candidates, vec![addr("127.0.0.20:8448")]);
    assert_eq!(hop.connected_to, Some(addr("127.0.0.20:8448")));
    let seen = sim.log().requests();
    assert_eq!(seen[0].address, addr("127.0.0.20:8448"));
    assert_eq!(seen[0].host.as_deref(), Some("fetch.example.com"));
    assert_eq!(seen[0].sni.as_deref(), Some("fetch.example.com"));
    let hellos = sim.log().hellos();
    assert_eq!(hellos[0].sni.as_deref(), Some("fetch.example.com"));
}

#[tokio::test]
async fn host_header_override() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(
            FetchRequest::get("https://fetch.example.com/plain")
                .connect_to(addr("127.0.0.20:8448"))
                .host_header("fetch.example.com:8448"),
        )
        .await;
    assert_eq!(obs.status(), Some(200));
    assert_eq!(
        sim.log().requests()[0].host.as_deref(),
        Some("fetch.example.com:8448")
    );
}

#[tokio::test]
async fn dial_map_is_used_and_observations_show_logical_addresses() {
    let (sim, net) = start(2000).await;
    let logical = addr("127.0.0.20:443");
    let real = sim.real_address(logical).expect("served");
    assert_ne!(real, logical, "the sim listens on a random port");
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/plain"))
        .await;
    assert_eq!(obs.response().and_then(|h| h.connected_to), Some(logical));
}

#[tokio::test]
async fn ip_literal_sends_no_sni_and_verifies_the_ip() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://127.0.0.40:8448/plain"))
        .await;
    let hop = obs.response().unwrap_or_else(|| panic!("{obs:#?}"));
    assert_eq!(hop.status, 200);
    assert_eq!(hop.sni, None);
    assert_eq!(hop.host_header, "127.0.0.40:8448");
    let seen = sim.log().requests();
    assert_eq!(seen[0].sni, None, "no SNI for IP literals (RFC 6066)");
    assert_eq!(seen[0].host.as_deref(), Some("127.0.0.40:8448"));
    assert_eq!(
        obs.body.as_ref().and_then(|b| b.text()),
        Some(r#"{"ip":true}"#)
    );

    // A certificate that does not cover the IP is refused.
    let obs = net
        .fetch(FetchRequest::get("https://127.0.0.41:8448/plain"))
        .await;
    assert!(
        matches!(
            kind(&obs),
            Some(FetchErrorKind::Tls(TlsErrorKind::NameMismatch { .. }))
        ),
        "{obs:#?}"
    );
}

#[tokio::test]
async fn redirects_are_followed_hop_by_hop_and_recorded() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(
            FetchRequest::get("https://fetch.example.com/redirect1")
                .header("Origin", "https://app.example.org"),
        )
        .await;
    assert_eq!(obs.error, None, "{obs:#?}");
    let summary: Vec<(&str, u16, Option<&str>)> = obs
        .hops
        .iter()
        .map(|h| (h.url.as_str(), h.status, h.location.as_deref()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "https://fetch.example.com/redirect1",
                302,
                Some("/redirect2")
            ),
            (
                "https://fetch.example.com/redirect2",
                301,
                Some("https://other.example.com/final")
            ),
            ("https://other.example.com/final", 200, None),
        ]
    );
    assert_eq!(obs.redirects().len(), 2);
    assert_eq!(
        obs.hops[0].headers.get("access-control-allow-origin"),
        Some("*")
    );
    assert_eq!(obs.hops[1].headers.get("Access-Control-Allow-Origin"), None);
    assert_eq!(obs.hops[2].host_header, "other.example.com");
    assert_eq!(obs.hops[2].connected_to, Some(addr("127.0.0.21:443")));
    assert_eq!(
        obs.body.as_ref().and_then(|b| b.text()),
        Some(r#"{"done":true}"#)
    );
    let origins: Vec<_> = sim.log().requests().into_iter().map(|r| r.origin).collect();
    assert_eq!(
        origins,
        vec![Some("https://app.example.org".to_string()); 3]
    );
}

#[tokio::test]
async fn redirect_loops_are_detected() {
    let (_sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/loop-a"))
        .await;
    assert_eq!(kind(&obs), Some(&FetchErrorKind::RedirectLoop), "{obs:#?}");
    assert_eq!(obs.hops.len(), 2);
    assert_eq!(obs.hops[1].status, 307);
    assert!(obs.response().is_none());
    assert_eq!(obs.redirects().len(), 2);
}

#[tokio::test]
async fn at_most_ten_redirects() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/r0"))
        .await;
    assert_eq!(
        kind(&obs),
        Some(&FetchErrorKind::TooManyRedirects),
        "{obs:#?}"
    );
    assert_eq!(obs.hops.len(), MAX_REDIRECTS + 1);
    assert_eq!(sim.log().requests().len(), MAX_REDIRECTS + 1);
}

#[tokio::test]
async fn redirects_can_be_left_alone() {
    let (_sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/redirect1").follow_redirects(false))
        .await;
    let hop = obs.response().expect("the redirect is the response");
    assert_eq!(hop.status, 302);
    assert_eq!(hop.location.as_deref(), Some("/redirect2"));
}

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
async fn options_preflight() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(
            FetchRequest::options("https://fetch.example.com/plain")
                .header("Origin", "https://app.example.org")
                .header("Access-Control-Request-Method", "GET"),
        )
        .await;
    let hop = obs.response().expect("a response");
    assert_eq!(hop.status, 204);
    assert_eq!(hop.headers.get("access-control-allow-origin"), Some("*"));
    assert!(hop.headers.contains("access-control-allow-methods"));
    assert_eq!(sim.log().requests()[0].method, "OPTIONS");
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
            if presented.iter().any(|p| p.contains("somebody-else.example.net"))),
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
async fn resolve_override_decides_the_address() {
    let scenario = Scenario::from_toml(&scenario()).expect("test scenario parses");
    let sim = Sim::start(&scenario).await.expect("sim starts");
    let mut opts = sim.net_options();
    opts.timeout = Duration::from_secs(2);
    // DNS says 127.0.0.99 (nothing there); the override says 127.0.0.20.
    opts.resolve = vec![parse_resolve("elsewhere.example.com:443:127.0.0.20").expect("valid")];
    let net = Net::new(opts).expect("network layer sets up");
    let obs = net
        .fetch(FetchRequest::get("https://elsewhere.example.com/plain"))
        .await;
    assert_eq!(obs.status(), Some(200), "{obs:#?}");
    let seen = sim.log().requests();
    assert_eq!(seen[0].address, addr("127.0.0.20:443"));
    assert_eq!(seen[0].host.as_deref(), Some("elsewhere.example.com"));
    assert_eq!(seen[0].sni.as_deref(), Some("elsewhere.example.com"));
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
