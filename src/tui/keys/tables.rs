//! The tables: for each screen and overlay, its rows as the key bar and the
//! help overlay show them, each with the keys it binds. Keys a row does not
//! name (`k` / `j` next to the arrows, `Y` next to `y`) are bound in the row
//! of the same action.

use crossterm::event::KeyCode;

use super::action::{
    Action, ChecksAction as C, ConfirmAction as W, DemoAction as P, DeployAction as D,
    NamesAction as N, PromptAction as Q, ReviewAction as R, SelfCheckAction as K,
    StrategyAction as S, WelcomeAction as H,
};
use super::{Binding, Key, KeyRow};

const fn row(
    keys: &'static str,
    does: &'static str,
    bar: bool,
    bindings: &'static [Binding],
) -> KeyRow {
    KeyRow {
        keys,
        does,
        bar,
        bindings,
    }
}

const fn b(key: Key, action: Action) -> Binding {
    Binding { key, action }
}

const fn ch(c: char) -> Key {
    Key::Code(KeyCode::Char(c))
}

const UP: Key = Key::Code(KeyCode::Up);
const DOWN: Key = Key::Code(KeyCode::Down);
const LEFT: Key = Key::Code(KeyCode::Left);
const RIGHT: Key = Key::Code(KeyCode::Right);
const HOME: Key = Key::Code(KeyCode::Home);
const END: Key = Key::Code(KeyCode::End);
const PAGE_UP: Key = Key::Code(KeyCode::PageUp);
const PAGE_DOWN: Key = Key::Code(KeyCode::PageDown);
const TAB: Key = Key::Code(KeyCode::Tab);
const BACK_TAB: Key = Key::Code(KeyCode::BackTab);
const ENTER: Key = Key::Code(KeyCode::Enter);
const ESC: Key = Key::Code(KeyCode::Esc);
const F1: Key = Key::Code(KeyCode::F(1));
const SPACE: Key = ch(' ');

/// `?` (and F1) on a screen where nothing is typed.
const HELP_KEY: KeyRow = row(
    "?",
    "help",
    true,
    &[b(ch('?'), Action::Help), b(F1, Action::Help)],
);
/// F1 alone where `?` is text.
const HELP_F1: KeyRow = row("F1", "help", true, &[b(F1, Action::Help)]);

const QUIT_Q: &[Binding] = &[b(ch('q'), Action::Quit)];
const QUIT_CTRL_C: &[Binding] = &[b(Key::Ctrl('c'), Action::Interrupt)];

/// `q` on a screen where nothing is typed.
const fn quit(bar: bool) -> KeyRow {
    row("q", "quit", bar, QUIT_Q)
}

/// Ctrl-C quits everywhere (see [`GLOBAL`]); forms list it where `q` is text.
const fn quit_ctrl_c(bar: bool) -> KeyRow {
    row("Ctrl-C", "quit", bar, QUIT_CTRL_C)
}

/// Keys always available. Ctrl-C is bound here, before any screen's keys;
/// `?` and F1 are bound by each screen (F1 alone where `?` is text), so the
/// second row only describes them.
pub const GLOBAL: &[KeyRow] = &[
    row(
        "Ctrl-C",
        "quit from anywhere (the terminal is restored)",
        false,
        QUIT_CTRL_C,
    ),
    row("? / F1", "this help (F1 while typing)", false, &[]),
];

pub(super) const DEMO: &[KeyRow] = &[
    row(
        "↑↓",
        "choose",
        true,
        &[
            b(UP, Action::Demo(P::Previous)),
            b(ch('k'), Action::Demo(P::Previous)),
            b(DOWN, Action::Demo(P::Next)),
            b(ch('j'), Action::Demo(P::Next)),
        ],
    ),
    row(
        "Enter",
        "walk through the wizard",
        true,
        &[b(ENTER, Action::Demo(P::Walk))],
    ),
    row(
        "c",
        "checks now",
        true,
        &[b(ch('c'), Action::Demo(P::ChecksNow))],
    ),
    row(
        "Home End",
        "first / last",
        false,
        &[
            b(HOME, Action::Demo(P::First)),
            b(ch('g'), Action::Demo(P::First)),
            b(END, Action::Demo(P::Last)),
            b(ch('G'), Action::Demo(P::Last)),
        ],
    ),
    HELP_KEY,
    quit(true),
];

pub(super) const WELCOME: &[KeyRow] = &[
    row(
        "↑↓",
        "choose",
        true,
        &[
            b(UP, Action::Welcome(H::Previous)),
            b(ch('k'), Action::Welcome(H::Previous)),
            b(DOWN, Action::Welcome(H::Next)),
            b(ch('j'), Action::Welcome(H::Next)),
            b(TAB, Action::Welcome(H::Next)),
        ],
    ),
    row("Enter", "go", true, &[b(ENTER, Action::Welcome(H::Go))]),
    row(
        "1 2 3",
        "pick a path directly",
        false,
        &[
            b(ch('1'), Action::Welcome(H::PickSetUp)),
            b(ch('2'), Action::Welcome(H::PickCheckExisting)),
            b(ch('3'), Action::Welcome(H::PickLearn)),
        ],
    ),
    HELP_KEY,
    quit(true),
];

pub(super) const NAMES: &[KeyRow] = &[
    row(
        "Tab ↓",
        "next field",
        true,
        &[
            b(TAB, Action::Names(N::NextField)),
            b(DOWN, Action::Names(N::NextField)),
        ],
    ),
    row(
        "Shift-Tab ↑",
        "previous field",
        false,
        &[
            b(BACK_TAB, Action::Names(N::PreviousField)),
            b(UP, Action::Names(N::PreviousField)),
        ],
    ),
    row(
        "Enter",
        "next step",
        true,
        &[b(ENTER, Action::Names(N::Advance))],
    ),
    row("Esc", "back", true, &[b(ESC, Action::Names(N::Back))]),
    row(
        "← → Home End",
        "move in the field",
        false,
        &[
            b(LEFT, Action::Names(N::Edit)),
            b(RIGHT, Action::Names(N::Edit)),
            b(HOME, Action::Names(N::Edit)),
            b(END, Action::Names(N::Edit)),
            // Typing itself: every other key goes to the field.
            b(Key::Any, Action::Names(N::Edit)),
        ],
    ),
    row(
        "Ctrl-U",
        "clear the field",
        false,
        &[b(Key::Ctrl('u'), Action::Names(N::Edit))],
    ),
    HELP_F1,
    quit_ctrl_c(true),
];

pub(super) const STRATEGY: &[KeyRow] = &[
    row(
        "↑↓",
        "choose",
        true,
        &[
            b(UP, Action::Strategy(S::Previous)),
            b(ch('k'), Action::Strategy(S::Previous)),
            b(DOWN, Action::Strategy(S::Next)),
            b(ch('j'), Action::Strategy(S::Next)),
        ],
    ),
    row(
        "Enter",
        "next",
        true,
        &[b(ENTER, Action::Strategy(S::Advance))],
    ),
    row("Esc", "back", true, &[b(ESC, Action::Strategy(S::Back))]),
    row(
        "PgUp PgDn",
        "scroll the explanation",
        true,
        &[
            b(PAGE_UP, Action::Strategy(S::PageUp)),
            b(PAGE_DOWN, Action::Strategy(S::PageDown)),
            b(HOME, Action::Strategy(S::Top)),
            b(ch('g'), Action::Strategy(S::Top)),
            b(END, Action::Strategy(S::Bottom)),
            b(ch('G'), Action::Strategy(S::Bottom)),
        ],
    ),
    row(
        "Space",
        "scroll down",
        false,
        &[b(SPACE, Action::Strategy(S::PageDown))],
    ),
    HELP_KEY,
    quit(false),
];

// The deployment form has two tables with the same rows: the keys a choice
// row takes (← → Space change it) and the keys a text row takes (they edit
// it). The help shows the rows, the same for both. Neither binds `q` or `?`,
// choice rows included, so that `q` never quits from the middle of a form.

const DEPLOY_NEXT_FIELD: KeyRow = row(
    "Tab ↓",
    "next field",
    true,
    &[
        b(TAB, Action::Deploy(D::NextField)),
        b(DOWN, Action::Deploy(D::NextField)),
    ],
);
const DEPLOY_PREVIOUS_FIELD: KeyRow = row(
    "Shift-Tab ↑",
    "previous field",
    false,
    &[
        b(BACK_TAB, Action::Deploy(D::PreviousField)),
        b(UP, Action::Deploy(D::PreviousField)),
    ],
);
const DEPLOY_ADVANCE: KeyRow = row(
    "Enter",
    "review",
    true,
    &[b(ENTER, Action::Deploy(D::Advance))],
);
const DEPLOY_BACK: KeyRow = row("Esc", "back", true, &[b(ESC, Action::Deploy(D::Back))]);
const CHANGE_CHOICE: &str = "change a choice";
const CLEAR_TEXT: &str = "clear a text field";

/// The deployment form with a choice row focused.
pub(super) const DEPLOY_CHOICE: &[KeyRow] = &[
    DEPLOY_NEXT_FIELD,
    DEPLOY_PREVIOUS_FIELD,
    row(
        "← →",
        CHANGE_CHOICE,
        true,
        &[
            b(LEFT, Action::Deploy(D::ChoicePrevious)),
            b(RIGHT, Action::Deploy(D::ChoiceNext)),
            b(SPACE, Action::Deploy(D::ChoiceNext)),
        ],
    ),
    DEPLOY_ADVANCE,
    DEPLOY_BACK,
    // No text field has the keyboard: nothing to clear.
    row("Ctrl-U", CLEAR_TEXT, false, &[]),
    HELP_F1,
    quit_ctrl_c(false),
];

/// The deployment form with a text row focused.
pub(super) const DEPLOY_TEXT: &[KeyRow] = &[
    DEPLOY_NEXT_FIELD,
    DEPLOY_PREVIOUS_FIELD,
    // ← → move in the field here (the catch-all below).
    row("← →", CHANGE_CHOICE, true, &[]),
    DEPLOY_ADVANCE,
    DEPLOY_BACK,
    row(
        "Ctrl-U",
        CLEAR_TEXT,
        false,
        &[
            b(Key::Ctrl('u'), Action::Deploy(D::Edit)),
            // Typing itself: every other key goes to the field.
            b(Key::Any, Action::Deploy(D::Edit)),
        ],
    ),
    HELP_F1,
    quit_ctrl_c(false),
];

pub(super) const REVIEW: &[KeyRow] = &[
    row(
        "← → Tab",
        "tabs",
        true,
        &[
            b(RIGHT, Action::Review(R::NextTab)),
            b(TAB, Action::Review(R::NextTab)),
            b(ch('l'), Action::Review(R::NextTab)),
            b(LEFT, Action::Review(R::PreviousTab)),
            b(BACK_TAB, Action::Review(R::PreviousTab)),
            b(ch('h'), Action::Review(R::PreviousTab)),
        ],
    ),
    row(
        "↑↓ PgUp PgDn",
        "scroll",
        false,
        &[
            b(UP, Action::Review(R::LineUp)),
            b(ch('k'), Action::Review(R::LineUp)),
            b(DOWN, Action::Review(R::LineDown)),
            b(ch('j'), Action::Review(R::LineDown)),
            b(PAGE_UP, Action::Review(R::PageUp)),
            b(PAGE_DOWN, Action::Review(R::PageDown)),
            b(SPACE, Action::Review(R::PageDown)),
            b(HOME, Action::Review(R::Top)),
            b(ch('g'), Action::Review(R::Top)),
            b(END, Action::Review(R::Bottom)),
            b(ch('G'), Action::Review(R::Bottom)),
        ],
    ),
    row(
        "w",
        "write config",
        true,
        &[b(ch('w'), Action::Review(R::WriteConfig))],
    ),
    // Not in the key bar (it has no room at 80 columns); the help lists it.
    row(
        "i",
        "install the proxy configuration (dry run first)",
        false,
        &[b(ch('i'), Action::Review(R::Install))],
    ),
    row(
        "s",
        "save all",
        true,
        &[b(ch('s'), Action::Review(R::SaveAll))],
    ),
    row(
        "c",
        "copy tab",
        true,
        &[b(ch('c'), Action::Review(R::CopyTab))],
    ),
    row(
        "Enter",
        "checks",
        true,
        &[b(ENTER, Action::Review(R::OpenChecks))],
    ),
    row(
        "1 2 3",
        "edit names / strategy / deployment",
        false,
        &[
            b(ch('1'), Action::Review(R::EditNames)),
            b(ch('2'), Action::Review(R::EditStrategy)),
            b(ch('3'), Action::Review(R::EditDeployment)),
        ],
    ),
    row("Esc", "back", false, &[b(ESC, Action::Review(R::Back))]),
    HELP_KEY,
    // In the key bar where there is room (after the keys that matter more).
    row(
        "o",
        "other config",
        true,
        &[b(ch('o'), Action::Review(R::OtherConfig))],
    ),
    quit(false),
];

const CHECKS_SELECT: KeyRow = row(
    "↑↓",
    "select",
    true,
    &[
        b(UP, Action::Checks(C::Previous)),
        b(ch('k'), Action::Checks(C::Previous)),
        b(DOWN, Action::Checks(C::Next)),
        b(ch('j'), Action::Checks(C::Next)),
        b(HOME, Action::Checks(C::First)),
        b(END, Action::Checks(C::Last)),
    ],
);
const CHECKS_RERUN: KeyRow = row("r", "re-run", true, &[b(ch('r'), Action::Checks(C::Rerun))]);
const CHECKS_WATCH: KeyRow = row(
    "w",
    "watch",
    true,
    &[b(ch('w'), Action::Checks(C::ToggleWatch))],
);
const CHECKS_INTERVAL: KeyRow = row(
    "+ -",
    "watch interval",
    false,
    &[
        b(ch('+'), Action::Checks(C::WatchLonger)),
        b(ch('-'), Action::Checks(C::WatchShorter)),
    ],
);
const CHECKS_EXPORT: KeyRow = row(
    "e",
    "export",
    true,
    &[b(ch('e'), Action::Checks(C::Export))],
);
const CHECKS_SCROLL: KeyRow = row(
    "PgUp PgDn",
    "scroll details",
    false,
    &[
        b(PAGE_UP, Action::Checks(C::PageUp)),
        b(PAGE_DOWN, Action::Checks(C::PageDown)),
        b(SPACE, Action::Checks(C::PageDown)),
    ],
);

/// The checks screen of the wizard.
pub(super) const CHECKS: &[KeyRow] = &[
    CHECKS_SELECT,
    row(
        "Enter",
        "details",
        true,
        &[b(ENTER, Action::Checks(C::ToggleDetails))],
    ),
    row("Esc", "back", true, &[b(ESC, Action::Checks(C::Back))]),
    // Shown in the key bar only in `demo`.
    row(
        "p",
        "demo picker",
        true,
        &[b(ch('p'), Action::Checks(C::Picker))],
    ),
    CHECKS_RERUN,
    CHECKS_WATCH,
    HELP_KEY,
    CHECKS_INTERVAL,
    CHECKS_EXPORT,
    CHECKS_SCROLL,
    quit(true),
];

/// The checks screen alone (`check <name> --tui`): nowhere to go back to.
pub(super) const CHECKS_ONLY: &[KeyRow] = &[
    CHECKS_SELECT,
    row(
        "Enter Esc",
        "details",
        true,
        &[
            b(ENTER, Action::Checks(C::ToggleDetails)),
            b(ESC, Action::Checks(C::CollapseDetails)),
        ],
    ),
    CHECKS_RERUN,
    CHECKS_WATCH,
    CHECKS_INTERVAL,
    CHECKS_EXPORT,
    CHECKS_SCROLL,
    HELP_KEY,
    quit(true),
];

pub(super) const PROMPT: &[KeyRow] = &[
    row(
        "Enter",
        "confirm",
        true,
        &[b(ENTER, Action::Prompt(Q::Submit))],
    ),
    row("Esc", "cancel", true, &[b(ESC, Action::Prompt(Q::Cancel))]),
    // Not in the key bar (and help never opens over a prompt).
    row(
        "other keys",
        "type the answer",
        false,
        &[b(Key::Any, Action::Prompt(Q::Edit))],
    ),
];

pub(super) const CONFIRM: &[KeyRow] = &[
    row(
        "y",
        "write (a backup is kept)",
        true,
        &[
            b(ch('y'), Action::Confirm(W::Write)),
            b(ch('Y'), Action::Confirm(W::Write)),
        ],
    ),
    row(
        "n Esc",
        "cancel",
        true,
        &[
            b(ch('n'), Action::Confirm(W::Cancel)),
            b(ch('N'), Action::Confirm(W::Cancel)),
            b(ESC, Action::Confirm(W::Cancel)),
            b(ch('q'), Action::Confirm(W::Cancel)),
        ],
    ),
    row(
        "↑↓ PgUp PgDn",
        "scroll the diff",
        true,
        &[
            b(UP, Action::Confirm(W::LineUp)),
            b(ch('k'), Action::Confirm(W::LineUp)),
            b(DOWN, Action::Confirm(W::LineDown)),
            b(ch('j'), Action::Confirm(W::LineDown)),
            b(PAGE_UP, Action::Confirm(W::PageUp)),
            b(PAGE_DOWN, Action::Confirm(W::PageDown)),
            b(SPACE, Action::Confirm(W::PageDown)),
            b(HOME, Action::Confirm(W::Top)),
            b(ch('g'), Action::Confirm(W::Top)),
            b(END, Action::Confirm(W::Bottom)),
            b(ch('G'), Action::Confirm(W::Bottom)),
        ],
    ),
];

pub(super) const SELF_CHECK: &[KeyRow] = &[
    row(
        "Enter",
        "close and run the public checks",
        true,
        &[b(ENTER, Action::SelfCheck(K::RunChecks))],
    ),
    row(
        "r",
        "ask the homeserver again (after restarting it)",
        true,
        &[
            b(ch('r'), Action::SelfCheck(K::AskAgain)),
            b(ch('R'), Action::SelfCheck(K::AskAgain)),
        ],
    ),
    row(
        "Esc",
        "close (back to the review)",
        true,
        &[
            b(ESC, Action::SelfCheck(K::Close)),
            b(ch('q'), Action::SelfCheck(K::Close)),
        ],
    ),
];

pub(super) const HELP: &[KeyRow] = &[row(
    "any key",
    "closes this help",
    true,
    &[b(Key::Any, Action::CloseHelp)],
)];
