//! The checks screen: the current run's streamed results, what changed
//! since the previous complete run, and watch mode.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::check::model::{CheckEvent, CheckId, CheckResult, RunId, Status};
use crate::domain::ServerName;
use crate::tui::cmd::Cmd;
use crate::tui::services::{CheckRequest, Expected};

/// A row: one check, for one target where a check runs per address.
pub type RowKey = (CheckId, Option<String>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunPhase {
    NotStarted,
    Running,
    Done,
    /// The run could not start or broke off; see `failure`.
    Failed,
    /// The operator left the screen or quit watching mid-run.
    Cancelled,
}

/// Watch intervals offered by `+` / `-`, in seconds.
pub const WATCH_STEPS: [u64; 5] = [10, 30, 60, 120, 300];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub on: bool,
    pub every: Duration,
    /// Identifies the timer in flight; a timer with an older token is stale.
    pub token: u64,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            on: false,
            every: Duration::from_secs(30),
            token: 0,
        }
    }
}

/// How a row differs from the previous complete run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Was(Status),
    New,
}

/// One row on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row<'a> {
    Done(&'a CheckResult),
    Running(&'a RowKey),
}

impl Row<'_> {
    pub fn key(&self) -> RowKey {
        match self {
            Row::Done(r) => (r.id, r.target.clone()),
            Row::Running(k) => (*k).clone(),
        }
    }

    pub fn id(&self) -> CheckId {
        match self {
            Row::Done(r) => r.id,
            Row::Running(k) => k.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ChecksState {
    pub target: Option<ServerName>,
    pub expected: Expected,
    /// The current run; events of any other run are stale.
    pub run: RunId,
    pub phase: RunPhase,
    pub failure: Option<String>,
    pub results: Vec<CheckResult>,
    pub running: Vec<RowKey>,
    /// Statuses of the complete run before the current one (for "what changed").
    pub baseline: Option<(RunId, BTreeMap<RowKey, Status>)>,
    pub last_complete: Option<(RunId, BTreeMap<RowKey, Status>)>,
    /// The row the operator picked; `None` follows the most important row.
    pub selected: Option<RowKey>,
    /// Details take the whole screen.
    pub expanded: bool,
    pub detail_scroll: u16,
    pub watch: Watch,
    /// When the first event of the run arrived, and the latest clock reading.
    pub began: Option<Instant>,
    pub now: Option<Instant>,
    pub spinner: usize,
}

impl Default for ChecksState {
    fn default() -> Self {
        ChecksState {
            target: None,
            expected: Expected::Nothing,
            run: 0,
            phase: RunPhase::NotStarted,
            failure: None,
            results: Vec::new(),
            running: Vec::new(),
            baseline: None,
            last_complete: None,
            selected: None,
            expanded: false,
            detail_scroll: 0,
            watch: Watch::default(),
            began: None,
            now: None,
            spinner: 0,
        }
    }
}

fn order(id: CheckId) -> usize {
    CheckId::ALL
        .iter()
        .position(|c| *c == id)
        .unwrap_or(usize::MAX)
}

impl ChecksState {
    /// Begins a new run (cancelling one in progress) and returns the commands.
    pub fn start_run(&mut self) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        if self.phase == RunPhase::Running {
            cmds.push(Cmd::CancelChecks { run: self.run });
        }
        let Some(server_name) = self.target.clone() else {
            self.phase = RunPhase::Failed;
            self.failure = Some("no server name to check".into());
            return cmds;
        };
        self.run += 1;
        self.phase = RunPhase::Running;
        self.failure = None;
        self.results.clear();
        self.running.clear();
        self.baseline = self.last_complete.clone();
        self.began = None;
        self.now = None;
        self.detail_scroll = 0;
        cmds.push(Cmd::StartChecks(CheckRequest {
            run: self.run,
            server_name,
            expected: self.expected.clone(),
        }));
        cmds
    }

    /// Stops the current run, if any.
    pub fn cancel(&mut self) -> Vec<Cmd> {
        if self.phase != RunPhase::Running {
            return Vec::new();
        }
        self.phase = RunPhase::Cancelled;
        self.running.clear();
        vec![Cmd::CancelChecks { run: self.run }]
    }

    /// Applies one event; `false` when it was stale (another run, or a run
    /// that is no longer going) and nothing changed.
    pub fn apply(&mut self, event: CheckEvent, at: Instant) -> bool {
        if event.run() != self.run || self.phase != RunPhase::Running {
            return false;
        }
        self.began.get_or_insert(at);
        self.now = Some(at);
        match event {
            CheckEvent::Started { id, target, .. } => {
                let key = (id, target);
                let known = self.running.contains(&key)
                    || self
                        .results
                        .iter()
                        .any(|r| r.id == key.0 && r.target == key.1);
                if !known {
                    self.running.push(key);
                }
            }
            CheckEvent::Finished { result, .. } => {
                let exact = self
                    .running
                    .iter()
                    .position(|(id, t)| *id == result.id && *t == result.target);
                let loose = || {
                    self.running
                        .iter()
                        .position(|(id, t)| *id == result.id && t.is_none())
                };
                if let Some(i) = exact.or_else(loose) {
                    self.running.remove(i);
                }
                match self
                    .results
                    .iter_mut()
                    .find(|r| r.id == result.id && r.target == result.target)
                {
                    Some(old) => *old = result,
                    None => self.results.push(result),
                }
            }
            // Shown once the checks screen folds events into the shared report state.
            CheckEvent::Resolved { .. } | CheckEvent::ClientDiscovered { .. } => {}
            CheckEvent::Done { .. } => {
                self.phase = RunPhase::Done;
                self.running.clear();
                self.last_complete = Some((self.run, self.statuses()));
            }
        }
        true
    }

    pub fn statuses(&self) -> BTreeMap<RowKey, Status> {
        self.results
            .iter()
            .map(|r| ((r.id, r.target.clone()), r.status))
            .collect()
    }

    /// Finished and running rows in panel/check order, then by target.
    pub fn rows(&self) -> Vec<Row<'_>> {
        let mut rows: Vec<Row<'_>> = self.results.iter().map(Row::Done).collect();
        rows.extend(self.running.iter().map(Row::Running));
        rows.sort_by(|a, b| {
            let ka = a.key();
            let kb = b.key();
            (order(ka.0), ka.1).cmp(&(order(kb.0), kb.1))
        });
        rows
    }

    /// The row whose details are shown: the picked one, else the first
    /// failure, else the first warning, else the first row.
    pub fn focus_index(&self, rows: &[Row<'_>]) -> Option<usize> {
        if let Some(key) = &self.selected
            && let Some(i) = rows.iter().position(|r| r.key() == *key)
        {
            return Some(i);
        }
        let worst = |pred: fn(Status) -> bool| {
            rows.iter()
                .position(|r| matches!(r, Row::Done(res) if pred(res.status)))
        };
        worst(Status::is_failure)
            .or_else(|| worst(|s| s == Status::Warn))
            .or((!rows.is_empty()).then_some(0))
    }

    pub fn change(&self, result: &CheckResult) -> Option<Change> {
        let (_, before) = self.baseline.as_ref()?;
        match before.get(&(result.id, result.target.clone())) {
            None => Some(Change::New),
            Some(s) if *s != result.status => Some(Change::Was(*s)),
            Some(_) => None,
        }
    }

    /// Rows whose status differs from the previous complete run.
    pub fn changed_count(&self) -> usize {
        self.results
            .iter()
            .filter(|r| self.change(r).is_some())
            .count()
    }

    pub fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }

    pub fn elapsed(&self) -> Option<Duration> {
        Some(self.now?.saturating_duration_since(self.began?))
    }

    pub fn report(&self) -> crate::tui::report::Report {
        crate::tui::report::Report {
            server_name: self
                .target
                .as_ref()
                .map(|t| t.to_string())
                .unwrap_or_default(),
            run: self.run,
            complete: self.phase == RunPhase::Done,
            results: self.results.clone(),
        }
    }
}
