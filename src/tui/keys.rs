//! Every key of every screen, in one table: the key bar shows the first few,
//! the help overlay (`?` / F1) shows them all. Update handles exactly these.

use super::state::{Mode, Overlay, State, Step};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: &'static str,
    pub action: &'static str,
    /// Shown in the key bar (the rest only in the help overlay).
    pub bar: bool,
}

const fn k(keys: &'static str, action: &'static str, bar: bool) -> KeyHelp {
    KeyHelp { keys, action, bar }
}

const DEMO: &[KeyHelp] = &[
    k("↑↓", "choose", true),
    k("Enter", "walk through the wizard", true),
    k("c", "checks now", true),
    k("Home End", "first / last", false),
    k("?", "help", true),
    k("q", "quit", true),
];

const WELCOME: &[KeyHelp] = &[
    k("↑↓", "choose", true),
    k("Enter", "go", true),
    k("1 2 3", "pick a path directly", false),
    k("?", "help", true),
    k("q", "quit", true),
];

const NAMES: &[KeyHelp] = &[
    k("Tab ↓", "next field", true),
    k("Shift-Tab ↑", "previous field", false),
    k("Enter", "next step", true),
    k("Esc", "back", true),
    k("← → Home End", "move in the field", false),
    k("Ctrl-U", "clear the field", false),
    k("F1", "help", true),
    k("Ctrl-C", "quit", true),
];

const STRATEGY: &[KeyHelp] = &[
    k("↑↓", "choose", true),
    k("Enter", "next", true),
    k("Esc", "back", true),
    k("PgUp PgDn", "scroll the explanation", true),
    k("Space", "scroll down", false),
    k("?", "help", true),
    k("q", "quit", false),
];

const DEPLOYMENT: &[KeyHelp] = &[
    k("Tab ↓", "next field", true),
    k("Shift-Tab ↑", "previous field", false),
    k("← →", "change a choice", true),
    k("Enter", "review", true),
    k("Esc", "back", true),
    k("Ctrl-U", "clear a text field", false),
    k("F1", "help", true),
    k("Ctrl-C", "quit", false),
];

const REVIEW: &[KeyHelp] = &[
    k("← → Tab", "tabs", true),
    k("↑↓ PgUp PgDn", "scroll", false),
    k("w", "write config", true),
    k("s", "save all", true),
    k("c", "copy tab", true),
    k("Enter", "checks", true),
    k("1 2 3", "edit names / strategy / deployment", false),
    k("Esc", "back", false),
    k("?", "help", true),
    k("q", "quit", false),
];

const CHECKS: &[KeyHelp] = &[
    k("↑↓", "select", true),
    k("Enter", "expand", false),
    k("r", "re-run", true),
    k("w", "watch", true),
    k("+ -", "watch interval", false),
    k("e", "export", true),
    k("PgUp PgDn", "scroll details", false),
    k("Esc", "back to review", true),
    k("?", "help", true),
    k("q", "quit", true),
];

const CHECKS_ONLY: &[KeyHelp] = &[
    k("↑↓", "select", true),
    k("Enter Esc", "expand / collapse", false),
    k("r", "re-run", true),
    k("w", "watch", true),
    k("+ -", "watch interval", false),
    k("e", "export", true),
    k("PgUp PgDn", "scroll details", false),
    k("?", "help", true),
    k("q", "quit", true),
];

const PROMPT: &[KeyHelp] = &[k("Enter", "confirm", true), k("Esc", "cancel", true)];

const CONFIRM: &[KeyHelp] = &[
    k("y", "write (a backup is kept)", true),
    k("n Esc", "cancel", true),
    k("↑↓ PgUp PgDn", "scroll the diff", true),
];

const HELP: &[KeyHelp] = &[k("any key", "closes this help", true)];

/// Keys always available.
pub const GLOBAL: &[KeyHelp] = &[
    k(
        "Ctrl-C",
        "quit from anywhere (the terminal is restored)",
        false,
    ),
    k("? / F1", "this help (F1 while typing)", false),
];

/// The keys of what has the keyboard now.
pub fn current(state: &State) -> &'static [KeyHelp] {
    match &state.overlay {
        Some(Overlay::Help) => return HELP,
        Some(Overlay::Prompt(_)) => return PROMPT,
        Some(Overlay::ConfirmWrite { .. }) => return CONFIRM,
        None => {}
    }
    screen(state)
}

/// The keys of the current screen, without overlays (what help lists).
pub fn screen(state: &State) -> &'static [KeyHelp] {
    if state.mode == Mode::CheckOnly {
        return CHECKS_ONLY;
    }
    match state.step {
        Step::Demo => DEMO,
        Step::Welcome => WELCOME,
        Step::Names => NAMES,
        Step::Strategy => STRATEGY,
        Step::Deployment => DEPLOYMENT,
        Step::Review => REVIEW,
        Step::Checks => CHECKS,
    }
}
