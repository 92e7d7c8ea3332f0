//! Pure transition tests of the review step and its actions: editing steps
//! from review, writing the config, saving, copying, and the check path.
//! No I/O, no sleeps, no terminal.

use std::path::PathBuf;

use crossterm::event::KeyCode;

use matrix_delegate::domain::plan::WellKnownSection;
use matrix_delegate::domain::{Deployment, Field};
use matrix_delegate::tui::data::{
    ConfigInfo, ConfigPreview, ConfigStatus, Expected, SavedFiles, WriteOutcome,
};
use matrix_delegate::tui::state::{Level, Overlay, PreviewState, PromptKind, State, Step};
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::support::tui::*;

fn fresh() -> State {
    State::wizard(ConfigStatus::NotFound, false)
}

/// Moves the names form's focus to the host field with keys.
fn focus_host(s: &mut State) {
    for _ in 0..4 {
        press(s, KeyCode::Up);
    }
    press(s, KeyCode::Down);
    assert_eq!(s.names.focused(), Field::Host);
}

#[test]
fn review_tabs_scroll_and_edit_steps() {
    let mut s = at_review("example.com", "matrix.example.com");
    s.review.artifacts = sample_artifacts();
    press(&mut s, KeyCode::Left);
    assert_eq!(s.review.tab, 4, "left wraps to the last tab");
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.review.tab, 0);
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 14,
        },
    );
    press(&mut s, KeyCode::PageDown);
    assert!(
        s.review.scroll > 0,
        "the summary is longer than a short screen"
    );
    press(&mut s, KeyCode::Right);
    assert_eq!(s.review.scroll, 0);
    // Edit the host from review: Enter returns straight to review.
    press(&mut s, KeyCode::Char('1'));
    assert_eq!((s.step, s.return_to_review), (Step::Names, true));
    focus_host(&mut s);
    update(&mut s, ctrl('u'));
    type_text(&mut s, "hs.example.com");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Review);
    assert!(!s.return_to_review);
    let plan = s.review.plan.clone().expect("plan");
    assert_eq!(plan.host_str(), "hs.example.com");
    // Edit the strategy into a conflict: refused on the strategy step.
    press(&mut s, KeyCode::Char('2'));
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Strategy);
    assert!(s.strategy_problem.is_some());
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Review);
    // Deployment from review, and Esc from review goes to deployment.
    press(&mut s, KeyCode::Char('3'));
    assert_eq!(s.step, Step::Deployment);
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Review);
    assert_eq!(
        s.review.plan.as_ref().map(|p| p.deployment),
        Some(Deployment::Docker)
    );
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.step, Step::Deployment);
}

#[test]
fn editing_names_into_a_conflict_sends_the_operator_to_the_step_at_fault() {
    let mut s = at_review("example.com", "matrix.example.com");
    press(&mut s, KeyCode::Char('2'));
    for _ in 0..5 {
        press(&mut s, KeyCode::Down);
    }
    s.names.set(Field::Host, "");
    press(&mut s, KeyCode::Enter); // `none` with no host is fine
    assert_eq!(s.step, Step::Review);
    press(&mut s, KeyCode::Char('1'));
    focus_host(&mut s);
    type_text(&mut s, "other.example.com");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Names, "the host now conflicts with `none`");
    assert_eq!(s.names.focused(), Field::Host);
    let status = s.status.clone().expect("status");
    assert_eq!(status.level, Level::Error);
    assert!(
        status
            .text
            .starts_with("delegated host: with no delegation"),
        "{}",
        status.text
    );
}

#[test]
fn write_config_flow_without_a_known_config() {
    let mut s = at_review("example.com", "matrix.example.com");
    assert!(press(&mut s, KeyCode::Char('w')).is_empty());
    let Some(Overlay::Prompt(prompt)) = &s.overlay else {
        panic!("a path prompt: {:?}", s.overlay)
    };
    assert_eq!(prompt.kind, PromptKind::ConfigPath);
    press(&mut s, KeyCode::Enter);
    assert!(
        matches!(&s.overlay, Some(Overlay::Prompt(p)) if p.error.is_some()),
        "empty path refused"
    );
    type_text(&mut s, "/etc/c.toml");
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::LoadConfig {
            path: "/etc/c.toml".into()
        }]
    );
    let plan = s.review.plan.clone().expect("plan");
    let found = ConfigStatus::Found(Box::new(ConfigInfo {
        path: "/etc/c.toml".into(),
        why: "the file you named".into(),
        server_name: Some("example.org".into()),
        well_known: WellKnownSection::default(),
        notes: Vec::new(),
        listener: None,
    }));
    let cmds = update(&mut s, Msg::ConfigLoaded(found));
    assert_eq!(
        cmds,
        vec![Cmd::PreviewConfigWrite {
            path: "/etc/c.toml".into(),
            plan: Box::new(plan.clone())
        }]
    );
    let warn = s.status.clone().expect("server_name warning");
    assert!(
        warn.text.contains("server_name = \"example.org\""),
        "{}",
        warn.text
    );
    assert_eq!(s.review.preview, PreviewState::Pending);
    // A preview for other answers is stale.
    let mut other = plan.clone();
    other.port = 8443;
    let preview = ConfigPreview {
        path: "/etc/c.toml".into(),
        diff: "+server".into(),
        fingerprint: "1".into(),
        notes: Vec::new(),
    };
    s.dirty = false;
    let stale = Msg::ConfigPreviewed {
        plan: Box::new(other),
        result: Ok(preview.clone()),
    };
    assert!(update(&mut s, stale).is_empty());
    assert!(!s.dirty);
    assert_eq!(s.review.preview, PreviewState::Pending);
    update(
        &mut s,
        Msg::ConfigPreviewed {
            plan: Box::new(plan.clone()),
            result: Ok(preview.clone()),
        },
    );
    assert!(
        matches!(s.overlay, Some(Overlay::ConfirmWrite { .. })),
        "the diff opens for confirmation"
    );
    press(&mut s, KeyCode::Char('n'));
    assert!(s.overlay.is_none());
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Nothing was written.")
    );
    press(&mut s, KeyCode::Char('w'));
    let cmds = press(&mut s, KeyCode::Char('y'));
    assert_eq!(
        cmds,
        vec![Cmd::WriteConfig {
            plan: Box::new(plan.clone()),
            preview: preview.clone()
        }]
    );
    let outcome = WriteOutcome {
        path: "/etc/c.toml".into(),
        backup: Some("/etc/c.toml.bak".into()),
        warning: None,
    };
    let cmds = update(&mut s, Msg::ConfigWritten(Ok(outcome)));
    press(&mut s, KeyCode::Esc); // closes the self-check dialog
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("backup: /etc/c.toml.bak"))
    );
    assert!(
        matches!(
            &cmds[..],
            [Cmd::SelfCheck { .. }, Cmd::PreviewConfigWrite { .. }]
        ),
        "the homeserver is asked and the diff is refreshed: {cmds:?}"
    );
    update(
        &mut s,
        Msg::ConfigPreviewed {
            plan: Box::new(plan.clone()),
            result: Ok(preview.clone()),
        },
    );
    let cmds = update(
        &mut s,
        Msg::ConfigWritten(Err("/etc/c.toml: the file changed on disk".into())),
    );
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.level == Level::Error && x.text.contains("Nothing was written"))
    );
    // The diff shown is no longer the file's: it is computed again.
    assert_eq!(
        cmds,
        vec![Cmd::PreviewConfigWrite {
            path: "/etc/c.toml".into(),
            plan: Box::new(plan.clone())
        }]
    );
    assert_eq!(s.review.preview, PreviewState::Pending);
}

/// What the config editor says when the file names another server.
const REFUSED: &str = "/etc/conduwuit/conduwuit.toml: the config file's server_name is \
                       `example.org` (line 2) but the plan is for `example.com`. The server \
                       name cannot change without wiping the homeserver's database";

#[test]
fn write_config_with_a_known_config_and_with_docker() {
    let mut s = State::wizard(config("example.com"), false);
    let cmds = review_from_welcome(&mut s);
    assert!(
        matches!(&cmds[..], [Cmd::PreviewConfigWrite { path, .. }] if path == &PathBuf::from("/etc/conduwuit/conduwuit.toml"))
    );
    assert!(press(&mut s, KeyCode::Char('w')).is_empty());
    assert!(s.review.write_requested, "confirm once the diff arrives");
    let plan = s.review.plan.clone().expect("plan");
    update(
        &mut s,
        Msg::ConfigPreviewed {
            plan: Box::new(plan.clone()),
            result: Err(REFUSED.into()),
        },
    );
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text == format!("Cannot write: {REFUSED}"))
    );
    assert!(matches!(s.review.preview, PreviewState::Failed(_)));
    let tabs = s.review.tabs();
    let diff = tabs
        .iter()
        .find(|t| t.label == "config diff")
        .expect("a config diff tab");
    assert!(
        diff.text.contains("server = \"matrix.example.com:443\""),
        "the section to paste by hand"
    );
    assert!(
        diff.text.starts_with(&format!("No diff: {REFUSED}")),
        "{}",
        diff.text
    );
    assert_eq!(tabs.iter().filter(|t| t.label == "config diff").count(), 1);
    // Docker: nothing to write into a file.
    press(&mut s, KeyCode::Char('3'));
    press(&mut s, KeyCode::Right);
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(cmds.is_empty(), "Docker: no config diff");
    assert!(press(&mut s, KeyCode::Char('w')).is_empty());
    assert!(s.overlay.is_none());
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("environment"))
    );
}

#[test]
fn save_and_copy() {
    let mut s = at_review("example.com", "matrix.example.com");
    s.review.artifacts.clear(); // as in a build whose generator made nothing
    press(&mut s, KeyCode::Char('s'));
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("no files to save"))
    );
    s.review.artifacts = sample_artifacts();
    press(&mut s, KeyCode::Char('s'));
    let Some(Overlay::Prompt(p)) = &s.overlay else {
        panic!("prompt")
    };
    assert_eq!(p.input.value(), "matrix-delegate-example.com");
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::SaveArtifacts {
            dir: "matrix-delegate-example.com".into(),
            artifacts: sample_artifacts()
        }]
    );
    update(
        &mut s,
        Msg::ArtifactsSaved(Ok(SavedFiles {
            dir: "d".into(),
            files: vec!["d/a".into(), "d/b".into()],
        })),
    );
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Saved 2 files in d")
    );
    press(&mut s, KeyCode::Char('s'));
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert!(s.overlay.is_none(), "Esc cancels the prompt");
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Right);
    let cmds = press(&mut s, KeyCode::Char('c'));
    assert_eq!(
        cmds,
        vec![Cmd::CopyToClipboard {
            label: "Caddyfile".into(),
            text: sample_artifacts()[1].text.clone()
        }]
    );
    update(
        &mut s,
        Msg::Copied {
            label: "Caddyfile".into(),
            result: Ok(120),
        },
    );
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("“Caddyfile” (120 bytes)"))
    );
}

#[test]
fn check_an_existing_setup() {
    let mut s = State::wizard(config("example.com"), false);
    let cmds = press(&mut s, KeyCode::Char('2'));
    assert_eq!(s.step, Step::Checks);
    let [Cmd::StartChecks(req)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!((req.run, req.server_name.as_str()), (1, "example.com"));
    assert_eq!(
        req.expected,
        Expected::WellKnown(WellKnownSection::default())
    );
    let mut s = fresh();
    assert!(press(&mut s, KeyCode::Char('2')).is_empty());
    type_text(&mut s, "https://example.com");
    press(&mut s, KeyCode::Enter);
    assert!(
        matches!(&s.overlay, Some(Overlay::Prompt(p)) if p.error.as_deref().is_some_and(|e| e.contains("URL scheme")))
    );
    update(&mut s, ctrl('u'));
    type_text(&mut s, "example.com");
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(matches!(&cmds[..], [Cmd::StartChecks(r)] if r.expected == Expected::Nothing));
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.step, Step::Welcome, "no review yet: back to welcome");
}
