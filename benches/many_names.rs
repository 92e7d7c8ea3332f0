//! `cargo bench --bench many_names`: checking 1,000 server names at once.
//!
//! The simulated internet serves 1,000 generated deployments
//! (`sim::Fleet`: healthy and broken, after the built-in scenarios) with
//! 50 ms injected into every DNS answer and 100 ms into every HTTP
//! response. The many-names engine of `matrix-delegate check --names-from`
//! (`cli::check::many::check_many`, one shared `Net`, JSON Lines) checks
//! them all in a child process, so that its peak memory and open files are
//! its own and not the simulation's. Targets:
//!
//! - wall time ≤ 1.3 × (names / jobs × critical path), where the critical
//!   path is the wall time of one name checked alone (the slowest
//!   template's, median of three runs each) — or, when the work cannot fit
//!   in that time on this machine's cores, ≤ 1.3 × the CPU floor (the CPU
//!   time of the checks and of the simulated servers, which share this
//!   machine, divided by its cores). A name costs about ten TLS
//!   connections, both ends of which are computed here; at `--jobs 200` on
//!   two cores that floor is above the latency bound, and no amount of
//!   concurrency can beat it;
//! - peak RSS (`VmHWM` of the child) under 150 MB;
//! - at `--jobs 200`, no file-descriptor exhaustion: the most open files
//!   seen (sampled from `/proc/self/fd` every 10 ms) stay under the soft
//!   limit, and no report mentions a local resource error;
//! - every name's report identical to checking it alone: all 1,000 JSON
//!   lines equal the alone report of their template's first deployment with
//!   the name put in, and a sample of names is checked alone one by one and
//!   compared as is (timings, dates, keys and signatures masked: each
//!   homeserver has its own key, and signing times differ).
//!
//! It prints the figures and exits non-zero on a miss.

// Test code: a failed unwrap is a failed benchmark.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A binary: nothing in it is reachable from outside, so `pub` only means
// "shared between its modules".
#![allow(unreachable_pub)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::cli::check::many::input::{NamesFile, spawn_reader};
use matrix_delegate::cli::check::many::{
    DEFAULT_JOBS, Format, Settings, check_many, fit_jobs_to_open_files, json_line,
};
use matrix_delegate::domain::ServerName;
use matrix_delegate::probe::runner::{CheckRequest, run_to_report};
use matrix_delegate::probe::{Net, NetOptions};
use matrix_delegate::sim::scenario::Latency;
use matrix_delegate::sim::{Fleet, FleetSpec, Sim, Template};
use serde_json::Value;

const NAMES: usize = 1000;
const DNS_MS: u64 = 50;
const HTTP_MS: u64 = 100;
const TARGET_RATIO: f64 = 1.3;
const RSS_LIMIT_KB: u64 = 150 * 1024;
const JOBS: [usize; 2] = [200, DEFAULT_JOBS];
/// Names checked alone, one after the other, and compared as they are.
const ALONE_SAMPLE: usize = 24;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

// ---------------------------------------------------------------- child --

/// What the child reports on its last line.
#[derive(Debug, Default)]
struct ChildFigures {
    wall_ms: u64,
    vmhwm_kb: u64,
    max_fds: usize,
    fd_limit: usize,
    checked: usize,
    failing: usize,
    /// The jobs that ran (the open-files limit may lower them).
    jobs: usize,
    cpu_ms: u64,
}

fn proc_status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU time (user + system) this process used so far.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is
    // the 12th, stime the 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    // The kernel counts in USER_HZ, 100 on Linux.
    Duration::from_millis(ticks * 10)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
}

fn fd_soft_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}

/// `--child NETFILE NAMESFILE OUTFILE JOBS`: the many-names run itself.
fn child(args: &[String]) -> ExitCode {
    let [net_file, names_file, out_file, jobs] = args else {
        eprintln!("child: NETFILE NAMESFILE OUTFILE JOBS");
        return ExitCode::FAILURE;
    };
    let fit = fit_jobs_to_open_files(jobs.parse().expect("jobs"));
    let mut options = read_net_options(Path::new(net_file));
    // The limits `check --names-from` sets for these jobs.
    fit.share(&mut options);
    let names = NamesFile::open(Path::new(names_file)).expect("names file");
    let mut out = std::io::BufWriter::new(std::fs::File::create(out_file).expect("out file"));

    let stop = Arc::new(AtomicBool::new(false));
    let max_fds = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (stop, max_fds) = (stop.clone(), max_fds.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                max_fds.fetch_max(open_fds(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let rt = runtime();
    let cpu_before = cpu_time();
    let (wall, outcome) = rt.block_on(async {
        let net = Net::new(options).expect("net");
        let (tx, rx) = tokio::sync::mpsc::channel(1024);
        spawn_reader(Vec::new(), Some(names), tx).expect("reader");
        let settings = Settings {
            jobs: fit.jobs,
            format: Format::Json,
            proxy: None,
            progress: false,
        };
        let started = Instant::now();
        let mut err = std::io::stderr();
        let outcome = check_many(
            net,
            settings,
            rx,
            std::future::pending(),
            &mut out,
            &mut err,
        )
        .await;
        (started.elapsed(), outcome)
    });
    let cpu = cpu_time().saturating_sub(cpu_before);
    stop.store(true, Ordering::Relaxed);
    sampler.join().expect("sampler");
    out.flush().expect("flush");
    assert!(outcome.write_error.is_none(), "{:?}", outcome.write_error);
    println!(
        "FIGURES wall_ms={} vmhwm_kb={} max_fds={} fd_limit={} checked={} failing={} jobs={} cpu_ms={}",
        wall.as_millis(),
        proc_status_kb("VmHWM:"),
        max_fds.load(Ordering::Relaxed),
        fd_soft_limit(),
        outcome.tally.checked,
        outcome.tally.failing,
        fit.jobs,
        cpu.as_millis(),
    );
    ExitCode::SUCCESS
}

fn parse_figures(line: &str) -> ChildFigures {
    let mut f = ChildFigures::default();
    for part in line.split_whitespace().skip(1) {
        let (k, v) = part.split_once('=').expect("k=v");
        let n: u64 = v.parse().expect("number");
        match k {
            "wall_ms" => f.wall_ms = n,
            "vmhwm_kb" => f.vmhwm_kb = n,
            "max_fds" => f.max_fds = n as usize,
            "fd_limit" => f.fd_limit = usize::try_from(n).unwrap_or(usize::MAX),
            "checked" => f.checked = n as usize,
            "failing" => f.failing = n as usize,
            "jobs" => f.jobs = n as usize,
            "cpu_ms" => f.cpu_ms = n,
            _ => {}
        }
    }
    f
}

/// The simulation's network options, for the child: its nameserver, its
/// CA, its dial map (one `key value` per line; the CA is the rest).
fn write_net_options(path: &Path, options: &NetOptions) {
    let mut text = String::new();
    for ns in &options.nameservers {
        text.push_str(&format!("nameserver {ns}\n"));
    }
    for (logical, real) in &options.dial_map {
        text.push_str(&format!("dial {logical} {real}\n"));
    }
    text.push_str("ca\n");
    for pem in &options.extra_roots_pem {
        text.push_str(pem);
    }
    std::fs::write(path, text).expect("write net options");
}

fn read_net_options(path: &Path) -> NetOptions {
    let text = std::fs::read_to_string(path).expect("net options");
    let (head, ca) = text.split_once("ca\n").expect("ca section");
    let mut options = NetOptions {
        extra_roots_pem: vec![ca.to_string()],
        ca_only: true,
        ..NetOptions::default()
    };
    for line in head.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["nameserver", ns] => options.nameservers.push(ns.parse().expect("ns")),
            ["dial", logical, real] => {
                let logical: SocketAddr = logical.parse().expect("logical");
                options
                    .dial_map
                    .insert(logical, real.parse().expect("real"));
            }
            _ => panic!("bad line {line}"),
        }
    }
    options
}

// --------------------------------------------------------------- parent --

/// What differs between two runs of one check: durations, and what the
/// simulator signs afresh at every request (key expiry times, signatures)
/// or made per homeserver (keys); certificate dates are shown to the second.
fn mask(json: &str) -> String {
    let mut v: Value = serde_json::from_str(json).expect("a JSON report");
    mask_value(&mut v);
    v.to_string()
}

fn mask_value(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if k == "duration_ms" {
                    *val = Value::Null;
                } else {
                    mask_value(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_value),
        Value::String(s) => *s = mask_text(s),
        _ => {}
    }
}

/// Runs of base64 (keys, signatures), numbers of 10+ digits (timestamps)
/// and ISO dates become placeholders.
fn mask_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let b64 = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && b64(chars[j]) {
            j += 1;
        }
        let run: String = chars[i..j].iter().collect();
        if j - i >= 40 {
            out.push_str("BASE64");
            i = j;
        } else if j - i >= 10 && run.chars().all(|c| c.is_ascii_digit()) {
            out.push_str("NUMBER");
            i = j;
        } else if j > i {
            out.push_str(&run);
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    mask_dates(&out)
}

/// `2026-12-12T03:04:58Z` and `2026-12-12 03:04 UTC` → `DATE`.
fn mask_dates(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let digit = |b: u8| b.is_ascii_digit();
    while i < bytes.len() {
        let date = i + 16 <= bytes.len()
            && bytes[i..i + 4].iter().all(|b| digit(*b))
            && bytes[i + 4] == b'-'
            && bytes[i + 7] == b'-'
            && (bytes[i + 10] == b'T' || bytes[i + 10] == b' ')
            && bytes[i + 13] == b':';
        if date {
            let mut j = i + 16;
            while j < bytes.len() && (digit(bytes[j]) || matches!(bytes[j], b':' | b'Z')) {
                j += 1;
            }
            if s[j..].starts_with(" UTC") {
                j += 4;
            }
            out.push_str("DATE");
            i = j;
        } else {
            let ch = s[i..].chars().next().expect("char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

async fn alone(options: &NetOptions, name: &str) -> (Duration, String) {
    let net = Net::new(options.clone()).expect("net");
    let request = CheckRequest {
        server_name: ServerName::parse(name).expect("valid"),
        expectations: Expectations::none(),
    };
    let started = Instant::now();
    let report = run_to_report(net, request, 1).await;
    (started.elapsed(), json_line(&report))
}

struct Baseline {
    /// Per template: its first deployment's name and masked alone report.
    reports: BTreeMap<Template, (String, String)>,
    /// Per template: the median alone wall time.
    walls: BTreeMap<Template, Duration>,
}

async fn baseline(fleet: &Fleet, options: &NetOptions) -> Baseline {
    let mut reports = BTreeMap::new();
    let mut walls = BTreeMap::new();
    // One unmeasured run warms the process up (first TLS setup).
    alone(options, &fleet.deployments[0].server_name).await;
    for d in &fleet.deployments {
        if reports.contains_key(&d.template) {
            continue;
        }
        let mut times = Vec::new();
        let mut json = String::new();
        for _ in 0..3 {
            let (wall, line) = alone(options, &d.server_name).await;
            times.push(wall);
            json = line;
        }
        times.sort();
        walls.insert(d.template, times[1]);
        reports.insert(d.template, (d.server_name.clone(), mask(&json)));
    }
    Baseline { reports, walls }
}

struct Comparison {
    same_as_template: usize,
    same_alone: usize,
    alone_checked: usize,
    local_errors: usize,
    problems: Vec<String>,
}

async fn compare(
    fleet: &Fleet,
    options: &NetOptions,
    base: &Baseline,
    lines: &[String],
) -> Comparison {
    let mut c = Comparison {
        same_as_template: 0,
        same_alone: 0,
        alone_checked: 0,
        local_errors: 0,
        problems: Vec::new(),
    };
    if lines.len() != fleet.deployments.len() {
        c.problems.push(format!(
            "{} JSON lines for {} names",
            lines.len(),
            fleet.deployments.len()
        ));
    }
    for (d, line) in fleet.deployments.iter().zip(lines) {
        // Resource exhaustion on this machine shows as an OS error text.
        if [
            "Too many open files",
            "os error 24",
            "os error 23",
            "No buffer space",
        ]
        .iter()
        .any(|s| line.contains(s))
        {
            c.local_errors += 1;
        }
        let (template_name, template_report) = &base.reports[&d.template];
        let expected = template_report.replace(template_name.as_str(), &d.server_name);
        if mask(line) == expected {
            c.same_as_template += 1;
        } else if c.problems.len() < 5 {
            c.problems.push(format!(
                "{} ({:?}) differs from its template's alone report:\n  got  {}\n  want {}",
                d.server_name,
                d.template,
                mask(line),
                expected
            ));
        }
    }
    let step = (fleet.deployments.len() / ALONE_SAMPLE).max(1);
    for (d, line) in fleet.deployments.iter().zip(lines).step_by(step) {
        let (_, alone_line) = alone(options, &d.server_name).await;
        c.alone_checked += 1;
        if mask(&alone_line) == mask(line) {
            c.same_alone += 1;
        } else if c.problems.len() < 10 {
            c.problems
                .push(format!("{} differs from its own alone run", d.server_name));
        }
    }
    c
}

fn run_child(dir: &Path, jobs: usize) -> (ChildFigures, Vec<String>) {
    let out = dir.join(format!("out-{jobs}.jsonl"));
    let output = Command::new(std::env::current_exe().expect("own path"))
        .arg("--child")
        .arg(dir.join("net.txt"))
        .arg(dir.join("names.txt"))
        .arg(&out)
        .arg(jobs.to_string())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .expect("child runs");
    assert!(output.status.success(), "child failed: {:?}", output.status);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("FIGURES "))
        .expect("figures line");
    let figures = parse_figures(line);
    let lines: Vec<String> = BufReader::new(std::fs::File::open(&out).expect("out"))
        .lines()
        .map(|l| l.expect("line"))
        .collect();
    (figures, lines)
}

fn parent() -> Result<bool, String> {
    let rt = runtime();
    let fleet = Fleet::generate(&FleetSpec {
        count: NAMES,
        latency: Latency {
            dns_ms: DNS_MS,
            http_ms: HTTP_MS,
        },
    });
    let started = Instant::now();
    let sim = rt
        .block_on(Sim::start(&fleet.scenario))
        .map_err(|e| e.to_string())?;
    let options = sim.net_options();
    println!(
        "{NAMES} generated deployments ({} broken), {DNS_MS} ms per DNS answer, {HTTP_MS} ms \
         per HTTP response; simulation started in {}",
        fleet
            .deployments
            .iter()
            .filter(|d| d.template.broken())
            .count(),
        ms(started.elapsed())
    );

    let dir = tempdir()?;
    write_net_options(&dir.join("net.txt"), &options);
    let mut names = String::from("# the generated deployments, one per line\n");
    for d in &fleet.deployments {
        names.push_str(&d.server_name);
        names.push('\n');
    }
    std::fs::write(dir.join("names.txt"), names).map_err(|e| e.to_string())?;

    let base = rt.block_on(baseline(&fleet, &options));
    println!("one name alone (median of 3):");
    for (template, wall) in &base.walls {
        println!("  {:<28} {:>7}", template.scenario_name(), ms(*wall));
    }
    let critical = base.walls.values().copied().max().unwrap_or_default();
    println!("  critical path (the slowest):   {:>7}", ms(critical));

    let mut pass = true;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for asked in JOBS {
        let sim_cpu_before = cpu_time();
        let (figures, lines) = run_child(&dir, asked);
        let sim_cpu = cpu_time().saturating_sub(sim_cpu_before);
        let jobs = figures.jobs;
        if jobs != asked {
            println!(
                "--jobs {asked} lowered to {jobs} by the open-files limit {}",
                figures.fd_limit
            );
        }
        let ideal = critical.mul_f64(NAMES.div_ceil(jobs) as f64);
        let cpu = Duration::from_millis(figures.cpu_ms) + sim_cpu;
        let cpu_floor = cpu / u32::try_from(cores).unwrap_or(1);
        let bound = ideal.max(cpu_floor);
        let wall = Duration::from_millis(figures.wall_ms);
        let ratio = wall.as_secs_f64() / bound.as_secs_f64();
        let cmp = rt.block_on(compare(&fleet, &options, &base, &lines));
        let time_ok = ratio <= TARGET_RATIO;
        let rss_ok = figures.vmhwm_kb < RSS_LIMIT_KB;
        let fds_ok = figures.max_fds < figures.fd_limit && cmp.local_errors == 0;
        let same_ok = cmp.same_as_template == NAMES && cmp.same_alone == cmp.alone_checked;
        println!(
            "--jobs {jobs}: {} names checked, {} failing",
            figures.checked, figures.failing
        );
        println!(
            "  wall {:>9}   ideal {} / {jobs} × {} = {:>9}   CPU floor {} / {cores} cores = {:>9}",
            ms(wall),
            NAMES,
            ms(critical),
            ms(ideal),
            ms(cpu),
            ms(cpu_floor),
        );
        println!(
            "  ratio {ratio:.2} to the {} ({}; target ≤ {TARGET_RATIO}): {}",
            if cpu_floor > ideal {
                "CPU floor"
            } else {
                "ideal"
            },
            ms(bound),
            verdict(time_ok)
        );
        println!(
            "  peak RSS {:.1} MB (target < 150 MB): {}",
            figures.vmhwm_kb as f64 / 1024.0,
            verdict(rss_ok)
        );
        println!(
            "  open files at most {} (soft limit {}), local resource errors {}: {}",
            figures.max_fds,
            figures.fd_limit,
            cmp.local_errors,
            verdict(fds_ok)
        );
        println!(
            "  reports identical to alone: {}/{} to their template's, {}/{} checked alone one by one: {}",
            cmp.same_as_template,
            NAMES,
            cmp.same_alone,
            cmp.alone_checked,
            verdict(same_ok)
        );
        println!(
            "  CPU: checks {}, simulated servers {} (load average now {})",
            ms(Duration::from_millis(figures.cpu_ms)),
            ms(sim_cpu),
            load_average()
        );
        for p in &cmp.problems {
            println!("  ! {p}");
        }
        pass &= time_ok && rss_ok && fds_ok && same_ok;
    }
    rt.block_on(sim.shutdown());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(pass)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or("?")
        .to_string()
}

fn verdict(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

fn tempdir() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("many-names-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        return child(&args[1..]);
    }
    match parent() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("benchmark could not run: {e}");
            ExitCode::FAILURE
        }
    }
}
