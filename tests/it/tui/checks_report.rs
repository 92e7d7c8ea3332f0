//! Pure tests of what the checks screen folds into the shared report: the
//! federation path and client verdict streamed by a run, and the export of
//! the folded report (only once the run is done). No I/O, no sleeps.

use std::time::Instant;

use crossterm::event::KeyCode;

use matrix_delegate::check::model::{CheckEvent, CheckId, Status};
use matrix_delegate::matrix::client_discovery::ClientVerdict;
use matrix_delegate::matrix::discovery::types::{FederationPath, PathTarget, Step as SpecStep};
use matrix_delegate::tui::state::Overlay;
use matrix_delegate::tui::{Cmd, Msg, update};

use crate::support::tui::*;

#[test]
fn export_emits_the_folded_report_once_the_run_is_done() {
    let mut s = at_checks();
    press(&mut s, KeyCode::Char('e'));
    assert!(s.overlay.is_none());
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Nothing to export yet: run 1 is still going; e works once it is done.")
    );
    stream_run(&mut s, 1, &sample_results(), Instant::now());
    press(&mut s, KeyCode::Char('e'));
    let Some(Overlay::Prompt(p)) = &s.overlay else {
        panic!("prompt")
    };
    assert_eq!(p.input.value(), "matrix-delegate-report-example.com-run1");
    let cmds = press(&mut s, KeyCode::Enter);
    let [Cmd::ExportReport { base, report }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        base.to_str(),
        Some("matrix-delegate-report-example.com-run1")
    );
    // Exactly the shared report the run folded into.
    assert_eq!(report, s.checks.report());
    assert_eq!(report.checks.len(), sample_results().len());
    assert_eq!(report.server_name, "example.com");
    assert!(!report.ok, "two checks failed");
    update(
        &mut s,
        Msg::Exported(Ok(vec!["a.md".into(), "a.json".into()])),
    );
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Exported a.md and a.json")
    );
    update(&mut s, Msg::Exported(Err("a.md already exists".into())));
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text == "Not exported: a.md already exists")
    );
    // A cancelled run is not a report either (a partial one would claim
    // that nothing failed).
    press(&mut s, KeyCode::Char('r'));
    update(&mut s, finished(2, CheckId::DnsSrv, Status::Pass));
    assert_eq!(s.checks.cancel(), vec![Cmd::CancelChecks { run: 2 }]);
    press(&mut s, KeyCode::Char('e'));
    assert!(s.overlay.is_none(), "{:?}", s.overlay);
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text.contains("run 2 was cancelled")),
        "{:?}",
        s.status
    );
}

#[test]
fn the_federation_path_and_client_verdict_are_folded_in() {
    let mut s = at_checks();
    let t0 = Instant::now();
    let path = FederationPath {
        step: SpecStep::DelegatedHostPort,
        targets: vec![PathTarget {
            address: "203.0.113.7:443".parse().expect("address"),
            host_header: "matrix.example.com:443".into(),
            sni: Some("matrix.example.com".into()),
            cert_name: "matrix.example.com".into(),
        }],
        unresolved: Vec::new(),
        no_service: false,
        not_probed: Default::default(),
    };
    update(
        &mut s,
        Msg::Check {
            event: CheckEvent::Resolved { run: 1, path },
            at: t0,
        },
    );
    update(
        &mut s,
        Msg::Check {
            event: CheckEvent::ClientDiscovered {
                run: 1,
                verdict: ClientVerdict::Ok,
                base_url: Some("https://matrix.example.com/".into()),
            },
            at: t0,
        },
    );
    let report = s.checks.report();
    assert_eq!(report.federation.step, Some(SpecStep::DelegatedHostPort));
    assert_eq!(report.federation.targets[0].address, "203.0.113.7:443");
    assert!(!report.federation.targets[0].ok, "no TLS result yet");
    assert_eq!(report.client.verdict, Some(ClientVerdict::Ok));
    for id in [
        CheckId::ServerTls,
        CheckId::ServerVersion,
        CheckId::ServerKeys,
    ] {
        let r = result(id, Status::Pass, "ok", 5).target("203.0.113.7:443");
        update(
            &mut s,
            Msg::Check {
                event: CheckEvent::Finished { run: 1, result: r },
                at: t0,
            },
        );
    }
    // Events fold in constant time; the verdicts are computed once per
    // frame (the runtime settles the report before drawing).
    s.checks.fold.settle();
    assert!(s.checks.report().federation.targets[0].ok);
    assert!(s.checks.report().federation.ok);
    // A stale path (another run) changes nothing.
    s.dirty = false;
    let stale = CheckEvent::Resolved {
        run: 0,
        path: FederationPath {
            step: SpecStep::DefaultPort,
            targets: Vec::new(),
            unresolved: Vec::new(),
            no_service: false,
            not_probed: Default::default(),
        },
    };
    assert!(
        update(
            &mut s,
            Msg::Check {
                event: stale,
                at: t0
            }
        )
        .is_empty()
    );
    assert!(!s.dirty);
    assert_eq!(
        s.checks.report().federation.step,
        Some(SpecStep::DelegatedHostPort)
    );
    // A new run starts from nothing.
    press(&mut s, KeyCode::Char('r'));
    assert_eq!(s.checks.report().federation.step, None);
    assert_eq!(s.checks.report().client.verdict, None);
}
