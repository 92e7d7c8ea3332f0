//! client.cors: Access-Control-Allow-Origin on the client file, each
//! redirect hop, the 404, the preflight, and the client API.

use crate::support::check as common;

use common::*;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::Status;
use matrix_delegate::check::verdict::cors::{PROBE_ORIGIN, client_cors};
use matrix_delegate::domain::{Answers, Proxy, Strategy, plan};
use matrix_delegate::observe::HttpObservation;

const URL: &str = "https://example.com/.well-known/matrix/client";

#[test]
fn cors_cases() {
    let none = Expectations::none();
    let base = healthy_client();
    let no_acao = |obs: &HttpObservation| {
        let mut o = obs.clone();
        o.headers
            .retain(|(k, _)| k != "access-control-allow-origin");
        o
    };
    let mut on_get = base.clone();
    on_get.well_known = no_acao(&base.well_known);
    let mut on_hop = base.clone();
    on_hop.well_known.hops = vec![hop(
        "https://example.com/.well-known/matrix/client",
        301,
        "https://www.example.com/.well-known/matrix/client",
        &[],
    )];
    let mut on_404 = base.clone();
    on_404.well_known = HttpObservation::get(URL).respond(404, &[], b"");
    let mut wrong_value = base.clone();
    wrong_value.well_known.headers = [JSON, ("access-control-allow-origin", "https://example.com")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut echoed = base.clone();
    echoed.well_known.headers = vec![(
        "access-control-allow-origin".to_string(),
        PROBE_ORIGIN.to_string(),
    )];
    let mut preflight_405 = base.clone();
    preflight_405.preflight = Some(preflight(URL, 405, &[]));
    let mut preflight_bare = base.clone();
    preflight_bare.preflight = Some(preflight(URL, 204, &[]));
    let mut versions_bare = base.clone();
    versions_bare.versions = base.versions.as_ref().map(no_acao);
    let mut versions_preflight = base.clone();
    versions_preflight.versions_preflight = Some(preflight(
        "https://matrix.example.com/_matrix/client/versions",
        405,
        &[],
    ));

    let cases: Vec<(&str, _, Status, &str)> = vec![
        (
            "healthy",
            base.clone(),
            Status::Pass,
            "present on the client file and the client API",
        ),
        (
            "missing on GET",
            on_get,
            Status::Fail,
            "the client file has no Access-Control-Allow-Origin",
        ),
        (
            "missing on redirect",
            on_hop,
            Status::Fail,
            "redirect 301 → https://www.example.com/.well-known/matrix/client: no Access-Control-Allow-Origin",
        ),
        (
            "missing on 404",
            on_404,
            Status::Warn,
            "the 404 of the client file",
        ),
        (
            "wrong value",
            wrong_value,
            Status::Fail,
            "is `https://example.com`",
        ),
        ("origin echoed", echoed, Status::Pass, "present"),
        (
            "preflight 405",
            preflight_405,
            Status::Warn,
            "preflight for the client file fails: answers 405",
        ),
        (
            "preflight without header",
            preflight_bare,
            Status::Warn,
            "preflight for the client file fails: no Access-Control-Allow-Origin",
        ),
        (
            "versions without header",
            versions_bare,
            Status::Fail,
            "/_matrix/client/versions has no Access-Control-Allow-Origin",
        ),
        (
            "versions preflight 405",
            versions_preflight,
            Status::Fail,
            "preflight for the /_matrix/client/versions fails: answers 405",
        ),
    ];
    for (case, obs, status, part) in cases {
        let r = client_cors(&obs, &none, "example.com");
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(part), "{case}: {}", r.summary);
        if status != Status::Pass {
            assert!(r.remedy.is_some(), "{case}");
        }
    }
}

#[test]
fn cors_remedy_per_proxy_and_stripped_header_named() {
    let caddy = Expectations::from_plan(
        &plan(&Answers {
            strategy: Strategy::WellKnown,
            proxy: Proxy::Caddy,
            ..Answers::example()
        })
        .expect("plan"),
    );
    let mut obs = healthy_client();
    obs.well_known
        .headers
        .retain(|(k, _)| k != "access-control-allow-origin");
    let r = client_cors(&obs, &caddy, "example.com");
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.evidence
            .iter()
            .any(|e| e.asked == "classic mistake: a proxy strips the CORS header")
    );
    assert!(r.remedy.unwrap_or_default().contains(
        "header /.well-known/matrix/* {\n  \tAccess-Control-Allow-Origin *\n  \tdefer\n  }"
    ));

    let nginx = Expectations::from_plan(
        &plan(&Answers {
            strategy: Strategy::Static,
            proxy: Proxy::Nginx,
            ..Answers::example()
        })
        .expect("plan"),
    );
    let r = client_cors(&obs, &nginx, "example.com");
    assert!(
        !r.evidence
            .iter()
            .any(|e| e.asked.starts_with("classic mistake")),
        "static files: nothing stripped"
    );
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("add_header Access-Control-Allow-Origin \"*\" always;")
    );

    let mut api = healthy_client();
    api.versions_preflight = Some(preflight(
        "https://matrix.example.com/_matrix/client/versions",
        405,
        &[],
    ));
    let r = client_cors(&api, &nginx, "example.com");
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("proxy for matrix.example.com")
    );
}

/// A preflight for the client API (the real requests carry
/// `Authorization`) must name Authorization in
/// `Access-Control-Allow-Headers`; `*` alone warns (Chromium lets it
/// through, the Fetch standard's "CORS non-wildcard request-header name"
/// does not). And `Access-Control-Allow-Origin`
/// must be one value: sent twice, or as a list, browsers reject it.
#[test]
fn preflight_without_authorization_and_duplicate_origin_fail() {
    let none = Expectations::none();
    let base = healthy_client();
    let versions = "https://matrix.example.com/_matrix/client/versions";
    let with_allowed = |allowed: Option<&str>| {
        let mut o = base.clone();
        let mut headers = vec![CORS, ("access-control-allow-methods", "GET, POST, OPTIONS")];
        if let Some(a) = allowed {
            headers.push(("access-control-allow-headers", a));
        }
        o.versions_preflight = Some(preflight(versions, 204, &headers));
        o
    };
    let doubled = |obs: &HttpObservation| {
        let mut o = obs.clone();
        o.headers
            .push(("access-control-allow-origin".into(), "*".into()));
        o
    };
    let mut file_twice = base.clone();
    file_twice.well_known = doubled(&base.well_known);
    let mut api_twice = base.clone();
    api_twice.versions = base.versions.as_ref().map(doubled);
    let mut preflight_twice = base.clone();
    preflight_twice.versions_preflight = base.versions_preflight.as_ref().map(doubled);
    let mut listed = base.clone();
    listed.well_known.headers = vec![(
        "access-control-allow-origin".into(),
        format!("{PROBE_ORIGIN}, *"),
    )];
    let cases: Vec<(&str, _, Status, &str)> = vec![
        (
            "Authorization allowed, any case",
            with_allowed(Some("content-type, AUTHORIZATION")),
            Status::Pass,
            "present",
        ),
        (
            "no Allow-Headers",
            with_allowed(None),
            Status::Fail,
            "Access-Control-Allow-Headers does not name Authorization",
        ),
        (
            "Allow-Headers without Authorization",
            with_allowed(Some("X-Requested-With, Content-Type")),
            Status::Fail,
            "every signed-in request fails",
        ),
        (
            "Allow-Headers wildcard",
            with_allowed(Some("*")),
            Status::Warn,
            "allows Authorization only through `Access-Control-Allow-Headers: *`",
        ),
        (
            "client file ACAO twice",
            file_twice,
            Status::Fail,
            "the client file has Access-Control-Allow-Origin with more than one value (`*`, `*`; browsers allow only one)",
        ),
        (
            "API ACAO twice",
            api_twice,
            Status::Fail,
            "/_matrix/client/versions has Access-Control-Allow-Origin with more than one value",
        ),
        (
            "preflight ACAO twice",
            preflight_twice,
            Status::Fail,
            "preflight for the /_matrix/client/versions fails: Access-Control-Allow-Origin with more than one value",
        ),
        (
            "ACAO as a list",
            listed,
            Status::Fail,
            "more than one value",
        ),
    ];
    for (case, obs, status, part) in cases {
        let r = client_cors(&obs, &none, "example.com");
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(part), "{case}: {}", r.summary);
        let remedy = r.remedy.clone().unwrap_or_default();
        if case.contains("twice") || case.contains("list") {
            assert!(
                remedy.contains("exactly once") && !remedy.contains("add_header"),
                "{case}: {remedy}"
            );
        }
        if case.contains("Allow-Headers") {
            assert!(
                remedy.contains(
                    "Access-Control-Allow-Headers: X-Requested-With, Content-Type, Authorization"
                ),
                "{case}: {remedy}"
            );
        }
    }
}

/// A plain-http client API warns in client.cors: web clients served over
/// https may not call it (mixed content); native clients are unaffected.
#[test]
fn a_plain_http_client_api_warns_for_web_clients() {
    let mut obs = healthy_client();
    obs.well_known = client_file(
        &serde_json::json!({"m.homeserver": {"base_url": "http://matrix.example.com:8008/"}}),
        &[JSON, CORS],
    );
    obs.versions = Some(versions_ok("http://matrix.example.com:8008"));
    obs.versions_preflight = obs.versions_preflight.map(|mut p| {
        p.url = "http://matrix.example.com:8008/_matrix/client/versions".into();
        p
    });
    let r = client_cors(&obs, &Expectations::none(), "example.com");
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(
        r.summary
            .contains("the client API is plain http (http://matrix.example.com:8008)")
            && r.summary.contains("mixed content"),
        "{}",
        r.summary
    );
    assert!(r.remedy.unwrap_or_default().contains("https:// base_url"));
}

/// The nginx remedy for a missing header on the well-known files hides the
/// homeserver's own copy before adding nginx's: an `add_header` alone in a
/// location that proxies to Continuwuity would send it twice.
#[test]
fn the_nginx_cors_remedy_never_doubles_the_header() {
    let text = matrix_delegate::check::remedy::cors_well_known(Some(Proxy::Nginx), "example.com");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let hide = lines
        .iter()
        .position(|l| *l == "proxy_hide_header Access-Control-Allow-Origin;");
    let add = lines
        .iter()
        .position(|l| l.starts_with("add_header Access-Control-Allow-Origin"));
    assert!(matches!((hide, add), (Some(h), Some(a)) if h < a), "{text}");
}
