//! Which roots are trusted: `--ca-file`, `--ca-only`, and clear errors for
//! unusable files.

use std::time::Duration;

use matrix_delegate::observe::{FetchFailure, TlsErrorKind};
use matrix_delegate::probe::*;
use matrix_delegate::sim::{Scenario, Sim};

async fn sim() -> Sim {
    Sim::start(&Scenario::builtin("healthy-well-known").expect("built-in"))
        .await
        .expect("sim starts")
}

const SERVER_FILE: &str = "https://example.com/.well-known/matrix/server";

#[tokio::test]
async fn a_ca_file_is_trusted() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, sim.ca_pem()).expect("written");
    let mut opts = sim.net_options();
    opts.extra_roots_pem.clear();
    opts.ca_files = vec![path];
    opts.timeout = Duration::from_secs(2);
    let net = Net::new(opts).expect("sets up");
    assert_eq!(net.trust().extra_roots, 1);
    assert_eq!(
        net.trust().system_roots,
        0,
        "--ca-only drops the system roots"
    );
    let obs = net.fetch(FetchRequest::get(SERVER_FILE)).await;
    assert_eq!(obs.status, Some(200), "{obs:#?}");
}

#[tokio::test]
async fn system_roots_alone_do_not_trust_the_simulation() {
    let sim = sim().await;
    let mut opts = sim.net_options();
    opts.extra_roots_pem.clear();
    opts.ca_only = false;
    opts.timeout = Duration::from_secs(2);
    let net = match Net::new(opts) {
        Ok(net) => net,
        // A machine without any system root refuses to set up at all.
        Err(e) => {
            assert_eq!(e, SetupError::NoRoots);
            return;
        }
    };
    let obs = net.fetch(FetchRequest::get(SERVER_FILE)).await;
    assert!(
        matches!(
            obs.error,
            Some(FetchFailure::Tls {
                kind: TlsErrorKind::UnknownIssuer,
                ..
            })
        ),
        "{obs:#?}"
    );
}

#[tokio::test]
async fn extra_roots_merge_with_system_roots() {
    let sim = sim().await;
    let mut opts = sim.net_options();
    opts.ca_only = false;
    let net = Net::new(opts).expect("sets up");
    assert_eq!(net.trust().extra_roots, 1);
    let obs = net.fetch(FetchRequest::get(SERVER_FILE)).await;
    assert_eq!(obs.status, Some(200));
}

#[test]
fn unusable_ca_files_say_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.pem");
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "this is not a certificate\n").expect("written");
    let setup = |path: &std::path::Path| {
        Net::new(NetOptions {
            ca_files: vec![path.to_path_buf()],
            ca_only: true,
            nameservers: vec!["127.0.0.1:53".parse().expect("addr")],
            ..NetOptions::default()
        })
        .unwrap_err()
        .to_string()
    };
    let message = setup(&missing);
    assert!(message.starts_with("--ca-file "), "{message}");
    assert!(message.contains("missing.pem"), "{message}");
    let message = setup(&garbage);
    assert!(
        message.contains("no `BEGIN CERTIFICATE` block found"),
        "{message}"
    );
}

#[test]
fn ca_only_needs_a_ca() {
    let err = Net::new(NetOptions {
        ca_only: true,
        nameservers: vec!["127.0.0.1:53".parse().expect("addr")],
        ..NetOptions::default()
    })
    .unwrap_err();
    assert_eq!(err, SetupError::NoRoots);
    assert!(
        err.to_string()
            .contains("--ca-only needs at least one --ca-file")
    );
}
