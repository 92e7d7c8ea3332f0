//! Benchmark of the wizard's runtime (`cargo bench --bench tui_runtime`).
//!
//! Headless: the real runtime loop on a TestBackend with an injected event
//! source (a channel nobody writes to = an idle operator):
//! - time from start (services asked for the config, state built, loop
//!   started) to the first frame drawn        target < 50 ms
//! - CPU time the process uses over 10 s idle  target < 20 ms
//! - frames drawn while idle                   target 0
//! - for scale: frames and CPU per second while a check run is open (spinner).
//!
//! In a real terminal (tmux, when installed): the built binary, idle on its
//! welcome screen for 10 s, CPU time read from /proc/<pid>.
//!
//! CPU time is the sum over all threads of /proc/<pid>/task/*/schedstat
//! (nanoseconds on a CPU); /proc/<pid>/stat utime+stime (clock ticks) is
//! printed too as a cross-check. Exits 1 when a target is missed.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A binary: nothing in it is reachable from outside, so `pub` only means
// "shared between its modules".
#![allow(unreachable_pub)]

use std::fs;
use std::io;
use std::process::{Command, ExitCode};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::Event;
use futures::channel::mpsc::unbounded;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use matrix_delegate::check::model::{CheckEvent, CheckId};
use matrix_delegate::domain::{Plan, ServerName};
use matrix_delegate::generate::Artifact;
use matrix_delegate::report::Report;
use matrix_delegate::tui::data::{
    CheckRequest, ConfigPreview, ConfigStatus, Expected, SavedFiles, WriteOutcome,
};
use matrix_delegate::tui::runtime::{Stats, run};
use matrix_delegate::tui::services::{
    BuiltinServices, CheckSink, RunHandle, ServiceError, Services,
};
use matrix_delegate::tui::state::State;

const IDLE: Duration = Duration::from_secs(10);

/// Nanoseconds all threads of `pid` spent on a CPU.
fn cpu_ns(pid: &str) -> Option<u64> {
    let mut total = 0;
    for entry in fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let stat = fs::read_to_string(entry.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// utime + stime of `pid`, in clock ticks.
fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100)
}

struct Verdicts(Vec<(String, bool)>);

impl Verdicts {
    fn check(&mut self, what: &str, ok: bool) {
        println!("  {} {what}", if ok { "PASS" } else { "MISS" });
        self.0.push((what.to_string(), ok));
    }
}

/// The error of a service the benchmark never calls.
fn not_in_the_benchmark() -> ServiceError {
    ServiceError::Io {
        doing: "use",
        path: std::path::PathBuf::new(),
        source: io::Error::other("not in the benchmark"),
    }
}

/// A check run that stays open until the benchmark ends it.
#[derive(Default)]
struct OpenRun {
    sink: Mutex<Option<(u64, CheckSink)>>,
}

impl Services for OpenRun {
    fn load_config(&self, _: Option<&std::path::Path>) -> ConfigStatus {
        ConfigStatus::NotFound
    }
    fn start_checks(
        &self,
        request: CheckRequest,
        sink: CheckSink,
    ) -> Result<RunHandle, ServiceError> {
        let started = CheckEvent::Started {
            run: request.run,
            id: CheckId::DnsServerName,
            target: None,
        };
        sink.send(started);
        if let Ok(mut slot) = self.sink.lock() {
            *slot = Some((request.run, sink));
        }
        Ok(RunHandle::new(|| {}))
    }
    fn preview_config_write(
        &self,
        _: &std::path::Path,
        _: &Plan,
    ) -> Result<ConfigPreview, ServiceError> {
        Err(not_in_the_benchmark())
    }
    fn write_config(&self, _: &Plan, _: &ConfigPreview) -> Result<WriteOutcome, ServiceError> {
        Err(not_in_the_benchmark())
    }
    fn save_artifacts(
        &self,
        _: &std::path::Path,
        _: &[Artifact],
    ) -> Result<SavedFiles, ServiceError> {
        Err(not_in_the_benchmark())
    }
    fn export_report(
        &self,
        _: &std::path::Path,
        _: &Report,
    ) -> Result<Vec<std::path::PathBuf>, ServiceError> {
        Err(not_in_the_benchmark())
    }
}

fn headless(v: &mut Verdicts) -> io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        println!("headless wizard (TestBackend 80x24, injected events):");
        let stats = Stats::new();
        let services: Arc<dyn Services> = Arc::new(BuiltinServices::system(
            matrix_delegate::cli::config::process_env(),
        ));
        let config = services.load_config(None);
        let state = State::wizard(config, false);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).map_err(io::Error::other)?;
        let (tx, rx) = unbounded::<io::Result<Event>>();
        let mut clipboard = Vec::new();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async {
            let _ = stopped.await;
        };
        let driver = async {
            while stats.first_frame().is_none() {
                tokio::task::yield_now().await;
            }
            let first = stats.first_frame().unwrap_or_default();
            let frames = stats.frames();
            let (ns, ticks) = (cpu_ns("self"), cpu_ticks("self"));
            tokio::time::sleep(IDLE).await;
            let idle_frames = stats.frames() - frames;
            let cpu = cpu_ns("self").zip(ns).map(|(b, a)| b.saturating_sub(a));
            let tick_ms = cpu_ticks("self")
                .zip(ticks)
                .map(|(b, a)| (b - a) * 1000 / ticks_per_second());
            let _ = stop.send(());
            drop(tx);
            (first, idle_frames, cpu, tick_ms)
        };
        let (result, (first, idle_frames, cpu, tick_ms)) = tokio::join!(
            run(
                &mut terminal,
                state,
                Vec::new(),
                services,
                rx,
                shutdown,
                &mut clipboard,
                &stats
            ),
            driver
        );
        result?;
        println!(
            "  start to first frame: {:.2} ms",
            first.as_secs_f64() * 1e3
        );
        v.check("first frame < 50 ms", first < Duration::from_millis(50));
        println!("  frames drawn in {} s idle: {idle_frames}", IDLE.as_secs());
        v.check("0 frames while idle", idle_frames == 0);
        match cpu {
            Some(ns) => {
                println!(
                    "  CPU in {} s idle: {:.3} ms (schedstat); {} ms (utime+stime)",
                    IDLE.as_secs(),
                    ns as f64 / 1e6,
                    tick_ms.map_or("?".into(), |t| t.to_string())
                );
                v.check("idle CPU < 20 ms", ns < 20_000_000);
            }
            None => println!("  CPU: /proc/self/task/*/schedstat unreadable, not measured"),
        }
        Ok::<(), io::Error>(())
    })?;

    rt.block_on(async {
        println!("headless checks screen with a run open (spinner):");
        let stats = Stats::new();
        let open = Arc::new(OpenRun::default());
        let services: Arc<dyn Services> = open.clone();
        let name = ServerName::parse("example.com").map_err(io::Error::other)?;
        let (state, cmds) = State::check_screen(name, Expected::Nothing, false);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).map_err(io::Error::other)?;
        let (tx, rx) = unbounded::<io::Result<Event>>();
        let mut clipboard = Vec::new();
        let span = Duration::from_secs(2);
        let driver = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let (frames, ns) = (stats.frames(), cpu_ns("self"));
            tokio::time::sleep(span).await;
            let fps = (stats.frames() - frames) as f64 / span.as_secs_f64();
            let cpu = cpu_ns("self").zip(ns).map(|(b, a)| b.saturating_sub(a));
            if let Some((run, sink)) = open.sink.lock().ok().and_then(|mut s| s.take()) {
                sink.send(CheckEvent::Done { run });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            let after_done = stats.frames();
            tokio::time::sleep(Duration::from_secs(1)).await;
            let frames_after_done = stats.frames() - after_done;
            drop(tx);
            (fps, cpu, frames_after_done)
        };
        let (result, (fps, cpu, after)) = tokio::join!(
            run(
                &mut terminal,
                state,
                cmds,
                services,
                rx,
                std::future::pending(),
                &mut clipboard,
                &stats
            ),
            driver
        );
        result?;
        println!(
            "  {fps:.1} frames/s while running; CPU {:.2} ms/s",
            cpu.map_or(f64::NAN, |ns| ns as f64 / 1e6 / span.as_secs_f64())
        );
        println!("  frames in the 1 s after the run ended: {after}");
        v.check("spinner stops with the run", after == 0);
        Ok::<(), io::Error>(())
    })
}

/// The built binary on a real pty (tmux), idle on its welcome screen.
fn in_tmux(v: &mut Verdicts) {
    let tmux_ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !tmux_ok {
        println!("real terminal: SKIPPED (tmux is not installed)");
        return;
    }
    println!("real terminal (tmux 80x24, the built binary):");
    let socket = format!("md-bench-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(args)
            .output()
    };
    let bin = env!("CARGO_BIN_EXE_matrix-delegate");
    let started = Instant::now();
    let launched = tmux(&[
        "new-session",
        "-d",
        "-s",
        "b",
        "-x",
        "80",
        "-y",
        "24",
        "-e",
        "TERM=xterm-256color",
        bin,
    ]);
    if !launched.is_ok_and(|o| o.status.success()) {
        println!("  could not start tmux; not measured");
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut shown = None;
    while Instant::now() < deadline {
        let screen = tmux(&["capture-pane", "-p", "-t", "b"])
            .map(|o| o.stdout)
            .unwrap_or_default();
        if String::from_utf8_lossy(&screen).contains("What would you like to do?") {
            shown = Some(started.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = tmux(&["display-message", "-p", "-t", "b", "#{pane_pid}"])
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    match shown {
        Some(t) => println!(
            "  launch to welcome screen visible (incl. tmux start and polling): {:.1} ms",
            t.as_secs_f64() * 1e3
        ),
        None => println!("  the welcome screen did not appear"),
    }
    let before = (cpu_ns(&pid), cpu_ticks(&pid));
    std::thread::sleep(IDLE);
    let after = (cpu_ns(&pid), cpu_ticks(&pid));
    let _ = tmux(&["kill-server"]);
    match (before, after) {
        ((Some(a), Some(ta)), (Some(b), Some(tb))) => {
            let ns = b.saturating_sub(a);
            println!(
                "  CPU in {} s idle: {:.3} ms (schedstat); {} ms (utime+stime)",
                IDLE.as_secs(),
                ns as f64 / 1e6,
                (tb - ta) * 1000 / ticks_per_second()
            );
            v.check("idle CPU in a real terminal < 20 ms", ns < 20_000_000);
        }
        _ => println!("  CPU of pid {pid:?} unreadable; not measured"),
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; nothing to parse.
    let mut v = Verdicts(Vec::new());
    if let Err(e) = headless(&mut v) {
        eprintln!("benchmark failed: {e}");
        return ExitCode::FAILURE;
    }
    in_tmux(&mut v);
    let missed: Vec<&str> =
        v.0.iter()
            .filter(|(_, ok)| !ok)
            .map(|(w, _)| w.as_str())
            .collect();
    if missed.is_empty() {
        println!("all targets met");
        ExitCode::SUCCESS
    } else {
        println!("targets missed: {}", missed.join(", "));
        ExitCode::FAILURE
    }
}
