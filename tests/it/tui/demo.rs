//! `demo`'s picker, pure: navigation, a pick becomes a command, the
//! runtime's answer fills in the answers and continues (walk through or
//! straight to the checks), stale and failed starts; and the picker's
//! rendered screen at 80×24 and 140×40 (read, not just accepted).

use crossterm::event::KeyCode;
use insta::assert_snapshot;

use matrix_delegate::domain::{Field, Strategy};
use matrix_delegate::tui::data::Expected;
use matrix_delegate::tui::demo::DEMOS;
use matrix_delegate::tui::state::{Overlay, RunPhase, State, Step, Then};
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::support::tui::*;

fn index_of(scenario: &str) -> usize {
    DEMOS
        .iter()
        .position(|d| d.scenario == scenario)
        .expect("in the list")
}

/// Moves the picker to `scenario` with ↓ from the top.
fn choose(state: &mut State, scenario: &str) {
    for _ in 0..index_of(scenario) {
        let cmds = press(state, KeyCode::Down);
        assert!(cmds.is_empty());
    }
    assert_eq!(
        state.demo.as_ref().expect("demo").choice,
        index_of(scenario)
    );
}

/// The one StartDemo command in `cmds`: (token, scenario).
fn start_of(cmds: &[Cmd]) -> (u64, String) {
    match cmds {
        [Cmd::StartDemo { token, scenario }] => (*token, scenario.clone()),
        other => panic!("expected one StartDemo, got {other:?}"),
    }
}

fn started(state: &mut State, token: u64) -> Vec<Cmd> {
    update(
        state,
        Msg::DemoStarted {
            token,
            result: Ok(()),
        },
    )
}

#[test]
fn the_picker_moves_and_stops_at_both_ends() {
    let mut s = State::demo(false);
    assert_eq!(s.step, Step::Demo);
    s.dirty = false;
    assert!(press(&mut s, KeyCode::Up).is_empty());
    assert!(
        !s.dirty,
        "↑ at the top changes nothing, so nothing is redrawn"
    );
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Char('j'));
    assert_eq!(s.demo.as_ref().expect("demo").choice, 2);
    press(&mut s, KeyCode::Char('k'));
    assert_eq!(s.demo.as_ref().expect("demo").choice, 1);
    press(&mut s, KeyCode::End);
    assert_eq!(s.demo.as_ref().expect("demo").choice, DEMOS.len() - 1);
    s.dirty = false;
    press(&mut s, KeyCode::Down);
    assert!(!s.dirty);
    press(&mut s, KeyCode::Home);
    assert_eq!(s.demo.as_ref().expect("demo").choice, 0);
}

#[test]
fn enter_starts_the_simulation_then_walks_through_the_wizard_with_the_answers() {
    let mut s = State::demo(false);
    choose(&mut s, "healthy-srv-well-known");
    let (token, scenario) = start_of(&press(&mut s, KeyCode::Enter));
    assert_eq!(scenario, "healthy-srv-well-known");
    assert_eq!(s.step, Step::Demo, "waits for the simulation");
    let status = s.status.as_ref().expect("says what is happening");
    assert!(status.text.contains("Starting"), "{status:?}");
    assert!(started(&mut s, token).is_empty());
    assert_eq!(s.step, Step::Names);
    assert_eq!(s.names.value(Field::ServerName), "example.com");
    assert_eq!(s.names.value(Field::Host), "matrix.example.com");
    assert_eq!(s.names.value(Field::Port), "8443");
    assert_eq!(s.strategy(), Strategy::SrvWellKnown);
    assert_eq!(
        s.answers(),
        DEMOS[index_of("healthy-srv-well-known")].answers()
    );
    // Enter through every step reaches the review, then the checks.
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Strategy);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Deployment);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Review);
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Checks);
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::StartChecks(r)
            if matches!(&r.expected, Expected::Plan(p) if p.strategy == Strategy::SrvWellKnown))),
        "{cmds:?}"
    );
}

#[test]
fn c_jumps_to_the_checks_with_the_plan_and_esc_walks_back_to_the_picker() {
    let mut s = State::demo(false);
    choose(&mut s, "client-without-cors");
    let (token, scenario) = start_of(&press(&mut s, KeyCode::Char('c')));
    assert_eq!(scenario, "client-without-cors");
    assert_eq!(
        s.demo.as_ref().and_then(|d| d.starting).map(|p| p.then),
        Some(Then::Checks)
    );
    let cmds = started(&mut s, token);
    assert_eq!((s.step, s.checks.phase), (Step::Checks, RunPhase::Running));
    let request = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::StartChecks(r) => Some(r),
            _ => None,
        })
        .expect("a run starts");
    assert_eq!(request.server_name.as_str(), "example.com");
    let Expected::Plan(plan) = &request.expected else {
        panic!("the plan is the intent: {:?}", request.expected)
    };
    assert_eq!(plan.strategy, Strategy::Static);
    // Esc: the review of what this operator should have deployed, then
    // every step back, then the picker (no welcome screen in the demo).
    let cmds = press(&mut s, KeyCode::Esc);
    assert!(
        matches!(cmds.as_slice(), [Cmd::CancelChecks { .. }]),
        "{cmds:?}"
    );
    assert_eq!(s.step, Step::Review);
    for step in [Step::Deployment, Step::Strategy, Step::Names, Step::Demo] {
        press(&mut s, KeyCode::Esc);
        assert_eq!(s.step, step);
    }
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert_eq!(s.step, Step::Demo, "Esc on the picker stays");
    // Picking the running deployment again goes on at once.
    let cmds = press(&mut s, KeyCode::Char('c'));
    assert_eq!(s.step, Step::Checks);
    assert!(matches!(cmds.as_slice(), [Cmd::StartChecks(_)]), "{cmds:?}");
}

#[test]
fn a_stale_or_failed_start_is_handled() {
    let mut s = State::demo(false);
    let (first, _) = start_of(&press(&mut s, KeyCode::Enter));
    press(&mut s, KeyCode::Down);
    let (second, scenario) = start_of(&press(&mut s, KeyCode::Char('c')));
    assert!(second > first);
    assert_eq!(scenario, DEMOS[1].scenario);
    s.dirty = false;
    assert!(started(&mut s, first).is_empty());
    assert!(!s.dirty, "the older pick's answer is dropped");
    assert_eq!(s.step, Step::Demo);
    let cmds = update(
        &mut s,
        Msg::DemoStarted {
            token: second,
            result: Err("cannot listen on loopback: address in use".into()),
        },
    );
    assert!(cmds.is_empty());
    assert_eq!(s.step, Step::Demo);
    let demo = s.demo.as_ref().expect("demo");
    assert_eq!((demo.running, demo.starting), (None, None));
    assert!(
        s.status
            .as_ref()
            .expect("said")
            .text
            .contains("address in use")
    );
    let shown = screen(&s, 80, 24);
    assert!(
        shown.contains("could not start: cannot listen on loopback"),
        "{shown}"
    );
}

#[test]
fn demo_scenario_starts_that_deployment_for_the_checks() {
    let (mut s, cmds) =
        matrix_delegate::tui::update::demo_picked("srv-only-wrong-cert", false).expect("offered");
    let (token, scenario) = start_of(&cmds);
    assert_eq!(scenario, "srv-only-wrong-cert");
    started(&mut s, token);
    assert_eq!(s.step, Step::Checks);
    assert_eq!(s.strategy(), Strategy::Srv);
    assert!(matrix_delegate::tui::update::demo_picked("not-a-deployment", false).is_none());
}

#[test]
fn help_lists_the_picker_keys_and_q_quits() {
    let mut s = State::demo(false);
    press(&mut s, KeyCode::Char('?'));
    assert!(matches!(s.overlay, Some(Overlay::Help)));
    let shown = screen(&s, 80, 24);
    assert!(
        shown.contains("walk through the wizard") && shown.contains("checks now"),
        "{shown}"
    );
    press(&mut s, KeyCode::Esc);
    assert!(matches!(
        press(&mut s, KeyCode::Char('q')).as_slice(),
        [Cmd::Quit]
    ));
}

#[test]
fn picker_screens() {
    let s = State::demo(false);
    assert_snapshot!("picker_80x24", screen(&s, 80, 24));
    assert_snapshot!("picker_140x40", screen(&s, 140, 40));
    let mut s = State::demo(false);
    choose(&mut s, "srv-only-wrong-cert");
    assert_snapshot!("picker_srv_only_80x24", screen(&s, 80, 24));
}

#[test]
fn p_goes_back_to_the_picker_and_each_deployment_counts_its_runs_from_1() {
    let mut s = State::demo(false);
    choose(&mut s, "client-without-cors");
    let (token, _) = start_of(&press(&mut s, KeyCode::Char('c')));
    started(&mut s, token);
    let run = s.checks.run;
    stream_run(&mut s, run, &sample_results(), std::time::Instant::now());
    press(&mut s, KeyCode::Char('r'));
    let run = s.checks.run;
    stream_run(&mut s, run, &sample_results(), std::time::Instant::now());
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("DEMO: client-without-cors"), "{shown}");
    assert!(shown.contains("run 2 took"), "{shown}");
    assert!(shown.contains("p picker"), "{shown}");
    // One key back to the picker, the run stopped.
    press(&mut s, KeyCode::Char('p'));
    assert_eq!(s.step, Step::Demo);
    // Another deployment: its first run is run 1 again, and events of the
    // previous deployment's runs stay stale (run ids keep rising).
    for _ in 0..2 {
        press(&mut s, KeyCode::Down);
    }
    let before = s.checks.run;
    let (token, scenario) = start_of(&press(&mut s, KeyCode::Char('c')));
    assert_ne!(scenario, "client-without-cors");
    started(&mut s, token);
    assert_eq!(s.checks.run, before + 1);
    let run = s.checks.run;
    stream_run(&mut s, run, &sample_results(), std::time::Instant::now());
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("run 1 took"), "{shown}");
    assert!(shown.contains(&format!("DEMO: {scenario}")), "{shown}");
}
