//! `cargo bench --bench check_latency`: does the full check take about its
//! longest dependency chain, not the sum of its requests? And does a fully blackholed deployment finish within 10 s
//! at the default settings?
//!
//! The simulated internet injects 50 ms into every DNS answer and 100 ms
//! into every HTTP response of the `healthy-well-known` deployment. The
//! critical path is the longest chain of answers that must arrive one after
//! the other. Two chains tie for it:
//!
//! ```text
//! federation: A/AAAA example.com (DNS) → GET /.well-known/matrix/server (HTTP)
//!             → A/AAAA matrix.example.com (DNS) → version/keys/routing at once (HTTP)
//! client:     A/AAAA example.com (DNS) → GET /.well-known/matrix/client (HTTP)
//!             → A/AAAA matrix.example.com (DNS) → GET /_matrix/client/versions (HTTP)
//! ```
//!
//! so critical path = 2 × DNS + 2 × HTTP = 300 ms (A and AAAA are asked at
//! once; TLS handshakes carry no injected latency). Everything else (the
//! support file, preflights, SRV lookups, the authoritative nameserver
//! chain NS → A/AAAA of ns1 → direct query) runs alongside and is shorter.
//! The sum of all request latencies counts every DNS answer and HTTP
//! response the simulated servers logged. Target: wall ≤ 1.2 × critical path.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A binary: nothing in it is reachable from outside, so `pub` only means
// "shared between its modules".
#![allow(unreachable_pub)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::domain::ServerName;
use matrix_delegate::probe::runner::{CheckRequest, run_to_report};
use matrix_delegate::probe::{DEFAULT_TIMEOUT, Net};
use matrix_delegate::sim::scenario::Latency;
use matrix_delegate::sim::{Scenario, Sim};

const DNS_MS: u64 = 50;
const HTTP_MS: u64 = 100;
const RUNS: u64 = 5;
const TARGET_RATIO: f64 = 1.2;
const BLACKHOLE_LIMIT: Duration = Duration::from_secs(10);

/// The longest chain of answers that must arrive one after the other (see
/// the module documentation).
fn critical_path() -> Duration {
    Duration::from_millis(2 * DNS_MS + 2 * HTTP_MS)
}

struct Measured {
    wall: Duration,
    sum: Duration,
    dns_answers: usize,
    http_responses: usize,
    ok: bool,
}

async fn one_run(scenario: &Scenario, run: u64) -> Result<Measured, String> {
    let sim = Sim::start(scenario).await.map_err(|e| e.to_string())?;
    let net = Net::new(sim.net_options()).map_err(|e| e.to_string())?;
    let request = CheckRequest {
        server_name: ServerName::parse(&scenario.server_name).map_err(|e| e.to_string())?,
        expectations: Expectations::none(),
    };
    let started = Instant::now();
    let report = run_to_report(net, request, run).await;
    let wall = started.elapsed();
    let dns_answers = sim.log().dns_queries().len();
    let http_responses = sim.log().requests().len();
    let sum = Duration::from_millis(
        u64::try_from(dns_answers).unwrap_or(u64::MAX) * DNS_MS
            + u64::try_from(http_responses).unwrap_or(u64::MAX) * HTTP_MS,
    );
    sim.shutdown().await;
    Ok(Measured {
        wall,
        sum,
        dns_answers,
        http_responses,
        ok: report.ok && report.federation.ok,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

async fn latency_bench() -> Result<bool, String> {
    let mut scenario = Scenario::builtin("healthy-well-known").map_err(|e| e.to_string())?;
    scenario.latency = Latency {
        dns_ms: DNS_MS,
        http_ms: HTTP_MS,
    };
    let critical = critical_path();
    println!(
        "healthy-well-known, {DNS_MS} ms per DNS answer, {HTTP_MS} ms per HTTP response, \
         critical path {}",
        ms(critical)
    );
    // One unmeasured run warms up the process (first TLS setup, root loading).
    one_run(&scenario, 0).await?;
    let mut walls = Vec::new();
    let mut all_ok = true;
    for run in 1..=RUNS {
        let m = one_run(&scenario, run).await?;
        println!(
            "  run {run}: wall {:>7}   critical path {:>7}   sum of request latencies {:>8} \
             ({} DNS answers, {} HTTP responses)   ratio {:.2}{}",
            ms(m.wall),
            ms(critical),
            ms(m.sum),
            m.dns_answers,
            m.http_responses,
            m.wall.as_secs_f64() / critical.as_secs_f64(),
            if m.ok { "" } else { "   (report NOT ok!)" }
        );
        all_ok &= m.ok;
        walls.push(m.wall);
    }
    walls.sort();
    let median = walls[walls.len() / 2];
    let ratio = median.as_secs_f64() / critical.as_secs_f64();
    let pass = all_ok && ratio <= TARGET_RATIO;
    println!(
        "  median wall {} = {ratio:.2} × critical path (target ≤ {TARGET_RATIO}): {}",
        ms(median),
        if pass { "PASS" } else { "FAIL" }
    );
    Ok(pass)
}

async fn blackhole_bench() -> Result<bool, String> {
    let scenario = Scenario::builtin("blackholed").map_err(|e| e.to_string())?;
    let m = one_run(&scenario, 100).await?;
    let pass = m.wall <= BLACKHOLE_LIMIT;
    println!(
        "blackholed, default settings ({} s timeout): wall {:.2} s (target ≤ {} s): {}",
        DEFAULT_TIMEOUT.as_secs(),
        m.wall.as_secs_f64(),
        BLACKHOLE_LIMIT.as_secs(),
        if pass { "PASS" } else { "FAIL" }
    );
    Ok(pass)
}

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let latency = latency_bench().await?;
        let blackhole = blackhole_bench().await?;
        Ok::<bool, String>(latency && blackhole)
    });
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("benchmark could not run: {e}");
            ExitCode::FAILURE
        }
    }
}
