//! The simulated Continuwuity answers like the real one: a key response
//! whose ed25519 signature verifies over canonical JSON, 401 for
//! unauthenticated federation requests, well-known files from its
//! settings — and the proxy mistakes mangle it the way real proxies do.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use matrix_delegate::matrix::canonical_json::encode as canonical_json;
use matrix_delegate::observe::HttpObservation;
use matrix_delegate::probe::*;
use matrix_delegate::sim::{Scenario, Sim};
use serde_json::Value;

const PROBE: &str = "/_matrix/federation/v1/event/%24probe%2Fslash";

async fn start(name: &str) -> (Sim, Net) {
    let sim = Sim::start(&Scenario::builtin(name).expect("built-in scenario"))
        .await
        .expect("sim starts");
    let mut opts = sim.net_options();
    opts.timeout = Duration::from_secs(2);
    (sim, Net::new(opts).expect("network layer sets up"))
}

/// The status, the response (for its headers) and the body.
async fn get(net: &Net, url: &str) -> (u16, HttpObservation, Vec<u8>) {
    let obs = net
        .fetch(FetchRequest::get(url).body_cap(API_BODY_CAP))
        .await;
    let status = obs.status.unwrap_or_else(|| panic!("{url}: {obs:#?}"));
    let body = obs.body.clone();
    (status, obs, body)
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).expect("a JSON body")
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Verifies every signature of `signer` on `object` (spec "Checking for a
/// signature"): strip `signatures` and `unsigned`, canonical JSON, ed25519.
fn verify(object: &Value, signer: &str, key_id: &str, key: &VerifyingKey) -> Result<(), String> {
    let mut stripped = object.clone();
    let map = stripped.as_object_mut().ok_or("not an object")?;
    let signatures = map.remove("signatures").ok_or("no signatures")?;
    map.remove("unsigned");
    let encoded = canonical_json(&stripped).map_err(|e| e.to_string())?;
    // serde_json's default map is sorted and compact: for this plain ASCII
    // object it must give the same bytes, an independent cross-check.
    assert_eq!(
        encoded,
        serde_json::to_string(&stripped).expect("serialises")
    );
    let sig_b64 = signatures[signer][key_id]
        .as_str()
        .ok_or("no signature for key")?;
    let sig_bytes = STANDARD_NO_PAD.decode(sig_b64).map_err(|e| e.to_string())?;
    let sig = Signature::from_slice(&sig_bytes).map_err(|e| e.to_string())?;
    key.verify(encoded.as_bytes(), &sig)
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn key_response_is_signed_for_real() {
    let (sim, net) = start("healthy-well-known").await;
    let (status, headers, body) =
        get(&net, "https://matrix.example.com/_matrix/key/v2/server").await;
    assert_eq!(status, 200);
    assert_eq!(headers.header("content-type"), Some("application/json"));
    let keys = json(&body);
    assert_eq!(keys["server_name"], "example.com");
    let valid_until = keys["valid_until_ts"].as_i64().expect("an integer");
    assert!(valid_until > now_ms(), "valid_until_ts is in the future");

    let (key_id, key) = sim.server_key("hs").expect("the scenario's homeserver");
    let published = keys["verify_keys"][key_id]["key"]
        .as_str()
        .expect("published key");
    assert_eq!(published, STANDARD_NO_PAD.encode(key.as_bytes()));
    // The key as published is the key that verifies.
    let from_response = VerifyingKey::from_bytes(
        &STANDARD_NO_PAD
            .decode(published)
            .expect("base64")
            .try_into()
            .expect("32 bytes"),
    )
    .expect("an ed25519 key");
    verify(&keys, "example.com", key_id, &from_response).expect("the signature verifies");

    let mut tampered = keys.clone();
    tampered["valid_until_ts"] = Value::from(valid_until + 1);
    assert!(verify(&tampered, "example.com", key_id, key).is_err());
}

#[tokio::test]
async fn the_base_domain_proxy_serves_the_same_key() {
    let (_sim, net) = start("healthy-well-known-srv-fallback").await;
    let (_, _, a) = get(&net, "https://matrix.example.com/_matrix/key/v2/server").await;
    let (_, _, b) = get(&net, "https://example.com/_matrix/key/v2/server").await;
    assert_eq!(json(&a)["verify_keys"], json(&b)["verify_keys"]);
}

#[tokio::test]
async fn federation_version_and_unauthenticated_requests() {
    let (_sim, net) = start("healthy-well-known").await;
    let (status, _, body) = get(
        &net,
        "https://matrix.example.com/_matrix/federation/v1/version",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(json(&body)["server"]["name"], "continuwuity");

    let (status, headers, body) = get(&net, &format!("https://matrix.example.com{PROBE}")).await;
    assert_eq!(status, 401);
    assert_eq!(headers.header("content-type"), Some("application/json"));
    assert_eq!(json(&body)["errcode"], "M_UNAUTHORIZED");

    let (status, _, body) = get(
        &net,
        "https://matrix.example.com/_matrix/federation/v1/nope",
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(json(&body)["errcode"], "M_UNRECOGNIZED");
}

#[tokio::test]
async fn a_decoding_proxy_breaks_only_escaped_paths() {
    let (sim, net) = start("mangling-proxy-decoded-path").await;
    let (status, _, _) = get(
        &net,
        "https://matrix.example.com/_matrix/federation/v1/version",
    )
    .await;
    assert_eq!(status, 200, "plain requests look healthy");
    let (status, _, _) = get(&net, "https://matrix.example.com/_matrix/key/v2/server").await;
    assert_eq!(status, 200);
    let (status, _, body) = get(&net, &format!("https://matrix.example.com{PROBE}")).await;
    assert_eq!(status, 404);
    assert_eq!(json(&body)["errcode"], "M_UNRECOGNIZED");
    let sent = sim.log().requests();
    assert_eq!(
        sent.last().map(|r| r.target.as_str()),
        Some(PROBE),
        "sent escaped"
    );
}

#[tokio::test]
async fn an_html_404_under_matrix() {
    let (_sim, net) = start("html-404-under-matrix").await;
    for path in [
        "/_matrix/federation/v1/version",
        "/_matrix/key/v2/server",
        PROBE,
        "/_matrix/client/versions",
    ] {
        let (status, headers, body) = get(&net, &format!("https://matrix.example.com{path}")).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(headers.header("content-type"), Some("text/html"), "{path}");
        assert!(String::from_utf8_lossy(&body).contains("<center>nginx</center>"));
    }
    let (status, _, _) = get(&net, "https://example.com/.well-known/matrix/server").await;
    assert_eq!(status, 200, "the base domain is fine");
}

#[tokio::test]
async fn well_known_files_like_continuwuity() {
    let (_sim, net) = start("healthy-well-known").await;
    let (status, headers, body) = get(&net, "https://example.com/.well-known/matrix/server").await;
    assert_eq!(status, 200);
    assert_eq!(headers.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        json(&body),
        serde_json::json!({"m.server": "matrix.example.com:443"})
    );
    let (_, headers, body) = get(&net, "https://example.com/.well-known/matrix/client").await;
    assert_eq!(headers.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        json(&body)["m.homeserver"]["base_url"],
        "https://matrix.example.com/"
    );
    let (_, _, body) = get(&net, "https://example.com/.well-known/matrix/support").await;
    let support = json(&body);
    assert_eq!(support["contacts"][0]["role"], "m.role.admin");
    assert_eq!(support["contacts"][0]["matrix_id"], "@admin:example.com");
    assert_eq!(support["support_page"], "https://example.com/support");
    let (status, headers, body) =
        get(&net, "https://matrix.example.com/_matrix/client/versions").await;
    assert_eq!(status, 200);
    assert_eq!(headers.header("access-control-allow-origin"), Some("*"));
    assert!(
        json(&body)["versions"]
            .as_array()
            .is_some_and(|v| !v.is_empty())
    );

    let obs = net
        .fetch(
            FetchRequest::options("https://matrix.example.com/_matrix/client/versions")
                .header("Origin", "https://app.example.org")
                .header("Access-Control-Request-Method", "GET"),
        )
        .await;
    assert_eq!(obs.status, Some(200), "preflight answered: {obs:#?}");
    assert_eq!(obs.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn unset_well_known_is_the_homeservers_own_404() {
    let (_sim, net) = start("server-file-missing").await;
    let (status, headers, body) = get(&net, "https://example.com/.well-known/matrix/server").await;
    assert_eq!(status, 404);
    assert_eq!(headers.header("content-type"), Some("application/json"));
    assert_eq!(json(&body)["errcode"], "M_NOT_FOUND");
}

#[tokio::test]
async fn disabled_federation_is_403() {
    let (_sim, net) = start("federation-disabled").await;
    let (status, _, body) = get(&net, "https://example.com/.well-known/matrix/server").await;
    assert_eq!(status, 403);
    assert_eq!(json(&body)["errcode"], "M_FORBIDDEN");
    let (status, _, body) = get(
        &net,
        "https://matrix.example.com/_matrix/federation/v1/version",
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(json(&body)["errcode"], "M_FORBIDDEN");
    let (status, _, _) = get(&net, "https://example.com/.well-known/matrix/client").await;
    assert_eq!(status, 200, "client discovery still works");
}

#[tokio::test]
async fn a_cors_stripping_proxy() {
    let scenario = Scenario::from_toml(
        r#"
name = "strip"
description = "a proxy that drops CORS"
server_name = "example.com"
[hosts]
"matrix.example.com" = "127.0.0.11"
[homeserver.hs]
server_name = "example.com"
well_known_client = "https://matrix.example.com/"
[[server]]
address = "127.0.0.11:443"
proxy = "strip-cors"
certs = [{ names = ["matrix.example.com"] }]
[[server.route]]
path = "/"
match = "prefix"
homeserver = "hs"
"#,
    )
    .expect("parses");
    let sim = Sim::start(&scenario).await.expect("sim starts");
    let net = Net::new(sim.net_options()).expect("network layer sets up");
    let (status, headers, _) =
        get(&net, "https://matrix.example.com/.well-known/matrix/client").await;
    assert_eq!(status, 200);
    assert!(
        headers
            .headers
            .iter()
            .all(|(n, _)| !n.starts_with("access-control-")),
        "{:?}",
        headers.headers
    );
    assert_eq!(headers.header("content-type"), Some("application/json"));
}
