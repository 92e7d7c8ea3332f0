//! Rendered screens (ratatui TestBackend) at 80×24 and 140×40. These
//! snapshots are the documentation of the UI: each one was read.

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::KeyCode;
use insta::assert_snapshot;

use matrix_delegate::check::model::{CheckEvent, CheckId};
use matrix_delegate::domain::{Answers, ServerName};
use matrix_delegate::tui::data::{ConfigPreview, ConfigStatus, Expected};
use matrix_delegate::tui::state::{Overlay, PreviewState, State};
use matrix_delegate::tui::{Msg, update};

use crate::support::tui::*;

const SMALL: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (140, 40);

fn both(name: &str, state: &State) {
    assert_snapshot!(format!("{name}_80x24"), screen(state, SMALL.0, SMALL.1));
    assert_snapshot!(format!("{name}_140x40"), screen(state, WIDE.0, WIDE.1));
}

#[test]
fn welcome() {
    let state = State::wizard(config("example.com"), false);
    both("welcome", &state);
    let none = State::wizard(ConfigStatus::NotFound, false);
    assert_snapshot!("welcome_no_config_80x24", screen(&none, 80, 24));
    // What the config reader found worth knowing, at most three lines of it.
    let ConfigStatus::Found(mut info) = config("example.com") else {
        panic!("found")
    };
    info.notes = vec![
        "CONDUWUIT_CONFIG also names /etc/old.toml: Continuwuity reads every file named by \
         CONDUIT_CONFIG, CONDUWUIT_CONFIG and CONTINUWUITY_CONFIG, later ones winning key by key"
            .into(),
        "line 4: federation is disabled (allow_federation = false): /.well-known/matrix/server \
         answers 403 M_FORBIDDEN and no other server can reach this one"
            .into(),
        "line 9: unknown key `servr` in [global.well_known]: Continuwuity drops it silently".into(),
        "line 12: `well_known_client` is deprecated and ignored by Continuwuity".into(),
    ];
    let noted = State::wizard(ConfigStatus::Found(info), false);
    assert_snapshot!("welcome_config_notes_80x24", screen(&noted, 80, 24));
}

#[test]
fn names() {
    let mut state = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut state, "example.com", "matrix.example.com");
    both("names", &state);
}

#[test]
fn names_with_the_typical_slips() {
    // The config says example.org; the host was typed as the server name,
    // and `https://` went into the host field.
    let mut state = State::wizard(config("example.org"), false);
    press(&mut state, KeyCode::Enter);
    update(&mut state, ctrl('u'));
    type_text(&mut state, "matrix.example.com");
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, "https://matrix.example.com/");
    assert_snapshot!("names_slips_80x24", screen(&state, 80, 24));
    press(&mut state, KeyCode::BackTab);
    assert_snapshot!("names_slips_server_focused_80x24", screen(&state, 80, 24));
}

#[test]
fn strategy_teaches_with_the_operators_names() {
    let mut state = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut state, "chat.example.org", "hs.chat.example.org");
    press(&mut state, KeyCode::Enter);
    both("strategy_well_known", &state);
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Down);
    both("strategy_srv", &state);
    press(&mut state, KeyCode::PageDown);
    assert_snapshot!("strategy_srv_scrolled_80x24", screen(&state, 80, 24));
}

#[test]
fn strategy_refused_for_these_names() {
    let mut state = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut state, "example.com", "matrix.example.com");
    press(&mut state, KeyCode::Enter);
    for _ in 0..5 {
        press(&mut state, KeyCode::Down); // "no delegation"
    }
    press(&mut state, KeyCode::Enter);
    assert_snapshot!("strategy_none_refused_80x24", screen(&state, 80, 24));
}

#[test]
fn learn_the_options_uses_example_names() {
    let mut state = State::wizard(ConfigStatus::NotFound, false);
    press(&mut state, KeyCode::Char('3'));
    both("learn", &state);
}

#[test]
fn deployment() {
    let mut state = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut state, "example.com", "matrix.example.com");
    press(&mut state, KeyCode::Enter);
    press(&mut state, KeyCode::Enter);
    both("deployment", &state);
    // static files only cannot proxy well-known; a bad e-mail.
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Left);
    for _ in 0..4 {
        press(&mut state, KeyCode::Down);
    }
    type_text(&mut state, "admin");
    press(&mut state, KeyCode::Enter);
    assert_snapshot!("deployment_errors_80x24", screen(&state, 80, 24));
}

fn review_with_artifacts() -> State {
    let mut state = at_review("example.com", "matrix.example.com");
    state.review.artifacts = sample_artifacts();
    state
}

#[test]
fn review() {
    let mut state = review_with_artifacts();
    both("review_summary", &state);
    press(&mut state, KeyCode::Right);
    press(&mut state, KeyCode::Right);
    both("review_caddy", &state);
}

#[test]
fn review_with_the_real_generator_output() {
    // The seed example (well-known, Caddy, config file), with the files
    // the generator really writes.
    let mut state = State::wizard(ConfigStatus::NotFound, false).with_answers(&Answers::example());
    for _ in 0..4 {
        press(&mut state, KeyCode::Enter);
    }
    let labels: Vec<String> = state
        .review
        .tabs()
        .iter()
        .map(|t| t.label.to_string())
        .collect();
    assert_eq!(labels, ["summary", "DNS", "config", "proxy", "next steps"]);
    press(&mut state, KeyCode::Right);
    press(&mut state, KeyCode::Right);
    both("review_real_config", &state);
    press(&mut state, KeyCode::Left);
    assert_snapshot!("review_real_dns_80x24", screen(&state, 80, 24));
    // The DNS records are longer than the screen: the end is reachable.
    update(
        &mut state,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    press(&mut state, KeyCode::End);
    assert!(state.review.scroll > 0);
    assert_snapshot!("review_real_dns_end_80x24", screen(&state, 80, 24));
}

#[test]
fn review_with_a_config_diff_and_the_write_confirmation() {
    let mut state = State::wizard(config("example.com"), false);
    let cmds = review_from_welcome(&mut state);
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    state.review.artifacts = sample_artifacts();
    let plan = state.review.plan.clone().expect("plan");
    let diff = "--- /etc/conduwuit/conduwuit.toml\n+++ /etc/conduwuit/conduwuit.toml (new)\n@@ -12,3 +12,5 @@\n [global.well_known]\n-client = \"https://old.example.com\"\n+client = \"https://matrix.example.com\"\n+server = \"matrix.example.com:443\"\n \n # the rest is unchanged\n";
    update(
        &mut state,
        Msg::ConfigPreviewed {
            plan: Box::new(plan),
            result: Ok(ConfigPreview {
                path: PathBuf::from("/etc/conduwuit/conduwuit.toml"),
                diff: diff.into(),
                fingerprint: "sha256:1".into(),
                notes: Vec::new(),
            }),
        },
    );
    press(&mut state, KeyCode::Right);
    assert_snapshot!("review_diff_80x24", screen(&state, 80, 24));
    press(&mut state, KeyCode::Char('w'));
    assert!(matches!(state.overlay, Some(Overlay::ConfirmWrite { .. })));
    both("confirm_write", &state);
}

#[test]
fn review_prompt_to_save() {
    let mut state = review_with_artifacts();
    press(&mut state, KeyCode::Char('s'));
    assert_snapshot!("save_prompt_80x24", screen(&state, 80, 24));
}

fn checks_state() -> State {
    let mut state = review_with_artifacts();
    let cmds = press(&mut state, KeyCode::Enter);
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    state
}

#[test]
fn checks_with_passes_warnings_failures() {
    let mut state = checks_state();
    let t0 = Instant::now();
    stream_discovery(&mut state, 1, sample_path(), t0);
    stream_run(&mut state, 1, &sample_results(), t0);
    both("checks_done", &state);
    // Select the failing CORS row and expand it.
    let rows = state.checks.rows();
    let cors = rows
        .iter()
        .position(|r| r.id() == CheckId::ClientCors)
        .expect("cors row");
    press(&mut state, KeyCode::Home);
    for _ in 0..cors {
        press(&mut state, KeyCode::Down);
    }
    both("checks_cors_selected", &state);
    press(&mut state, KeyCode::Enter);
    both("checks_cors_expanded", &state);
}

#[test]
fn checks_path_differs_from_the_plan() {
    // The plan delegates to matrix.example.com:443 (step 3.2); the live
    // server file is missing, so peers fall back to step 4 and end up at
    // example.com:8448 with a certificate for example.com.
    let mut state = checks_state();
    let t0 = Instant::now();
    let mut path = sample_path();
    path.step = matrix_delegate::matrix::discovery::types::Step::Srv;
    path.targets.truncate(1);
    path.targets[0].address = "203.0.113.5:8448".parse().expect("address");
    path.targets[0].host_header = "example.com".into();
    path.targets[0].sni = Some("example.com".into());
    path.targets[0].cert_name = "example.com".into();
    path.unresolved
        .push(matrix_delegate::matrix::discovery::types::Unresolved {
            host: "example.com".into(),
            port: 8448,
            why: "no AAAA record".into(),
        });
    stream_discovery(&mut state, 1, path, t0);
    stream_run(&mut state, 1, &sample_results()[..4], t0);
    both("checks_path_differs", &state);
}

#[test]
fn checks_path_says_what_was_not_probed() {
    let mut state = checks_state();
    let t0 = Instant::now();
    let mut path = sample_path();
    path.not_probed.srv_targets = 12;
    path.not_probed.addresses = 3;
    stream_discovery(&mut state, 1, path, t0);
    stream_run(&mut state, 1, &sample_results(), t0);
    let shown = screen(&state, 160, 50);
    assert!(
        shown
            .contains("… 12 more SRV targets (only the first 8 are followed) and 3 more addresses")
            && shown.contains("not probed"),
        "{shown}"
    );
}

#[test]
fn checks_while_running() {
    let mut state = checks_state();
    let t0 = Instant::now();
    stream_discovery(&mut state, 1, sample_path(), t0);
    let results = sample_results();
    for r in &results[..4] {
        let ev = CheckEvent::Finished {
            run: 1,
            result: r.clone(),
        };
        update(&mut state, Msg::Check { event: ev, at: t0 });
    }
    let started = CheckEvent::Started {
        run: 1,
        id: CheckId::ServerTls,
        target: Some("203.0.113.7:443".into()),
    };
    update(
        &mut state,
        Msg::Check {
            event: started,
            at: t0,
        },
    );
    update(
        &mut state,
        Msg::Tick {
            now: t0 + std::time::Duration::from_millis(400),
        },
    );
    assert_snapshot!("checks_running_80x24", screen(&state, 80, 24));
}

#[test]
fn checks_watch_shows_what_changed() {
    let mut state = checks_state();
    let t0 = Instant::now();
    let mut first = sample_results();
    first[9] = result(
        CheckId::ClientCors,
        matrix_delegate::check::model::Status::Fail,
        "no Access-Control-Allow-Origin",
        60,
    );
    stream_run(&mut state, 1, &first, t0);
    press(&mut state, KeyCode::Char('w'));
    let token = state.checks.watch.token;
    update(&mut state, Msg::WatchDue { token });
    let mut second = sample_results();
    second[9] = result(
        CheckId::ClientCors,
        matrix_delegate::check::model::Status::Pass,
        "Access-Control-Allow-Origin: *",
        61,
    );
    stream_run(&mut state, 2, &second, t0);
    assert_snapshot!("checks_watch_changed_80x24", screen(&state, 80, 24));
}

#[test]
fn checks_not_available_in_this_build() {
    let name = ServerName::parse("example.com").expect("name");
    let (mut state, cmds) = State::check_screen(name, Expected::Nothing, false);
    assert_eq!(cmds.len(), 1);
    update(
        &mut state,
        Msg::ChecksFailed {
            run: 1,
            reason: "the CA file /etc/ssl/private-ca.pem cannot be read: No such file or directory"
                .into(),
        },
    );
    both("checks_only_unavailable", &state);
}

#[test]
fn help_overlay() {
    let mut state = checks_state();
    stream_run(&mut state, 1, &sample_results(), Instant::now());
    press(&mut state, KeyCode::Char('?'));
    assert_snapshot!("help_checks_80x24", screen(&state, 80, 24));
    let mut names = State::wizard(ConfigStatus::NotFound, false);
    press(&mut names, KeyCode::Enter);
    press(&mut names, KeyCode::F(1));
    assert_snapshot!("help_names_80x24", screen(&names, 80, 24));
}

#[test]
fn too_small_terminal() {
    let state = State::wizard(ConfigStatus::NotFound, false);
    assert_snapshot!("too_small", screen(&state, 40, 10));
}

#[test]
fn prefilled_answers() {
    let state = State::wizard(ConfigStatus::NotFound, false).with_answers(&Answers::example());
    let mut s = state.clone();
    press(&mut s, KeyCode::Enter);
    assert!(screen(&s, 80, 24).contains("matrix.example.com"));
    assert_eq!(s.review.preview, PreviewState::NotApplicable);
}

/// Every cell's colours, to prove NO_COLOR emits none.
fn coloured_cells(state: &State) -> usize {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Color;
    let mut shown = state.clone();
    update(
        &mut shown,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| matrix_delegate::tui::render(&shown, f))
        .expect("draw");
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
        .count()
}

#[test]
fn no_color_means_no_colour_but_the_same_words() {
    let mut coloured = checks_state();
    stream_run(&mut coloured, 1, &sample_results(), Instant::now());
    let mut plain = coloured.clone();
    plain.no_color = true;
    assert!(coloured_cells(&coloured) > 0, "colour is on by default");
    assert_eq!(coloured_cells(&plain), 0, "NO_COLOR: not one coloured cell");
    assert_eq!(
        screen(&plain, 80, 24),
        screen(&coloured, 80, 24),
        "the text is the same"
    );
    let mut strategy = State::wizard(ConfigStatus::NotFound, true);
    press(&mut strategy, KeyCode::Char('3'));
    assert_eq!(coloured_cells(&strategy), 0);
}

#[test]
fn hostile_network_text_cannot_touch_the_terminal() {
    let mut state = checks_state();
    let evil = result(
        CheckId::ServerWellKnown,
        matrix_delegate::check::model::Status::Fail,
        "bad \u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7} body",
        5,
    )
    .evidence(
        "GET https://example.com/.well-known/matrix/server",
        "200 {\"m.server\":\"\u{1b}[31mred\u{202e}txt\"}\nline two\r",
    )
    .remedy("fix \u{9b}1;1H it");
    stream_run(&mut state, 1, &[evil], Instant::now());
    press(&mut state, KeyCode::Enter);
    let text = screen(&state, 100, 30);
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
    assert!(
        text.contains("bad \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 body"),
        "{text}"
    );
    assert!(text.contains("\\x1b[31mred\\u{202e}txt"), "{text}");
    assert!(text.contains("line two\\r"), "{text}");
    assert!(text.contains("fix \\x9b1;1H it"), "{text}");
}
