//! Server-side verdicts: server.well-known, server.resolution, server.tls,
//! server.version, server.keys, server.routing, server.consistency.

mod common;

use common::*;
use serde_json::json;

use matrix_delegate::check::discovery::{Discovery, Input, Need, Step};
use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::check::observe::{
    FetchFailure, HttpObservation, SrvLookup, SrvRecord, TlsObservation,
};
use matrix_delegate::check::signed_json::sign;
use matrix_delegate::check::verdict::consistency::server_consistency;
use matrix_delegate::check::verdict::federation::federation_checks;
use matrix_delegate::check::verdict::{keys, resolution, routing, server_well_known, tls, version};
use matrix_delegate::domain::{Answers, Proxy, Strategy, plan};

fn plan_ex(strategy: Strategy, proxy: Proxy) -> Expectations {
    Expectations::from_plan(
        &plan(&Answers {
            strategy,
            proxy,
            ..Answers::example()
        })
        .expect("plan"),
    )
}

fn wk_result(
    obs: HttpObservation,
    ex: &Expectations,
) -> matrix_delegate::check::model::CheckResult {
    let res = resolve(
        "example.com",
        Some(obs),
        &[addresses("matrix.example.com", &[V4])],
    );
    server_well_known::server_well_known(&res, ex)
}

fn has_mistake(r: &matrix_delegate::check::model::CheckResult, title: &str) -> bool {
    r.evidence
        .iter()
        .any(|e| e.asked == format!("classic mistake: {title}"))
}

#[test]
fn server_well_known_table() {
    let none = Expectations::none();
    let planned = plan_ex(Strategy::WellKnown, Proxy::Caddy);
    let srv_only = plan_ex(Strategy::Srv, Proxy::Caddy);
    let url = "https://example.com/.well-known/matrix/server";
    let good = r#"{"m.server":"matrix.example.com:443"}"#;
    let m_not_found = json!({"errcode": "M_NOT_FOUND", "error": "Not found."});
    let mut too_big = server_file(good, &[JSON]);
    too_big.body_truncated = true;
    let mut redirected = server_file(good, &[JSON]);
    redirected.hops = vec![hop(
        url,
        301,
        "https://www.example.com/.well-known/matrix/server",
        &[],
    )];
    redirected.final_url = "https://www.example.com/.well-known/matrix/server".into();

    // (case, observation, expectations, status, summary part, mistake)
    let cases: Vec<(
        &str,
        HttpObservation,
        &Expectations,
        Status,
        &str,
        Option<&str>,
    )> = vec![
        (
            "valid",
            server_file(good, &[JSON]),
            &none,
            Status::Pass,
            "m.server = matrix.example.com:443",
            None,
        ),
        (
            "valid as planned",
            server_file(good, &[JSON]),
            &planned,
            Status::Pass,
            "m.server =",
            None,
        ),
        (
            "text/plain",
            server_file(good, &[("content-type", "text/plain")]),
            &none,
            Status::Warn,
            "Content-Type",
            Some("Content-Type is not JSON"),
        ),
        (
            "redirect",
            redirected,
            &none,
            Status::Warn,
            "redirect",
            Some("a redirect on the server file"),
        ),
        (
            "plain 404",
            HttpObservation::get(url).respond(404, &[], b"nope"),
            &none,
            Status::Pass,
            "no server file (404)",
            None,
        ),
        (
            "404 but planned",
            HttpObservation::get(url).respond(404, &[], b"nope"),
            &planned,
            Status::Fail,
            "expects one",
            None,
        ),
        (
            "404 as strategy srv wants",
            HttpObservation::get(url).respond(404, &[], b"nope"),
            &srv_only,
            Status::Pass,
            "as the strategy intends",
            None,
        ),
        (
            "homeserver 404",
            json_obs(url, 404, &[JSON], &m_not_found),
            &none,
            Status::Warn,
            "M_NOT_FOUND",
            Some("well_known not set in the homeserver config"),
        ),
        (
            "homeserver 404, planned",
            json_obs(url, 404, &[JSON], &m_not_found),
            &planned,
            Status::Fail,
            "expects one",
            Some("well_known not set in the homeserver config"),
        ),
        (
            "federation disabled",
            json_obs(url, 403, &[JSON], &json!({"errcode": "M_FORBIDDEN"})),
            &none,
            Status::Fail,
            "403 M_FORBIDDEN",
            Some("federation is disabled"),
        ),
        (
            "https:// in m.server",
            server_file(r#"{"m.server":"https://matrix.example.com"}"#, &[JSON]),
            &none,
            Status::Fail,
            "not a valid server name",
            Some("`https://` in m.server"),
        ),
        (
            "port missing",
            server_file(r#"{"m.server":"matrix.example.com"}"#, &[JSON]),
            &planned,
            Status::Fail,
            "(port missing), but your plan says matrix.example.com:443",
            Some("port missing in m.server"),
        ),
        (
            "other host",
            server_file(r#"{"m.server":"other.example.net:443"}"#, &[JSON]),
            &planned,
            Status::Fail,
            "your plan says matrix.example.com:443",
            None,
        ),
        (
            "file although srv strategy",
            server_file(good, &[JSON]),
            &srv_only,
            Status::Warn,
            "takes precedence",
            None,
        ),
        ("too large", too_big, &none, Status::Fail, "50 KiB", None),
        (
            "timeout",
            HttpObservation::get(url).fail(FetchFailure::Timeout),
            &none,
            Status::Warn,
            "timed out",
            None,
        ),
        (
            "timeout, planned",
            HttpObservation::get(url).fail(FetchFailure::Timeout),
            &planned,
            Status::Fail,
            "timed out",
            None,
        ),
        (
            "html page",
            server_file(
                "<!DOCTYPE html><html>hi</html>",
                &[("content-type", "text/html")],
            ),
            &none,
            Status::Fail,
            "HTML page",
            None,
        ),
        (
            "no m.server",
            server_file(r#"{"m.homeserver":{}}"#, &[JSON]),
            &none,
            Status::Fail,
            "no `m.server`",
            None,
        ),
        (
            "502",
            HttpObservation::get(url).respond(502, &[], b"Bad Gateway"),
            &none,
            Status::Fail,
            "HTTP 502",
            None,
        ),
    ];
    for (case, obs, ex, status, part, mistake) in cases {
        let r = wk_result(obs, ex);
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(
            r.summary.contains(part),
            "{case}: summary {:?} lacks {part:?}",
            r.summary
        );
        if let Some(m) = mistake {
            assert!(
                has_mistake(&r, m),
                "{case}: mistake {m:?} not named in {:#?}",
                r.evidence
            );
        }
        if matches!(status, Status::Fail) {
            assert!(r.remedy.is_some(), "{case}: a failure needs a remedy");
        }
        assert_eq!(
            r.spec.as_deref(),
            Some(
                "server-server API, Resolving server names, step 3; GET /.well-known/matrix/server"
            )
        );
    }
}

#[test]
fn remedies_name_the_fix_for_the_setup() {
    let planned = plan_ex(Strategy::WellKnown, Proxy::Caddy);
    let r = wk_result(
        server_file(r#"{"m.server":"https://matrix.example.com"}"#, &[JSON]),
        &planned,
    );
    assert!(
        r.remedy
            .as_deref()
            .is_some_and(|t| t.contains("server = \"matrix.example.com:443\"")),
        "{:?}",
        r.remedy
    );
    let r = wk_result(
        HttpObservation::get("https://example.com/.well-known/matrix/server").respond(
            404,
            &[],
            b"",
        ),
        &planned,
    );
    let remedy = r.remedy.unwrap_or_default();
    assert!(
        remedy.contains("reverse_proxy /.well-known/matrix/* 127.0.0.1:8008"),
        "{remedy}"
    );
    let docker = Expectations::from_plan(
        &plan(&Answers {
            deployment: matrix_delegate::domain::Deployment::Docker,
            ..Answers::example()
        })
        .expect("plan"),
    );
    let r = wk_result(
        server_file(r#"{"m.server":"matrix.example.com"}"#, &[JSON]),
        &docker,
    );
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("CONTINUWUITY_WELL_KNOWN__SERVER=matrix.example.com:443")
    );
}

#[test]
fn server_well_known_skipped_when_not_consulted() {
    let res = resolve("example.com:8448", None, &[addresses("example.com", &[V4])]);
    let r = server_well_known::server_well_known(&res, &Expectations::none());
    assert_eq!(r.status, Status::Skipped);
    assert!(r.summary.contains("carries a port"), "{}", r.summary);
}

#[test]
fn resolution_path_and_intent() {
    let ok = healthy().resolution;
    let r = resolution::server_resolution(&ok, &plan_ex(Strategy::WellKnown, Proxy::Nginx));
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert!(r.summary.starts_with("step 3.2 (m.server gives host and port) → 203.0.113.7:443 · Host matrix.example.com:443 · SNI matrix.example.com · certificate for matrix.example.com"), "{}", r.summary);
    assert!(
        r.evidence
            .iter()
            .any(|e| e.asked == "connect [2001:db8::7]:443")
    );
    assert_eq!(
        r.spec.as_deref(),
        Some("server-server API, Resolving server names, step 3.2")
    );

    // The plan wants 3.2 but the server file is missing: step 6, told which file to fix.
    let fallback = resolve("example.com", None, &[addresses("example.com", &[V4])]);
    let r = resolution::server_resolution(&fallback, &plan_ex(Strategy::WellKnown, Proxy::Nginx));
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.summary.contains("step 6, but your plan intends step 3.2"),
        "{}",
        r.summary
    );
    assert!(r.remedy.unwrap_or_default().contains("server.well-known"));

    // Valid m.server with a host that has no address.
    let dead = resolve(
        "example.com",
        Some(server_file(
            r#"{"m.server":"gone.example.com:443"}"#,
            &[JSON],
        )),
        &[],
    );
    let r = resolution::server_resolution(&dead, &Expectations::none());
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("has no address"), "{}", r.summary);
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("never fall back to step 4")
    );
}

#[test]
fn resolution_no_service() {
    let res = Discovery::run(name("example.com"), |need| match need {
        Need::WellKnown { url } => {
            Input::WellKnown(HttpObservation::get(url).respond(404, &[], b""))
        }
        Need::Srv { name } => Input::Srv(SrvLookup {
            name: name.clone(),
            records: Ok(vec![SrvRecord {
                priority: 0,
                weight: 0,
                port: 0,
                target: ".".into(),
                ttl: 60,
            }]),
        }),
        other => panic!("not asked after a `.` target: {other:?}"),
    });
    let r = resolution::server_resolution(&res, &Expectations::none());
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("no federation service"), "{}", r.summary);
    let fed = federation_checks(&res, &[], NOW_MS, &Expectations::none());
    assert!(fed.iter().all(|r| r.status == Status::Skipped), "{fed:#?}");
}

#[test]
fn tls_table() {
    let res = healthy().resolution;
    let (addr, target) = res.endpoints()[0];
    let v6 = res.endpoints()[1].0;
    let base = good_tls("matrix.example.com");
    let cases: Vec<(
        &str,
        TlsObservation,
        std::net::SocketAddr,
        Status,
        &str,
        &str,
    )> = vec![
        (
            "good",
            base.clone(),
            addr,
            Status::Pass,
            "covers matrix.example.com, expires in 59 days",
            "",
        ),
        (
            "refused on v6",
            TlsObservation {
                connect_error: Some("connection refused".into()),
                ..Default::default()
            },
            v6,
            Status::Fail,
            "cannot connect: connection refused",
            "remove the AAAA record of matrix.example.com",
        ),
        (
            "expired",
            TlsObservation {
                days_left: Some(-3),
                chain_valid: false,
                ..base.clone()
            },
            addr,
            Status::Fail,
            "expired 3 day(s) ago",
            "Renew",
        ),
        (
            "wrong name",
            TlsObservation {
                names: vec!["example.com".into()],
                covers_required_name: false,
                ..base.clone()
            },
            addr,
            Status::Fail,
            "covers example.com, not matrix.example.com",
            "certificate that covers matrix.example.com",
        ),
        (
            "unknown CA",
            TlsObservation {
                chain_valid: false,
                verify_error: Some("unknown issuer".into()),
                ..base.clone()
            },
            addr,
            Status::Fail,
            "not trusted: unknown issuer",
            "fullchain.pem",
        ),
        (
            "expiring",
            TlsObservation {
                days_left: Some(5),
                ..base.clone()
            },
            addr,
            Status::Warn,
            "expires in 5 day(s)",
            "Renew",
        ),
    ];
    for (case, obs, at, status, summary, remedy) in cases {
        let r = tls::server_tls(at, target, Step::DelegatedHostPort, &obs);
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(summary), "{case}: {}", r.summary);
        assert!(
            r.remedy.clone().unwrap_or_default().contains(remedy),
            "{case}: {:?}",
            r.remedy
        );
        assert_eq!(r.target.as_deref(), Some(at.to_string().as_str()));
    }
}

#[test]
fn tls_for_srv_delegation_wants_the_server_name() {
    let res = Discovery::run(name("example.com"), |need| match need {
        Need::WellKnown { url } => {
            Input::WellKnown(HttpObservation::get(url).respond(404, &[], b""))
        }
        Need::Srv { name } => Input::Srv(SrvLookup {
            name: name.clone(),
            records: Ok(vec![SrvRecord {
                priority: 10,
                weight: 10,
                port: 443,
                target: "matrix.example.com.".into(),
                ttl: 60,
            }]),
        }),
        Need::LegacySrv { name } => Input::LegacySrv(nx_srv(name)),
        Need::Addresses { .. } => Input::Addresses(vec![addresses("matrix.example.com", &[V4])]),
    });
    let (addr, target) = res.endpoints()[0];
    assert_eq!(target.cert_name, "example.com");
    let obs = TlsObservation {
        names: vec!["matrix.example.com".into()],
        covers_required_name: false,
        ..good_tls("matrix.example.com")
    };
    let r = tls::server_tls(addr, target, res.step, &obs);
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("not the SRV target matrix.example.com")
    );
}

#[test]
fn version_table() {
    let res = healthy().resolution;
    let (addr, target) = res.endpoints()[0];
    let url = "https://matrix.example.com/_matrix/federation/v1/version";
    let nginx = plan_ex(Strategy::WellKnown, Proxy::Nginx);
    let cases: Vec<(&str, HttpObservation, Status, &str, &str)> = vec![
        (
            "ok",
            json_obs(
                url,
                200,
                &[JSON],
                &json!({"server": {"name": "Synapse", "version": "1.99"}}),
            ),
            Status::Pass,
            "Synapse 1.99 answers",
            "",
        ),
        (
            "nameless",
            json_obs(url, 200, &[JSON], &json!({})),
            Status::Pass,
            "an unnamed server answers",
            "",
        ),
        (
            "html 404",
            HttpObservation::get(url).respond(
                404,
                &[("content-type", "text/html")],
                b"<html>404</html>",
            ),
            Status::Fail,
            "not routed to the homeserver",
            "location /_matrix/",
        ),
        (
            "unrecognized",
            json_obs(url, 404, &[JSON], &json!({"errcode": "M_UNRECOGNIZED"})),
            Status::Fail,
            "404 M_UNRECOGNIZED",
            "proxy_pass http://127.0.0.1:8008;",
        ),
        (
            "forbidden",
            json_obs(url, 403, &[JSON], &json!({"errcode": "M_FORBIDDEN"})),
            Status::Fail,
            "federation is disabled",
            "allow_federation = true",
        ),
        (
            "bad gateway",
            HttpObservation::get(url).respond(502, &[], b"Bad Gateway"),
            Status::Fail,
            "cannot reach the homeserver",
            "127.0.0.1:8008",
        ),
        (
            "timeout",
            HttpObservation::get(url).fail(FetchFailure::Timeout),
            Status::Fail,
            "no answer: timed out",
            "",
        ),
    ];
    for (case, obs, status, summary, remedy) in cases {
        let r = version::server_version(addr, target, &obs, &nginx);
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(summary), "{case}: {}", r.summary);
        assert!(
            r.remedy.clone().unwrap_or_default().contains(remedy),
            "{case}: {:?}",
            r.remedy
        );
    }
}

#[test]
fn keys_table() {
    let res = healthy().resolution;
    let (addr, target) = res.endpoints()[0];
    let url = "https://matrix.example.com/_matrix/key/v2/server";
    let key = signing_key();
    let good = key_response("example.com", NOW_MS + DAY_MS, &key);
    let mut tampered = good.clone();
    tampered["valid_until_ts"] = json!(NOW_MS + 365 * DAY_MS);
    let wrong_key = {
        let mut v = key_response("example.com", NOW_MS + DAY_MS, &key);
        v["signatures"] = json!({});
        sign(
            &mut v,
            "example.com",
            "ed25519:k1",
            &ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]),
        )
        .expect("signs");
        v
    };
    let mut unsigned = good.clone();
    unsigned
        .as_object_mut()
        .expect("object")
        .remove("signatures");
    let mut unknown_only = good.clone();
    unknown_only["signatures"] = json!({"example.com": {"ed25519:other": good["signatures"]["example.com"]["ed25519:k1"].clone()}});
    let mut no_keys = good.clone();
    no_keys["verify_keys"] = json!({});
    let cases: Vec<(&str, serde_json::Value, Status, &str)> = vec![
        (
            "valid",
            good.clone(),
            Status::Pass,
            "1 key (ed25519:k1), valid until 2026-01-02 00:00 UTC, signatures verify",
        ),
        (
            "tampered",
            tampered,
            Status::Fail,
            "signature ed25519:k1 does NOT verify",
        ),
        ("wrong key", wrong_key, Status::Fail, "does NOT verify"),
        (
            "missing signature",
            unsigned,
            Status::Fail,
            "no signatures from `example.com`",
        ),
        (
            "expired",
            key_response("example.com", NOW_MS - 2 * DAY_MS, &key),
            Status::Fail,
            "the keys expired 2 d ago",
        ),
        (
            "wrong server_name",
            key_response("matrix.example.com", NOW_MS + DAY_MS, &key),
            Status::Fail,
            "the keys are for `matrix.example.com`, not for `example.com`",
        ),
        (
            "unknown key only",
            unknown_only,
            Status::Fail,
            "no signature of `example.com` made with a listed key verifies",
        ),
        ("no verify keys", no_keys, Status::Fail, "no ed25519 key"),
    ];
    for (case, body, status, summary) in cases {
        let obs = json_obs(url, 200, &[JSON], &body);
        let (r, info) = keys::server_keys(
            addr,
            target,
            &obs,
            &res.server_name,
            NOW_MS,
            &Expectations::none(),
        );
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(summary), "{case}: {}", r.summary);
        assert!(info.is_some());
    }
    let not_json = HttpObservation::get(url).respond(200, &[], b"<html>");
    let (r, info) = keys::server_keys(
        addr,
        target,
        &not_json,
        &res.server_name,
        NOW_MS,
        &Expectations::none(),
    );
    assert_eq!((r.status, info), (Status::Fail, None));
}

#[test]
fn keys_for_another_name_reveal_the_delegated_host_was_checked() {
    // Checking matrix.example.com, whose homeserver is example.com.
    let res = resolve(
        "matrix.example.com:443",
        None,
        &[addresses("matrix.example.com", &[V4])],
    );
    let (addr, target) = res.endpoints()[0];
    let obs = json_obs(
        "https://matrix.example.com/_matrix/key/v2/server",
        200,
        &[JSON],
        &key_response("example.com", NOW_MS + DAY_MS, &signing_key()),
    );
    let (r, _) = keys::server_keys(
        addr,
        target,
        &obs,
        &res.server_name,
        NOW_MS,
        &Expectations::none(),
    );
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.evidence.iter().any(|e| e.asked
            == "classic mistake: the delegated host was checked instead of the server name")
    );
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("Run the check for `example.com`")
    );
}

#[test]
fn routing_table() {
    let res = healthy().resolution;
    let (addr, target) = res.endpoints()[0];
    let url = format!("https://matrix.example.com{}", routing::PROBE_PATH);
    let apache = plan_ex(Strategy::WellKnown, Proxy::Apache);
    let cases: Vec<(&str, HttpObservation, Status, &str, &str)> = vec![
        (
            "401",
            json_obs(&url, 401, &[JSON], &json!({"errcode": "M_UNAUTHORIZED"})),
            Status::Pass,
            "reaches the homeserver intact",
            "",
        ),
        (
            "401 missing token",
            json_obs(&url, 401, &[JSON], &json!({"errcode": "M_MISSING_TOKEN"})),
            Status::Pass,
            "401 M_MISSING_TOKEN",
            "",
        ),
        (
            "decoding proxy",
            json_obs(&url, 404, &[JSON], &json!({"errcode": "M_UNRECOGNIZED"})),
            Status::Fail,
            "decodes or rewrites",
            "AllowEncodedSlashes NoDecode",
        ),
        (
            "not routed",
            HttpObservation::get(&url).respond(
                404,
                &[("content-type", "text/html")],
                b"<html>404 Not Found</html>",
            ),
            Status::Fail,
            "not routed",
            "nocanon",
        ),
        (
            "disabled",
            json_obs(&url, 403, &[JSON], &json!({"errcode": "M_FORBIDDEN"})),
            Status::Fail,
            "federation is disabled",
            "allow_federation",
        ),
        (
            "400",
            json_obs(&url, 400, &[JSON], &json!({"errcode": "M_INVALID_PARAM"})),
            Status::Warn,
            "different path",
            "nocanon",
        ),
        (
            "502",
            HttpObservation::get(&url).respond(502, &[], b""),
            Status::Fail,
            "cannot reach",
            "",
        ),
        (
            "plain 200",
            HttpObservation::get(&url).respond(200, &[], b"ok"),
            Status::Fail,
            "something other than the homeserver",
            "nocanon",
        ),
    ];
    for (case, obs, status, summary, remedy) in cases {
        let r = routing::server_routing(addr, target, &obs, &apache);
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(summary), "{case}: {}", r.summary);
        assert!(
            r.remedy.clone().unwrap_or_default().contains(remedy),
            "{case}: {:?}",
            r.remedy
        );
    }
}

#[test]
fn consistency_cases() {
    let ex = Expectations::none();
    let base = healthy();
    let checks = |probes: Vec<matrix_delegate::check::verdict::federation::AddressProbe>| {
        let out = federation_checks(&base.resolution, &probes, NOW_MS, &ex);
        find(&out, CheckId::ServerConsistency, None).clone()
    };
    assert_eq!(checks(base.probes.clone()).status, Status::Pass);

    let mut broken = base.probes.clone();
    broken[1].tls = TlsObservation {
        connect_error: Some("connection refused".into()),
        ..Default::default()
    };
    broken[1].version = None;
    broken[1].keys = None;
    broken[1].routing = None;
    let r = checks(broken);
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.summary
            .contains("203.0.113.7:443 works, [2001:db8::7]:443 does not"),
        "{}",
        r.summary
    );

    let mut other_keys = base.probes.clone();
    other_keys[1].keys = Some(json_obs(
        "https://matrix.example.com/_matrix/key/v2/server",
        200,
        &[JSON],
        &key_response(
            "example.com",
            NOW_MS + DAY_MS,
            &ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]),
        ),
    ));
    assert!(
        checks(other_keys)
            .summary
            .contains("different signing keys")
    );

    let mut other_version = base.probes.clone();
    other_version[1].version = Some(json_obs(
        "https://matrix.example.com/_matrix/federation/v1/version",
        200,
        &[JSON],
        &json!({"server": {"name": "Continuwuity", "version": "0.4.0"}}),
    ));
    let r = checks(other_version);
    assert_eq!(r.status, Status::Warn);
    assert!(
        r.summary.contains("0.5.0 / Continuwuity 0.4.0"),
        "{}",
        r.summary
    );

    assert_eq!(server_consistency(&[]).status, Status::Skipped);
}

#[test]
fn per_address_checks_skip_after_tls_failure_and_flag_missing_probes() {
    let base = healthy();
    let mut probes = base.probes.clone();
    probes[1].tls = TlsObservation {
        connect_error: Some("timed out".into()),
        ..Default::default()
    };
    probes[1].version = None;
    probes[1].keys = None;
    probes[1].routing = None;
    let out = federation_checks(&base.resolution, &probes, NOW_MS, &Expectations::none());
    let v6 = Some("[2001:db8::7]:443");
    assert_eq!(find(&out, CheckId::ServerTls, v6).status, Status::Fail);
    assert_eq!(
        find(&out, CheckId::ServerVersion, v6).status,
        Status::Skipped
    );
    assert_eq!(find(&out, CheckId::ServerKeys, v6).status, Status::Skipped);

    let out = federation_checks(
        &base.resolution,
        &base.probes[..1],
        NOW_MS,
        &Expectations::none(),
    );
    assert_eq!(find(&out, CheckId::ServerTls, v6).status, Status::Error);
}
