//! support.well-known schema errors and cache.well-known header interpretations.

use crate::support::check as common;

use common::*;
use serde_json::json;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::Status;
use matrix_delegate::check::verdict::cache::{self, cache_well_known, synapse_period};
use matrix_delegate::check::verdict::support::{schema_errors, support_well_known};
use matrix_delegate::domain::{Answers, Proxy, plan};
use matrix_delegate::observe::{FetchFailure, HttpObservation, TimeoutPhase};

const SUPPORT: &str = "https://example.com/.well-known/matrix/support";

#[test]
fn support_schema_errors_table() {
    let cases = vec![
        (
            json!({"contacts": [{"matrix_id": "@admin:example.com", "role": "m.role.admin"}]}),
            vec![],
        ),
        (json!({"support_page": "https://example.com/help"}), vec![]),
        (
            json!({"contacts": [{"email_address": "admin@example.com", "role": "org.example.role.ops"}], "support_page": "https://example.com/"}),
            vec![],
        ),
        (json!({}), vec!["neither `contacts` nor `support_page`"]),
        (json!([]), vec!["not a JSON object"]),
        (json!({"contacts": {}}), vec!["`contacts` is not a list"]),
        (
            json!({"contacts": ["x"]}),
            vec!["contact 1 is not an object"],
        ),
        (
            json!({"contacts": [{"matrix_id": "@a:example.com"}]}),
            vec!["contact 1 has no `role`"],
        ),
        (
            json!({"contacts": [{"role": "m.role.admin"}]}),
            vec!["contact 1 has neither `matrix_id` nor `email_address`"],
        ),
        (
            json!({"contacts": [{"matrix_id": "admin", "role": "m.role.admin"}]}),
            vec!["not a Matrix user ID"],
        ),
        (
            json!({"contacts": [{"email_address": "nope", "role": "m.role.admin"}]}),
            vec!["does not look like an e-mail address"],
        ),
        (
            json!({"contacts": [{"matrix_id": "@a:example.com", "role": "m.role.owner"}]}),
            vec!["not a role the spec defines"],
        ),
        (
            json!({"contacts": [{"matrix_id": "@a:example.com", "role": "admin"}]}),
            vec!["namespaced"],
        ),
        (
            json!({"contacts": [{"matrix_id": 5, "role": 7}]}),
            vec!["`role` is not a string", "`matrix_id` is not a string"],
        ),
        (
            json!({"support_page": "example.com/help"}),
            vec!["not a web URL"],
        ),
        (
            json!({"support_page": 1}),
            vec!["`support_page` is not a string"],
        ),
        (
            json!({"contacts": [{"matrix_id": "@a:example.com", "role": "m.role.admin"}, {"role": "m.role.security"}]}),
            vec!["contact 2 has neither"],
        ),
    ];
    for (value, want) in cases {
        let errors = schema_errors(&value);
        assert_eq!(errors.len(), want.len(), "{value}: {errors:?}");
        for (e, w) in errors.iter().zip(&want) {
            assert!(e.contains(w), "{value}: {e:?} lacks {w:?}");
        }
    }
}

#[test]
fn support_check_statuses() {
    let none = Expectations::none();
    let planned = Expectations::from_plan(
        &plan(&Answers {
            support_mxid: "@admin:example.com".into(),
            ..Answers::example()
        })
        .expect("plan"),
    );
    let good = json!({"contacts": [{"matrix_id": "@admin:example.com", "role": "m.role.admin"}]});
    let other = json!({"contacts": [{"matrix_id": "@root:example.com", "role": "m.role.admin"}]});
    let cases: Vec<(&str, HttpObservation, &Expectations, Status, &str)> = vec![
        (
            "good",
            json_obs(SUPPORT, 200, &[JSON], &good),
            &none,
            Status::Pass,
            "1 contact (m.role.admin)",
        ),
        (
            "as planned",
            json_obs(SUPPORT, 200, &[JSON], &good),
            &planned,
            Status::Pass,
            "1 contact",
        ),
        (
            "differs from plan",
            json_obs(SUPPORT, 200, &[JSON], &other),
            &planned,
            Status::Warn,
            "differs from your plan",
        ),
        (
            "absent",
            HttpObservation::get(SUPPORT).respond(404, &[], b""),
            &none,
            Status::Warn,
            "no support file (404)",
        ),
        (
            "absent, planned",
            HttpObservation::get(SUPPORT).respond(404, &[], b""),
            &planned,
            Status::Fail,
            "no support file",
        ),
        (
            "schema",
            json_obs(
                SUPPORT,
                200,
                &[JSON],
                &json!({"contacts": [{"role": "admin"}]}),
            ),
            &none,
            Status::Fail,
            "(and 1 more)",
        ),
        (
            "not json",
            HttpObservation::get(SUPPORT).respond(200, &[], b"<html>"),
            &none,
            Status::Fail,
            "not JSON",
        ),
        (
            "empty contacts, no page",
            json_obs(SUPPORT, 200, &[JSON], &json!({"contacts": []})),
            &none,
            Status::Fail,
            "`contacts` is empty and there is no `support_page`",
        ),
        (
            "empty contacts with a page",
            json_obs(
                SUPPORT,
                200,
                &[JSON],
                &json!({"contacts": [], "support_page": "https://example.com/help"}),
            ),
            &none,
            Status::Pass,
            "support page https://example.com/help",
        ),
        (
            "timeout",
            HttpObservation::get(SUPPORT).fail(FetchFailure::Timeout(TimeoutPhase::Headers)),
            &none,
            Status::Warn,
            "timed out",
        ),
    ];
    for (case, obs, ex, status, part) in cases {
        let r = support_well_known(&obs, ex);
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(part), "{case}: {}", r.summary);
    }
}

fn server_with(headers: &[(&str, &str)]) -> HttpObservation {
    server_file(r#"{"m.server":"matrix.example.com:443"}"#, headers)
}

#[test]
fn synapse_cache_period_table() {
    let now = NOW_MS / 1000;
    // (headers, seconds, clamped, default)
    type Row<'a> = (Vec<(&'a str, &'a str)>, u64, bool, bool);
    let cases: Vec<Row> = vec![
        (vec![], cache::DEFAULT_SECS, false, true),
        (vec![("cache-control", "max-age=3600")], 3600, false, false),
        // Synapse reads max-age with Python's int(): a quoted value is not
        // a number to it, so the default applies.
        (
            vec![("cache-control", "public, max-age=\"7200\"")],
            cache::DEFAULT_SECS,
            false,
            true,
        ),
        // Every Cache-Control header counts, a later directive replacing an
        // earlier one.
        (
            vec![
                ("cache-control", "public"),
                ("cache-control", "max-age=7200"),
            ],
            7200,
            false,
            false,
        ),
        (
            vec![
                ("cache-control", "max-age=7200"),
                ("cache-control", "max-age=600"),
            ],
            600,
            false,
            false,
        ),
        (
            vec![("cache-control", "public"), ("cache-control", "no-store")],
            300,
            true,
            false,
        ),
        // The last Expires counts, as in Synapse.
        (
            vec![
                ("expires", "Wed, 31 Dec 2025 00:00:00 GMT"),
                ("expires", "Thu, 01 Jan 2026 06:00:00 GMT"),
            ],
            21_600,
            false,
            false,
        ),
        (vec![("cache-control", "max-age=60")], 300, true, false),
        (
            vec![("cache-control", "max-age=604800")],
            172_800,
            true,
            false,
        ),
        (vec![("cache-control", "no-store")], 300, true, false),
        (
            vec![("cache-control", "no-store, max-age=3600")],
            300,
            true,
            false,
        ),
        (
            vec![("cache-control", "no-cache")],
            cache::DEFAULT_SECS,
            false,
            true,
        ),
        (
            vec![("expires", "Thu, 01 Jan 2026 06:00:00 GMT")],
            21_600,
            false,
            false,
        ),
        (vec![("expires", "0")], 300, true, false),
        (
            vec![("expires", "Wed, 31 Dec 2025 00:00:00 GMT")],
            300,
            true,
            false,
        ),
        (
            vec![
                ("cache-control", "max-age=600"),
                ("expires", "Thu, 01 Jan 2026 06:00:00 GMT"),
            ],
            600,
            false,
            false,
        ),
    ];
    for (headers, secs, clamped, default) in cases {
        let p = synapse_period(&server_with(&headers), now);
        assert_eq!(
            (p.secs, p.clamped, p.default),
            (secs, clamped, default),
            "{headers:?}: {}",
            p.why
        );
    }
}

#[test]
fn cache_check_says_when_peers_notice() {
    let none = Expectations::none();
    let now = NOW_MS / 1000;
    let r = cache_well_known(
        Some(&server_with(&[("cache-control", "max-age=3600")])),
        None,
        now,
        &none,
        "example.com",
    );
    assert_eq!(r.status, Status::Pass);
    assert!(
        r.summary.contains("peers notice a change within 1 h"),
        "{}",
        r.summary
    );
    assert!(r.evidence.iter().any(|e| e.got.contains("flush-cache")));

    let nginx = Expectations::from_plan(
        &plan(&Answers {
            proxy: Proxy::Nginx,
            ..Answers::example()
        })
        .expect("plan"),
    );
    let r = cache_well_known(Some(&server_with(&[])), None, now, &nginx, "example.com");
    assert_eq!(r.status, Status::Warn);
    assert_eq!(
        r.summary,
        "no Cache-Control: peers keep the old answer up to ~1 d"
    );
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("add_header Cache-Control \"max-age=3600\" always;")
    );

    let r = cache_well_known(
        Some(&server_with(&[("cache-control", "max-age=999999")])),
        None,
        now,
        &none,
        "example.com",
    );
    assert!(
        r.summary.contains("Synapse clamps it to 2 d"),
        "{}",
        r.summary
    );

    let mut aged = server_with(&[("cache-control", "max-age=3600"), ("age", "1800")]);
    aged.final_url = "https://example.com/.well-known/matrix/server".into();
    let r = cache_well_known(Some(&aged), None, now, &none, "example.com");
    assert!(
        r.evidence
            .iter()
            .any(|e| e.asked == "a cache in front" && e.got.contains("30 min"))
    );

    let failing = HttpObservation::get("https://example.com/.well-known/matrix/server").respond(
        404,
        &[],
        b"",
    );
    let r = cache_well_known(Some(&failing), None, now, &none, "example.com");
    assert!(
        r.summary.contains("cache that failure for about 1 h"),
        "{}",
        r.summary
    );

    assert_eq!(
        cache_well_known(None, None, now, &none, "example.com").status,
        Status::Skipped
    );
}

/// A 200 without a usable `m.server` is an invalid file to every peer: it
/// is cached as a failure, never for the header's period.
#[test]
fn cache_check_counts_only_a_usable_server_file_as_valid() {
    let none = Expectations::none();
    let now = NOW_MS / 1000;
    for body in [
        "{}",
        r#"{"m.server": 7}"#,
        r#"{"m.server": "https://m.example.com"}"#,
    ] {
        let obs = server_file(body, &[("cache-control", "max-age=3600")]);
        let r = cache_well_known(Some(&obs), None, now, &none, "example.com");
        assert!(
            r.summary.contains("the server file fails"),
            "{body}: {}",
            r.summary
        );
        assert!(!r.summary.contains("within 1 h"), "{body}: {}", r.summary);
    }
}

/// The quoted max-age is named as what Synapse ignores, and every caching
/// header sent is shown.
#[test]
fn cache_check_shows_every_header_and_why_synapse_ignores_one() {
    let none = Expectations::none();
    let now = NOW_MS / 1000;
    let obs = server_with(&[
        ("cache-control", "public"),
        ("cache-control", "max-age=\"7200\""),
    ]);
    let r = cache_well_known(Some(&obs), None, now, &none, "example.com");
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    let headers = &r.evidence[0].got;
    assert_eq!(
        headers,
        "cache-control: public · cache-control: max-age=\"7200\""
    );
    let p = synapse_period(&obs, now);
    assert!(
        p.why.contains("Synapse cannot read as a number"),
        "{}",
        p.why
    );
}
