//! The checks screen of every demo deployment, checked for real against the
//! simulated internet, drawn at 80×24, 100×30 and 160×45. Durations are
//! fixed and certificate dates masked so that the snapshots only change
//! when the screen does; each one was read.

use std::time::{Duration, Instant};

use insta::assert_snapshot;
use tokio::sync::mpsc::unbounded_channel;

use matrix_delegate::check::model::CheckEvent;
use matrix_delegate::tui::data::CheckRequest;
use matrix_delegate::tui::demo::DEMOS;
use matrix_delegate::tui::msg::Msg;
use matrix_delegate::tui::services::{BuiltinServices, CheckSink, Services};
use matrix_delegate::tui::state::{RunPhase, State, Step};
use matrix_delegate::tui::{Cmd, update, update::demo_picked};

use crate::support::tui::screen;

/// Every event of one run, in arrival order.
async fn events_of(services: &BuiltinServices, request: CheckRequest) -> Vec<CheckEvent> {
    let (tx, mut rx) = unbounded_channel();
    let handle = services
        .start_checks(request, CheckSink::new(tx))
        .expect("the run starts");
    let mut events = Vec::new();
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Check { event, .. } => {
                let done = matches!(event, CheckEvent::Done { .. });
                events.push(event);
                if done {
                    break;
                }
            }
            Msg::ChecksFailed { reason, .. } => panic!("the run could not start: {reason}"),
            other => panic!("unexpected message {other:?}"),
        }
    }
    drop(handle);
    events
}

/// Masks what depends on when the simulated certificates and keys were
/// made (they are relative to now): dates (`2026-12-03`), times after a
/// date (`12:08:34`) and day counts (`expires in 60 days`, `2 day(s)`).
fn mask(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    let is = |k: usize, c: char| chars.get(k) == Some(&c);
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let date = (0..10).all(|k| match k {
            4 | 7 => is(i + k, '-'),
            _ => digit(i + k),
        });
        let time = i > 0
            && (is(i - 1, 'T') || is(i - 1, ' '))
            && digit(i)
            && digit(i + 1)
            && is(i + 2, ':')
            && digit(i + 3)
            && digit(i + 4);
        let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let days = digits > 0
            && (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
            && chars[i + digits..].iter().take(4).collect::<String>() == " day";
        if date {
            out.push_str("YYYY-MM-DD");
            i += 10;
        } else if time {
            out.push_str("hh:mm");
            i += 5;
            if is(i, ':') && digit(i + 1) && digit(i + 2) {
                out.push_str(":ss");
                i += 3;
            }
        } else if days {
            out.push('N');
            i += digits;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The result with every text masked ([`mask`]) and a fixed duration.
fn masked(
    mut result: matrix_delegate::check::model::CheckResult,
) -> matrix_delegate::check::model::CheckResult {
    result.duration = Duration::from_millis(20);
    result.summary = mask(&result.summary);
    for e in &mut result.evidence {
        e.asked = mask(&e.asked);
        e.got = mask(&e.got);
    }
    result.remedy = result.remedy.as_deref().map(mask);
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checks_screen_of_every_demo_deployment() {
    let services = BuiltinServices::demo(Vec::new());
    for (i, demo) in DEMOS.iter().enumerate() {
        // The state `demo --scenario NAME` starts with.
        let (mut state, cmds) = demo_picked(demo.scenario, false).expect("a demo");
        let [Cmd::StartDemo { token, scenario }] = &cmds[..] else {
            panic!("{cmds:?}")
        };
        services
            .start_demo(i as u64 + 1, scenario.clone())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", demo.scenario));
        let cmds = update(
            &mut state,
            Msg::DemoStarted {
                token: *token,
                result: Ok(()),
            },
        );
        let request = cmds
            .iter()
            .find_map(|c| match c {
                Cmd::StartChecks(r) => Some(r.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{}: no run started: {cmds:?}", demo.scenario));
        assert_eq!(state.step, Step::Checks);
        let t0 = Instant::now();
        let events = events_of(&services, request).await;
        let n = events.len();
        for (k, mut event) in events.into_iter().enumerate() {
            if let CheckEvent::Finished { result, .. } = &mut event {
                *result = masked(result.clone());
            }
            // The peers' failures quote the same clock-dependent words.
            if let CheckEvent::Peers { peers, .. } = &mut event {
                for p in peers.iter_mut() {
                    p.failure = p.failure.as_deref().map(mask);
                }
            }
            // Arrival times spread evenly: the run takes 120 ms on screen.
            let at = t0 + Duration::from_millis(120 * k as u64 / n.max(1) as u64);
            update(&mut state, Msg::Check { event, at });
        }
        assert_eq!(state.checks.phase, RunPhase::Done, "{}", demo.scenario);
        let title = format!("DEMO: {}", demo.scenario);
        for (w, h) in [(80, 24), (100, 30), (160, 45)] {
            let shown = screen(&state, w, h);
            assert!(shown.contains(&title), "{title} at {w}×{h}:\n{shown}");
            assert!(shown.contains("run 1 took"), "{shown}");
            assert_snapshot!(format!("{}_{w}x{h}", demo.scenario), shown);
        }
        check_state_after_the_demo(&state);
    }
}

/// The demo's keys back to the picker, whatever the screen.
fn check_state_after_the_demo(state: &State) {
    let mut s = state.clone();
    update(
        &mut s,
        crate::support::tui::key(crossterm::event::KeyCode::Enter),
    );
    assert!(s.checks.expanded);
    update(
        &mut s,
        crate::support::tui::key(crossterm::event::KeyCode::Char('p')),
    );
    assert_eq!(s.step, Step::Demo, "p goes back to the picker");
}
