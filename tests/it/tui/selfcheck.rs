//! The wizard's step after writing the config file (`w`, `y`): the dialog
//! with the restart command, then the running homeserver asked locally
//! where the written file says it listens — with the real config services
//! and the real local asker, against a loopback stand-in homeserver that
//! answers the old values until it is "restarted". Each command the pure
//! state emits is carried out by hand, as the runtime would.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::KeyCode;
use insta::assert_snapshot;

use matrix_delegate::selfcheck::Expected;
use matrix_delegate::tui::data::SelfCheckAnswer;
use matrix_delegate::tui::services::{
    ask_homeserver, load_config, preview_config_write, write_config,
};
use matrix_delegate::tui::state::{Overlay, State, Step};
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::config::selfcheck::{NEW_CLIENT, NEW_SERVER, OLD_SERVER, answer};
use crate::support::tui::*;

/// A homeserver stand-in on loopback: the old `server` answer (and no
/// client file) until `restarted` is set, then the new ones.
fn stand_in(restarted: Arc<AtomicBool>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("local address").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            if restarted.load(Ordering::SeqCst) {
                answer(&mut stream, Some(NEW_SERVER), Some(NEW_CLIENT));
            } else {
                answer(&mut stream, Some(OLD_SERVER), None);
            }
        }
    });
    port
}

/// A wizard at the review with a config file whose homeserver listens on
/// `port` and no delegation yet (the stand-in still runs with an older
/// one); the preview computed.
fn review(dir: &Path, port: u16) -> (State, PathBuf) {
    let path = dir.join("continuwuity.toml");
    std::fs::write(
        &path,
        format!(
            "[global]\nserver_name = \"example.com\"\naddress = \"127.0.0.1\"\nport = {port}\n"
        ),
    )
    .expect("write config");
    let mut s = State::wizard(load_config(Some(&path), &[]), false);
    let cmds = review_from_welcome(&mut s);
    preview(&mut s, &cmds);
    (s, path)
}

fn preview(s: &mut State, cmds: &[Cmd]) {
    for cmd in cmds {
        if let Cmd::PreviewConfigWrite { path, plan } = cmd {
            let result = preview_config_write(path, plan, &[]).map_err(|e| e.to_string());
            update(
                s,
                Msg::ConfigPreviewed {
                    plan: plan.clone(),
                    result,
                },
            );
        }
    }
}

/// `w`, `y`, and the write carried out: returns the commands that follow.
fn write(s: &mut State) -> Vec<Cmd> {
    press(s, KeyCode::Char('w'));
    let cmds = press(s, KeyCode::Char('y'));
    let [Cmd::WriteConfig { plan, preview }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    let outcome = write_config(plan, preview, &[]).map_err(|e| e.to_string());
    update(s, Msg::ConfigWritten(outcome))
}

/// Carries out the one `SelfCheck` in `cmds` with the real asker (the
/// restart advice fixed, as on a machine with the continuwuity unit).
fn ask(s: &mut State, cmds: &[Cmd]) {
    let asks: Vec<(&PathBuf, &Expected)> = cmds
        .iter()
        .filter_map(|c| match c {
            Cmd::SelfCheck { config, expected } => Some((config, expected)),
            _ => None,
        })
        .collect();
    let [(config, expected)] = asks[..] else {
        panic!("one self-check: {cmds:?}")
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let result = runtime
        .block_on(ask_homeserver(
            config,
            expected,
            &[],
            Duration::from_secs(5),
        ))
        .map(|check| SelfCheckAnswer {
            restart: "systemctl restart continuwuity".to_string(),
            check,
        })
        .map_err(|e| e.to_string());
    update(
        s,
        Msg::SelfChecked {
            config: config.clone(),
            result,
        },
    );
}

fn dialog(s: &State) -> &matrix_delegate::tui::state::SelfCheckDialog {
    match &s.overlay {
        Some(Overlay::SelfCheck(d)) => d,
        other => panic!("no self-check dialog: {other:?}"),
    }
}

/// `s` as the snapshots show it: the temporary folder, the stand-in's
/// port and the backup's time stamp replaced by fixed ones, so that the
/// wrapping does not depend on them.
fn fixed(s: &State, dir: &Path, port: u16) -> String {
    let mut s = s.clone();
    if let Some(Overlay::SelfCheck(d)) = &mut s.overlay {
        let wrote = d
            .wrote
            .replace(&dir.display().to_string(), "/etc/continuwuity");
        d.wrote = match wrote.find(".bak.") {
            Some(at) => format!("{}.bak.20260101T000000Z).", &wrote[..at]),
            None => wrote,
        };
        if let Some(Ok(answer)) = &mut d.answer {
            for (_, at, _) in &mut answer.check.files {
                *at = at.replace(&port.to_string(), "8008");
            }
        }
    }
    screen(&s, 80, 24)
}

#[test]
fn not_restarted_is_named_then_r_asks_again_and_enter_runs_the_public_checks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let restarted = Arc::new(AtomicBool::new(false));
    let port = stand_in(restarted.clone());
    let (mut s, path) = review(dir.path(), port);

    let cmds = write(&mut s);
    let d = dialog(&s);
    assert!(d.asking && d.answer.is_none(), "{d:?}");
    assert_eq!(d.config, path);
    assert_eq!(
        d.expected,
        Expected {
            server: Some("matrix.example.com:443".into()),
            client: Some("https://matrix.example.com".into()),
        }
    );
    // The diff is refreshed as before.
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::PreviewConfigWrite { .. })),
        "{cmds:?}"
    );
    assert_snapshot!("selfcheck_asking_80x24", fixed(&s, dir.path(), port));

    // The stand-in still runs with the old configuration.
    ask(&mut s, &cmds);
    let d = dialog(&s);
    let Some(Ok(answer)) = &d.answer else {
        panic!("{d:?}")
    };
    assert!(answer.check.needs_restart(), "{:?}", answer.check);
    assert!(!d.asking);
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("still serves the old answer"), "{shown}");
    assert!(shown.contains("systemctl restart continuwuity"), "{shown}");
    assert_snapshot!("selfcheck_stale_80x24", fixed(&s, dir.path(), port));

    // Enter is not the only way out, but Esc-less keys do nothing else:
    // the dialog stays until one of its keys.
    assert!(press(&mut s, KeyCode::Char('x')).is_empty());
    assert!(matches!(s.overlay, Some(Overlay::SelfCheck(_))));

    // Restarted: r asks again, and now it serves what was written.
    restarted.store(true, Ordering::SeqCst);
    let cmds = press(&mut s, KeyCode::Char('r'));
    assert!(dialog(&s).asking);
    ask(&mut s, &cmds);
    let d = dialog(&s);
    let Some(Ok(answer)) = &d.answer else {
        panic!("{d:?}")
    };
    assert!(answer.check.passed(), "{:?}", answer.check);
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("It serves what you wrote"), "{shown}");
    assert_snapshot!("selfcheck_passed_80x24", fixed(&s, dir.path(), port));

    // Only then Enter runs the public checks.
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(s.overlay.is_none());
    assert_eq!(s.step, Step::Checks);
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::StartChecks(_))),
        "{cmds:?}"
    );
}

#[test]
fn nothing_listening_is_not_called_stale_and_a_late_answer_after_esc_is_dropped() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A port nothing listens on: bound, then released.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let (mut s, _path) = review(dir.path(), port);
    let cmds = write(&mut s);
    ask(&mut s, &cmds);
    let d = dialog(&s);
    let Some(Ok(answer)) = &d.answer else {
        panic!("{d:?}")
    };
    assert!(answer.check.unreachable(), "{:?}", answer.check);
    assert!(!answer.check.needs_restart());
    let shown = screen(&s, 80, 24);
    assert!(
        shown.contains("Nothing answers where the config"),
        "{shown}"
    );

    // r, then Esc before the answer: the answer is dropped, the review stays.
    let cmds = press(&mut s, KeyCode::Char('r'));
    press(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
    assert_eq!(s.step, Step::Review);
    ask(&mut s, &cmds);
    assert!(s.overlay.is_none());
}
