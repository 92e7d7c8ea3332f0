//! The key tables against update: every key a table binds (what the key bar
//! and the help overlay list, and the unlisted aliases beside them) does
//! something on its screen, and a key no table names does nothing. With the
//! key tables' own tests (each action bound somewhere, update matching every
//! action exhaustively) this keeps the help and the keys in step.

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use matrix_delegate::check::model::CheckId;
use matrix_delegate::domain::ServerName;
use matrix_delegate::tui::data::{ConfigPreview, ConfigStatus, Expected};
use matrix_delegate::tui::keys::{self, Action, ChecksAction, Context, Key};
use matrix_delegate::tui::state::{Overlay, SelfCheckDialog, State};
use matrix_delegate::tui::{Msg, update};

use crate::support::tui::*;

/// A key event for a binding (`Any`: a letter no table binds on its own).
fn event(key: Key) -> KeyEvent {
    match key {
        Key::Code(code) => KeyEvent::new(code, KeyModifiers::NONE),
        Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
        Key::Any => KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
    }
}

/// The checks screen after a complete run, the CORS failure selected (a
/// row in the middle, with details longer than their pane) and its details
/// scrolled by one line, so that every key has somewhere to go.
fn with_results(mut state: State) -> State {
    stream_run(&mut state, 1, &sample_results(), Instant::now());
    let rows = state.checks.rows();
    let cors = rows
        .iter()
        .position(|r| r.id() == CheckId::ClientCors)
        .expect("a CORS row");
    assert!(cors > 0 && cors + 1 < rows.len(), "in the middle");
    let key = rows[cors].key();
    state.checks.selected = Some(key);
    state.checks.detail_scroll = 1;
    state
}

/// A state where `context` has the keyboard and each of its keys has an
/// effect: lists with a choice in the middle, panes scrolled by one line
/// with more below, a text field with the cursor inside its text.
fn suitable(context: Context) -> State {
    let mut s = match context {
        Context::Demo => {
            let mut s = State::demo(false);
            if let Some(demo) = s.demo.as_mut() {
                demo.choice = 2;
            }
            s
        }
        Context::Welcome => State::wizard(ConfigStatus::NotFound, false),
        Context::Names => {
            let mut s = State::wizard(ConfigStatus::NotFound, false);
            at_names(&mut s, "example.com", "matrix.example.com");
            press(&mut s, KeyCode::Left);
            s
        }
        Context::Strategy => {
            let mut s = State::wizard(ConfigStatus::NotFound, false);
            at_names(&mut s, "example.com", "matrix.example.com");
            press(&mut s, KeyCode::Enter);
            s.lesson_scroll = 1;
            s
        }
        Context::DeployChoice | Context::DeployText => {
            let mut s = State::wizard(ConfigStatus::NotFound, false);
            at_names(&mut s, "example.com", "matrix.example.com");
            press(&mut s, KeyCode::Enter);
            press(&mut s, KeyCode::Enter);
            if context == Context::DeployText {
                s.deploy.focus = 2; // the homeserver address, pre-filled
            }
            s
        }
        Context::Review => {
            let mut s = at_review("example.com", "matrix.example.com");
            update(
                &mut s,
                Msg::Resize {
                    width: 80,
                    height: 16,
                },
            );
            s.review.scroll = 1;
            s
        }
        Context::Checks => with_results(at_checks()),
        Context::ChecksOnly => {
            let name = ServerName::parse("example.com").expect("name");
            let (s, _) = State::check_screen(name, Expected::Nothing, false);
            with_results(s)
        }
        Context::Help => {
            let mut s = State::wizard(ConfigStatus::NotFound, false);
            press(&mut s, KeyCode::Char('?'));
            s
        }
        Context::Prompt => {
            let mut s = at_review("example.com", "matrix.example.com");
            press(&mut s, KeyCode::Char('s'));
            s
        }
        Context::Confirm => {
            let mut s = at_review("example.com", "matrix.example.com");
            let plan = s.review.plan.clone().expect("plan");
            let diff: String = (0..60).map(|i| format!("+line {i}\n")).collect();
            s.overlay = Some(Overlay::ConfirmWrite {
                preview: ConfigPreview {
                    path: PathBuf::from("/etc/conduwuit/conduwuit.toml"),
                    diff,
                    fingerprint: "f".into(),
                    notes: Vec::new(),
                },
                plan: Box::new(plan),
                scroll: 1,
            });
            s
        }
        Context::SelfCheck => {
            let mut s = at_review("example.com", "matrix.example.com");
            s.overlay = Some(Overlay::SelfCheck(SelfCheckDialog {
                config: PathBuf::from("/etc/conduwuit/conduwuit.toml"),
                wrote: "Wrote /etc/conduwuit/conduwuit.toml.".into(),
                wrote_level: matrix_delegate::tui::state::Level::Ok,
                expected: Default::default(),
                asking: false,
                answer: Some(Err("nothing listens".into())),
            }));
            s
        }
    };
    s.status = None;
    s.dirty = false;
    assert_eq!(keys::context(&s), context);
    s
}

#[test]
fn every_key_in_the_tables_does_something_on_its_screen() {
    for context in Context::ALL {
        let base = suitable(context);
        for row in context.rows() {
            for binding in row.bindings {
                let mut s = base.clone();
                if binding.action == Action::Checks(ChecksAction::CollapseDetails) {
                    s.checks.expanded = true; // something to collapse
                }
                if binding.action == Action::Checks(ChecksAction::Picker) {
                    s.demo = Some(Default::default()); // a picker to go back to
                }
                let key = event(binding.key);
                assert_eq!(
                    keys::action(&s, &key),
                    Some(binding.action),
                    "{context:?} `{}`: {binding:?} is taken by another binding",
                    row.keys
                );
                let cmds = update(&mut s, Msg::Key(key));
                assert!(
                    s.dirty || !cmds.is_empty(),
                    "{context:?} `{}` ({}): {binding:?} did nothing",
                    row.keys,
                    row.does
                );
            }
        }
    }
}

#[test]
fn keys_no_table_names_do_nothing() {
    let codes = [
        KeyCode::Char('z'),
        KeyCode::Char('Z'),
        KeyCode::Char('0'),
        KeyCode::Char('4'),
        KeyCode::Char('!'),
        KeyCode::F(2),
        KeyCode::Insert,
        KeyCode::Delete,
        KeyCode::Backspace,
    ];
    for context in Context::ALL {
        let base = suitable(context);
        for code in codes {
            let key = KeyEvent::new(code, KeyModifiers::NONE);
            if keys::action(&base, &key).is_some() {
                continue; // a catch-all (a text field, "any key")
            }
            let mut s = base.clone();
            let cmds = update(&mut s, Msg::Key(key));
            assert!(
                !s.dirty && cmds.is_empty(),
                "{context:?}: {code:?} is in no table but did something"
            );
        }
    }
}
