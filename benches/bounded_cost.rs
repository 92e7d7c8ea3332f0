//! `cargo bench --bench bounded_cost [-- CASE...]`: does a check run stay
//! bounded whatever the network answers?
//!
//! Each case is an adversarial deployment served by the simulated internet
//! on loopback, checked with `--timeout 5` (run deadline 31 s):
//!
//! | case        | what the network answers                                              |
//! |-------------|-----------------------------------------------------------------------|
//! | `a250`      | 250 A records on the server name, well-known 404 → step 6 on each     |
//! | `a1000`     | the same with 1,000 addresses                                         |
//! | `a4000`     | 4,000 addresses: 2,000 A and 2,000 AAAA records (~32 and ~56 KB answers over TCP) |
//! | `srv500`    | 500 SRV targets, each with its own address                            |
//! | `srv500-fd` | the same, the checker under `ulimit -n 256`                           |
//! | `sig5000`   | a key response with 5,000 verify_keys and 5,000 signatures, 100 addresses |
//!
//! Every address of a case is served by one real HTTPS server of the
//! simulation (the dial map sends every logical address there), which
//! counts the TCP connections it holds open at once. The checker runs in a
//! child process of this binary (this binary re-executed with `--child`), so
//! its peak RSS (`VmHWM`) and CPU time (`/proc/self/stat`) are its own, and
//! so that `ulimit -n 256` applies to it and not to the simulation. A child
//! still running after [`KILL_AFTER`] is killed and shown as such.
//!
//! The caps keep a real run to a few dozen checks, so the report fold is
//! also measured on its own, past every cap: 1,000, 4,000 and 16,000
//! addresses with four per-address checks each (started, then finished,
//! out of order), folded and rendered as text and JSON; its CPU must grow
//! at most n log n too.
//!
//! Targets (the acceptance of bounded cost): wall time within the run
//! deadline, CPU growing at most n log n with the number of addresses, peak
//! RSS under 200 MB, never more connections open at once than the
//! checker's connection limit, and no check blaming the server for a limit
//! of this machine.

// Test code: a failed unwrap is a failed benchmark.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A binary: nothing in it is reachable from outside.
#![allow(unreachable_pub)]

use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckEvent, CheckId, CheckResult, Status};
use matrix_delegate::domain::ServerName;
use matrix_delegate::probe::runner::{CheckRequest, default_deadline, run_to_report};
use matrix_delegate::probe::{Net, NetOptions};
use matrix_delegate::report::{json, text};
use matrix_delegate::sim::Sim;
use matrix_delegate::sim::adversarial::{Adversarial, SERVER_NAME};
use serde_json::{Value, json};

/// `--timeout 5`, as in the acceptance.
const TIMEOUT: Duration = Duration::from_secs(5);
/// The child is killed after this long (the "before" figures of the cases
/// that took minutes).
const KILL_AFTER: Duration = Duration::from_secs(120);
const RSS_LIMIT_KB: u64 = 200 * 1024;

struct Case {
    name: &'static str,
    what: &'static str,
    kind: Adversarial,
    nofile: Option<u32>,
}

const CASES: &[Case] = &[
    Case {
        name: "a250",
        what: "250 A records",
        kind: Adversarial::Addresses(250),
        nofile: None,
    },
    Case {
        name: "a1000",
        what: "1,000 A records",
        kind: Adversarial::Addresses(1000),
        nofile: None,
    },
    Case {
        name: "a4000",
        what: "4,000 addresses (A+AAAA)",
        kind: Adversarial::Addresses(4000),
        nofile: None,
    },
    Case {
        name: "srv500",
        what: "500 SRV targets",
        kind: Adversarial::SrvTargets(500),
        nofile: None,
    },
    Case {
        name: "srv500-fd",
        what: "500 SRV, ulimit -n 256",
        kind: Adversarial::SrvTargets(500),
        nofile: Some(256),
    },
    Case {
        name: "sig5000",
        what: "5,000 sigs × 100 addrs",
        kind: Adversarial::Signatures {
            keys: 5000,
            addresses: 100,
        },
        nofile: None,
    },
];

fn child_options(sim: &Sim, kind: Adversarial) -> Value {
    let options = kind.net_options(sim);
    let map: Vec<(String, String)> = options
        .dial_map
        .iter()
        .map(|(l, r)| (l.to_string(), r.to_string()))
        .collect();
    json!({
        "nameserver": sim.nameserver().to_string(),
        "ca_pem": sim.ca_pem(),
        "dial_map": map,
    })
}

/// What the child reports (one JSON line on stdout).
#[derive(Debug, Default)]
struct Figures {
    wall: Duration,
    cpu: Duration,
    peak_rss_kb: u64,
    checks: usize,
    json_bytes: usize,
    /// `fail` results whose words name a limit of this machine.
    blamed_server: usize,
    /// `error` results worded as a problem on this machine.
    local_errors: usize,
    /// Addresses in the federation path without a `server.tls` row.
    missing_targets: usize,
    not_probed: String,
}

fn run_child(options_file: &Path) -> Result<(), String> {
    let started = Instant::now();
    let text = std::fs::read_to_string(options_file).map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let mut options = NetOptions {
        nameservers: vec![v["nameserver"].as_str().unwrap().parse().unwrap()],
        extra_roots_pem: vec![v["ca_pem"].as_str().unwrap().to_string()],
        ca_only: true,
        timeout: TIMEOUT,
        ..NetOptions::default()
    };
    let mut map = HashMap::new();
    for pair in v["dial_map"].as_array().unwrap() {
        let l: SocketAddr = pair[0].as_str().unwrap().parse().unwrap();
        let r: SocketAddr = pair[1].as_str().unwrap().parse().unwrap();
        map.insert(l, r);
    }
    options.dial_map = map;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (report, json_text, text) = runtime.block_on(async {
        let net = Net::new(options).map_err(|e| e.to_string())?;
        let request = CheckRequest {
            server_name: ServerName::parse(SERVER_NAME).map_err(|e| e.to_string())?,
            expectations: Expectations::none(),
        };
        let report = run_to_report(net, request, 1).await;
        let json_text = json::render(&report);
        let text = text::render(&report, &text::TextOptions::default());
        Ok::<_, String>((report, json_text, text))
    })?;
    let wall = started.elapsed();
    // `BOUNDED_COST_SHOW=1` shows each case's report (on stderr).
    if std::env::var_os("BOUNDED_COST_SHOW").is_some() {
        eprintln!("{text}");
    }
    let local_words = [
        "Too many open files",
        "os error 24",
        "os error 23",
        "No buffer space",
        "Cannot assign requested address",
    ];
    let mut blamed = 0;
    let mut local = 0;
    for c in &report.checks {
        let words = format!("{} {:?}", c.summary, c.evidence);
        let names_local_limit = local_words.iter().any(|w| words.contains(w));
        if c.status == Status::Fail && names_local_limit {
            blamed += 1;
        }
        if c.status == Status::Error && words.contains("on this machine") {
            local += 1;
        }
    }
    let missing = report
        .federation
        .targets
        .iter()
        .filter(|t| {
            !report.checks.iter().any(|c| {
                c.id == matrix_delegate::check::model::CheckId::ServerTls
                    && c.target.as_deref() == Some(t.address.as_str())
            })
        })
        .count();
    let skipped = &report.federation.not_probed;
    let not_probed = match (skipped.srv_targets, skipped.addresses) {
        (0, 0) => "-".to_string(),
        (0, a) => format!("{a} addresses"),
        (t, 0) => format!("{t} SRV targets"),
        (t, a) => format!("{t} SRV targets, {a} addresses"),
    };
    let (cpu, hwm) = (cpu_time(), peak_rss_kb());
    println!(
        "{}",
        json!({
            "wall_ms": wall.as_millis() as u64,
            "cpu_ms": cpu.as_millis() as u64,
            "peak_rss_kb": hwm,
            "checks": report.checks.len(),
            "json_bytes": json_text.len(),
            "blamed_server": blamed,
            "local_errors": local,
            "missing_targets": missing,
            "not_probed": not_probed,
        })
    );
    Ok(())
}

/// User + system CPU time of this process (`/proc/self/stat` fields 14 and
/// 15, in clock ticks of 1/100 s, the value on every Linux port).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces: count from its `)`.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After `)`: field 3 is at index 0, so fields 14 and 15 are 11 and 12.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Peak resident set size (`VmHWM`), KiB.
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

enum Outcome {
    Done(Figures),
    Killed(Duration),
    Broken(String),
}

struct Row {
    case: &'static Case,
    outcome: Outcome,
    peak_connections: usize,
    total_connections: usize,
    peak_dns: usize,
    dns_queries: usize,
}

async fn run_case(case: &'static Case, exe: &Path, dir: &Path) -> Row {
    let sim = Sim::start(&case.kind.scenario().unwrap()).await.unwrap();
    let options_file = dir.join(format!("{}.json", case.name));
    std::fs::write(&options_file, child_options(&sim, case.kind).to_string()).unwrap();
    let mut command = match case.nofile {
        // The limit applies to the checker only (the simulation runs here).
        Some(n) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                .arg(exe);
            c
        }
        None => Command::new(exe),
    };
    command
        .arg("--child")
        .arg(&options_file)
        .stdout(Stdio::piped());
    let started = Instant::now();
    let outcome = match command.spawn() {
        Err(e) => Outcome::Broken(e.to_string()),
        Ok(mut child) => loop {
            match child.try_wait() {
                Ok(Some(_)) => {
                    let mut out = String::new();
                    if let Some(mut stdout) = child.stdout.take() {
                        let _ = stdout.read_to_string(&mut out);
                    }
                    break parse_figures(&out);
                }
                Ok(None) if started.elapsed() > KILL_AFTER => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Outcome::Killed(started.elapsed());
                }
                Ok(None) => tokio::time::sleep(Duration::from_millis(20)).await,
                Err(e) => break Outcome::Broken(e.to_string()),
            }
        },
    };
    let row = Row {
        case,
        outcome,
        peak_connections: sim.log().peak_connections(),
        total_connections: sim.log().total_connections(),
        peak_dns: sim.log().peak_dns_in_flight(),
        dns_queries: sim.log().dns_queries().len(),
    };
    sim.shutdown().await;
    row
}

fn parse_figures(out: &str) -> Outcome {
    let Some(line) = out.lines().rev().find(|l| l.starts_with('{')) else {
        return Outcome::Broken(format!("no figures from the child: {out}"));
    };
    let Ok(v) = serde_json::from_str::<Value>(line) else {
        return Outcome::Broken(format!("unreadable figures: {line}"));
    };
    let n = |k: &str| v[k].as_u64().unwrap_or(0);
    Outcome::Done(Figures {
        wall: Duration::from_millis(n("wall_ms")),
        cpu: Duration::from_millis(n("cpu_ms")),
        peak_rss_kb: n("peak_rss_kb"),
        checks: usize::try_from(n("checks")).unwrap_or(0),
        json_bytes: usize::try_from(n("json_bytes")).unwrap_or(0),
        blamed_server: usize::try_from(n("blamed_server")).unwrap_or(0),
        local_errors: usize::try_from(n("local_errors")).unwrap_or(0),
        missing_targets: usize::try_from(n("missing_targets")).unwrap_or(0),
        not_probed: v["not_probed"].as_str().unwrap_or("-").to_string(),
    })
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn print_table(rows: &[Row], connection_limit: usize) -> bool {
    let deadline = default_deadline(TIMEOUT);
    println!(
        "--timeout {} (run deadline {}), connection limit {connection_limit}",
        TIMEOUT.as_secs(),
        secs(deadline)
    );
    println!(
        "| case | wall | CPU | peak RSS | max conns open | conns | DNS queries (max at once) | checks | JSON | blamed server | local errors | targets w/o row | not probed |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut pass = true;
    for r in rows {
        match &r.outcome {
            Outcome::Done(f) => {
                let ok = f.wall <= deadline
                    && f.peak_rss_kb <= RSS_LIMIT_KB
                    && r.peak_connections <= connection_limit
                    && f.blamed_server == 0
                    && f.missing_targets == 0;
                pass &= ok;
                println!(
                    "| {} | {} | {} | {:.0} MB | {} | {} | {} ({}) | {} | {} KB | {} | {} | {} | {} |{}",
                    r.case.what,
                    secs(f.wall),
                    secs(f.cpu),
                    f.peak_rss_kb as f64 / 1024.0,
                    r.peak_connections,
                    r.total_connections,
                    r.dns_queries,
                    r.peak_dns,
                    f.checks,
                    f.json_bytes / 1024,
                    f.blamed_server,
                    f.local_errors,
                    f.missing_targets,
                    f.not_probed,
                    if ok { "" } else { " FAIL" }
                );
            }
            Outcome::Killed(after) => {
                pass = false;
                println!(
                    "| {} | > {} (killed) | | | {} | {} | {} ({}) | | | | | | | FAIL",
                    r.case.what,
                    secs(*after),
                    r.peak_connections,
                    r.total_connections,
                    r.dns_queries,
                    r.peak_dns
                );
            }
            Outcome::Broken(why) => {
                pass = false;
                println!("| {} | broken: {why} |", r.case.what);
            }
        }
    }
    pass &= cpu_grows_at_most_n_log_n(rows);
    pass
}

/// CPU of the address cases against n log n, from the smallest case.
fn cpu_grows_at_most_n_log_n(rows: &[Row]) -> bool {
    let points: Vec<(usize, Duration)> = rows
        .iter()
        .filter_map(|r| match (r.case.kind, &r.outcome) {
            (Adversarial::Addresses(n), Outcome::Done(f)) => Some((n, f.cpu)),
            _ => None,
        })
        .collect();
    let Some(&(n0, c0)) = points.first() else {
        return true;
    };
    let nlogn = |n: usize| n as f64 * (n as f64).ln();
    let mut ok = true;
    for &(n, c) in &points[1..] {
        // A floor of 0.1 s CPU for the base keeps clock-tick noise out.
        let allowed = nlogn(n) / nlogn(n0) * c0.as_secs_f64().max(0.1);
        let fine = c.as_secs_f64() <= allowed;
        ok &= fine;
        println!(
            "CPU {n0} → {n} addresses: {} → {} (n log n allows {:.2} s): {}",
            secs(c0),
            secs(c),
            allowed,
            if fine { "ok" } else { "TOO MUCH" }
        );
    }
    ok
}

/// Folds and renders the events of `n` addresses with four checks each:
/// every check started first, then finished in another order, as a run
/// with that many addresses would send them. The CPU time it took.
fn fold_cost(n: usize) -> Duration {
    const PER_ADDRESS: [CheckId; 4] = [
        CheckId::ServerTls,
        CheckId::ServerVersion,
        CheckId::ServerKeys,
        CheckId::ServerRouting,
    ];
    let target = |i: usize| format!("10.{}.{}.{}:8448", i >> 16 & 255, i >> 8 & 255, i & 255);
    let mut events = Vec::with_capacity(n * 8 + 1);
    for i in 0..n {
        for id in PER_ADDRESS {
            events.push(CheckEvent::Started {
                run: 1,
                id,
                target: Some(target(i)),
            });
        }
    }
    for i in (0..n).rev() {
        for id in PER_ADDRESS {
            let status = if i % 7 == 0 {
                Status::Fail
            } else {
                Status::Pass
            };
            events.push(CheckEvent::Finished {
                run: 1,
                result: CheckResult::new(id, status, "answered").target(target(i)),
            });
        }
    }
    events.push(CheckEvent::Done { run: 1 });
    let before = cpu_time();
    let mut state = matrix_delegate::report::fold::ReportState::new(SERVER_NAME);
    for event in events {
        state.apply(event);
    }
    state.settle();
    let shown = text::render(&state.report, &text::TextOptions { color: false });
    let as_json = json::render(&state.report);
    let took = cpu_time().saturating_sub(before);
    assert!(
        shown.len() > n && as_json.len() > n,
        "every address rendered"
    );
    took
}

/// The fold alone at growing sizes, against n log n from the smallest.
fn fold_grows_at_most_n_log_n() -> bool {
    let sizes = [1_000, 4_000, 16_000];
    let costs: Vec<(usize, Duration)> = sizes.iter().map(|&n| (n, fold_cost(n))).collect();
    let nlogn = |n: usize| n as f64 * (n as f64).ln();
    let (n0, c0) = costs[0];
    let mut ok = true;
    println!("report fold alone (4 checks per address, text and JSON rendered):");
    for &(n, c) in &costs {
        // A floor of 0.05 s CPU for the base keeps clock-tick noise out.
        let allowed = nlogn(n) / nlogn(n0) * c0.as_secs_f64().max(0.05);
        let fine = n == n0 || c.as_secs_f64() <= allowed;
        ok &= fine;
        println!(
            "  {n:>6} addresses: {} CPU{}",
            secs(c),
            if n == n0 {
                String::new()
            } else {
                format!(
                    " (n log n from {n0} allows {allowed:.2} s): {}",
                    if fine { "ok" } else { "TOO MUCH" }
                )
            }
        );
    }
    ok
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let file = PathBuf::from(args.get(1).cloned().unwrap_or_default());
        return match run_child(&file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    // `cargo bench` passes `--bench`; other words pick cases by name.
    let wanted: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let cases: Vec<&'static Case> = CASES
        .iter()
        .filter(|c| wanted.is_empty() || wanted.iter().any(|w| *w == c.name))
        .collect();
    let exe = std::env::current_exe().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let rows: Vec<Row> = runtime.block_on(async {
        let mut rows = Vec::new();
        for case in cases {
            let row = run_case(case, &exe, dir.path()).await;
            rows.push(row);
        }
        rows
    });
    let limit = matrix_delegate::probe::DEFAULT_MAX_CONNECTIONS;
    let table_ok = print_table(&rows, limit);
    if fold_grows_at_most_n_log_n() && table_ok {
        println!("bounded cost: PASS");
        ExitCode::SUCCESS
    } else {
        println!("bounded cost: FAIL");
        ExitCode::FAILURE
    }
}
