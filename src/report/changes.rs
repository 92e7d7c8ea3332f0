//! What changed between two complete runs of the checks, and how long
//! resolvers may still serve outdated DNS answers: what the wizard's watch
//! mode and `check --wait` say between runs, from one place.

use std::collections::BTreeMap;
use std::time::Duration;

use super::Report;
use super::fold::RowKey;
use crate::check::model::{CheckResult, Status};

/// The statuses of one complete run, by row (check id and target), and the
/// longest time a resolver still serves an outdated DNS answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    statuses: BTreeMap<RowKey, Status>,
    dns_wait: Option<Duration>,
}

/// How a row differs from the snapshot before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It had another status.
    Was(Status),
    /// It was not there (a new address, a check that now runs).
    New,
}

/// One row that differs between two runs: `before` or `after` is `None`
/// when the row is new or gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowChange {
    pub key: RowKey,
    pub before: Option<Status>,
    pub after: Option<Status>,
}

impl Snapshot {
    /// The snapshot of a finished report.
    pub fn of(report: &Report) -> Snapshot {
        Snapshot {
            statuses: report
                .checks
                .iter()
                .map(|r| ((r.id, r.target.clone()), r.status))
                .collect(),
            dns_wait: report
                .checks
                .iter()
                .filter_map(|r| r.cache_expires_in_s)
                .max()
                .map(Duration::from_secs),
        }
    }

    /// How `result` differs from this snapshot; `None` when it does not.
    pub fn change(&self, result: &CheckResult) -> Option<Change> {
        match self.statuses.get(&(result.id, result.target.clone())) {
            None => Some(Change::New),
            Some(s) if *s != result.status => Some(Change::Was(*s)),
            Some(_) => None,
        }
    }

    /// Every row of `later` that differs from this snapshot, in `later`'s
    /// report order, then the rows that are gone, in check order.
    pub fn changes(&self, later: &Report) -> Vec<RowChange> {
        let now = Snapshot::of(later);
        let mut out: Vec<RowChange> = later
            .checks
            .iter()
            .filter_map(|r| {
                let key = (r.id, r.target.clone());
                let before = self.statuses.get(&key).copied();
                (before != Some(r.status)).then_some(RowChange {
                    key,
                    before,
                    after: Some(r.status),
                })
            })
            .collect();
        out.extend(
            self.statuses
                .iter()
                .filter(|(key, _)| !now.statuses.contains_key(*key))
                .map(|(key, before)| RowChange {
                    key: key.clone(),
                    before: Some(*before),
                    after: None,
                }),
        );
        out
    }

    /// The longest time a resolver still serves an outdated cached DNS
    /// answer (the DNS checks' `cache_expires_in_s`), as that run saw it.
    pub fn dns_wait(&self) -> Option<Duration> {
        self.dns_wait
    }
}
