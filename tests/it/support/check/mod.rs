//! Builders for the check-logic tests: a healthy deployment of
//! `example.com` delegated to `matrix.example.com:443` (IPv4 and IPv6),
//! observed as the runner would, which each test then breaks in one way.
#![allow(dead_code)]

pub mod world;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ed25519_dalek::SigningKey;
use serde_json::{Value, json};

use matrix_delegate::check::evaluate::Observations;
use matrix_delegate::check::model::{CheckId, CheckResult};
use matrix_delegate::check::verdict::client::ClientObservations;
use matrix_delegate::check::verdict::cors::PROBE_ORIGIN;
use matrix_delegate::check::verdict::federation::AddressProbe;
use matrix_delegate::domain::ServerName;
use matrix_delegate::matrix::discovery::{Discovery, Input, Need, Resolution};
use matrix_delegate::matrix::peers::PrivateAddresses;
use matrix_delegate::matrix::signed_json::{encode_base64, sign};
use matrix_delegate::observe::{
    AddressLookup, AddressRecord, DnsError, Exchange, Hop, HttpObservation, Method, SrvLookup,
    TlsFailure, TlsFailureKind, TlsObservation,
};

/// 2026-01-01 00:00 UTC.
pub const NOW_MS: i64 = 1_767_225_600_000;
pub const DAY_MS: i64 = 86_400_000;
pub const V4: &str = "203.0.113.7";
pub const V6: &str = "2001:db8::7";
pub const JSON: (&str, &str) = ("content-type", "application/json");
pub const CORS: (&str, &str) = ("access-control-allow-origin", "*");

pub fn name(s: &str) -> ServerName {
    ServerName::parse(s).expect("test server name")
}

pub fn json_obs(url: &str, status: u16, headers: &[(&str, &str)], body: &Value) -> HttpObservation {
    HttpObservation::get(url).respond(status, headers, body.to_string().as_bytes())
}

pub fn addresses(name: &str, ips: &[&str]) -> AddressLookup {
    let rec = |s: &&str| AddressRecord {
        ip: s.parse::<IpAddr>().expect("test ip"),
        ttl: 300,
    };
    let (v4, v6): (Vec<&str>, Vec<&str>) = ips.iter().partition(|s| !s.contains(':'));
    let answer = |v: Vec<&str>| {
        if v.is_empty() {
            Err(DnsError::NoData {
                negative_ttl: Some(300),
            })
        } else {
            Ok(v.iter().map(rec).collect())
        }
    };
    AddressLookup {
        name: name.into(),
        cnames: Vec::new(),
        a: answer(v4),
        aaaa: answer(v6),
    }
}

pub fn nx_srv(name: &str) -> SrvLookup {
    SrvLookup {
        name: name.into(),
        records: Err(DnsError::NxDomain {
            negative_ttl: Some(3600),
        }),
    }
}

/// Resolves `server` with a well-known body (None: 404) and address answers.
pub fn resolve(
    server: &str,
    well_known: Option<HttpObservation>,
    hosts: &[AddressLookup],
) -> Resolution {
    Discovery::run(name(server), |need| match need {
        Need::WellKnown { url } => {
            Input::WellKnown(Box::new(well_known.clone().unwrap_or_else(|| {
                HttpObservation::get(url).respond(404, &[], b"Not Found")
            })))
        }
        Need::Srv { name } => Input::Srv(nx_srv(name)),
        Need::LegacySrv { name } => Input::LegacySrv(nx_srv(name)),
        Need::Addresses { hosts: asked } => Input::Addresses(
            asked
                .iter()
                .map(|h| {
                    hosts
                        .iter()
                        .find(|l| l.name == *h)
                        .cloned()
                        .unwrap_or_else(|| AddressLookup {
                            name: h.clone(),
                            cnames: Vec::new(),
                            a: Err(DnsError::NxDomain { negative_ttl: None }),
                            aaaa: Err(DnsError::NxDomain { negative_ttl: None }),
                        })
                })
                .collect(),
        ),
    })
}

pub fn server_file(body: &str, headers: &[(&str, &str)]) -> HttpObservation {
    HttpObservation::get("https://example.com/.well-known/matrix/server").respond(
        200,
        headers,
        body.as_bytes(),
    )
}

pub fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[42u8; 32])
}

/// A key response for `server_name`, signed by `key` as `ed25519:k1`.
pub fn key_response(server_name: &str, valid_until: i64, key: &SigningKey) -> Value {
    let mut v = json!({
        "server_name": server_name,
        "valid_until_ts": valid_until,
        "verify_keys": {"ed25519:k1": {"key": encode_base64(key.verifying_key().as_bytes())}},
        "old_verify_keys": {}
    });
    sign(&mut v, server_name, "ed25519:k1", key).expect("signs");
    v
}

pub fn good_tls(name: &str) -> TlsObservation {
    TlsObservation {
        connect_error: None,
        names: vec![name.into()],
        not_after: Some("2026-03-01T00:00:00Z".into()),
        days_left: Some(59),
        issuer: Some("Test CA".into()),
        chain_valid: true,
        verify_error: None,
        covers_required_name: true,
        ..TlsObservation::default()
    }
}

/// A TLS handshake that never started: the TCP connection failed, in these
/// words.
pub fn tls_connect_failed(words: &str) -> TlsObservation {
    TlsObservation::failed(
        TlsFailure::new(TlsFailureKind::Connect, words),
        Duration::ZERO,
    )
}

pub fn probe(addr: &str, host: &str) -> AddressProbe {
    let base = format!("https://{host}");
    let key = signing_key();
    AddressProbe {
        addr: addr.parse::<SocketAddr>().expect("test socket address"),
        tls: good_tls(host),
        version: Some(json_obs(
            &format!("{base}/_matrix/federation/v1/version"),
            200,
            &[JSON],
            &json!({"server": {"name": "Continuwuity", "version": "0.5.0"}}),
        )),
        keys: Some(json_obs(
            &format!("{base}/_matrix/key/v2/server"),
            200,
            &[JSON],
            &key_response("example.com", NOW_MS + 7 * DAY_MS, &key),
        )),
        routing: Some(json_obs(
            &format!("{base}/_matrix/federation/v1/event/%24probe%2Fslash"),
            401,
            &[JSON],
            &json!({"errcode": "M_UNAUTHORIZED", "error": "Missing Authorization headers"}),
        )),
        routing_peers: Vec::new(),
        routing_forms: Vec::new(),
    }
}

pub fn client_file(body: &Value, headers: &[(&str, &str)]) -> HttpObservation {
    let mut obs = json_obs(
        "https://example.com/.well-known/matrix/client",
        200,
        headers,
        body,
    );
    obs.request_headers = vec![("origin".into(), PROBE_ORIGIN.into())];
    obs
}

pub fn preflight(url: &str, status: u16, headers: &[(&str, &str)]) -> HttpObservation {
    let mut obs = HttpObservation::get(url).respond(status, headers, b"");
    obs.method = Method::Options;
    obs
}

pub fn versions_ok(base: &str) -> HttpObservation {
    json_obs(
        &format!("{base}/_matrix/client/versions"),
        200,
        &[JSON, CORS],
        &json!({"versions": ["v1.10", "v1.11", "v1.12"]}),
    )
}

pub fn healthy_client() -> ClientObservations {
    let wk = "https://example.com/.well-known/matrix/client";
    let versions = "https://matrix.example.com/_matrix/client/versions";
    ClientObservations {
        well_known: client_file(
            &json!({"m.homeserver": {"base_url": "https://matrix.example.com/"}}),
            &[JSON, CORS],
        ),
        preflight: Some(preflight(
            wk,
            204,
            &[CORS, ("access-control-allow-methods", "GET, OPTIONS")],
        )),
        versions: Some(versions_ok("https://matrix.example.com")),
        versions_preflight: Some(preflight(
            versions,
            204,
            &[
                CORS,
                ("access-control-allow-methods", "GET, POST, OPTIONS"),
                (
                    "access-control-allow-headers",
                    "X-Requested-With, Content-Type, Authorization",
                ),
            ],
        )),
        identity: None,
    }
}

/// The healthy deployment, fully observed.
pub fn healthy() -> Observations {
    let wk = server_file(
        r#"{"m.server":"matrix.example.com:443"}"#,
        &[JSON, CORS, ("cache-control", "max-age=3600")],
    );
    let resolution = resolve(
        "example.com",
        Some(wk),
        &[addresses("matrix.example.com", &[V4, V6])],
    );
    Observations {
        resolution,
        name_lookup: Some(addresses("example.com", &["203.0.113.5"])),
        authoritative: Vec::new(),
        extra_srv: Vec::new(),
        authoritative_srv: Vec::new(),
        authority_gaps: Vec::new(),
        probes: vec![
            probe(&format!("{V4}:443"), "matrix.example.com"),
            probe(&format!("[{V6}]:443"), "matrix.example.com"),
        ],
        client: healthy_client(),
        // No peer model ran: `server.peers` is skipped.
        peers: Default::default(),
        support: json_obs(
            "https://example.com/.well-known/matrix/support",
            200,
            &[JSON, CORS],
            &json!({"contacts": [{"matrix_id": "@admin:example.com", "role": "m.role.admin"}]}),
        ),
        now_ms: NOW_MS,
        // The fixtures' documentation addresses (203.0.113.x, 2001:db8::)
        // stand in for public ones; the refusal rule has tests of its own.
        private_addresses: PrivateAddresses::Allowed,
    }
}

/// A redirect hop.
pub fn hop(url: &str, status: u16, location: &str, extra: &[(&str, &str)]) -> Hop {
    let mut headers = vec![("location".to_string(), location.to_string())];
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Hop {
        url: url.into(),
        status,
        headers,
        exchange: Exchange::default(),
    }
}

/// The one result with this id (and target).
pub fn find<'a>(results: &'a [CheckResult], id: CheckId, target: Option<&str>) -> &'a CheckResult {
    results
        .iter()
        .find(|r| r.id == id && (target.is_none() || r.target.as_deref() == target))
        .unwrap_or_else(|| panic!("no result {} {target:?} in {results:#?}", id.as_str()))
}

/// Expectations from the seed example's plan with this strategy and proxy.
pub fn plan_ex(
    strategy: matrix_delegate::domain::Strategy,
    proxy: matrix_delegate::domain::Proxy,
) -> matrix_delegate::check::expect::Expectations {
    use matrix_delegate::domain::{Answers, plan};
    matrix_delegate::check::expect::Expectations::from_plan(
        &plan(&Answers {
            strategy,
            proxy,
            ..Answers::example()
        })
        .expect("plan"),
    )
}
