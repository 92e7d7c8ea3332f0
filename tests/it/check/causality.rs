//! Which failing check follows from which (`check::causality`), fed
//! results directly: the rules of its table, chains followed to the root,
//! remedies moved aside and given back, and the report's order.

use matrix_delegate::check::causality::{attribute, root_causes};
use matrix_delegate::check::model::{CheckId, CheckResult, Fault, Status};
use matrix_delegate::report::Report;

const ADDR: &str = "127.0.0.11:443";

fn fail(id: CheckId, summary: &str) -> CheckResult {
    CheckResult::new(id, Status::Fail, summary).remedy(format!("fix {}", id.as_str()))
}

fn expired_tls() -> CheckResult {
    fail(CheckId::ServerTls, "the certificate expired 2 day(s) ago")
        .target(ADDR)
        .fault(Fault::Certificate {
            host: "matrix.example.com".into(),
            port: 443,
        })
}

fn cause_of(results: &[CheckResult], id: CheckId) -> Option<(CheckId, Option<String>)> {
    let r = results.iter().find(|r| r.id == id)?;
    r.caused_by.as_ref().map(|c| (c.id, c.target.clone()))
}

#[test]
fn an_expired_certificate_causes_the_address_and_client_failures() {
    let mut results = vec![
        fail(CheckId::ClientWellKnown, "FAIL_ERROR").fault(Fault::ClientApiUnusable),
        fail(CheckId::ClientCors, "preflight: no answer").fault(Fault::FollowsApi {
            host: "matrix.example.com".into(),
            port: 443,
        }),
        fail(CheckId::ClientVersions, "TLS failed").fault(Fault::Unanswered {
            host: "MATRIX.example.com".into(),
            port: 443,
        }),
        fail(CheckId::ServerVersion, "no answer").target(ADDR),
        fail(CheckId::ServerKeys, "no answer").target(ADDR),
        expired_tls(),
        fail(CheckId::SupportWellKnown, "schema errors"),
    ];
    attribute(&mut results);
    let tls = Some((CheckId::ServerTls, Some(ADDR.to_string())));
    for id in [
        CheckId::ClientWellKnown,
        CheckId::ClientCors,
        CheckId::ClientVersions,
        CheckId::ServerVersion,
        CheckId::ServerKeys,
    ] {
        assert_eq!(cause_of(&results, id), tls, "{}", id.as_str());
        let r = results.iter().find(|r| r.id == id).expect("result");
        assert_eq!(r.remedy, None, "{} carries no remedy", id.as_str());
    }
    assert_eq!(cause_of(&results, CheckId::ServerTls), None);
    assert_eq!(cause_of(&results, CheckId::SupportWellKnown), None);
    let roots: Vec<CheckId> = results
        .iter()
        .zip(root_causes(&results))
        .filter(|(_, root)| *root)
        .map(|(r, _)| r.id)
        .collect();
    assert_eq!(roots, vec![CheckId::ServerTls, CheckId::SupportWellKnown]);
    let cause = results[0].caused_by.as_ref().expect("caused");
    assert_eq!(
        cause.describe(),
        "server.tls at 127.0.0.11:443 (the certificate expired 2 day(s) ago)"
    );
}

#[test]
fn attributing_again_is_stable_and_gives_remedies_back_when_the_cause_is_gone() {
    let mut results = vec![
        fail(CheckId::ServerVersion, "no answer").target(ADDR),
        expired_tls(),
    ];
    attribute(&mut results);
    let once = results.clone();
    attribute(&mut results);
    assert_eq!(results, once, "attributing twice changes nothing");
    // The certificate is fixed: the version failure stands on its own.
    results[1] = CheckResult::new(CheckId::ServerTls, Status::Pass, "ok").target(ADDR);
    attribute(&mut results);
    assert_eq!(results[0].caused_by, None);
    assert_eq!(results[0].remedy.as_deref(), Some("fix server.version"));
}

#[test]
fn the_other_rules_of_the_table() {
    // A fallback to 8448 after the server file failed.
    let mut results = vec![
        fail(CheckId::ServerWellKnown, "403 M_FORBIDDEN"),
        fail(CheckId::ServerTls, "refused")
            .target("127.0.0.10:8448")
            .fault(Fault::Unreachable {
                host: "example.com".into(),
                port: 8448,
                fallback: true,
            }),
        fail(CheckId::ServerRouting, "no answer").target("127.0.0.10:8448"),
    ];
    attribute(&mut results);
    assert_eq!(
        cause_of(&results, CheckId::ServerRouting),
        Some((CheckId::ServerWellKnown, None)),
        "chains end at the root"
    );
    // The same refusal reached without a fallback is its own cause.
    let mut results = vec![
        fail(CheckId::ServerWellKnown, "403"),
        fail(CheckId::ServerTls, "refused")
            .target("127.0.0.11:8448")
            .fault(Fault::Unreachable {
                host: "matrix.example.com".into(),
                port: 8448,
                fallback: false,
            }),
    ];
    attribute(&mut results);
    assert_eq!(cause_of(&results, CheckId::ServerTls), None);
    // An address DNS no longer lists, while the change spreads (a warning).
    let mut results = vec![
        CheckResult::new(CheckId::DnsDelegatedHost, Status::Warn, "spreading").fault(
            Fault::DnsSpreading {
                outdated: vec![(
                    "127.0.0.19".parse().expect("ip"),
                    "matrix.example.com".into(),
                )],
            },
        ),
        fail(CheckId::ServerTls, "refused")
            .target("127.0.0.19:443")
            .fault(Fault::Unreachable {
                host: "matrix.example.com".into(),
                port: 443,
                fallback: false,
            }),
        fail(CheckId::ServerTls, "refused")
            .target("127.0.0.20:443")
            .fault(Fault::Unreachable {
                host: "matrix.example.com".into(),
                port: 443,
                fallback: false,
            }),
    ];
    attribute(&mut results);
    assert_eq!(
        results[1].caused_by.as_ref().map(|c| c.id),
        Some(CheckId::DnsDelegatedHost)
    );
    assert_eq!(results[2].caused_by, None, "127.0.0.20 is not outdated");
    assert_eq!(root_causes(&results), vec![true, false, true]);
    // The client API, fetched as this machine resolves matrix.example.com
    // (the old address, while federation is checked on the new one).
    let spreading = || {
        CheckResult::new(CheckId::DnsDelegatedHost, Status::Warn, "spreading").fault(
            Fault::DnsSpreading {
                outdated: vec![(
                    "127.0.0.19".parse().expect("ip"),
                    "Matrix.example.com".into(),
                )],
            },
        )
    };
    let client = |host: &str| {
        fail(CheckId::ClientVersions, "refused").fault(Fault::Unanswered {
            host: host.into(),
            port: 443,
        })
    };
    let mut results = vec![spreading(), client("matrix.example.com")];
    attribute(&mut results);
    assert_eq!(
        cause_of(&results, CheckId::ClientVersions).map(|c| c.0),
        Some(CheckId::DnsDelegatedHost)
    );
    let mut results = vec![spreading(), client("chat.example.com")];
    attribute(&mut results);
    assert_eq!(
        cause_of(&results, CheckId::ClientVersions),
        None,
        "another host"
    );
    // A name without address: the resolution and the client API.
    let mut results = vec![
        fail(CheckId::DnsDelegatedHost, "NXDOMAIN").fault(Fault::NoAddress {
            names: vec!["matrix.example.com".into()],
        }),
        fail(CheckId::ServerResolution, "no address").fault(Fault::HostsWithoutAddress {
            hosts: vec!["Matrix.Example.com".into()],
        }),
        fail(CheckId::ClientVersions, "DNS failed").fault(Fault::Unanswered {
            host: "matrix.example.com".into(),
            port: 443,
        }),
    ];
    attribute(&mut results);
    assert_eq!(
        cause_of(&results, CheckId::ServerResolution).map(|c| c.0),
        Some(CheckId::DnsDelegatedHost)
    );
    assert_eq!(
        cause_of(&results, CheckId::ClientVersions).map(|c| c.0),
        Some(CheckId::DnsDelegatedHost)
    );
    // /_matrix answered by a web server: keys and routing follow the version check.
    let mut results = vec![
        fail(CheckId::ServerVersion, "HTML page")
            .target(ADDR)
            .fault(Fault::NotRouted {
                host: "matrix.example.com".into(),
                port: 443,
            }),
        fail(CheckId::ServerKeys, "HTML page").target(ADDR),
        fail(CheckId::ServerRouting, "404 from the web server").target(ADDR),
        fail(CheckId::ServerKeys, "bad signature").target("127.0.0.12:443"),
    ];
    attribute(&mut results);
    assert_eq!(
        results[1].caused_by.as_ref().map(|c| c.id),
        Some(CheckId::ServerVersion)
    );
    assert_eq!(
        results[2].caused_by.as_ref().map(|c| c.id),
        Some(CheckId::ServerVersion)
    );
    assert_eq!(results[3].caused_by, None, "another address");
}

#[test]
fn the_report_lists_root_causes_first_and_counts_what_follows() {
    let report = Report::build(
        "example.com",
        None,
        None,
        vec![
            CheckResult::new(CheckId::DnsServerName, Status::Pass, "ok"),
            fail(CheckId::ServerVersion, "no answer").target(ADDR),
            fail(CheckId::ServerKeys, "no answer").target(ADDR),
            expired_tls(),
        ],
    );
    let order: Vec<CheckId> = report.checks.iter().map(|c| c.id).collect();
    assert_eq!(
        order,
        vec![
            CheckId::ServerTls,
            CheckId::DnsServerName,
            CheckId::ServerVersion,
            CheckId::ServerKeys
        ]
    );
    let roots = report.root_causes();
    assert_eq!(roots.len(), 1);
    assert_eq!((roots[0].0.id, roots[0].1), (CheckId::ServerTls, 2));
    let json: serde_json::Value =
        serde_json::from_str(&matrix_delegate::report::json::render(&report)).expect("JSON");
    assert_eq!(json["checks"][0]["caused_by"], serde_json::Value::Null);
    assert_eq!(json["checks"][2]["caused_by"], "server.tls");
    assert_eq!(json["checks"][2]["remedy"], serde_json::Value::Null);
}

#[test]
fn peers_failing_where_the_spec_path_fails_follow_its_root() {
    let mut results = vec![
        fail(CheckId::ServerPeers, "not reachable for spec, synapse")
            .fault(Fault::PeersFail { like_spec: true }),
        fail(CheckId::ServerKeys, "no answer").target(ADDR),
        expired_tls(),
    ];
    attribute(&mut results);
    let tls = Some((CheckId::ServerTls, Some(ADDR.to_string())));
    assert_eq!(cause_of(&results, CheckId::ServerPeers), tls);
    assert_eq!(results[0].remedy, None);
}

#[test]
fn peers_failing_where_the_spec_path_works_are_a_root_cause() {
    let mut results = vec![
        fail(CheckId::ServerPeers, "not reachable for synapse")
            .fault(Fault::PeersFail { like_spec: false }),
        fail(CheckId::ServerKeys, "no answer").target(ADDR),
    ];
    attribute(&mut results);
    assert_eq!(cause_of(&results, CheckId::ServerPeers), None);
    assert_eq!(root_causes(&results), vec![true, true]);
}

#[test]
fn peers_failing_after_a_broken_server_file_follow_it_whatever_step_they_took() {
    let mut results = vec![
        fail(CheckId::ServerPeers, "not reachable for synapse")
            .fault(Fault::PeersFail { like_spec: false }),
        fail(CheckId::ServerWellKnown, "m.server is not a server name"),
    ];
    attribute(&mut results);
    assert_eq!(
        cause_of(&results, CheckId::ServerPeers),
        Some((CheckId::ServerWellKnown, None))
    );
}
