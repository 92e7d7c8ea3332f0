//! Running the real runner against the simulated internet in tests.
#![allow(dead_code)]

use std::time::Duration;

use matrix_delegate::check::evaluate::Observations;
use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckEvent, CheckId, CheckResult, Status};
use matrix_delegate::domain::ServerName;
use matrix_delegate::probe::Net;
use matrix_delegate::probe::runner::{CheckRequest, run};
use matrix_delegate::report::Report;
use matrix_delegate::report::fold::ReportState;
use matrix_delegate::sim::{Scenario, Sim};

/// Scenarios whose outcome is a timeout: they run with a short one.
pub const TIMEOUT_BOUND: [&str; 3] = ["blackholed", "slow-body", "dns-timeout-delegated-host"];

/// Everything one run produced.
pub struct Outcome {
    pub report: Report,
    pub events: Vec<CheckEvent>,
    pub observations: Option<Observations>,
    pub sim: Sim,
}

/// The timeout a scenario is checked with: short where the scenario is
/// about timeouts, generous elsewhere (a loaded test machine must not turn
/// a slow handshake into a failure).
pub fn timeout_for(scenario: &str) -> Duration {
    if TIMEOUT_BOUND.contains(&scenario) {
        Duration::from_millis(1500)
    } else {
        Duration::from_secs(10)
    }
}

/// Starts the scenario and runs every check for `server_name` (default:
/// the scenario's own) with `ex`.
pub async fn check(
    scenario: &Scenario,
    server_name: Option<&str>,
    ex: Expectations,
    timeout: Duration,
) -> Outcome {
    let sim = Sim::start(scenario)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
    let mut opts = sim.net_options();
    opts.timeout = timeout;
    let net = Net::new(opts).expect("network layer sets up");
    let name = server_name.unwrap_or(&scenario.server_name);
    let request = CheckRequest {
        server_name: ServerName::parse(name).expect("valid server name"),
        expectations: ex,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let observations = run(net, request, 42, tx).await;
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    let mut state = ReportState::new(name);
    for e in &events {
        state.apply(e.clone());
    }
    Outcome {
        report: state.report,
        events,
        observations,
        sim,
    }
}

/// A built-in scenario, checked with its own server name and no intent.
pub async fn builtin(name: &str) -> Outcome {
    let scenario = Scenario::builtin(name).expect("built-in scenario");
    check(&scenario, None, Expectations::none(), timeout_for(name)).await
}

pub fn results(report: &Report, id: CheckId) -> Vec<&CheckResult> {
    report.checks.iter().filter(|c| c.id == id).collect()
}

/// The single (non-per-address) result of a check.
pub fn one(report: &Report, id: CheckId) -> &CheckResult {
    let found = results(report, id);
    assert_eq!(found.len(), 1, "{}: {found:#?}", id.as_str());
    found[0]
}

pub fn statuses(report: &Report, id: CheckId) -> Vec<Status> {
    results(report, id).iter().map(|c| c.status).collect()
}

/// All evidence and summaries of a result as one text, for searching.
pub fn text_of(r: &CheckResult) -> String {
    let mut t = format!("{}\n", r.summary);
    for e in &r.evidence {
        t.push_str(&format!("{} → {}\n", e.asked, e.got));
    }
    if let Some(remedy) = &r.remedy {
        t.push_str(remedy);
    }
    t
}
