//! Bounded cost through the real runner: deployments built in code
//! (`sim::adversarial`) with more addresses, SRV targets and signatures than
//! any real server has; the caps, the connection limits and this machine's
//! own limits, as the report shows them.

use std::process::Command;
use std::time::Duration;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::domain::ServerName;
use matrix_delegate::matrix::discovery::types::{MAX_ADDRESSES_PER_HOST, MAX_SRV_TARGETS};
use matrix_delegate::probe::runner::{CheckRequest, run_to_report};
use matrix_delegate::probe::{Net, NetOptions};
use matrix_delegate::report::{Report, json, markdown, text};
use matrix_delegate::sim::adversarial::{Adversarial, SERVER_NAME};
use matrix_delegate::sim::{Scenario, Sim};

use crate::support::runner::{one, results, text_of};

async fn check(kind: Adversarial, tweak: impl FnOnce(&mut NetOptions)) -> (Report, Sim) {
    let (report, sim, _) = check_on(kind, tweak).await;
    (report, sim)
}

async fn check_on(kind: Adversarial, tweak: impl FnOnce(&mut NetOptions)) -> (Report, Sim, Net) {
    let sim = Sim::start(&kind.scenario().expect("scenario"))
        .await
        .expect("simulation starts");
    let mut options = kind.net_options(&sim);
    options.timeout = Duration::from_secs(10);
    tweak(&mut options);
    let net = Net::new(options).expect("network layer sets up");
    let request = CheckRequest {
        server_name: ServerName::parse(SERVER_NAME).expect("valid"),
        expectations: Expectations::none(),
    };
    (run_to_report(net.clone(), request, 1).await, sim, net)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addresses_beyond_the_cap_are_counted_not_probed() {
    let (report, _sim) = check(Adversarial::Addresses(40), |_| {}).await;
    let f = &report.federation;
    assert_eq!(f.targets.len(), MAX_ADDRESSES_PER_HOST);
    assert_eq!(f.not_probed.addresses, 40 - MAX_ADDRESSES_PER_HOST);
    assert_eq!(f.not_probed.srv_targets, 0);
    for id in [
        CheckId::ServerTls,
        CheckId::ServerVersion,
        CheckId::ServerKeys,
        CheckId::ServerRouting,
    ] {
        let rows = results(&report, id);
        assert_eq!(rows.len(), MAX_ADDRESSES_PER_HOST, "{}", id.as_str());
        assert!(rows.iter().all(|r| r.status == Status::Pass), "{rows:#?}");
    }
    assert!(report.ok && f.ok, "{:#?}", report.checks);
    let shown = text::render(&report, &text::TextOptions::default());
    assert!(
        shown.contains("… 32 more addresses (only the first 8 of each host are probed) not probed"),
        "{shown}"
    );
    let resolution = text_of(one(&report, CheckId::ServerResolution));
    assert!(
        resolution.contains("and 32 more, not probed"),
        "{resolution}"
    );
    let md = markdown::render(&report);
    assert!(
        md.contains("32 more addresses (only the first 8 of each host are probed) not probed"),
        "{md}"
    );
    let doc: serde_json::Value = serde_json::from_str(&json::render(&report)).expect("JSON");
    assert_eq!(
        doc["federation"]["not_probed"],
        serde_json::json!({"srv_targets": 0, "addresses": 32})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn srv_targets_beyond_the_cap_are_never_looked_up() {
    let (report, sim) = check(Adversarial::SrvTargets(20), |_| {}).await;
    assert_eq!(report.federation.targets.len(), MAX_SRV_TARGETS);
    assert_eq!(
        report.federation.not_probed.srv_targets,
        20 - MAX_SRV_TARGETS
    );
    let asked: Vec<String> = sim
        .log()
        .dns_queries()
        .into_iter()
        .map(|q| q.name)
        .collect();
    for i in 0..20 {
        let host = format!("t{i}.{SERVER_NAME}");
        assert_eq!(
            asked.contains(&host),
            i < MAX_SRV_TARGETS,
            "{host}: followed only within the cap; asked {asked:?}"
        );
    }
    let shown = text::render(&report, &text::TextOptions::default());
    assert!(shown.contains("12 more SRV targets"), "{shown}");
    assert!(report.ok, "{:#?}", report.checks);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_and_dns_queries_stay_within_the_limits() {
    let (report, sim, net) = check_on(Adversarial::SrvTargets(6), |o| {
        o.max_connections = 3;
        o.max_connections_per_address = 2;
        o.max_dns_queries = 2;
    })
    .await;
    assert_eq!(net.peak_connections(), 3, "the limit is used, never passed");
    let log = sim.log();
    // The simulation counts a connection until it has read the close, and
    // the checker may open the next one meanwhile: up to one more per slot.
    assert!(
        log.peak_connections() <= 2 * 3,
        "connections open at the server at once: {}",
        log.peak_connections()
    );
    assert!(log.total_connections() >= 6 * 4, "every address was probed");
    assert_eq!(
        net.dns().peak_queries(),
        2,
        "the limit is used, never passed"
    );
    assert!(
        log.peak_dns_in_flight() <= 2 * 2,
        "DNS queries at the server at once: {}",
        log.peak_dns_in_flight()
    );
    // Waiting for a slot is not the server's slowness: everything passes.
    assert!(report.ok, "{:#?}", report.checks);
    assert_eq!(results(&report, CheckId::ServerTls).len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_response_with_hundreds_of_signatures_is_examined_in_part() {
    let (report, _sim) = check(
        Adversarial::Signatures {
            keys: 200,
            addresses: 1,
        },
        |_| {},
    )
    .await;
    let keys = one(&report, CheckId::ServerKeys);
    let words = text_of(keys);
    assert!(
        words.contains("196 more verify keys and 196 more signatures not examined"),
        "{words}"
    );
    // Of the four examined keys' signatures only k0's verifies: the other
    // three are reported, one line each; none is called "not listed".
    assert_eq!(keys.status, Status::Fail, "{keys:#?}");
    let invalid = keys
        .evidence
        .iter()
        .filter(|e| e.got.contains("does NOT verify"))
        .count();
    assert_eq!(invalid, 3, "{keys:#?}");
    assert!(!words.contains("does not list"), "{words}");
}

/// The environment variable that makes [`descriptors_exhausted_child`] run.
const CHILD: &str = "MATRIX_DELEGATE_TEST_EXHAUST_FDS";

#[test]
fn running_out_of_open_files_is_this_machines_problem() {
    // The check runs in a child process (this test binary), because it uses
    // up every file descriptor of its process.
    let exe = std::env::current_exe().expect("test binary");
    let out = Command::new(exe)
        .args([
            "--exact",
            "runner::bounded::descriptors_exhausted_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child failed:\n{stdout}\n{stderr}"
    );
}

#[test]
#[ignore = "runs in a child process of running_out_of_open_files_is_this_machines_problem"]
fn descriptors_exhausted_child() {
    assert!(
        std::env::var_os(CHILD).is_some(),
        "run through running_out_of_open_files_is_this_machines_problem"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let report = runtime.block_on(async {
        let scenario = Scenario::builtin("healthy-well-known").expect("scenario");
        let sim = Sim::start(&scenario).await.expect("simulation starts");
        let mut options = sim.net_options();
        options.timeout = Duration::from_secs(2);
        let net = Net::new(options).expect("network layer sets up");
        let request = CheckRequest {
            server_name: ServerName::parse(&scenario.server_name).expect("valid"),
            expectations: Expectations::none(),
        };
        // Every descriptor this process may open, taken.
        let mut held = Vec::new();
        loop {
            match std::fs::File::open("/dev/null") {
                Ok(f) => held.push(f),
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(24), "EMFILE expected: {e}");
                    break;
                }
            }
        }
        let report = run_to_report(net, request, 1).await;
        drop(held);
        report
    });
    eprintln!(
        "{}",
        matrix_delegate::report::text::render(&report, &text::TextOptions::default())
    );
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    assert!(
        failed.is_empty(),
        "nothing blames the server for this machine's limit: {failed:#?}"
    );
    let local: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Error && c.summary.contains("on this machine"))
        .collect();
    assert!(!local.is_empty(), "{:#?}", report.checks);
    assert!(!report.ok);
}

/// Several runs sharing one `Net` (names checked together) each get the
/// limits a run alone has — per address too, for names hosted on one
/// address — within the sockets set aside for them.
#[test]
fn runs_sharing_a_net_each_get_a_runs_share() {
    let alone = NetOptions::default();
    let mut shared = alone.clone();
    shared.share_for_runs(4, 100_000);
    assert_eq!(shared.max_connections, alone.max_connections * 4);
    assert_eq!(shared.max_dns_queries, alone.max_dns_queries * 4);
    assert_eq!(
        shared.max_connections_per_address,
        alone.max_connections_per_address * 4
    );

    // 200 runs within 3,200 sockets: three quarters for connections, a
    // quarter for DNS queries; no address may have more than all of them.
    let mut tight = alone.clone();
    tight.share_for_runs(200, 3_200);
    assert_eq!(tight.max_connections, 2_400);
    assert_eq!(tight.max_dns_queries, 800);
    assert_eq!(tight.max_connections_per_address, 1_600);

    let mut starved = alone.clone();
    starved.share_for_runs(8, 40);
    assert_eq!(starved.max_connections, 30);
    assert_eq!(starved.max_dns_queries, 10);
    assert_eq!(starved.max_connections_per_address, 30);

    let mut one = alone.clone();
    one.share_for_runs(1, 1_000_000);
    assert_eq!(one, alone);
}
