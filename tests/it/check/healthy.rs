//! The healthy deployment passes every check; prints its text report for review.

use crate::support::check as common;

use common::*;
use matrix_delegate::check::evaluate::evaluate;
use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::report::from_observations as report;
use matrix_delegate::report::text::{TextOptions, render};

#[test]
fn healthy_deployment_passes_everything() {
    let obs = healthy();
    let results = evaluate(&obs, &Expectations::none());
    let text = render(
        &report(&obs, &Expectations::none()),
        &TextOptions::default(),
    );
    println!("{text}");
    for r in &results {
        let ok = match r.id {
            CheckId::DnsDelegatedHost | CheckId::DnsSrv => {
                matches!(r.status, Status::Pass | Status::Skipped)
            }
            // The canned observations carry no peer paths (the peer models
            // are tested on their own and through the simulation).
            CheckId::ServerPeers => r.status == Status::Skipped,
            _ => r.status == Status::Pass,
        };
        assert!(
            ok,
            "{} {:?}: {:?} {}",
            r.id.as_str(),
            r.target,
            r.status,
            r.summary
        );
    }
    // Four per-address checks for each of the two addresses.
    assert_eq!(results.iter().filter(|r| r.target.is_some()).count(), 8);
}
