//! The differential oracles: real peer implementations (Synapse's federation
//! agent, the `resolvematrix` crate, matrix-js-sdk's `AutoDiscovery`,
//! headless Chromium) run as outside programs against a scenario served on
//! its logical addresses ([`Listen::LogicalAddresses`]), next to `check`'s
//! own report of the same scenario.
//!
//! The oracles reach the simulation the way they reach the internet: through
//! the system resolver. Each runs in a private mount namespace (`unshare -m`)
//! whose `/etc/resolv.conf` names the simulated DNS server on `127.0.0.1`, so
//! every name they look up, theirs or the scenario's, is answered by the
//! simulation and nothing leaves loopback. That needs root (binding ports 53
//! and 443, mounting); without it the tests print `SKIPPED: ...`, and under
//! `CI=true` they fail.
#![allow(dead_code)]

mod drivers;
pub mod known;
pub mod models;
pub mod table;
mod view;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::domain::ServerName;
use matrix_delegate::probe::Net;
use matrix_delegate::probe::runner::{CheckRequest, run_to_report};
use matrix_delegate::sim::{
    BUILTIN_SCENARIOS, Listen, LoggedHello, LoggedRequest, Scenario, Sim, SimError,
};
use serde_json::Value;

pub use drivers::{APP_HOST, Oracle, chromium, synapse_python};
pub use table::{differences, model_cell, results_markdown};

use crate::support::runner::timeout_for;

/// The scenarios whose `check` report is a full pass: the oracles must
/// succeed on them and agree with `check`'s spec path.
pub const HEALTHY: [&str; 11] = [
    "healthy-delegated-8448",
    "healthy-dual-stack",
    "healthy-explicit-port",
    "healthy-ip-literal",
    "healthy-no-delegation",
    "healthy-srv-only",
    "healthy-srv-well-known",
    "healthy-static",
    "healthy-well-known-ip-literal",
    "healthy-well-known",
    "peers-short-cache",
];

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `Some(reason)` when this machine cannot run a simulation on the logical
/// addresses: not root, or no `unshare`.
pub fn privileged_mode_missing() -> Option<String> {
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if uid.as_deref() != Some("0") {
        return Some("the oracles need root (ports 53 and 443 on loopback, unshare -m)".into());
    }
    let unshare = Command::new("unshare")
        .args(["-m", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !unshare.is_ok_and(|s| s.success()) {
        return Some("`unshare -m` does not work here".into());
    }
    None
}

/// Prints `SKIPPED: <why>` and returns true, or fails under `CI=true`.
pub fn skip(why: &str) -> bool {
    assert!(!in_ci(), "CI=true requires every oracle: {why}");
    println!("SKIPPED: {why}");
    true
}

/// What one oracle did in one scenario.
#[derive(Debug, Clone)]
pub struct OracleRun {
    pub oracle: Oracle,
    /// The one JSON object the driver printed (None: it printed none).
    pub output: Option<Value>,
    /// The last lines of its standard error.
    pub stderr: String,
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub seconds: f64,
    /// What the simulated servers saw while this oracle ran.
    pub requests: Vec<LoggedRequest>,
    pub hellos: Vec<LoggedHello>,
    /// The names asked of the simulated DNS server meanwhile.
    pub dns_names: Vec<String>,
}

impl OracleRun {
    /// Well formed: the driver exited, printed one JSON object naming itself
    /// and the server name, and reported no error of its own.
    pub fn well_formed(&self, server_name: &str) -> Result<&Value, String> {
        let out = self.output.as_ref().ok_or_else(|| {
            format!(
                "{} printed no JSON (exit {:?}, timed out {}): {}",
                self.oracle.name(),
                self.exit_code,
                self.timed_out,
                self.stderr
            )
        })?;
        if out.get("oracle").and_then(Value::as_str) != Some(self.oracle.name()) {
            return Err(format!("{}: no oracle field: {out}", self.oracle.name()));
        }
        if out.get("server_name").and_then(Value::as_str) != Some(server_name) {
            return Err(format!("{}: wrong server_name: {out}", self.oracle.name()));
        }
        if let Some(e) = out.get("driver_error") {
            return Err(format!("{}: driver error {e}", self.oracle.name()));
        }
        if out.get("ok").and_then(Value::as_bool).is_none() {
            return Err(format!("{}: no ok field: {out}", self.oracle.name()));
        }
        Ok(out)
    }

    /// The federation requests (`/_matrix/federation/v1/version` and
    /// `/_matrix/key/v2/server`) the servers received.
    pub fn federation_requests(&self) -> Vec<&LoggedRequest> {
        self.requests
            .iter()
            .filter(|r| {
                r.target.starts_with("/_matrix/federation/v1/version")
                    || r.target.starts_with("/_matrix/key/v2/server")
            })
            .collect()
    }
}

/// `check`'s side of one scenario: the spec path and the client verdict.
#[derive(Debug, Clone)]
pub struct SpecSide {
    pub report: Value,
}

impl SpecSide {
    pub fn step(&self) -> Option<&str> {
        self.report["federation"]["step"].as_str()
    }
    /// The spec path alone works: it has targets and every one passes
    /// (`federation.ok` also needs every modelled peer, which the model
    /// comparison covers).
    pub fn federation_ok(&self) -> bool {
        let f = &self.report["federation"];
        f["no_service"].as_bool() != Some(true)
            && f["targets"].as_array().is_some_and(|ts| {
                !ts.is_empty() && ts.iter().all(|t| t["ok"].as_bool() == Some(true))
            })
    }
    /// `(address, host_header, sni)` of each spec target.
    pub fn targets(&self) -> Vec<(String, String, Option<String>)> {
        self.report["federation"]["targets"]
            .as_array()
            .map(|ts| {
                ts.iter()
                    .map(|t| {
                        (
                            t["address"].as_str().unwrap_or_default().to_string(),
                            t["host_header"].as_str().unwrap_or_default().to_string(),
                            t["sni"].as_str().map(str::to_string),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn client_verdict(&self) -> Option<&str> {
        self.report["client"]["verdict"].as_str()
    }
    /// The status of a check id (the worst of its results), if it ran.
    pub fn status(&self, id: &str) -> Option<String> {
        let order = ["pass", "skipped", "warn", "fail", "error"];
        self.report["checks"]
            .as_array()?
            .iter()
            .filter(|c| c["id"].as_str() == Some(id))
            .filter_map(|c| c["status"].as_str())
            .max_by_key(|s| order.iter().position(|o| o == s))
            .map(str::to_string)
    }
}

/// One scenario: `check`'s report and every oracle's run.
#[derive(Debug, Clone)]
pub struct ScenarioRow {
    pub scenario: String,
    pub server_name: String,
    pub spec: SpecSide,
    pub runs: Vec<OracleRun>,
}

impl ScenarioRow {
    pub fn run(&self, oracle: Oracle) -> Option<&OracleRun> {
        self.runs.iter().find(|r| r.oracle == oracle)
    }
}

/// Every built-in scenario with every available oracle, computed once per
/// test binary (the simulation binds fixed ports, so the scenarios run one
/// after another) and shared by the oracle tests.
pub struct Matrix {
    pub rows: Vec<ScenarioRow>,
    /// Oracles that could not run, with the reason.
    pub missing: BTreeMap<Oracle, String>,
    /// Why nothing ran at all (no root, no unshare).
    pub not_run: Option<String>,
}

static MATRIX: OnceLock<Matrix> = OnceLock::new();

/// Fixed ports: one simulation on the logical addresses at a time, in this
/// process (the mutex) and on this machine (an advisory lock on a file in
/// the temporary folder, so that two test runs, say from two checkouts, wait
/// for each other instead of failing to bind).
static LOGICAL_ADDRESSES: Mutex<()> = Mutex::new(());

pub struct LogicalAddressesLock {
    _in_process: MutexGuard<'static, ()>,
    /// Unlocked when closed (dropped).
    _machine: Option<std::fs::File>,
}

pub fn lock_logical_addresses() -> LogicalAddressesLock {
    let in_process = LOGICAL_ADDRESSES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let machine = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join("matrix-delegate-sim-logical-addresses.lock"))
        .ok()
        .filter(|file| file.lock().is_ok());
    LogicalAddressesLock {
        _in_process: in_process,
        _machine: machine,
    }
}

pub fn matrix() -> &'static Matrix {
    MATRIX.get_or_init(|| {
        if let Some(why) = privileged_mode_missing() {
            return Matrix {
                rows: Vec::new(),
                missing: BTreeMap::new(),
                not_run: Some(why),
            };
        }
        let mut missing = BTreeMap::new();
        let mut available = Vec::new();
        for oracle in Oracle::ALL {
            match oracle.missing() {
                Some(why) => {
                    missing.insert(oracle, why);
                }
                None => available.push(oracle),
            }
        }
        let names: Vec<&str> = match std::env::var("ORACLE_SCENARIOS") {
            // A comma-separated subset, for working on one scenario.
            Ok(list) if !list.trim().is_empty() => BUILTIN_SCENARIOS
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| list.split(',').any(|w| w.trim() == *n))
                .collect(),
            _ => BUILTIN_SCENARIOS.iter().map(|(n, _)| *n).collect(),
        };
        // Scenarios that keep the private-address rule on publish private
        // addresses off loopback (192.168.1.20, 10.0.0.5): outside programs
        // on logical addresses would try to connect there, which tests never
        // do, and the oracles run with Synapse's blocklist emptied anyway.
        // The blocklist itself is compared with Synapse's own code in
        // `tests/it/oracles/blocklist.rs`.
        let names: Vec<&str> = names
            .into_iter()
            .filter(|name| Scenario::builtin(name).map_or(true, |s| !s.refuse_private_addresses))
            .collect();
        let rows = names
            .iter()
            .map(|name| observe_scenario(name, &available))
            .collect();
        Matrix {
            rows,
            missing,
            not_run: None,
        }
    })
}

/// The scenario as the oracles see it: the built-in one plus the web
/// client's origin (`https://app.example.net`, serving the page Chromium
/// loads), which no scenario file has.
pub fn scenario_with_app_origin(name: &str) -> Scenario {
    let mut scenario = Scenario::builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    drivers::add_app_origin(&mut scenario);
    scenario
}

/// A simulation on the logical addresses and the files the oracles need.
pub struct World {
    pub sim: Sim,
    pub dir: tempfile::TempDir,
    pub ca_file: PathBuf,
    /// This machine's resolver (the one `check` asks).
    pub resolv_conf: PathBuf,
    /// A resolver elsewhere ([`matrix_delegate::sim::ELSEWHERE_NAMESERVER`]):
    /// the federation oracles stand for peers elsewhere, which never get
    /// this machine's own answers (a scenario's `cached` records).
    pub elsewhere_resolv_conf: PathBuf,
}

impl World {
    pub async fn start(scenario: &Scenario) -> Result<World, SimError> {
        let sim = Sim::start_listening(scenario, Listen::LogicalAddresses).await?;
        let dir = tempfile::tempdir().map_err(|e| SimError::Bind(e.to_string()))?;
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, sim.ca_pem()).map_err(|e| SimError::Bind(e.to_string()))?;
        let resolv_conf = dir.path().join("resolv.conf");
        // One try, one second: a scenario whose DNS never answers must not
        // hold every oracle for glibc's default 5 s × 2 tries.
        std::fs::write(
            &resolv_conf,
            "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
        )
        .map_err(|e| SimError::Bind(e.to_string()))?;
        let elsewhere_resolv_conf = dir.path().join("resolv.conf.elsewhere");
        std::fs::write(
            &elsewhere_resolv_conf,
            format!(
                "nameserver {}\noptions timeout:1 attempts:1\n",
                matrix_delegate::sim::ELSEWHERE_NAMESERVER.ip()
            ),
        )
        .map_err(|e| SimError::Bind(e.to_string()))?;
        Ok(World {
            sim,
            dir,
            ca_file,
            resolv_conf,
            elsewhere_resolv_conf,
        })
    }

    /// Runs `program args` in a private mount namespace whose
    /// `/etc/resolv.conf` is this world's, in its own process group (killed
    /// whole after `limit`, or as soon as a request whose target satisfies
    /// `done` arrives), and returns what the simulation saw meanwhile.
    pub fn run(
        &self,
        oracle: Oracle,
        program: &Path,
        args: &[String],
        env: &[(&str, String)],
        limit: Duration,
        done: Option<&dyn Fn(&str) -> bool>,
    ) -> OracleRun {
        use std::os::unix::process::CommandExt;
        let requests_before = self.sim.log().requests().len();
        let hellos_before = self.sim.log().hellos().len();
        let dns_before = self.sim.log().dns_queries().len();
        let started = Instant::now();
        let mut command = Command::new("unshare");
        command
            .args(["-m", "--", "sh", "-c"])
            .arg(r#"mount --bind "$0" /etc/resolv.conf && exec "$@""#)
            // Peers elsewhere resolve through a resolver elsewhere, as the
            // peer models do; the clients run on this machine, as `check`.
            .arg(match oracle {
                Oracle::Synapse | Oracle::Resolvematrix => &self.elsewhere_resolv_conf,
                Oracle::JsSdk | Oracle::Chromium => &self.resolv_conf,
            })
            .arg(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let finished = || {
            done.is_some_and(|done| {
                self.sim.log().requests()[requests_before..]
                    .iter()
                    .any(|r| done(&r.target))
            })
        };
        let outcome = run_with_limit(command, limit, &finished);
        let requests = self.sim.log().requests()[requests_before..].to_vec();
        let hellos = self.sim.log().hellos()[hellos_before..].to_vec();
        let dns_names = self.sim.log().dns_queries()[dns_before..]
            .iter()
            .map(|q| q.name.clone())
            .collect();
        let output = outcome
            .stdout
            .lines()
            .rev()
            .find_map(|line| serde_json::from_str::<Value>(line.trim()).ok())
            .filter(Value::is_object);
        let stderr: String = {
            let lines: Vec<&str> = outcome.stderr.lines().collect();
            lines[lines.len().saturating_sub(200)..].join("\n")
        };
        OracleRun {
            oracle,
            output,
            stderr,
            exit_code: outcome.code,
            timed_out: outcome.timed_out,
            seconds: started.elapsed().as_secs_f64(),
            requests,
            hellos,
            dns_names,
        }
    }
}

struct Finished {
    stdout: String,
    stderr: String,
    code: Option<i32>,
    timed_out: bool,
}

/// Runs the command, killing its whole process group after `limit` or once
/// `finished` says its work is done.
fn run_with_limit(mut command: Command, limit: Duration, finished: &dyn Fn() -> bool) -> Finished {
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            return Finished {
                stdout: String::new(),
                stderr: format!("cannot start: {e}"),
                code: None,
                timed_out: false,
            };
        }
    };
    // Read both pipes on threads so that a chatty program never blocks.
    let stdout = child.stdout.take().map(|mut out| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut out, &mut s);
            s
        })
    });
    let stderr = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = std::io::Read::read_to_end(&mut err, &mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    });
    let deadline = Instant::now() + limit;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if finished() => {
                // Give the program a moment to flush, then end it.
                std::thread::sleep(Duration::from_millis(100));
                kill_group(child.id());
                break child.wait().ok();
            }
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                kill_group(child.id());
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    // Whatever the program left running in its group (a browser's helpers).
    kill_group(child.id());
    Finished {
        stdout: stdout.and_then(|t| t.join().ok()).unwrap_or_default(),
        stderr: stderr.and_then(|t| t.join().ok()).unwrap_or_default(),
        code: status.and_then(|s| s.code()),
        timed_out,
    }
}

fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Starts `name` on the logical addresses, runs `check` on it, then each
/// oracle in turn.
pub fn observe_scenario(name: &str, oracles: &[Oracle]) -> ScenarioRow {
    let _fixed_ports = lock_logical_addresses();
    let scenario = scenario_with_app_origin(name);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let world = runtime
        .block_on(World::start(&scenario))
        .unwrap_or_else(|e| panic!("{name} on the logical addresses: {e}"));
    let report = runtime.block_on(async {
        let mut opts = world.sim.net_options();
        opts.timeout = timeout_for(name);
        let net = Net::new(opts).expect("network layer sets up");
        let request = CheckRequest {
            server_name: ServerName::parse(&scenario.server_name).expect("valid server name"),
            expectations: Expectations::none(),
        };
        run_to_report(net, request, 7).await
    });
    let report = serde_json::to_value(&report).expect("report serialises");
    let runs: Vec<OracleRun> = oracles
        .iter()
        .map(|oracle| oracle.run(&world, &scenario))
        .collect();
    // Progress on standard error (the suite takes minutes): where the time goes.
    eprintln!(
        "oracles: {name}: {}",
        runs.iter()
            .map(|r| format!("{} {:.1}s", r.oracle.name(), r.seconds))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let World { sim, dir, .. } = world;
    runtime.block_on(sim.shutdown());
    drop(dir);
    ScenarioRow {
        scenario: name.to_string(),
        server_name: scenario.server_name.clone(),
        spec: SpecSide { report },
        runs,
    }
}
