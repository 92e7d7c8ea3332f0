//! The acceptance cases of the checks, through the real runner against the
//! simulated internet: each case asserts the specific verdict and words,
//! beyond what the scenario's `[expect]` table says.

use crate::support::runner::*;
use futures::future::join_all;
use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::domain::plan::WellKnownSection;
use matrix_delegate::domain::{Answers, Strategy, plan};
use matrix_delegate::sim::Scenario;

/// The scenario of each spec step, and whether federation requests to its
/// target carry the SNI (IP literals send none).
const STEPS: [(&str, &str); 10] = [
    ("1", "healthy-ip-literal"),
    ("2", "healthy-explicit-port"),
    ("3.1", "healthy-well-known-ip-literal"),
    ("3.2", "healthy-well-known"),
    ("3.3", "healthy-srv-well-known"),
    ("3.4", "deprecated-matrix-srv-delegated"),
    ("3.5", "healthy-delegated-8448"),
    ("4", "healthy-srv-only"),
    ("5", "deprecated-matrix-srv"),
    ("6", "healthy-no-delegation"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spec_step_sends_the_host_header_and_sni_it_requires() {
    let outs = join_all(STEPS.iter().map(|(_, name)| builtin(name))).await;
    for ((step, name), out) in STEPS.iter().zip(&outs) {
        let r = &out.report;
        assert_eq!(r.federation.step.map(|s| s.as_str()), Some(*step), "{name}");
        assert!(r.federation.ok, "{name}: {:#?}", r.checks);
        let log = out.sim.log();
        for t in &r.federation.targets {
            let addr = t.address.parse().expect("IP:PORT");
            let all: Vec<_> = log
                .requests()
                .into_iter()
                .filter(|q| {
                    q.address == addr
                        && (q.target.starts_with("/_matrix/federation/")
                            || q.target.starts_with("/_matrix/key/"))
                })
                .collect();
            // Requests with another Host are those the peer models send
            // there (server.peers), each with a Host one of them uses.
            let peer_hosts: Vec<&str> = r
                .federation
                .peers
                .iter()
                .flat_map(|p| &p.targets)
                .filter(|pt| pt.address == addr)
                .map(|pt| pt.host_header.as_str())
                .collect();
            let (fed, others): (Vec<_>, Vec<_>) = all
                .into_iter()
                .partition(|q| q.host.as_deref() == Some(t.host_header.as_str()));
            for q in &others {
                let host = q.host.as_deref().unwrap_or_default();
                assert!(
                    peer_hosts.contains(&host),
                    "{name}: {q:?} not a peer's Host"
                );
            }
            assert!(
                fed.len() >= 3,
                "{name}: version, keys and routing reached {addr}"
            );
            for q in &fed {
                assert_eq!(
                    q.host.as_deref(),
                    Some(t.host_header.as_str()),
                    "{name} {q:?}"
                );
                assert_eq!(q.sni, t.sni, "{name} {q:?}");
            }
            let routing = fed.iter().any(|q| q.target.contains("%24probe%2Fslash"));
            assert!(routing, "{name}: the routing probe keeps its escapes");
            // The TLS inspection and the three requests each shook hands
            // with the target's SNI (client requests may share the address).
            let hellos = log
                .hellos()
                .into_iter()
                .filter(|h| h.address == addr && h.sni == t.sni)
                .count();
            assert!(hellos >= 4, "{name}: {:?}", log.hellos());
        }
    }
}

fn mistake(out: &Outcome, id: CheckId, title: &str) -> Status {
    let r = one(&out.report, id);
    let t = text_of(r);
    assert!(
        t.contains(&format!("classic mistake: {title}")),
        "{}: {} should name `{title}`:\n{t}",
        out.sim.scenario().name,
        id.as_str()
    );
    r.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_classic_mistakes_are_named() {
    let healthy = Scenario::builtin("healthy-well-known").expect("built-in");
    let config = Expectations::from_config(
        Some("example.com"),
        &WellKnownSection {
            server: Some("matrix.example.com:443".into()),
            client: Some("https://matrix.example.com/".into()),
            ..WellKnownSection::default()
        },
        Some("/etc/continuwuity.toml"),
    );
    let no_port = Scenario::builtin("m-server-without-port").expect("built-in");
    let flags = Expectations::from_flags(Some("matrix.example.com:443"), None).expect("valid");
    let long = timeout_for("healthy-well-known");
    let (host_checked, host_checked_config, port, scheme, client_m, unset, forbidden, redirect, ct) = tokio::join!(
        check(
            &healthy,
            Some("matrix.example.com"),
            Expectations::none(),
            long
        ),
        check(&healthy, Some("matrix.example.com"), config, long),
        check(&no_port, None, flags, long),
        builtin("m-server-with-scheme"),
        builtin("client-file-carries-m-server"),
        builtin("server-file-missing"),
        builtin("federation-disabled"),
        builtin("cors-missing-on-redirect"),
        builtin("wrong-content-type"),
    );
    let delegated = "the delegated host was checked instead of the server name";
    // Without intent, the key response gives it away; with a config, the path does too.
    assert_eq!(
        mistake(&host_checked, CheckId::ServerKeys, delegated),
        Status::Fail
    );
    assert_eq!(
        mistake(&host_checked_config, CheckId::ServerResolution, delegated),
        Status::Fail
    );
    assert!(!host_checked.report.ok);
    assert_eq!(
        mistake(&port, CheckId::ServerWellKnown, "port missing in m.server"),
        Status::Fail
    );
    assert_eq!(
        mistake(&scheme, CheckId::ServerWellKnown, "`https://` in m.server"),
        Status::Fail
    );
    assert_eq!(
        mistake(
            &client_m,
            CheckId::ClientWellKnown,
            "the client file carries m.server"
        ),
        Status::Warn
    );
    mistake(
        &unset,
        CheckId::ServerWellKnown,
        "well_known not set in the homeserver config",
    );
    assert_eq!(
        mistake(
            &forbidden,
            CheckId::ServerWellKnown,
            "federation is disabled"
        ),
        Status::Fail
    );
    assert_eq!(
        mistake(
            &redirect,
            CheckId::ServerWellKnown,
            "a redirect on the server file"
        ),
        Status::Warn
    );
    assert_eq!(
        mistake(&ct, CheckId::ServerWellKnown, "Content-Type is not JSON"),
        Status::Warn
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_is_checked_on_get_redirect_and_preflight() {
    let (get, redirect, preflight, healthy) = tokio::join!(
        builtin("client-without-cors"),
        builtin("cors-missing-on-redirect"),
        builtin("cors-missing-on-preflight"),
        builtin("healthy-well-known"),
    );
    let cors = |o: &Outcome| one(&o.report, CheckId::ClientCors).clone();
    let g = cors(&get);
    assert_eq!(g.status, Status::Fail);
    assert!(
        g.summary.contains("no Access-Control-Allow-Origin"),
        "{g:#?}"
    );
    let r = cors(&redirect);
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.starts_with("redirect 301"), "{r:#?}");
    let p = cors(&preflight);
    assert_eq!(p.status, Status::Warn);
    assert!(
        p.summary.contains("preflight") && p.summary.contains("405"),
        "{p:#?}"
    );
    let h = cors(&healthy);
    assert_eq!(h.status, Status::Pass, "{h:#?}");
    // The preflights really were OPTIONS with an Origin.
    let options: Vec<_> = healthy
        .sim
        .log()
        .requests()
        .into_iter()
        .filter(|q| q.method == "OPTIONS")
        .collect();
    assert!(options.len() >= 2, "{options:?}");
    assert!(options.iter().all(|q| q.origin.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_client_verdict_and_support_schema_errors() {
    let cases = [
        ("healthy-well-known", "OK"),
        ("healthy-no-delegation", "IGNORE"),
        ("client-missing-base-url", "FAIL_PROMPT"),
        ("client-bad-base-url", "FAIL_ERROR"),
    ];
    let outs = join_all(cases.iter().map(|(n, _)| builtin(n))).await;
    for ((name, verdict), out) in cases.iter().zip(&outs) {
        assert_eq!(
            out.report.client.verdict.map(|v| v.as_str()),
            Some(*verdict),
            "{name}"
        );
        let r = one(&out.report, CheckId::ClientWellKnown);
        assert!(r.summary.starts_with(verdict), "{name}: {}", r.summary);
    }
    let identity = builtin("client-identity-server-down").await;
    let r = one(&identity.report, CheckId::ClientWellKnown);
    assert_eq!(
        r.spec.as_deref().map(|s| s.ends_with("step 3.6")),
        Some(true),
        "{r:#?}"
    );
    assert!(r.summary.contains("identity server"), "{r:#?}");
    let support = builtin("support-schema-errors").await;
    let s = one(&support.report, CheckId::SupportWellKnown);
    assert_eq!(s.status, Status::Fail);
    assert!(s.summary.contains("contact"), "{s:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_is_compared_and_its_off_path_srv_record_looked_up() {
    let scenario = Scenario::builtin("healthy-well-known-srv-fallback").expect("built-in");
    let plan = plan(&Answers {
        strategy: Strategy::WellKnownSrvFallback,
        ..Answers::example()
    })
    .expect("valid plan");
    let ex = Expectations::from_plan(&plan);
    assert_eq!(ex.extra_srv_names(), ["_matrix-fed._tcp.example.com"]);
    let out = check(&scenario, None, ex, timeout_for(&scenario.name)).await;
    let srv = one(&out.report, CheckId::DnsSrv);
    assert_eq!(srv.status, Status::Pass, "{srv:#?}");
    assert!(
        srv.summary
            .contains("_matrix-fed._tcp.example.com → example.com:443"),
        "{srv:#?}"
    );
    assert!(out.report.ok, "{:#?}", out.report.checks);
    let resolution = one(&out.report, CheckId::ServerResolution);
    assert!(
        text_of(resolution).contains("expected (your plan)"),
        "{resolution:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_certificates_are_told_apart() {
    let (expired, wrong, unknown) = tokio::join!(
        builtin("expired-certificate"),
        builtin("wrong-name-certificate"),
        builtin("unknown-ca"),
    );
    let tls = |o: &Outcome| one(&o.report, CheckId::ServerTls).clone();
    assert!(
        tls(&expired).summary.contains("expired"),
        "{:#?}",
        tls(&expired)
    );
    let w = tls(&wrong);
    assert!(w.summary.contains("not matrix.example.com"), "{w:#?}");
    let u = tls(&unknown);
    assert!(u.summary.contains("not trusted"), "{u:#?}");
    assert!(text_of(&u).contains("trusted authority"), "{u:#?}");
    for o in [&expired, &wrong, &unknown] {
        assert_eq!(tls(o).status, Status::Fail);
        // A real server refuses such a certificate: so does the version request.
        let v = one(&o.report, CheckId::ServerVersion);
        assert!(v.summary.contains("TLS failed"), "{v:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_failures_are_told_apart() {
    let cases = [
        ("dns-nxdomain-delegated-host", "NXDOMAIN", Status::Fail),
        ("dns-nodata-delegated-host", "NODATA", Status::Fail),
        ("dns-servfail-delegated-host", "SERVFAIL", Status::Fail),
        (
            "dns-timeout-delegated-host",
            "no DNS answer in time",
            Status::Error,
        ),
    ];
    let outs = join_all(cases.iter().map(|(n, _, _)| builtin(n))).await;
    for ((name, word, status), out) in cases.iter().zip(&outs) {
        let r = one(&out.report, CheckId::DnsDelegatedHost);
        assert_eq!(r.status, *status, "{name}: {r:#?}");
        assert!(text_of(r).contains(word), "{name}: {r:#?}");
        assert!(out.report.federation.targets.is_empty(), "{name}");
        assert_eq!(out.report.federation.unresolved.len(), 1, "{name}");
    }
    let nx_name = builtin("dns-nxdomain-server-name").await;
    let r = one(&nx_name.report, CheckId::DnsServerName);
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("NXDOMAIN"), "{r:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authoritative_answers_are_compared_with_the_cache() {
    let (spreading, asked, not_asked) = tokio::join!(
        builtin("dns-change-spreading"),
        builtin("healthy-well-known"),
        builtin("healthy-static"),
    );
    let r = one(&spreading.report, CheckId::DnsDelegatedHost);
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    let t = text_of(r);
    assert!(t.contains("now say 127.0.0.11"), "{t}");
    assert!(t.contains("still answers 127.0.0.19"), "{t}");
    assert!(t.contains("expires in 30 min"), "{t}");
    // Federation is checked where the zone now points (what peers get once
    // their caches expire, and at once where they hold nothing), and says so.
    assert_eq!(
        spreading.report.federation.targets[0].address,
        "127.0.0.11:443"
    );
    assert!(
        t.contains(
            "this machine's resolver answers 127.0.0.19 for matrix.example.com; the \
             authoritative servers answer 127.0.0.11; peers elsewhere get 127.0.0.11; checked \
             127.0.0.11"
        ),
        "{t}"
    );
    assert!(
        spreading
            .report
            .federation
            .targets
            .iter()
            .all(|t| !t.address.starts_with("127.0.0.19")),
        "the old address is not probed"
    );
    // The authoritative server was asked without recursion, at its NS address.
    let q = spreading.sim.log().dns_queries();
    assert!(
        q.iter().any(|q| q.name == "example.com" && q.kind == "NS"),
        "{q:?}"
    );
    let name = one(&asked.report, CheckId::DnsServerName);
    assert_eq!(name.status, Status::Pass);
    assert!(text_of(name).contains("example.com at its authoritative servers → A 127.0.0.10"));
    let gap = one(&not_asked.report, CheckId::DnsServerName);
    assert_eq!(gap.status, Status::Pass, "no NS data is not a failure");
    assert!(
        text_of(gap).contains("could not ask them: example.com has no NS records"),
        "{gap:#?}"
    );
}
