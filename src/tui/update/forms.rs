//! The two forms: names, and deployment. Text editing is tui-input's; the
//! form decides focus, choices and when to move on.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use crate::domain::{Deployment, Proxy};
use crate::tui::state::names::NAME_FIELDS;
use crate::tui::state::{DeployRow, State, Step, cycle};

use super::{Handled, done, flow};

pub fn names_key(state: &mut State, key: KeyEvent) -> Handled {
    let last = NAME_FIELDS.len() - 1;
    match key.code {
        KeyCode::Enter => return Some(flow::advance(state, Step::Names)),
        KeyCode::Esc => return Some(flow::back(state)),
        KeyCode::Tab | KeyCode::Down => state.names.focus = (state.names.focus + 1).min(last),
        KeyCode::BackTab | KeyCode::Up => state.names.focus = state.names.focus.saturating_sub(1),
        _ => {
            let i = state.names.focus.min(last);
            return edit(&mut state.names.inputs[i], key);
        }
    }
    done()
}

pub fn deploy_key(state: &mut State, key: KeyEvent) -> Handled {
    let last = DeployRow::COUNT - 1;
    let form = &mut state.deploy;
    match (key.code, form.row()) {
        (KeyCode::Enter, _) => return Some(flow::advance(state, Step::Deployment)),
        (KeyCode::Esc, _) => return Some(flow::back(state)),
        (KeyCode::Tab | KeyCode::Down, _) => form.focus = (form.focus + 1).min(last),
        (KeyCode::BackTab | KeyCode::Up, _) => form.focus = form.focus.saturating_sub(1),
        (KeyCode::Left | KeyCode::Right | KeyCode::Char(' '), DeployRow::Deployment) => {
            let forward = key.code != KeyCode::Left;
            form.deployment = cycle(Deployment::ALL, form.deployment, forward);
        }
        (KeyCode::Left | KeyCode::Right | KeyCode::Char(' '), DeployRow::Proxy) => {
            let forward = key.code != KeyCode::Left;
            form.proxy = cycle(Proxy::ALL, form.proxy, forward);
        }
        (_, DeployRow::Text(i)) => return edit(&mut form.inputs[i], key),
        _ => return None,
    }
    done()
}

/// Passes a key to a text field; `None` when it did nothing there.
fn edit(input: &mut Input, key: KeyEvent) -> Handled {
    // Alt/Ctrl chords other than tui-input's own editing keys are not text.
    let chord = key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    let request = to_input_request(&Event::Key(key))?;
    if chord && matches!(request, tui_input::InputRequest::InsertChar(_)) {
        return None;
    }
    input.handle(request).map(|_| Vec::new())
}
