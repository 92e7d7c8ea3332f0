//! Hostile network input is normal input: arbitrary bodies, statuses and
//! headers never make a verdict panic, and whatever they contain never
//! reaches a human unescaped.

use crate::support::check as common;

use common::*;
use proptest::prelude::*;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::verdict::cache::synapse_period;
use matrix_delegate::check::verdict::keys::analyse;
use matrix_delegate::check::verdict::support::support_well_known;
use matrix_delegate::matrix::canonical_json;
use matrix_delegate::matrix::client_discovery::ClientWellKnown;
use matrix_delegate::matrix::well_known_server::ServerWellKnown;
use matrix_delegate::observe::HttpObservation;
use matrix_delegate::report::from_observations as report;
use matrix_delegate::report::json as json_report;
use matrix_delegate::report::markdown;
use matrix_delegate::report::text::{TextOptions, render};
use matrix_delegate::safe_text::{self, is_unsafe};

fn obs(url: &str, status: u16, headers: &[(String, String)], body: &[u8]) -> HttpObservation {
    let mut o = HttpObservation::get(url).respond(status, &[], body);
    o.headers = headers.to_vec();
    o
}

/// Bodies that look like what servers send, and arbitrary bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        any::<String>().prop_map(|s| format!(r#"{{"m.server":{}}}"#, serde_json::Value::String(s)).into_bytes()),
        any::<String>().prop_map(|s| format!(r#"{{"m.homeserver":{{"base_url":{}}}}}"#, serde_json::Value::String(s)).into_bytes()),
        any::<String>().prop_map(|s| format!(r#"{{"contacts":[{{"matrix_id":{0},"role":{0}}}]}}"#, serde_json::Value::String(s)).into_bytes()),
        Just(br#"{"server_name":"example.com","valid_until_ts":-9223372036854775808,"verify_keys":{"ed25519:a":{"key":"AAAA"}},"signatures":{"example.com":{"ed25519:a":"AAAA"}}}"#.to_vec()),
        Just(br#"{"n": 1e400}"#.to_vec()),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("content-type".to_string()),
        Just("cache-control".to_string()),
        Just("expires".to_string()),
        Just("age".to_string()),
        Just("access-control-allow-origin".to_string()),
        Just("location".to_string()),
    ];
    proptest::collection::vec((name, any::<String>()), 0..5)
}

proptest! {
    #![proptest_config(crate::support::proptest_config::with_cases(200))]

    #[test]
    fn sanitised_text_is_always_safe(s in any::<String>(), raw in proptest::collection::vec(any::<u8>(), 0..200), max in 0usize..80) {
        let line = safe_text::line(&s, max);
        prop_assert!(!line.chars().any(is_unsafe));
        prop_assert!(line.chars().count() <= max + 1);
        prop_assert!(!safe_text::bytes(&raw, max).chars().any(is_unsafe));
        prop_assert!(!safe_text::block(&s, max).chars().any(|c| is_unsafe(c) && c != '\n'));
    }

    #[test]
    fn canonical_json_reparses_to_the_same_value(s in any::<String>(), n in -9_007_199_254_740_991i64..9_007_199_254_740_991i64, k in any::<String>()) {
        let value = serde_json::json!({ k: [s, n, null, true, {"z": 1, "a": {}}] });
        let text = canonical_json::encode(&value).expect("integers in range encode");
        let back: serde_json::Value = serde_json::from_str(&text).expect("canonical JSON is JSON");
        prop_assert_eq!(back, value);
    }

    #[test]
    fn verdicts_never_panic_and_reports_stay_safe(status in 100u16..600, hs in headers(), b in body()) {
        let server = obs("https://example.com/.well-known/matrix/server", status, &hs, &b);
        let client = obs("https://example.com/.well-known/matrix/client", status, &hs, &b);
        let _ = ServerWellKnown::read(server.clone());
        let wk = ClientWellKnown::read(client.clone());
        let _ = wk.conclude(Some(&client), Some(&client));
        let _ = support_well_known(&client, &Expectations::none());
        let _ = synapse_period(&server, NOW_MS / 1000);
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&b) {
            let _ = analyse(&v, &name("example.com"), NOW_MS);
        }

        // The whole deployment answering with this response everywhere.
        let mut o = healthy();
        o.resolution = resolve("example.com", Some(server), &[addresses("matrix.example.com", &[V4])]);
        o.probes.truncate(1);
        let same = obs("https://matrix.example.com/x", status, &hs, &b);
        o.probes[0].version = Some(same.clone());
        o.probes[0].keys = Some(same.clone());
        o.probes[0].routing = Some(same.clone());
        o.client.well_known = client;
        o.client.versions = Some(same.clone());
        o.support = same;
        let r = report(&o, &Expectations::none());
        let text = render(&r, &TextOptions::default());
        prop_assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{}", text);
        let md = markdown::render(&r);
        prop_assert!(!md.chars().any(|c| is_unsafe(c) && c != '\n'));
        let json = json_report::render(&r);
        prop_assert!(!json.chars().any(|c| is_unsafe(c) && c != '\n'));
        prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
    }
}
