//! Per-address verdicts: server.keys (signatures, expiry, server_name),
//! server.routing (the escaped-path probe) and server.consistency.

use crate::support::check as common;

use common::*;
use serde_json::json;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::check::verdict::consistency::server_consistency;
use matrix_delegate::check::verdict::federation::federation_checks;
use matrix_delegate::check::verdict::{keys, routing};
use matrix_delegate::domain::{Proxy, Strategy};
use matrix_delegate::matrix::signed_json::sign;
use matrix_delegate::observe::{
    FetchFailure, HttpObservation, TlsErrorKind, TlsFailure, TlsFailureKind, TlsObservation,
};

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
        // Dendrite: `{"message": …}` without errcode from its federation
        // handler, so the path arrived intact.
        (
            "401 dendrite",
            json_obs(
                &url,
                401,
                &[JSON],
                &json!({"message": "Missing Authorization headers"}),
            ),
            Status::Pass,
            "a Dendrite-style 401",
            "",
        ),
        // A 401 from something else (a proxy's basic auth page) is not the
        // homeserver.
        (
            "401 html",
            HttpObservation::get(&url).respond(
                401,
                &[("content-type", "text/html"), ("www-authenticate", "Basic")],
                b"<html>401 Authorization Required</html>",
            ),
            Status::Fail,
            "401 without a Matrix error body",
            "nocanon",
        ),
        (
            "401 json without message",
            json_obs(&url, 401, &[JSON], &json!({"detail": "no"})),
            Status::Fail,
            "401 without a Matrix error body",
            "nocanon",
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
    broken[1].tls = tls_connect_failed("connection refused");
    broken[1].version = None;
    broken[1].keys = None;
    broken[1].routing = None;
    let r = checks(broken);
    // Nothing answers on one address: peers go on to the next one.
    assert_eq!(r.status, Status::Warn);
    assert!(
        r.summary.contains(
            "203.0.113.7:443 works, nothing answers on [2001:db8::7]:443: peers fall back"
        ),
        "{}",
        r.summary
    );

    // An address that answers wrongly breaks every peer that picks it.
    let mut wrong_cert = base.probes.clone();
    wrong_cert[1].tls.covers_required_name = false;
    wrong_cert[1].tls.names = vec!["other.example.net".into()];
    let r = checks(wrong_cert);
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
    probes[1].tls = tls_connect_failed("timed out");
    probes[1].version = None;
    probes[1].keys = None;
    probes[1].routing = None;
    let out = federation_checks(&base.resolution, &probes, NOW_MS, &Expectations::none());
    let v6 = Some("[2001:db8::7]:443");
    // A connection-level failure with the IPv4 address working: peers fall
    // back, so a warning that says so.
    let tls = find(&out, CheckId::ServerTls, v6);
    assert_eq!(tls.status, Status::Warn, "{tls:#?}");
    assert!(
        tls.summary
            .contains("peers fall back to 203.0.113.7:443, another address of matrix.example.com"),
        "{}",
        tls.summary
    );
    // Not attempted there, and no second problem: the same dead address.
    for id in [CheckId::ServerVersion, CheckId::ServerKeys] {
        let r = find(&out, id, v6);
        assert_eq!(r.status, Status::Warn, "{r:#?}");
        assert!(
            r.summary
                .starts_with("no connection to this address (timed out)"),
            "{}",
            r.summary
        );
    }

    let out = federation_checks(
        &base.resolution,
        &base.probes[..1],
        NOW_MS,
        &Expectations::none(),
    );
    assert_eq!(find(&out, CheckId::ServerTls, v6).status, Status::Error);
}

/// Keys for another name while the checked name delegates: the homeserver
/// was installed with the wrong `server_name` (a fresh database is needed),
/// not "you checked the delegated host".
#[test]
fn keys_for_another_name_behind_a_delegation_blame_the_installed_server_name() {
    let res = healthy().resolution;
    let (addr, target) = res.endpoints()[0];
    let keys_for = |server_name: &str| {
        let obs = json_obs(
            "https://matrix.example.com/_matrix/key/v2/server",
            200,
            &[JSON],
            &key_response(server_name, NOW_MS + DAY_MS, &signing_key()),
        );
        keys::server_keys(
            addr,
            target,
            &obs,
            &res.server_name,
            NOW_MS,
            &Expectations::none(),
        )
        .0
    };
    for installed in ["matrix.example.com", "chat.example.org"] {
        let r = keys_for(installed);
        assert_eq!(r.status, Status::Fail, "{r:#?}");
        let mistake = r
            .evidence
            .iter()
            .find(|e| {
                e.asked == "classic mistake: the homeserver was installed with another server_name"
            })
            .unwrap_or_else(|| panic!("{installed}: not named: {:#?}", r.evidence));
        assert!(
            mistake
                .got
                .contains("`example.com` delegates to `matrix.example.com`"),
            "{}",
            mistake.got
        );
        assert_eq!(
            mistake.got.contains("(the delegated host's own name)"),
            installed == "matrix.example.com",
            "{}",
            mistake.got
        );
        assert!(
            !r.evidence
                .iter()
                .any(|e| e.asked.contains("the delegated host was checked")),
            "{:#?}",
            r.evidence
        );
        let remedy = r.remedy.unwrap_or_default();
        assert!(
            remedy.contains("set `server_name = \"example.com\"`")
                && remedy.contains("fresh database"),
            "{remedy}"
        );
    }
}

/// An address nothing answers on, next to one that works: peers go on to
/// the working one, so every result of the dead address is a warning that
/// says so; a TLS failure on an address that answered stays a failure.
#[test]
fn a_dead_address_beside_a_working_one_is_a_warning_a_broken_one_a_failure() {
    let base = healthy();
    let ex = Expectations::none();
    let v6 = Some("[2001:db8::7]:443");
    let refused = |kind| {
        let mut probes = base.probes.clone();
        probes[1].tls = TlsObservation::failed(
            TlsFailure::new(kind, "connection refused"),
            std::time::Duration::ZERO,
        );
        probes[1].version = Some(
            HttpObservation::get("https://matrix.example.com/_matrix/federation/v1/version")
                .fail(FetchFailure::Refused { address: None }),
        );
        probes[1].keys = None;
        probes[1].routing = None;
        federation_checks(&base.resolution, &probes, NOW_MS, &ex)
    };
    let out = refused(TlsFailureKind::Refused);
    for id in [CheckId::ServerTls, CheckId::ServerVersion] {
        let r = find(&out, id, v6);
        assert_eq!(r.status, Status::Warn, "{r:#?}");
        assert!(
            r.summary.contains("peers fall back to 203.0.113.7:443"),
            "{}",
            r.summary
        );
    }
    assert_eq!(
        find(&out, CheckId::ServerConsistency, None).status,
        Status::Warn
    );
    assert!(out.iter().all(|r| !r.status.is_failure()), "{out:#?}");

    // The handshake fails on an address that answered: no fallback.
    let out = refused(TlsFailureKind::Handshake(TlsErrorKind::AlertReceived(
        "handshake_failure".into(),
    )));
    let tls = find(&out, CheckId::ServerTls, v6);
    assert_eq!(tls.status, Status::Fail, "{tls:#?}");
    assert!(
        tls.summary.contains("a peer that picks this address fails"),
        "{}",
        tls.summary
    );
    assert_eq!(
        find(&out, CheckId::ServerConsistency, None).status,
        Status::Fail
    );

    // Both addresses dead: nothing to fall back to.
    let mut probes = base.probes.clone();
    for p in &mut probes {
        p.tls = tls_connect_failed("connection refused");
        p.version = None;
        p.keys = None;
        p.routing = None;
    }
    let out = federation_checks(&base.resolution, &probes, NOW_MS, &ex);
    assert_eq!(find(&out, CheckId::ServerTls, v6).status, Status::Fail);
}
