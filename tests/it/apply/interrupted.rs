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
use matrix_delegate::install::Decision;

use crate::support::apply::{apache_root, caddy_root, haproxy_root, nginx_root};
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
