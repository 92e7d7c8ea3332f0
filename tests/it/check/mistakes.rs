//! Every classic mistake, planted in an otherwise healthy deployment, is
//! recognised and named in the full evaluation, in the right check.

use crate::support::check as common;

use common::*;
use serde_json::json;

use matrix_delegate::check::evaluate::{Observations, evaluate};
use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::domain::plan::WellKnownSection;
use matrix_delegate::domain::{Answers, plan};
use matrix_delegate::observe::HttpObservation;

fn with_server_file(obs: HttpObservation) -> Observations {
    let mut o = healthy();
    o.resolution = resolve(
        "example.com",
        Some(obs),
        &[addresses("matrix.example.com", &[V4, V6])],
    );
    o
}

#[test]
fn classic_mistakes_are_named() {
    let planned = Expectations::from_plan(&plan(&Answers::example()).expect("plan"));
    let config = Expectations::from_config(
        Some("example.com"),
        &WellKnownSection {
            server: Some("matrix.example.com:443".into()),
            client: Some("https://matrix.example.com".into()),
            ..Default::default()
        },
        Some("/etc/continuwuity.toml"),
    );
    let wk_url = "https://example.com/.well-known/matrix/server";
    let mut redirected = server_file(r#"{"m.server":"matrix.example.com:443"}"#, &[JSON]);
    redirected.hops = vec![hop(
        wk_url,
        302,
        "https://example.com/matrix-server.json",
        &[],
    )];
    redirected.final_url = "https://example.com/matrix-server.json".into();

    // Checking the delegated host: its own server file points at itself and
    // its keys name the real server name.
    let mut delegated_checked = healthy();
    delegated_checked.resolution =
        resolve(
            "matrix.example.com",
            Some(
                HttpObservation::get("https://matrix.example.com/.well-known/matrix/server")
                    .respond(200, &[JSON], br#"{"m.server":"matrix.example.com:443"}"#),
            ),
            &[addresses("matrix.example.com", &[V4, V6])],
        );

    let mut stripped = healthy();
    stripped
        .client
        .well_known
        .headers
        .retain(|(k, _)| k != "access-control-allow-origin");

    let mut client_m_server = healthy();
    client_m_server.client.well_known = client_file(
        &json!({"m.homeserver": {"base_url": "https://matrix.example.com/"}, "m.server": "matrix.example.com:443"}),
        &[JSON, CORS],
    );

    let mut client_unset = healthy();
    client_unset.client.well_known = json_obs(
        "https://example.com/.well-known/matrix/client",
        404,
        &[JSON, CORS],
        &json!({"errcode": "M_NOT_FOUND", "error": "Not found."}),
    );

    let none = Expectations::none();
    let forbidden = json!({"errcode": "M_FORBIDDEN", "error": "Federation is disabled."});
    let cases: Vec<(&str, Observations, &Expectations, CheckId, &str, Status)> = vec![
        (
            "config server_name differs",
            delegated_checked.clone(),
            &config,
            CheckId::ServerResolution,
            "the delegated host was checked instead of the server name",
            Status::Fail,
        ),
        (
            "keys reveal the server name",
            delegated_checked.clone(),
            &none,
            CheckId::ServerKeys,
            "the delegated host was checked instead of the server name",
            Status::Fail,
        ),
        (
            "https:// in m.server",
            with_server_file(server_file(
                r#"{"m.server":"https://matrix.example.com"}"#,
                &[JSON],
            )),
            &planned,
            CheckId::ServerWellKnown,
            "`https://` in m.server",
            Status::Fail,
        ),
        (
            "port missing",
            with_server_file(server_file(r#"{"m.server":"matrix.example.com"}"#, &[JSON])),
            &planned,
            CheckId::ServerWellKnown,
            "port missing in m.server",
            Status::Fail,
        ),
        (
            "client file carries m.server",
            client_m_server,
            &none,
            CheckId::ClientWellKnown,
            "the client file carries m.server",
            Status::Warn,
        ),
        (
            "server well_known unset",
            with_server_file(json_obs(
                wk_url,
                404,
                &[JSON],
                &json!({"errcode": "M_NOT_FOUND"}),
            )),
            &config,
            CheckId::ServerWellKnown,
            "well_known not set in the homeserver config",
            Status::Fail,
        ),
        (
            "client well_known unset",
            client_unset,
            &config,
            CheckId::ClientWellKnown,
            "well_known not set in the homeserver config",
            Status::Fail,
        ),
        (
            "federation disabled",
            with_server_file(json_obs(wk_url, 403, &[JSON], &forbidden)),
            &none,
            CheckId::ServerWellKnown,
            "federation is disabled",
            Status::Fail,
        ),
        (
            "redirect on the server file",
            with_server_file(redirected),
            &none,
            CheckId::ServerWellKnown,
            "a redirect on the server file",
            Status::Warn,
        ),
        (
            "content type not JSON",
            with_server_file(server_file(
                r#"{"m.server":"matrix.example.com:443"}"#,
                &[("content-type", "application/octet-stream")],
            )),
            &none,
            CheckId::ServerWellKnown,
            "Content-Type is not JSON",
            Status::Warn,
        ),
        (
            "CORS stripped by a proxy",
            stripped,
            &planned,
            CheckId::ClientCors,
            "a proxy strips the CORS header",
            Status::Fail,
        ),
    ];
    for (case, obs, ex, id, title, status) in cases {
        let results = evaluate(&obs, ex);
        let r = results
            .iter()
            .find(|r| {
                r.id == id
                    && r.evidence
                        .iter()
                        .any(|e| e.asked == format!("classic mistake: {title}"))
            })
            .unwrap_or_else(|| {
                panic!(
                    "{case}: {title:?} not named in {}: {:#?}",
                    id.as_str(),
                    results.iter().find(|r| r.id == id)
                )
            });
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.remedy.is_some(), "{case}: no remedy");
    }
}

#[test]
fn config_mismatch_says_which_side_is_wrong() {
    let config = Expectations::from_config(
        Some("example.com"),
        &WellKnownSection {
            server: Some("matrix.example.com:443".into()),
            ..Default::default()
        },
        Some("/etc/continuwuity.toml"),
    );
    let obs = with_server_file(server_file(
        r#"{"m.server":"old.example.com:443"}"#,
        &[JSON],
    ));
    let results = evaluate(&obs, &config);
    let r = find(&results, CheckId::ServerWellKnown, None);
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.summary
            .contains("your config (/etc/continuwuity.toml) says matrix.example.com:443"),
        "{}",
        r.summary
    );
    assert!(
        r.remedy
            .as_deref()
            .unwrap_or_default()
            .contains("The live side is wrong"),
        "{:?}",
        r.remedy
    );
}
