//! Folding the event stream into report state, incrementally: the text
//! report and the TUI panels consume the same [`CheckEvent`]s. Events of an
//! older run are stale and dropped; the first event of a newer run starts
//! over.

use std::collections::{BTreeMap, HashMap};

use super::Report;
use crate::check::model::{CheckEvent, CheckId, RunId};

/// A row: one check, for one target where a check runs per address.
pub type RowKey = (CheckId, Option<String>);

/// The report as known so far, plus what is still running. Every event
/// folds in constant or logarithmic time; the report's order and verdicts
/// are computed once, when a consumer renders it ([`ReportState::settle`];
/// `Done` settles too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportState {
    pub run: Option<RunId>,
    pub report: Report,
    pub done: bool,
    /// Checks started and not finished yet, by when they started.
    running: BTreeMap<u64, RowKey>,
    /// Where each running row sits in `running`.
    running_at: HashMap<RowKey, u64>,
    next: u64,
}

impl ReportState {
    pub fn new(server_name: impl Into<String>) -> ReportState {
        ReportState {
            run: None,
            report: Report::new(server_name),
            done: false,
            running: BTreeMap::new(),
            running_at: HashMap::new(),
            next: 0,
        }
    }

    /// Applies one event; true when the state changed (redraw needed).
    pub fn apply(&mut self, event: CheckEvent) -> bool {
        let run = event.run();
        match self.run {
            Some(current) if run < current => return false,
            Some(current) if run == current => {}
            _ => {
                self.run = Some(run);
                self.report = Report::new(self.report.server_name.clone());
                self.clear_running();
                self.done = false;
            }
        }
        match event {
            CheckEvent::Started { id, target, .. } => {
                let key = (id, target);
                if !self.running_at.contains_key(&key) {
                    self.running.insert(self.next, key.clone());
                    self.running_at.insert(key, self.next);
                    self.next += 1;
                }
            }
            CheckEvent::Finished { result, .. } => {
                // The exact row stops running; failing that, a row of the same
                // check started before its targets were known (no target).
                let exact = (result.id, result.target.clone());
                let untargeted = (result.id, None);
                let at = self
                    .running_at
                    .remove(&exact)
                    .or_else(|| self.running_at.remove(&untargeted));
                if let Some(at) = at {
                    self.running.remove(&at);
                }
                self.report.add(result);
            }
            CheckEvent::Resolved { path, .. } => self.report.set_path(&path),
            CheckEvent::Peers { peers, .. } => self.report.federation.peers = peers,
            CheckEvent::ClientDiscovered {
                verdict, base_url, ..
            } => {
                self.report.client.verdict = Some(verdict);
                self.report.client.base_url = base_url;
            }
            CheckEvent::Done { .. } => {
                self.clear_running();
                self.done = true;
                self.report.settle();
            }
        }
        true
    }

    /// Orders the report and computes its verdicts (before a render).
    pub fn settle(&mut self) {
        self.report.settle();
    }

    /// Is this check (for this target) still running?
    pub fn is_running(&self, id: CheckId, target: Option<&str>) -> bool {
        self.running_at
            .contains_key(&(id, target.map(str::to_string)))
    }

    /// The rows still running, in the order they started.
    pub fn running(&self) -> impl Iterator<Item = &RowKey> {
        self.running.values()
    }

    pub fn running_count(&self) -> usize {
        self.running.len()
    }

    /// Nothing runs any more (the run was cancelled or broke off).
    pub fn clear_running(&mut self) {
        self.running.clear();
        self.running_at.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::model::{CheckResult, Status};

    #[test]
    fn a_result_ends_the_row_started_without_a_target() {
        let mut state = ReportState::new("example.com");
        let started = |target: Option<&str>| CheckEvent::Started {
            run: 1,
            id: CheckId::ServerTls,
            target: target.map(str::to_string),
        };
        state.apply(started(None));
        state.apply(started(Some("[2001:db8::7]:443")));
        let tls =
            CheckResult::new(CheckId::ServerTls, Status::Pass, "ok").target("203.0.113.7:443");
        state.apply(CheckEvent::Finished {
            run: 1,
            result: tls,
        });
        assert!(!state.is_running(CheckId::ServerTls, None));
        assert!(state.is_running(CheckId::ServerTls, Some("[2001:db8::7]:443")));
        let v6 = CheckResult::new(CheckId::ServerTls, Status::Fail, "refused")
            .target("[2001:db8::7]:443");
        state.apply(CheckEvent::Finished { run: 1, result: v6 });
        assert_eq!(state.running_count(), 0);
        assert_eq!(state.report.checks.len(), 2);
    }
}
