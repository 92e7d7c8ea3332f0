//! Server-side verdicts: server.well-known (with the classic mistakes) and
//! server.resolution.

use crate::support::check as common;

use common::*;
use serde_json::json;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::Status;
use matrix_delegate::check::verdict::federation::federation_checks;
use matrix_delegate::check::verdict::{resolution, server_well_known};
use matrix_delegate::domain::{Answers, Proxy, Strategy, plan};
use matrix_delegate::matrix::discovery::{Discovery, Input, Need};
use matrix_delegate::matrix::peers::PrivateAddresses;
use matrix_delegate::observe::{
    BodyEnd, FetchFailure, HttpObservation, SrvLookup, SrvRecord, TimeoutPhase,
};

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
    too_big.body_end = BodyEnd::OverCap;
    let mut redirected = server_file(good, &[JSON]);
    redirected.hops = vec![hop(
        url,
        301,
        "https://www.example.com/.well-known/matrix/server",
        &[],
    )];
    redirected.final_url = "https://www.example.com/.well-known/matrix/server".into();

    // (case, observation, expectations, status, summary part, mistake)
    type Row<'a> = (
        &'a str,
        HttpObservation,
        &'a Expectations,
        Status,
        &'a str,
        Option<&'a str>,
    );
    let cases: Vec<Row> = vec![
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
        // A file that never arrives stalls every peer before it falls
        // back: a failure even when no server file is intended.
        (
            "timeout",
            HttpObservation::get(url).fail(FetchFailure::Timeout(TimeoutPhase::Headers)),
            &none,
            Status::Fail,
            "the server file hangs: the request timed out waiting for an answer, given up after",
            None,
        ),
        (
            "connect timeout",
            HttpObservation::get(url).fail(FetchFailure::Timeout(TimeoutPhase::Connect)),
            &none,
            Status::Fail,
            "connecting to the server file timed out",
            None,
        ),
        (
            "trickle",
            HttpObservation {
                body_end: BodyEnd::TimedOut,
                duration: std::time::Duration::from_millis(5_040),
                ..server_file(r#"{"m.ser"#, &[JSON])
            },
            &none,
            Status::Fail,
            "its body timed out before it was complete, given up after 5 s",
            None,
        ),
        // Nothing listens: peers fall back at once, fine without a plan.
        (
            "refused",
            HttpObservation::get(url).fail(FetchFailure::Refused { address: None }),
            &none,
            Status::Warn,
            "connection refused",
            None,
        ),
        (
            "timeout, planned",
            HttpObservation::get(url).fail(FetchFailure::Timeout(TimeoutPhase::Headers)),
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
    let r = resolution::server_resolution(
        &ok,
        &plan_ex(Strategy::WellKnown, Proxy::Nginx),
        PrivateAddresses::Allowed,
    );
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
    let r = resolution::server_resolution(
        &fallback,
        &plan_ex(Strategy::WellKnown, Proxy::Nginx),
        PrivateAddresses::Allowed,
    );
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
    let r = resolution::server_resolution(&dead, &Expectations::none(), PrivateAddresses::Allowed);
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
            Input::WellKnown(Box::new(HttpObservation::get(url).respond(404, &[], b"")))
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
    let r = resolution::server_resolution(&res, &Expectations::none(), PrivateAddresses::Allowed);
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("no federation service"), "{}", r.summary);
    let fed = federation_checks(&res, &[], NOW_MS, &Expectations::none());
    assert!(fed.iter().all(|r| r.status == Status::Skipped), "{fed:#?}");
}

/// A plan whose delegated host is an IPv6 literal writes it `[2001:db8::7]`;
/// discovery connects to `2001:db8::7`: the same host, so the intent holds.
#[test]
fn resolution_compares_ipv6_literal_hosts_normalised() {
    let ex = Expectations::from_plan(
        &plan(&Answers {
            host: "[2001:db8::7]".into(),
            ..Answers::example()
        })
        .expect("plan"),
    );
    let res = resolve(
        "example.com",
        Some(server_file(r#"{"m.server":"[2001:db8::7]:443"}"#, &[JSON])),
        &[],
    );
    assert_eq!(res.step.as_str(), "3.1");
    let r = resolution::server_resolution(&res, &ex, PrivateAddresses::Allowed);
    assert_eq!(r.status, Status::Pass, "{r:#?}");

    // Another spelling of the same address is the same host too.
    let res = resolve(
        "example.com",
        Some(server_file(
            r#"{"m.server":"[2001:db8:0::7]:443"}"#,
            &[JSON],
        )),
        &[],
    );
    let r = resolution::server_resolution(&res, &ex, PrivateAddresses::Allowed);
    assert_eq!(r.status, Status::Pass, "{r:#?}");

    // A different address still fails.
    let res = resolve(
        "example.com",
        Some(server_file(r#"{"m.server":"[2001:db8::8]:443"}"#, &[JSON])),
        &[],
    );
    let r = resolution::server_resolution(&res, &ex, PrivateAddresses::Allowed);
    assert_eq!(r.status, Status::Fail, "{r:#?}");
}

#[test]
fn host_spellings() {
    use resolution::{same_authority, same_host};
    assert!(same_host("[2001:db8::7]", "2001:db8::7"));
    assert!(same_host("2001:DB8::7", "[2001:db8:0:0::7]"));
    assert!(same_host("Matrix.Example.com.", "matrix.example.com"));
    assert!(!same_host("2001:db8::7", "2001:db8::8"));
    assert!(!same_host("127.0.0.1", "localhost"));
    assert!(same_authority("[2001:db8::7]:443", "[2001:db8:0::7]:443"));
    assert!(same_authority(
        "matrix.example.com:443",
        "MATRIX.example.com:443"
    ));
    assert!(!same_authority("[2001:db8::7]:443", "[2001:db8::7]:8448"));
    assert!(!same_authority(
        "matrix.example.com",
        "matrix.example.com:443"
    ));
}

/// `{"m.server": "example.com:443"}` on example.com is the usual way to say
/// "no delegation, port 443": the file passes, and only keys for another
/// name (server.keys) make it a mistake.
#[test]
fn self_delegation_is_fine_until_the_keys_disagree() {
    let r = wk_result(
        server_file(r#"{"m.server":"example.com:443"}"#, &[JSON]),
        &Expectations::none(),
    );
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert_eq!(r.summary, "m.server = example.com:443");
    assert!(
        r.evidence
            .iter()
            .any(|e| e.asked == "m.server names the server name itself"
                && e.got.contains("server.keys shows")),
        "{:#?}",
        r.evidence
    );
    assert!(!has_mistake(&r, "m.server points at the name itself"));
}

/// A stalled server file says how long it took, and what to do.
#[test]
fn a_stalled_server_file_carries_its_timing() {
    let mut obs = HttpObservation::get("https://example.com/.well-known/matrix/server")
        .fail(FetchFailure::Timeout(TimeoutPhase::Headers));
    obs.duration = std::time::Duration::from_millis(5_012);
    let r = wk_result(obs, &Expectations::none());
    assert_eq!(r.status, Status::Fail);
    let timing = r
        .evidence
        .iter()
        .find(|e| e.asked == "timing")
        .expect("timing evidence");
    assert!(
        timing.got.starts_with("no complete answer within 5 s"),
        "{}",
        timing.got
    );
    assert!(
        r.remedy.unwrap_or_default().contains("answer at once"),
        "a stall needs its own remedy"
    );
}
