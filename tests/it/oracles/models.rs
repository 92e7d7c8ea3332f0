//! Every peer model against the oracle running that peer's own code, on
//! every scenario: the Synapse model (`federation.peers`, peer `synapse`)
//! against Synapse's federation agent, the Continuwuity model against the
//! `resolvematrix` crate. They must agree on the step or the failure,
//! success, every target address a request went to with its `Host` header
//! and SNI, and (Synapse) how long the well-known answer is kept, unless
//! the difference is listed with its reason and rule in
//! `crate::support::oracles::known::KNOWN_MODEL_DIFFERENCES`.
//!
//! Both sides run with the IP blocklist off: the simulation is on loopback,
//! so `check --sim` implies `--allow-private-addresses` and the Synapse
//! oracle's `ip_blocklist` is emptied. The blocklist model is tested on its
//! own in `tests/it/matrix/peers/addresses.rs`.

use crate::support::oracles::table::Agreement;
use crate::support::oracles::{Oracle, matrix, model_cell, skip};

fn model_agrees_with_its_oracle_everywhere(oracle: Oracle) {
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
        let (agreement, text) = model_cell(row, oracle);
        match agreement {
            Agreement::Same | Agreement::Known(_) => {}
            Agreement::Differs(_) | Agreement::Missing(_) => {
                problems.push(format!("{}: {} {text}", row.scenario, oracle.name()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_synapse_model_agrees_with_synapse_on_every_scenario() {
    model_agrees_with_its_oracle_everywhere(Oracle::Synapse);
}

#[test]
fn the_continuwuity_model_agrees_with_resolvematrix_on_every_scenario() {
    model_agrees_with_its_oracle_everywhere(Oracle::Resolvematrix);
}
