//! `matrix-delegate check NAME --wait`: the pause between runs, what changed,
//! a DNS change that spreads while it waits (the simulation's resolvers
//! forget the old answer when its TTL runs out), and a deployment that never
//! turns green, bounded by `--max-wait`.

use std::process::{Command, Output};
use std::time::Duration;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, CheckResult, Status};
use matrix_delegate::cli::check::wait::{
    MAX_PAUSE, WaitEnd, WaitSettings, next_pause, parse_duration, wait_until_green,
};
use matrix_delegate::domain::ServerName;
use matrix_delegate::probe::Net;
use matrix_delegate::probe::runner::CheckRequest;
use matrix_delegate::report::Report;
use matrix_delegate::report::changes::{Change, Snapshot};
use matrix_delegate::sim::{Scenario, Sim};
use serde_json::Value;

use crate::support::output::{code, stderr, stdout};

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_matrix-delegate"))
        .arg("check")
        .args(args)
        .env_clear()
        .output()
        .expect("the binary runs")
}

#[test]
fn durations_in_seconds_minutes_and_hours() {
    let secs = |s: &str| parse_duration(s).map(|d| d.as_secs());
    assert_eq!(secs("90"), Ok(90));
    assert_eq!(secs("90s"), Ok(90));
    assert_eq!(secs("10m"), Ok(600));
    assert_eq!(secs("1h30m"), Ok(5400));
    assert_eq!(secs(" 2h "), Ok(7200));
    for bad in [
        "",
        "0",
        "0s",
        "1h30",
        "ten",
        "5 min",
        "-3",
        "1d",
        "99999999999999999999",
    ] {
        assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
    }
    assert!(
        parse_duration("1h30")
            .unwrap_err()
            .contains("90s, 10m, 1h30m"),
        "the message shows the forms"
    );
}

#[test]
fn the_pause_backs_off_resets_on_a_change_and_follows_dns_expiry() {
    let s = Duration::from_secs;
    // Nothing changed: half as long again, up to five minutes.
    assert_eq!(next_pause(s(30), s(30), false, None), s(45));
    assert_eq!(next_pause(s(30), s(280), false, None), MAX_PAUSE);
    // A change: back to the interval.
    assert_eq!(next_pause(s(30), s(200), true, None), s(30));
    // An interval longer than the cap is kept.
    assert_eq!(next_pause(s(600), s(600), false, None), s(600));
    // Outdated DNS answers expire in 10 s: the next run comes 2 s after.
    assert_eq!(next_pause(s(30), s(30), true, Some(s(10))), s(12));
    // They expire later than the pause: the pause stands.
    assert_eq!(next_pause(s(30), s(30), true, Some(s(1800))), s(30));
}

fn report_with(rows: &[(CheckId, Option<&str>, Status)]) -> Report {
    let mut report = Report::new("example.com");
    report.checks = rows
        .iter()
        .map(|(id, target, status)| {
            let r = CheckResult::new(*id, *status, "x");
            match target {
                Some(t) => r.target(*t),
                None => r,
            }
        })
        .collect();
    report
}

#[test]
fn changes_name_new_different_and_gone_rows() {
    let before = report_with(&[
        (CheckId::DnsDelegatedHost, None, Status::Warn),
        (CheckId::ServerTls, Some("127.0.0.19:443"), Status::Fail),
        (CheckId::ClientWellKnown, None, Status::Pass),
    ]);
    let after = report_with(&[
        (CheckId::DnsDelegatedHost, None, Status::Pass),
        (CheckId::ServerTls, Some("127.0.0.11:443"), Status::Pass),
        (CheckId::ClientWellKnown, None, Status::Pass),
    ]);
    let snap = Snapshot::of(&before);
    let changes = snap.changes(&after);
    type Seen<'a> = (CheckId, Option<&'a str>, Option<Status>, Option<Status>);
    let seen: Vec<Seen<'_>> = changes
        .iter()
        .map(|c| (c.key.0, c.key.1.as_deref(), c.before, c.after))
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                CheckId::DnsDelegatedHost,
                None,
                Some(Status::Warn),
                Some(Status::Pass)
            ),
            (
                CheckId::ServerTls,
                Some("127.0.0.11:443"),
                None,
                Some(Status::Pass)
            ),
            (
                CheckId::ServerTls,
                Some("127.0.0.19:443"),
                Some(Status::Fail),
                None
            ),
        ]
    );
    assert_eq!(
        snap.change(&after.checks[0]),
        Some(Change::Was(Status::Warn))
    );
    assert_eq!(snap.change(&after.checks[1]), Some(Change::New));
    assert_eq!(snap.change(&after.checks[2]), None);
    assert!(Snapshot::of(&after).changes(&after).is_empty());
}

/// The built-in "DNS change spreading" deployment, with resolvers that hold
/// the old address for `ttl` more seconds from the simulation's start.
fn spreading(ttl: u32) -> Scenario {
    let text = include_str!("../../../assets/scenarios/dns-change-spreading.toml");
    assert!(
        text.contains("ttl = 1800 }"),
        "the scenario still caches 30 min"
    );
    Scenario::from_toml(&text.replace("ttl = 1800 }", &format!("ttl = {ttl} }}"))).expect("parses")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dns_change_that_spreads_while_waiting_turns_green() {
    let sim = Sim::start(&spreading(3)).await.expect("sim starts");
    let net = Net::new(sim.net_options()).expect("network layer sets up");
    let request = CheckRequest {
        server_name: ServerName::parse("example.com").expect("valid"),
        expectations: Expectations::none(),
    };
    let settings = WaitSettings {
        max_wait: Duration::from_secs(60),
        interval: Duration::from_secs(1),
    };
    let mut progress = Vec::new();
    let outcome = wait_until_green(
        net,
        request,
        settings,
        std::future::pending(),
        &mut progress,
    )
    .await;
    let said = String::from_utf8(progress).expect("UTF-8");
    assert_eq!(outcome.end, WaitEnd::Green, "{said}");
    assert!(outcome.runs >= 2, "{said}");
    let last = outcome.last.expect("a report");
    assert!(last.ok, "{said}");
    // The first run saw the client API fail at the old address (reached
    // through this machine's resolver) and the resolvers' wait; federation
    // was checked on the new address from the start, so it never changes.
    assert!(said.starts_with("run 1 ("), "{said}");
    assert!(said.contains("✘ client.versions"), "{said}");
    assert!(!said.contains("server.tls"), "{said}");
    assert!(
        said.contains("DNS: resolvers may still serve an outdated answer for up to 3 s"),
        "{said}"
    );
    // A later run says what changed: the client API answers.
    assert!(
        said.contains("✔ client.versions: pass (was FAIL)"),
        "{said}"
    );
    assert!(said.contains("✔ nothing fails: green after"), "{said}");
}

#[test]
fn a_deployment_that_never_turns_green_gives_up_at_max_wait() {
    let o = check(&[
        "example.com",
        "--sim",
        "blackholed",
        "--wait",
        "--max-wait",
        "3",
        "--interval",
        "1",
        "--timeout",
        "1",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("run 1 ("), "{out}");
    assert!(
        out.contains("✘ still failing when --max-wait (3 s) ran out"),
        "{out}"
    );
    // The last report follows, as `check` prints it.
    assert!(
        out.contains("matrix-delegate check example.com: ✘ FAIL"),
        "{out}"
    );
}

#[test]
fn with_json_standard_output_holds_only_the_last_report() {
    let o = check(&[
        "example.com",
        "--sim",
        "healthy-well-known",
        "--wait",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).expect("one JSON document");
    assert_eq!(report["ok"], true);
    let err = stderr(&o);
    assert!(
        err.contains("run 1 (") && err.contains("green after 1 run"),
        "{err}"
    );
}

#[test]
fn wait_options_are_checked() {
    let o = check(&["example.com", "--max-wait", "10m"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--wait"), "{}", stderr(&o));
    let o = check(&["example.com", "--wait", "--interval", "1h30"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not a duration"), "{}", stderr(&o));
    let o = check(&["example.com", "example.org", "--wait"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--wait re-checks one server name"),
        "{}",
        stderr(&o)
    );
    let o = check(&["example.com", "--wait", "--tui"]);
    assert_eq!(code(&o), 2);
}

/// Ctrl-C while waiting for the next run: exit 130 with the last complete
/// report.
#[test]
fn ctrl_c_while_waiting_prints_the_last_report_and_exits_130() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_matrix-delegate"))
        .args([
            "check",
            "example.com",
            "--sim",
            "blackholed",
            "--timeout",
            "1",
            "--wait",
            "--interval",
            "10m",
        ])
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut said = String::new();
    // The first run is over once the pause is announced.
    while !said.contains("next run in") {
        let mut line = String::new();
        assert!(out.read_line(&mut line).expect("a line") > 0, "{said}");
        said.push_str(&line);
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    out.read_to_string(&mut said).expect("the rest");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let status = child.wait().expect("ends");
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(said.contains("next run in 10 min"), "{said}");
    assert!(
        said.contains("matrix-delegate check example.com: ✘ FAIL"),
        "{said}"
    );
    assert!(err.contains("interrupted (Ctrl-C)"), "{err}");
}
