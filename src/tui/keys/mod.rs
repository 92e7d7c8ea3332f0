//! Every key of every screen, in one table per screen and overlay: each row
//! is what the key bar (the first few) and the help overlay (`?` / F1, all
//! of them) show, with the keys it binds to [`Action`]s. Update takes the
//! action from here and never looks at a key itself (only a text field gets
//! the raw key, to edit with), so what help says is what the keys do.

mod action;
mod tables;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{DeployRow, Mode, Overlay, State, Step};

pub use action::{
    Action, ChecksAction, ConfirmAction, DemoAction, DeployAction, NamesAction, PromptAction,
    ReviewAction, SelfCheckAction, StrategyAction, WelcomeAction,
};
pub use tables::GLOBAL;

/// A key as a table binds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// This key code, whatever the modifiers (Ctrl-R re-runs like `r`).
    Code(KeyCode),
    /// Ctrl and this character.
    Ctrl(char),
    /// Any key no other binding of the table takes (a text field's typing,
    /// "any key closes this help").
    Any,
}

impl Key {
    fn matches(self, key: &KeyEvent) -> bool {
        match self {
            Key::Code(code) => key.code == code,
            Key::Ctrl(c) => {
                key.code == KeyCode::Char(c) && key.modifiers.contains(KeyModifiers::CONTROL)
            }
            Key::Any => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub key: Key,
    pub action: Action,
}

/// One row of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRow {
    /// The keys as shown (`↑↓`, `Enter Esc`).
    pub keys: &'static str,
    /// What they do, as shown.
    pub does: &'static str,
    /// Shown in the key bar (the rest only in the help overlay).
    pub bar: bool,
    /// The keys this row binds, shown or not (`k` / `j` with the arrows).
    pub bindings: &'static [Binding],
}

/// What has the keyboard: a screen, or an overlay on top of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Demo,
    Welcome,
    Names,
    Strategy,
    /// The deployment form, a choice row focused.
    DeployChoice,
    /// The deployment form, a text row focused.
    DeployText,
    Review,
    Checks,
    /// The checks screen alone (`check <name> --tui`).
    ChecksOnly,
    Help,
    Prompt,
    Confirm,
    /// The self-check dialog after writing the config file.
    SelfCheck,
}

impl Context {
    pub const ALL: [Context; 13] = [
        Context::Demo,
        Context::Welcome,
        Context::Names,
        Context::Strategy,
        Context::DeployChoice,
        Context::DeployText,
        Context::Review,
        Context::Checks,
        Context::ChecksOnly,
        Context::Help,
        Context::Prompt,
        Context::Confirm,
        Context::SelfCheck,
    ];

    /// The table of this context.
    pub fn rows(self) -> &'static [KeyRow] {
        match self {
            Context::Demo => tables::DEMO,
            Context::Welcome => tables::WELCOME,
            Context::Names => tables::NAMES,
            Context::Strategy => tables::STRATEGY,
            Context::DeployChoice => tables::DEPLOY_CHOICE,
            Context::DeployText => tables::DEPLOY_TEXT,
            Context::Review => tables::REVIEW,
            Context::Checks => tables::CHECKS,
            Context::ChecksOnly => tables::CHECKS_ONLY,
            Context::Help => tables::HELP,
            Context::Prompt => tables::PROMPT,
            Context::Confirm => tables::CONFIRM,
            Context::SelfCheck => tables::SELF_CHECK,
        }
    }

    /// The action `key` asks for here: a binding of the key itself first,
    /// then the table's catch-all ([`Key::Any`]), if any.
    fn action(self, key: &KeyEvent) -> Option<Action> {
        let bindings = || self.rows().iter().flat_map(|r| r.bindings);
        bindings()
            .find(|b| b.key != Key::Any && b.key.matches(key))
            .or_else(|| bindings().find(|b| b.key == Key::Any))
            .map(|b| b.action)
    }
}

/// What has the keyboard now.
pub fn context(state: &State) -> Context {
    match &state.overlay {
        Some(Overlay::Help) => Context::Help,
        Some(Overlay::Prompt(_)) => Context::Prompt,
        Some(Overlay::ConfirmWrite { .. }) => Context::Confirm,
        Some(Overlay::SelfCheck(_)) => Context::SelfCheck,
        None => screen_context(state),
    }
}

/// The current screen, without overlays.
fn screen_context(state: &State) -> Context {
    if state.mode == Mode::CheckOnly {
        return Context::ChecksOnly;
    }
    match state.step {
        Step::Demo => Context::Demo,
        Step::Welcome => Context::Welcome,
        Step::Names => Context::Names,
        Step::Strategy => Context::Strategy,
        Step::Deployment => match state.deploy.row() {
            DeployRow::Text(_) => Context::DeployText,
            DeployRow::Deployment | DeployRow::Proxy | DeployRow::Role(_) => Context::DeployChoice,
        },
        Step::Review => Context::Review,
        Step::Checks => Context::Checks,
    }
}

/// The action `key` asks for in `state`: Ctrl-C ([`GLOBAL`]) before
/// anything, then the table of what has the keyboard. `None`: the key does
/// nothing here.
pub fn action(state: &State, key: &KeyEvent) -> Option<Action> {
    GLOBAL
        .iter()
        .flat_map(|r| r.bindings)
        .find(|b| b.key.matches(key))
        .map(|b| b.action)
        .or_else(|| context(state).action(key))
}

/// The keys of what has the keyboard now (the key bar).
pub fn current(state: &State) -> &'static [KeyRow] {
    context(state).rows()
}

/// What the key bar says for `row` now, or `None` to leave it out: the
/// bar follows the mode (Esc collapses expanded details, goes back to the
/// review, the picker or the start; `w` is not offered where nothing can be
/// written; `p` only in `demo`).
pub fn bar_label(state: &State, row: &KeyRow) -> Option<&'static str> {
    if !row.bar {
        return None;
    }
    let Some(first) = row.bindings.first() else {
        return Some(row.does);
    };
    let expanded = state.checks.expanded;
    match first.action {
        Action::Checks(ChecksAction::Back) if expanded => Some("collapse"),
        Action::Checks(ChecksAction::Back) => Some(if state.review.plan.is_some() {
            "review"
        } else if state.demo.is_some() {
            "picker"
        } else {
            "start"
        }),
        Action::Checks(ChecksAction::ToggleDetails) if expanded => Some("collapse"),
        Action::Checks(ChecksAction::Picker) => state.demo.is_some().then_some("picker"),
        Action::Review(ReviewAction::WriteConfig) => {
            let docker = state
                .review
                .plan
                .as_ref()
                .is_some_and(|p| p.deployment == crate::domain::Deployment::Docker);
            (!docker).then_some(row.does)
        }
        _ => Some(row.does),
    }
}

/// Whether `row` means anything in this mode (help leaves the others out).
pub fn applies(state: &State, row: &KeyRow) -> bool {
    match row.bindings.first().map(|b| b.action) {
        Some(Action::Checks(ChecksAction::Picker)) => state.demo.is_some(),
        _ => true,
    }
}

/// The keys of the current screen, without overlays (what help lists).
pub fn screen(state: &State) -> &'static [KeyRow] {
    screen_context(state).rows()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Key events for every key a table names, plain and with each modifier.
    fn sample_events() -> Vec<KeyEvent> {
        let mut codes: Vec<KeyCode> = Context::ALL
            .iter()
            .flat_map(|c| c.rows())
            .chain(GLOBAL)
            .flat_map(|r| r.bindings)
            .filter_map(|b| match b.key {
                Key::Code(code) => Some(code),
                Key::Ctrl(c) => Some(KeyCode::Char(c)),
                Key::Any => None,
            })
            .collect();
        codes.push(KeyCode::Char('x'));
        let modifiers = [
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
        ];
        codes
            .iter()
            .flat_map(|code| modifiers.map(|m| KeyEvent::new(*code, m)))
            .collect()
    }

    #[test]
    fn no_key_means_two_things_on_one_screen() {
        for context in Context::ALL {
            for key in sample_events() {
                if GLOBAL
                    .iter()
                    .flat_map(|r| r.bindings)
                    .any(|b| b.key.matches(&key))
                {
                    continue; // taken before any screen
                }
                let actions: HashSet<Action> = context
                    .rows()
                    .iter()
                    .flat_map(|r| r.bindings)
                    .filter(|b| b.key != Key::Any && b.key.matches(&key))
                    .map(|b| b.action)
                    .collect();
                assert!(actions.len() <= 1, "{context:?} {key:?}: {actions:?}");
            }
            let any = context
                .rows()
                .iter()
                .flat_map(|r| r.bindings)
                .filter(|b| b.key == Key::Any)
                .count();
            assert!(any <= 1, "{context:?}: {any} catch-alls");
        }
    }

    /// Update dispatches on the kind of action, not on the screen: a table
    /// may only hold the actions of its own screen (and quit / help).
    #[test]
    fn every_table_holds_its_own_screens_actions() {
        for context in Context::ALL {
            for binding in context.rows().iter().flat_map(|r| r.bindings) {
                let fits = match (context, binding.action) {
                    (Context::Help, a) => a == Action::CloseHelp,
                    (Context::Prompt, a) => matches!(a, Action::Prompt(_)),
                    (Context::Confirm, a) => matches!(a, Action::Confirm(_)),
                    (Context::SelfCheck, a) => matches!(a, Action::SelfCheck(_)),
                    (_, Action::Quit | Action::Interrupt | Action::Help) => true,
                    (Context::Demo, a) => matches!(a, Action::Demo(_)),
                    (Context::Welcome, a) => matches!(a, Action::Welcome(_)),
                    (Context::Names, a) => matches!(a, Action::Names(_)),
                    (Context::Strategy, a) => matches!(a, Action::Strategy(_)),
                    (Context::DeployChoice | Context::DeployText, a) => {
                        matches!(a, Action::Deploy(_))
                    }
                    (Context::Review, a) => matches!(a, Action::Review(_)),
                    (Context::Checks | Context::ChecksOnly, a) => matches!(a, Action::Checks(_)),
                };
                assert!(fits, "{context:?}: {binding:?}");
            }
        }
    }

    /// The other direction of "help says what the keys do": update handles
    /// every [`Action`] (an exhaustive match), so each one must be bound on
    /// some screen, and each bound one must be in [`Action::all`].
    #[test]
    fn every_action_is_bound_and_every_bound_action_is_known() {
        let bound: HashSet<Action> = Context::ALL
            .iter()
            .flat_map(|c| c.rows())
            .chain(GLOBAL)
            .flat_map(|r| r.bindings)
            .map(|b| b.action)
            .collect();
        let all: HashSet<Action> = Action::all().into_iter().collect();
        assert_eq!(all.len(), Action::all().len(), "listed twice");
        let unbound: Vec<_> = all.difference(&bound).collect();
        assert!(unbound.is_empty(), "no key for {unbound:?}");
        let unknown: Vec<_> = bound.difference(&all).collect();
        assert!(unknown.is_empty(), "not in Action::all: {unknown:?}");
    }

    #[test]
    fn both_deployment_tables_show_the_same_help() {
        let shown = |rows: &[KeyRow]| -> Vec<(&str, &str, bool)> {
            rows.iter().map(|r| (r.keys, r.does, r.bar)).collect()
        };
        assert_eq!(
            shown(Context::DeployChoice.rows()),
            shown(Context::DeployText.rows())
        );
    }

    #[test]
    fn ctrl_c_quits_from_anywhere_and_chords_take_the_keys_action() {
        let state = State::wizard(crate::tui::data::ConfigStatus::NotFound, false);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action(&state, &ctrl_c), Some(Action::Interrupt));
        let ctrl_j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL);
        assert_eq!(
            action(&state, &ctrl_j),
            Some(Action::Welcome(WelcomeAction::Next))
        );
    }
}
