//! Killed in the middle: an install carries out its file operations one
//! after the other, each file through a temporary file renamed into place
//! (so a file is whole or absent; `local_file`'s own tests cover that).
//! What a kill between two operations leaves must still be a configuration
//! the proxy accepts: for every proxy, every prefix of the operations is
//! carried out on a fresh copy of the tree and tested with the real
//! program.

use matrix_delegate::apply::apache::Apache;
use matrix_delegate::apply::caddy::Caddy;
use matrix_delegate::apply::haproxy::Haproxy;
use matrix_delegate::apply::nginx::Nginx;
use matrix_delegate::apply::{Backend, Request, files};
use matrix_delegate::domain::{Proxy, Strategy};
use matrix_delegate::generate::{artifacts, ids};
use matrix_delegate::install::acme_first::AcmeStep;
use matrix_delegate::install::{Decision, FileOp};

use crate::support::apply::{apache_root, caddy_root, certificates, haproxy_root, nginx_root};
use crate::support::proxy::{answers, plan_of};

const NAMES: &[&str] = &["example.com", "matrix.example.com"];

fn every_prefix_is_accepted(
    proxy: Proxy,
    backend: &dyn Backend,
    fresh_root: &dyn Fn() -> Option<(tempfile::TempDir, std::path::PathBuf)>,
) {
    let plan = plan_of(&answers(Strategy::WellKnown, proxy));
    let generated = artifacts(&plan)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .unwrap()
        .text;
    let Some((first, program)) = fresh_root() else {
        return;
    };
    let req = Request {
        root: first.path(),
        plan: &plan,
        proxy_config: None,
        dry_run: false,
    };
    let (decision, _) = backend.decide(&req, &generated).unwrap();
    let Decision::Install(install) = decision else {
        panic!("{proxy}: {decision:?}")
    };
    assert!(!install.ops.is_empty());
    for k in 0..=install.ops.len() {
        let (dir, _) = fresh_root().unwrap();
        let root = dir.path();
        files::execute(root, &install.ops[..k], &root.join("var/backups/t"))
            .map_err(|(e, _)| e)
            .unwrap();
        let ran = backend.test(&program, root, None).unwrap();
        assert!(
            ran.success,
            "{proxy}: after {k} of {} operations ({:?}) the proxy rejects the tree:\n{}",
            install.ops.len(),
            install.ops.get(k.wrapping_sub(1)).map(|op| op.path()),
            ran.output
        );
    }
}

#[test]
fn nginx_after_each_operation() {
    every_prefix_is_accepted(Proxy::Nginx, &Nginx, &|| nginx_root(NAMES));
}

#[test]
fn apache_after_each_operation() {
    every_prefix_is_accepted(Proxy::Apache, &Apache, &|| apache_root(NAMES));
}

#[test]
fn caddy_after_each_operation() {
    every_prefix_is_accepted(Proxy::Caddy, &Caddy, &caddy_root);
}

#[test]
fn haproxy_after_each_operation() {
    let file = "/etc/haproxy/matrix-example.com.cfg".to_string();
    every_prefix_is_accepted(Proxy::Haproxy, &Haproxy { file }, &|| haproxy_root(NAMES));
}

/// The second step of certificates first: the tree holds the port-80 part
/// an earlier `apply` installed alone, the certificates now exist, and the
/// whole configuration replaces that part. Every prefix of that
/// transaction (the removals come first) must be accepted as well.
fn every_prefix_of_the_second_step_is_accepted(
    proxy: Proxy,
    backend: &dyn Backend,
    fresh_root: &dyn Fn() -> Option<(tempfile::TempDir, std::path::PathBuf)>,
    add_certificates: &dyn Fn(&std::path::Path),
) {
    let plan = plan_of(&answers(Strategy::WellKnown, proxy));
    let generated = artifacts(&plan)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .unwrap()
        .text;
    let decide = |root: &std::path::Path| {
        let req = Request {
            root,
            plan: &plan,
            proxy_config: None,
            dry_run: false,
        };
        backend.decide(&req, &generated).unwrap().0
    };
    // The tree after the certificate step and certbot.
    let after_certbot = || {
        let (dir, program) = fresh_root()?;
        let decision = decide(dir.path());
        let Decision::CertificatesMissing {
            acme: AcmeStep::Install(first),
            ..
        } = decision
        else {
            panic!("{proxy}: {decision:?}")
        };
        files::execute(dir.path(), &first.ops, &dir.path().join("var/backups/t0"))
            .map_err(|(e, _)| e)
            .unwrap();
        add_certificates(dir.path());
        Some((dir, program))
    };
    let Some((first, program)) = after_certbot() else {
        return;
    };
    let decision = decide(first.path());
    let Decision::Install(install) = decision else {
        panic!("{proxy}: {decision:?}")
    };
    assert!(
        matches!(install.ops.first(), Some(FileOp::Remove { .. })),
        "{proxy}: {:?}",
        install.ops
    );
    for k in 0..=install.ops.len() {
        let (dir, _) = after_certbot().unwrap();
        let root = dir.path();
        files::execute(root, &install.ops[..k], &root.join("var/backups/t"))
            .map_err(|(e, _)| e)
            .unwrap();
        let ran = backend.test(&program, root, None).unwrap();
        assert!(
            ran.success,
            "{proxy}: after {k} of {} operations of the second step ({:?}) the proxy rejects \
             the tree:\n{}",
            install.ops.len(),
            install.ops.get(k.wrapping_sub(1)),
            ran.output
        );
    }
}

#[test]
fn nginx_after_each_operation_of_the_second_step() {
    every_prefix_of_the_second_step_is_accepted(
        Proxy::Nginx,
        &Nginx,
        &|| nginx_root(&[]),
        &|root| certificates(root, NAMES),
    );
}

#[test]
fn apache_after_each_operation_of_the_second_step() {
    every_prefix_of_the_second_step_is_accepted(
        Proxy::Apache,
        &Apache,
        &|| apache_root(&[]),
        &|root| certificates(root, NAMES),
    );
}

#[test]
fn haproxy_after_each_operation_of_the_second_step() {
    let file = "/etc/haproxy/matrix-example.com.cfg".to_string();
    every_prefix_of_the_second_step_is_accepted(
        Proxy::Haproxy,
        &Haproxy { file },
        &|| haproxy_root(&[]),
        &|root| {
            let dir = root.join("etc/haproxy/certs");
            std::fs::create_dir_all(&dir).unwrap();
            let ca = crate::support::proxy::certs::TestCa::new();
            for name in NAMES {
                let leaf = ca.leaf(name);
                std::fs::write(
                    dir.join(format!("{name}.pem")),
                    format!("{}{}", leaf.cert_pem, leaf.key_pem),
                )
                .unwrap();
            }
        },
    );
}
