//! The welcome screen: three paths.

use crate::domain::validate::check_server_name;
use crate::tui::data::Expected;
use crate::tui::keys::WelcomeAction;
use crate::tui::state::{Path, Prompt, PromptKind, State, Step};

use super::{Handled, done, flow};

pub(super) fn on_action(state: &mut State, action: WelcomeAction) -> Handled {
    let n = Path::ALL.len();
    let path = match action {
        WelcomeAction::Previous => {
            state.welcome_choice = (state.welcome_choice + n - 1) % n;
            return done();
        }
        WelcomeAction::Next => {
            state.welcome_choice = (state.welcome_choice + 1) % n;
            return done();
        }
        WelcomeAction::Go => return Some(choose(state)),
        WelcomeAction::PickSetUp => Path::SetUp,
        WelcomeAction::PickCheckExisting => Path::CheckExisting,
        WelcomeAction::PickLearn => Path::Learn,
    };
    state.welcome_choice = Path::ALL.iter().position(|p| *p == path).unwrap_or(0);
    Some(choose(state))
}

fn choose(state: &mut State) -> Vec<crate::tui::Cmd> {
    match Path::ALL[state.welcome_choice.min(Path::ALL.len() - 1)] {
        Path::SetUp => {
            state.learning = false;
            flow::go(state, Step::Names);
            Vec::new()
        }
        Path::Learn => {
            state.learning = true;
            state.lesson_scroll = 0;
            flow::go(state, Step::Strategy);
            Vec::new()
        }
        Path::CheckExisting => check_existing(state),
    }
}

/// Checks the config's server name against its own well-known values, or
/// the typed answers, or asks for a name.
fn check_existing(state: &mut State) -> Vec<crate::tui::Cmd> {
    if let Some(info) = state.config.found()
        && let Some(name) = info.server_name.as_deref()
        && let Ok(name) = check_server_name(name)
    {
        let expected = Expected::WellKnown(info.well_known.clone());
        return flow::open_checks(state, name, expected);
    }
    if let Some(plan) = state.plan() {
        let name = plan.server_name.clone();
        return flow::open_checks(state, name, Expected::Plan(Box::new(plan)));
    }
    let typed = state
        .names
        .value(crate::domain::Field::ServerName)
        .to_string();
    state.overlay = Some(crate::tui::state::Overlay::Prompt(Prompt {
        kind: PromptKind::CheckServerName,
        input: tui_input::Input::new(typed),
        error: None,
    }));
    Vec::new()
}
