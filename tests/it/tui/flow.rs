//! Pure transition tests of the wizard's steps: every key, going back,
//! editing from review, invalid input. No I/O, no sleeps, no terminal.

use std::path::PathBuf;

use crossterm::event::KeyCode;

use matrix_delegate::domain::plan::WellKnownSection;
use matrix_delegate::domain::{Deployment, Field, Proxy, Strategy};
use matrix_delegate::tui::data::{ConfigInfo, ConfigStatus};
use matrix_delegate::tui::state::feedback::field_notes;
use matrix_delegate::tui::state::{Level, Overlay, State, Step};
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::support::tui::*;

fn fresh() -> State {
    State::wizard(ConfigStatus::NotFound, false)
}

fn notes(state: &State, field: Field) -> Vec<String> {
    field_notes(state, field)
        .into_iter()
        .map(|n| n.text)
        .collect()
}

#[test]
fn welcome_keys() {
    let mut s = fresh();
    press(&mut s, KeyCode::Up);
    assert_eq!(s.welcome_choice, 2, "up wraps to the last path");
    press(&mut s, KeyCode::Down);
    assert_eq!(s.welcome_choice, 0);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.welcome_choice, 2);
    assert!(press(&mut s, KeyCode::Char('x')).is_empty());
    press(&mut s, KeyCode::Char('1'));
    assert_eq!(s.step, Step::Names);
    assert!(!s.learning);
}

#[test]
fn learn_the_options_and_set_up_from_there() {
    let mut s = fresh();
    press(&mut s, KeyCode::Char('3'));
    assert_eq!((s.step, s.learning), (Step::Strategy, true));
    press(&mut s, KeyCode::Esc);
    assert_eq!(
        (s.step, s.learning),
        (Step::Welcome, false),
        "Esc leaves learning"
    );
    press(&mut s, KeyCode::Char('3'));
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Enter);
    assert_eq!(
        s.step,
        Step::Names,
        "Enter sets up with the selected strategy"
    );
    assert_eq!(s.strategy(), Strategy::Static);
    assert!(!s.learning);
}

#[test]
fn quit_help_and_ctrl_c() {
    let mut s = fresh();
    assert_eq!(press(&mut s, KeyCode::Char('q')), vec![Cmd::Quit]);
    let mut s = fresh();
    press(&mut s, KeyCode::Char('?'));
    assert!(matches!(s.overlay, Some(Overlay::Help)));
    assert!(
        press(&mut s, KeyCode::Char('q')).is_empty(),
        "q only closes help"
    );
    assert!(s.overlay.is_none());
    assert_eq!(s.step, Step::Welcome);
    // In a form `q` and `?` are text; F1 and Ctrl-C still work.
    press(&mut s, KeyCode::Enter);
    type_text(&mut s, "q?");
    assert_eq!(s.names.value(Field::ServerName), "q?");
    press(&mut s, KeyCode::F(1));
    assert!(matches!(s.overlay, Some(Overlay::Help)));
    press(&mut s, KeyCode::Esc);
    assert_eq!(update(&mut s, ctrl('c')), vec![Cmd::Quit]);
    assert_eq!(update(&mut s, Msg::Terminate), vec![Cmd::Quit]);
}

#[test]
fn names_focus_moves_and_stays_in_bounds() {
    let mut s = fresh();
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Up);
    assert_eq!(s.names.focused(), Field::ServerName);
    for _ in 0..6 {
        press(&mut s, KeyCode::Tab);
    }
    assert_eq!(s.names.focused(), Field::ClientUrl);
    press(&mut s, KeyCode::BackTab);
    assert_eq!(s.names.focused(), Field::Port);
    type_text(&mut s, "8443");
    press(&mut s, KeyCode::Backspace);
    assert_eq!(s.names.value(Field::Port), "844");
    update(&mut s, ctrl('u'));
    assert_eq!(s.names.value(Field::Port), "");
}

#[test]
fn names_refuse_empty_and_invalid_input_with_reasons() {
    let mut s = fresh();
    press(&mut s, KeyCode::Enter);
    assert!(notes(&s, Field::ServerName)[0].contains("the part after the colon"));
    assert_eq!(field_notes(&s, Field::ServerName)[0].level, Level::Hint);
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(s.step, Step::Names, "empty answers do not move on");
    assert!(s.names.submitted);
    assert_eq!(field_notes(&s, Field::ServerName)[0].level, Level::Error);
    let status = s.status.clone().expect("status");
    assert_eq!(status.level, Level::Error);
    assert!(status.text.starts_with("server name:"), "{}", status.text);

    type_text(&mut s, "example.com");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "https://matrix.example.com/");
    let host = notes(&s, Field::Host);
    assert!(
        host[0].contains("no `https://` here") && host[0].contains("`matrix.example.com`"),
        "{host:?}"
    );
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Names);
    assert_eq!(
        s.names.focused(),
        Field::Host,
        "focus jumps to the refused field"
    );

    update(&mut s, ctrl('u'));
    type_text(&mut s, "matrix.example.com:8448");
    assert!(
        notes(&s, Field::Host)[0].contains("takes no port"),
        "{:?}",
        notes(&s, Field::Host)
    );
    update(&mut s, ctrl('u'));
    type_text(&mut s, "matrix.example.com");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Strategy);
}

#[test]
fn names_detect_the_typical_slips() {
    let mut s = State::wizard(config("example.org"), false);
    assert_eq!(
        s.names.value(Field::ServerName),
        "example.org",
        "pre-filled from the config"
    );
    press(&mut s, KeyCode::Enter);
    update(&mut s, ctrl('u'));
    type_text(&mut s, "matrix.example.com");
    let n = notes(&s, Field::ServerName);
    assert!(
        n.iter()
            .any(|t| t.contains("server_name = \"example.org\"")
                && t.contains("wiping the database")),
        "{n:?}"
    );
    assert!(
        n.iter().any(|t| t.contains("looks like the machine's name")
            && t.contains("type `example.com` here")),
        "{n:?}"
    );
    // The same host in both fields: the plan's own warning.
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "matrix.example.com");
    let n = notes(&s, Field::Host);
    assert!(
        n.iter()
            .any(|t| t
                .contains("did you mean the server name `example.com` (users @alice:example.com)")),
        "{n:?}"
    );
    assert!(!n.iter().any(|t| t.contains("matrix.matrix")), "{n:?}");
    // The config's own name raises neither warning.
    let mut ok = State::wizard(config("matrix.example.com"), false);
    press(&mut ok, KeyCode::Enter);
    let n = notes(&ok, Field::ServerName);
    assert!(
        n.iter()
            .all(|t| !t.contains("looks like") && !t.contains("wiping")),
        "{n:?}"
    );
}

#[test]
fn config_values_prefill_host_port_and_client() {
    let info = ConfigInfo {
        path: PathBuf::from("/etc/c.toml"),
        why: "the file you named".into(),
        server_name: Some("example.com".into()),
        well_known: WellKnownSection {
            server: Some("hs.example.com:8443".into()),
            client: Some("https://client.example.com".into()),
            ..WellKnownSection::default()
        },
        notes: Vec::new(),
        listener: None,
    };
    let s = State::wizard(ConfigStatus::Found(Box::new(info)), false);
    assert_eq!(s.names.value(Field::Host), "hs.example.com");
    assert_eq!(s.names.value(Field::Port), "8443");
    assert_eq!(
        s.names.value(Field::ClientUrl),
        "https://client.example.com"
    );
}

#[test]
fn esc_goes_back_and_never_loses_answers() {
    let mut s = fresh();
    at_names(&mut s, "example.com", "matrix.example.com");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Deployment);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Right);
    assert_eq!(s.deploy.proxy, Proxy::Nginx);
    for step in [Step::Strategy, Step::Names, Step::Welcome] {
        press(&mut s, KeyCode::Esc);
        assert_eq!(s.step, step);
    }
    assert!(
        press(&mut s, KeyCode::Esc).is_empty(),
        "nothing before welcome"
    );
    let a = s.answers();
    assert_eq!(
        (a.server_name.as_str(), a.host.as_str()),
        ("example.com", "matrix.example.com")
    );
    assert_eq!((a.strategy, a.proxy), (Strategy::Static, Proxy::Nginx));
}

#[test]
fn strategy_keys_choose_scroll_and_refuse() {
    let mut s = fresh();
    at_names(&mut s, "example.com", "matrix.example.com");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Up);
    assert_eq!(s.strategy(), Strategy::None, "up wraps");
    press(&mut s, KeyCode::Down);
    assert_eq!(s.strategy(), Strategy::WellKnown);
    press(&mut s, KeyCode::PageDown);
    assert!(s.lesson_scroll > 0);
    press(&mut s, KeyCode::End);
    let max = s.lesson_scroll;
    s.dirty = false;
    assert!(press(&mut s, KeyCode::PageDown).is_empty());
    assert_eq!(s.lesson_scroll, max, "scrolling stops at the end");
    assert!(!s.dirty, "a scroll past the end changes nothing");
    press(&mut s, KeyCode::Down);
    assert_eq!(s.lesson_scroll, 0, "a new strategy starts at the top");
    // `none` with a delegated host is refused, with the reason.
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Strategy);
    let problem = s.strategy_problem.clone().expect("problem");
    assert!(
        problem.contains("must run at `example.com` itself"),
        "{problem}"
    );
    press(&mut s, KeyCode::Up);
    assert!(s.strategy_problem.is_none(), "choosing again clears it");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Deployment);
}

#[test]
fn deployment_choices_and_validation() {
    let mut s = fresh();
    at_names(&mut s, "example.com", "matrix.example.com");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Right);
    assert_eq!(s.deploy.deployment, Deployment::Docker);
    press(&mut s, KeyCode::Char(' '));
    assert_eq!(s.deploy.deployment, Deployment::ConfigFile);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Left);
    assert_eq!(s.deploy.proxy, Proxy::Static);
    press(&mut s, KeyCode::Enter);
    assert_eq!(
        s.step,
        Step::Deployment,
        "static files cannot proxy well-known"
    );
    assert_eq!(s.deploy.focus, 1);
    assert!(notes(&s, Field::Proxy)[0].contains("cannot forward"));
    press(&mut s, KeyCode::Right);
    for _ in 0..4 {
        press(&mut s, KeyCode::Down);
    }
    type_text(&mut s, "admin");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Deployment);
    assert_eq!(s.deploy.row().field(), Field::SupportEmail);
    type_text(&mut s, "@example.com");
    let cmds = press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Review);
    assert!(cmds.is_empty(), "no config file known: nothing to preview");
    let plan = s.review.plan.clone().expect("plan");
    assert_eq!(plan.support.email.as_deref(), Some("admin@example.com"));
    assert_eq!(s.review.tabs()[0].title, "summary");
}

#[test]
fn resize_keeps_scrolls_in_range() {
    let mut s = fresh();
    press(&mut s, KeyCode::Char('3'));
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 20,
        },
    );
    press(&mut s, KeyCode::End);
    let small = s.lesson_scroll;
    assert!(small > 0);
    update(
        &mut s,
        Msg::Resize {
            width: 200,
            height: 60,
        },
    );
    assert!(
        s.lesson_scroll < small,
        "a bigger screen needs less scrolling"
    );
    assert_eq!((s.width, s.height), (200, 60));
}
