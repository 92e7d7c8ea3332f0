//! The HTTPS fetcher against the simulated internet: where it connects, the
//! SNI and Host it sends, redirects hop by hop.

use std::time::Duration;

use crate::support::net::{addr, exchange, failure, scenario, start};
use matrix_delegate::observe::{FetchFailure, Method, TlsErrorKind};
use matrix_delegate::probe::*;
use matrix_delegate::sim::{Scenario, Sim};

#[tokio::test]
async fn host_keeps_the_port_and_sni_is_the_name() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com:8448/plain"))
        .await;
    let hop = exchange(&obs);
    assert_eq!(obs.status, Some(200));
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
    assert_eq!(obs.status, Some(200));
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
    let hop = exchange(&obs);
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
    assert_eq!(obs.status, Some(200));
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
    assert_eq!(exchange(&obs).connected_to, Some(logical));
}

#[tokio::test]
async fn ip_literal_sends_no_sni_and_verifies_the_ip() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://127.0.0.40:8448/plain"))
        .await;
    let hop = exchange(&obs);
    assert_eq!(obs.status, Some(200));
    assert_eq!(hop.sni, None);
    assert_eq!(hop.host_header, "127.0.0.40:8448");
    let seen = sim.log().requests();
    assert_eq!(seen[0].sni, None, "no SNI for IP literals (RFC 6066)");
    assert_eq!(seen[0].host.as_deref(), Some("127.0.0.40:8448"));
    assert_eq!(obs.body_text(), Some(r#"{"ip":true}"#));

    // A certificate that does not cover the IP is refused.
    let obs = net
        .fetch(FetchRequest::get("https://127.0.0.41:8448/plain"))
        .await;
    assert!(
        matches!(
            failure(&obs),
            Some(FetchFailure::Tls {
                kind: TlsErrorKind::NameMismatch { .. },
                ..
            })
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
        .map(|h| (h.url.as_str(), h.status, h.location()))
        .chain([(
            obs.final_url.as_str(),
            obs.status.unwrap_or(0),
            obs.header("location"),
        )])
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
    assert_eq!(obs.hops.len(), 2, "the redirects followed");
    assert_eq!(obs.hops[0].header("access-control-allow-origin"), Some("*"));
    assert_eq!(obs.hops[1].header("Access-Control-Allow-Origin"), None);
    assert_eq!(obs.hops[1].exchange.host_header, "fetch.example.com");
    assert_eq!(exchange(&obs).host_header, "other.example.com");
    assert_eq!(exchange(&obs).connected_to, Some(addr("127.0.0.21:443")));
    assert_eq!(obs.body_text(), Some(r#"{"done":true}"#));
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
    assert_eq!(
        failure(&obs),
        Some(&FetchFailure::RedirectLoop(
            "https://fetch.example.com/loop-a".into()
        )),
        "{obs:#?}"
    );
    assert_eq!(obs.hops.len(), 2);
    assert_eq!(obs.hops[1].status, 307);
    assert_eq!(obs.status, None);
    assert!(obs.exchange.is_none());
}

#[tokio::test]
async fn at_most_ten_redirects() {
    let (sim, net) = start(2000).await;
    let obs = net
        .fetch(FetchRequest::get("https://fetch.example.com/r0"))
        .await;
    assert_eq!(
        failure(&obs),
        Some(&FetchFailure::TooManyRedirects(MAX_REDIRECTS)),
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
    assert!(obs.hops.is_empty(), "the redirect is the response");
    assert_eq!(obs.status, Some(302));
    assert_eq!(obs.header("location"), Some("/redirect2"));
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
    assert_eq!(obs.status, Some(204), "{obs:#?}");
    assert_eq!(obs.method, Method::Options);
    assert_eq!(obs.header("access-control-allow-origin"), Some("*"));
    assert!(obs.header("access-control-allow-methods").is_some());
    assert_eq!(
        obs.request_headers[0],
        ("origin".to_string(), "https://app.example.org".to_string()),
        "the request headers worth showing, names in lower case"
    );
    assert_eq!(sim.log().requests()[0].method, "OPTIONS");
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
    assert_eq!(obs.status, Some(200), "{obs:#?}");
    let seen = sim.log().requests();
    assert_eq!(seen[0].address, addr("127.0.0.20:443"));
    assert_eq!(seen[0].host.as_deref(), Some("elsewhere.example.com"));
    assert_eq!(seen[0].sni.as_deref(), Some("elsewhere.example.com"));
}

#[tokio::test]
async fn everything_can_run_on_spawned_tasks() {
    fn assert_send<T: Send + 'static>(t: T) -> T {
        t
    }
    let (_sim, net) = start(2000).await;
    let (n1, n2, n3) = (net.clone(), net.clone(), net.clone());
    let fetch = tokio::spawn(assert_send(async move {
        n1.fetch(FetchRequest::get("https://fetch.example.com/plain"))
            .await
    }));
    let tls = tokio::spawn(assert_send(async move {
        n2.inspect_tls(TlsTarget {
            address: addr("127.0.0.20:443"),
            sni: Some("fetch.example.com".into()),
            required_name: "fetch.example.com".into(),
        })
        .await
    }));
    let dns = tokio::spawn(assert_send(async move {
        n3.dns().addresses("fetch.example.com").await
    }));
    let (fetch, tls, dns) = tokio::join!(fetch, tls, dns);
    assert_eq!(fetch.expect("task ran").status, Some(200));
    assert!(tls.expect("task ran").handshake.is_some());
    assert_eq!(dns.expect("task ran").addresses().len(), 1);
}

/// A deployment with the homeserver's plain-HTTP listener (`plain-http`)
/// beside its HTTPS site, and a proxy that doubles
/// `Access-Control-Allow-Origin` (`add-cors`).
fn plain_http_scenario() -> Scenario {
    Scenario::from_toml(
        r#"
name = "plain-http-test"
description = "plain http next to https"
server_name = "example.com"

[hosts]
"matrix.example.com" = "127.0.0.11"
"doubled.example.com" = "127.0.0.12"

[[server]]
address = "127.0.0.11:443"
certs = [{ names = ["matrix.example.com"] }]
[[server.route]]
path = "/to-http"
redirect = "http://matrix.example.com:8008/plain"

[[server]]
address = "127.0.0.11:8008"
mode = "plain-http"
[[server.route]]
path = "/plain"
json = { plain = true }
headers = { "Access-Control-Allow-Origin" = "*" }

[[server]]
address = "127.0.0.12:443"
proxy = "add-cors"
certs = [{ names = ["doubled.example.com"] }]
[[server.route]]
path = "/file"
json = { file = true }
headers = { "Access-Control-Allow-Origin" = "*" }
"#,
    )
    .expect("test scenario parses")
}

/// Plain http only when the request allows it (a client's `http://`
/// base_url): then over TCP without TLS, so no SNI, and a redirect from
/// https to http is followed too. Refused otherwise, with nothing sent.
#[tokio::test]
async fn plain_http_only_when_allowed() {
    let sim = Sim::start(&plain_http_scenario())
        .await
        .expect("sim starts");
    let net = Net::new(sim.net_options()).expect("network layer sets up");
    let url = "http://matrix.example.com:8008/plain";

    let refused = net.fetch(FetchRequest::get(url)).await;
    assert_eq!(
        failure(&refused),
        Some(&FetchFailure::NotHttps { url: url.into() })
    );
    assert!(sim.log().requests().is_empty(), "nothing was sent");

    let obs = net
        .fetch(FetchRequest::get(url).allow_plain_http(true))
        .await;
    assert_eq!(obs.status, Some(200), "{obs:#?}");
    assert_eq!(obs.json(), Some(serde_json::json!({"plain": true})));
    let ex = exchange(&obs);
    assert_eq!(ex.sni, None, "no TLS, no SNI");
    assert_eq!(ex.host_header, "matrix.example.com:8008");
    assert_eq!(ex.connected_to, Some(addr("127.0.0.11:8008")));
    let logged = sim.log().requests();
    assert_eq!(logged.len(), 1, "{logged:#?}");
    assert_eq!(logged[0].sni, None);
    assert_eq!(logged[0].address, addr("127.0.0.11:8008"));

    let redirected = net
        .fetch(FetchRequest::get("https://matrix.example.com/to-http").allow_plain_http(true))
        .await;
    assert_eq!(redirected.status, Some(200), "{redirected:#?}");
    assert_eq!(redirected.hops.len(), 1);
    assert_eq!(redirected.final_url, url);

    // The proxy mode that doubles the header: both copies are observed.
    let doubled = net
        .fetch(FetchRequest::get("https://doubled.example.com/file"))
        .await;
    let copies: Vec<&str> = doubled
        .headers
        .iter()
        .filter(|(n, _)| n == "access-control-allow-origin")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(copies, ["*", "*"], "{doubled:#?}");
    sim.shutdown().await;
}
