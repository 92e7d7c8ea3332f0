//! The runner's event stream: ordering, run ids, the fold, equivalence with
//! the one-shot evaluation of the same observations, cancellation and the
//! run's deadline.

use std::collections::HashSet;
use std::time::Duration;

use crate::support::runner::*;
use futures::future::join_all;
use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckEvent, CheckId, Status};
use matrix_delegate::domain::ServerName;
use matrix_delegate::probe::Net;
use matrix_delegate::probe::runner::{
    CheckRequest, default_deadline, run, run_to_report, run_with_deadline,
};
use matrix_delegate::report::Report;
use matrix_delegate::report::from_observations as report;
use matrix_delegate::sim::{Scenario, Sim};

const SAMPLE: [&str; 8] = [
    "healthy-well-known",
    "healthy-dual-stack",
    "aaaa-nothing-listening",
    "healthy-srv-only",
    "dns-change-spreading",
    "escape-sequences",
    "healthy-ip-literal",
    "client-without-cors",
];

fn without_durations(mut r: Report) -> Report {
    for c in &mut r.checks {
        c.duration = Duration::ZERO;
    }
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_ordered_and_carry_the_run_id() {
    for out in join_all(SAMPLE.iter().map(|n| builtin(n))).await {
        let name = &out.sim.scenario().name;
        let ev = &out.events;
        assert!(ev.iter().all(|e| e.run() == 42), "{name}");
        assert!(matches!(ev.last(), Some(CheckEvent::Done { .. })), "{name}");
        let dones = ev
            .iter()
            .filter(|e| matches!(e, CheckEvent::Done { .. }))
            .count();
        assert_eq!(dones, 1, "{name}");
        let mut started = HashSet::new();
        let mut finished = HashSet::new();
        for e in ev {
            match e {
                CheckEvent::Started { id, target, .. } => {
                    assert!(
                        started.insert((*id, target.clone())),
                        "{name}: started twice"
                    );
                }
                CheckEvent::Finished { result, .. } => {
                    let key = (result.id, result.target.clone());
                    assert!(
                        started.contains(&key),
                        "{name}: {key:?} finished before it started"
                    );
                    assert!(
                        finished.insert(key.clone()),
                        "{name}: {key:?} finished twice"
                    );
                }
                _ => {}
            }
        }
        assert_eq!(started, finished, "{name}: everything started finished");
        let resolved = ev
            .iter()
            .filter(|e| matches!(e, CheckEvent::Resolved { .. }))
            .count();
        let client = ev
            .iter()
            .filter(|e| matches!(e, CheckEvent::ClientDiscovered { .. }))
            .count();
        assert_eq!((resolved, client), (1, 1), "{name}");
        // Every stable id reported; per-address checks once per target.
        for id in CheckId::ALL {
            assert!(
                !results(&out.report, id).is_empty(),
                "{name}: no {}",
                id.as_str()
            );
        }
        // Durations are measured: the version request took as long as the sim made it.
        assert!(
            out.report
                .checks
                .iter()
                .any(|c| c.duration > Duration::ZERO),
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_folds_into_what_the_one_shot_evaluation_says() {
    for out in join_all(SAMPLE.iter().map(|n| builtin(n))).await {
        let name = &out.sim.scenario().name;
        let obs = out
            .observations
            .as_ref()
            .expect("finished before the deadline");
        let evaluated = report(obs, &Expectations::none());
        assert_eq!(
            without_durations(out.report.clone()),
            without_durations(evaluated),
            "{name}: the streamed verdicts differ from evaluate()"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_to_report_gives_the_folded_report() {
    let scenario = Scenario::builtin("healthy-dual-stack").expect("built-in");
    let streamed = check(
        &scenario,
        None,
        Expectations::none(),
        timeout_for(&scenario.name),
    )
    .await;
    let net = Net::new(streamed.sim.net_options()).expect("net");
    let request = CheckRequest {
        server_name: ServerName::parse("example.com").expect("name"),
        expectations: Expectations::none(),
    };
    let direct = run_to_report(net, request, 7).await;
    // Two runs: timestamps in key responses differ, the verdicts do not.
    let shape = |r: &Report| {
        (
            r.ok,
            r.federation.clone(),
            r.client.clone(),
            r.checks
                .iter()
                .map(|c| (c.id, c.target.clone(), c.status))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(shape(&streamed.report), shape(&direct));
    assert!(direct.ok && direct.federation.ok);
    assert_eq!(direct.federation.targets.len(), 2);
}

/// Starts `scenario` and a run with the default (5 s) timeout.
async fn slow_run(name: &str) -> (Sim, Net, CheckRequest) {
    let sim = Sim::start(&Scenario::builtin(name).expect("built-in"))
        .await
        .expect("sim starts");
    let net = Net::new(sim.net_options()).expect("net");
    let request = CheckRequest {
        server_name: ServerName::parse(&sim.scenario().server_name).expect("name"),
        expectations: Expectations::none(),
    };
    (sim, net, request)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_run_stops_all_its_work() {
    let (_sim, net, request) = slow_run("blackholed").await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // Every request of this run would hang for the full 5 s timeout.
    let cut = tokio::time::timeout(Duration::from_millis(300), run(net, request, 3, tx)).await;
    assert!(cut.is_err(), "the blackholed run cannot finish in 300 ms");
    // Every task holds a sender: the channel closes once all were aborted,
    // long before their requests would have timed out.
    let drained = tokio::time::timeout(Duration::from_secs(3), async {
        let mut n = 0;
        while let Some(e) = rx.recv().await {
            assert_eq!(e.run(), 3);
            assert!(
                !matches!(e, CheckEvent::Done { .. }),
                "a dropped run sends no Done"
            );
            n += 1;
        }
        n
    })
    .await;
    assert!(
        drained.is_ok(),
        "tasks kept running after the run was dropped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_turns_unfinished_checks_into_errors() {
    assert_eq!(
        default_deadline(Duration::from_secs(5)),
        Duration::from_secs(31)
    );
    let (_sim, net, request) = slow_run("blackholed").await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let obs = run_with_deadline(net, request, 9, tx, Duration::from_secs(1)).await;
    assert!(obs.is_none(), "cut short");
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    assert!(matches!(events.last(), Some(CheckEvent::Done { run: 9 })));
    let mut state = matrix_delegate::report::fold::ReportState::new("example.com");
    for e in events {
        state.apply(e);
    }
    let r = state.report;
    assert!(!r.ok);
    for id in CheckId::ALL {
        assert!(!results(&r, id).is_empty(), "{} reported", id.as_str());
    }
    let wk = one(&r, CheckId::ServerWellKnown);
    assert_eq!(wk.status, Status::Error);
    assert!(wk.summary.contains("deadline"), "{wk:#?}");
    // What did finish (DNS answers at once) keeps its real verdict.
    assert_eq!(one(&r, CheckId::DnsServerName).status, Status::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_nobody_listens_to_stops() {
    let (_sim, net, request) = slow_run("blackholed").await;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    drop(rx);
    // Its requests would hang for 5 s; without a listener the run ends at once.
    let finished = tokio::time::timeout(Duration::from_secs(3), run(net, request, 4, tx)).await;
    assert_eq!(finished.ok().map(|o| o.is_none()), Some(true));
}
