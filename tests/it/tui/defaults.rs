//! Defaults from the operator's own config: the homeserver address from
//! `address`, `port` or `unix_socket_path` (labelled with its line), the
//! Compose service name with Docker, another config file chosen from the
//! review, a wrong path that does not stick; and the smaller answers: a
//! port in the server name, the support role as a choice, the export
//! folder made when missing, OS errors in words.

use std::path::PathBuf;

use crossterm::event::KeyCode;

use matrix_delegate::domain::{Deployment, Field};
use matrix_delegate::report::Report;
use matrix_delegate::tui::data::ConfigStatus;
use matrix_delegate::tui::services::{export_report, load_config};
use matrix_delegate::tui::state::feedback::field_notes;
use matrix_delegate::tui::state::{DeployRow, Level, Overlay, PromptKind, State, Step};
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::support::tui::*;

fn config_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("continuwuity.toml");
    std::fs::write(&path, text).expect("write config");
    (dir, path)
}

fn upstream_of(text: &str) -> (String, String) {
    let (_dir, path) = config_file(text);
    let ConfigStatus::Found(info) = load_config(Some(&path), &[]) else {
        panic!("found")
    };
    let listener = info.listener.expect("a listener");
    (listener.upstream, listener.origin)
}

#[test]
fn the_homeserver_address_comes_from_the_config_with_its_line() {
    let (upstream, origin) = upstream_of("[global]\nserver_name = \"example.com\"\nport = 6167\n");
    assert_eq!(upstream, "127.0.0.1:6167");
    assert_eq!(origin, "from your config, line 3");
    let (upstream, origin) = upstream_of(
        "[global]\nserver_name = \"example.com\"\naddress = [\"0.0.0.0\"]\nport = [8008, 8448]\n",
    );
    assert_eq!(
        upstream, "127.0.0.1:8008",
        "a wildcard is reached on loopback"
    );
    assert_eq!(origin, "from your config, lines 3 and 4");
    let (upstream, _) =
        upstream_of("[global]\nserver_name = \"example.com\"\naddress = \"::1\"\nport = 8008\n");
    assert_eq!(upstream, "[::1]:8008");
    let (upstream, origin) = upstream_of(
        "[global]\nserver_name = \"example.com\"\nport = 6167\n\
         unix_socket_path = \"/run/continuwuity/continuwuity.sock\"\n",
    );
    assert_eq!(upstream, "unix:/run/continuwuity/continuwuity.sock");
    assert_eq!(origin, "from your config, line 4");
    // Nothing set: Continuwuity's own default, no label.
    let (_dir, path) = config_file("[global]\nserver_name = \"example.com\"\n");
    let ConfigStatus::Found(info) = load_config(Some(&path), &[]) else {
        panic!("found")
    };
    assert_eq!(info.listener, None);
}

#[test]
fn the_wizard_prefills_the_address_and_says_where_it_came_from() {
    let (_dir, path) = config_file(
        "[global]\nserver_name = \"example.com\"\n\
         unix_socket_path = \"/run/continuwuity/continuwuity.sock\"\n",
    );
    let found = load_config(Some(&path), &[]);
    let mut s = State::wizard(found, false);
    assert_eq!(
        s.deploy.value(Field::Upstream),
        "unix:/run/continuwuity/continuwuity.sock"
    );
    let notes = field_notes(&s, Field::Upstream);
    assert!(
        notes
            .iter()
            .any(|n| n.level == Level::Info && n.text == "from your config, line 3"),
        "{notes:?}"
    );
    // The plan takes it, and so do the generated proxy configurations.
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "matrix.example.com");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Review);
    let plan = s.review.plan.clone().expect("plan");
    assert_eq!(plan.upstream, "unix:/run/continuwuity/continuwuity.sock");
    let caddy = s
        .review
        .artifacts
        .iter()
        .find(|a| a.id == matrix_delegate::generate::ids::PROXY)
        .expect("the proxy configuration");
    assert!(
        caddy
            .text
            .contains("reverse_proxy unix//run/continuwuity/continuwuity.sock"),
        "{}",
        caddy.text
    );
    // Drawn at 80×24 with its label, nothing cut.
    press(&mut s, KeyCode::Char('3'));
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("from your config, line 3"), "{shown}");
}

#[test]
fn docker_suggests_the_service_name() {
    let mut s = at_review("example.com", "matrix.example.com");
    press(&mut s, KeyCode::Char('3'));
    s.deploy.deployment = Deployment::Docker;
    let notes = field_notes(&s, Field::Upstream);
    assert!(
        notes
            .iter()
            .any(|n| n.level == Level::Warn && n.text.contains("`continuwuity:8008`")),
        "{notes:?}"
    );
    // Once a service name is typed, the warning goes.
    s.deploy.focus = DeployRow::index_of(Field::Upstream).expect("row");
    update(&mut s, ctrl('u'));
    type_text(&mut s, "continuwuity:6167");
    let notes = field_notes(&s, Field::Upstream);
    assert!(!notes.iter().any(|n| n.level == Level::Warn), "{notes:?}");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Review);
    // `w` has nothing to write with Docker: not offered in the key bar.
    let shown = screen(&s, 100, 30);
    assert!(!shown.contains("w write config"), "{shown}");
}

#[test]
fn a_wrong_config_path_does_not_stick_and_o_names_another_file() {
    let mut s = at_review("example.com", "matrix.example.com");
    press(&mut s, KeyCode::Char('w'));
    assert!(matches!(&s.overlay, Some(Overlay::Prompt(p)) if p.kind == PromptKind::ConfigPath));
    type_text(&mut s, "/nonexistent/conduwuit.toml");
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(
        matches!(cmds.as_slice(), [Cmd::LoadConfig { .. }]),
        "{cmds:?}"
    );
    update(
        &mut s,
        Msg::ConfigLoaded(ConfigStatus::Problem(
            "/nonexistent/conduwuit.toml: no such file".into(),
        )),
    );
    assert_eq!(
        s.status.as_ref().and_then(|m| m.next.as_deref()),
        Some("Press w (or o) to type another path.")
    );
    // w asks again: the wrong path was not kept.
    press(&mut s, KeyCode::Char('w'));
    assert!(
        matches!(&s.overlay, Some(Overlay::Prompt(p)) if p.kind == PromptKind::ConfigPath),
        "{:?}",
        s.overlay
    );
    press(&mut s, KeyCode::Esc);
    // A config found, then a wrong path typed with o: the found one stays.
    update(&mut s, Msg::ConfigLoaded(config("example.com")));
    press(&mut s, KeyCode::Char('o'));
    let Some(Overlay::Prompt(p)) = &s.overlay else {
        panic!("o opens the path prompt: {:?}", s.overlay)
    };
    assert_eq!(p.input.value(), "/etc/conduwuit/conduwuit.toml");
    update(&mut s, ctrl('u'));
    type_text(&mut s, "/elsewhere.toml");
    press(&mut s, KeyCode::Enter);
    update(&mut s, Msg::ConfigLoaded(ConfigStatus::NotFound));
    assert_eq!(
        s.config.found().map(|c| c.path.clone()),
        Some(PathBuf::from("/etc/conduwuit/conduwuit.toml"))
    );
}

#[test]
fn a_port_in_the_server_name_is_a_warning_not_a_tick() {
    let mut s = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut s, "example.com:8448", "");
    let notes = field_notes(&s, Field::ServerName);
    assert_eq!(notes[0].level, Level::Warn, "{notes:?}");
    assert!(
        notes[0]
            .text
            .contains("the port is part of every user ID for good"),
        "{notes:?}"
    );
    assert!(!notes.iter().any(|n| n.level == Level::Ok), "{notes:?}");
}

#[test]
fn the_support_role_is_a_choice() {
    let mut s = at_review("example.com", "matrix.example.com");
    press(&mut s, KeyCode::Char('3'));
    s.deploy.focus = DeployRow::index_of(Field::SupportRole).expect("row");
    // Typing does nothing on a choice; ← → choose.
    press(&mut s, KeyCode::Char('x'));
    assert_eq!(s.deploy.value(Field::SupportRole), "");
    press(&mut s, KeyCode::Right);
    assert_eq!(s.deploy.value(Field::SupportRole), "m.role.admin");
    press(&mut s, KeyCode::Right);
    assert_eq!(s.deploy.value(Field::SupportRole), "m.role.security");
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("[m.role.security]"), "{shown}");
    press(&mut s, KeyCode::Right);
    assert_eq!(s.deploy.value(Field::SupportRole), "", "back to not set");
    press(&mut s, KeyCode::Left);
    assert_eq!(s.deploy.value(Field::SupportRole), "m.role.security");
}

#[test]
fn export_makes_its_folder_and_says_os_errors_in_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("reports/today/example");
    let files = export_report(&base, &Report::new("example.com")).expect("exported");
    assert_eq!(files.len(), 2);
    assert!(files.iter().all(|f| f.is_file()), "{files:?}");
    // A folder where a file is: refused in words, no `(os error N)`.
    std::fs::write(dir.path().join("blocker"), "x").expect("write");
    let e = export_report(
        &dir.path().join("blocker/example"),
        &Report::new("example.com"),
    )
    .expect_err("refused");
    let text = e.to_string();
    assert!(!text.contains("os error"), "{text}");
    assert!(text.contains("blocker"), "{text}");
}

#[test]
fn a_broken_config_is_explained_in_the_wizard_s_words() {
    let (_dir, path) = config_file("[global]\nserver_name = \"example.com\nport = 6167\n");
    let ConfigStatus::Problem(why) = load_config(Some(&path), &[]) else {
        panic!("a problem")
    };
    assert!(why.contains("is not valid TOML: line 2"), "{why}");
    assert!(why.contains("nothing was changed"), "{why}");
    assert!(!why.contains("run again"), "command-line words: {why}");
}
