//! `demo`: the deployment picker. Picking starts the deployment's simulated
//! internet (a command the runtime executes); once it runs, the answers its
//! operator would have given are filled in and the wizard continues — at
//! the names step (Enter) or straight at the checks (`c`).

use crate::tui::cmd::Cmd;
use crate::tui::data::Expected;
use crate::tui::demo::DEMOS;
use crate::tui::keys::DemoAction;
use crate::tui::state::{Level, Pick, State, Step, Then};

use super::{Handled, done, flow, say};

pub(super) fn on_action(state: &mut State, action: DemoAction) -> Handled {
    let demo = state.demo.as_mut()?;
    let last = DEMOS.len() - 1;
    let next = match action {
        DemoAction::Previous => demo.choice.saturating_sub(1),
        DemoAction::Next => (demo.choice + 1).min(last),
        DemoAction::First => 0,
        DemoAction::Last => last,
        DemoAction::Walk => return Some(pick(state, Then::Walk)),
        DemoAction::ChecksNow => return Some(pick(state, Then::Checks)),
    };
    if next == demo.choice {
        return None;
    }
    demo.choice = next;
    done()
}

/// `demo --scenario NAME`: the picker with `NAME` picked for the checks;
/// the commands start its simulated deployment. `None` when the demo list
/// has no such deployment.
pub fn demo_picked(scenario: &str, no_color: bool) -> Option<(State, Vec<Cmd>)> {
    let index = DEMOS.iter().position(|d| d.scenario == scenario)?;
    let mut state = State::demo(no_color);
    if let Some(demo) = state.demo.as_mut() {
        demo.choice = index;
    }
    let cmds = pick(&mut state, Then::Checks);
    Some((state, cmds))
}

/// Picks the highlighted deployment: starts its simulated internet (or,
/// when it already runs, goes on at once).
pub(super) fn pick(state: &mut State, then: Then) -> Vec<Cmd> {
    let Some(demo) = state.demo.as_mut() else {
        return Vec::new();
    };
    let index = demo.choice.min(DEMOS.len() - 1);
    demo.error = None;
    if demo.running == Some(index) && demo.starting.is_none() {
        return proceed(state, index, then);
    }
    demo.token += 1;
    demo.starting = Some(Pick {
        index,
        then,
        token: demo.token,
    });
    let cmd = Cmd::StartDemo {
        token: demo.token,
        scenario: DEMOS[index].scenario.to_string(),
    };
    say(
        state,
        Level::Info,
        format!(
            "Starting the simulated deployment {} (DNS and HTTPS on loopback)…",
            DEMOS[index].scenario
        ),
    );
    vec![cmd]
}

/// The runtime's answer to [`Cmd::StartDemo`].
pub(super) fn on_started(state: &mut State, token: u64, result: Result<(), String>) -> Handled {
    let demo = state.demo.as_mut()?;
    let pick = demo.starting.filter(|p| p.token == token)?;
    demo.starting = None;
    match result {
        Ok(()) => {
            demo.running = Some(pick.index);
            // Another deployment: "what changed since the last run" and the
            // picked row mean nothing any more.
            state.checks.last_complete = None;
            state.checks.baseline = None;
            state.checks.selected = None;
            // Its runs count from 1 (run ids go on rising: a late event of
            // the previous deployment's run stays stale).
            state.checks.run_base = state.checks.run;
            state.review = Default::default();
            state.set_answers(&DEMOS[pick.index].answers());
            Some(proceed(state, pick.index, pick.then))
        }
        Err(reason) => {
            demo.error = Some(reason.clone());
            say(state, Level::Error, format!("Could not start: {reason}"));
            done()
        }
    }
}

fn proceed(state: &mut State, index: usize, then: Then) -> Vec<Cmd> {
    state.status = None;
    match then {
        Then::Walk => {
            flow::go(state, Step::Names);
            say(
                state,
                Level::Info,
                format!(
                    "{}: the answers are filled in; Enter walks on to the checks.",
                    DEMOS[index].title
                ),
            );
            Vec::new()
        }
        Then::Checks => {
            let mut cmds = flow::enter_review(state);
            let Some(plan) = state.review.plan.clone() else {
                // Answers refused (cannot happen for the built-in list):
                // enter_review shows the step and the reason.
                return cmds;
            };
            let name = plan.server_name.clone();
            cmds.extend(flow::open_checks(
                state,
                name,
                Expected::Plan(Box::new(plan)),
            ));
            cmds
        }
    }
}
