//! The results table: written when `ORACLE_RESULTS` names a file
//! (`scripts/oracle-results` sets it), and complete either way: one row per
//! scenario that ran, every oracle's column filled.

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
