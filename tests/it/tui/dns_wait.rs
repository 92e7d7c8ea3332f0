//! Watch mode's "DNS TTLs still to wait": the DNS checks say how long a
//! resolver still serves an outdated cached answer (`cache_expires_in_s`);
//! watch mode shows the longest wait and counts it down with the clock
//! readings it receives (no I/O in update), redrawing only when the words
//! change. Pure, except the last test, which runs the real checks against
//! the simulated `dns-change-spreading` deployment.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;

use matrix_delegate::check::model::{CheckId, CheckResult, Status};
use matrix_delegate::tui::state::{RunPhase, State};
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::support::tui::*;

fn spreading_results() -> Vec<CheckResult> {
    let mut results = sample_results();
    results[1] = result(
        CheckId::DnsDelegatedHost,
        Status::Warn,
        "matrix.example.com: a DNS change is still spreading",
        14,
    )
    .cache_expires_in(1800);
    results
}

/// A finished run with a 30 min wait, watch on; returns when it finished.
fn watching_a_spreading_change() -> (State, Instant) {
    let mut s = at_checks();
    let t0 = Instant::now();
    let done_at = t0 + Duration::from_millis(1200);
    press(&mut s, KeyCode::Char('w'));
    let cmds = stream_run(&mut s, 1, &spreading_results(), t0);
    assert!(
        matches!(cmds.as_slice(), [Cmd::ScheduleRerun { .. }]),
        "{cmds:?}"
    );
    assert_eq!(s.checks.phase, RunPhase::Done);
    (s, done_at)
}

fn tick(s: &mut State, at: Instant) -> bool {
    s.dirty = false;
    assert!(update(s, Msg::Tick { now: at }).is_empty());
    s.dirty
}

#[test]
fn watch_mode_shows_the_longest_dns_wait_and_counts_it_down() {
    let (mut s, done_at) = watching_a_spreading_change();
    assert_eq!(s.checks.dns_wait_left(), Some(Duration::from_secs(1800)));
    assert_eq!(
        s.tick_every(),
        Some(Duration::from_secs(1)),
        "a slow tick between runs"
    );
    let wide = screen(&s, 160, 45);
    assert!(
        wide.contains("cached DNS answers may take up to 30 min more to expire"),
        "{wide}"
    );
    let small = screen(&s, 140, 40);
    assert!(small.contains("DNS caches: ≤ 30 min more"), "{small}");
    assert!(small.contains("next run in 30 s"), "{small}");
    // One second later the words change (29 min) and the next run is a
    // second closer: redraw.
    assert!(tick(&mut s, done_at + Duration::from_secs(1)));
    let later = screen(&s, 140, 40);
    assert!(later.contains("≤ 29 min more"), "{later}");
    assert!(later.contains("next run in 29 s"), "{later}");
    // In the last minutes the seconds show.
    assert!(tick(&mut s, done_at + Duration::from_secs(1800 - 65)));
    assert!(screen(&s, 140, 40).contains("≤ 1 min 5 s more"));
    // Over: the line goes; watch mode still ticks for its next run.
    assert!(tick(&mut s, done_at + Duration::from_secs(1800)));
    assert_eq!(s.checks.dns_wait_left(), None);
    assert!(!screen(&s, 160, 45).contains("cached DNS answers"));
    press(&mut s, KeyCode::Char('w'));
    assert_eq!(s.tick_every(), None, "nothing left to count down");
}

#[test]
fn without_watch_mode_the_wait_still_counts_down_and_a_clean_run_clears_it() {
    let (mut s, done_at) = watching_a_spreading_change();
    press(&mut s, KeyCode::Char('w'));
    assert!(!s.checks.watch.on);
    assert_eq!(
        s.tick_every(),
        Some(Duration::from_secs(1)),
        "the DNS wait counts down"
    );
    let shown = screen(&s, 160, 45);
    assert!(
        shown.contains("cached DNS answers may take up to 30 min"),
        "{shown}"
    );
    assert!(!shown.contains("next run in"), "{shown}");
    assert!(tick(&mut s, done_at + Duration::from_secs(60)));
    assert!(screen(&s, 160, 45).contains("up to 29 min more"));
    // The next run finds the change spread: no wait any more.
    let cmds = press(&mut s, KeyCode::Char('r'));
    assert!(matches!(cmds.as_slice(), [Cmd::StartChecks(_)]));
    stream_run(&mut s, 2, &sample_results(), Instant::now());
    assert_eq!(s.checks.dns_wait, None);
    assert_eq!(s.tick_every(), None, "idle: no clock at all");
}

#[test]
fn the_json_field_is_there_only_when_something_waits() {
    let plain = serde_json::to_value(result(CheckId::DnsServerName, Status::Pass, "x", 1))
        .expect("serialises");
    assert!(plain.get("cache_expires_in_s").is_none(), "{plain}");
    let waiting = serde_json::to_value(spreading_results()[1].clone()).expect("serialises");
    assert_eq!(waiting["cache_expires_in_s"], 1800);
    // Several waits: the longest counts.
    let both = result(CheckId::DnsSrv, Status::Warn, "x", 1)
        .cache_expires_in(60)
        .cache_expires_in(600)
        .cache_expires_in(300);
    assert_eq!(both.cache_expires_in_s, Some(600));
}

#[tokio::test]
async fn the_simulated_spreading_change_reports_the_resolver_s_time_left() {
    use matrix_delegate::check::expect::Expectations;
    use matrix_delegate::probe::Net;
    use matrix_delegate::probe::runner::{CheckRequest, run_to_report};
    use matrix_delegate::sim::{Scenario, Sim};
    let sim = Sim::start(&Scenario::builtin("dns-change-spreading").expect("built-in"))
        .await
        .expect("starts");
    let net = Net::new(sim.net_options()).expect("net");
    let request = CheckRequest {
        server_name: matrix_delegate::domain::ServerName::parse("example.com").expect("valid"),
        expectations: Expectations::none(),
    };
    let report = run_to_report(net, request, 1).await;
    let host = report
        .checks
        .iter()
        .find(|c| c.id == CheckId::DnsDelegatedHost)
        .expect("dns.delegated-host");
    assert_eq!(host.status, Status::Warn);
    // The scenario's resolvers hold the old answer with 30 min left.
    assert_eq!(host.cache_expires_in_s, Some(1800), "{host:?}");
    let name = report
        .checks
        .iter()
        .find(|c| c.id == CheckId::DnsServerName)
        .expect("dns.server-name");
    assert_eq!(
        name.cache_expires_in_s, None,
        "nothing outdated for example.com"
    );
}
