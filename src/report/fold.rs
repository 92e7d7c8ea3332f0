//! Folding the event stream into report state, incrementally: the text
//! report and the TUI panels consume the same [`CheckEvent`]s. Events of an
//! older run are stale and dropped; the first event of a newer run starts
//! over.

use super::Report;
use crate::check::model::{CheckEvent, CheckId, RunId};

/// The report as known so far, plus what is still running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportState {
    pub run: Option<RunId>,
    pub report: Report,
    /// Checks started and not finished yet: `(id, target)`.
    pub running: Vec<(CheckId, Option<String>)>,
    pub done: bool,
}

impl ReportState {
    pub fn new(server_name: impl Into<String>) -> ReportState {
        ReportState {
            run: None,
            report: Report::new(server_name),
            running: Vec::new(),
            done: false,
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
                self.running.clear();
                self.done = false;
            }
        }
        match event {
            CheckEvent::Started { id, target, .. } => {
                if !self.running.contains(&(id, target.clone())) {
                    self.running.push((id, target));
                }
            }
            CheckEvent::Finished { result, .. } => {
                // The exact row stops running; failing that, a row of the same
                // check started before its targets were known (no target).
                let exact = self
                    .running
                    .iter()
                    .position(|(id, t)| *id == result.id && *t == result.target);
                let untargeted = || {
                    self.running
                        .iter()
                        .position(|(id, t)| *id == result.id && t.is_none())
                };
                if let Some(i) = exact.or_else(untargeted) {
                    self.running.remove(i);
                }
                self.report.add(result);
            }
            CheckEvent::Resolved { path, .. } => self.report.set_path(&path),
            CheckEvent::ClientDiscovered {
                verdict, base_url, ..
            } => {
                self.report.client.verdict = Some(verdict);
                self.report.client.base_url = base_url;
            }
            CheckEvent::Done { .. } => {
                self.running.clear();
                self.done = true;
            }
        }
        true
    }

    /// Is this check (for this target) still running?
    pub fn is_running(&self, id: CheckId, target: Option<&str>) -> bool {
        self.running
            .iter()
            .any(|(i, t)| *i == id && t.as_deref() == target)
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
        assert!(state.running.is_empty());
        assert_eq!(state.report.checks.len(), 2);
    }
}
