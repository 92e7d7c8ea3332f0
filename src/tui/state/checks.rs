//! The checks screen: the current run (folded by the shared
//! [`ReportState`]), what changed since the previous complete run, and
//! watch mode.

use std::time::{Duration, Instant};

use crate::check::model::{CheckEvent, CheckId, CheckResult, RunId, Status};
use crate::domain::ServerName;
use crate::report::Report;
use crate::report::changes::Snapshot;
use crate::report::fold::ReportState;
use crate::tui::cmd::Cmd;
use crate::tui::data::{CheckRequest, Expected};

/// A row: one check, for one target where a check runs per address.
pub use crate::report::fold::RowKey;

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

/// How often the spinner turns and the run clock moves while checks run.
pub const TICK: Duration = Duration::from_millis(100);

/// Watch intervals offered by `+` / `-`, in seconds.
pub const WATCH_STEPS: [u64; 5] = [10, 30, 60, 120, 300];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub on: bool,
    pub every: Duration,
    /// Identifies the timer in flight; a timer with an older token is stale.
    pub token: u64,
    /// The clock reading when the timer in flight was set: the title
    /// counts down "next run in" from it.
    pub scheduled_at: Option<Instant>,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            on: false,
            every: Duration::from_secs(30),
            token: 0,
            scheduled_at: None,
        }
    }
}

/// How a row differs from the previous complete run (the same words as
/// `check --wait`).
pub use crate::report::changes::Change;

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
    /// The current run's events folded into the shared report (federation
    /// path, client verdict, results, what is still running): the same
    /// state the text report and the export are made from.
    pub fold: ReportState,
    /// The complete run before the current one (for "what changed").
    pub baseline: Option<(RunId, Snapshot)>,
    pub last_complete: Option<(RunId, Snapshot)>,
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
    /// When the current run ended: its duration stays fixed while the clock
    /// goes on ticking for the countdowns.
    pub ended: Option<Instant>,
    /// Runs before this one belong to another deployment (`demo`): run
    /// numbers are shown counted from here.
    pub run_base: RunId,
    /// From the last complete run: the longest time a resolver still serves
    /// an outdated cached DNS answer (the DNS checks'
    /// `cache_expires_in_s`), and when that was learnt. Watch mode counts it
    /// down with the clock readings `now`.
    pub dns_wait: Option<(Duration, Instant)>,
}

impl Default for ChecksState {
    fn default() -> Self {
        ChecksState {
            target: None,
            expected: Expected::Nothing,
            run: 0,
            phase: RunPhase::NotStarted,
            failure: None,
            fold: ReportState::new(""),
            baseline: None,
            last_complete: None,
            selected: None,
            expanded: false,
            detail_scroll: 0,
            watch: Watch::default(),
            began: None,
            now: None,
            spinner: 0,
            ended: None,
            run_base: 0,
            dns_wait: None,
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
        self.fold = ReportState::new(server_name.as_str());
        self.baseline = self.last_complete.clone();
        self.began = None;
        self.now = None;
        self.ended = None;
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
        self.fold.clear_running();
        vec![Cmd::CancelChecks { run: self.run }]
    }

    /// The run broke off: nothing is running any more.
    pub fn fail(&mut self, reason: String) {
        self.phase = RunPhase::Failed;
        self.fold.clear_running();
        self.failure = Some(reason);
    }

    /// Applies one event; `false` when it was stale and nothing changed.
    /// Stricter than the shared fold (which accepts any newer run): only
    /// the run this screen started, and only while it is going, so a late
    /// event of a cancelled run can never bring it back.
    pub fn apply(&mut self, event: CheckEvent, at: Instant) -> bool {
        if event.run() != self.run || self.phase != RunPhase::Running {
            return false;
        }
        self.began.get_or_insert(at);
        self.now = Some(at);
        let done = matches!(event, CheckEvent::Done { .. });
        self.fold.apply(event);
        if done {
            self.phase = RunPhase::Done;
            self.ended = Some(at);
            let snapshot = Snapshot::of(self.report());
            self.dns_wait = snapshot.dns_wait().map(|wait| (wait, at));
            self.last_complete = Some((self.run, snapshot));
        }
        true
    }

    /// How long outdated cached DNS answers may still be served, counted
    /// down from the last complete run to the latest clock reading; `None`
    /// when nothing is waiting (or the wait is over).
    pub fn dns_wait_left(&self) -> Option<Duration> {
        let (wait, since) = self.dns_wait?;
        let passed = self
            .now
            .map_or(Duration::ZERO, |now| now.saturating_duration_since(since));
        Some(wait.saturating_sub(passed)).filter(|left| !left.is_zero())
    }

    /// The DNS wait as the watch line says it (`None`: nothing to wait for).
    pub fn dns_wait_words(&self) -> Option<String> {
        let left = self.dns_wait_left()?;
        Some(crate::words::duration(left.as_secs().max(1)))
    }

    /// The report of the current run, as folded so far.
    pub fn report(&self) -> &Report {
        &self.fold.report
    }

    /// The results of the current run, in report order.
    pub fn results(&self) -> &[CheckResult] {
        &self.fold.report.checks
    }

    /// Checks started and not finished yet, in the order they started.
    pub fn running(&self) -> Vec<&RowKey> {
        self.fold.running().collect()
    }

    /// Finished rows in panel order, and within a panel in report order
    /// (root causes first, then check order and the address's place in the
    /// federation path), each check's running rows after its finished ones.
    pub fn rows(&self) -> Vec<Row<'_>> {
        let mut running = self.running();
        // Stable: rows of one check keep the order they started in.
        running.sort_by_key(|k| order(k.0));
        let mut running = running.into_iter().peekable();
        let mut rows: Vec<Row<'_>> = Vec::new();
        for result in self.results() {
            while let Some(key) = running.next_if(|k| order(k.0) < order(result.id)) {
                rows.push(Row::Running(key));
            }
            rows.push(Row::Done(result));
        }
        rows.extend(running.map(Row::Running));
        // Stable: the report's order holds inside each panel.
        rows.sort_by_key(|r| r.id().panel());
        rows
    }

    /// The row whose details are shown: the picked one, else the first
    /// root cause, else the first failure, else the first warning, else the
    /// first row.
    pub fn focus_index(&self, rows: &[Row<'_>]) -> Option<usize> {
        if let Some(key) = &self.selected
            && let Some(i) = rows.iter().position(|r| r.key() == *key)
        {
            return Some(i);
        }
        if let Some((root, _)) = self.report().root_causes().first()
            && let Some(i) = rows
                .iter()
                .position(|r| r.key() == (root.id, root.target.clone()))
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
        self.baseline.as_ref()?.1.change(result)
    }

    /// Rows whose status differs from the previous complete run.
    pub fn changed_count(&self) -> usize {
        self.results()
            .iter()
            .filter(|r| self.change(r).is_some())
            .count()
    }

    pub fn count(&self, status: Status) -> usize {
        self.results().iter().filter(|r| r.status == status).count()
    }

    pub fn elapsed(&self) -> Option<Duration> {
        let until = self.ended.or(self.now)?;
        Some(until.saturating_duration_since(self.began?))
    }

    /// Run `run` as the operator counts it: from 1 for each deployment.
    pub fn shown_run(&self, run: RunId) -> RunId {
        run.saturating_sub(self.run_base)
    }

    /// Watch mode between runs: how long until the next run starts, by the
    /// latest clock reading.
    pub fn next_run_in(&self) -> Option<Duration> {
        if !self.watch.on || self.phase == RunPhase::Running {
            return None;
        }
        let since = self.watch.scheduled_at?;
        let passed = self
            .now
            .map_or(Duration::ZERO, |now| now.saturating_duration_since(since));
        Some(self.watch.every.saturating_sub(passed))
    }
}
