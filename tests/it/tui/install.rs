//! Pure transition tests of the review step's install (`i`): the dry run
//! first (shown in an `install` tab), the real install only on a second
//! `i` after the proxy accepted the change, the report in the tab, and
//! nothing for a refused dry run. No I/O, no terminal.

use crossterm::event::KeyCode;

use matrix_delegate::tui::data::InstallEnd;
use matrix_delegate::tui::state::{InstallState, Level};
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::support::tui::*;

fn install_cmd(cmds: &[Cmd]) -> (bool, String) {
    match cmds {
        [Cmd::InstallProxy { plan, dry_run }] => (*dry_run, plan.server_name.to_string()),
        other => panic!("expected one InstallProxy, got {other:?}"),
    }
}

fn answer(
    s: &mut matrix_delegate::tui::state::State,
    dry_run: bool,
    report: &str,
    end: InstallEnd,
) {
    let plan = s.review.plan.clone().expect("plan");
    update(
        s,
        Msg::ProxyInstalled {
            plan: Box::new(plan),
            dry_run,
            result: Ok((report.to_string(), end)),
        },
    );
}

#[test]
fn the_dry_run_comes_first_then_the_install_on_a_second_key() {
    let mut s = at_review("example.com", "matrix.example.com");
    let cmds = press(&mut s, KeyCode::Char('i'));
    assert_eq!(install_cmd(&cmds), (true, "example.com".to_string()));
    assert_eq!(s.review.install, InstallState::Previewing);
    let tabs = s.review.tabs();
    assert_eq!(s.review.tab, tabs.len() - 1, "the install tab is shown");
    assert_eq!(tabs[s.review.tab].label, "install");
    // A key while the dry run runs asks nothing more.
    assert!(press(&mut s, KeyCode::Char('i')).is_empty());

    answer(
        &mut s,
        true,
        "--- a\n+++ b\n+server {\nWith this change, `nginx -t` passes.",
        InstallEnd::Done,
    );
    let tab = &s.review.tabs()[s.review.tab];
    assert!(tab.title.contains("nothing written yet"), "{}", tab.title);
    assert!(tab.text.contains("+server {"), "{}", tab.text);
    assert!(
        tab.text.contains("Press i again to install"),
        "{}",
        tab.text
    );
    assert_eq!(s.status.as_ref().map(|l| l.level), Some(Level::Info));

    let cmds = press(&mut s, KeyCode::Char('i'));
    assert_eq!(install_cmd(&cmds), (false, "example.com".to_string()));
    assert_eq!(s.review.install, InstallState::Installing);
    answer(
        &mut s,
        false,
        "Written: /etc/nginx/sites-available/x\nreloaded: nginx",
        InstallEnd::Done,
    );
    assert_eq!(
        s.review.install,
        InstallState::Done {
            report: "Written: /etc/nginx/sites-available/x\nreloaded: nginx".into(),
            installed: true
        }
    );
    let status = s.status.clone().expect("status");
    assert_eq!(status.level, Level::Ok);
    assert!(status.text.contains("Installed"), "{}", status.text);
}

#[test]
fn a_refused_dry_run_never_installs() {
    let mut s = at_review("example.com", "matrix.example.com");
    press(&mut s, KeyCode::Char('i'));
    answer(
        &mut s,
        true,
        "A server block already answers for example.com on port 443: add these lines to it.",
        InstallEnd::NotDone,
    );
    assert_eq!(s.status.as_ref().map(|l| l.level), Some(Level::Error));
    let tab = &s.review.tabs()[s.review.tab];
    assert!(!tab.text.contains("Press i again"), "{}", tab.text);
    // `i` again runs the dry run again (the operator may have fixed the
    // conflict), never the install.
    let cmds = press(&mut s, KeyCode::Char('i'));
    assert!(install_cmd(&cmds).0, "a dry run");
}

/// Certificates first: the install put only the port-80 part live. The
/// wizard says so (not "restored", which would be false) and the next `i`
/// starts over with a dry run, for after certbot.
#[test]
fn the_certificate_step_is_named_and_i_starts_over() {
    let mut s = at_review("example.com", "matrix.example.com");
    press(&mut s, KeyCode::Char('i'));
    answer(
        &mut s,
        true,
        "First only the port-80 part",
        InstallEnd::Done,
    );
    press(&mut s, KeyCode::Char('i'));
    answer(
        &mut s,
        false,
        "First only the port-80 part goes live\ncertbot certonly --nginx -d example.com",
        InstallEnd::CertificateStep,
    );
    let status = s.status.clone().expect("status");
    assert_eq!(status.level, Level::Warn);
    assert!(
        status.text.contains("Only the port-80 part is installed")
            && !status.text.contains("restored"),
        "{}",
        status.text
    );
    assert!(matches!(
        s.review.install,
        InstallState::Done {
            installed: false,
            ..
        }
    ));
    let cmds = press(&mut s, KeyCode::Char('i'));
    assert!(install_cmd(&cmds).0, "a dry run first again");
}

#[test]
fn an_answer_for_another_plan_is_dropped() {
    let mut s = at_review("example.com", "matrix.example.com");
    press(&mut s, KeyCode::Char('i'));
    let mut other = s.review.plan.clone().expect("plan");
    other.server_name = "example.org".parse().expect("name");
    update(
        &mut s,
        Msg::ProxyInstalled {
            plan: Box::new(other),
            dry_run: true,
            result: Ok(("x".into(), InstallEnd::Done)),
        },
    );
    assert_eq!(s.review.install, InstallState::Previewing);
}

#[test]
fn demo_never_installs_into_this_machine() {
    use matrix_delegate::tui::services::{BuiltinServices, ServiceError, Services};
    let s = at_review("example.com", "matrix.example.com");
    let plan = s.review.plan.clone().expect("plan");
    let demo = BuiltinServices::demo(Vec::new());
    assert!(matches!(
        demo.install_proxy(&plan, true),
        Err(ServiceError::NoInstall)
    ));
}
