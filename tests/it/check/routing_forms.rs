//! `server.routing` with every `Host` form a modelled peer sends to an
//! address: which forms there are, and how one that a proxy does not route
//! fails the check naming the peers that send it.

use serde_json::json;

use crate::support::check::world::World;
use crate::support::check::*;
use crate::support::peers::run;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::Status;
use matrix_delegate::check::verdict::routing::{
    HostForm, HostFormProbe, PROBE_PATH, host_forms, server_routing_forms,
};
use matrix_delegate::matrix::peers::Peer;
use matrix_delegate::observe::{FetchFailure, HttpObservation, TlsErrorKind};

/// `example.com` delegates to `matrix.example.com:443` (step 3.2), at a
/// public address (Synapse refuses documentation ranges).
fn world() -> World {
    World::default()
        .m_server("example.com", "matrix.example.com:443")
        .host("matrix.example.com", &["93.184.216.7"])
}

fn probe_url() -> String {
    format!("https://matrix.example.com{PROBE_PATH}")
}

fn ok_401() -> HttpObservation {
    json_obs(
        &probe_url(),
        401,
        &[JSON],
        &json!({"errcode": "M_UNAUTHORIZED"}),
    )
}

fn html_404() -> HttpObservation {
    HttpObservation::get(probe_url()).respond(
        404,
        &[("content-type", "text/html")],
        b"<html><body>404 Not Found</body></html>",
    )
}

fn bare_form(peers: Vec<Peer>) -> HostForm {
    HostForm {
        host_header: "matrix.example.com".into(),
        sni: Some("matrix.example.com".into()),
        cert_name: "matrix.example.com".into(),
        peers,
    }
}

#[test]
fn the_forms_at_an_address_group_the_peers_that_send_each() {
    let mut w = world();
    let res = w.resolve("example.com");
    let (addr, target) = res.endpoints()[0];
    let paths: Vec<_> = Peer::ALL
        .iter()
        .map(|p| run(*p, &mut world(), "example.com"))
        .collect();
    let (same, others) = host_forms(addr, target, &paths);
    // The spec and Synapse send `matrix.example.com:443` at step 3.2;
    // resolvematrix's URL drops the default port, and so does conduwuit's.
    assert_eq!(same, [Peer::Spec, Peer::Synapse]);
    assert_eq!(others.len(), 1, "{others:?}");
    assert_eq!(others[0].host_header, "matrix.example.com");
    assert_eq!(others[0].peers, [Peer::Continuwuity, Peer::Conduwuit]);
    // Nothing at another address.
    let elsewhere = "93.184.216.99:443".parse().expect("addr");
    assert_eq!(host_forms(elsewhere, target, &paths), (vec![], vec![]));
}

#[test]
fn a_host_form_the_proxy_does_not_route_fails_naming_its_peers() {
    let res = world().resolve("example.com");
    let (addr, target) = res.endpoints()[0];
    let forms = [HostFormProbe {
        form: bare_form(vec![Peer::Continuwuity, Peer::Conduwuit]),
        obs: html_404(),
    }];
    let r = server_routing_forms(
        addr,
        target,
        &ok_401(),
        &[Peer::Spec, Peer::Synapse],
        &forms,
        &Expectations::none(),
    );
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.summary.starts_with(
            "Continuwuity and conduwuit (older Continuwuity, tuwunel) send Host: \
             matrix.example.com; your proxy does not route it: 404 from the web server"
        ),
        "{}",
        r.summary
    );
    assert!(
        r.summary
            .ends_with("(with Host matrix.example.com:443 it works)")
    );
    let rows: Vec<String> = r
        .evidence
        .iter()
        .filter(|e| e.asked.starts_with("routing probe"))
        .map(|e| format!("{} → {}", e.asked, e.got))
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].starts_with(
        "routing probe with Host matrix.example.com:443 (sent by the spec and Synapse) → pass"
    ));
    assert!(
        rows[1].contains("(sent by Continuwuity and conduwuit"),
        "{}",
        rows[1]
    );
    assert!(rows[1].contains("→ FAIL: 404"), "{}", rows[1]);
    let remedy = r.remedy.unwrap_or_default();
    assert!(
        remedy.contains("Match the host part of the header"),
        "{remedy}"
    );
}

#[test]
fn every_form_routed_passes_with_a_row_per_form() {
    let res = world().resolve("example.com");
    let (addr, target) = res.endpoints()[0];
    let forms = [HostFormProbe {
        form: bare_form(vec![Peer::Continuwuity]),
        obs: ok_401(),
    }];
    let r = server_routing_forms(
        addr,
        target,
        &ok_401(),
        &[Peer::Spec],
        &forms,
        &Expectations::none(),
    );
    assert_eq!(r.status, Status::Pass, "{}", r.summary);
    assert!(r.summary.starts_with("an escaped federation path reaches"));
    assert_eq!(
        r.evidence
            .iter()
            .filter(|e| e.asked.starts_with("routing probe with Host"))
            .count(),
        2
    );
    assert!(r.remedy.is_none());
}

#[test]
fn without_other_forms_the_verdict_is_the_spec_forms() {
    let res = world().resolve("example.com");
    let (addr, target) = res.endpoints()[0];
    let ex = Expectations::none();
    let alone = server_routing_forms(addr, target, &html_404(), &[Peer::Spec], &[], &ex);
    assert_eq!(
        alone,
        matrix_delegate::check::verdict::routing::server_routing(addr, target, &html_404(), &ex)
    );
}

/// A form whose TLS handshake fails (a certificate without its SNI) is
/// `server.peers`' failure: the routing verdict shows it and does not
/// count it again.
#[test]
fn a_form_that_never_got_an_http_answer_is_shown_not_judged() {
    let res = world().resolve("example.com");
    let (addr, target) = res.endpoints()[0];
    let mut obs = HttpObservation::get(probe_url());
    obs.error = Some(FetchFailure::Tls {
        kind: TlsErrorKind::NameMismatch { presented: vec![] },
        address: Some(addr),
    });
    let forms = [HostFormProbe {
        form: bare_form(vec![Peer::Synapse]),
        obs,
    }];
    let r = server_routing_forms(
        addr,
        target,
        &ok_401(),
        &[Peer::Spec],
        &forms,
        &Expectations::none(),
    );
    assert_eq!(r.status, Status::Pass, "{}", r.summary);
    let row = r
        .evidence
        .iter()
        .find(|e| e.asked.contains("(sent by Synapse)"))
        .map(|e| e.got.as_str())
        .unwrap_or_default();
    assert!(row.starts_with("not judged here: TLS failed"), "{row}");
    assert!(row.ends_with("(see server.peers)"), "{row}");
}

/// The spec form failing and another form working: the spec's verdict
/// stands (the worse one is reported).
#[test]
fn the_worse_of_the_forms_is_the_verdict() {
    let res = world().resolve("example.com");
    let (addr, target) = res.endpoints()[0];
    let forms = [HostFormProbe {
        form: bare_form(vec![Peer::Continuwuity]),
        obs: ok_401(),
    }];
    let ex = Expectations::none();
    let r = server_routing_forms(addr, target, &html_404(), &[Peer::Spec], &forms, &ex);
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.summary.starts_with("404 from the web server"),
        "{}",
        r.summary
    );
}
