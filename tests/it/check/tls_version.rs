//! Per-address verdicts: server.tls and server.version.

use crate::support::check as common;

use common::*;
use serde_json::json;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::Status;
use matrix_delegate::check::verdict::{tls, version};
use matrix_delegate::domain::{Proxy, Strategy};
use matrix_delegate::matrix::discovery::{Discovery, Input, Need, Step};
use matrix_delegate::observe::{
    FetchFailure, HttpObservation, SrvLookup, SrvRecord, TimeoutPhase, TlsErrorKind, TlsFailure,
    TlsFailureKind, TlsObservation,
};

#[test]
fn tls_table() {
    let res = healthy().resolution;
    let (addr, target) = res.endpoints()[0];
    let v6 = res.endpoints()[1].0;
    let base = good_tls("matrix.example.com");
    type Row<'a> = (
        &'a str,
        TlsObservation,
        std::net::SocketAddr,
        Status,
        &'a str,
        &'a str,
    );
    let cases: Vec<Row> = vec![
        (
            "good",
            base.clone(),
            addr,
            Status::Pass,
            "covers matrix.example.com, expires in 59 days",
            "",
        ),
        (
            "refused on v6",
            tls_connect_failed("connection refused"),
            v6,
            // Per address: the verdict alone still fails; federation_checks
            // softens it when another address of the host works.
            Status::Fail,
            "cannot connect to [2001:db8::7]:443: connection refused; peers try \
             matrix.example.com's other address next",
            "remove the AAAA record of matrix.example.com",
        ),
        (
            "handshake fails on v6",
            TlsObservation::failed(
                TlsFailure::new(
                    TlsFailureKind::Handshake(TlsErrorKind::AlertReceived(
                        "handshake_failure".into(),
                    )),
                    "received fatal alert: HandshakeFailure",
                ),
                std::time::Duration::ZERO,
            ),
            v6,
            Status::Fail,
            "the TLS handshake with [2001:db8::7]:443 fails: ",
            "",
        ),
        (
            "expired",
            TlsObservation {
                days_left: Some(-3),
                chain_valid: false,
                ..base.clone()
            },
            addr,
            Status::Fail,
            "expired 3 day(s) ago",
            "Renew",
        ),
        (
            "wrong name",
            TlsObservation {
                names: vec!["example.com".into()],
                covers_required_name: false,
                ..base.clone()
            },
            addr,
            Status::Fail,
            "covers example.com, not matrix.example.com",
            "certificate that covers matrix.example.com",
        ),
        (
            "unknown CA",
            TlsObservation {
                chain_valid: false,
                verify_error: Some(TlsErrorKind::UnknownIssuer),
                ..base.clone()
            },
            addr,
            Status::Fail,
            "not trusted: certificate not signed by a trusted authority",
            "fullchain.pem",
        ),
        (
            "expiring",
            TlsObservation {
                days_left: Some(5),
                ..base.clone()
            },
            addr,
            Status::Warn,
            "expires in 5 day(s)",
            "Renew",
        ),
    ];
    for (case, obs, at, status, summary, remedy) in cases {
        let r = tls::server_tls(
            at,
            target,
            Step::DelegatedHostPort,
            &obs,
            &Expectations::none(),
        );
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(summary), "{case}: {}", r.summary);
        assert!(
            r.remedy.clone().unwrap_or_default().contains(remedy),
            "{case}: {:?}",
            r.remedy
        );
        assert_eq!(r.target.as_deref(), Some(at.to_string().as_str()));
    }
}

#[test]
fn tls_for_srv_delegation_wants_the_server_name() {
    let res = Discovery::run(name("example.com"), |need| match need {
        Need::WellKnown { url } => {
            Input::WellKnown(Box::new(HttpObservation::get(url).respond(404, &[], b"")))
        }
        Need::Srv { name } => Input::Srv(SrvLookup {
            name: name.clone(),
            records: Ok(vec![SrvRecord {
                priority: 10,
                weight: 10,
                port: 443,
                target: "matrix.example.com.".into(),
                ttl: 60,
            }]),
        }),
        Need::LegacySrv { name } => Input::LegacySrv(nx_srv(name)),
        Need::Addresses { .. } => Input::Addresses(vec![addresses("matrix.example.com", &[V4])]),
    });
    let (addr, target) = res.endpoints()[0];
    assert_eq!(target.cert_name, "example.com");
    let obs = TlsObservation {
        names: vec!["matrix.example.com".into()],
        covers_required_name: false,
        ..good_tls("matrix.example.com")
    };
    let r = tls::server_tls(addr, target, res.step, &obs, &Expectations::none());
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.remedy
            .unwrap_or_default()
            .contains("not the SRV target matrix.example.com")
    );
}

#[test]
fn version_table() {
    let res = healthy().resolution;
    let (addr, target) = res.endpoints()[0];
    let url = "https://matrix.example.com/_matrix/federation/v1/version";
    let nginx = plan_ex(Strategy::WellKnown, Proxy::Nginx);
    let cases: Vec<(&str, HttpObservation, Status, &str, &str)> = vec![
        (
            "ok",
            json_obs(
                url,
                200,
                &[JSON],
                &json!({"server": {"name": "Synapse", "version": "1.99"}}),
            ),
            Status::Pass,
            "Synapse 1.99 answers",
            "",
        ),
        (
            "nameless",
            json_obs(url, 200, &[JSON], &json!({})),
            Status::Pass,
            "an unnamed server answers",
            "",
        ),
        (
            "html 404",
            HttpObservation::get(url).respond(
                404,
                &[("content-type", "text/html")],
                b"<html>404</html>",
            ),
            Status::Fail,
            "not routed to the homeserver",
            "location /_matrix/",
        ),
        (
            "unrecognized",
            json_obs(url, 404, &[JSON], &json!({"errcode": "M_UNRECOGNIZED"})),
            Status::Fail,
            "404 M_UNRECOGNIZED",
            "proxy_pass http://127.0.0.1:8008;",
        ),
        (
            "forbidden",
            json_obs(url, 403, &[JSON], &json!({"errcode": "M_FORBIDDEN"})),
            Status::Fail,
            "federation is disabled",
            "allow_federation = true",
        ),
        (
            "bad gateway",
            HttpObservation::get(url).respond(502, &[], b"Bad Gateway"),
            Status::Fail,
            "cannot reach the homeserver",
            "127.0.0.1:8008",
        ),
        (
            "timeout",
            HttpObservation::get(url).fail(FetchFailure::Timeout(TimeoutPhase::Headers)),
            Status::Fail,
            "no answer: timed out",
            "",
        ),
    ];
    for (case, obs, status, summary, remedy) in cases {
        let r = version::server_version(addr, target, &obs, &nginx);
        assert_eq!(r.status, status, "{case}: {r:#?}");
        assert!(r.summary.contains(summary), "{case}: {}", r.summary);
        assert!(
            r.remedy.clone().unwrap_or_default().contains(remedy),
            "{case}: {:?}",
            r.remedy
        );
    }
}
