//! Client discovery verdicts, client.well-known and client.versions.

use crate::support::check as common;

use common::*;
use serde_json::json;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::Status;
use matrix_delegate::check::verdict::client::{client_versions, client_well_known};
use matrix_delegate::domain::{Answers, plan};
use matrix_delegate::matrix::client_discovery::{ClientVerdict, ClientWellKnown};
use matrix_delegate::observe::{BodyEnd, FetchFailure, HttpObservation, TimeoutPhase};

const URL: &str = "https://example.com/.well-known/matrix/client";

fn file(status: u16, body: &str) -> HttpObservation {
    HttpObservation::get(URL).respond(status, &[JSON, CORS], body.as_bytes())
}

fn good_body() -> &'static str {
    r#"{"m.homeserver":{"base_url":"https://matrix.example.com"}}"#
}

#[test]
fn every_client_verdict_with_its_spec_step() {
    use ClientVerdict::*;
    let versions = versions_ok("https://matrix.example.com");
    let id_ok = HttpObservation::get("https://id.example.com/_matrix/identity/v2").respond(
        200,
        &[JSON],
        b"{}",
    );
    let id_down = HttpObservation::get("https://id.example.com/_matrix/identity/v2")
        .fail(FetchFailure::Refused { address: None });
    let mut truncated = file(200, good_body());
    truncated.body_end = BodyEnd::OverCap;
    let with_id = |id: &str| {
        file(
            200,
            &format!(
                r#"{{"m.homeserver":{{"base_url":"https://matrix.example.com"}},"m.identity_server":{id}}}"#
            ),
        )
    };
    let v404 = HttpObservation::get("https://matrix.example.com/_matrix/client/versions").respond(
        404,
        &[],
        b"",
    );
    let vhtml = HttpObservation::get("https://matrix.example.com/_matrix/client/versions").respond(
        200,
        &[("content-type", "text/html")],
        b"<html>app</html>",
    );
    let vempty = json_obs(
        "https://matrix.example.com/_matrix/client/versions",
        200,
        &[JSON],
        &json!({"versions": []}),
    );
    type Case<'a> = (
        &'a str,
        HttpObservation,
        Option<&'a HttpObservation>,
        Option<&'a HttpObservation>,
        ClientVerdict,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        ("404", file(404, ""), None, None, Ignore, "3.1"),
        ("500", file(500, "oops"), None, None, FailPrompt, "3.2"),
        ("empty", file(200, ""), None, None, FailPrompt, "3.2"),
        (
            "no answer",
            HttpObservation::get(URL).fail(FetchFailure::Timeout(TimeoutPhase::Headers)),
            None,
            None,
            FailPrompt,
            "3.2",
        ),
        ("too big", truncated, None, None, FailPrompt, "3.2"),
        (
            "not json",
            file(200, "hello"),
            None,
            None,
            FailPrompt,
            "3.3.1",
        ),
        (
            "json array",
            file(200, "[1]"),
            None,
            None,
            FailPrompt,
            "3.3.1",
        ),
        (
            "no m.homeserver",
            file(200, "{}"),
            None,
            None,
            FailPrompt,
            "3.4.1",
        ),
        (
            "base_url not a string",
            file(200, r#"{"m.homeserver":{"base_url":5}}"#),
            None,
            None,
            FailPrompt,
            "3.4.1",
        ),
        (
            "base_url not a URL",
            file(200, r#"{"m.homeserver":{"base_url":"matrix.example.com"}}"#),
            None,
            None,
            FailError,
            "3.5.1",
        ),
        (
            "base_url ftp",
            file(
                200,
                r#"{"m.homeserver":{"base_url":"ftp://matrix.example.com"}}"#,
            ),
            None,
            None,
            FailError,
            "3.5.1",
        ),
        (
            "versions missing",
            file(200, good_body()),
            None,
            None,
            FailError,
            "3.5.2",
        ),
        (
            "versions 404",
            file(200, good_body()),
            Some(&v404),
            None,
            FailError,
            "3.5.2",
        ),
        (
            "versions html",
            file(200, good_body()),
            Some(&vhtml),
            None,
            FailError,
            "3.5.2",
        ),
        (
            "versions empty",
            file(200, good_body()),
            Some(&vempty),
            None,
            FailError,
            "3.5.2",
        ),
        (
            "ok",
            file(200, good_body()),
            Some(&versions),
            None,
            Ok,
            "3.5.2",
        ),
        (
            "identity without base_url",
            with_id("{}"),
            Some(&versions),
            None,
            FailPrompt,
            "3.6",
        ),
        (
            "identity bad url",
            with_id(r#"{"base_url":"id.example.com"}"#),
            Some(&versions),
            None,
            FailError,
            "3.6",
        ),
        (
            "identity down",
            with_id(r#"{"base_url":"https://id.example.com"}"#),
            Some(&versions),
            Some(&id_down),
            FailError,
            "3.6",
        ),
        (
            "identity ok",
            with_id(r#"{"base_url":"https://id.example.com/"}"#),
            Some(&versions),
            Some(&id_ok),
            Ok,
            "3.5.2",
        ),
    ];
    for (case, obs, v, id, verdict, step) in cases {
        let wk = ClientWellKnown::read(obs);
        let c = wk.conclude(v, id);
        assert_eq!((c.verdict, c.step), (verdict, step), "{case}: {}", c.reason);
        assert!(c.spec().ends_with(&format!("step {step}")));
    }
}

#[test]
fn validation_urls_handle_trailing_slashes() {
    let wk = ClientWellKnown::read(file(
        200,
        r#"{"m.homeserver":{"base_url":"https://m.example.com/"},"m.identity_server":{"base_url":"https://id.example.com"}}"#,
    ));
    assert_eq!(
        wk.versions_url().as_deref(),
        Some("https://m.example.com/_matrix/client/versions")
    );
    assert_eq!(
        wk.identity_url().as_deref(),
        Some("https://id.example.com/_matrix/identity/v2")
    );
    let wk = ClientWellKnown::read(file(404, ""));
    assert_eq!(wk.versions_url(), None);
}

fn well_known_check(
    obs: HttpObservation,
    ex: &Expectations,
) -> matrix_delegate::check::model::CheckResult {
    let wk = ClientWellKnown::read(obs);
    let versions = versions_ok("https://matrix.example.com");
    let c = wk.conclude(Some(&versions), None);
    client_well_known(&name("example.com"), &wk, &c, Some(&versions), ex)
}

#[test]
fn client_well_known_statuses_and_mistakes() {
    let none = Expectations::none();
    let planned = Expectations::from_plan(&plan(&Answers::example()).expect("plan"));
    let m_not_found = json!({"errcode": "M_NOT_FOUND", "error": "Not found."}).to_string();
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
            "ok",
            file(200, good_body()),
            &none,
            Status::Pass,
            "OK: base_url https://matrix.example.com",
            None,
        ),
        (
            "ok as planned",
            file(200, good_body()),
            &planned,
            Status::Pass,
            "OK",
            None,
        ),
        (
            "other base_url",
            file(
                200,
                r#"{"m.homeserver":{"base_url":"https://chat.example.org"}}"#,
            ),
            &planned,
            Status::Fail,
            "but your plan says https://matrix.example.com/",
            None,
        ),
        (
            "plain http",
            file(
                200,
                r#"{"m.homeserver":{"base_url":"http://matrix.example.com"}}"#,
            ),
            &none,
            Status::Warn,
            "plain http",
            None,
        ),
        ("ignore", file(404, ""), &none, Status::Warn, "IGNORE", None),
        (
            "ignore, planned",
            file(404, ""),
            &planned,
            Status::Fail,
            "IGNORE",
            None,
        ),
        (
            "homeserver 404",
            HttpObservation::get(URL).respond(404, &[JSON], m_not_found.as_bytes()),
            &planned,
            Status::Fail,
            "IGNORE",
            Some("well_known not set in the homeserver config"),
        ),
        (
            "m.server in client file",
            file(
                200,
                r#"{"m.homeserver":{"base_url":"https://matrix.example.com"},"m.server":"matrix.example.com:443"}"#,
            ),
            &none,
            Status::Warn,
            "OK",
            Some("the client file carries m.server"),
        ),
        (
            "text/plain",
            HttpObservation::get(URL).respond(
                200,
                &[("content-type", "text/plain"), CORS],
                good_body().as_bytes(),
            ),
            &none,
            Status::Warn,
            "OK",
            Some("Content-Type is not JSON"),
        ),
        (
            "fail prompt",
            file(200, "{}"),
            &none,
            Status::Fail,
            "FAIL_PROMPT: no m.homeserver.base_url",
            None,
        ),
        (
            "fail error",
            file(200, r#"{"m.homeserver":{"base_url":"::"}}"#),
            &none,
            Status::Fail,
            "FAIL_ERROR",
            None,
        ),
    ];
    for (case, obs, ex, status, part, mistake) in cases {
        let r = well_known_check(obs, ex);
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(part), "{case}: {}", r.summary);
        if let Some(m) = mistake {
            assert!(
                r.evidence
                    .iter()
                    .any(|e| e.asked == format!("classic mistake: {m}")),
                "{case}: {:#?}",
                r.evidence
            );
        }
        if status == Status::Fail {
            assert!(r.remedy.is_some(), "{case}");
        }
    }
    let r = well_known_check(
        HttpObservation::get(URL).respond(404, &[JSON], m_not_found.as_bytes()),
        &planned,
    );
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("client = \"https://matrix.example.com/\"")
    );
}

#[test]
fn client_versions_check() {
    let ok = ClientWellKnown::read(file(200, good_body()));
    let r = client_versions(
        &ok,
        Some(&versions_ok("https://matrix.example.com")),
        &Expectations::none(),
    );
    assert_eq!(r.status, Status::Pass);
    assert!(
        r.summary.contains("3 spec versions, latest v1.12"),
        "{}",
        r.summary
    );
    let bad = HttpObservation::get("https://matrix.example.com/_matrix/client/versions").respond(
        404,
        &[("content-type", "text/html")],
        b"<html>",
    );
    let r = client_versions(&ok, Some(&bad), &Expectations::none());
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("HTTP 404"), "{}", r.summary);
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("matrix.example.com routes /_matrix/")
    );
    let skipped = ClientWellKnown::read(file(404, ""));
    assert_eq!(
        client_versions(&skipped, None, &Expectations::none()).status,
        Status::Skipped
    );
}

#[test]
fn duplicate_keys_in_the_client_file_warn_naming_clients() {
    let body = r#"{"m.homeserver":{"base_url":"https://matrix.example.com","base_url":"https://matrix.example.com"}}"#;
    let r = well_known_check(file(200, body), &Expectations::none());
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(
        r.summary.contains("duplicate keys `m.homeserver.base_url`")
            && r.summary.contains("Element X"),
        "{}",
        r.summary
    );
    let ok = well_known_check(file(200, good_body()), &Expectations::none());
    assert_eq!(ok.status, Status::Pass, "{ok:#?}");
}
