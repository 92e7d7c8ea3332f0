//! Pure transition tests of the checks screen: streaming, stale events,
//! re-run, watch scheduling, export, selection. No I/O, no sleeps.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;

use matrix_delegate::check::model::{CheckEvent, CheckId, Status};
use matrix_delegate::domain::ServerName;
use matrix_delegate::tui::data::Expected;
use matrix_delegate::tui::state::{Mode, RunPhase, State, Step};
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::support::tui::*;

#[test]
fn check_screen_constructor_opens_on_checks_and_starts_a_run() {
    let name = ServerName::parse("example.com").expect("name");
    let (s, cmds) = State::check_screen(name.clone(), Expected::Nothing, true);
    assert_eq!(
        (s.mode, s.step, s.no_color),
        (Mode::CheckOnly, Step::Checks, true)
    );
    let [Cmd::StartChecks(req)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        (req.run, &req.server_name, &req.expected),
        (1, &name, &Expected::Nothing)
    );
    // Esc only collapses here: there is no wizard to go back to.
    let mut s = s;
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert_eq!(s.step, Step::Checks);
}

#[test]
fn results_stream_in_and_stale_events_are_dropped() {
    let mut s = at_checks();
    let t0 = Instant::now();
    let started = CheckEvent::Started {
        run: 1,
        id: CheckId::ServerTls,
        target: Some("203.0.113.7:443".into()),
    };
    update(
        &mut s,
        Msg::Check {
            event: started,
            at: t0,
        },
    );
    assert_eq!(s.checks.running().len(), 1);
    assert_eq!(s.checks.rows().len(), 1);
    let tls = result(CheckId::ServerTls, Status::Pass, "ok", 40).target("203.0.113.7:443");
    update(
        &mut s,
        Msg::Check {
            event: CheckEvent::Finished {
                run: 1,
                result: tls,
            },
            at: t0 + Duration::from_millis(40),
        },
    );
    assert!(s.checks.running().is_empty(), "finished rows stop spinning");
    assert_eq!(s.checks.results().len(), 1);
    // A stale event (another run) changes nothing and asks for no redraw.
    let before = s.checks.results().to_vec();
    s.dirty = false;
    assert!(update(&mut s, finished(0, CheckId::DnsSrv, Status::Fail)).is_empty());
    assert!(update(&mut s, finished(7, CheckId::DnsSrv, Status::Fail)).is_empty());
    assert!(
        update(
            &mut s,
            Msg::ChecksFailed {
                run: 0,
                reason: "old".into()
            }
        )
        .is_empty()
    );
    assert_eq!(s.checks.results(), before);
    assert_eq!(s.checks.phase, RunPhase::Running);
    assert!(!s.dirty);
    update(
        &mut s,
        Msg::Check {
            event: CheckEvent::Done { run: 1 },
            at: t0 + Duration::from_millis(1500),
        },
    );
    assert_eq!(s.checks.phase, RunPhase::Done);
    assert_eq!(s.checks.elapsed(), Some(Duration::from_millis(1500)));
    // Late events of a finished run are stale too.
    s.dirty = false;
    update(&mut s, finished(1, CheckId::DnsSrv, Status::Fail));
    assert!(!s.dirty);
    assert_eq!(s.checks.results().len(), 1);
}

#[test]
fn ticks_only_matter_while_running() {
    let mut s = at_checks();
    assert!(s.wants_ticks());
    let t0 = Instant::now();
    update(&mut s, Msg::Tick { now: t0 });
    update(&mut s, Msg::Tick { now: t0 });
    assert_eq!(s.checks.spinner, 2);
    stream_run(&mut s, 1, &sample_results(), t0);
    assert!(!s.wants_ticks(), "no spinner once the run is over");
    s.dirty = false;
    assert!(update(&mut s, Msg::Tick { now: t0 }).is_empty());
    assert!(!s.dirty, "a tick while idle draws nothing");
    assert_eq!(s.checks.spinner, 2);
}

#[test]
fn rerun_cancels_the_running_run_and_ignores_its_late_events() {
    let mut s = at_checks();
    update(&mut s, finished(1, CheckId::DnsServerName, Status::Fail));
    let cmds = press(&mut s, KeyCode::Char('r'));
    assert_eq!(cmds.len(), 2, "{cmds:?}");
    assert_eq!(cmds[0], Cmd::CancelChecks { run: 1 });
    assert!(matches!(&cmds[1], Cmd::StartChecks(r) if r.run == 2));
    assert!(s.checks.results().is_empty());
    update(&mut s, finished(1, CheckId::DnsSrv, Status::Fail));
    assert!(s.checks.results().is_empty(), "run 1 is stale now");
    update(&mut s, finished(2, CheckId::DnsSrv, Status::Pass));
    assert_eq!(s.checks.results().len(), 1);
    // Re-running after the end: no cancel needed.
    update(
        &mut s,
        Msg::Check {
            event: CheckEvent::Done { run: 2 },
            at: Instant::now(),
        },
    );
    let cmds = press(&mut s, KeyCode::Char('r'));
    assert!(
        matches!(&cmds[..], [Cmd::StartChecks(r)] if r.run == 3),
        "{cmds:?}"
    );
}

#[test]
fn watch_schedules_reruns_and_ignores_stale_timers() {
    let mut s = at_checks();
    let t0 = Instant::now();
    // Watch turned on mid-run: scheduled when the run ends.
    assert!(press(&mut s, KeyCode::Char('w')).is_empty());
    assert!(s.checks.watch.on);
    let token = s.checks.watch.token;
    let cmds = stream_run(&mut s, 1, &sample_results(), t0);
    assert_eq!(
        cmds,
        vec![Cmd::ScheduleRerun {
            token,
            after: Duration::from_secs(30)
        }]
    );
    // The timer fires: a new run.
    let cmds = update(&mut s, Msg::WatchDue { token });
    assert!(
        matches!(&cmds[..], [Cmd::StartChecks(r)] if r.run == 2),
        "{cmds:?}"
    );
    // A stale timer (older token) does nothing.
    stream_run(&mut s, 2, &sample_results(), t0);
    s.dirty = false;
    assert!(update(&mut s, Msg::WatchDue { token: token - 1 }).is_empty());
    assert!(!s.dirty);
    // Longer interval while idle: rescheduled with a new token.
    let cmds = press(&mut s, KeyCode::Char('+'));
    let new_token = s.checks.watch.token;
    assert!(new_token > token);
    assert_eq!(
        cmds,
        vec![Cmd::ScheduleRerun {
            token: new_token,
            after: Duration::from_secs(60)
        }]
    );
    assert!(
        update(&mut s, Msg::WatchDue { token }).is_empty(),
        "the old timer is stale"
    );
    // Watch off: the pending timer no longer runs anything.
    assert!(press(&mut s, KeyCode::Char('w')).is_empty());
    assert!(update(&mut s, Msg::WatchDue { token: new_token }).is_empty());
    assert_eq!(s.checks.run, 2);
    // Turning it on while idle schedules at once.
    let cmds = press(&mut s, KeyCode::Char('w'));
    assert!(
        matches!(&cmds[..], [Cmd::ScheduleRerun { after, .. }] if *after == Duration::from_secs(60))
    );
    press(&mut s, KeyCode::Char('-'));
    press(&mut s, KeyCode::Char('-'));
    press(&mut s, KeyCode::Char('-'));
    assert_eq!(
        s.checks.watch.every,
        Duration::from_secs(10),
        "shortest interval is 10 s"
    );
}

#[test]
fn watch_reports_what_changed_since_the_last_complete_run() {
    let mut s = at_checks();
    let t0 = Instant::now();
    let first = vec![
        result(CheckId::ClientCors, Status::Fail, "no CORS", 5),
        result(CheckId::DnsSrv, Status::Pass, "ok", 5),
    ];
    stream_run(&mut s, 1, &first, t0);
    assert_eq!(s.checks.changed_count(), 0, "nothing to compare with yet");
    press(&mut s, KeyCode::Char('r'));
    let second = vec![
        result(CheckId::ClientCors, Status::Pass, "CORS *", 5),
        result(CheckId::DnsSrv, Status::Pass, "ok", 5),
        result(CheckId::DnsServerName, Status::Pass, "A", 5),
    ];
    stream_run(&mut s, 2, &second, t0);
    assert_eq!(s.checks.changed_count(), 2, "one changed, one new");
    let cors = s
        .checks
        .results()
        .iter()
        .find(|r| r.id == CheckId::ClientCors)
        .expect("cors");
    assert_eq!(
        s.checks.change(cors),
        Some(matrix_delegate::tui::state::checks::Change::Was(
            Status::Fail
        ))
    );
}

#[test]
fn selection_expand_and_leaving() {
    let mut s = at_checks();
    stream_run(&mut s, 1, &sample_results(), Instant::now());
    let rows = s.checks.rows();
    let focus = s.checks.focus_index(&rows).expect("focus");
    assert!(
        matches!(rows[focus], matrix_delegate::tui::state::checks::Row::Done(r) if r.status == Status::Fail),
        "the first failure is shown first"
    );
    drop(rows);
    press(&mut s, KeyCode::Home);
    assert_eq!(
        s.checks.selected.as_ref().map(|k| k.0),
        Some(CheckId::DnsServerName)
    );
    s.dirty = false;
    assert!(press(&mut s, KeyCode::Up).is_empty());
    assert!(!s.dirty, "already at the top");
    press(&mut s, KeyCode::End);
    assert_eq!(
        s.checks.selected.as_ref().map(|k| k.0),
        Some(CheckId::CacheWellKnown)
    );
    press(&mut s, KeyCode::Enter);
    assert!(s.checks.expanded);
    press(&mut s, KeyCode::Esc);
    assert!(!s.checks.expanded, "Esc collapses first");
    assert_eq!(s.step, Step::Checks);
    press(&mut s, KeyCode::Char('w'));
    assert!(
        press(&mut s, KeyCode::Esc).is_empty(),
        "nothing running: nothing to cancel"
    );
    assert_eq!(s.step, Step::Review);
    assert!(!s.checks.watch.on, "leaving stops watching");
    // Leaving mid-run cancels it.
    let cmds = press(&mut s, KeyCode::Enter);
    assert!(matches!(&cmds[..], [Cmd::StartChecks(r)] if r.run == 2));
    assert_eq!(
        press(&mut s, KeyCode::Esc),
        vec![Cmd::CancelChecks { run: 2 }]
    );
    assert_eq!(s.checks.phase, RunPhase::Cancelled);
    // Quitting mid-run cancels it too.
    press(&mut s, KeyCode::Enter);
    assert_eq!(
        press(&mut s, KeyCode::Char('q')),
        vec![Cmd::CancelChecks { run: 3 }, Cmd::Quit]
    );
}

#[test]
fn a_run_that_cannot_start_says_why() {
    let mut s = at_checks();
    update(
        &mut s,
        Msg::ChecksFailed {
            run: 1,
            reason: "the CA file /etc/ssl/private-ca.pem cannot be read: No such file or directory"
                .into(),
        },
    );
    assert_eq!(s.checks.phase, RunPhase::Failed);
    assert!(!s.wants_ticks());
    assert_eq!(
        s.checks.failure.as_deref(),
        Some("the CA file /etc/ssl/private-ca.pem cannot be read: No such file or directory")
    );
    let cmds = press(&mut s, KeyCode::Char('r'));
    assert!(
        matches!(&cmds[..], [Cmd::StartChecks(r)] if r.run == 2),
        "r tries again"
    );
}

#[test]
fn detail_scrolling_is_bounded() {
    let mut s = at_checks();
    let long = result(CheckId::ServerKeys, Status::Fail, "bad keys", 5).remedy("line\n".repeat(60));
    stream_run(&mut s, 1, &[long], Instant::now());
    press(&mut s, KeyCode::PageDown);
    assert!(s.checks.detail_scroll > 0);
    for _ in 0..20 {
        press(&mut s, KeyCode::PageDown);
    }
    let max = s.checks.detail_scroll;
    s.dirty = false;
    press(&mut s, KeyCode::PageDown);
    assert_eq!(s.checks.detail_scroll, max);
    assert!(!s.dirty);
    press(&mut s, KeyCode::PageUp);
    assert!(s.checks.detail_scroll < max);
}
