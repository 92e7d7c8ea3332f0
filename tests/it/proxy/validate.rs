//! Every generated proxy configuration, for every strategy, is accepted by
//! the real program: `nginx -t`, `apache2 -t`, `haproxy -c` and
//! `caddy validate`. Only listen addresses/ports and certificate paths are
//! changed (see support/proxy/proxies.rs).

use crate::support::proxy as common;

use common::certs::{TestCa, write_all};
use common::process::{run, temp_dir};
use common::proxies::{PortMap, cert_names, prepare, program_name};
use matrix_delegate::domain::Proxy;
use matrix_delegate::generate::{artifacts, ids};

fn validate_all(proxy: Proxy) {
    let Some(program) = common::programs::require(program_name(proxy)) else {
        return;
    };
    let ca = TestCa::new();
    let mut checked = 0;
    for strategy in common::strategies_for(proxy) {
        // The second variant also moves the federation port and reaches the
        // homeserver over IPv6; the third through its unix socket
        // (`unix_socket_path`).
        for (port, upstream) in [
            ("", "127.0.0.1:8008"),
            ("8448", "[::1]:6167"),
            ("", "unix:/run/continuwuity/continuwuity.sock"),
        ] {
            let mut answers = common::answers_for(strategy, proxy);
            answers.port = port.into();
            answers.upstream = upstream.into();
            let plan = common::plan_of(&answers);
            let all = artifacts(&plan);
            let generated = all
                .iter()
                .find(|a| a.id == ids::PROXY)
                .expect("a proxy artifact");
            let dir = temp_dir();
            write_all(&ca, dir.path(), &cert_names(&plan));
            let ports = PortMap::for_proxy(&plan, proxy);
            let mut prepared = prepare(proxy, &program, dir.path(), &generated.text, &ports);
            let out = run(&mut prepared.check);
            assert!(
                out.status.success(),
                "{proxy} rejected the configuration for strategy {strategy}, port {port:?}:\n\
                 --- stdout\n{}\n--- stderr\n{}\n--- configuration\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                prepared.text
            );
            checked += 1;
        }
    }
    assert_eq!(checked, common::strategies_for(proxy).len() * 3);
    rejects_a_broken_configuration(proxy, &program, &ca);
}

/// The harness is not vacuous: the same program, run the same way, refuses
/// the configuration once one directive is misspelt.
fn rejects_a_broken_configuration(proxy: Proxy, program: &std::path::Path, ca: &TestCa) {
    let plan = common::plan_of(&common::answers_for(
        matrix_delegate::domain::Strategy::WellKnown,
        proxy,
    ));
    let good = artifacts(&plan)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .expect("a proxy artifact")
        .text;
    let directive = match proxy {
        Proxy::Caddy => "reverse_proxy ",
        Proxy::Nginx => "proxy_pass ",
        Proxy::Apache => "ProxyPass ",
        _ => "use_backend ",
    };
    let mut done = false;
    let text: String = good
        .lines()
        .map(|line| {
            if !done && !line.trim_start().starts_with('#') && line.contains(directive) {
                done = true;
                line.replacen(directive, &directive.replace(' ', "x "), 1) + "\n"
            } else {
                line.to_string() + "\n"
            }
        })
        .collect();
    assert_ne!(text, good, "no `{directive}` to misspell");
    let dir = temp_dir();
    write_all(ca, dir.path(), &cert_names(&plan));
    let ports = PortMap::for_proxy(&plan, proxy);
    let mut prepared = prepare(proxy, program, dir.path(), &text, &ports);
    let out = run(&mut prepared.check);
    assert!(
        !out.status.success(),
        "{proxy} accepted a broken configuration: the check proves nothing"
    );
}

#[test]
fn nginx_accepts_every_strategy() {
    validate_all(Proxy::Nginx);
}

#[test]
fn apache_accepts_every_strategy() {
    validate_all(Proxy::Apache);
}

#[test]
fn haproxy_accepts_every_strategy() {
    validate_all(Proxy::Haproxy);
}

#[test]
fn caddy_accepts_every_strategy() {
    validate_all(Proxy::Caddy);
}

/// A missing program skips the test outside CI (printing `SKIPPED: ...`)
/// and fails it under `CI=true`.
#[test]
fn a_missing_program_skips_or_fails() {
    let name = "matrix-delegate-no-such-proxy";
    let result = std::panic::catch_unwind(|| common::programs::require(name));
    if common::programs::in_ci() {
        assert!(result.is_err(), "CI=true must fail on a missing program");
    } else {
        assert!(
            matches!(result, Ok(None)),
            "outside CI a missing program skips"
        );
    }
}
