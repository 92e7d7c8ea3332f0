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
            Ok,
            "3.6",
        ),
        (
            "identity bad url",
            with_id(r#"{"base_url":"id.example.com"}"#),
            Some(&versions),
            None,
            Ok,
            "3.6",
        ),
        (
            "identity down",
            with_id(r#"{"base_url":"https://id.example.com"}"#),
            Some(&versions),
            Some(&id_down),
            Ok,
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
        // Step 3.6 is the identity server's own FAIL_PROMPT (spec v1.1+,
        // MSC2284): named, and the homeserver verdict left as it was.
        assert_eq!(
            c.identity_problem.is_some(),
            case.starts_with("identity") && case != "identity ok",
            "{case}: {c:?}"
        );
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

/// A broken identity server (step 3.6) is the identity server's FAIL_PROMPT
/// only (spec v1.1+, MSC2284; matrix-js-sdk keeps `m.homeserver` at
/// SUCCESS): `client.well-known` warns naming it, the verdict stays OK and
/// the remedy is about the identity server, not the homeserver.
#[test]
fn a_broken_identity_server_warns_and_leaves_the_homeserver_ok() {
    let body = r#"{"m.homeserver":{"base_url":"https://matrix.example.com"},"m.identity_server":{"base_url":"https://id.example.com"}}"#;
    let wk = ClientWellKnown::read(file(200, body));
    let versions = versions_ok("https://matrix.example.com");
    let down = HttpObservation::get("https://id.example.com/_matrix/identity/v2")
        .fail(FetchFailure::Refused { address: None });
    let c = wk.conclude(Some(&versions), Some(&down));
    assert_eq!(c.verdict, ClientVerdict::Ok);
    let r = client_well_known(
        &name("example.com"),
        &wk,
        &c,
        Some(&versions),
        &Expectations::none(),
    );
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(
        r.summary.starts_with("OK for the homeserver"),
        "{}",
        r.summary
    );
    assert!(
        r.summary.contains(
            "the identity server alone gets FAIL_PROMPT: https://id.example.com does not answer"
        ),
        "{}",
        r.summary
    );
    assert!(
        r.evidence.iter().any(|e| e.asked == "identity server"),
        "{:#?}",
        r.evidence
    );
    let remedy = r.remedy.unwrap_or_default();
    assert!(
        remedy.contains("the identity server at https://id.example.com")
            && remedy.contains("remove m.identity_server")
            && !remedy.contains("Serve {\"m.homeserver\""),
        "{remedy}"
    );
    // The same file with a working identity server passes.
    let up = HttpObservation::get("https://id.example.com/_matrix/identity/v2").respond(
        200,
        &[JSON],
        b"{}",
    );
    let c = wk.conclude(Some(&versions), Some(&up));
    let r = client_well_known(
        &name("example.com"),
        &wk,
        &c,
        Some(&versions),
        &Expectations::none(),
    );
    assert_eq!(r.status, Status::Pass, "{r:#?}");
}

/// The remedy of a failing `client.well-known` matches the step where
/// discovery stopped: the file's problem for steps 3.2 to 3.5.1, and, when
/// the file is fine, the client API it points at (3.5.2), never "serve
/// m.homeserver" for a file that already does.
#[test]
fn the_client_file_remedy_matches_the_failing_step() {
    let v404 = HttpObservation::get("https://matrix.example.com/_matrix/client/versions").respond(
        404,
        &[],
        b"",
    );
    let cases: Vec<(&str, HttpObservation, Option<&HttpObservation>, &str, &str)> = vec![
        (
            "versions unusable",
            file(200, good_body()),
            Some(&v404),
            "The client file is fine; its base_url https://matrix.example.com does not answer",
            "Serve {",
        ),
        (
            "base_url not a URL",
            file(200, r#"{"m.homeserver":{"base_url":"matrix.example.com"}}"#),
            None,
            "base_url must be an absolute http(s) URL",
            "The client file is fine",
        ),
        (
            "no base_url",
            file(200, "{}"),
            None,
            "The file has no m.homeserver.base_url",
            "The client file is fine",
        ),
        (
            "not JSON",
            file(200, "hello"),
            None,
            "The file must be a JSON object",
            "The client file is fine",
        ),
        (
            "500",
            file(500, "oops"),
            None,
            "with status 200",
            "The client file is fine",
        ),
    ];
    for (case, obs, versions, want, not) in cases {
        let wk = ClientWellKnown::read(obs);
        let c = wk.conclude(versions, None);
        let r = client_well_known(
            &name("example.com"),
            &wk,
            &c,
            versions,
            &Expectations::none(),
        );
        assert_eq!(r.status, Status::Fail, "{case}: {r:#?}");
        let remedy = r.remedy.unwrap_or_default();
        assert!(remedy.contains(want), "{case}: {remedy}");
        assert!(!remedy.contains(not), "{case}: {remedy}");
    }
}
