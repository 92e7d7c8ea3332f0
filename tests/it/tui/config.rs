//! The wizard with the real config services (`load_config`,
//! `preview_config_write`, `write_config` on temporary files) and no
//! runtime: each command the pure state emits is carried out by hand, as the
//! runtime would, and its answer fed back.

use std::path::PathBuf;

use crossterm::event::KeyCode;

use matrix_delegate::tui::services::{load_config, preview_config_write, write_config};
use matrix_delegate::tui::state::{Level, Overlay, State};
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::support::tui::*;

/// Carries out the one `PreviewConfigWrite` in `cmds` with the real
/// config service, as the runtime would, and feeds the answer back.
fn run_preview(s: &mut State, cmds: &[Cmd]) -> PathBuf {
    let [Cmd::PreviewConfigWrite { path, plan }] = cmds else {
        panic!("one preview: {cmds:?}")
    };
    let result = preview_config_write(path, plan, &[]).map_err(|e| e.to_string());
    update(
        s,
        Msg::ConfigPreviewed {
            plan: plan.clone(),
            result,
        },
    );
    path.clone()
}

/// A wizard that found the config file at `path` (written with `text`),
/// walked to the review with the seed's names.
fn review_with_config(path: &std::path::Path, text: &str) -> (State, Vec<Cmd>) {
    std::fs::write(path, text).expect("write config");
    let mut s = State::wizard(load_config(Some(path), &[]), false);
    let cmds = review_from_welcome(&mut s);
    (s, cmds)
}

#[test]
fn the_config_tab_shows_the_real_diff_and_writes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("conduwuit.toml");
    let original = "# my server\n[global]\nserver_name = \"example.com\"\n\n\
                    [global.well_known]\n# contacts\nsupport_email = \"admin@example.com\"\n";
    let (mut s, cmds) = review_with_config(&path, original);
    assert_eq!(run_preview(&mut s, &cmds), path);
    let tabs = s.review.tabs();
    let labels: Vec<&str> = tabs.iter().map(|t| t.label.as_ref()).collect();
    assert_eq!(
        labels,
        ["summary", "DNS", "config diff", "proxy", "next steps"]
    );
    let diff = &tabs[2];
    assert!(
        diff.text
            .contains("+client = \"https://matrix.example.com\"\n"),
        "{}",
        diff.text
    );
    assert!(diff.text.contains("+server = \"matrix.example.com:443\""));
    assert!(!diff.text.contains("-support_email"), "{}", diff.text);
    assert!(diff.title.contains("conduwuit.toml"), "{}", diff.title);

    press(&mut s, KeyCode::Char('w'));
    let cmds = press(&mut s, KeyCode::Char('y'));
    let [Cmd::WriteConfig { plan, preview }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    let outcome = write_config(plan, preview, &[]).map_err(|e| e.to_string());
    let backup = outcome.as_ref().ok().and_then(|o| o.backup.clone());
    let cmds = update(&mut s, Msg::ConfigWritten(outcome));
    // The self-check dialog opens; Esc leaves the words on the status line.
    assert!(
        matches!(s.overlay, Some(Overlay::SelfCheck(_))),
        "{:?}",
        s.overlay
    );
    let cmds: Vec<Cmd> = cmds
        .into_iter()
        .filter(|c| !matches!(c, Cmd::SelfCheck { .. }))
        .collect();
    press(&mut s, KeyCode::Esc);
    let status = s.status.clone().expect("status");
    assert_eq!(status.level, Level::Ok, "{}", status.text);
    let backup = backup.expect("a backup");
    assert_eq!(std::fs::read_to_string(&backup).expect("backup"), original);
    let now = std::fs::read_to_string(&path).expect("read");
    assert!(
        now.starts_with(
            "# my server\n[global]\nserver_name = \"example.com\"\n\n[global.well_known]\n"
        ),
        "{now}"
    );
    assert!(
        now.contains("# contacts\nsupport_email = \"admin@example.com\"\n"),
        "{now}"
    );
    assert!(
        now.contains("server = \"matrix.example.com:443\"\n"),
        "{now}"
    );
    // The refreshed diff says that nothing is left to change.
    run_preview(&mut s, &cmds);
    let tabs = s.review.tabs();
    assert!(
        tabs[2].text.contains("already says exactly this"),
        "{}",
        tabs[2].text
    );
}

#[test]
fn a_config_for_another_server_name_is_refused_in_the_review() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("conduwuit.toml");
    let text = "[global]\nserver_name = \"example.org\"\n";
    let (mut s, cmds) = review_with_config(&path, text);
    run_preview(&mut s, &cmds);
    press(&mut s, KeyCode::Char('w'));
    assert!(s.overlay.is_none(), "no confirmation for a refused edit");
    let status = s.status.clone().expect("status");
    assert_eq!(status.level, Level::Error);
    assert!(
        status.text.contains("`example.org`")
            && status.text.contains("cannot change without wiping"),
        "{}",
        status.text
    );
    let tabs = s.review.tabs();
    assert!(tabs[2].text.starts_with("No diff: "), "{}", tabs[2].text);
    assert!(
        tabs[2].text.contains("[global.well_known]\n"),
        "the section to paste by hand: {}",
        tabs[2].text
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}
