//! The two forms: names, and deployment. Text editing is tui-input's; the
//! form decides focus, choices and when to move on.

use crossterm::event::{Event, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use crate::domain::{Deployment, Proxy};
use crate::tui::keys::{DeployAction, NamesAction};
use crate::tui::state::deployment::SUPPORT_ROLES;
use crate::tui::state::names::NAME_FIELDS;
use crate::tui::state::{DeployRow, State, Step, cycle};

use super::{Handled, done, flow};

pub(super) fn on_names(state: &mut State, action: NamesAction, key: KeyEvent) -> Handled {
    let last = NAME_FIELDS.len() - 1;
    match action {
        NamesAction::Advance => return Some(flow::advance(state, Step::Names)),
        NamesAction::Back => return Some(flow::back(state)),
        NamesAction::NextField => state.names.focus = (state.names.focus + 1).min(last),
        NamesAction::PreviousField => state.names.focus = state.names.focus.saturating_sub(1),
        NamesAction::Edit => {
            let i = state.names.focus.min(last);
            return edit(&mut state.names.inputs[i], key);
        }
    }
    done()
}

pub(super) fn on_deploy(state: &mut State, action: DeployAction, key: KeyEvent) -> Handled {
    let last = DeployRow::COUNT - 1;
    let form = &mut state.deploy;
    match (action, form.row()) {
        (DeployAction::Advance, _) => return Some(flow::advance(state, Step::Deployment)),
        (DeployAction::Back, _) => return Some(flow::back(state)),
        (DeployAction::NextField, _) => form.focus = (form.focus + 1).min(last),
        (DeployAction::PreviousField, _) => form.focus = form.focus.saturating_sub(1),
        (DeployAction::ChoicePrevious | DeployAction::ChoiceNext, row) => {
            let forward = action == DeployAction::ChoiceNext;
            match row {
                DeployRow::Deployment => {
                    form.deployment = cycle(Deployment::ALL, form.deployment, forward);
                }
                DeployRow::Proxy => form.proxy = cycle(Proxy::ALL, form.proxy, forward),
                DeployRow::Role(i) => {
                    let now = form.inputs[i].value().trim().to_string();
                    let now = SUPPORT_ROLES
                        .iter()
                        .copied()
                        .find(|r| *r == now)
                        .unwrap_or("");
                    let next = cycle(&SUPPORT_ROLES, now, forward);
                    form.inputs[i] = tui_input::Input::new(next.to_string());
                }
                // The text rows' table binds no choice keys.
                DeployRow::Text(_) => return None,
            }
        }
        (DeployAction::Edit, DeployRow::Text(i)) => return edit(&mut form.inputs[i], key),
        // The choice rows' table binds no editing keys.
        (DeployAction::Edit, DeployRow::Deployment | DeployRow::Proxy | DeployRow::Role(_)) => {
            return None;
        }
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
