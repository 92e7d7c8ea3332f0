//! Nothing important cut off: every message a wizard action leaves (write,
//! save, copy, export, refusals, watch, demo) is shown whole, wrapped, with
//! the next step on a line of its own, at 80×24, 100×30 and 160×45; every
//! note under a form field is shown whole at 80×24. The snapshots show each
//! message as drawn (the bottom of the screen); each one was read.

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::KeyCode;
use insta::assert_snapshot;

use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::domain::Field;
use matrix_delegate::tui::data::{ConfigStatus, SavedFiles, WriteOutcome};
use matrix_delegate::tui::state::feedback::field_notes;
use matrix_delegate::tui::state::{DeployRow, Level, State, Step};
use matrix_delegate::tui::{Msg, update};

use crate::support::tui::*;

const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (160, 45)];

/// Every status message the wizard's actions leave, each with the state it
/// was left in (named for the snapshot).
fn every_status_message() -> Vec<(&'static str, State)> {
    let mut out = Vec::new();
    let review = || at_review("example.com", "matrix.example.com");
    let mut s = review();
    update(
        &mut s,
        Msg::ConfigWritten(Ok(WriteOutcome {
            path: PathBuf::from("/etc/continuwuity/continuwuity.toml"),
            backup: Some(PathBuf::from(
                "/etc/continuwuity/continuwuity.toml.matrix-delegate-20261205-120000.bak",
            )),
            warning: None,
        })),
    );
    press(&mut s, KeyCode::Esc); // closes the self-check dialog
    out.push(("written", s));
    let mut s = review();
    update(
        &mut s,
        Msg::ConfigWritten(Ok(WriteOutcome {
            path: PathBuf::from("/etc/continuwuity/continuwuity.toml"),
            backup: Some(PathBuf::from("/etc/continuwuity/continuwuity.toml.bak")),
            warning: Some("the folder could not be synced to disk".into()),
        })),
    );
    press(&mut s, KeyCode::Esc);
    out.push(("written_with_a_warning", s));
    let mut s = review();
    update(
        &mut s,
        Msg::ConfigWritten(Err(
            "/etc/continuwuity/continuwuity.toml: permission denied while writing. Run as a \
             user who may write it (for example with sudo), or copy the file somewhere \
             writable. Nothing was changed"
                .into(),
        )),
    );
    out.push(("write_refused", s));
    let mut s = review();
    update(&mut s, Msg::ConfigLoaded(config("example.org")));
    out.push(("other_server_name_in_the_config", s));
    let mut s = review();
    update(&mut s, Msg::ConfigLoaded(ConfigStatus::NotFound));
    out.push(("no_config_at_the_path_typed", s));
    let mut s = review();
    update(
        &mut s,
        Msg::ConfigLoaded(ConfigStatus::Problem(
            "/etc/continuwuity/continuwuity.toml: the file is not valid TOML: line 3, column \
             14: expected `=`. Fix that line (the homeserver cannot read the file either)"
                .into(),
        )),
    );
    out.push(("config_unreadable", s));
    let mut s = review();
    update(
        &mut s,
        Msg::ArtifactsSaved(Ok(SavedFiles {
            dir: PathBuf::from("/root/matrix-delegate-example.com"),
            files: vec![PathBuf::from("a"), PathBuf::from("b"), PathBuf::from("c")],
        })),
    );
    out.push(("saved", s));
    let mut s = review();
    update(
        &mut s,
        Msg::ArtifactsSaved(Err(
            "/root/out/Caddyfile already exists with other content; choose an empty folder \
             (nothing was written)"
                .into(),
        )),
    );
    out.push(("save_refused", s));
    let mut s = review();
    update(
        &mut s,
        Msg::Copied {
            label: "Caddyfile".into(),
            result: Ok(1234),
        },
    );
    out.push(("copied", s));
    let mut s = review();
    update(
        &mut s,
        Msg::Copied {
            label: "Caddyfile".into(),
            result: Err("the terminal is not a tty".into()),
        },
    );
    out.push(("copy_failed", s));
    // Docker: nothing to write into a config file.
    let mut s = review();
    press(&mut s, KeyCode::Char('3'));
    s.deploy.deployment = matrix_delegate::domain::Deployment::Docker;
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Review);
    press(&mut s, KeyCode::Char('w'));
    out.push(("docker_has_nothing_to_write", s));
    // A refused answer, seen from a later step.
    let mut s = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut s, "example.com", "matrix.example.com");
    press(&mut s, KeyCode::Enter); // strategy
    press(&mut s, KeyCode::Enter); // deployment
    s.deploy.focus = DeployRow::index_of(Field::Upstream).unwrap_or(2);
    update(&mut s, ctrl('u'));
    type_text(&mut s, "https://127.0.0.1:8008");
    press(&mut s, KeyCode::Enter);
    out.push(("answer_refused", s));
    // The checks screen: export refusals, export results, watch.
    let mut s = at_checks();
    press(&mut s, KeyCode::Char('e'));
    out.push(("export_while_running", s.clone()));
    stream_run(&mut s, 1, &sample_results(), Instant::now());
    let mut exported = s.clone();
    update(
        &mut exported,
        Msg::Exported(Ok(vec![
            "/root/reports/matrix-delegate-report-example.com-run1.md".into(),
            "/root/reports/matrix-delegate-report-example.com-run1.json".into(),
        ])),
    );
    out.push(("exported", exported));
    let mut refused = s.clone();
    update(
        &mut refused,
        Msg::Exported(Err(
            "matrix-delegate-report-example.com-run1.md already exists; choose another name \
             (nothing was written)"
                .into(),
        )),
    );
    out.push(("export_refused", refused));
    let mut watching = s.clone();
    press(&mut watching, KeyCode::Char('w'));
    out.push(("watch_on", watching.clone()));
    press(&mut watching, KeyCode::Char('+'));
    out.push(("watch_longer", watching.clone()));
    press(&mut watching, KeyCode::Char('w'));
    out.push(("watch_off", watching));
    // The demo: a start, and a start that failed.
    let mut demo = State::demo(false);
    let cmds = update(&mut demo, key(KeyCode::Char('c')));
    out.push(("demo_starting", demo.clone()));
    if let [matrix_delegate::tui::Cmd::StartDemo { token, .. }] = cmds.as_slice() {
        update(
            &mut demo,
            Msg::DemoStarted {
                token: *token,
                result: Err("cannot bind 127.0.0.10:443: address already in use".into()),
            },
        );
    }
    out.push(("demo_could_not_start", demo));
    // Writing: the path typed, then the diff declined.
    let mut typed = review();
    press(&mut typed, KeyCode::Char('w'));
    type_text(&mut typed, "/etc/continuwuity/continuwuity.toml");
    press(&mut typed, KeyCode::Enter);
    out.push(("reading_the_config", typed));
    let mut declined = review();
    update(&mut declined, Msg::ConfigLoaded(config("example.com")));
    let plan = declined.review.plan.clone().expect("plan");
    update(
        &mut declined,
        Msg::ConfigPreviewed {
            plan: Box::new(plan),
            result: Ok(matrix_delegate::tui::data::ConfigPreview {
                path: PathBuf::from("/etc/conduwuit/conduwuit.toml"),
                diff: "--- a\n+++ b\n@@ -1 +1,2 @@\n+[global.well_known]\n".into(),
                fingerprint: "x".into(),
                notes: Vec::new(),
            }),
        },
    );
    press(&mut declined, KeyCode::Char('w'));
    press(&mut declined, KeyCode::Char('n'));
    out.push(("write_declined", declined));
    let mut cancelled = s;
    press(&mut cancelled, KeyCode::Char('r'));
    update(&mut cancelled, finished(2, CheckId::DnsSrv, Status::Pass));
    let _ = cancelled.checks.cancel();
    press(&mut cancelled, KeyCode::Char('e'));
    out.push(("export_of_a_cancelled_run", cancelled));
    out
}

/// The screen's text without the frame and box borders, all whitespace
/// removed: wrapping moves words to other lines but never drops a letter.
fn letters(screen: &str) -> String {
    screen
        .chars()
        .filter(|c| !c.is_whitespace() && !"│┌┐└┘─\"".contains(*c))
        .collect()
}

fn squeezed(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .collect()
}

#[test]
fn no_status_message_is_cut_at_80x24() {
    for (name, state) in every_status_message() {
        let status = state
            .status
            .clone()
            .unwrap_or_else(|| panic!("{name}: no message"));
        for (w, h) in SIZES {
            let shown = screen(&state, w, h);
            assert!(
                letters(&shown).contains(&squeezed(&status.text)),
                "{name} at {w}×{h}: the message is cut:\n{shown}"
            );
            if let Some(next) = &status.next {
                assert!(
                    letters(&shown).contains(&squeezed(next)),
                    "{name} at {w}×{h}: the next step is cut:\n{shown}"
                );
                // On a line of its own: the line that starts it holds nothing else.
                let first_word = next.split(' ').next().unwrap_or_default();
                assert!(
                    shown.lines().any(|l| l
                        .trim_matches(|c: char| c == '"' || c == '│' || c == ' ')
                        .starts_with(&format!("→ {first_word}"))),
                    "{name} at {w}×{h}: the next step is not on its own line:\n{shown}"
                );
            }
        }
    }
}

/// The message box and the key bar, at each size: the bottom of the screen.
#[test]
fn every_status_message_as_drawn() {
    for (w, h) in SIZES {
        let mut all = String::new();
        for (name, state) in every_status_message() {
            let shown = screen(&state, w, h);
            let lines: Vec<&str> = shown.lines().collect();
            let rows = state
                .status
                .as_ref()
                .map(|s| {
                    let text_w = usize::from(w).saturating_sub(5);
                    matrix_delegate::tui::view::status::status_lines(s, text_w).len() + 4
                })
                .unwrap_or(3);
            all.push_str(&format!("── {name}\n"));
            for line in &lines[lines.len().saturating_sub(rows)..] {
                all.push_str(line);
                all.push('\n');
            }
        }
        assert_snapshot!(format!("status_messages_{w}x{h}"), all);
    }
}

/// Every form field's notes in the situations that produce the longest
/// ones: slips in the names, a Docker deployment, a config file with
/// another server name.
fn forms_with_long_notes() -> Vec<(&'static str, State)> {
    let mut out = Vec::new();
    let mut s = State::wizard(config("example.org"), false);
    press(&mut s, KeyCode::Enter);
    update(&mut s, ctrl('u'));
    type_text(&mut s, "matrix.example.com");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "https://matrix.example.com/");
    out.push(("names_with_slips", s));
    let mut s = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut s, "example.com", "matrix.example.com");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "80");
    out.push(("names_with_port_80", s));
    let mut s = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut s, "example.com", "matrix.example.com");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Enter);
    s.deploy.deployment = matrix_delegate::domain::Deployment::Docker;
    out.push(("deployment_docker", s));
    out
}

#[test]
fn no_field_message_is_cut_at_80x24() {
    for (name, base) in forms_with_long_notes() {
        let fields: Vec<Field> = match base.step {
            Step::Names => vec![
                Field::ServerName,
                Field::Host,
                Field::Port,
                Field::ClientUrl,
            ],
            _ => (0..DeployRow::COUNT)
                .map(|i| DeployRow::at(i).field())
                .collect(),
        };
        for (i, focused) in fields.iter().enumerate() {
            let mut s = base.clone();
            match s.step {
                Step::Names => s.names.focus_field(*focused),
                _ => s.deploy.focus = i,
            }
            let shown = screen(&s, 80, 24);
            for field in &fields {
                let notes = field_notes(&s, *field);
                // The focused field shows every note, the others their most
                // important one (hints left out).
                let expected: Vec<_> = if field == focused {
                    notes.iter().collect()
                } else {
                    notes
                        .iter()
                        .filter(|n| n.level != Level::Hint)
                        .take(1)
                        .collect()
                };
                for note in expected {
                    assert!(
                        letters(&shown).contains(&squeezed(&note.text)),
                        "{name}, {focused:?} focused: the note under {field:?} is cut: {}\n{shown}",
                        note.text
                    );
                }
            }
        }
    }
}
