//! Reports: the JSON contract field by field, the ok flags, sanitising of
//! hostile network text, text and Markdown snapshots, and folding events.

use crate::support::check as common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

use matrix_delegate::check::evaluate::{Observations, evaluate};
use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckEvent, CheckId, CheckResult, Status};
use matrix_delegate::domain::{Answers, Proxy, plan};
use matrix_delegate::matrix::client_discovery::ClientVerdict;
use matrix_delegate::observe::HttpObservation;
use matrix_delegate::report::fold::ReportState;
use matrix_delegate::report::from_observations as report;
use matrix_delegate::report::text::{TextOptions, render as render_text};
use matrix_delegate::report::{Report, json as json_report, markdown};
use matrix_delegate::safe_text::is_unsafe;

/// The healthy deployment with its IPv6 address dead and no CORS header.
fn broken() -> Observations {
    let mut o = healthy();
    o.probes[1].tls = tls_connect_failed("connection refused");
    o.probes[1].version = None;
    o.probes[1].keys = None;
    o.probes[1].routing = None;
    o.client
        .well_known
        .headers
        .retain(|(k, _)| k != "access-control-allow-origin");
    o
}

fn nginx_plan() -> Expectations {
    Expectations::from_plan(
        &plan(&Answers {
            proxy: Proxy::Nginx,
            ..Answers::example()
        })
        .expect("plan"),
    )
}

fn str_or_null(v: &Value, what: &str) {
    assert!(
        v.is_string() || v.is_null(),
        "{what} must be a string or null: {v}"
    );
}

/// Validates the documented contract; returns the parsed document.
fn validate_contract(text: &str) -> Value {
    let doc: Value = serde_json::from_str(text).expect("the JSON report parses");
    let top = doc.as_object().expect("top level is an object");
    assert!(top["server_name"].is_string());
    assert!(top["ok"].is_boolean());

    let fed = top["federation"].as_object().expect("federation object");
    assert!(fed["ok"].is_boolean());
    let steps = ["1", "2", "3.1", "3.2", "3.3", "3.4", "3.5", "4", "5", "6"];
    assert!(
        steps.contains(&fed["step"].as_str().expect("step is a string")),
        "{}",
        fed["step"]
    );
    for t in fed["targets"].as_array().expect("targets array") {
        let t = t.as_object().expect("target object");
        t["address"]
            .as_str()
            .expect("address string")
            .parse::<SocketAddr>()
            .expect("address is IP:PORT");
        assert!(t["host_header"].is_string());
        str_or_null(&t["sni"], "sni");
        assert!(t["cert_name"].is_string());
        assert!(t["ok"].is_boolean());
    }

    let client = top["client"].as_object().expect("client object");
    let verdicts = ["OK", "IGNORE", "FAIL_PROMPT", "FAIL_ERROR"];
    assert!(verdicts.contains(&client["verdict"].as_str().expect("verdict string")));
    str_or_null(&client["base_url"], "base_url");

    let ids: BTreeSet<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
    let statuses = ["pass", "warn", "fail", "skipped", "error"];
    let checks = top["checks"].as_array().expect("checks array");
    assert!(!checks.is_empty());
    for c in checks {
        let c = c.as_object().expect("check object");
        assert!(
            ids.contains(c["id"].as_str().expect("id string")),
            "{}",
            c["id"]
        );
        assert!(statuses.contains(&c["status"].as_str().expect("status string")));
        str_or_null(&c["target"], "target");
        assert!(c["summary"].is_string());
        for e in c["evidence"].as_array().expect("evidence array") {
            assert!(e["asked"].is_string() && e["got"].is_string(), "{e}");
        }
        str_or_null(&c["remedy"], "remedy");
        str_or_null(&c["spec"], "spec");
        assert!(
            c["duration_ms"].is_u64(),
            "duration_ms is a non-negative integer"
        );
    }
    doc
}

#[test]
fn json_contract_healthy() {
    let r = report(&healthy(), &Expectations::none());
    let doc = validate_contract(&json_report::render(&r));
    assert_eq!(doc["server_name"], "example.com");
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["federation"]["ok"], true);
    assert_eq!(doc["federation"]["step"], "3.2");
    assert_eq!(
        doc["federation"]["targets"][0],
        json!({"address": "203.0.113.7:443", "host_header": "matrix.example.com:443", "sni": "matrix.example.com", "cert_name": "matrix.example.com", "ok": true})
    );
    assert_eq!(
        doc["federation"]["targets"][1]["address"],
        "[2001:db8::7]:443"
    );
    assert_eq!(
        doc["client"],
        json!({"verdict": "OK", "base_url": "https://matrix.example.com/"})
    );
    let ids: Vec<&str> = doc["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    for id in CheckId::ALL {
        assert!(ids.contains(&id.as_str()), "{} missing", id.as_str());
    }
    let tls: Vec<&Value> = doc["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["id"] == "server.tls")
        .collect();
    assert_eq!(tls.len(), 2);
    assert_eq!(tls[0]["target"], "203.0.113.7:443");
    assert_eq!(tls[1]["target"], "[2001:db8::7]:443");
    assert_eq!(doc["checks"][0]["target"], Value::Null);
}

#[test]
fn json_contract_broken_and_ok_flags() {
    let r = report(&broken(), &nginx_plan());
    let doc = validate_contract(&json_report::render(&r));
    assert_eq!(doc["ok"], false);
    // Nothing answers on one address; peers fall back to the other.
    assert_eq!(
        doc["federation"]["ok"], true,
        "one address refuses connections, the other works"
    );
    assert_eq!(doc["federation"]["targets"][0]["ok"], true);
    assert_eq!(doc["federation"]["targets"][1]["ok"], false);

    // ok is false for an error too, and true with warnings only.
    let warn_only = Report::build(
        "example.com",
        None,
        None,
        vec![CheckResult::new(CheckId::CacheWellKnown, Status::Warn, "w")],
    );
    assert!(warn_only.ok);
    assert!(
        !warn_only.federation.ok,
        "no addresses: federation cannot be ok"
    );
    let error = Report::build(
        "example.com",
        None,
        None,
        vec![CheckResult::new(CheckId::DnsServerName, Status::Error, "e")],
    );
    assert!(!error.ok);

    // federation.ok needs TLS, version AND keys per address.
    let mut obs = healthy();
    obs.probes[0].keys =
        Some(HttpObservation::get("https://m/_matrix/key/v2/server").respond(500, &[], b""));
    let r = report(&obs, &Expectations::none());
    assert!(!r.federation.ok);
    assert!(!r.federation.targets[0].ok && r.federation.targets[1].ok);
}

#[test]
fn durations_serialise_as_milliseconds() {
    let r = Report::build(
        "example.com",
        None,
        Some((ClientVerdict::Ignore, None)),
        vec![
            CheckResult::new(CheckId::DnsSrv, Status::Pass, "x")
                .took(Duration::from_micros(1_234_567)),
        ],
    );
    let doc: Value = serde_json::from_str(&json_report::render(&r)).expect("json");
    assert_eq!(doc["checks"][0]["duration_ms"], 1234);
    assert_eq!(
        doc["client"],
        json!({"verdict": "IGNORE", "base_url": null})
    );
}

/// A deployment whose files carry terminal attacks.
fn hostile() -> Observations {
    let evil_m_server = "matrix.example.com\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}moc";
    let body = format!(
        r#"{{"m.server":"{}"}}"#,
        evil_m_server
            .replace('\u{1b}', "\\u001b")
            .replace('\u{7}', "\\u0007")
    );
    let mut o = healthy();
    o.resolution = resolve("example.com", Some(server_file(&body, &[JSON])), &[]);
    let mut client = HttpObservation::get("https://example.com/.well-known/matrix/client").respond(
        200,
        &[("content-type", "text/html\u{1b}[31m")],
        b"\xff\xfe<html>\x1b[2J\x9b31m</html>",
    );
    client
        .headers
        .push(("access-control-allow-origin".into(), "\u{202e}*".into()));
    o.client.well_known = client;
    o.support = HttpObservation::get("https://example.com/.well-known/matrix/support").respond(
        200,
        &[JSON],
        "{\"contacts\":[{\"matrix_id\":\"@a\u{2066}dmin:example.com\",\"role\":\"m.role.admin\"}]}"
            .as_bytes(),
    );
    o
}

#[test]
fn hostile_text_never_reaches_the_terminal_raw() {
    let r = report(&hostile(), &Expectations::none());
    let text = render_text(&r, &TextOptions { color: false });
    assert!(
        !text.chars().any(|c| is_unsafe(c) && c != '\n'),
        "raw control in text report:\n{text}"
    );
    assert!(text.contains("\\x1b[2J"), "{text}");
    assert!(text.contains("\\u{202e}"), "{text}");
    assert!(
        text.contains("\\xff\\xfe") || text.contains('\u{fffd}'),
        "{text}"
    );

    let md = markdown::render(&r);
    assert!(
        !md.chars().any(|c| is_unsafe(c) && c != '\n'),
        "raw control in Markdown:\n{md}"
    );

    let json = json_report::render(&r);
    assert!(
        !json.chars().any(|c| is_unsafe(c) && c != '\n'),
        "raw control in JSON:\n{json}"
    );
    let doc = validate_contract(&json);
    let summary = doc["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == "server.well-known")
        .expect("result")["summary"]
        .as_str()
        .expect("summary")
        .to_string();
    // Decoded (what `jq -r` prints), the string carries no control
    // character: it shows the escape the way the text report does.
    assert!(
        !summary.chars().any(is_unsafe),
        "no raw control after decoding: {summary:?}"
    );
    assert!(summary.contains("\\x1b"), "shown visibly: {summary:?}");
    for check in doc["checks"].as_array().expect("checks") {
        for value in [&check["summary"], &check["remedy"]] {
            if let Some(s) = value.as_str() {
                assert!(!s.chars().any(|c| is_unsafe(c) && c != '\n'), "{s:?}");
            }
        }
        for e in check["evidence"].as_array().expect("evidence") {
            let got = e["got"].as_str().expect("got");
            assert!(!got.chars().any(is_unsafe), "{got:?}");
        }
    }

    // With colour on, the only escapes are our own SGR sequences.
    let colored = render_text(&r, &TextOptions { color: true });
    let stripped = colored
        .replace("\u{1b}[32m", "")
        .replace("\u{1b}[33m", "")
        .replace("\u{1b}[1;31m", "")
        .replace("\u{1b}[2m", "")
        .replace("\u{1b}[0m", "");
    assert!(!stripped.contains('\u{1b}'), "{stripped}");
    assert_ne!(colored, text);
}

#[test]
fn text_report_snapshots() {
    let healthy_text = render_text(
        &report(&healthy(), &Expectations::none()),
        &TextOptions::default(),
    );
    insta::assert_snapshot!("text_healthy", healthy_text);
    let broken_text = render_text(&report(&broken(), &nginx_plan()), &TextOptions::default());
    insta::assert_snapshot!("text_broken", broken_text);
}

#[test]
fn markdown_report_snapshot() {
    insta::assert_snapshot!(
        "markdown_broken",
        markdown::render(&report(&broken(), &nginx_plan()))
    );
}

#[test]
fn folding_events_rebuilds_the_report_and_drops_stale_runs() {
    let obs = broken();
    let ex = nginx_plan();
    let results = evaluate(&obs, &ex);
    let expected = report(&obs, &ex);
    let mut state = ReportState::new("example.com");

    // A stale run 1 event arrives after run 2 started: dropped.
    assert!(state.apply(CheckEvent::Started {
        run: 2,
        id: CheckId::DnsServerName,
        target: None
    }));
    assert!(state.is_running(CheckId::DnsServerName, None));
    assert!(!state.apply(CheckEvent::Finished {
        run: 1,
        result: CheckResult::new(CheckId::DnsSrv, Status::Fail, "old")
    }));
    assert!(state.report.checks.is_empty());

    assert!(state.apply(CheckEvent::Resolved {
        run: 2,
        path: obs.resolution.path()
    }));
    assert!(state.apply(CheckEvent::ClientDiscovered {
        run: 2,
        verdict: expected.client.verdict.expect("verdict"),
        base_url: expected.client.base_url.clone()
    }));
    // Results arrive in any order.
    for r in results.iter().rev() {
        assert!(state.apply(CheckEvent::Finished {
            run: 2,
            result: r.clone()
        }));
    }
    assert!(!state.is_running(CheckId::DnsServerName, None));
    assert!(state.apply(CheckEvent::Done { run: 2 }));
    assert!(state.done);
    assert_eq!(state.report, expected);

    // Run 3 starts over.
    assert!(state.apply(CheckEvent::Started {
        run: 3,
        id: CheckId::DnsSrv,
        target: None
    }));
    assert!(
        state.report.checks.is_empty() && !state.done && state.report.federation.step.is_none()
    );
}
