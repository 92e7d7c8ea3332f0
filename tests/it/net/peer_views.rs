//! The peers' well-known fetches cut from one wide fetch
//! (`FetchPolicy::view`) against real fetches made with each peer's own
//! limits on the simulated internet: the same hops, final URL, status,
//! failure and body, for redirect chains of every length up to 22 hops, a
//! redirect to plain http, a loop and a body over the smaller caps.

use matrix_delegate::matrix::peers::{FetchPolicy, redirects};
use matrix_delegate::observe::{FetchFailure, HttpObservation, RedirectProblem};
use matrix_delegate::probe::{FetchRequest, Net};
use matrix_delegate::sim::{Scenario, Sim};

/// `/chain/N` redirects N times (`/chain/N` → `/chain/N-1` … → `/chain/0`,
/// the file); `/to-http` redirects once to the file on plain http;
/// `/loop/a` ↔ `/loop/b`; `/big` is 20 KiB of file.
fn scenario() -> Scenario {
    let mut text = String::from(
        r#"
name = "peer-views-test"
description = "redirect chains for the peers' fetches"
server_name = "example.com"

[hosts]
"example.com" = "127.0.0.10"

[[server]]
address = "127.0.0.10:80"
mode = "plain-http"
[[server.route]]
path = "/plain"
json = { "m.server" = "matrix.example.com:443" }

[[server]]
address = "127.0.0.10:443"
certs = [{ names = ["example.com"] }]
[[server.route]]
path = "/to-http"
redirect = "http://example.com/plain"
[[server.route]]
path = "/loop/a"
redirect = "https://example.com/loop/b"
status = 302
[[server.route]]
path = "/loop/b"
redirect = "https://example.com/loop/a"
status = 302
[[server.route]]
path = "/big"
body = "PAD"
[[server.route]]
path = "/chain/0"
json = { "m.server" = "matrix.example.com:443" }
"#,
    );
    for n in 1..=22 {
        text.push_str(&format!(
            "[[server.route]]\npath = \"/chain/{n}\"\nredirect = \"https://example.com/chain/{}\"\nstatus = 302\n",
            n - 1
        ));
    }
    let pad = "x".repeat(20 * 1024);
    Scenario::from_toml(&text.replace("PAD", &pad)).expect("test scenario parses")
}

fn with(policy: FetchPolicy, url: &str) -> FetchRequest {
    FetchRequest::get(url)
        .max_redirects(policy.max_redirects)
        .allow_plain_http(policy.follows_https_to_http)
        .body_cap(policy.body_cap)
}

/// What a fetch shows apart from timings and the exchange details.
fn shape(
    obs: &HttpObservation,
) -> (
    Vec<String>,
    String,
    Option<u16>,
    Option<FetchFailure>,
    usize,
) {
    (
        obs.hops.iter().map(|h| h.url.clone()).collect(),
        obs.final_url.clone(),
        obs.status,
        obs.error.clone(),
        obs.body.len(),
    )
}

const POLICIES: [FetchPolicy; 4] = [
    FetchPolicy::CHECK,
    FetchPolicy::SYNAPSE,
    FetchPolicy::CONTINUWUITY,
    FetchPolicy::CONDUWUIT,
];

#[tokio::test]
async fn each_peers_view_of_the_wide_fetch_is_its_own_fetch() {
    let sim = Sim::start(&scenario()).await.expect("sim starts");
    let net = Net::new(sim.net_options()).expect("network layer sets up");
    let mut urls: Vec<String> = [0, 1, 4, 5, 10, 11, 20, 21, 22]
        .iter()
        .map(|n| format!("https://example.com/chain/{n}"))
        .collect();
    urls.extend(
        ["/to-http", "/loop/a", "/big"]
            .iter()
            .map(|p| format!("https://example.com{p}")),
    );
    for url in &urls {
        let wide = net.fetch(with(FetchPolicy::WIDEST, url)).await;
        for policy in POLICIES {
            let own = net.fetch(with(policy, url)).await;
            assert_eq!(
                shape(&policy.view(&wide)),
                shape(&own),
                "{url} with {policy:?}"
            );
            assert_eq!(policy.view(&wide).body_end, own.body_end, "{url}");
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn the_wide_fetch_records_the_plain_http_hop_with_its_address() {
    let sim = Sim::start(&scenario()).await.expect("sim starts");
    let net = Net::new(sim.net_options()).expect("network layer sets up");
    let wide = net
        .fetch(with(FetchPolicy::WIDEST, "https://example.com/to-http"))
        .await;
    assert_eq!(wide.status, Some(200), "{wide:#?}");
    assert_eq!(wide.final_url, "http://example.com/plain");
    let ex = wide.exchange.as_ref().expect("the http request went out");
    assert_eq!(
        ex.connected_to,
        Some("127.0.0.10:80".parse().expect("addr"))
    );
    assert_eq!(ex.sni, None);
    // Synapse and the reqwest peers follow it; check stays on https.
    let check = FetchPolicy::CHECK.view(&wide);
    assert_eq!(
        check.error,
        Some(FetchFailure::BadRedirect(RedirectProblem::NotHttps {
            url: "http://example.com/plain".into(),
            scheme: "http".into(),
        }))
    );
    let followed: Vec<bool> = redirects(&check).iter().map(|r| r.followed).collect();
    assert_eq!(followed, [false]);
    let synapse = FetchPolicy::SYNAPSE.view(&wide);
    assert_eq!(synapse.status, Some(200));
    let r = redirects(&synapse);
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].to.as_str(), r[0].followed),
        ("http://example.com/plain", true)
    );
    // Twenty hops for Synapse, the twenty-first is one too many.
    let long = net
        .fetch(with(FetchPolicy::WIDEST, "https://example.com/chain/21"))
        .await;
    assert_eq!(long.error, Some(FetchFailure::TooManyRedirects(20)));
    assert_eq!(long.hops.len(), 21);
    let four = FetchPolicy::CONTINUWUITY.view(&long);
    assert_eq!(four.error, Some(FetchFailure::TooManyRedirects(4)));
    let r = redirects(&four);
    assert_eq!(r.len(), 5);
    assert!(r[..4].iter().all(|r| r.followed) && !r[4].followed, "{r:?}");
    assert_eq!(r[4].to, "https://example.com/chain/16");
    sim.shutdown().await;
}
