//! The wizard's real services against the simulated internet: every demo
//! deployment, started the way `demo` starts it, checked with the plan of
//! the answers the picker pre-fills. Healthy ones pass everywhere; broken
//! ones fail exactly where their scenario's `[expect]` says.

use std::collections::BTreeSet;

use crate::support::tui::{key, screen};
use crossterm::event::KeyCode;
use tokio::sync::mpsc::unbounded_channel;

use matrix_delegate::check::model::{CheckEvent, Status};
use matrix_delegate::domain::ServerName;
use matrix_delegate::report::fold::ReportState;
use matrix_delegate::sim::Scenario;
use matrix_delegate::tui::data::{CheckRequest, Expected};
use matrix_delegate::tui::demo::DEMOS;
use matrix_delegate::tui::msg::Msg;
use matrix_delegate::tui::services::{BuiltinServices, CheckSink, Services};
use matrix_delegate::tui::state::{RunPhase, State, Step};
use matrix_delegate::tui::{Cmd, update};

/// Runs the checks for `request` through `services`; the folded report.
async fn run_checks(
    services: &BuiltinServices,
    request: CheckRequest,
) -> matrix_delegate::report::Report {
    let (tx, mut rx) = unbounded_channel();
    let run = request.run;
    let mut fold = ReportState::new(request.server_name.as_str());
    let handle = services
        .start_checks(request, CheckSink::new(tx))
        .expect("the run starts");
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Check { event, .. } => {
                assert_eq!(event.run(), run, "every event carries the run id");
                let done = matches!(event, CheckEvent::Done { .. });
                fold.apply(event);
                if done {
                    break;
                }
            }
            Msg::ChecksFailed { reason, .. } => panic!("the run could not start: {reason}"),
            other => panic!("unexpected message {other:?}"),
        }
    }
    drop(handle);
    fold.report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_deployment_checks_as_its_scenario_says() {
    let services = BuiltinServices::demo(Vec::new());
    for (i, demo) in DEMOS.iter().enumerate() {
        let token = i as u64 + 1;
        services
            .start_demo(token, demo.scenario.to_string())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", demo.scenario));
        let plan = matrix_delegate::domain::plan(&demo.answers()).expect("valid answers");
        let request = CheckRequest {
            run: token,
            server_name: plan.server_name.clone(),
            expected: Expected::Plan(Box::new(plan)),
        };
        let report = run_checks(&services, request).await;
        let failing: BTreeSet<&str> = report
            .checks
            .iter()
            .filter(|c| c.status.is_failure())
            .map(|c| c.id.as_str())
            .collect();
        let expect = Scenario::builtin(demo.scenario)
            .expect("built-in")
            .expect
            .expect("[expect]");
        let want: BTreeSet<&str> = expect.fail.iter().map(String::as_str).collect();
        let statuses: Vec<String> = report
            .checks
            .iter()
            .map(|c| format!("{} {:?} {}", c.id.as_str(), c.status, c.summary))
            .collect();
        // The intent may add failures (a plan that says :443 where the
        // file lacks the port), never hide one.
        assert!(
            failing.is_superset(&want),
            "{}: failing checks with the plan's intent {failing:?}, the scenario says {want:?}\n{}",
            demo.scenario,
            statuses.join("\n")
        );
        assert_eq!(demo.healthy, failing.is_empty(), "{}", demo.scenario);
        if demo.healthy {
            assert!(report.ok && report.federation.ok, "{}", demo.scenario);
            // The pre-filled answers match what the deployment serves: with
            // them as the intent nothing is worse than with no intent at all
            // (the remaining warnings are advice, e.g. no Cache-Control).
            let request = CheckRequest {
                run: token + 100,
                server_name: report_name(&report),
                expected: Expected::Nothing,
            };
            let plain = run_checks(&services, request).await;
            let statuses = |r: &matrix_delegate::report::Report| -> Vec<(String, Status)> {
                r.checks
                    .iter()
                    .map(|c| (format!("{} {:?}", c.id.as_str(), c.target), c.status))
                    .collect()
            };
            assert_eq!(statuses(&report), statuses(&plain), "{}", demo.scenario);
        }
    }
}

fn report_name(report: &matrix_delegate::report::Report) -> ServerName {
    ServerName::parse(&report.server_name).expect("valid")
}

#[tokio::test]
async fn checks_before_any_pick_say_why_they_cannot_run() {
    let services = BuiltinServices::demo(Vec::new());
    let (tx, mut rx) = unbounded_channel();
    let request = CheckRequest {
        run: 3,
        server_name: ServerName::parse("example.com").expect("valid"),
        expected: Expected::Nothing,
    };
    let _handle = services
        .start_checks(request, CheckSink::new(tx))
        .expect("spawned");
    match rx.recv().await {
        Some(Msg::ChecksFailed { run, reason }) => {
            assert_eq!(run, 3);
            assert!(reason.contains("pick one"), "{reason}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_scenario_is_refused_with_the_known_names() {
    let services = BuiltinServices::demo(Vec::new());
    let err = services
        .start_demo(1, "no-such-deployment".into())
        .await
        .expect_err("unknown")
        .to_string();
    assert!(
        err.contains("no-such-deployment") && err.contains("healthy-well-known"),
        "{err}"
    );
}

#[tokio::test]
async fn outside_demo_there_is_no_simulated_internet_to_start() {
    let services = BuiltinServices::system(Vec::new());
    let err = services
        .start_demo(1, "healthy-well-known".into())
        .await
        .expect_err("not a demo")
        .to_string();
    assert!(err.contains("not a demo"), "{err}");
}

/// The runtime's part, by hand: executes the demo's commands with the real
/// services and feeds their answers to `update` until no run is going.
async fn drive(state: &mut State, services: &BuiltinServices, mut cmds: Vec<Cmd>) {
    let (tx, mut rx) = unbounded_channel();
    let mut runs = Vec::new();
    loop {
        for cmd in std::mem::take(&mut cmds) {
            match cmd {
                Cmd::StartDemo { token, scenario } => {
                    let result = services
                        .start_demo(token, scenario)
                        .await
                        .map_err(|e| e.to_string());
                    cmds.extend(update(state, Msg::DemoStarted { token, result }));
                }
                Cmd::StartChecks(request) => runs.push(
                    services
                        .start_checks(request, CheckSink::new(tx.clone()))
                        .expect("a run starts"),
                ),
                Cmd::CancelChecks { .. } => {}
                other => panic!("unexpected command {other:?}"),
            }
        }
        if !cmds.is_empty() {
            continue;
        }
        if state.checks.phase != RunPhase::Running {
            return;
        }
        let msg = rx.recv().await.expect("the run reports");
        cmds = update(state, msg);
    }
}

#[tokio::test]
async fn the_checks_screen_fills_in_from_a_real_run_of_a_broken_deployment() {
    let services = BuiltinServices::demo(Vec::new());
    let mut state = State::demo(false);
    for _ in 0..DEMOS
        .iter()
        .position(|d| d.scenario == "client-without-cors")
        .expect("offered")
    {
        update(&mut state, key(KeyCode::Down));
    }
    let cmds = update(&mut state, key(KeyCode::Char('c')));
    drive(&mut state, &services, cmds).await;
    assert_eq!(
        (state.step, state.checks.phase),
        (Step::Checks, RunPhase::Done)
    );
    let shown = screen(&state, 80, 24);
    // The failure is the focused row, its evidence below.
    assert!(shown.contains("✘ FAIL  cors"), "{shown}");
    assert!(shown.contains("✘ FAIL client.cors"), "{shown}");
    assert!(shown.contains("no Access-Control-Allow-Origin"), "{shown}");
    // Expanded: the remedy.
    update(&mut state, key(KeyCode::Enter));
    let mut all = String::new();
    for _ in 0..10 {
        all.push_str(&screen(&state, 80, 24));
        update(&mut state, key(KeyCode::PageDown));
    }
    assert!(all.contains("Remedy:"), "{all}");
    assert!(all.contains("Access-Control-Allow-Origin: *"), "{all}");
}

#[tokio::test]
async fn the_checks_screen_of_a_healthy_deployment_has_no_failure() {
    let services = BuiltinServices::demo(Vec::new());
    let (mut state, cmds) =
        matrix_delegate::tui::update::demo_picked("healthy-well-known", false).expect("offered");
    drive(&mut state, &services, cmds).await;
    assert_eq!(
        (state.step, state.checks.phase),
        (Step::Checks, RunPhase::Done)
    );
    assert_eq!(
        state.checks.count(Status::Fail) + state.checks.count(Status::Error),
        0
    );
    assert!(state.checks.count(Status::Pass) >= 12);
    let shown = screen(&state, 140, 40);
    assert!(!shown.contains("FAIL"), "{shown}");
    for panel in [
        "DNS",
        "Server discovery",
        "Client discovery — verdict OK",
        "Support",
    ] {
        assert!(shown.contains(panel), "{panel}: {shown}");
    }
    // A re-run (r) goes to the same simulated deployment.
    let cmds = update(&mut state, key(KeyCode::Char('r')));
    drive(&mut state, &services, cmds).await;
    assert_eq!((state.checks.run, state.checks.phase), (2, RunPhase::Done));
    assert_eq!(
        state.checks.changed_count(),
        0,
        "nothing changed between runs"
    );
}
