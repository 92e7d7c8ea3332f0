//! The results table: written when `ORACLE_RESULTS` names a file
//! (`scripts/oracle-results` sets it), and complete either way: one row per
//! scenario that ran, every oracle's column filled.

use matrix_delegate::sim::BUILTIN_SCENARIOS;

use crate::support::oracles::{Oracle, matrix, results_markdown, skip};

#[test]
fn the_results_table_has_every_scenario_and_oracle() {
    let m = matrix();
    if let Some(why) = &m.not_run {
        skip(why);
        return;
    }
    let table = results_markdown(m);
    for row in &m.rows {
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", row.scenario)))
            .unwrap_or_else(|| panic!("{} has no row", row.scenario));
        assert!(
            !line.contains("| not run |") || !m.missing.is_empty(),
            "{line}"
        );
        for oracle in Oracle::ALL {
            if !m.missing.contains_key(&oracle) {
                assert!(
                    row.run(oracle).is_some(),
                    "{}: {}",
                    row.scenario,
                    oracle.name()
                );
            }
        }
    }
    if let Ok(path) = std::env::var("ORACLE_RESULTS") {
        std::fs::write(&path, &table).unwrap_or_else(|e| panic!("{path}: {e}"));
        println!("wrote {path}");
    }
}

/// Hermetic by construction (every oracle's resolver is the simulation's
/// DNS server, so it can only reach addresses the simulation hands out),
/// and checked: an oracle asks only for names in the documentation domains,
/// or for a name the scenario itself carries (`m-server-with-scheme` makes
/// the peers ask for `https`). A browser phoning home would show up here.
#[test]
fn the_oracles_ask_only_for_the_scenarios_names() {
    let m = matrix();
    if let Some(why) = &m.not_run {
        skip(why);
        return;
    }
    let documentation = |name: &str| {
        ["example.com", "example.net", "example.org"]
            .iter()
            .any(|d| name == *d || name.ends_with(&format!(".{d}")))
    };
    let mut outside = Vec::new();
    for row in &m.rows {
        let text = BUILTIN_SCENARIOS
            .iter()
            .find(|(n, _)| *n == row.scenario)
            .map(|(_, toml)| *toml)
            .unwrap_or_default();
        // The name (without an SRV service prefix) is written in the file.
        let from_scenario = |name: &str| {
            let host = ["_matrix-fed._tcp.", "_matrix._tcp."]
                .iter()
                .find_map(|p| name.strip_prefix(p))
                .unwrap_or(name);
            !host.is_empty() && text.contains(host)
        };
        for run in &row.runs {
            for name in &run.dns_names {
                if !documentation(name) && !from_scenario(name) {
                    let line = format!("{} / {}: {name}", row.scenario, run.oracle.name());
                    if !outside.contains(&line) {
                        outside.push(line);
                    }
                }
            }
        }
    }
    assert!(outside.is_empty(), "{}", outside.join("\n"));
}
