//! The welcome screen: three paths.

use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::validate::check_server_name;
use crate::tui::data::Expected;
use crate::tui::state::{Path, Prompt, PromptKind, State, Step};

use super::{Handled, done, flow};

pub fn on_key(state: &mut State, key: KeyEvent) -> Handled {
    let n = Path::ALL.len();
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => {
            state.welcome_choice = (state.welcome_choice + n - 1) % n
        }
        KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
            state.welcome_choice = (state.welcome_choice + 1) % n;
        }
        KeyCode::Char(c @ '1'..='3') => {
            state.welcome_choice = usize::from(c as u8 - b'1');
            return Some(choose(state));
        }
        KeyCode::Enter => return Some(choose(state)),
        _ => return None,
    }
    done()
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
