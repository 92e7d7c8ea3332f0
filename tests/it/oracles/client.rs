//! matrix-js-sdk's `AutoDiscovery` and Chromium against every scenario:
//! each gives a well-formed result, js-sdk's homeserver verdict is
//! `check`'s `client.verdict`, and the browser can read exactly when
//! `client.cors` passes (or as a listed difference in
//! `support/oracles/known.rs` says, its rule checked).

use std::time::Duration;

use crate::support::oracles::known::chromium_difference_is_known;
use crate::support::oracles::{
    APP_HOST, Oracle, World, chromium, lock_logical_addresses, matrix, privileged_mode_missing,
    scenario_with_app_origin, skip,
};

fn available(oracle: Oracle) -> bool {
    let m = matrix();
    if let Some(why) = &m.not_run {
        return !skip(why);
    }
    if let Some(why) = m.missing.get(&oracle) {
        return !skip(why);
    }
    assert!(!m.rows.is_empty(), "no scenario ran");
    true
}

#[test]
fn js_sdk_agrees_with_the_client_verdict_on_every_scenario() {
    if !available(Oracle::JsSdk) {
        return;
    }
    let mut problems = Vec::new();
    for row in &matrix().rows {
        let run = row.run(Oracle::JsSdk).expect("js-sdk ran");
        if let Err(e) = run.well_formed(&row.server_name) {
            problems.push(format!("{}: {e}", row.scenario));
            continue;
        }
        let verdict = run.client_verdict();
        assert!(
            ["OK", "IGNORE", "FAIL_PROMPT", "FAIL_ERROR"]
                .contains(&verdict.as_deref().unwrap_or("")),
            "{}: js-sdk verdict {verdict:?}",
            row.scenario
        );
        if verdict.as_deref() != row.spec.client_verdict() {
            problems.push(format!(
                "{}: js-sdk says {verdict:?}, check says {:?}",
                row.scenario,
                row.spec.client_verdict()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn chromium_agrees_with_client_cors_on_every_scenario() {
    if !available(Oracle::Chromium) {
        return;
    }
    let mut problems = Vec::new();
    for row in &matrix().rows {
        let run = row.run(Oracle::Chromium).expect("chromium ran");
        if let Err(e) = run.well_formed(&row.server_name) {
            problems.push(format!("{}: {e}", row.scenario));
            continue;
        }
        let out = run.output.as_ref().expect("well formed");
        assert_eq!(
            out["ca_trusted_in_nss_db"].as_bool(),
            Some(true),
            "{}: the simulation's CA went into the browser's NSS database",
            row.scenario
        );
        let (readable, text) = run.browser_outcome().expect("well formed");
        let cors_pass = row.spec.status("client.cors").as_deref() == Some("pass");
        if readable != cors_pass && !chromium_difference_is_known(row, readable) {
            problems.push(format!(
                "{}: browser {text}, client.cors {:?}",
                row.scenario,
                row.spec.status("client.cors")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The control for the browser's trust: without the simulation's CA in its
/// NSS database Chromium refuses the page's origin (it does validate, and
/// the NSS database is what makes the oracle runs work).
#[test]
fn chromium_refuses_the_simulation_without_its_ca() {
    if let Some(why) = privileged_mode_missing().or_else(|| Oracle::Chromium.missing()) {
        skip(&why);
        return;
    }
    let _fixed_ports = lock_logical_addresses();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let scenario = scenario_with_app_origin("healthy-well-known");
    let world = runtime
        .block_on(World::start(&scenario))
        .expect("logical addresses");
    let run = chromium(&world, "example.com", false, Duration::from_secs(8));
    assert!(
        run.hellos
            .iter()
            .any(|h| h.sni.as_deref() == Some(APP_HOST)),
        "the browser tried the origin: {:?}",
        run.hellos
    );
    assert!(
        run.requests.is_empty(),
        "no request got past TLS: {:?}",
        run.requests
    );
    assert!(run.output.is_none());
    let World { sim, .. } = world;
    runtime.block_on(sim.shutdown());
}
