//! Synapse's federation agent and the `resolvematrix` crate against every
//! scenario: each gives a well-formed result, and on the healthy scenarios
//! reaches the server on `check`'s spec path (step, target address, `Host`
//! header, SNI) unless a difference is listed in
//! `crate::support::oracles::known`.

use crate::support::oracles::known::explained;
use crate::support::oracles::{HEALTHY, Oracle, differences, matrix, skip};

fn peer_runs_everywhere_and_agrees_on_healthy(oracle: Oracle) {
    let m = matrix();
    if let Some(why) = &m.not_run {
        skip(why);
        return;
    }
    if let Some(why) = m.missing.get(&oracle) {
        skip(why);
        return;
    }
    assert!(!m.rows.is_empty(), "no scenario ran");
    let mut problems = Vec::new();
    for row in &m.rows {
        let run = row.run(oracle).expect("every available oracle runs");
        if let Err(e) = run.well_formed(&row.server_name) {
            problems.push(format!("{}: {e}", row.scenario));
            continue;
        }
        if run.timed_out {
            problems.push(format!(
                "{}: the driver did not end by itself",
                row.scenario
            ));
            continue;
        }
        let view = run
            .peer_view(&row.server_name)
            .expect("a federation oracle has a peer view");
        if !HEALTHY.contains(&row.scenario.as_str()) {
            continue;
        }
        if !view.ok {
            problems.push(format!(
                "{}: {} fails on a healthy scenario: {:?}",
                row.scenario,
                oracle.name(),
                view.failure
            ));
        }
        if view.requests.is_empty() {
            problems.push(format!("{}: no federation request arrived", row.scenario));
        }
        for what in differences(&row.spec, &view) {
            if !explained(oracle, what, &row.spec, &view.requests) {
                problems.push(format!(
                    "{}: {} differs from check in {what}: spec {:?} {:?}, peer {:?} {:?}",
                    row.scenario,
                    oracle.name(),
                    row.spec.step(),
                    row.spec.targets(),
                    view.step,
                    view.requests
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn synapse_runs_on_every_scenario_and_agrees_on_the_healthy_ones() {
    peer_runs_everywhere_and_agrees_on_healthy(Oracle::Synapse);
}

#[test]
fn resolvematrix_runs_on_every_scenario_and_agrees_on_the_healthy_ones() {
    peer_runs_everywhere_and_agrees_on_healthy(Oracle::Resolvematrix);
}
