//! The pure transition function. No I/O, no tokio, no terminal, no clock:
//! everything it needs arrives in the [`Msg`], everything it wants done
//! leaves as a [`Cmd`]. A key arrives as the [`Action`] the key tables
//! ([`keys`]) bind it to on the current screen.

mod checks;
mod demo;
mod flow;
mod forms;
mod install;
mod overlay;
mod review;
mod strategy;
mod welcome;

use crossterm::event::KeyEvent;

use super::cmd::Cmd;
use super::keys::{self, Action};

pub use demo::demo_picked;

use super::msg::Msg;
use super::state::{Level, Overlay, State, StatusLine};

/// Applies `msg` to `state` and returns what the runtime must do. Sets
/// `state.dirty` when anything visible changed (messages that change nothing,
/// like a stale check event, leave it alone so nothing is redrawn).
pub fn update(state: &mut State, msg: Msg) -> Vec<Cmd> {
    // A check event folds in constant time; anything else (a key, a tick, a
    // resize) reads the rows in report order, computed here once.
    if !matches!(msg, Msg::Check { .. }) {
        state.checks.fold.settle();
    }
    match dispatch(state, msg) {
        Some(cmds) => {
            state.dirty = true;
            cmds
        }
        None => Vec::new(),
    }
}

/// `None`: the message was ignored and nothing changed.
type Handled = Option<Vec<Cmd>>;

fn done() -> Handled {
    Some(Vec::new())
}

fn dispatch(state: &mut State, msg: Msg) -> Handled {
    match msg {
        Msg::Key(key) => on_key(state, key),
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            flow::clamp_scrolls(state);
            done()
        }
        Msg::Tick { now } => checks::on_tick(state, now),
        Msg::Check { event, at } => checks::on_event(state, event, at),
        Msg::ChecksFailed { run, reason } => checks::on_failed(state, run, reason),
        Msg::WatchDue { token } => checks::on_watch_due(state, token),
        Msg::ConfigLoaded(status) => review::on_config_loaded(state, status),
        Msg::ConfigPreviewed { plan, result } => review::on_preview(state, *plan, result),
        Msg::ConfigWritten(result) => review::on_written(state, result),
        Msg::SelfChecked { config, result } => overlay::on_self_checked(state, &config, result),
        Msg::ProxyInstalled {
            plan,
            dry_run,
            result,
        } => install::on_answer(state, *plan, dry_run, result),
        Msg::ArtifactsSaved(result) => review::on_saved(state, result),
        Msg::Copied { label, result } => review::on_copied(state, label, result),
        Msg::Exported(result) => checks::on_exported(state, result),
        Msg::DemoStarted { token, result } => demo::on_started(state, token, result),
        Msg::Terminate => {
            state.interrupted = true;
            Some(quit(state))
        }
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Handled {
    let action = keys::action(state, &key);
    if state.overlay.is_some() {
        return act(state, action?, key);
    }
    // A message stays until the next key; clearing it is a visible change.
    let had_status = state.status.take().is_some();
    match action.and_then(|action| act(state, action, key)) {
        None if had_status => done(),
        other => other,
    }
}

/// Does what `action` asks on the screen it came from ([`keys`] gives only
/// the actions of what has the keyboard). `key` is only for a text field.
fn act(state: &mut State, action: Action, key: KeyEvent) -> Handled {
    match action {
        Action::Quit => Some(quit(state)),
        Action::Interrupt => {
            state.interrupted = true;
            Some(quit(state))
        }
        Action::Help => open_help(state),
        Action::CloseHelp => overlay::close_help(state),
        Action::Demo(action) => demo::on_action(state, action),
        Action::Welcome(action) => welcome::on_action(state, action),
        Action::Names(action) => forms::on_names(state, action, key),
        Action::Strategy(action) => strategy::on_action(state, action),
        Action::Deploy(action) => forms::on_deploy(state, action, key),
        Action::Review(action) => review::on_action(state, action),
        Action::Checks(action) => checks::on_action(state, action),
        Action::Prompt(action) => overlay::on_prompt(state, action, key),
        Action::Confirm(action) => overlay::on_confirm(state, action),
        Action::SelfCheck(action) => overlay::on_self_check(state, action),
    }
}

fn open_help(state: &mut State) -> Handled {
    state.overlay = Some(Overlay::Help);
    done()
}

/// Leaving: stop any run, then ask the runtime to restore the terminal.
fn quit(state: &mut State) -> Vec<Cmd> {
    let mut cmds = state.checks.cancel();
    cmds.push(Cmd::Quit);
    cmds
}

fn say(state: &mut State, level: Level, text: impl Into<String>) {
    state.status = Some(StatusLine {
        level,
        text: text.into(),
        next: None,
    });
}

/// A message with the step that follows it, shown on a line of its own.
fn say_then(state: &mut State, level: Level, text: impl Into<String>, next: impl Into<String>) {
    state.status = Some(StatusLine {
        level,
        text: text.into(),
        next: Some(next.into()),
    });
}
